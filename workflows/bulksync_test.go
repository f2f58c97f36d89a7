package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// fakeCatalog serves pages of a fake source: per stage, ids 1..n, returning per page what a real page
// would count. It records the calls so tests can check order and cursors.
type fakeCatalog struct {
	sizes map[activities.Stage]int
	calls []activities.CatalogPage
	// failEvery marks every n-th record as failed (0 = none).
	failEvery int
	forgotten []string // run keys whose marks were dropped
}

func (f *fakeCatalog) count(_ context.Context, _ mapping.Direction, stage activities.Stage, _ activities.CatalogFilter) (int, error) {
	return f.sizes[stage], nil
}

func (f *fakeCatalog) page(_ context.Context, p activities.CatalogPage) (activities.PageResult, error) {
	f.calls = append(f.calls, p)
	n := int64(f.sizes[p.Stage])
	res := activities.PageResult{LastID: p.AfterID}
	for id := p.AfterID + 1; id <= n && res.Read < p.Limit; id++ {
		res.Read++
		res.LastID = id
		if f.failEvery > 0 && id%int64(f.failEvery) == 0 {
			res.Failed++
		} else {
			res.Created++
		}
	}
	res.Done = res.LastID >= n
	return res, nil
}

func (f *fakeCatalog) forget(_ context.Context, runKey string) error {
	f.forgotten = append(f.forgotten, runKey)
	return nil
}

func newBulkEnv(t *testing.T, f *fakeCatalog) *testsuite.TestWorkflowEnvironment {
	return newSlowBulkEnv(t, f, 0)
}

// newSlowBulkEnv makes every page take pageTime of workflow time.
func newSlowBulkEnv(t *testing.T, f *fakeCatalog, pageTime time.Duration) *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(BulkSync, workflow.RegisterOptions{Name: BulkSyncName})
	env.RegisterActivity(&activities.Activities{})
	env.OnActivity(acts.CountCatalog, mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(f.count)
	env.OnActivity(acts.SyncCatalogPage, mock.Anything, mock.Anything).After(pageTime).Return(f.page)
	env.OnActivity(acts.ForgetCatalogRun, mock.Anything, mock.Anything).Return(f.forget)
	return env
}

func TestBulkSyncEmptyInputIsAFullSyncOdooToOpenCartInStageOrder(t *testing.T) {
	f := &fakeCatalog{sizes: map[activities.Stage]int{activities.StageAttributes: 3, activities.StageCategories: 7, activities.StageProducts: 1201}}
	env := newBulkEnv(t, f)
	env.ExecuteWorkflow(BulkSync, BulkSyncInput{})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var p BulkProgress
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	if p.Direction != mapping.OdooToOpenCart || len(p.Stages) != 3 {
		t.Fatalf("progress = %+v", p)
	}
	wantPages := []int{1, 1, 3} // 1201 products in pages of 500
	for i, st := range p.Stages {
		if st.Stage != activities.Stages[i] || st.Status != StatusDone || st.Done != f.sizes[st.Stage] ||
			st.Created != f.sizes[st.Stage] || st.Total != f.sizes[st.Stage] || st.Page != wantPages[i] {
			t.Errorf("stage %d = %+v", i, st)
		}
	}
	// Cursors advance page by page; stages never interleave.
	last := f.calls[len(f.calls)-1]
	if last.Stage != activities.StageProducts || last.AfterID != 1000 || last.Limit != DefaultPageSize || last.RunKey == "" {
		t.Fatalf("last page request = %+v", last)
	}
	if len(f.forgotten) != 1 || f.forgotten[0] != last.RunKey {
		t.Fatalf("a finished run drops its marks once: %v", f.forgotten)
	}
	for i := 1; i < len(f.calls); i++ {
		if stageIndex(f.calls[i].Stage) < stageIndex(f.calls[i-1].Stage) {
			t.Fatalf("stage order broken at call %d: %v after %v", i, f.calls[i].Stage, f.calls[i-1].Stage)
		}
	}
}

func stageIndex(s activities.Stage) int {
	for i, x := range activities.Stages {
		if x == s {
			return i
		}
	}
	return -1
}

func TestBulkSyncRunsRequestedStagesInFixedOrderAndCountsFailures(t *testing.T) {
	f := &fakeCatalog{sizes: map[activities.Stage]int{activities.StageCategories: 10, activities.StageProducts: 20}, failEvery: 5}
	env := newBulkEnv(t, f)
	env.ExecuteWorkflow(BulkSync, BulkSyncInput{
		Direction: mapping.OpenCartToOdoo,
		Stages:    []activities.Stage{activities.StageProducts, activities.StageCategories},
		PageSize:  8,
		DryRun:    true,
	})
	var p BulkProgress
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	if len(p.Stages) != 2 || p.Stages[0].Stage != activities.StageCategories || p.Stages[1].Stage != activities.StageProducts {
		t.Fatalf("stages = %+v", p.Stages)
	}
	if p.Failed() != 2+4 || p.Stages[1].Created != 16 {
		t.Fatalf("failed = %d, products = %+v", p.Failed(), p.Stages[1])
	}
	for _, c := range f.calls {
		if c.Direction != mapping.OpenCartToOdoo || !c.DryRun || c.Limit != 8 {
			t.Fatalf("page request = %+v", c)
		}
	}
}

func TestBulkSyncRejectsBadInputWithoutRetrying(t *testing.T) {
	for _, in := range []BulkSyncInput{
		{Direction: "sideways"},
		{Stages: []activities.Stage{"pictures"}},
		{ChangedSince: "last tuesday"},
	} {
		env := newBulkEnv(t, &fakeCatalog{})
		env.ExecuteWorkflow(BulkSync, in)
		var appErr *temporal.ApplicationError
		if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != ErrTypeInvalidInput || !appErr.NonRetryable() {
			t.Errorf("%+v: want non-retryable %s, got %v", in, ErrTypeInvalidInput, err)
		}
	}
}

func TestBulkSyncContinuesAsNewCarryingProgress(t *testing.T) {
	f := &fakeCatalog{sizes: map[activities.Stage]int{activities.StageAttributes: 1, activities.StageCategories: 1, activities.StageProducts: 50}}
	env := newBulkEnv(t, f)
	env.ExecuteWorkflow(BulkSync, BulkSyncInput{PageSize: 10, PagesPerRun: 2})
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	var next BulkSyncInput
	if err := converterFor(t).FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.Resume == nil || next.Resume.Runs != 2 || next.PageSize != 10 {
		t.Fatalf("next input = %+v", next)
	}
	products := next.Resume.Stages[2]
	if next.Resume.Stages[0].Status != StatusDone || products.Status != StatusRunning || products.Cursor != 20 || products.Created != 20 {
		t.Fatalf("resume = %+v", next.Resume.Stages)
	}

	// The next run takes over from the cursor and finishes with the totals of one uninterrupted run.
	next.PagesPerRun = 100
	f.calls = nil
	env2 := newBulkEnv(t, f)
	env2.ExecuteWorkflow(BulkSync, next)
	var p BulkProgress
	if err := env2.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	if f.calls[0].AfterID != 20 || f.calls[0].RunKey != next.Resume.RunKey {
		t.Fatalf("resumed at %+v", f.calls[0])
	}
	if st := p.Stages[2]; st.Created != 50 || st.Done != 50 || st.Status != StatusDone || st.Page != 5 {
		t.Fatalf("products after resume = %+v", st)
	}
}

func TestBulkSyncCancelStopsBetweenPagesAndProgressIsQueryable(t *testing.T) {
	f := &fakeCatalog{sizes: map[activities.Stage]int{activities.StageProducts: 100}}
	// Each page takes a minute of (skipped) time; cancel during the third page.
	env := newSlowBulkEnv(t, f, time.Minute)
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryProgress)
		if err != nil {
			t.Errorf("query: %v", err)
			return
		}
		var p BulkProgress
		if err := v.Get(&p); err != nil || p.Stages[0].Page != 2 || p.Stages[0].Done != 20 {
			t.Errorf("progress mid-run = %+v, %v", p, err)
		}
		env.CancelWorkflow()
	}, 150*time.Second)
	env.ExecuteWorkflow(BulkSync, BulkSyncInput{Stages: []activities.Stage{activities.StageProducts}, PageSize: 10})
	var canceled *temporal.CanceledError
	if err := env.GetWorkflowError(); !errors.As(err, &canceled) {
		t.Fatalf("want cancelled, got %v", err)
	}
	// The page running at cancel time finished; no page started after it.
	if len(f.calls) != 3 {
		t.Fatalf("pages run = %d, want 3", len(f.calls))
	}
}
