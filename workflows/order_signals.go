package workflows

import (
	"context"
	"errors"
	"fmt"
	"path"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// SignalOrderSync hands an order event to the order's workflow (signal-with-start on OrderSyncID): a
// running sync gets it before it finishes, otherwise a new run starts. It returns once Temporal has
// durably accepted the event; the webhook, the manual sync and the pollers all come through here.
func SignalOrderSync(ctx context.Context, c client.Client, taskQueue, connection string, orderID int64, ev activities.ChangeEvent) (client.WorkflowRun, error) {
	return activities.StartOrderSignal(ctx, c, orderSignal(taskQueue, connection, orderID, ev))
}

func orderSignal(taskQueue, connection string, orderID int64, ev activities.ChangeEvent) activities.OrderSignal {
	return activities.OrderSignal{
		WorkflowID:   OrderSyncID(connection, orderID),
		WorkflowType: OrderSyncName,
		TaskQueue:    taskQueue,
		Signal:       OrderEventSignal,
		Order:        activities.OrderRef{OrderID: orderID},
		Event:        ev,
	}
}

// orderWorkflowPrefix starts the ID of every order workflow of a connection.
func orderWorkflowPrefix(connection string) string {
	return path.Dir(OrderSyncID(connection, 1)) + "/"
}

// SignalMappingAdded wakes the order workflows of a connection that wait for a mapping of kind (their
// WaitingForMapping search attribute starts with "<kind>:"); each looks again and goes on if its
// mapping is there. It returns how many it signalled. The mapping API calls it after storing a
// mapping. Visibility is eventually consistent: an order that started waiting a moment ago may be
// missed, and finds the mapping at its next recheck (ORDER_MAPPING_RECHECK).
func SignalMappingAdded(ctx context.Context, c client.Client, connection string, kind mapping.Kind) (int, error) {
	query := fmt.Sprintf(`WorkflowId STARTS_WITH %q AND %s STARTS_WITH %q AND ExecutionStatus = "Running"`,
		orderWorkflowPrefix(connection), WaitingForMapping.GetName(), string(kind)+":")
	signalled := 0
	var token []byte
	for {
		page, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return signalled, fmt.Errorf("list order workflows waiting for a %s mapping: %w", kind, err)
		}
		for _, e := range page.GetExecutions() {
			err := c.SignalWorkflow(ctx, e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId(), MappingAddedSignal, MappingAdded{Kind: kind})
			var gone *serviceerror.NotFound
			switch {
			case errors.As(err, &gone): // finished meanwhile
			case err != nil:
				return signalled, fmt.Errorf("signal %s: %w", e.GetExecution().GetWorkflowId(), err)
			default:
				signalled++
			}
		}
		if token = page.GetNextPageToken(); len(token) == 0 {
			return signalled, nil
		}
	}
}
