package workflows_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// Each test disturbs the sale order's creation in one way and checks that exactly one sale order
// exists afterwards, confirmed, with the demo order's amounts.

func exactlyOnceFixture(t *testing.T) *ordertest.Fixture {
	t.Helper()
	f := ordertest.New(t, "4.0.2.3", odoosim.Config{Version: 17})
	f.SeedCatalog(t)
	f.MapTaxes(t)
	return f
}

func TestOrderSyncSurvivesAReplyLostAfterOdooCommitted(t *testing.T) {
	t.Parallel()
	f := exactlyOnceFixture(t)
	f.StartWorker(t, ordertest.Settings())
	f.Sim.SetFaults(odoosim.Faults{CommitThenFail: []odoosim.CallMatch{{Model: "sale.order", Method: "create", Times: 1}}})
	email := "lost.reply@example.com"
	id := f.PlaceOrder(t, ordertest.DemoOrder(email, 1))
	f.Signal(t, id, activities.SourceWebhook)
	// The create reached Odoo once (and committed); the retry found it by its key instead of creating.
	expectCreatedOnce(t, f, id, email)
}

func TestOrderSyncSurvivesTheWorkerStoppingDuringTheCreate(t *testing.T) {
	t.Parallel()
	f := exactlyOnceFixture(t)
	first := f.StartWorker(t, ordertest.Settings())
	email := "stopped.worker@example.com"
	id := f.PlaceOrder(t, ordertest.DemoOrder(email, 1))
	// Every Odoo call takes a while, so that the worker can be stopped while the create is in Odoo.
	f.Sim.SetFaults(odoosim.Faults{SlowRate: 1, Slow: 250 * time.Millisecond})
	f.Signal(t, id, activities.SourceWebhook)
	testbed.Eventually(t, 60*time.Second, func() error {
		if f.Sim.Calls()["sale.order.create"] == 0 {
			return errNotYet
		}
		return nil
	})
	first.Stop()
	f.Sim.SetFaults(odoosim.Faults{})
	f.StartWorker(t, ordertest.Settings())
	// The stopped worker's create ran to its end; the next attempt found it instead of creating again.
	expectCreatedOnce(t, f, id, email)
}

// expectCreatedOnce waits for the order's workflow and checks its one sale order, made by one create.
func expectCreatedOnce(t *testing.T, f *ordertest.Fixture, id int64, email string) {
	t.Helper()
	if p, err := f.Wait(t, id); err != nil || p.Stage != workflows.OrderDone {
		t.Fatalf("order sync: %+v %v", p, err)
	}
	f.CheckDemoSaleOrder(t, id, email)
	if n := f.Sim.Calls()["sale.order.create"]; n != 1 {
		t.Fatalf("sale.order.create called %d times, want 1", n)
	}
}

func TestOrderSyncSurvivesAResetToTheFirstWorkflowTask(t *testing.T) {
	t.Parallel()
	f := exactlyOnceFixture(t)
	f.StartWorker(t, ordertest.Settings())
	email := "reset@example.com"
	id := f.PlaceOrder(t, ordertest.DemoOrder(email, 1))
	f.Signal(t, id, activities.SourceWebhook)
	p, err := f.Wait(t, id)
	if err != nil {
		t.Fatal(err)
	}
	// Forget the pair in the mapping store too, so that the reset run has only Odoo's key to go by.
	ctx := context.Background()
	if err := f.Store.Delete(ctx, mapping.KindOrder, p.SaleOrderID); err != nil {
		t.Fatal(err)
	}
	wid := workflows.OrderSyncID(f.Config.Connection, id)
	run := f.Temporal.GetWorkflow(ctx, wid, "")
	reset, err := f.Temporal.ResetWorkflowExecution(ctx, &workflowservice.ResetWorkflowExecutionRequest{
		Namespace:                 f.Config.Temporal.Namespace,
		WorkflowExecution:         workflowExecution(wid, run.GetRunID()),
		Reason:                    "test: replay the order from its first workflow task",
		WorkflowTaskFinishEventId: firstWorkflowTaskCompleted(t, f, wid, run.GetRunID()),
		RequestId:                 "reset-" + strconv.FormatInt(id, 10),
	})
	if err != nil {
		t.Fatal(err)
	}
	var again workflows.OrderProgress
	if err := f.Temporal.GetWorkflow(ctx, wid, reset.GetRunId()).Get(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if again.SaleOrderID != p.SaleOrderID || again.Created {
		t.Fatalf("after the reset the run used sale order %d (created %v), want the first one %d", again.SaleOrderID, again.Created, p.SaleOrderID)
	}
	f.CheckDemoSaleOrder(t, id, email)
	if m, err := f.Store.ByOpenCartID(ctx, mapping.KindOrder, strconv.FormatInt(id, 10)); err != nil || m.OdooID != p.SaleOrderID {
		t.Fatalf("order mapping after the reset: %+v %v", m, err)
	}
}

// firstWorkflowTaskCompleted is the event id a reset "to the first workflow task" names.
func firstWorkflowTaskCompleted(t *testing.T, f *ordertest.Fixture, id, runID string) int64 {
	t.Helper()
	it := f.Temporal.GetWorkflowHistory(context.Background(), id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			return e.GetEventId()
		}
	}
	t.Fatal("no completed workflow task in the history")
	return 0
}
