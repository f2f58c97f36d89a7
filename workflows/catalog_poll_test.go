package workflows

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// pollPlan is a plan whose two directions were polled before: Odoo → OpenCart all stages, OpenCart →
// Odoo products only (and categories for the first time).
func pollPlan(since time.Time) activities.CatalogPollPlan {
	move := func(dir mapping.Direction, stage activities.Stage, old string) activities.CatalogWatermarkMove {
		return activities.CatalogWatermarkMove{Name: activities.CatalogWatermarkName(dir, stage), Old: old, New: "now"}
	}
	return activities.CatalogPollPlan{Connection: "shop", Runs: []activities.CatalogPollRun{
		{Direction: mapping.OdooToOpenCart, Stages: activities.Stages, Since: since, Watermarks: []activities.CatalogWatermarkMove{
			move(mapping.OdooToOpenCart, activities.StageAttributes, "a"), move(mapping.OdooToOpenCart, activities.StageCategories, "b"),
			move(mapping.OdooToOpenCart, activities.StageProducts, "c")}},
		{Direction: mapping.OpenCartToOdoo, Stages: []activities.Stage{activities.StageProducts}, Since: since.Add(time.Minute),
			Watermarks: []activities.CatalogWatermarkMove{move(mapping.OpenCartToOdoo, activities.StageCategories, ""),
				move(mapping.OpenCartToOdoo, activities.StageProducts, "d")}},
	}}
}

// newPollEnv runs CatalogPoll with the real BulkSync as its child over a fake catalog, and records the
// watermark moves.
func newPollEnv(t *testing.T, f *fakeCatalog, plan activities.CatalogPollPlan) (*testsuite.TestWorkflowEnvironment, *[][]activities.CatalogWatermarkMove) {
	env := newBulkEnv(t, f)
	env.RegisterWorkflowWithOptions(CatalogPoll, workflow.RegisterOptions{Name: CatalogPollName})
	env.OnActivity(acts.PlanCatalogPoll, mock.Anything).Return(plan, nil)
	var moved [][]activities.CatalogWatermarkMove
	env.OnActivity(acts.AdvanceCatalogWatermarks, mock.Anything, mock.Anything).Return(
		func(_ context.Context, moves []activities.CatalogWatermarkMove) error {
			moved = append(moved, moves)
			return nil
		})
	return env, &moved
}

// A poll syncs each direction's changed records (the stages it polls, since its watermark less the
// overlap) with BulkSync, and moves each direction's watermarks after its sync, first-time ones too.
func TestCatalogPollSyncsEachDirectionSinceItsWatermark(t *testing.T) {
	since := time.Date(2026, 3, 1, 12, 0, 0, 500, time.UTC)
	f := &fakeCatalog{sizes: map[activities.Stage]int{activities.StageAttributes: 2, activities.StageCategories: 3, activities.StageProducts: 5}}
	plan := pollPlan(since)
	env, moved := newPollEnv(t, f, plan)
	env.ExecuteWorkflow(CatalogPollName, CatalogPollInput{PageSize: 2})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res CatalogPollResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 2 || res.Runs[0].Direction != mapping.OdooToOpenCart || res.Runs[1].Direction != mapping.OpenCartToOdoo ||
		len(res.Runs[1].Stages) != 1 || res.Runs[1].Stages[0].Created != 5 || len(res.Skipped) != 0 {
		t.Fatalf("poll result %+v", res)
	}
	var odooPages, shopPages int
	for _, p := range f.calls {
		want := since
		if p.Direction == mapping.OpenCartToOdoo {
			want, shopPages = since.Add(time.Minute), shopPages+1
			if p.Stage != activities.StageProducts {
				t.Errorf("OpenCart → Odoo synced stage %s, which it does not poll yet", p.Stage)
			}
		} else {
			odooPages++
		}
		if !p.Filter.ChangedSince.Equal(want) || p.Limit != 2 {
			t.Errorf("%s %s page: changed since %v, limit %d; want %v and 2", p.Direction, p.Stage, p.Filter.ChangedSince, p.Limit, want)
		}
	}
	if odooPages != 1+2+3 || shopPages != 3 { // pages of 2: attributes 2, categories 3, products 5
		t.Errorf("%d Odoo → OpenCart pages and %d OpenCart → Odoo pages, want 6 and 3", odooPages, shopPages)
	}
	if len(*moved) != 2 || !slices.Equal((*moved)[0], plan.Runs[0].Watermarks) || !slices.Equal((*moved)[1], plan.Runs[1].Watermarks) {
		t.Errorf("watermark moves %+v, want each run's after it", *moved)
	}
}

// A direction whose sync fails keeps its watermarks (the next poll repeats it); the poll fails.
func TestCatalogPollKeepsWatermarksWhenASyncFails(t *testing.T) {
	f := &fakeCatalog{sizes: map[activities.Stage]int{activities.StageAttributes: 1, activities.StageCategories: 1, activities.StageProducts: 1}}
	env, moved := newPollEnv(t, f, pollPlan(time.Now()))
	env.OnWorkflow(BulkSyncName, mock.Anything, mock.Anything).Return(BulkProgress{}, errors.New("shop database unreachable"))
	env.ExecuteWorkflow(CatalogPollName, CatalogPollInput{})
	if err := env.GetWorkflowError(); err == nil {
		t.Fatal("the poll succeeded although its sync failed")
	}
	if len(*moved) != 0 {
		t.Errorf("watermarks moved after a failed sync: %+v", *moved)
	}
}

// A direction whose bulk sync is running is skipped with its watermarks; the other one is polled.
func TestCatalogPollSkipsADirectionWhoseBulkSyncRuns(t *testing.T) {
	f := &fakeCatalog{sizes: map[activities.Stage]int{activities.StageAttributes: 1, activities.StageCategories: 1, activities.StageProducts: 1}}
	plan := pollPlan(time.Now())
	env, moved := newPollEnv(t, f, plan)
	env.OnWorkflow(BulkSyncName, mock.Anything, mock.MatchedBy(func(in BulkSyncInput) bool { return in.Direction == mapping.OdooToOpenCart })).
		Return(BulkProgress{}, &temporal.ChildWorkflowExecutionAlreadyStartedError{})
	env.OnWorkflow(BulkSyncName, mock.Anything, mock.MatchedBy(func(in BulkSyncInput) bool { return in.Direction == mapping.OpenCartToOdoo })).
		Return(BulkProgress{Direction: mapping.OpenCartToOdoo}, nil)
	env.ExecuteWorkflow(CatalogPollName, CatalogPollInput{})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res CatalogPollResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Skipped, []mapping.Direction{mapping.OdooToOpenCart}) || len(res.Runs) != 1 {
		t.Errorf("poll result %+v, want Odoo → OpenCart skipped and OpenCart → Odoo polled", res)
	}
	if len(*moved) != 1 || !slices.Equal((*moved)[0], plan.Runs[1].Watermarks) {
		t.Errorf("watermark moves %+v, want only OpenCart → Odoo's", *moved)
	}
}

// A direction with no stage to sync yet (all polled for the first time) only sets its watermarks.
func TestCatalogPollFirstTimeOnlySetsWatermarks(t *testing.T) {
	f := &fakeCatalog{sizes: map[activities.Stage]int{}}
	plan := activities.CatalogPollPlan{Connection: "shop", Runs: []activities.CatalogPollRun{{Direction: mapping.OdooToOpenCart,
		Watermarks: []activities.CatalogWatermarkMove{{Name: "catalog-poll/odoo_to_opencart/products", New: "now"}}}}}
	env, moved := newPollEnv(t, f, plan)
	env.ExecuteWorkflow(CatalogPollName, CatalogPollInput{})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 0 || len(*moved) != 1 {
		t.Errorf("first poll: %d pages synced, watermark moves %+v; want none synced, the watermark set", len(f.calls), *moved)
	}
}
