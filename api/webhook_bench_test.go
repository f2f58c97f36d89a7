package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/webhook"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// BenchmarkWebhookOrders posts b.N signed order webhooks at 50 per second through the real api handler
// to a worker with mapped master data (products, taxes, carrier, payment method, currency, and a pool of
// returning customers), and reports per order: webhook → confirmed sale order latency (p50, p99), Odoo
// XML-RPC requests, and duplicates (must be 0). Run it with a fixed count, e.g.
//
//	go test -run '^$' -bench WebhookOrders -benchtime 1000x ./api/
func BenchmarkWebhookOrders(b *testing.B) {
	for _, latency := range []time.Duration{0, 100 * time.Millisecond} {
		b.Run(fmt.Sprintf("odoo-latency-%s", latency), func(b *testing.B) { benchmarkWebhookOrders(b, latency) })
	}
}

const (
	benchRate      = 50 // webhooks per second
	benchCustomers = 20 // returning customers the orders cycle through
)

func benchmarkWebhookOrders(b *testing.B, latency time.Duration) {
	f := ordertest.New(b, "4.0.2.3", odoosim.Config{Version: 17, Latency: latency})
	f.SeedCatalog(b)
	f.MapTaxes(b)
	ctx := context.Background()
	// Enough Odoo connections for the load: at 50 orders/s of ~5 calls, 100 ms each, 25 are busy.
	erp, err := odoo.Dial(ctx, odoo.Config{URL: f.Config.Odoo.URL, DB: f.Config.Odoo.DB, Login: f.Config.Odoo.Username,
		Password: f.Config.Odoo.Password.Reveal(), PoolSize: 64})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(erp.Close)
	acts := f.Activities()
	acts.ERP, acts.Orders = erp, ordertest.Settings()
	f.RunWorker(b, acts, worker.Options{MaxConcurrentWorkflowTaskPollers: 8, MaxConcurrentActivityTaskPollers: 8})
	api := httptest.NewServer(fixtureAPI(b, f))
	b.Cleanup(api.Close)
	endpoint, secret := api.URL+"/webhooks/opencart", []byte(f.Config.API.WebhookSecret.Reveal())
	post := func(id int64) error {
		return webhook.Send(ctx, http.DefaultClient, endpoint, secret,
			webhook.Event{Event: webhook.OrderCreated, OrderID: id, OrderStatusID: 1, OccurredAt: time.Now()})
	}
	wait := func(id int64) error {
		var p workflows.OrderProgress
		err := f.Temporal.GetWorkflow(ctx, workflows.OrderSyncID(f.Config.Connection, id), "").Get(ctx, &p)
		if err == nil && p.SaleOrderID == 0 {
			err = fmt.Errorf("order %d ended without a sale order: %+v", id, p)
		}
		return err
	}
	email := func(i int) string { return fmt.Sprintf("customer%02d@example.com", i%benchCustomers) }

	// Warm-up (not measured): the first order of each customer creates the partner, its addresses and
	// the reference records, so the measured orders meet mapped master data only.
	for i := range benchCustomers {
		id := f.PlaceOrder(b, ordertest.DemoOrder(email(i), 1))
		if err := post(id); err != nil {
			b.Fatal(err)
		}
		if err := wait(id); err != nil {
			b.Fatal(err)
		}
	}
	ids := make([]int64, b.N)
	for i := range ids {
		ids[i] = f.PlaceOrder(b, ordertest.DemoOrder(email(i), 1))
	}
	callsBefore := objectCalls(f.Sim.Calls())

	b.ResetTimer()
	posted := make([]time.Time, b.N)
	tick := time.NewTicker(time.Second / benchRate)
	defer tick.Stop()
	for i, id := range ids {
		<-tick.C
		posted[i] = time.Now()
		if err := post(id); err != nil {
			b.Fatal(err)
		}
	}
	// Each order's latency ends when its workflow closed (after the confirmation), as Temporal recorded
	// it; waiting for them one at a time keeps the measurement from loading the server.
	latencies := make([]time.Duration, b.N)
	for i, id := range ids {
		if err := wait(id); err != nil {
			b.Fatal(err)
		}
		d, err := f.Temporal.DescribeWorkflowExecution(ctx, workflows.OrderSyncID(f.Config.Connection, id), "")
		if err != nil {
			b.Fatal(err)
		}
		latencies[i] = d.GetWorkflowExecutionInfo().GetCloseTime().AsTime().Sub(posted[i])
	}
	b.StopTimer()

	calls := objectCalls(f.Sim.Calls()) - callsBefore
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Milliseconds()), "p99-ms")
	b.ReportMetric(float64(calls)/float64(b.N), "xmlrpc/order")
	b.ReportMetric(float64(duplicates(b, f, ids)), "duplicates")
}

// objectCalls sums the simulator's object-service calls (the common service's login is not per order).
func objectCalls(calls map[string]int64) int64 {
	var n int64
	for key, c := range calls {
		if len(key) < 7 || key[:7] != "common." {
			n += c
		}
	}
	return n
}

// duplicates counts the sale orders beyond one per order.
func duplicates(b *testing.B, f *ordertest.Fixture, ids []int64) int {
	refs := make([]any, len(ids))
	for i, id := range ids {
		refs[i] = f.Ref(id)
	}
	rows, err := f.ERP.SearchRead(context.Background(), "sale.order", odoo.Query{
		Domain: odoo.Domain{odoo.Leaf("client_order_ref", "in", refs)}, Fields: []string{"client_order_ref", "state"}})
	if err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	dups := 0
	for _, r := range rows {
		if seen[r.String("client_order_ref")] {
			dups++
		}
		seen[r.String("client_order_ref")] = true
		if r.String("state") != "sale" {
			b.Fatalf("sale order %v is not confirmed", r)
		}
	}
	if len(seen) != len(ids) {
		b.Fatalf("%d of %d orders have a sale order", len(seen), len(ids))
	}
	return dups
}
