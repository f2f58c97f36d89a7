package workflows_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart/octest"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// A guest ordering again is the same partner (matched by e-mail). A changed delivery address adds a
// contact when a confirmed order uses the old one (its documents keep their address), and updates the
// contact in place when only quotations use it; an unchanged address reuses its contact.
func TestOrdersFollowAddressChanges(t *testing.T) {
	t.Parallel()
	f := ordertest.New(t, "4.0.2.3", odoosim.Config{Version: 15})
	f.SeedCatalog(t)
	f.MapTaxes(t)
	s := ordertest.Settings()
	s.StatusActions[2] = nil // "Processing" leaves the sale order a quotation in this test
	f.StartWorker(t, s)
	email := "moving@example.com"
	order := func(street string, status int) (partner, invoice, delivery int64) {
		o := ordertest.DemoOrder(email, status)
		o.Shipping = ordertest.UKAddress("Ada", "Lovelace", street)
		id := f.PlaceOrder(t, o)
		syncOrder(t, f, id)
		so := f.SaleOrders(t, id, "partner_id", "partner_invoice_id", "partner_shipping_id")[0]
		return so.Int("partner_id"), so.Int("partner_invoice_id"), so.Int("partner_shipping_id")
	}
	p1, inv1, del1 := order("1 Fishergate", 1) // confirmed
	p2, inv2, del2 := order("2 Friargate", 2)  // a quotation
	if p2 != p1 || inv2 != inv1 {
		t.Fatalf("second order: partner %d invoice %d, want the first order's %d and %d", p2, inv2, p1, inv1)
	}
	if del2 == del1 {
		t.Fatal("the changed delivery address reused the contact of a confirmed order")
	}
	if street := readAll(t, f, "res.partner", []int64{del1}, "street")[0].String("street"); street != "1 Fishergate" {
		t.Fatalf("the confirmed order's delivery contact now says %q", street)
	}
	_, _, del3 := order("3 Church Street", 2) // only the quotation uses 2 Friargate: updated in place
	if del3 != del2 {
		t.Fatalf("delivery contact %d, want %d updated in place", del3, del2)
	}
	if street := readAll(t, f, "res.partner", []int64{del2}, "street")[0].String("street"); street != "3 Church Street" {
		t.Fatalf("contact %d says %q after the update", del2, street)
	}
	_, _, del4 := order("3 Church Street", 2) // unchanged: the same contact
	if del4 != del3 {
		t.Fatalf("unchanged address got contact %d, want %d", del4, del3)
	}
}

// CustomerSync maps a registered customer to the Odoo contact with its e-mail, adds the address book as
// contacts, and follows later edits; the bulk sync does every customer once.
func TestCustomerSync(t *testing.T) {
	t.Parallel()
	f := ordertest.New(t, "3.0.4.1", odoosim.Config{Version: 17})
	f.StartWorker(t, ordertest.Settings())
	ctx := context.Background()
	existing, err := f.ERP.Create(ctx, "res.partner", []odoo.Values{{"name": "Grace H.", "email": "GRACE@example.com"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cid, addrs := octest.AddCustomer(t, f.ShopSQL, f.Version, octest.Customer{FirstName: "Grace", LastName: "Hopper",
		Email: "grace@example.com", Telephone: "555-0100", Addresses: []octest.Address{
			ordertest.UKAddress("Grace", "Hopper", "1 Navy Road"), ordertest.UKAddress("Grace", "Hopper", "2 Harbour Lane")}})
	res := syncCustomer(t, f, int64(cid))
	if res.PartnerID != existing[0] || res.Created || res.Addresses != 2 {
		t.Fatalf("first sync %+v, want the existing partner %d (matched by e-mail) with 2 addresses", res, existing[0])
	}
	partner := readAll(t, f, "res.partner", []int64{res.PartnerID}, "name", "phone", "child_ids")[0]
	if partner.String("name") != "Grace Hopper" || partner.String("phone") != "555-0100" || len(partner.IDs("child_ids")) != 2 {
		t.Fatalf("partner %v", partner)
	}
	slot := strconv.Itoa(cid) + "/address/" + strconv.Itoa(addrs[1])
	before, err := f.Store.ByOpenCartID(ctx, mapping.KindAddress, slot)
	if err != nil {
		t.Fatal(err)
	}

	// The customer edits a name and an address in the shop.
	if _, err := f.ShopSQL.Exec("UPDATE oc_customer SET lastname = 'Murray Hopper' WHERE customer_id = ?", cid); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ShopSQL.Exec("UPDATE oc_address SET address_1 = '3 Fleet Street' WHERE address_id = ?", addrs[1]); err != nil {
		t.Fatal(err)
	}
	if res := syncCustomer(t, f, int64(cid)); !res.Updated {
		t.Fatalf("second sync %+v, want the partner updated", res)
	}
	after, err := f.Store.ByOpenCartID(ctx, mapping.KindAddress, slot)
	if err != nil || after.OdooID != before.OdooID {
		t.Fatalf("address slot now maps to %+v (%v), want contact %d updated in place", after, err, before.OdooID)
	}
	contact := readAll(t, f, "res.partner", []int64{after.OdooID}, "street", "type", "parent_id")[0]
	if contact.String("street") != "3 Fleet Street" || contact.String("type") != "other" || contact.Int("parent_id") != res.PartnerID {
		t.Fatalf("contact %v", contact)
	}
	if name := readAll(t, f, "res.partner", []int64{res.PartnerID}, "name")[0].String("name"); name != "Grace Murray Hopper" {
		t.Fatalf("partner name %q", name)
	}

	// The bulk sync finds nothing left to change for her and creates the other customer.
	other, _ := octest.AddCustomer(t, f.ShopSQL, f.Version, octest.Customer{FirstName: "Alan", LastName: "Turing", Email: "alan@example.com"})
	run, err := f.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.CustomerBulkSyncID(f.Config.Connection), TaskQueue: f.Config.TaskQueue},
		workflows.CustomerBulkSyncName, workflows.CustomerBulkInput{})
	if err != nil {
		t.Fatal(err)
	}
	var totals activities.PageResult
	if err := run.Get(ctx, &totals); err != nil {
		t.Fatal(err)
	}
	if totals.Read != 2 || totals.Created != 1 || totals.Unchanged != 1 || totals.Failed != 0 || !totals.Done {
		t.Fatalf("bulk sync %+v, want 2 read: 1 created (customer %d), 1 unchanged", totals, other)
	}
}

func syncCustomer(t *testing.T, f *ordertest.Fixture, id int64) activities.CustomerResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := workflows.SignalCustomerSync(ctx, f.Temporal, f.Config.TaskQueue, f.Config.Connection, id, activities.ChangeEvent{Source: activities.SourceManual})
	if err != nil {
		t.Fatal(err)
	}
	var res activities.CustomerResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("customer %d: %v", id, err)
	}
	return res
}
