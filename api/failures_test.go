package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/replay"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// testAPI is the api, built as main builds it, served over real HTTP against a bed.
type testAPI struct {
	*httptest.Server
	echo  *echo.Echo
	token string
}

func startAPI(t *testing.T, bed *testbed.Bed) *testAPI {
	t.Helper()
	d, err := dialDeps(context.Background(), bed.Config, bed.Logger)
	if err != nil {
		t.Fatalf("api dependencies: %v", err)
	}
	t.Cleanup(d.Close)
	e := newServer(bed.Config, d, bed.Logger)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testAPI{Server: srv, echo: e, token: bed.Config.API.Token.Reveal()}
}

// call sends a request with token as bearer ("" sends none) and returns the status and body.
func (a *testAPI) call(t *testing.T, method, path, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, a.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

// callJSON is call with the right token, wanting 200 and a JSON body decoded into out.
func (a *testAPI) callJSON(t *testing.T, method, path string, out any) {
	t.Helper()
	code, body := a.call(t, method, path, a.token)
	if code != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, code, body)
	}
	if err := json.Unmarshal([]byte(body), out); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, body)
	}
}

func (a *testAPI) replayOne(t *testing.T, failureID int64) replayResultJSON {
	t.Helper()
	var res replayResultJSON
	a.callJSON(t, http.MethodPost, fmt.Sprintf("/api/failures/%d/replay", failureID), &res)
	return res
}

// productFailures are two open failures of Odoo products: one whose template syncs now (it failed while
// Odoo was down), and one that still cannot (its template has no name).
type productFailures struct {
	fixable, broken mapping.Failure
}

func seedProductFailures(t *testing.T, bed *testbed.Bed) productFailures {
	t.Helper()
	ctx := context.Background()
	record := func(name, code, reason, fix string) mapping.Failure {
		t.Helper()
		tmpl := createTemplate(t, bed, name, code)
		f := mapping.Failure{Kind: mapping.KindProduct, Direction: mapping.OdooToOpenCart, RecordID: fmt.Sprint(tmpl),
			Reason: reason, Fix: fix, WorkflowID: workflows.RecordSyncID(bed.Store.Connection(), mapping.KindProduct, workflows.SideOdoo, fmt.Sprint(tmpl))}
		var err error
		if f.ID, err = bed.Store.RecordFailure(ctx, f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	return productFailures{
		fixable: record("Desk lamp", "LAMP-1", "Odoo answered 503 Service Unavailable", "replay once Odoo is back"),
		broken:  record("   ", "BLANK-1", "product has no name", "name the product in Odoo"),
	}
}

// createTemplate adds a saleable product template to the Odoo simulator.
func createTemplate(t *testing.T, bed *testbed.Bed, name, code string) int64 {
	t.Helper()
	id, err := bed.Sim.Create("product.template", map[string]any{"name": name, "default_code": code, "list_price": 25.0, "sale_ok": true})
	if err != nil {
		t.Fatalf("create template %s in the simulator: %v", code, err)
	}
	return id
}

// backdate moves a failure's last failure back by days, as if it had failed then.
func backdate(t *testing.T, bed *testbed.Bed, id int64, days int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, bed.Config.DatabaseURL.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `UPDATE failures SET first_failed_at = now() - make_interval(days => $2),
		last_failed_at = now() - make_interval(days => $2) WHERE id = $1`, id, days); err != nil {
		t.Fatal(err)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// latestRun is the run ID of a workflow's newest run.
func latestRun(t *testing.T, bed *testbed.Bed, workflowID string) string {
	t.Helper()
	d, err := bed.Temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
	if err != nil {
		t.Fatalf("describe %s: %v", workflowID, err)
	}
	return d.WorkflowExecutionInfo.Execution.RunId
}

func failureIDs(fs []failureJSON) []int64 {
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return ids
}

func TestFailuresAPIAuthAndFilters(t *testing.T) {
	t.Parallel()
	bed := testbed.New(t, testbed.Options{})
	api := startAPI(t, bed)
	ctx := context.Background()
	products := seedProductFailures(t, bed)
	oldCategory, err := bed.Store.RecordFailure(ctx, mapping.Failure{Kind: mapping.KindCategory, Direction: mapping.OpenCartToOdoo,
		RecordID: "9", Reason: "two Odoo categories are named Chairs", Fix: "map category 9 by hand"})
	if err != nil {
		t.Fatal(err)
	}
	backdate(t, bed, oldCategory, 3)

	for _, token := range []string{"", "wrong-" + api.token} {
		for _, route := range []string{"GET /api/failures", "POST /api/failures/1/replay", "POST /api/replay"} {
			method, path, _ := strings.Cut(route, " ")
			if code, body := api.call(t, method, path, token); code != http.StatusUnauthorized || !strings.Contains(body, "API_TOKEN") {
				t.Errorf("%s with token %q: %d %s, want 401 naming API_TOKEN", route, token, code, body)
			}
		}
	}

	var all []failureJSON
	api.callJSON(t, http.MethodGet, "/api/failures", &all)
	if got, want := failureIDs(all), []int64{products.broken.ID, products.fixable.ID, oldCategory}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("all failures, newest first: %v, want %v", got, want)
	}
	if f := all[0]; f.Kind != "product" || f.Direction != "odoo_to_opencart" || f.RecordID != products.broken.RecordID ||
		f.Reason != "product has no name" || f.Fix != "name the product in Odoo" || f.WorkflowID != products.broken.WorkflowID ||
		f.Attempts != 1 || f.Resolved {
		t.Errorf("failure as listed: %+v", f)
	}

	filters := []struct {
		query string
		want  []int64
	}{
		{"kind=product", []int64{products.broken.ID, products.fixable.ID}},
		{"kind=category", []int64{oldCategory}},
		{"kind=order", []int64{}},
		{"since=24h", []int64{products.broken.ID, products.fixable.ID}},
		{"since=96h", []int64{products.broken.ID, products.fixable.ID, oldCategory}},
		{"since=" + url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339)), []int64{products.broken.ID, products.fixable.ID}},
		{"since=" + url.QueryEscape(time.Now().Add(-100*time.Hour).Format(time.RFC3339)), []int64{products.broken.ID, products.fixable.ID, oldCategory}},
		{"kind=category&since=24h", []int64{}},
		{"limit=1", []int64{products.broken.ID}},
		{"limit=2&kind=product", []int64{products.broken.ID, products.fixable.ID}},
	}
	for _, f := range filters {
		var got []failureJSON
		api.callJSON(t, http.MethodGet, "/api/failures?"+f.query, &got)
		if fmt.Sprint(failureIDs(got)) != fmt.Sprint(f.want) {
			t.Errorf("?%s: %v, want %v", f.query, failureIDs(got), f.want)
		}
	}

	for query, param := range map[string]string{
		"kind=gadget": "kind", "since=yesterday": "since", "since=2024-13-01": "since",
		"limit=0": "limit", "limit=many": "limit", "limit=1001": "limit",
	} {
		for _, route := range []string{"GET /api/failures?", "POST /api/replay?"} {
			method, path, _ := strings.Cut(route, " ")
			code, body := api.call(t, method, path+query, api.token)
			if code != http.StatusBadRequest || !strings.Contains(body, `"`+param+`: `) {
				t.Errorf("%s%s: %d %s, want 400 naming %s", route, query, code, body, param)
			}
		}
	}
}

func TestReplayAPIRerunsFailedRecords(t *testing.T) {
	t.Parallel()
	bed := testbed.New(t, testbed.Options{})
	bed.StartWorker(t)
	api := startAPI(t, bed)
	ctx := context.Background()
	products := seedProductFailures(t, bed)

	res := api.replayOne(t, products.fixable.ID)
	if res.Outcome != replay.Synced || res.Failure.ID != products.fixable.ID || res.WorkflowID != products.fixable.WorkflowID {
		t.Fatalf("replay of the fixable product: %+v, want synced by %s", res, products.fixable.WorkflowID)
	}
	if f, err := bed.Store.Failure(ctx, products.fixable.ID); err != nil || f.ResolvedAt.IsZero() {
		t.Errorf("after a synced replay the failure is %+v (%v), want resolved", f, err)
	}
	tmplID := mustInt(t, products.fixable.RecordID)
	if m, err := bed.Store.ByOdooID(ctx, mapping.KindProduct, tmplID); err != nil {
		t.Errorf("template %d has no product mapping after its replay: %v", tmplID, err)
	} else if list, err := bed.Shop.ProductsByID(ctx, []int{int(mustInt(t, m.OpenCartID))}); err != nil || len(list) != 1 || list[0].Model != "LAMP-1" {
		t.Errorf("shop product %s after the replay: %+v (%v), want model LAMP-1", m.OpenCartID, list, err)
	}

	// A second replay of a resolved failure runs nothing.
	run := latestRun(t, bed, products.fixable.WorkflowID)
	res = api.replayOne(t, products.fixable.ID)
	if res.Outcome != replay.AlreadyResolved || res.WorkflowID != "" || !res.Failure.Resolved {
		t.Errorf("second replay: %+v, want already resolved", res)
	}
	if again := latestRun(t, bed, products.fixable.WorkflowID); again != run {
		t.Errorf("the second replay ran the record sync again (run %s, then %s)", run, again)
	}

	res = api.replayOne(t, products.broken.ID)
	if res.Outcome != replay.StillFailing || !strings.Contains(res.Reason, "name") {
		t.Errorf("replay of the nameless product: %+v, want still failing for its name", res)
	}
	if f, err := bed.Store.Failure(ctx, products.broken.ID); err != nil || !f.ResolvedAt.IsZero() || f.Reason == products.broken.Reason || f.Attempts != 2 {
		t.Errorf("after a failed replay the failure is %+v (%v), want open with the new reason and 2 attempts", f, err)
	}

	if code, body := api.call(t, http.MethodPost, "/api/failures/99999999/replay", api.token); code != http.StatusNotFound || !strings.Contains(body, "99999999") {
		t.Errorf("replay of an unknown failure: %d %s, want 404 naming it", code, body)
	}
	if code, body := api.call(t, http.MethodPost, "/api/failures/latest/replay", api.token); code != http.StatusBadRequest || !strings.Contains(body, "id") {
		t.Errorf("replay of failure \"latest\": %d %s, want 400", code, body)
	}

	// Replay --all: fixed in Odoo, the nameless product syncs; a kind without a per-record sync is reported.
	if err := bed.Sim.Write("product.template", []int64{mustInt(t, products.broken.RecordID)}, map[string]any{"name": "Reading lamp"}); err != nil {
		t.Fatal(err)
	}
	currency, err := bed.Store.RecordFailure(ctx, mapping.Failure{Kind: mapping.KindCurrency, Direction: mapping.OdooToOpenCart,
		RecordID: "2", Reason: "currency USD is not enabled in the shop", Fix: "enable USD in OpenCart"})
	if err != nil {
		t.Fatal(err)
	}
	var all []replayResultJSON
	api.callJSON(t, http.MethodPost, "/api/replay", &all)
	outcomes := map[int64]string{}
	for _, r := range all {
		outcomes[r.Failure.ID] = r.Outcome
	}
	want := map[int64]string{products.broken.ID: replay.Synced, currency: replay.NotReplayable}
	if fmt.Sprint(outcomes) != fmt.Sprint(want) {
		t.Errorf("replay --all: %v, want %v (results %+v)", outcomes, want, all)
	}
	var open []failureJSON
	api.callJSON(t, http.MethodGet, "/api/failures", &open)
	if fmt.Sprint(failureIDs(open)) != fmt.Sprint([]int64{currency}) {
		t.Errorf("open failures after replay --all: %v, want only the currency %d", failureIDs(open), currency)
	}
	var none []replayResultJSON
	api.callJSON(t, http.MethodPost, "/api/replay?kind=product", &none)
	if len(none) != 0 {
		t.Errorf("replay --all --kind product with none open: %+v, want nothing", none)
	}
}
