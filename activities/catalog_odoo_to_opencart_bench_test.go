package activities_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// BenchmarkCatalogOdooToOpenCart syncs 10,000 templates (30 % configurable with 3×3 variants, 200
// categories) into a fresh OpenCart 4.0 shop through the real BulkSync workflow on the Temporal dev
// server, per page size. It reports wall time, XML-RPC requests and SQL statements per product, and
// the longest workflow history of the run (it continues as new when a history grows long).
//
//	go test -run '^$' -bench CatalogOdooToOpenCart -benchtime=1x ./activities/
func BenchmarkCatalogOdooToOpenCart(b *testing.B) {
	for _, pageSize := range []int{100, 250, 500, 1000} {
		b.Run(fmt.Sprintf("page=%d", pageSize), func(b *testing.B) {
			for range b.N {
				benchmarkBulkSync(b, pageSize)
			}
		})
	}
}

func benchmarkBulkSync(b *testing.B, pageSize int) {
	b.StopTimer()
	ctx := context.Background()
	bed := testbed.New(b, testbed.Options{OpenCart: "4.0.2.3", Odoo: odoosim.Config{Version: 17, Seed: 1}})
	spec := odoosim.CatalogSpec{Templates: 10_000, ConfigurableShare: 0.3, Attributes: 4, ValuesPerAttribute: 3,
		AttributesPerConfigurable: 2, Categories: 200, CategoryDepth: 3}
	if err := bed.Sim.SeedCatalog(spec); err != nil {
		b.Fatal(err)
	}
	// The worker's shop connection goes through a proxy that counts statements.
	counter := testbed.CountStatements(b, bed.Config.OpenCart.DSN.Reveal(), false)
	shop, err := opencart.Open(ctx, opencart.Config{DSN: counter.DSN, TablePrefix: bed.Config.OpenCart.TablePrefix})
	if err != nil {
		b.Fatal(err)
	}
	defer shop.Close()
	w := worker.New(bed.Temporal, bed.Config.TaskQueue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: bed.Store, Shop: shop, ERP: bed.ERP})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	products := float64(spec.Templates)

	requests, statements := bed.ERP.TotalRequests(), counter.Count()
	b.StartTimer()
	started := time.Now()
	run, err := bed.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.BulkSyncID(bed.Config.Connection, mapping.OdooToOpenCart), TaskQueue: bed.Config.TaskQueue,
	}, workflows.BulkSyncName, workflows.BulkSyncInput{PageSize: pageSize})
	if err != nil {
		b.Fatal(err)
	}
	var p workflows.BulkProgress
	if err := run.Get(ctx, &p); err != nil {
		b.Fatal(err)
	}
	wall := time.Since(started)
	b.StopTimer()

	for _, st := range p.Stages {
		if st.Failed != 0 || st.Created != st.Total {
			b.Errorf("%s: %+v, want every record created", st.Stage, st)
		}
	}
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(float64(bed.ERP.TotalRequests()-requests)/products, "xmlrpc/product")
	b.ReportMetric(float64(counter.Count()-statements)/products, "sql/product")
	longest, _ := workflowHistory(b, bed.Temporal, run.GetID(), run.GetRunID())
	b.ReportMetric(float64(longest), "history-events-max")
	b.ReportMetric(float64(p.Runs), "runs")
	b.ReportMetric(peakRSSMiB(b), "peak-rss-MiB")
}
