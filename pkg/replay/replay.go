// Package replay re-runs failed syncs kept in the mapping store. Each failed record gets a fresh run of
// its per-record workflow (the same one a webhook or the CLI would start, under the same ID, so a replay
// never races a sync already running for that record). A record whose failure has since been resolved is
// left alone. The CLI and the api both replay through here.
package replay

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/workflows"
)

// Outcome of replaying one failure.
const (
	Synced          = "synced"           // the record synced; its failure is resolved
	StillFailing    = "still failing"    // it failed again; the failure row has the new reason
	AlreadyResolved = "already resolved" // a later sync had succeeded; nothing was run
	NotReplayable   = "not replayable"   // no per-record workflow exists for this kind
)

// Result is what happened to one failure.
type Result struct {
	Failure    mapping.Failure
	Outcome    string
	Reason     string // the new reason when still failing, or why it was not replayable
	WorkflowID string
}

// Starter starts the per-record workflow that syncs a failed record again.
type Starter func(ctx context.Context, c client.Client, taskQueue, connection string, f mapping.Failure) (client.WorkflowRun, error)

// Replayer replays failures of one shop connection.
type Replayer struct {
	Store     *mapping.Store
	Temporal  client.Client
	TaskQueue string
	// Starters by kind; New fills in the catalog kinds, other packages add theirs (orders, customers).
	Starters map[mapping.Kind]Starter
}

// New returns a replayer that knows how to replay catalog records.
func New(store *mapping.Store, c client.Client, taskQueue string) *Replayer {
	r := &Replayer{Store: store, Temporal: c, TaskQueue: taskQueue, Starters: map[mapping.Kind]Starter{}}
	for _, stage := range activities.Stages {
		r.Starters[stage.Kind()] = catalogStarter(stage)
	}
	r.Starters[mapping.KindOrder] = shopRecordStarter(workflows.SignalOrderSync)
	r.Starters[mapping.KindCustomer] = shopRecordStarter(workflows.SignalCustomerSync)
	return r
}

// shopRecordStarter replays an order or a customer: a manual event to its workflow (signal-with-start),
// which reads the record afresh from the shop.
func shopRecordStarter(signal func(context.Context, client.Client, string, string, int64, activities.ChangeEvent) (client.WorkflowRun, error)) Starter {
	return func(ctx context.Context, c client.Client, queue, connection string, f mapping.Failure) (client.WorkflowRun, error) {
		id, err := strconv.ParseInt(f.RecordID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("record id %q is not a number", f.RecordID)
		}
		return signal(ctx, c, queue, connection, id, activities.ChangeEvent{Source: activities.SourceManual, Event: "replay"})
	}
}

func catalogStarter(stage activities.Stage) Starter {
	return func(ctx context.Context, c client.Client, queue, connection string, f mapping.Failure) (client.WorkflowRun, error) {
		id, err := strconv.ParseInt(f.RecordID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("record id %q is not a number", f.RecordID)
		}
		from := workflows.SideOdoo
		if f.Direction == mapping.OpenCartToOdoo {
			from = workflows.SideOpenCart
		}
		return c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:                       workflows.RecordSyncID(connection, f.Kind, from, f.RecordID),
			TaskQueue:                queue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, workflows.RecordSyncName, workflows.RecordSyncInput{Stage: stage, From: from, ID: id})
	}
}

// Replay replays the failures, at most concurrency at a time, calling progress after each. Results come
// back in the order of the failures given.
func (r *Replayer) Replay(ctx context.Context, failures []mapping.Failure, concurrency int, progress func(done, total int)) []Result {
	if concurrency <= 0 {
		concurrency = 4
	}
	results := make([]Result, len(failures))
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for i, f := range failures {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = r.one(ctx, f)
			if progress != nil {
				mu.Lock()
				done++
				progress(done, len(failures))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results
}

func (r *Replayer) one(ctx context.Context, f mapping.Failure) Result {
	res := Result{Failure: f}
	current, err := r.Store.Failure(ctx, f.ID)
	if err != nil {
		res.Outcome, res.Reason = StillFailing, err.Error()
		return res
	}
	if !current.ResolvedAt.IsZero() {
		res.Outcome = AlreadyResolved
		return res
	}
	start, ok := r.Starters[f.Kind]
	if !ok {
		res.Outcome, res.Reason = NotReplayable, fmt.Sprintf("no per-record sync for kind %s", f.Kind)
		return res
	}
	run, err := start(ctx, r.Temporal, r.TaskQueue, r.Store.Connection(), f)
	if err != nil {
		res.Outcome, res.Reason = StillFailing, "could not start: "+err.Error()
		return res
	}
	res.WorkflowID = run.GetID()
	runErr := run.Get(ctx, nil)
	after, err := r.Store.Failure(ctx, f.ID)
	switch {
	case err != nil:
		res.Outcome, res.Reason = StillFailing, err.Error()
	case !after.ResolvedAt.IsZero():
		res.Outcome = Synced
	default:
		// A failure of the same record updates its open row, so the row holds the new reason.
		res.Outcome, res.Reason = StillFailing, after.Reason
		if after.LastFailedAt.Equal(current.LastFailedAt) && runErr != nil {
			res.Reason = runErr.Error() // the run failed before reaching the record
		}
	}
	return res
}
