package workflows

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// CatalogPoll syncs the catalog changes of both sides since the last poll (activities/catalog_poll.go
// says what counts as a change). A Schedule runs it every CATALOG_POLL_INTERVAL, skipping a run while
// the last one is still going. Each direction runs as a BulkSync child limited to the changes, under
// the direction's bulk sync ID: a poll never runs beside a bulk sync of the same direction (it skips
// that direction and polls it next time), and it inherits BulkSync's paging, heartbeats and
// continue-as-new. A direction's watermarks move only once its changes are synced, so a poll that fails
// or is cut short is repeated from the same point.

const (
	CatalogPollName = "CatalogPoll"
	// catalogPollRunTimeout ends a stuck poll (overlapping runs are skipped, so one stuck run would stop
	// every later one); a poll cut short is done again from the same watermarks.
	catalogPollRunTimeout = time.Hour
)

// CatalogScheduleID is the ID of the Schedule that runs CatalogPoll for one shop connection, and of the
// workflows it starts (Temporal appends the scheduled time).
func CatalogScheduleID(connection string) string { return "catalog-poll/" + connection }

// CatalogPollInput tunes a poll; `{}` takes the defaults.
type CatalogPollInput struct {
	PageSize int `json:"page_size,omitempty"` // BulkSync's page size (default DefaultPageSize)
}

// CatalogPollResult is what a poll did.
type CatalogPollResult struct {
	Runs []BulkProgress `json:"runs"` // one per direction that synced changes
	// Skipped are directions whose bulk sync was running: they are polled next time.
	Skipped []mapping.Direction `json:"skipped,omitempty"`
}

var catalogPollOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 5,
		NonRetryableErrorTypes: []string{activities.ErrTypeInvalidRecord},
	},
}

// CatalogPoll runs one poll.
func CatalogPoll(ctx workflow.Context, in CatalogPollInput) (CatalogPollResult, error) {
	var res CatalogPollResult
	actx := workflow.WithActivityOptions(ctx, catalogPollOptions)
	var plan activities.CatalogPollPlan
	if err := workflow.ExecuteActivity(actx, acts.PlanCatalogPoll).Get(ctx, &plan); err != nil {
		return res, err
	}
	for _, run := range plan.Runs {
		if len(run.Stages) > 0 {
			progress, err := pollDirection(ctx, plan.Connection, run, in.PageSize)
			switch {
			case temporal.IsWorkflowExecutionAlreadyStartedError(err):
				workflow.GetLogger(ctx).Info("a bulk sync of this direction is running; polling it next time", "direction", run.Direction)
				res.Skipped = append(res.Skipped, run.Direction)
				continue
			case err != nil:
				return res, fmt.Errorf("catalog poll %s: %w", run.Direction, err)
			}
			res.Runs = append(res.Runs, progress)
		}
		if err := workflow.ExecuteActivity(actx, acts.AdvanceCatalogWatermarks, run.Watermarks).Get(ctx, nil); err != nil {
			return res, err
		}
	}
	return res, nil
}

// pollDirection syncs one direction's changes with a BulkSync child under the direction's bulk sync ID.
func pollDirection(ctx workflow.Context, connection string, run activities.CatalogPollRun, pageSize int) (BulkProgress, error) {
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            BulkSyncID(connection, run.Direction),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	})
	in := BulkSyncInput{Direction: run.Direction, Stages: run.Stages, ChangedSince: run.Since.UTC().Format(time.RFC3339Nano), PageSize: pageSize}
	f := workflow.ExecuteChildWorkflow(child, BulkSyncName, in)
	var progress BulkProgress
	if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		return progress, err
	}
	return progress, f.Get(ctx, &progress)
}

// EnsureCatalogSchedule creates the Schedule that runs CatalogPoll every interval for a shop connection,
// or brings an existing one up to date with interval and task queue (keeping it paused if an operator
// paused it). Every worker calls it at start; the calls are idempotent.
func EnsureCatalogSchedule(ctx context.Context, c client.Client, connection, taskQueue string, interval time.Duration) error {
	id := CatalogScheduleID(connection)
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: interval}}}
	action := &client.ScheduleWorkflowAction{ID: id, Workflow: CatalogPollName, Args: []any{CatalogPollInput{}}, TaskQueue: taskQueue,
		WorkflowRunTimeout: catalogPollRunTimeout}
	return ensureSchedule(ctx, c, client.ScheduleOptions{ID: id, Spec: spec, Action: action,
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: time.Minute,
		Note: "polls catalog changes of Odoo and the shop (CATALOG_POLL_INTERVAL)"})
}
