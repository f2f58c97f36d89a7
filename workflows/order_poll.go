package workflows

import (
	"context"
	"path"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
)

const (
	// OrderCatchUpName polls OpenCart's order history and signals the orders it finds, so that no order
	// is missed when a webhook is lost (or a status changes without an event).
	OrderCatchUpName = "OrderCatchUp"
	// OdooOrderPollName polls the bridge's sale orders changed in Odoo and signals their orders, whose
	// workflows write Odoo's progress back to the shop.
	OdooOrderPollName = "OdooOrderPoll"

	// historyPageSize is how many history rows one catch-up page reads; pollPagesPerRun bounds a run
	// (the schedule's next run goes on from the cursor).
	historyPageSize = 500
	pollPagesPerRun = 20
)

// OrderCatchUpID and OdooOrderPollID are the schedule IDs of a connection's polls.
func OrderCatchUpID(connection string) string { return path.Join("order-catch-up", connection) }

// OdooOrderPollID is the schedule ID of a connection's Odoo poll.
func OdooOrderPollID(connection string) string { return path.Join("odoo-order-poll", connection) }

// PollResult is what one poll run did.
type PollResult struct {
	Pages    int `json:"pages"`
	Signaled int `json:"signaled"`
}

// OrderCatchUp reads new oc_order_history rows after the stored cursor and signal-with-starts the
// order workflow of each order found (one event per order, with its latest status).
func OrderCatchUp(ctx workflow.Context) (PollResult, error) {
	return poll(ctx, activities.SourcePoll, activities.CursorOrderHistory, func(ctx workflow.Context, page *activities.PollPage) error {
		return workflow.ExecuteActivity(ctx, acts.ReadOrderHistory, historyPageSize).Get(ctx, page)
	})
}

// OdooOrderPoll finds the bridge's sale orders changed in Odoo (the order, its invoices, its deliveries)
// since the stored cursor and signals their order workflows.
func OdooOrderPoll(ctx workflow.Context) (PollResult, error) {
	return poll(ctx, activities.SourceOdoo, activities.CursorOdooOrders, func(ctx workflow.Context, page *activities.PollPage) error {
		return workflow.ExecuteActivity(ctx, acts.ReadOdooOrderChanges).Get(ctx, page)
	})
}

// poll reads pages, signals their orders, then moves the cursor (compare-and-swap): a crash between
// signal and move sends a page twice, which only makes the orders look again.
func poll(ctx workflow.Context, source, cursor string, read func(workflow.Context, *activities.PollPage) error) (PollResult, error) {
	actx := workflow.WithActivityOptions(ctx, orderActivityOptions)
	queue := workflow.GetInfo(ctx).TaskQueueName
	var res PollResult
	for res.Pages < pollPagesPerRun {
		var page activities.PollPage
		if err := read(actx, &page); err != nil {
			return res, err
		}
		res.Pages++
		signals := make([]activities.OrderSignal, len(page.Orders))
		for i, o := range page.Orders {
			signals[i] = orderSignal(queue, page.Connection, o.OrderID, activities.ChangeEvent{Source: source, StatusID: o.StatusID})
		}
		if len(signals) > 0 {
			var sent int
			if err := workflow.ExecuteActivity(actx, acts.SignalOrders, signals).Get(ctx, &sent); err != nil {
				return res, err
			}
			res.Signaled += sent
		}
		var moved bool
		if err := workflow.ExecuteActivity(actx, acts.MoveCursor, activities.CursorMove{Name: cursor, Old: page.Cursor, New: page.Next}).Get(ctx, &moved); err != nil {
			return res, err
		}
		if !moved || !page.More {
			return res, nil // done, or another poller moved the cursor first
		}
	}
	return res, nil
}

// EnsureOrderSchedules creates the connection's two poll schedules, or updates their interval and task
// queue when they exist (the worker calls it at start, so a changed setting takes effect on restart).
// A run still going when the next is due is skipped, never doubled.
func EnsureOrderSchedules(ctx context.Context, c client.Client, taskQueue, connection string, s activities.OrderSettings) error {
	for _, sch := range []struct {
		id       string
		workflow string
		every    time.Duration
	}{
		{OrderCatchUpID(connection), OrderCatchUpName, s.PollInterval},
		{OdooOrderPollID(connection), OdooOrderPollName, s.OdooPollInterval},
	} {
		spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: sch.every}}}
		action := &client.ScheduleWorkflowAction{ID: sch.id, Workflow: sch.workflow, TaskQueue: taskQueue,
			WorkflowExecutionTimeout: 10 * time.Minute}
		if err := ensureSchedule(ctx, c, client.ScheduleOptions{ID: sch.id, Spec: spec, Action: action,
			Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP}); err != nil {
			return err
		}
	}
	return nil
}
