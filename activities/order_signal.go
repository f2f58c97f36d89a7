package activities

import (
	"context"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
)

// OrderSignal is one signal-with-start of an order workflow: the running workflow gets the event, or a
// new run starts with it. Every entry point (webhook, catch-up poll, Odoo poll, manual sync) goes
// through it, so they all meet at the one workflow of the order.
type OrderSignal struct {
	WorkflowID   string      `json:"workflow_id"`
	WorkflowType string      `json:"workflow_type"`
	TaskQueue    string      `json:"task_queue"`
	Signal       string      `json:"signal"`
	Order        OrderRef    `json:"order"`
	Event        ChangeEvent `json:"event"`
}

// StartOrderSignal sends one OrderSignal. It returns once Temporal has durably accepted it.
func StartOrderSignal(ctx context.Context, c client.Client, s OrderSignal) (client.WorkflowRun, error) {
	return c.SignalWithStartWorkflow(ctx, s.WorkflowID, s.Signal, s.Event, client.StartWorkflowOptions{
		ID:        s.WorkflowID,
		TaskQueue: s.TaskQueue,
		// A finished order workflow may run again for a later event.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, s.WorkflowType, s.Order)
}

// SignalOrders sends the signals the pollers found, with the worker's own Temporal client. A failure
// stops the batch; the poller's cursor does not move, so the next attempt sends them all again (a
// repeated event only makes an order workflow look again).
func (a *Activities) SignalOrders(ctx context.Context, signals []OrderSignal) (int, error) {
	c := activity.GetClient(ctx)
	for i, s := range signals {
		if _, err := StartOrderSignal(ctx, c, s); err != nil {
			return i, err
		}
	}
	return len(signals), nil
}
