package workflows

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

const (
	// OrderSyncName is the workflow type of the sync of one OpenCart order (ID from OrderSyncID).
	OrderSyncName = "OrderSync"
	// OrderEventSignal carries an activities.ChangeEvent: something about the order may have changed.
	// Entry points signal-with-start it (SignalOrderSync), so a running sync gets it and a finished one
	// runs again.
	OrderEventSignal = "order-event"
	// MappingAddedSignal carries a MappingAdded: a mapping of the kind an order waits for was added.
	MappingAddedSignal = "mapping-added"
	// QueryWaiting answers the mappings an order waits for ([]activities.MissingMapping, empty if none).
	QueryWaiting = "waiting"
	// QueryOrder answers the order's progress (OrderProgress).
	QueryOrder = "order"
)

// MappingAdded is the payload of MappingAddedSignal.
type MappingAdded struct {
	Kind mapping.Kind `json:"kind"`
}

// Order stages, as the order query reports them.
const (
	OrderSyncing        = "syncing"
	OrderSyncingProduct = "syncing-products"
	OrderWaiting        = "waiting-for-mapping"
	OrderUpdatingStatus = "writing-back"
	OrderDone           = "done"
	OrderAbandoned      = "abandoned" // status 0: checkout never confirmed; nothing synced
	OrderFailed         = "failed"
)

// OrderProgress is the answer of QueryOrder and the workflow's result.
type OrderProgress struct {
	OrderID       int64                       `json:"order_id"`
	Stage         string                      `json:"stage"`
	StatusID      int                         `json:"status_id"`
	SaleOrderID   int64                       `json:"sale_order_id,omitempty"`
	SaleOrderName string                      `json:"sale_order_name,omitempty"`
	Created       bool                        `json:"created,omitempty"` // this run created the sale order
	Waiting       []activities.MissingMapping `json:"waiting,omitempty"`
	// Problem is why the order is held (totals differ, invalid data); also kept in the failure list.
	Problem *syncerr.Invalid `json:"problem,omitempty"`
	Passes  int              `json:"passes"` // how often the order was looked at in this run
	Events  int              `json:"events"` // events received
	// Actions done in Odoo and the status written back to the shop by this run.
	Actions     []activities.OrderAction `json:"actions,omitempty"`
	WroteStatus int                      `json:"wrote_status,omitempty"`
}

// ErrTypeOrderHeld marks an order run that stopped on a problem someone must fix; the failure list
// has the reason and the fix, and a replay (a new event or `starter sync order`) tries again.
const ErrTypeOrderHeld = "OrderHeld"

var orderActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 3 * time.Minute, // above the Odoo client's own 2-minute call timeout
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		MaximumAttempts:        8,
		NonRetryableErrorTypes: []string{activities.ErrTypeInvalidRecord, activities.ErrTypeOdooRejected},
	},
}

// maxProductWaits bounds how often an order waits for a product sync another workflow runs.
const maxProductWaits = 60

// OrderSync carries one OpenCart order into Odoo and follows its status, exactly once whatever the
// number, order and source of the events about it. It runs passes until no event is pending: each pass
// reads the order afresh, creates the sale order if it does not exist yet (syncing unmapped products
// first, waiting for missing mappings), applies the shop status to Odoo and, after an event from the
// Odoo poll, writes Odoo's progress back to the shop.
func OrderSync(ctx workflow.Context, in activities.OrderRef) (OrderProgress, error) {
	if in.OrderID <= 0 {
		return OrderProgress{}, invalidInput("order sync needs a positive order id, got %d", in.OrderID)
	}
	w := &orderRun{
		in:       in,
		p:        OrderProgress{OrderID: in.OrderID, Stage: OrderSyncing},
		events:   workflow.GetSignalChannel(ctx, OrderEventSignal),
		mappings: workflow.GetSignalChannel(ctx, MappingAddedSignal),
		actx:     workflow.WithActivityOptions(ctx, orderActivityOptions),
	}
	if err := workflow.SetQueryHandler(ctx, QueryOrder, func() (OrderProgress, error) { return w.p, nil }); err != nil {
		return w.p, err
	}
	if err := workflow.SetQueryHandler(ctx, QueryWaiting, func() ([]activities.MissingMapping, error) { return w.p.Waiting, nil }); err != nil {
		return w.p, err
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, OpenCartOrderID.ValueSet(strconv.FormatInt(in.OrderID, 10)))

	checkOdoo := in.CheckOdoo
	for {
		checkOdoo = w.drainEvents() || checkOdoo
		if err := w.pass(ctx, checkOdoo); err != nil {
			return w.p, w.fail(ctx, err)
		}
		checkOdoo = false
		if w.events.Len() == 0 {
			w.p.Stage = OrderDone
			if w.abandoned {
				w.p.Stage = OrderAbandoned
			}
			return w.p, nil
		}
	}
}

// orderRun is the state of one OrderSync run.
type orderRun struct {
	in        activities.OrderRef
	p         OrderProgress
	events    workflow.ReceiveChannel
	mappings  workflow.ReceiveChannel
	actx      workflow.Context
	abandoned bool
}

// drainEvents takes every pending event; it reports whether one came from the Odoo poll.
func (w *orderRun) drainEvents() (fromOdoo bool) {
	var ev activities.ChangeEvent
	for w.events.ReceiveAsync(&ev) {
		w.p.Events++
		fromOdoo = fromOdoo || ev.Source == activities.SourceOdoo
	}
	return fromOdoo
}

// pass looks at the order once: SyncOrder does the work, the workflow arranges what it needs first
// (product syncs, mappings), then writes Odoo's progress back after an Odoo event.
func (w *orderRun) pass(ctx workflow.Context, checkOdoo bool) error {
	w.p.Passes++
	w.abandoned = false
	var synced []int64
	productWaits := 0
	for {
		w.p.Stage = OrderSyncing
		var res activities.OrderResult
		in := activities.SyncOrderInput{OrderID: w.in.OrderID, Synced: synced}
		if err := workflow.ExecuteActivity(w.actx, acts.SyncOrder, in).Get(ctx, &res); err != nil {
			return err
		}
		w.p.StatusID = res.StatusID
		switch {
		case res.Abandoned:
			w.abandoned = true
			return nil
		case len(res.UnmappedProducts) > 0:
			w.p.Stage = OrderSyncingProduct
			options, err := w.syncRecords(ctx, res.Connection, activities.StageAttributes, res.UnmappedOptions)
			if err != nil {
				return err
			}
			done, err := w.syncRecords(ctx, res.Connection, activities.StageProducts, res.UnmappedProducts)
			if err != nil {
				return err
			}
			if len(options) < len(res.UnmappedOptions) || len(done) < len(res.UnmappedProducts) {
				// Another workflow syncs a product right now: look again a little later.
				if productWaits++; productWaits > maxProductWaits {
					return fmt.Errorf("products %v are still being synced by other workflows", res.UnmappedProducts)
				}
				if err := workflow.Sleep(ctx, 2*time.Second); err != nil {
					return err
				}
			}
			synced = append(synced, done...)
		case len(res.Missing) > 0:
			if err := w.waitForMappings(ctx, res.Missing, res.Recheck); err != nil {
				return err
			}
		default:
			w.synced(ctx, res)
			if checkOdoo {
				return w.pushOdooStatus(ctx)
			}
			return nil
		}
	}
}

// synced takes in what SyncOrder did.
func (w *orderRun) synced(ctx workflow.Context, res activities.OrderResult) {
	so := res.SaleOrder
	w.p.SaleOrderID = so.ID
	if so.Created {
		w.p.Created = true
	}
	if so.Name != "" && so.Name != w.p.SaleOrderName {
		w.p.SaleOrderName = so.Name
		_ = workflow.UpsertTypedSearchAttributes(ctx, OdooOrderName.ValueSet(so.Name))
	}
	w.p.Actions = append(w.p.Actions, res.Status.Actions...)
}

// pushOdooStatus writes the sale order's Odoo milestone back to the shop.
func (w *orderRun) pushOdooStatus(ctx workflow.Context) error {
	w.p.Stage = OrderUpdatingStatus
	var res activities.StatusResult
	in := activities.ApplyStatusInput{OrderID: w.in.OrderID, SaleOrderID: w.p.SaleOrderID, StatusID: w.p.StatusID}
	if err := workflow.ExecuteActivity(w.actx, acts.PushOdooStatus, in).Get(ctx, &res); err != nil {
		return err
	}
	if res.WroteStatus != 0 {
		w.p.WroteStatus = res.WroteStatus
	}
	return nil
}

// syncRecords runs a RecordSync per OpenCart record of a catalog stage, in parallel, and returns the
// ones it synced; a record another workflow is syncing already is left out (the caller looks again).
func (w *orderRun) syncRecords(ctx workflow.Context, connection string, stage activities.Stage, ids []int64) ([]int64, error) {
	futures := make([]workflow.ChildWorkflowFuture, len(ids))
	for i, id := range ids {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            RecordSyncID(connection, stage.Kind(), SideOpenCart, strconv.FormatInt(id, 10)),
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON, // a catalog sync is worth finishing anyway
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		})
		futures[i] = workflow.ExecuteChildWorkflow(cctx, RecordSyncName, RecordSyncInput{Stage: stage, From: SideOpenCart, ID: id})
	}
	var done []int64
	for i, f := range futures {
		var res activities.PageResult
		err := f.Get(ctx, &res)
		switch {
		case err == nil:
			done = append(done, ids[i])
		case temporal.IsWorkflowExecutionAlreadyStartedError(err):
		default:
			kind := stage.Kind()
			return done, &syncerr.Invalid{Kind: string(mapping.KindOrder), RecordID: strconv.FormatInt(w.in.OrderID, 10), Field: "order_product",
				Reason: fmt.Sprintf("%s %d could not be synced to Odoo: %v", kind, ids[i], err),
				Fix:    fmt.Sprintf("fix %s %d (`starter failures --kind %s` shows why), then replay the order", kind, ids[i], kind)}
		}
	}
	return done, nil
}

// waitForMappings waits until a missing mapping may have been added: a MappingAddedSignal (sent by
// SignalMappingAdded when the mapping API stores one) or, as a safety net, after recheck.
func (w *orderRun) waitForMappings(ctx workflow.Context, missing []activities.MissingMapping, recheck time.Duration) error {
	w.p.Stage, w.p.Waiting = OrderWaiting, missing
	_ = workflow.UpsertTypedSearchAttributes(ctx, WaitingForMapping.ValueSet(missing[0].Key()))
	timerCtx, cancelTimer := workflow.WithCancel(ctx)
	timer := workflow.NewTimer(timerCtx, recheck)
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(w.mappings, func(c workflow.ReceiveChannel, _ bool) {
		var added MappingAdded
		for c.ReceiveAsync(&added) {
		}
	})
	sel.AddFuture(timer, func(workflow.Future) {})
	sel.Select(ctx)
	cancelTimer()
	w.p.Waiting = nil
	_ = workflow.UpsertTypedSearchAttributes(ctx, WaitingForMapping.ValueUnset())
	if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
		// A long wait has filled the history: go on in a fresh run (it re-reads everything anyway).
		return workflow.NewContinueAsNewError(ctx, OrderSyncName, activities.OrderRef{OrderID: w.in.OrderID, CheckOdoo: w.events.Len() > 0})
	}
	return ctx.Err()
}

// fail records why the order stopped (reason and fix, for replay) and ends the run with it.
func (w *orderRun) fail(ctx workflow.Context, err error) error {
	var can *workflow.ContinueAsNewError
	if errors.As(err, &can) || temporal.IsCanceledError(err) {
		return err
	}
	w.p.Stage = OrderFailed
	w.p.Problem = recordProblem(ctx, mapping.KindOrder, w.in.OrderID, err)
	return temporal.NewNonRetryableApplicationError(w.p.Problem.Error(), ErrTypeOrderHeld, err)
}

// recordProblem keeps why a record's workflow stopped in the failure list (reason and fix, for replay).
func recordProblem(ctx workflow.Context, kind mapping.Kind, id int64, err error) *syncerr.Invalid {
	problem := recordFailureOf(kind, id, err)
	rctx := workflow.WithActivityOptions(ctx, orderActivityOptions)
	rec := activities.RecordOutcomeInput{Kind: kind, RecordID: id, Problem: problem}
	if recErr := workflow.ExecuteActivity(rctx, acts.RecordOutcome, rec).Get(ctx, nil); recErr != nil {
		workflow.GetLogger(ctx).Error("could not record the failure", "kind", kind, "record", id, "error", recErr)
	}
	return problem
}

// recordFailureOf turns a failure into the reason and fix kept in the failure list.
func recordFailureOf(kind mapping.Kind, id int64, err error) *syncerr.Invalid {
	if inv, ok := syncerr.AsInvalid(err); ok {
		return inv
	}
	if inv, ok := activities.InvalidFromError(err); ok {
		return &inv
	}
	p := &syncerr.Invalid{Kind: string(kind), RecordID: strconv.FormatInt(id, 10), Reason: err.Error(),
		Fix: "check that Odoo and the shop database are reachable (the step was retried), then replay"}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == activities.ErrTypeOdooRejected {
		p.Reason, p.Fix = "Odoo refused: "+appErr.Error(), "correct what Odoo's message names (in Odoo or in the shop), then replay"
	}
	return p
}
