package activities_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/opencart/octest"
	"github.com/ocbridge/bridge/pkg/testbed"
)

// Which shop orders hold stock back, and how far the order-history watermark moves. (The effect on the
// shop's quantities is tested end to end in package workflows.)
func TestPendingShopOrdersAndTheirWatermark(t *testing.T) {
	const version = "3.0.4.1"
	bed := testbed.New(t, testbed.Options{OpenCart: version})
	ctx := context.Background()
	db, err := sql.Open("mysql", bed.Config.OpenCart.DSN.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acts := bed.Activities()

	// One paired product, so that pushes read the order history.
	values := odoo.Values{"name": "Pending mug"}
	for k, v := range bed.ERP.Schema().ProductTypeValues(odoo.ProductStorable) {
		values[k] = v
	}
	tmpl, err := bed.ERP.Create(ctx, "product.template", []odoo.Values{values}, nil)
	if err != nil {
		t.Fatal(err)
	}
	variants, err := bed.ERP.Search(ctx, "product.product", odoo.Query{Domain: odoo.Domain{odoo.Leaf("product_tmpl_id", "=", tmpl[0])}})
	if err != nil {
		t.Fatal(err)
	}
	if err := bed.ERP.SetStockQuantity(ctx, variants[0], 0, 5); err != nil {
		t.Fatal(err)
	}
	written, err := bed.Shop.UpsertProducts(ctx, []opencart.Product{{Model: "PENDING-MUG", Subtract: true, Status: true,
		Descriptions: map[int]opencart.ProductDescription{bed.Shop.DefaultLanguageID(): {Name: "Pending mug"}}}})
	if err != nil {
		t.Fatal(err)
	}
	shopID := written[0].ProductID
	if err := bed.Store.Put(ctx, mapping.Mapping{Kind: mapping.KindProduct, OdooID: tmpl[0], OpenCartID: strconv.Itoa(shopID)}); err != nil {
		t.Fatal(err)
	}

	place := func() int {
		return octest.PlaceOrder(t, db, version, octest.Order{FirstName: "Ada", Email: "ada@example.com", Status: 1,
			PaymentMethod: octest.Method{Name: "Cash On Delivery", Code: "cod.cod"},
			Lines:         []octest.Line{{ProductID: shopID, Name: "Pending mug", Model: "PENDING-MUG", Quantity: 1, Price: 10}}})
	}
	push := func() activities.StockPushResult {
		t.Helper()
		env := (&testsuite.WorkflowTestSuite{}).NewTestActivityEnvironment()
		env.RegisterActivity(acts)
		val, err := env.ExecuteActivity(acts.PushStock, activities.StockRequest{Templates: tmpl})
		if err != nil {
			t.Fatal(err)
		}
		var res activities.StockPushResult
		if err := val.Get(&res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	shopStock := func() int {
		t.Helper()
		var q int
		if err := db.QueryRow("SELECT quantity FROM oc_product WHERE product_id = ?", shopID).Scan(&q); err != nil {
			t.Fatal(err)
		}
		return q
	}
	watermark := func() string {
		v, err := bed.Store.Cursor(ctx, "stock/opencart-order-history")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	lastHistory := func() string {
		var id int
		if err := db.QueryRow("SELECT MAX(order_history_id) FROM oc_order_history").Scan(&id); err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(id)
	}
	ageHistory := func() { // older than the minute a late commit may take
		if _, err := db.Exec("UPDATE oc_order_history SET date_added = date_added - INTERVAL 2 MINUTE"); err != nil {
			t.Fatal(err)
		}
	}

	// An order from before the bridge ran is neither imported (ORDER_POLL_START=latest) nor held back.
	place()
	if r := push(); r.PendingOrders != 0 || shopStock() != 5 || watermark() != lastHistory() {
		t.Fatalf("first push: %+v, shop %d, watermark %s (last history row %s); want nothing held, the watermark at the end",
			r, shopStock(), watermark(), lastHistory())
	}
	start := watermark()

	// A new order is held back; one cancelled since (OpenCart gave its stock back) is not.
	held := place()
	cancelled := place()
	octest.AddHistory(t, db, version, cancelled, 7, "changed their mind")
	ageHistory()
	if r := push(); r.PendingOrders != 1 || shopStock() != 4 || watermark() != start {
		t.Fatalf("pending order: %+v, shop %d, watermark %s; want 1 order held (shop 4), the watermark kept at %s", r, shopStock(), watermark(), start)
	}

	// Imported and confirmed in Odoo: released, and the watermark passes every settled row.
	partner, err := bed.ERP.Create(ctx, "res.partner", []odoo.Values{{"name": "Ada"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	so, err := bed.ERP.Create(ctx, "sale.order", []odoo.Values{{"partner_id": partner[0], "order_line": []any{
		odoo.CmdCreate(odoo.Values{"product_id": variants[0], "product_uom_qty": 1.0, "name": "Pending mug", "price_unit": 10.0})}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bed.ERP.Button(ctx, "sale.order", "action_confirm", so, nil); err != nil {
		t.Fatal(err)
	}
	if err := bed.Store.Put(ctx, mapping.Mapping{Kind: mapping.KindOrder, OdooID: so[0], OpenCartID: strconv.Itoa(held)}); err != nil {
		t.Fatal(err)
	}
	if r := push(); r.PendingOrders != 0 || shopStock() != 4 || watermark() != lastHistory() {
		t.Fatalf("imported order: %+v, shop %d, watermark %s; want none held, Odoo's free 4, the watermark at %s", r, shopStock(), watermark(), lastHistory())
	}

	// An order that never reached Odoo stops holding stock after STOCK_PENDING_ORDER_MAX_AGE (7 days).
	stale := place()
	if _, err := db.Exec("UPDATE oc_order SET date_added = NOW() - INTERVAL 8 DAY WHERE order_id = ?", stale); err != nil {
		t.Fatal(err)
	}
	ageHistory()
	if r := push(); r.PendingOrders != 0 || shopStock() != 4 || watermark() != lastHistory() {
		t.Fatalf("stale order: %+v, shop %d, watermark %s; want it not held and passed", r, shopStock(), watermark())
	}
}
