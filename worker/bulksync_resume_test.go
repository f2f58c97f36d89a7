package main

import (
	"context"
	"database/sql"
	"fmt"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// A bulk sync survives its worker being SIGKILLed halfway: another worker takes over from the last
// heartbeat, and the run ends with exact counts and no duplicate on either side.
func TestBulkSyncSurvivesAKilledWorker(t *testing.T) {
	const templates = 2000
	bed := testbed.New(t, testbed.Options{OpenCart: "4.0.2.3", Odoo: odoosim.Config{Version: 17, Latency: 5 * time.Millisecond}})
	spec := odoosim.DefaultCatalogSpec(templates)
	if err := bed.Sim.SeedCatalog(spec); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	first := bed.Start(t, "worker", []string{"WORKER_METRICS_ADDR=off"})
	run, err := bed.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.BulkSyncID(bed.Config.Connection, mapping.OdooToOpenCart), TaskQueue: bed.Config.TaskQueue,
	}, workflows.BulkSyncName, workflows.BulkSyncInput{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}

	// Kill the worker once the products stage is well under way.
	testbed.Eventually(t, 4*time.Minute, func() error {
		v, err := bed.Temporal.QueryWorkflow(ctx, run.GetID(), "", workflows.QueryProgress)
		if err != nil {
			return err
		}
		var p workflows.BulkProgress
		if err := v.Get(&p); err != nil {
			return err
		}
		st := p.Stages[len(p.Stages)-1]
		if st.Stage != activities.StageProducts || st.Done < templates/5 {
			return fmt.Errorf("products done %d of %d, not yet killing", st.Done, templates)
		}
		return nil
	})
	if err := first.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Cmd.Wait()
	bed.Start(t, "worker", []string{"WORKER_METRICS_ADDR=off"})

	var p workflows.BulkProgress
	if err := run.Get(ctx, &p); err != nil {
		t.Fatalf("bulk sync after the kill: %v", err)
	}
	products := p.Stages[len(p.Stages)-1]
	if products.Total != templates || products.Done != templates || products.Created != templates || products.Failed != 0 ||
		products.Updated != 0 || products.Unchanged != 0 {
		t.Fatalf("products stage after the kill = %+v, want %d created exactly", products, templates)
	}

	counts, err := bed.Store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[mapping.KindProduct] != templates {
		t.Fatalf("product mappings = %d, want %d", counts[mapping.KindProduct], templates)
	}
	shop, err := sql.Open("mysql", bed.Config.OpenCart.DSN.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	defer shop.Close()
	var dupes, synced int
	if err := shop.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT model FROM oc_product GROUP BY model HAVING COUNT(*) > 1) d").Scan(&dupes); err != nil {
		t.Fatal(err)
	}
	if err := shop.QueryRowContext(ctx, "SELECT COUNT(*) FROM oc_product WHERE master_id = 0").Scan(&synced); err != nil {
		t.Fatal(err)
	}
	const demoProducts = 19 // the 4.0.2.3 install's own
	if dupes != 0 || synced != templates+demoProducts {
		t.Fatalf("shop has %d products (want %d) and %d duplicated models", synced, templates+demoProducts, dupes)
	}
}
