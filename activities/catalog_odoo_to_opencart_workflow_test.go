package activities_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/workflows"
)

// The real BulkSync workflow on the Temporal dev server syncs the catalog page by page; its result (the
// progress query's answer) counts every record once, and a second run finds everything unchanged.
func TestOdooToOpenCartThroughBulkSync(t *testing.T) {
	t.Parallel()
	b := newO2OCBed(t, "4.0.2.3", 17)
	if err := b.Sim.SeedCatalog(smallCatalog); err != nil {
		t.Fatal(err)
	}
	b.StartWorker(t)
	for i, wantNew := range []bool{true, false} {
		p := b.bulkSync(t, workflows.BulkSyncInput{PageSize: 7})
		if len(p.Stages) != len(activities.Stages) || p.Direction != mapping.OdooToOpenCart || p.Failed() != 0 {
			t.Fatalf("run %d: %+v", i+1, p)
		}
		for _, st := range p.Stages {
			total := b.count(t, st.Stage)
			created, unchanged := total, 0
			if !wantNew {
				created, unchanged = 0, total
			}
			if st.Status != workflows.StatusDone || st.Total != total || st.Done != total || st.Created != created ||
				st.Unchanged != unchanged || st.Updated != 0 || st.Page != total/7+1 {
				t.Errorf("run %d, %s: %+v, want %d done: %d created, %d unchanged, in %d pages", i+1, st.Stage, st, total, created, unchanged, total/7+1)
			}
		}
	}
	b.checkProducts(t)
}

// bulkSync runs BulkSync Odoo → OpenCart to its end and returns its progress.
func (b *o2ocBed) bulkSync(t *testing.T, in workflows.BulkSyncInput) workflows.BulkProgress {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run, err := b.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.BulkSyncID(b.Config.Connection, mapping.OdooToOpenCart), TaskQueue: b.Config.TaskQueue,
	}, workflows.BulkSyncName, in)
	if err != nil {
		t.Fatal(err)
	}
	var p workflows.BulkProgress
	if err := run.Get(ctx, &p); err != nil {
		t.Fatalf("BulkSync: %v", err)
	}
	return p
}
