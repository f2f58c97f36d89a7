package workflows

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// Replay tests: histories recorded from real runs on the dev server are replayed against today's workflow
// code, so a change that would break running workflows (non-determinism) fails here first.
// Re-record after an intended, versioned change with: RECORD_HISTORIES=1 scripts/test.sh -run TestRecord ./workflows/
func TestReplayRecordedHistories(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.history.json")
	if len(files) == 0 {
		t.Fatal("no recorded histories in workflows/testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			Register(r)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay %s: %v", f, err)
			}
		})
	}
}

// TestRecordBulkSyncHistory records a BulkSync history on the dev server (with the catalog activities
// replaced by a fake source), including continue-as-new and a failing record. It only runs when asked.
func TestRecordBulkSyncHistory(t *testing.T) {
	if os.Getenv("RECORD_HISTORIES") == "" {
		t.Skip("set RECORD_HISTORIES=1 to re-record workflows/testdata histories")
	}
	c, err := client.Dial(client.Options{HostPort: os.Getenv("TEMPORAL_ADDRESS")})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	queue := "record-histories-" + time.Now().Format("150405")
	w := worker.New(c, queue, worker.Options{})
	Register(w)
	f := &fakeCatalog{sizes: map[activities.Stage]int{activities.StageAttributes: 2, activities.StageCategories: 3, activities.StageProducts: 25}, failEvery: 7}
	w.RegisterActivityWithOptions(func(ctx context.Context, d mapping.Direction, s activities.Stage, filter activities.CatalogFilter) (int, error) {
		return f.count(ctx, d, s, filter)
	}, activity.RegisterOptions{Name: "CountCatalog"})
	w.RegisterActivityWithOptions(f.page, activity.RegisterOptions{Name: "SyncCatalogPage"})
	w.RegisterActivityWithOptions(f.forget, activity.RegisterOptions{Name: "ForgetCatalogRun"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	ctx := context.Background()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "record-bulk-sync-" + queue, TaskQueue: queue},
		BulkSyncName, BulkSyncInput{PageSize: 10, PagesPerRun: 2}) // small, to record a continue-as-new
	if err != nil {
		t.Fatal(err)
	}
	first := run.GetRunID() // before Get, which follows the continued runs
	var p BulkProgress
	if err := run.Get(ctx, &p); err != nil {
		t.Fatal(err)
	}
	// Record the first run (the one that continued as new) and the last.
	saveHistory(t, c, run.GetID(), first, "testdata/bulksync-continue-as-new.history.json")
	saveHistory(t, c, run.GetID(), "", "testdata/bulksync-final.history.json")
}

func saveHistory(t *testing.T, c client.Client, id, runID, path string) {
	t.Helper()
	it := c.GetWorkflowHistory(context.Background(), id, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var h historypb.History
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s (%d events)", path, len(h.Events))
}
