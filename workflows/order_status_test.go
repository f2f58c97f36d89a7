package workflows_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// statusFixture is a fixture whose catch-up poll reads the whole order history (the test's orders are
// placed before its first poll).
func statusFixture(t *testing.T, version string, odooVersion int) *ordertest.Fixture {
	t.Helper()
	f := ordertest.New(t, version, odoosim.Config{Version: odooVersion})
	f.SeedCatalog(t)
	f.MapTaxes(t)
	s := ordertest.Settings()
	s.PollStart = "0"
	f.StartWorker(t, s)
	return f
}

// syncOrder signals an order and waits for its run.
func syncOrder(t *testing.T, f *ordertest.Fixture, id int64) workflows.OrderProgress {
	t.Helper()
	f.Signal(t, id, activities.SourceWebhook)
	p, err := f.Wait(t, id)
	if err != nil {
		t.Fatalf("order %d: %v", id, err)
	}
	return p
}

// runPoll runs one poll workflow (as its schedule would) and then waits for the order's workflow.
func runPoll(t *testing.T, f *ordertest.Fixture, workflow string, orderID int64) (workflows.PollResult, workflows.OrderProgress) {
	t.Helper()
	res, err := runPollOnly(t, f, workflow)
	if err != nil {
		t.Fatalf("%s: %v", workflow, err)
	}
	p, err := f.Wait(t, orderID)
	if err != nil {
		t.Fatalf("order %d after %s: %v", orderID, workflow, err)
	}
	return res, p
}

func TestShopStatusesDriveTheSaleOrder(t *testing.T) {
	for _, v := range []struct {
		openCart string
		odoo     int
	}{{"3.0.4.1", 13}, {"4.1.0.4", 16}, {"4.0.2.3", 17}} {
		t.Run(fmt.Sprintf("opencart %s odoo %d", v.openCart, v.odoo), func(t *testing.T) {
			t.Parallel()
			shopStatusesDriveTheSaleOrder(t, statusFixture(t, v.openCart, v.odoo))
		})
	}
}

func shopStatusesDriveTheSaleOrder(t *testing.T, f *ordertest.Fixture) {
	id := f.PlaceOrder(t, ordertest.DemoOrder("status@example.com", 1)) // Pending → confirm
	if p := syncOrder(t, f, id); !slices.Equal(p.Actions, []activities.OrderAction{activities.ActionConfirm}) {
		t.Fatalf("pending: actions %v", p.Actions)
	}
	f.SetStatus(t, id, 3) // Shipped → deliver
	if p := syncOrder(t, f, id); !slices.Equal(p.Actions, []activities.OrderAction{activities.ActionDeliver}) {
		t.Fatalf("shipped: actions %v", p.Actions)
	}
	so := f.SaleOrders(t, id, "picking_ids", "invoice_ids")[0]
	for _, p := range readAll(t, f, "stock.picking", so.IDs("picking_ids"), "state") {
		if p.String("state") != "done" {
			t.Fatalf("picking %d is %s after Shipped", p.ID(), p.String("state"))
		}
	}
	f.SetStatus(t, id, 5) // Complete → invoice, pay
	if p := syncOrder(t, f, id); !slices.Equal(p.Actions, []activities.OrderAction{activities.ActionInvoice, activities.ActionPay}) {
		t.Fatalf("complete: actions %v", p.Actions)
	}
	checkPaidOnce(t, f, id)

	// The same status again (a repeated webhook) changes nothing.
	if p := syncOrder(t, f, id); len(p.Actions) != 0 {
		t.Fatalf("repeated event: actions %v", p.Actions)
	}
	// No echo: the Odoo poll sees the order changed, but the milestone it reached (done) came from the
	// shop, so nothing is written back.
	if _, p := runPoll(t, f, workflows.OdooOrderPollName, id); p.WroteStatus != 0 {
		t.Fatalf("the bridge wrote status %d back for a change the shop made", p.WroteStatus)
	}
	if got := historyStatuses(t, f, id); !slices.Equal(got, []int{1, 3, 5}) {
		t.Fatalf("order history %v, want [1 3 5] (nothing written back)", got)
	}
	checkPaidOnce(t, f, id)

	// Cancelled in the shop → cancelled in Odoo.
	other := f.PlaceOrder(t, ordertest.DemoOrder("cancel@example.com", 1))
	syncOrder(t, f, other)
	f.SetStatus(t, other, 7)
	if p := syncOrder(t, f, other); !slices.Equal(p.Actions, []activities.OrderAction{activities.ActionCancel}) {
		t.Fatalf("cancelled: actions %v", p.Actions)
	}
	if st := f.SaleOrders(t, other)[0].String("state"); st != "cancel" {
		t.Fatalf("state %s after the shop cancelled, want cancel", st)
	}
}

func TestOdooProgressIsWrittenBackWithoutEcho(t *testing.T) {
	for _, odooVersion := range []int{14, 18} {
		t.Run(fmt.Sprintf("odoo %d", odooVersion), func(t *testing.T) {
			t.Parallel()
			f := statusFixture(t, "3.0.4.1", odooVersion)
			done := 5 // Complete, by ODOO_STATUS_MAP
			if odooVersion == 18 {
				// A pair made in the mapping admin overrides ODOO_STATUS_MAP: done → Shipped (3).
				done = 3
				if err := f.Store.Put(context.Background(), mapping.Mapping{Kind: mapping.KindOrderStatus,
					OdooID: mapping.MilestoneID(string(activities.MilestoneDone)), OpenCartID: "3"}); err != nil {
					t.Fatal(err)
				}
			}
			id := f.PlaceOrder(t, ordertest.DemoOrder("odoo.side@example.com", 1))
			syncOrder(t, f, id)

			// Someone delivers, invoices and gets paid in Odoo.
			ctx := context.Background()
			so := f.SaleOrders(t, id, "picking_ids")[0]
			for _, p := range so.IDs("picking_ids") {
				if err := f.ERP.ValidatePicking(ctx, p, odoo.BackorderCancel); err != nil {
					t.Fatal(err)
				}
			}
			invoices, err := f.ERP.InvoiceSaleOrders(ctx, []int64{so.ID()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.ERP.Button(ctx, "account.move", "action_post", invoices, nil); err != nil {
				t.Fatal(err)
			}
			bank, err := f.ERP.Search(ctx, "account.journal", odoo.Query{Domain: odoo.Domain{odoo.Leaf("type", "=", "bank")}, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			method, err := f.ERP.PaymentMethodID(ctx, bank[0], "manual")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.ERP.RegisterPayment(ctx, odoo.Payment{InvoiceIDs: invoices, JournalID: bank[0], MethodID: method}); err != nil {
				t.Fatal(err)
			}

			// The Odoo poll finds the order; its workflow writes "done" back.
			res, p := runPoll(t, f, workflows.OdooOrderPollName, id)
			if res.Signaled == 0 || p.WroteStatus != done {
				t.Fatalf("odoo poll %+v, order %+v: want status %d written", res, p, done)
			}
			if got := historyStatuses(t, f, id); !slices.Equal(got, []int{1, done}) {
				t.Fatalf("order history %v, want [1 %d]", got, done)
			}
			// No echo: the catch-up poll sees the new history row, but the status came from the bridge.
			if _, p := runPoll(t, f, workflows.OrderCatchUpName, id); len(p.Actions) != 0 {
				t.Fatalf("the bridge's own status came back as actions %v", p.Actions)
			}
			checkPaidOnce(t, f, id)
			// A second Odoo poll finds nothing new to write.
			if _, p := runPoll(t, f, workflows.OdooOrderPollName, id); p.WroteStatus != 0 {
				t.Fatalf("second Odoo poll wrote status %d", p.WroteStatus)
			}
		})
	}
}

// checkPaidOnce: one posted customer invoice, paid, and one payment.
func checkPaidOnce(t *testing.T, f *ordertest.Fixture, id int64) {
	t.Helper()
	so := f.SaleOrders(t, id, "invoice_ids")[0]
	schema := f.ERP.Schema()
	invoices := readAll(t, f, "account.move", so.IDs("invoice_ids"), "state", schema.InvoicePaymentStateField)
	if len(invoices) != 1 || invoices[0].String("state") != "posted" ||
		!slices.Contains([]string{"paid", "in_payment"}, invoices[0].String(schema.InvoicePaymentStateField)) {
		t.Fatalf("invoices %v, want one posted and paid", invoices)
	}
	n, err := f.ERP.SearchCount(context.Background(), "account.payment", odoo.Domain{}, nil)
	if err != nil || n != 1 {
		t.Fatalf("%d payments (%v), want 1", n, err)
	}
}

func readAll(t *testing.T, f *ordertest.Fixture, model string, ids []int64, fields ...string) []odoo.Record {
	t.Helper()
	rows, err := f.ERP.Read(context.Background(), model, ids, fields, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// historyStatuses lists an order's history statuses, oldest first.
func historyStatuses(t *testing.T, f *ordertest.Fixture, id int64) []int {
	t.Helper()
	rows, err := f.ShopSQL.Query("SELECT order_status_id FROM oc_order_history WHERE order_id = ? ORDER BY order_history_id", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var s int
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
