package workflows

import (
	"context"
	"path"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

const (
	// CustomerSyncName is the workflow type of the sync of one OpenCart customer (ID from CustomerSyncID).
	CustomerSyncName = "CustomerSync"
	// CustomerEventSignal carries an activities.ChangeEvent: the customer or an address changed.
	CustomerEventSignal = "customer-event"
	// CustomerBulkSyncName pages through every customer of the shop.
	CustomerBulkSyncName = "CustomerBulkSync"
	// customerPageSize is how many customers one bulk page syncs; customerPagesPerRun bounds a run's
	// history (it continues as new).
	customerPageSize    = 100
	customerPagesPerRun = 100
)

// CustomerBulkSyncID is the fixed ID of a connection's customer bulk sync (one at a time).
func CustomerBulkSyncID(connection string) string { return path.Join("customer-bulk-sync", connection) }

// SignalCustomerSync hands a customer event to the customer's workflow (signal-with-start on
// CustomerSyncID), like SignalOrderSync for orders.
func SignalCustomerSync(ctx context.Context, c client.Client, taskQueue, connection string, customerID int64, ev activities.ChangeEvent) (client.WorkflowRun, error) {
	id := CustomerSyncID(connection, customerID)
	return c.SignalWithStartWorkflow(ctx, id, CustomerEventSignal, ev, client.StartWorkflowOptions{
		ID: id, TaskQueue: taskQueue, WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, CustomerSyncName, activities.CustomerRef{CustomerID: customerID})
}

// CustomerSync syncs one customer and its address book, again while events keep arriving (each sync
// reads the customer afresh), so the last change always wins.
func CustomerSync(ctx workflow.Context, in activities.CustomerRef) (activities.CustomerResult, error) {
	if in.CustomerID <= 0 {
		return activities.CustomerResult{}, invalidInput("customer sync needs a positive customer id, got %d", in.CustomerID)
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, RecordKind.ValueSet(string(mapping.KindCustomer)))
	events := workflow.GetSignalChannel(ctx, CustomerEventSignal)
	actx := workflow.WithActivityOptions(ctx, orderActivityOptions)
	var res activities.CustomerResult
	for {
		for events.ReceiveAsync(nil) {
		}
		if err := workflow.ExecuteActivity(actx, acts.SyncCustomer, in).Get(ctx, &res); err != nil {
			problem := recordProblem(ctx, mapping.KindCustomer, in.CustomerID, err)
			return res, temporal.NewNonRetryableApplicationError(problem.Error(), ErrTypeRecordFailed, err)
		}
		if events.Len() == 0 {
			break
		}
	}
	err := workflow.ExecuteActivity(actx, acts.RecordOutcome, activities.RecordOutcomeInput{Kind: mapping.KindCustomer, RecordID: in.CustomerID}).Get(ctx, nil)
	return res, err
}

// CustomerBulkInput starts (or, after continue-as-new, resumes) a customer bulk sync.
type CustomerBulkInput struct {
	AfterID int64                 `json:"after_id,omitempty"`
	Totals  activities.PageResult `json:"totals"`
}

// CustomerBulkSync syncs every customer of the shop, page by page; customers that fail are recorded for
// replay and counted, the run goes on. The progress query answers the totals so far.
func CustomerBulkSync(ctx workflow.Context, in CustomerBulkInput) (activities.PageResult, error) {
	totals := in.Totals
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (activities.PageResult, error) { return totals, nil }); err != nil {
		return totals, err
	}
	actx := workflow.WithActivityOptions(ctx, catalogActivityOptions)
	for pages := 0; ; pages++ {
		if pages == customerPagesPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return totals, workflow.NewContinueAsNewError(ctx, CustomerBulkSyncName, CustomerBulkInput{AfterID: in.AfterID, Totals: totals})
		}
		var res activities.PageResult
		if err := workflow.ExecuteActivity(actx, acts.SyncCustomerPage, activities.CustomerPage{AfterID: in.AfterID, Limit: customerPageSize}).Get(ctx, &res); err != nil {
			return totals, err
		}
		totals.Add(res)
		totals.LastID, in.AfterID = res.LastID, res.LastID
		if res.Done {
			totals.Done = true
			return totals, nil
		}
	}
}
