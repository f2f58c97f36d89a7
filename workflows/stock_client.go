package workflows

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
)

// Starting the stock workflows from outside: the worker keeps the poll's Schedule, the api forwards
// Odoo's webhooks.

// stockPollRunTimeout ends a stuck poll: with overlapping runs skipped, one stuck run would stop every
// later poll.
const stockPollRunTimeout = 5 * time.Minute

// EnsureStockSchedule creates the Schedule that runs StockPoll every interval for a shop connection, or
// brings an existing one up to date with interval and task queue (keeping it paused if an operator paused
// it). Every worker calls it at start; the calls are idempotent.
func EnsureStockSchedule(ctx context.Context, c client.Client, connection, taskQueue string, interval time.Duration) error {
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: interval}}}
	action := &client.ScheduleWorkflowAction{
		ID:                 StockPollID(connection),
		Workflow:           StockPollName,
		Args:               []any{StockPollInput{Connection: connection}},
		TaskQueue:          taskQueue,
		WorkflowRunTimeout: stockPollRunTimeout,
	}
	return ensureSchedule(ctx, c, client.ScheduleOptions{ID: StockScheduleID(connection), Spec: spec, Action: action,
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: time.Minute,
		Note: "polls Odoo's stock changes for the shop (STOCK_POLL_INTERVAL)"})
}

// RequestStockPush hands a request to the connection's StockPush, starting it if none runs. It returns
// once Temporal has recorded the request, which is what makes it durable.
func RequestStockPush(ctx context.Context, c client.Client, connection, taskQueue string, req activities.StockRequest) error {
	id := StockPushID(connection)
	_, err := c.SignalWithStartWorkflow(ctx, id, SignalStockChanged, req, client.StartWorkflowOptions{
		ID: id, TaskQueue: taskQueue, WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, StockPushName, StockPushInput{})
	if err != nil {
		return fmt.Errorf("signal stock push %s: %w", id, err)
	}
	return nil
}
