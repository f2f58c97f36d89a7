package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// chromiumPath is Debian's chromium package, which scripts/test.sh installs.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless Chromium with a fresh profile, closed when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("Chromium is not installed at %s: run scripts/test.sh (it installs it) or apt-get install chromium", chromiumPath)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		// Without these Chromium phones home, and this machine's closed network refuses its connections.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // containers often have a tiny /dev/shm
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	return ctx
}

// heldBulkSync is the bulk sync the dashboard shows running: 40 products counted, a first page of 10
// synced, the second page held until the test ends.
const (
	heldTotal = 40
	heldDone  = 10
)

// holdBulkSync starts the bed's Odoo → OpenCart BulkSync on a task queue of its own, served by a worker
// whose catalog activities are fakes that hold it at heldDone of heldTotal, and waits until it is there.
func holdBulkSync(t *testing.T, bed *testbed.Bed) string {
	t.Helper()
	queue := bed.Config.TaskQueue + "-held"
	w := worker.New(bed.Temporal, queue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivityWithOptions(func(context.Context, mapping.Direction, activities.Stage, activities.CatalogFilter) (int, error) {
		return heldTotal, nil
	}, activity.RegisterOptions{Name: "CountCatalog"})
	w.RegisterActivityWithOptions(func(ctx context.Context, p activities.CatalogPage) (activities.PageResult, error) {
		if p.AfterID == 0 {
			return activities.PageResult{Read: heldDone, Created: 7, Unchanged: 2, Failed: 1, LastID: heldDone}, nil
		}
		for {
			select {
			case <-ctx.Done():
				return activities.PageResult{}, ctx.Err()
			case <-time.After(time.Second):
				activity.RecordHeartbeat(ctx)
			}
		}
	}, activity.RegisterOptions{Name: "SyncCatalogPage"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	id := startBulkSync(t, bed, queue, mapping.OdooToOpenCart)

	testbed.Eventually(t, 30*time.Second, func() error {
		enc, err := bed.Temporal.QueryWorkflow(context.Background(), id, "", workflows.QueryProgress)
		if err != nil {
			return err
		}
		var p workflows.BulkProgress
		if err := enc.Get(&p); err != nil {
			return err
		}
		if len(p.Stages) != 1 || p.Stages[0].Done != heldDone {
			return fmt.Errorf("bulk sync progress %+v, waiting for %d done", p.Stages, heldDone)
		}
		return nil
	})
	return id
}

// startBulkSync starts the products stage of a BulkSync on queue, terminated when the test ends.
func startBulkSync(t *testing.T, bed *testbed.Bed, queue string, dir mapping.Direction) string {
	t.Helper()
	id := workflows.BulkSyncID(bed.Config.Connection, dir)
	_, err := bed.Temporal.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: queue},
		workflows.BulkSyncName, workflows.BulkSyncInput{Direction: dir, Stages: []activities.Stage{activities.StageProducts}})
	if err != nil {
		t.Fatalf("start %s: %v", id, err)
	}
	t.Cleanup(func() { _ = bed.Temporal.TerminateWorkflow(context.Background(), id, "", "test over") })
	return id
}

// dashboardView is what the test reads off the rendered page.
type dashboardView struct {
	Mappings [][]string `json:"mappings"` // rows of cells, header row left out
	Failures [][]string `json:"failures"`
	Bulk     string     `json:"bulk"`     // text of the bulk syncs section
	Bars     []string   `json:"bars"`     // widths of the progress bars
	Links    []string   `json:"links"`    // every link's href, resolved
	Problems []string   `json:"problems"` // texts shown as problems
}

const readDashboard = `(() => {
	const rows = sel => Array.from(document.querySelectorAll(sel + ' tr')).slice(1)
		.map(r => Array.from(r.cells).map(c => c.innerText.trim()));
	return {
		mappings: rows('#mappings'),
		failures: rows('#failures'),
		bulk: document.querySelector('#bulk-syncs').innerText,
		bars: Array.from(document.querySelectorAll('#bulk-syncs .bar span')).map(s => s.style.width),
		links: Array.from(document.querySelectorAll('a')).map(a => a.href),
		problems: Array.from(document.querySelectorAll('.problem')).map(p => p.innerText),
	};
})()`

// failureRow finds a failure's row by its id cell.
func (v dashboardView) failureRow(id int64) []string {
	for _, row := range v.Failures {
		if len(row) > 0 && row[0] == fmt.Sprint(id) {
			return row
		}
	}
	return nil
}

func TestDashboardInHeadlessChromium(t *testing.T) {
	t.Parallel()
	bed := testbed.New(t, testbed.Options{})
	ctx := context.Background()
	pairs := map[mapping.Kind]int{mapping.KindCustomer: 3, mapping.KindOrder: 2, mapping.KindCarrier: 1} // kinds the product replay does not read
	for kind, n := range pairs {
		for i := 1; i <= n; i++ {
			if err := bed.Store.Put(ctx, mapping.Mapping{Kind: kind, OdooID: int64(i), OpenCartID: fmt.Sprint(100 + i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	products := seedProductFailures(t, bed)
	held := holdBulkSync(t, bed)
	// A bulk sync no worker serves: its progress query cannot answer, and the page must say so.
	unserved := startBulkSync(t, bed, bed.Config.TaskQueue+"-unserved", mapping.OpenCartToOdoo)
	waitListed(t, bed, held, unserved)
	bed.StartWorker(t) // runs the replays
	api := startAPI(t, bed)
	browser := newBrowser(t)

	resp, err := chromedp.Run(browser, chromedp.NavigateResponse(api.URL+"/dashboard"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := chromedp.Run(browser, chromedp.Text(chromedp.CSS("body")))
	if resp.Status != http.StatusUnauthorized || !strings.Contains(body, "API_TOKEN") {
		t.Fatalf("dashboard without a token: %d %q, want 401 asking for API_TOKEN", resp.Status, body)
	}

	resp, err = chromedp.Run(browser, chromedp.NavigateResponse(api.URL+"/dashboard?token="+url.QueryEscape(api.token)))
	if err != nil {
		t.Fatal(err)
	}
	location, _ := chromedp.Run(browser, chromedp.Location())
	if resp.Status != http.StatusOK || location != api.URL+"/dashboard" {
		t.Fatalf("dashboard with ?token=: %d at %s, want 200 at the clean URL %s/dashboard", resp.Status, location, api.URL)
	}
	view, err := chromedp.Run(browser, chromedp.Evaluate[dashboardView](readDashboard))
	if err != nil {
		t.Fatal(err)
	}

	counts := map[string]string{}
	for _, row := range view.Mappings {
		counts[row[0]] = row[1]
	}
	if len(counts) != len(mapping.Kinds) {
		t.Errorf("mapping counts for %d kinds, want all %d: %v", len(counts), len(mapping.Kinds), view.Mappings)
	}
	for _, kind := range mapping.Kinds {
		if want := fmt.Sprint(pairs[kind]); counts[string(kind)] != want {
			t.Errorf("%s pairs shown: %q, want %s", kind, counts[string(kind)], want)
		}
	}

	for _, f := range []mapping.Failure{products.fixable, products.broken} {
		row := view.failureRow(f.ID)
		if len(row) < 6 || row[1] != "product" || row[2] != f.RecordID || row[3] != "odoo_to_opencart" || row[4] != f.Reason || row[5] != f.Fix {
			t.Errorf("failure %d shown as %q, want product %s with reason %q and fix %q", f.ID, row, f.RecordID, f.Reason, f.Fix)
		}
	}

	for _, want := range []string{held, "products", "running", fmt.Sprintf("%d/%d", heldDone, heldTotal), unserved,
		"progress unavailable: no worker answered"} {
		if !strings.Contains(view.Bulk, want) {
			t.Errorf("running bulk syncs lack %q:\n%s", want, view.Bulk)
		}
	}
	if want := fmt.Sprintf("%d%%", heldDone*100/heldTotal); len(view.Bars) != 1 || view.Bars[0] != want {
		t.Errorf("progress bars %v, want one at %s", view.Bars, want)
	}
	if len(view.Problems) != 1 || !strings.Contains(view.Problems[0], "no worker answered") {
		t.Errorf("problems shown: %q, want only the unserved bulk sync's progress", view.Problems)
	}

	ui := bed.Config.Temporal.UIURL + "/namespaces/" + bed.Config.Temporal.Namespace + "/workflows/"
	for _, id := range []string{held, unserved, products.fixable.WorkflowID} {
		if !slices.Contains(view.Links, ui+url.PathEscape(id)) {
			t.Errorf("no Temporal UI link to %s among %q", id, view.Links)
		}
	}
	if !slices.Contains(view.Links, bed.Config.Temporal.UIURL+"/") {
		t.Errorf("no link to the Temporal UI %s among %q", bed.Config.Temporal.UIURL, view.Links)
	}

	// Replay the failure that can sync now: the flash says so and the store has it resolved.
	resp, err = chromedp.RunResponse(browser, chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[action="/dashboard/failures/%d/replay"] button`, products.fixable.ID))))
	if err != nil {
		t.Fatal(err)
	}
	flash, err := chromedp.Run(browser, chromedp.Text(chromedp.ID("flash")))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("replay of product %s: synced", products.fixable.RecordID); resp.Status != http.StatusOK || flash != want {
		t.Errorf("after Replay: %d with flash %q, want %q", resp.Status, flash, want)
	}
	if f, err := bed.Store.Failure(ctx, products.fixable.ID); err != nil || f.ResolvedAt.IsZero() {
		t.Errorf("failure %d after Replay: %+v (%v), want resolved", products.fixable.ID, f, err)
	}
	view, err = chromedp.Run(browser, chromedp.Evaluate[dashboardView](readDashboard))
	if err != nil {
		t.Fatal(err)
	}
	if view.failureRow(products.fixable.ID) != nil || view.failureRow(products.broken.ID) == nil {
		t.Errorf("failures after Replay: %q, want only %d left", view.Failures, products.broken.ID)
	}
	if len(view.Bars) != 1 || !strings.Contains(view.Bulk, "progress unavailable: no worker answered") {
		t.Errorf("running bulk syncs after Replay: %v\n%s", view.Bars, view.Bulk)
	}

	png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if !t.Failed() {
		paths := []string{filepath.Join("..", "artifacts", "dashboard.png")}
		if os.Getenv("UPDATE_DOCS") != "" { // refresh the README's picture on purpose only
			paths = append(paths, filepath.Join("..", "docs", "dashboard.png"))
		}
		saveScreenshot(t, png, paths...)
	}
}

// waitListed waits until the dashboard's visibility query sees the bulk syncs running.
func waitListed(t *testing.T, bed *testbed.Bed, ids ...string) {
	t.Helper()
	query := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'bulk-sync/%s/'",
		workflows.BulkSyncName, bed.Config.Connection)
	testbed.Eventually(t, 30*time.Second, func() error {
		res, err := bed.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: bed.Config.Temporal.Namespace, Query: query})
		if err != nil {
			return err
		}
		if len(res.Executions) != len(ids) {
			return fmt.Errorf("%d bulk syncs listed as running, want %v", len(res.Executions), ids)
		}
		return nil
	})
}

// saveScreenshot writes the page to each path (artifacts/ for CI; docs/ for the README with UPDATE_DOCS=1).
func saveScreenshot(t *testing.T, png []byte, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
