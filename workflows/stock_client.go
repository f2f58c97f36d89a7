package workflows

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

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
	policy := client.SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: time.Minute}
	id := StockScheduleID(connection)
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: id, Spec: spec, Action: action, Overlap: policy.Overlap, CatchupWindow: policy.CatchupWindow,
		Note: "polls Odoo's stock changes for the shop (STOCK_POLL_INTERVAL)",
	})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return scheduleError(id, err)
	}
	err = c.ScheduleClient().GetHandle(ctx, id).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec, s.Action, s.Policy = &spec, action, &policy
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	return scheduleError(id, err)
}

func scheduleError(id string, err error) error {
	if err != nil {
		return fmt.Errorf("create or update Temporal schedule %s: %w", id, err)
	}
	return nil
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
