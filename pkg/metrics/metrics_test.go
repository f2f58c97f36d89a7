package metrics

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

func scrape(t *testing.T, r *Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

type fixedCounts map[string]int64

func (f fixedCounts) Requests() map[string]int64 { return f }

func TestBridgeMetricsAndXMLRPCCounts(t *testing.T) {
	r := New()
	r.RecordsSynced.WithLabelValues("product", "odoo_to_opencart", "created").Add(3)
	r.Webhooks.WithLabelValues("opencart", "401").Inc()
	r.OrderLatency.Observe(0.3)
	if err := r.Register(XMLRPCCollector(fixedCounts{"sale.order.create": 2, "product.product.search_read": 5})); err != nil {
		t.Fatal(err)
	}
	out := scrape(t, r)
	for _, want := range []string{
		`bridge_records_synced_total{direction="odoo_to_opencart",kind="product",outcome="created"} 3`,
		`bridge_webhooks_total{code="401",endpoint="opencart"} 1`,
		`bridge_order_latency_seconds_count 1`,
		`bridge_xmlrpc_requests_total{method="create",model="sale.order"} 2`,
		`bridge_xmlrpc_requests_total{method="search_read",model="product.product"} 5`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

func TestSDKHandlerKeepsOneLabelSetPerName(t *testing.T) {
	r := New()
	h := r.Temporal().WithTags(map[string]string{"namespace": "default", "task_queue": "q"})
	h.Counter("temporal_request").Inc(2)
	h.WithTags(map[string]string{"operation": "StartWorkflowExecution"}).Counter("temporal_request").Inc(1) // extra tag dropped
	h.Gauge("temporal_worker_task_slots_available").Update(7)
	h.Timer("temporal_request_latency").Record(20 * time.Millisecond)
	out := scrape(t, r)
	for _, want := range []string{
		`temporal_request{namespace="default",task_queue="q"} 3`,
		`temporal_worker_task_slots_available{namespace="default",task_queue="q"} 7`,
		`temporal_request_latency_seconds_count{namespace="default",task_queue="q"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q\n%s", want, out)
		}
	}
}

// The real SDK reports through the adapter: a client call against the dev server shows up.
func TestSDKReportsThroughTheAdapter(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Temporal dev server")
	}
	addr := os.Getenv("TEMPORAL_ADDRESS")
	if addr == "" {
		addr = "127.0.0.1:7233"
	}
	r := New()
	c, err := client.Dial(client.Options{HostPort: addr, MetricsHandler: r.Temporal()})
	if err != nil {
		t.Fatalf("Temporal dev server at %s: %v (scripts/test.sh starts one)", addr, err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		t.Fatal(err)
	}
	_, _ = c.DescribeWorkflowExecution(ctx, "no-such-workflow-for-metrics", "")
	if out := scrape(t, r); !strings.Contains(out, "temporal_request") {
		t.Fatalf("no temporal_request metric after client calls:\n%s", out)
	}
}
