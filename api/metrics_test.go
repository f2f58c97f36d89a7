package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// metricSum adds up the samples of a metric in a Prometheus text scrape whose labels include every
// `name="value"` given; found says whether any sample matched.
func metricSum(scrape, metric string, labels ...string) (sum float64, found bool) {
	lines := bufio.NewScanner(strings.NewReader(scrape))
	for lines.Scan() {
		line := lines.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		name, labelText, _ := strings.Cut(series, "{")
		if !ok || name != metric {
			continue
		}
		matches := true
		for _, l := range labels {
			matches = matches && strings.Contains(labelText, l)
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil && matches {
			sum, found = sum+v, true
		}
	}
	return sum, found
}

func scrapeURL(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: %s %v", url, res.Status, err)
	}
	return string(b)
}

func TestAPIMetricsCountTemporalCallsAndWebhooks(t *testing.T) {
	t.Parallel()
	bed := testbed.New(t, testbed.Options{})
	api := startAPI(t, bed)

	// The dashboard lists workflows: the SDK counts those calls in the api's registry.
	listing := `operation="ListWorkflowExecutions"`
	before, _ := metricSum(scrapeURL(t, api.URL+"/metrics"), "temporal_request", listing)
	if code, body := api.call(t, http.MethodGet, "/dashboard", api.token); code != http.StatusOK {
		t.Fatalf("dashboard: %d %s", code, body)
	}
	scrape := scrapeURL(t, api.URL+"/metrics")
	if after, _ := metricSum(scrape, "temporal_request", listing); after < before+2 {
		t.Errorf("temporal_request{%s} went from %v to %v over a dashboard that lists bulk syncs and waiting orders:\n%s",
			listing, before, after, scrape)
	}

	// One unsigned webhook: refused, and counted under its route and status code.
	webhook := `endpoint="/webhooks/opencart"`
	before, _ = metricSum(scrape, "bridge_webhooks_total", webhook)
	code, _ := api.call(t, http.MethodPost, "/webhooks/opencart", "")
	if code < 400 {
		t.Errorf("an unsigned OpenCart webhook was accepted: %d", code)
	}
	scrape = scrapeURL(t, api.URL+"/metrics")
	after, _ := metricSum(scrape, "bridge_webhooks_total", webhook)
	if _, found := metricSum(scrape, "bridge_webhooks_total", webhook, fmt.Sprintf(`code="%d"`, code)); after != before+1 || !found {
		t.Errorf("bridge_webhooks_total{%s} went from %v to %v over one request answered %d:\n%s", webhook, before, after, code, scrape)
	}
	if n, found := metricSum(scrape, "bridge_webhooks_total", `endpoint="/dashboard"`); found {
		t.Errorf("the dashboard was counted as a webhook (%v)", n)
	}
}

func TestWorkerProcessServesTemporalAndOdooMetrics(t *testing.T) {
	t.Parallel()
	bed := testbed.New(t, testbed.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := bed.Config.Connection
	t.Cleanup(func() { // the worker creates these at start; they would fire on the dev server forever
		for _, id := range []string{workflows.StockScheduleID(conn), workflows.OrderCatchUpID(conn), workflows.OdooOrderPollID(conn)} {
			_ = bed.Temporal.ScheduleClient().GetHandle(context.Background(), id).Delete(context.Background())
		}
	})
	addr := deadAddress(t)
	url := "http://" + addr + "/metrics"
	p := bed.Start(t, "worker", []string{"WORKER_METRICS_ADDR=" + addr})

	// One record synced by the worker process: its Temporal work, its Odoo calls and the record are counted.
	tmpl := createTemplate(t, bed, "Desk lamp", "LAMP-1")
	run, err := bed.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: bed.Config.TaskQueue,
		ID: workflows.RecordSyncID(conn, mapping.KindProduct, workflows.SideOdoo, fmt.Sprint(tmpl))},
		workflows.RecordSyncName, workflows.RecordSyncInput{Stage: activities.StageProducts, From: workflows.SideOdoo, ID: tmpl})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatalf("record sync on the worker process: %v\n%s", err, p.Output())
	}

	queue := fmt.Sprintf(`task_queue=%q`, bed.Config.TaskQueue)
	want := []struct {
		metric string
		labels []string
		min    float64
	}{
		{"temporal_worker_start", []string{queue, `worker_type="WorkflowWorker"`}, 1},
		{"temporal_worker_start", []string{queue, `worker_type="ActivityWorker"`}, 1},
		{"temporal_workflow_completed", []string{queue, `workflow_type="RecordSync"`}, 1},
		{"temporal_activity_execution_latency_seconds_count", []string{`activity_type="SyncCatalogPage"`}, 1},
		{"bridge_xmlrpc_requests_total", []string{`model="common"`, `method="authenticate"`}, 1},
		{"bridge_xmlrpc_requests_total", []string{`model="product.template"`, `method="search_read"`}, 1},
		{"bridge_records_synced_total", []string{`kind="product"`, `direction="odoo_to_opencart"`, `outcome="created"`}, 1},
	}
	// The SDK counts a completed workflow as it answers the server, so the scrape may lag run.Get a little.
	testbed.Eventually(t, 10*time.Second, func() error {
		res, err := http.Get(url)
		if err != nil {
			return fmt.Errorf("worker metrics at %s: %v\n%s", url, err, p.Output())
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		for _, w := range want {
			if n, _ := metricSum(string(b), w.metric, w.labels...); n < w.min {
				return fmt.Errorf("%s%v = %v, want at least %v, in:\n%s", w.metric, w.labels, n, w.min, b)
			}
		}
		return nil
	})
}
