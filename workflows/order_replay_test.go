package workflows_test

import (
	"context"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// orderHistory is an OrderSync run recorded on the dev server: it waited for a tax mapping (search
// attribute, signal), created and confirmed the sale order, then took an Odoo event in a second pass.
const orderHistory = "testdata/order-sync.history.json"

// TestReplayOrderSyncHistory replays the recorded run against today's OrderSync: a change that would
// break running order workflows (non-determinism) fails here.
func TestReplayOrderSyncHistory(t *testing.T) {
	r := worker.NewWorkflowReplayer()
	workflows.Register(r)
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, orderHistory); err != nil {
		t.Fatalf("replay %s: %v (an intended change needs workflow.GetVersion, then re-record with RECORD_HISTORIES=1)", orderHistory, err)
	}
}

// TestRecordOrderSyncHistory re-records orderHistory on the dev server; it only runs when asked:
// RECORD_HISTORIES=1 go test -run TestRecordOrderSyncHistory ./workflows/
func TestRecordOrderSyncHistory(t *testing.T) {
	if os.Getenv("RECORD_HISTORIES") == "" {
		t.Skip("set RECORD_HISTORIES=1 to re-record " + orderHistory)
	}
	f := ordertest.New(t, "4.0.2.3", odoosim.Config{Version: 17})
	f.SeedCatalog(t)
	f.MapTax(t, ordertest.EcoTaxRate)
	s := ordertest.Settings()
	s.Policies[mapping.KindTax] = activities.PolicyMap
	f.StartWorker(t, s)
	id := f.PlaceOrder(t, ordertest.DemoOrder("recorded@example.com", 1))
	run := f.Signal(t, id, activities.SourceWebhook)
	ctx := context.Background()
	testbed.Eventually(t, 30*time.Second, func() error {
		v, err := f.Temporal.QueryWorkflow(ctx, run.GetID(), "", workflows.QueryWaiting)
		var waiting []activities.MissingMapping
		if err == nil && v.Get(&waiting) == nil && len(waiting) == 0 {
			return errNotYet
		}
		return err
	})
	f.MapTax(t, ordertest.VATRate)
	testbed.Eventually(t, 30*time.Second, func() error {
		n, err := workflows.SignalMappingAdded(ctx, f.Temporal, f.Config.Connection, mapping.KindTax)
		if err == nil && n == 0 {
			return errNotYet
		}
		return err
	})
	f.Signal(t, id, activities.SourceOdoo)
	if _, err := f.Wait(t, id); err != nil {
		t.Fatal(err)
	}
	workflows.SaveHistory(t, f.Temporal, run.GetID(), run.GetRunID(), orderHistory)
}
