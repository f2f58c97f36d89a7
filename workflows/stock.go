package workflows

import (
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
)

// Stock flows one way, Odoo → shop, in two workflows:
//
//   - StockPoll runs on a Schedule (every STOCK_POLL_INTERVAL, overlapping runs skipped). It reads which
//     products' stock changed in Odoo since its cursor, hands them to StockPush and then moves the cursor.
//   - StockPush is the one workflow per shop connection that writes stock (ID StockPushID). It takes
//     requests from the poll and from Odoo's webhook as signals, merges them (many changes of a product
//     become one update) and pushes them one batch at a time, so two pushes never race to write an older
//     quantity over a newer one. It ends when nothing is left, and continues as new before its history
//     grows long.

const (
	StockPollName = "StockPoll"
	StockPushName = "StockPush"
	// SignalStockChanged carries an activities.StockRequest to StockPush.
	SignalStockChanged = "stock-changed"
)

// StockScheduleID is the ID of the Schedule that runs StockPoll for one shop connection.
func StockScheduleID(connection string) string { return "stock-poll/" + connection }

// StockPollID is the workflow ID the Schedule gives StockPoll runs (Temporal appends the scheduled time).
func StockPollID(connection string) string { return "stock-poll/" + connection }

// StockPushID is the fixed ID of the stock push of one shop connection.
func StockPushID(connection string) string { return "stock-push/" + connection }

// StockPollInput names the shop connection, whose StockPush the poll feeds.
type StockPollInput struct {
	Connection string `json:"connection"`
}

// StockPollResult says what a poll found.
type StockPollResult struct {
	Products int  `json:"products"` // products whose stock may have changed
	All      bool `json:"all"`      // every product was asked for (first poll, full sync)
}

// StockPushInput carries requests not pushed yet across continue-as-new (and the first request when the
// poll starts the push).
type StockPushInput struct {
	Pending activities.StockRequest `json:"pending"`
}

// StockPushProgress sums what a push run did.
type StockPushProgress struct {
	Pushes int                        `json:"pushes"`
	Result activities.StockPushResult `json:"result"`
}

var (
	stockPollOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second, MaximumAttempts: 3,
			NonRetryableErrorTypes: []string{activities.ErrTypeInvalidRecord, activities.ErrTypeOdooRejected},
		},
	}
	stockPushOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Minute,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 6,
			NonRetryableErrorTypes: []string{activities.ErrTypeInvalidRecord, activities.ErrTypeOdooRejected},
		},
	}
)

// stockPushRetryDelay is how long StockPush waits before pushing a failed batch again; the batch is kept.
const stockPushRetryDelay = time.Minute

// stockPushesPerRun bounds a StockPush run before it continues as new (each push costs about ten events);
// a variable so tests can lower it.
var stockPushesPerRun = 200

// StockPoll is one poll of Odoo's stock changes. The cursor moves only after the request reached
// StockPush (a signal in its history), so a crash in between re-reads the same changes next time.
func StockPoll(ctx workflow.Context, in StockPollInput) (StockPollResult, error) {
	if in.Connection == "" {
		return StockPollResult{}, invalidInput("stock poll needs the shop connection it polls for")
	}
	actx := workflow.WithActivityOptions(ctx, stockPollOptions)
	var changes activities.StockChanges
	if err := workflow.ExecuteActivity(actx, acts.DetectStockChanges).Get(ctx, &changes); err != nil {
		return StockPollResult{}, err
	}
	res := StockPollResult{Products: changes.Request.Size(), All: changes.Request.All}
	if !changes.Request.Empty() {
		if err := handOverStock(ctx, in.Connection, changes.Request); err != nil {
			return res, err
		}
	}
	if changes.From == changes.To {
		return res, nil
	}
	return res, workflow.ExecuteActivity(actx, acts.SaveStockCursor, changes.From, changes.To).Get(ctx, nil)
}

// handOverStock signals the request to the running StockPush, or starts one with it. A StockPush that is
// just finishing, or one a webhook starts meanwhile, makes one attempt fail; the next one succeeds.
func handOverStock(ctx workflow.Context, connection string, req activities.StockRequest) error {
	id := StockPushID(connection)
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = workflow.SignalExternalWorkflow(ctx, id, "", SignalStockChanged, req).Get(ctx, nil)
		var notRunning *temporal.UnknownExternalWorkflowExecutionError
		if !errors.As(err, &notRunning) {
			return err
		}
		child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            id,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON, // it outlives this poll
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		})
		err = workflow.ExecuteChildWorkflow(child, StockPushName, StockPushInput{Pending: req}).GetChildWorkflowExecution().Get(ctx, nil)
		if !temporal.IsWorkflowExecutionAlreadyStartedError(err) {
			return err
		}
	}
	return fmt.Errorf("hand stock changes over to %s: %w", id, err)
}

// StockPush pushes stock requests to the shop one batch at a time until none is left. A batch that fails
// after its activity's retries is kept and tried again after stockPushRetryDelay: a request, once
// accepted, is never dropped.
func StockPush(ctx workflow.Context, in StockPushInput) (StockPushProgress, error) {
	var progress StockPushProgress
	pending := in.Pending
	signals := workflow.GetSignalChannel(ctx, SignalStockChanged)
	drain := func() {
		for {
			var req activities.StockRequest
			if !signals.ReceiveAsync(&req) {
				return
			}
			pending.Merge(req)
		}
	}
	actx := workflow.WithActivityOptions(ctx, stockPushOptions)
	logger := workflow.GetLogger(ctx)
	for push := 0; ; push++ {
		drain()
		if pending.Empty() {
			return progress, nil
		}
		if push == stockPushesPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return progress, workflow.NewContinueAsNewError(ctx, StockPushName, StockPushInput{Pending: pending})
		}
		batch := pending
		pending = activities.StockRequest{}
		var res activities.StockPushResult
		if err := workflow.ExecuteActivity(actx, acts.PushStock, batch).Get(ctx, &res); err != nil {
			logger.Error("stock push failed; keeping its records and trying again", "records", batch.Size(), "all", batch.All,
				"retry_in", stockPushRetryDelay.String(), "error", err)
			pending.Merge(batch)
			if err := workflow.Sleep(ctx, stockPushRetryDelay); err != nil {
				return progress, err
			}
			continue
		}
		progress.Pushes++
		progress.Result.Add(res)
	}
}
