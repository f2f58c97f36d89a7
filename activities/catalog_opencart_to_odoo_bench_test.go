package activities_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// BenchmarkCatalogOpenCartToOdoo syncs a shop of 10,000 products (30 % configurable with two options of
// three values: 9 variants each; 200 categories three levels deep) plus the demo catalog into Odoo 17
// through the real BulkSync workflow on the Temporal dev server, and reports per product row: XML-RPC
// requests (simulator counters), SQL statements the worker sent to the shop (counted by a proxy in front
// of MariaDB, so other users of the server do not count), the wall time and the longest workflow history
// of a run (continue-as-new chain).
//
//	go test ./activities/ -run '^$' -bench BenchmarkCatalogOpenCartToOdoo -benchtime=1x -timeout 60m
//
// OC2O_BENCH_PAGES lists page sizes to compare (default 500, BulkSync's default); OC2O_BENCH_PRODUCTS
// changes the catalog size (default 10000).
func BenchmarkCatalogOpenCartToOdoo(b *testing.B) {
	products := oc2oEnvInt(b, "OC2O_BENCH_PRODUCTS", 10000)
	for _, page := range strings.Split(oc2oEnv("OC2O_BENCH_PAGES", "500"), ",") {
		size, err := strconv.Atoi(strings.TrimSpace(page))
		if err != nil {
			b.Fatalf("OC2O_BENCH_PAGES: %v", err)
		}
		b.Run("page="+strconv.Itoa(size), func(b *testing.B) {
			for range b.N {
				oc2oBenchOnce(b, products, size)
			}
		})
	}
}

func oc2oBenchOnce(b *testing.B, products, pageSize int) {
	b.StopTimer()
	bed := newOC2OBed(b, "3.0.4.1", 17)
	seedOC2OBench(b, bed, products)
	counter := testbed.CountStatements(b, bed.Config.OpenCart.DSN.Reveal(), false)
	shop, err := opencart.Open(context.Background(), opencart.Config{DSN: counter.DSN, TablePrefix: bed.Config.OpenCart.TablePrefix})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = shop.Close() })
	w := worker.New(bed.Temporal, bed.Config.TaskQueue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: bed.Store, Shop: shop, ERP: bed.ERP})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Minute)
	defer cancel()
	bed.Sim.ResetCalls()
	statements := counter.Count()

	b.StartTimer()
	start := time.Now()
	wf, err := bed.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.BulkSyncID(bed.Config.Connection, mapping.OpenCartToOdoo),
		TaskQueue: bed.Config.TaskQueue}, workflows.BulkSync, workflows.BulkSyncInput{Direction: mapping.OpenCartToOdoo, PageSize: pageSize})
	if err != nil {
		b.Fatal(err)
	}
	var progress workflows.BulkProgress
	if err := wf.Get(ctx, &progress); err != nil {
		b.Fatalf("bulk sync: %v", err)
	}
	wall := time.Since(start)
	b.StopTimer()

	rows := 0
	for _, st := range progress.Stages {
		if st.Failed != 0 || st.Done != st.Total {
			b.Errorf("stage %s: %+v", st.Stage, st)
		}
		if st.Stage == activities.StageProducts {
			rows = st.Done
		}
	}
	if rows < products {
		b.Fatalf("synced %d product rows, want at least %d", rows, products)
	}
	calls := bed.Sim.Calls()
	longest, runs := workflowHistory(b, bed.Temporal, wf.GetID(), wf.GetRunID())
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(float64(oc2oCalls(calls))/float64(rows), "rpc/product")
	b.ReportMetric(float64(counter.Count()-statements)/float64(rows), "sql/product")
	b.ReportMetric(float64(longest), "max-history")
	b.ReportMetric(float64(runs), "runs")
	b.ReportMetric(peakRSSMiB(b), "peak-rss-MiB")
	b.Logf("page %d: %d product rows in %s; XML-RPC calls %s", pageSize, rows, wall.Round(time.Millisecond), oc2oCallSummary(calls))
}

// seedOC2OBench writes the benchmark's categories and products into the shop.
func seedOC2OBench(b *testing.B, bed *oc2oBed, products int) {
	ctx := context.Background()
	var leaves []int
	var roots []int
	for i := range 10 {
		root := oc2oBenchCategory(b, bed, 0, fmt.Sprintf("Bench %d", i))
		roots = append(roots, root)
		for j := range 4 {
			child := oc2oBenchCategory(b, bed, root, fmt.Sprintf("Bench %d.%d", i, j))
			for k := range 4 {
				if i*4*4+j*4+k < 150 { // 10 + 40 + 150 = 200 categories
					leaves = append(leaves, oc2oBenchCategory(b, bed, child, fmt.Sprintf("Bench %d.%d.%d", i, j, k)))
				}
			}
		}
	}
	size := []opencart.ProductOptionValue{{OptionValueID: 46}, {OptionValueID: 47, Price: 2}, {OptionValueID: 48, Price: 4}}  // Size
	radio := []opencart.ProductOptionValue{{OptionValueID: 32}, {OptionValueID: 31, Price: 1}, {OptionValueID: 43, Price: 3}} // Radio
	list := make([]opencart.Product, products)
	for i := range list {
		leaf := leaves[i%len(leaves)]
		p := opencart.Product{Model: fmt.Sprintf("BENCH-%05d", i), Price: float64(10 + i%50), Status: true, Shipping: true, Weight: 0.5,
			Descriptions: bed.named(fmt.Sprintf("Bench product %d", i)), Categories: []int{roots[i%len(roots)], leaf}}
		if i%10 < 3 {
			p.Options = []opencart.ProductOption{{OptionID: 11, Required: true, Values: size}, {OptionID: 1, Required: true, Values: radio}}
		}
		list[i] = p
	}
	if _, err := bed.Shop.UpsertProducts(ctx, list); err != nil {
		b.Fatalf("seed products: %v", err)
	}
}

func oc2oBenchCategory(b *testing.B, bed *oc2oBed, parent int, name string) int {
	id, err := bed.Shop.UpsertCategory(context.Background(), opencart.Category{ParentID: parent, Status: true,
		Descriptions: map[int]opencart.CategoryDescription{bed.lang(): {Name: name}}})
	if err != nil {
		b.Fatalf("seed category %s: %v", name, err)
	}
	return id
}

func oc2oCallSummary(calls map[string]int64) string {
	keys := make([]string, 0, len(calls))
	for k := range calls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, calls[k])
	}
	return strings.Join(parts, " ")
}

func oc2oEnv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func oc2oEnvInt(b *testing.B, key string, def int) int {
	n, err := strconv.Atoi(oc2oEnv(key, strconv.Itoa(def)))
	if err != nil {
		b.Fatalf("%s: %v", key, err)
	}
	return n
}
