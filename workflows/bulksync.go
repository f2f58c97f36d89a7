package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

const (
	// BulkSyncName is the workflow type operators pick in the Temporal UI's "Start Workflow" form.
	BulkSyncName = "BulkSync"
	// QueryProgress answers a BulkSync's progress (BulkProgress).
	QueryProgress = "progress"

	// DefaultPageSize is how many source records one activity syncs. Chosen by measurement
	// (see the catalog benchmark in README.md): large enough that per-page calls are amortised, small
	// enough that a retried page repeats little work.
	DefaultPageSize = 500
	// historyBudget is where a run continues as new, well under the ~2,000-event target per run.
	historyBudget = 1500
)

// DefaultPagesPerRun also bounds a run: each page costs about six events.
const DefaultPagesPerRun = 200

// BulkSyncInput is small enough to type in the Temporal UI; `{}` means a full sync Odoo → OpenCart.
type BulkSyncInput struct {
	Direction mapping.Direction `json:"direction,omitempty"` // odoo_to_opencart (default) or opencart_to_odoo
	// Stages to run, always in the order attributes → categories → products whatever the order given.
	Stages []activities.Stage `json:"stages,omitempty"`
	// ChangedSince limits to source records changed since then: RFC 3339 or "YYYY-MM-DD[ HH:MM:SS]" (UTC).
	ChangedSince string  `json:"changed_since,omitempty"`
	CategoryID   int64   `json:"category_id,omitempty"` // source category subtree
	IDs          []int64 `json:"ids,omitempty"`         // only these source records
	DryRun       bool    `json:"dry_run,omitempty"`
	PageSize     int     `json:"page_size,omitempty"`
	// PagesPerRun is how many pages one run syncs before it continues as new (default 200).
	PagesPerRun int `json:"pages_per_run,omitempty"`
	// Resume carries progress across continue-as-new; leave it out when starting.
	Resume *BulkProgress `json:"resume,omitempty"`
}

// StageProgress is what one stage has done so far.
type StageProgress struct {
	Stage     activities.Stage `json:"stage"`
	Status    string           `json:"status"` // pending, running, done, cancelled
	Total     int              `json:"total"`  // -1 until counted
	Done      int              `json:"done"`
	Created   int              `json:"created"`
	Updated   int              `json:"updated"`
	Unchanged int              `json:"unchanged"`
	Failed    int              `json:"failed"`
	Page      int              `json:"page"`
	Cursor    int64            `json:"cursor"` // last source id synced
}

// BulkProgress is the answer of the progress query and the workflow's result.
type BulkProgress struct {
	Direction mapping.Direction `json:"direction"`
	DryRun    bool              `json:"dry_run"`
	RunKey    string            `json:"run_key"`
	Started   time.Time         `json:"started"`
	Stages    []StageProgress   `json:"stages"`
	Runs      int               `json:"runs"` // 1 + how many times it continued as new
}

// Failed sums failed records over the stages.
func (p BulkProgress) Failed() int {
	n := 0
	for _, s := range p.Stages {
		n += s.Failed
	}
	return n
}

// Stage status values.
const (
	StatusPending   = "pending"
	StatusRunning   = "running"
	StatusDone      = "done"
	StatusCancelled = "cancelled"
)

// BulkSync syncs the catalog in one direction, stage by stage and page by page. Each page is one activity
// that heartbeats its cursor, so a worker crash costs at most the records since the last heartbeat, and
// those are synced idempotently. Records that fail are recorded for replay and counted; the run goes on.
// Cancelling stops between pages.
func BulkSync(ctx workflow.Context, in BulkSyncInput) (BulkProgress, error) {
	p, filter, err := startBulk(ctx, in)
	if err != nil {
		return BulkProgress{}, err
	}
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (BulkProgress, error) { return p, nil }); err != nil {
		return p, err
	}
	if in.PageSize <= 0 {
		in.PageSize = DefaultPageSize
	}
	if in.PagesPerRun <= 0 {
		in.PagesPerRun = DefaultPagesPerRun
	}
	// Pages run on a disconnected context so that a cancel lets the running page finish cleanly.
	disconnected, _ := workflow.NewDisconnectedContext(ctx)
	actx := workflow.WithActivityOptions(disconnected, catalogActivityOptions)
	pagesThisRun := 0

	for i := range p.Stages {
		st := &p.Stages[i]
		if st.Status == StatusDone {
			continue
		}
		st.Status = StatusRunning
		if st.Total < 0 {
			if err := workflow.ExecuteActivity(actx, acts.CountCatalog, p.Direction, st.Stage, filter).Get(ctx, &st.Total); err != nil {
				return p, fmt.Errorf("count %s: %w", st.Stage, err)
			}
		}
		for {
			if ctx.Err() != nil {
				st.Status = StatusCancelled
				return p, temporal.NewCanceledError(p)
			}
			page := activities.CatalogPage{Direction: p.Direction, Stage: st.Stage, Filter: filter, AfterID: st.Cursor,
				Limit: in.PageSize, DryRun: p.DryRun, RunKey: p.RunKey, RunStarted: p.Started}
			var res activities.PageResult
			if err := workflow.ExecuteActivity(actx, acts.SyncCatalogPage, page).Get(ctx, &res); err != nil {
				return p, fmt.Errorf("%s page %d after id %d: %w", st.Stage, st.Page+1, st.Cursor, err)
			}
			st.Page++
			st.Done += res.Read
			st.Created += res.Created
			st.Updated += res.Updated
			st.Unchanged += res.Unchanged
			st.Failed += res.Failed
			st.Cursor = res.LastID
			if res.Done {
				st.Status = StatusDone
				break
			}
			pagesThisRun++
			if info := workflow.GetInfo(ctx); pagesThisRun >= in.PagesPerRun || info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > historyBudget {
				p.Runs++
				in.Resume = &p
				return p, workflow.NewContinueAsNewError(ctx, BulkSync, in)
			}
		}
	}
	return p, forgetRun(ctx, p.RunKey)
}

// forgetRun drops the run's crash-recovery marks once it has finished. Added after runs were recorded,
// hence the version gate: histories from before it replay without the extra activity.
func forgetRun(ctx workflow.Context, runKey string) error {
	if workflow.GetVersion(ctx, "forget-run-marks", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	actx := workflow.WithActivityOptions(ctx, catalogActivityOptions)
	return workflow.ExecuteActivity(actx, acts.ForgetCatalogRun, runKey).Get(ctx, nil)
}

var catalogActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 15 * time.Minute,
	HeartbeatTimeout:    30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		MaximumAttempts:        10,
		NonRetryableErrorTypes: []string{activities.ErrTypeInvalidRecord, activities.ErrTypeOdooRejected},
	},
}

// startBulk validates the input and builds the initial progress (or takes it over after continue-as-new).
func startBulk(ctx workflow.Context, in BulkSyncInput) (BulkProgress, activities.CatalogFilter, error) {
	if in.Direction == "" {
		in.Direction = mapping.OdooToOpenCart
	}
	if !in.Direction.Valid() {
		return BulkProgress{}, activities.CatalogFilter{}, invalidInput("direction %q: use %q or %q", in.Direction, mapping.OdooToOpenCart, mapping.OpenCartToOdoo)
	}
	filter := activities.CatalogFilter{CategoryID: in.CategoryID, IDs: in.IDs}
	if in.ChangedSince != "" {
		t, err := parseTime(in.ChangedSince)
		if err != nil {
			return BulkProgress{}, filter, invalidInput("changed_since %q: use RFC 3339 or YYYY-MM-DD[ HH:MM:SS]", in.ChangedSince)
		}
		filter.ChangedSince = t
	}
	if in.Resume != nil {
		return *in.Resume, filter, nil
	}
	want := map[activities.Stage]bool{}
	for _, s := range in.Stages {
		if !s.Valid() {
			return BulkProgress{}, filter, invalidInput("stage %q: use %v", s, activities.Stages)
		}
		want[s] = true
	}
	info := workflow.GetInfo(ctx)
	p := BulkProgress{
		Direction: in.Direction,
		DryRun:    in.DryRun,
		RunKey:    info.WorkflowExecution.ID + "/" + info.WorkflowExecution.RunID,
		Started:   workflow.Now(ctx).UTC(),
		Runs:      1,
	}
	for _, s := range activities.Stages { // the fixed order, whatever order was asked
		if len(want) == 0 || want[s] {
			p.Stages = append(p.Stages, StageProgress{Stage: s, Status: StatusPending, Total: -1})
		}
	}
	return p, filter, nil
}

// ErrTypeInvalidInput marks a workflow input that no retry can fix.
const ErrTypeInvalidInput = "InvalidInput"

func invalidInput(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), ErrTypeInvalidInput, nil)
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("unrecognised time")
}
