package workflows

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// Fast tests of OrderSync's decisions, with the activities mocked (the end-to-end tests in
// order_*_e2e/_test.go run the real ones).

// orderEnv is a test environment with OrderSync registered and the order activities recorded.
type orderEnv struct {
	*testsuite.TestWorkflowEnvironment
	answers  []activities.OrderResult // SyncOrder answers these in turn (the last one repeats)
	inputs   []activities.SyncOrderInput
	pushed   int
	outcomes []activities.RecordOutcomeInput
	// Set before run: SyncOrder fails with syncErr and takes syncTime.
	syncErr  error
	syncTime time.Duration
}

func newOrderEnv(answers ...activities.OrderResult) *orderEnv {
	var s testsuite.WorkflowTestSuite
	e := &orderEnv{TestWorkflowEnvironment: s.NewTestWorkflowEnvironment(), answers: answers}
	e.RegisterWorkflowWithOptions(OrderSync, workflow.RegisterOptions{Name: OrderSyncName})
	e.RegisterWorkflowWithOptions(RecordSync, workflow.RegisterOptions{Name: RecordSyncName})
	e.RegisterActivity(&activities.Activities{})
	return e
}

// mockActivities answers the activities from the env's fields.
func (e *orderEnv) mockActivities() {
	e.OnActivity(acts.SyncOrder, mock.Anything, mock.Anything).After(e.syncTime).Return(
		func(_ context.Context, in activities.SyncOrderInput) (activities.OrderResult, error) {
			e.inputs = append(e.inputs, in)
			if e.syncErr != nil {
				return activities.OrderResult{}, e.syncErr
			}
			res := e.answers[0]
			if len(e.answers) > 1 {
				e.answers = e.answers[1:]
			}
			return res, nil
		})
	e.OnActivity(acts.PushOdooStatus, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.ApplyStatusInput) (activities.StatusResult, error) {
			e.pushed++
			return activities.StatusResult{WroteStatus: 5}, nil
		})
	e.OnActivity(acts.RecordOutcome, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RecordOutcomeInput) error {
			e.outcomes = append(e.outcomes, in)
			return nil
		})
}

func (e *orderEnv) run(t *testing.T) (OrderProgress, error) {
	t.Helper()
	e.mockActivities()
	e.ExecuteWorkflow(OrderSync, activities.OrderRef{OrderID: 42})
	if !e.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	var p OrderProgress
	if err := e.GetWorkflowError(); err != nil {
		return p, err
	}
	return p, e.GetWorkflowResult(&p)
}

func (e *orderEnv) signal(delay time.Duration, name string, payload any) {
	e.RegisterDelayedCallback(func() { e.SignalWorkflow(name, payload) }, delay)
}

// created is SyncOrder's answer for an order whose sale order it created and confirmed.
func created() activities.OrderResult {
	return activities.OrderResult{Connection: "shop", StatusID: 1,
		SaleOrder: activities.SaleOrderRef{ID: 5, Name: "S00005", State: "draft", Created: true},
		Status:    activities.StatusResult{Actions: []activities.OrderAction{activities.ActionConfirm}}}
}

func TestOrderSyncCreatesAndConfirms(t *testing.T) {
	e := newOrderEnv(created())
	p, err := e.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.inputs) != 1 || p.SaleOrderName != "S00005" || !p.Created || p.Stage != OrderDone ||
		!slices.Equal(p.Actions, []activities.OrderAction{activities.ActionConfirm}) {
		t.Fatalf("inputs %v, progress %+v", e.inputs, p)
	}
	if e.pushed != 0 {
		t.Fatal("wrote Odoo's status back without an Odoo event")
	}
}

func TestOrderSyncSkipsAbandonedOrders(t *testing.T) {
	e := newOrderEnv(activities.OrderResult{Abandoned: true})
	p, err := e.run(t)
	if err != nil || p.Stage != OrderAbandoned || p.SaleOrderID != 0 {
		t.Fatalf("progress %+v, err %v", p, err)
	}
}

// An event arriving during a pass makes another pass; an event from the Odoo poll writes back.
func TestOrderSyncDrainsEventsBeforeFinishing(t *testing.T) {
	e := newOrderEnv(activities.OrderResult{StatusID: 3, SaleOrder: activities.SaleOrderRef{ID: 5}})
	e.syncTime = time.Minute
	e.signal(0, OrderEventSignal, activities.ChangeEvent{Source: activities.SourceWebhook})
	e.signal(30*time.Second, OrderEventSignal, activities.ChangeEvent{Source: activities.SourceOdoo})
	p, err := e.run(t)
	if err != nil {
		t.Fatal(err)
	}
	if p.Passes != 2 || p.Events != 2 || e.pushed != 1 || p.WroteStatus != 5 {
		t.Fatalf("progress %+v, pushed %d: want 2 passes, the second writing Odoo's status back", p, e.pushed)
	}
}

// Unmapped products are synced by RecordSync children first, after their options; the order is then
// looked at again, naming the products it synced.
func TestOrderSyncSyncsUnmappedProductsFirst(t *testing.T) {
	e := newOrderEnv(activities.OrderResult{Connection: "shop", StatusID: 1, UnmappedProducts: []int64{30, 40}, UnmappedOptions: []int64{5}}, created())
	var children []RecordSyncInput
	e.OnWorkflow(RecordSyncName, mock.Anything, mock.Anything).Return(
		func(_ workflow.Context, in RecordSyncInput) (activities.PageResult, error) {
			children = append(children, in)
			return activities.PageResult{Read: 1, Created: 1}, nil
		})
	if _, err := e.run(t); err != nil {
		t.Fatal(err)
	}
	// The option first (the catalog syncs a product after its options), then both products.
	if len(children) != 3 || children[0] != (RecordSyncInput{Stage: activities.StageAttributes, From: SideOpenCart, ID: 5}) ||
		children[1].Stage != activities.StageProducts || children[2].Stage != activities.StageProducts {
		t.Fatalf("children %+v", children)
	}
	if len(e.inputs) != 2 || !slices.Equal(e.inputs[1].Synced, []int64{30, 40}) {
		t.Fatalf("inputs %+v", e.inputs)
	}
}

// A missing mapping holds the order (query "waiting", search attribute) until MappingAddedSignal, then
// it goes on; without a signal, the recheck timer looks again.
func TestOrderSyncWaitsForMappings(t *testing.T) {
	missing := activities.OrderResult{Connection: "shop", StatusID: 1, Recheck: time.Hour,
		Missing: []activities.MissingMapping{{Kind: mapping.KindTax, OpenCartID: "86", Name: "VAT (20%)"}}}
	for _, viaSignal := range []bool{true, false} {
		e := newOrderEnv(missing, created())
		var attrs []string
		e.OnUpsertTypedSearchAttributes(mock.MatchedBy(func(sa temporal.SearchAttributes) bool {
			if v, ok := sa.GetKeyword(WaitingForMapping); ok && !slices.Contains(attrs, v) {
				attrs = append(attrs, v) // the matcher may run more than once per call
			}
			return true
		})).Return(nil)
		var waiting []activities.MissingMapping
		e.RegisterDelayedCallback(func() {
			if v, err := e.QueryWorkflow(QueryWaiting); err == nil {
				_ = v.Get(&waiting)
			}
			if viaSignal {
				e.SignalWorkflow(MappingAddedSignal, MappingAdded{Kind: mapping.KindTax})
			}
		}, time.Minute)
		p, err := e.run(t)
		if err != nil {
			t.Fatal(err)
		}
		if len(waiting) != 1 || waiting[0].Key() != "tax:86" {
			t.Fatalf("waiting query during the wait: %v", waiting)
		}
		if !slices.Equal(attrs, []string{"tax:86"}) {
			t.Fatalf("WaitingForMapping set to %q, want tax:86 (the end-to-end test checks it is cleared)", attrs)
		}
		if len(e.inputs) != 2 || p.SaleOrderID != 5 || len(p.Waiting) != 0 {
			t.Fatalf("signal %v: looked %d times, progress %+v", viaSignal, len(e.inputs), p)
		}
	}
}

// An invalid order (a non-retryable activity error: totals that differ, missing data) is recorded with
// its reason and fix, and the run ends held; the order query still tells why.
func TestOrderSyncRecordsHeldOrders(t *testing.T) {
	e := newOrderEnv(created())
	inv := syncerr.Invalid{Kind: "order", RecordID: "42", Field: "amount_total", Reason: "totals differ", Fix: "correct the quotation"}
	e.syncErr = temporal.NewNonRetryableApplicationError(inv.Error(), activities.ErrTypeInvalidRecord, nil, inv)
	_, err := e.run(t)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != ErrTypeOrderHeld {
		t.Fatalf("want %s, got %v", ErrTypeOrderHeld, err)
	}
	if len(e.outcomes) != 1 || e.outcomes[0].Problem == nil || *e.outcomes[0].Problem != inv {
		t.Fatalf("recorded %+v, want %+v", e.outcomes, inv)
	}
	var p OrderProgress
	v, qerr := e.QueryWorkflow(QueryOrder)
	if qerr != nil || v.Get(&p) != nil || p.Problem == nil || p.Stage != OrderFailed {
		t.Fatalf("order query after the hold: %+v %v", p, qerr)
	}
}
