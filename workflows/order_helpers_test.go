package workflows_test

import (
	"errors"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/workflows/ordertest"
)

// errNotYet is what an Eventually condition returns until it holds.
var errNotYet = errors.New("not yet")

func workflowExecution(id, runID string) *commonpb.WorkflowExecution {
	return &commonpb.WorkflowExecution{WorkflowId: id, RunId: runID}
}

// startOptions starts a one-off run of a workflow on the fixture's queue.
func startOptions(f *ordertest.Fixture, workflow string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{ID: fmt.Sprintf("%s-test-%d", workflow, time.Now().UnixNano()), TaskQueue: f.Config.TaskQueue}
}
