package workflows

import (
	"github.com/ocbridge/bridge/activities"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register registers every workflow of the bridge on a worker (the worker binary and the tests' in-process
// workers both call it, so they can never disagree).
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(BulkSync, workflow.RegisterOptions{Name: BulkSyncName})
	r.RegisterWorkflowWithOptions(RecordSync, workflow.RegisterOptions{Name: RecordSyncName})
	r.RegisterWorkflowWithOptions(CatalogPoll, workflow.RegisterOptions{Name: CatalogPollName})
	r.RegisterWorkflowWithOptions(StockPoll, workflow.RegisterOptions{Name: StockPollName})
	r.RegisterWorkflowWithOptions(StockPush, workflow.RegisterOptions{Name: StockPushName})
	r.RegisterWorkflowWithOptions(OrderSync, workflow.RegisterOptions{Name: OrderSyncName})
	r.RegisterWorkflowWithOptions(OrderCatchUp, workflow.RegisterOptions{Name: OrderCatchUpName})
	r.RegisterWorkflowWithOptions(OdooOrderPoll, workflow.RegisterOptions{Name: OdooOrderPollName})
	r.RegisterWorkflowWithOptions(CustomerSync, workflow.RegisterOptions{Name: CustomerSyncName})
	r.RegisterWorkflowWithOptions(CustomerBulkSync, workflow.RegisterOptions{Name: CustomerBulkSyncName})
}

// acts names activities in ExecuteActivity calls: a nil *Activities gives method values whose names the
// SDK resolves to the activities registered on the worker (the reference apps' idiom).
var acts *activities.Activities
