package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/replay"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// Under policy "map" an order whose tax rates match no Odoo tax waits, visibly (query and search
// attribute), creates nothing, and goes on from where it stopped once the mappings are added and
// SignalMappingAdded wakes it.
func TestOrderWaitsForAMissingTaxMappingAndGoesOn(t *testing.T) {
	t.Parallel()
	f := ordertest.New(t, "3.0.4.1", odoosim.Config{Version: 16})
	f.SeedCatalog(t)
	settings := ordertest.Settings()
	settings.Policies[mapping.KindTax] = activities.PolicyMap
	settings.MappingRecheck = time.Hour // only the signal may wake it in this test
	f.StartWorker(t, settings)
	email := "waiting@example.com"
	id := f.PlaceOrder(t, ordertest.DemoOrder(email, 1))
	f.Signal(t, id, activities.SourceWebhook)
	ctx := context.Background()
	wid := workflows.OrderSyncID(f.Config.Connection, id)

	waitFor := func(want string) {
		t.Helper()
		testbed.Eventually(t, 60*time.Second, func() error {
			v, err := f.Temporal.QueryWorkflow(ctx, wid, "", workflows.QueryWaiting)
			if err != nil {
				return err
			}
			var missing []activities.MissingMapping
			if err := v.Get(&missing); err != nil {
				return err
			}
			if len(missing) == 0 || missing[0].Key() != want {
				return fmt.Errorf("waiting for %v, want %s first", missing, want)
			}
			// The search attribute names it too, so that operators (and SignalMappingAdded) find it.
			list, err := f.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
				Query: fmt.Sprintf(`WorkflowId = %q AND WaitingForMapping = %q`, wid, want)})
			if err != nil || len(list.GetExecutions()) != 1 {
				return fmt.Errorf("visibility: %v %v", list.GetExecutions(), err)
			}
			return nil
		})
	}
	waitFor("tax:" + strconv.Itoa(ordertest.VATRate))
	if sos := f.SaleOrders(t, id); len(sos) != 0 {
		t.Fatalf("a sale order was created while a tax mapping is missing: %v", sos)
	}

	// The operator maps the VAT rate: the order wakes, finds the eco tax still missing, waits again.
	f.MapTax(t, ordertest.VATRate)
	if n, err := workflows.SignalMappingAdded(ctx, f.Temporal, f.Config.Connection, mapping.KindTax); err != nil || n != 1 {
		t.Fatalf("SignalMappingAdded signalled %d workflows (%v), want 1", n, err)
	}
	waitFor("tax:" + strconv.Itoa(ordertest.EcoTaxRate))

	f.MapTax(t, ordertest.EcoTaxRate)
	testbed.Eventually(t, 30*time.Second, func() error {
		n, err := workflows.SignalMappingAdded(ctx, f.Temporal, f.Config.Connection, mapping.KindTax)
		if err == nil && n == 0 {
			return errNotYet // visibility has not caught up with the second wait yet
		}
		return err
	})
	p, err := f.Wait(t, id)
	if err != nil || p.Stage != workflows.OrderDone || !slices.Contains(p.Actions, activities.ActionConfirm) {
		t.Fatalf("order after the mappings: %+v %v", p, err)
	}
	f.CheckDemoSaleOrder(t, id, email)
	testbed.Eventually(t, 30*time.Second, func() error { // the search attribute is cleared again
		list, err := f.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf(`WorkflowId = %q AND WaitingForMapping IS NULL`, wid)})
		if err != nil || len(list.GetExecutions()) != 1 {
			return fmt.Errorf("visibility: %v %v", list.GetExecutions(), err)
		}
		return nil
	})
}

// An order whose Odoo totals differ from the shop's is held as a quotation and recorded with the reason
// and the fix; once fixed, replaying the failure confirms it and resolves the failure.
func TestHeldOrderIsReplayedAfterTheFix(t *testing.T) {
	t.Parallel()
	f := ordertest.New(t, "4.0.2.3", odoosim.Config{Version: 17})
	f.SeedCatalog(t)
	f.MapTaxes(t)
	f.StartWorker(t, ordertest.Settings())
	o := ordertest.DemoOrder("held@example.com", 1)
	o.Totals[len(o.Totals)-1].Value = 363.5 // the shop's total says 0.30 more than its lines and taxes
	id := f.PlaceOrder(t, o)
	f.Signal(t, id, activities.SourceWebhook)
	var appErr *temporal.ApplicationError
	if _, err := f.Wait(t, id); !errors.As(err, &appErr) || appErr.Type() != workflows.ErrTypeOrderHeld {
		t.Fatalf("want the order held, got %v", err)
	}
	if sos := f.SaleOrders(t, id); len(sos) != 1 || sos[0].String("state") != "draft" {
		t.Fatalf("held order's sale orders %v, want one quotation", sos)
	}
	ctx := context.Background()
	failures, err := f.Store.Failures(ctx, mapping.FailureFilter{Kind: mapping.KindOrder})
	if err != nil || len(failures) != 1 || failures[0].Field != "amount_total" || !strings.Contains(failures[0].Reason, "363.50") ||
		failures[0].Fix == "" || failures[0].WorkflowID != workflows.OrderSyncID(f.Config.Connection, id) {
		t.Fatalf("failures %+v (%v)", failures, err)
	}

	if _, err := f.ShopSQL.Exec("UPDATE oc_order_total SET value = 363.2 WHERE order_id = ? AND code = 'total'", id); err != nil {
		t.Fatal(err)
	}
	res := replay.New(f.Store, f.Temporal, f.Config.TaskQueue).Replay(ctx, failures, 1, nil)
	if res[0].Outcome != replay.Synced {
		t.Fatalf("replay: %+v", res[0])
	}
	f.CheckDemoSaleOrder(t, id, "held@example.com")
}
