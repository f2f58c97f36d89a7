package workflows_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/opencart/octest"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// stockBed is a test bed running the stock sync as the worker binary does: a worker with the stock
// settings (its own Odoo client and shop connection, the latter through a statement counter) and,
// when started, the poll's Schedule.
type stockBed struct {
	*testbed.Bed
	t        testing.TB
	version  string  // OpenCart version
	db       *sql.DB // the shop, for checks and for what OpenCart itself does
	settings activities.StockSettings
	sql      *testbed.StatementCounter // statements the worker sent to the shop
	erp      *odoo.Client              // the worker's Odoo client (its requests are the sync's)
	shop     *opencart.DB              // the worker's shop connection
	acts     *activities.Activities
	lang     int
}

func newStockBed(t testing.TB, openCart string, odooVersion int, settings activities.StockSettings) *stockBed {
	t.Helper()
	bed := testbed.New(t, testbed.Options{OpenCart: openCart, Odoo: odoosim.Config{Version: odooVersion, Seed: 3}})
	b := &stockBed{Bed: bed, t: t, version: openCart, settings: settings, lang: bed.Shop.DefaultLanguageID()}
	dsn := bed.Config.OpenCart.DSN.Reveal()
	var err error
	if b.db, err = sql.Open("mysql", dsn); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.db.Close() })
	b.sql = testbed.CountStatements(t, dsn, true)
	ctx := context.Background()
	if b.shop, err = opencart.Open(ctx, opencart.Config{DSN: b.sql.DSN, TablePrefix: bed.Config.OpenCart.TablePrefix}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.shop.Close() })
	odooCfg := bed.Config.Odoo
	if b.erp, err = odoo.Dial(ctx, odoo.Config{URL: odooCfg.URL, DB: odooCfg.DB, Login: odooCfg.Username, Password: odooCfg.Password.Reveal()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.erp.Close)
	b.acts = &activities.Activities{Store: bed.Store, Shop: b.shop, ERP: b.erp, Stock: settings}
	return b
}

// startWorker runs the bridge's workflows and activities on the bed's task queue, with the worker limits
// of the settings, until the test ends (the stock push still running then is terminated).
func (b *stockBed) startWorker() {
	limits := b.settings.Worker
	w := worker.New(b.Temporal, b.Config.TaskQueue, worker.Options{
		TaskQueueActivitiesPerSecond: limits.ActivitiesPerSecond, MaxConcurrentActivityExecutionSize: limits.MaxConcurrentActivities,
	})
	workflows.Register(w)
	w.RegisterActivity(b.acts)
	if err := w.Start(); err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() {
		_ = b.Temporal.TerminateWorkflow(context.Background(), workflows.StockPushID(b.Config.Connection), "", "test over")
		w.Stop()
	})
}

// startSchedule creates the poll's Schedule as the worker binary does, deleted when the test ends.
func (b *stockBed) startSchedule() {
	ctx := context.Background()
	interval := b.settings.PollInterval
	if interval == 0 {
		interval = activities.DefaultStockPollInterval
	}
	if err := workflows.EnsureStockSchedule(ctx, b.Temporal, b.Config.Connection, b.Config.TaskQueue, interval); err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() {
		_ = b.Temporal.ScheduleClient().GetHandle(ctx, workflows.StockScheduleID(b.Config.Connection)).Delete(ctx)
	})
}

// level names one stock row of the shop: a product (value 0) or an option value of a product.
type level struct{ product, value int }

func (l level) String() string {
	if l.value == 0 {
		return fmt.Sprintf("product %d", l.product)
	}
	return fmt.Sprintf("product %d value %d", l.product, l.value)
}

// quantity reads a stock row.
func (b *stockBed) quantity(l level) (int, error) {
	var q int
	var err error
	if l.value == 0 {
		err = b.db.QueryRow("SELECT quantity FROM oc_product WHERE product_id = ?", l.product).Scan(&q)
	} else {
		err = b.db.QueryRow("SELECT quantity FROM oc_product_option_value WHERE product_id = ? AND option_value_id = ?", l.product, l.value).Scan(&q)
	}
	return q, err
}

// waitStock waits until every row has its quantity; why names the step in the failure.
func (b *stockBed) waitStock(why string, want map[level]int) {
	b.t.Helper()
	start := time.Now()
	defer func() { b.t.Logf("%s: %s", why, time.Since(start).Round(10*time.Millisecond)) }()
	testbed.Eventually(b.t, 30*time.Second, func() error {
		var wrong []string
		for l, q := range want {
			got, err := b.quantity(l)
			if err != nil {
				return err
			}
			if got != q {
				wrong = append(wrong, fmt.Sprintf("%s is %d, want %d", l, got, q))
			}
		}
		if len(wrong) > 0 {
			return fmt.Errorf("%s: %s", why, strings.Join(wrong, "; "))
		}
		return nil
	})
}

// setShopStock writes quantities the way someone editing the shop would (for tests that need the shop
// to differ from Odoo).
func (b *stockBed) setShopStock(l level, q int) {
	b.t.Helper()
	var err error
	if l.value == 0 {
		_, err = b.db.Exec("UPDATE oc_product SET quantity = ? WHERE product_id = ?", q, l.product)
	} else {
		_, err = b.db.Exec("UPDATE oc_product_option_value SET quantity = ? WHERE product_id = ? AND option_value_id = ?", q, l.product, l.value)
	}
	if err != nil {
		b.t.Fatal(err)
	}
}

// --- Odoo side ---

func (b *stockBed) create(model string, values odoo.Values) int64 {
	b.t.Helper()
	ids, err := b.ERP.Create(context.Background(), model, []odoo.Values{values}, nil)
	if err != nil {
		b.t.Fatalf("create %s %v: %v", model, values, err)
	}
	return ids[0]
}

// storable creates a storable template; with sizes it gets a Size attribute line and one variant per
// size. It returns the template and its variants by size ("" for a simple product).
func (b *stockBed) storable(name string, sizes ...string) (int64, map[string]int64) {
	b.t.Helper()
	ctx := context.Background()
	values := odoo.Values{"name": name, "list_price": 10.0}
	for k, v := range b.ERP.Schema().ProductTypeValues(odoo.ProductStorable) {
		values[k] = v
	}
	if len(sizes) > 0 {
		var cmds []any
		for _, s := range sizes {
			cmds = append(cmds, odoo.CmdCreate(odoo.Values{"name": s}))
		}
		attr := b.create("product.attribute", odoo.Values{"name": "Size of " + name, "create_variant": "always", "value_ids": cmds})
		valueIDs, err := b.ERP.Search(ctx, "product.attribute.value", odoo.Query{Domain: odoo.Domain{odoo.Leaf("attribute_id", "=", attr)}})
		if err != nil {
			b.t.Fatal(err)
		}
		values["attribute_line_ids"] = []any{odoo.CmdCreate(odoo.Values{"attribute_id": attr, "value_ids": []any{odoo.CmdSet(valueIDs...)}})}
	}
	tmpl := b.create("product.template", values)
	variants, err := b.ERP.SearchRead(ctx, "product.product", odoo.Query{
		Domain: odoo.Domain{odoo.Leaf("product_tmpl_id", "=", tmpl)}, Fields: []string{"product_template_attribute_value_ids"}})
	if err != nil {
		b.t.Fatal(err)
	}
	out := map[string]int64{}
	for _, v := range variants {
		size := ""
		if ptavs := v.IDs("product_template_attribute_value_ids"); len(ptavs) > 0 {
			recs, err := b.ERP.Read(ctx, "product.template.attribute.value", ptavs, []string{"name"}, nil)
			if err != nil {
				b.t.Fatal(err)
			}
			size = recs[0].String("name")
		}
		out[size] = v.ID()
	}
	if len(out) != max(len(sizes), 1) {
		b.t.Fatalf("template %s has variants %v, want one per size %v", name, out, sizes)
	}
	return tmpl, out
}

// adjust sets a variant's on-hand quantity by an inventory adjustment over XML-RPC (quant in
// inventory mode on 15+).
func (b *stockBed) adjust(variant int64, qty float64) {
	b.t.Helper()
	if err := b.ERP.SetStockQuantity(context.Background(), variant, 0, qty); err != nil {
		b.t.Fatalf("set stock of %d to %v: %v", variant, qty, err)
	}
}

// transfer creates, confirms and validates a transfer of the given type (an xml id such as
// stock.picking_type_in) moving qty of each product, over XML-RPC.
func (b *stockBed) transfer(pickingType string, qty map[int64]float64) {
	b.t.Helper()
	ctx := context.Background()
	typ := b.xmlid(pickingType)
	types, err := b.ERP.Read(ctx, "stock.picking.type", []int64{typ}, []string{"default_location_src_id", "default_location_dest_id"}, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	from, to := types[0].Int("default_location_src_id"), types[0].Int("default_location_dest_id")
	var moves []any
	for p, q := range qty {
		moves = append(moves, odoo.CmdCreate(odoo.Values{"name": "test move", "product_id": p, "product_uom_qty": q,
			"product_uom": b.xmlid("uom.product_uom_unit"), "location_id": from, "location_dest_id": to}))
	}
	picking := b.create("stock.picking", odoo.Values{"picking_type_id": typ, "location_id": from, "location_dest_id": to,
		b.ERP.Schema().PickingMovesField: moves})
	if _, err := b.ERP.Button(ctx, "stock.picking", "action_confirm", []int64{picking}, nil); err != nil {
		b.t.Fatal(err)
	}
	b.validate(picking)
}

func (b *stockBed) validate(picking int64) {
	b.t.Helper()
	ctx := context.Background()
	if b.ERP.Version().Major <= 14 {
		if _, err := b.ERP.Button(ctx, "stock.picking", "action_assign", []int64{picking}, nil); err != nil {
			b.t.Fatal(err)
		}
	}
	if err := b.ERP.ValidatePicking(ctx, picking, odoo.BackorderCancel); err != nil {
		b.t.Fatalf("validate picking %d: %v", picking, err)
	}
}

func (b *stockBed) xmlid(name string) int64 {
	b.t.Helper()
	module, local, _ := strings.Cut(name, ".")
	recs, err := b.ERP.SearchRead(context.Background(), "ir.model.data", odoo.Query{
		Domain: odoo.Domain{odoo.Leaf("module", "=", module), odoo.Leaf("name", "=", local)}, Fields: []string{"res_id"}})
	if err != nil || len(recs) != 1 {
		b.t.Fatalf("xml id %s: %v %v", name, recs, err)
	}
	return recs[0].Int("res_id")
}

// saleOrder creates a sale order over XML-RPC, as a salesperson does, confirms it and returns it with its
// delivery.
func (b *stockBed) saleOrder(ref string, qty map[int64]float64) (so, delivery int64) {
	b.t.Helper()
	so = b.draftOrder(ref, qty)
	b.confirm(so)
	return so, b.deliveryOf(so)
}

// draftOrder creates an unconfirmed sale order, as the order sync does before it confirms.
func (b *stockBed) draftOrder(ref string, qty map[int64]float64) int64 {
	b.t.Helper()
	partner := b.create("res.partner", odoo.Values{"name": "Customer " + ref})
	var lines []any
	for p, q := range qty {
		lines = append(lines, odoo.CmdCreate(odoo.Values{"product_id": p, "product_uom_qty": q, "name": "line", "price_unit": 10.0}))
	}
	return b.create("sale.order", odoo.Values{"partner_id": partner, "client_order_ref": ref, "order_line": lines})
}

func (b *stockBed) confirm(so int64) {
	b.t.Helper()
	if _, err := b.ERP.Button(context.Background(), "sale.order", "action_confirm", []int64{so}, nil); err != nil {
		b.t.Fatal(err)
	}
}

func (b *stockBed) deliveryOf(so int64) int64 {
	b.t.Helper()
	orders, err := b.ERP.Read(context.Background(), "sale.order", []int64{so}, []string{"picking_ids"}, nil)
	if err != nil || len(orders) != 1 || len(orders[0].IDs("picking_ids")) != 1 {
		b.t.Fatalf("sale order %d deliveries: %v %v", so, orders, err)
	}
	return orders[0].IDs("picking_ids")[0]
}

// --- shop side ---

// sizeOption creates a shop option with the sizes as values; it returns the value ids by size.
func (b *stockBed) sizeOption(name string, sizes ...string) (int, map[string]int) {
	b.t.Helper()
	o := opencart.Option{Type: "select", Names: map[int]string{b.lang: name}}
	for i, s := range sizes {
		o.Values = append(o.Values, opencart.OptionValue{Names: map[int]string{b.lang: s}, SortOrder: i})
	}
	o, err := b.Shop.UpsertOption(context.Background(), o)
	if err != nil {
		b.t.Fatal(err)
	}
	ids := map[string]int{}
	for i, s := range sizes {
		ids[s] = o.Values[i].ID
	}
	return o.ID, ids
}

// shopProduct writes a product offering the option's values (with stock per value), or with variant
// products for them (4.x), starting with the given stock everywhere.
func (b *stockBed) shopProduct(model string, stock int, optionID int, sizes []string, values map[string]int, variants bool) opencart.WrittenProduct {
	b.t.Helper()
	p := opencart.Product{Model: model, Quantity: stock, Subtract: true, Status: true, Shipping: true, Minimum: 1,
		Descriptions: map[int]opencart.ProductDescription{b.lang: {Name: model}}}
	if optionID != 0 {
		option := opencart.ProductOption{OptionID: optionID, Required: true}
		for _, size := range sizes {
			v := values[size]
			option.Values = append(option.Values, opencart.ProductOptionValue{OptionValueID: v, Quantity: stock, Subtract: !variants})
			if variants {
				p.Variants = append(p.Variants, opencart.Variant{Model: model + "-" + size, Quantity: stock, Status: true, Selection: map[int]int{optionID: v}})
			}
		}
		p.Options = []opencart.ProductOption{option}
	}
	written, err := b.Shop.UpsertProducts(context.Background(), []opencart.Product{p})
	if err != nil {
		b.t.Fatal(err)
	}
	return written[0]
}

// optionValueRows reads the product_option_value id of every option value a product offers, by
// (product_id, option_value_id).
func (b *stockBed) optionValueRows() map[[2]int]int {
	b.t.Helper()
	rows, err := b.db.Query("SELECT product_id, option_value_id, product_option_value_id FROM oc_product_option_value")
	if err != nil {
		b.t.Fatal(err)
	}
	defer rows.Close()
	out := map[[2]int]int{}
	for rows.Next() {
		var k [2]int
		var pov int
		if err := rows.Scan(&k[0], &k[1], &pov); err != nil {
			b.t.Fatal(err)
		}
		out[k] = pov
	}
	return out
}

func (b *stockBed) pair(kind mapping.Kind, odooID int64, openCartID string) {
	b.t.Helper()
	if err := b.Store.Put(context.Background(), mapping.Mapping{Kind: kind, OdooID: odooID, OpenCartID: openCartID}); err != nil {
		b.t.Fatal(err)
	}
}

// pairedSimple is a simple product in Odoo and the shop, paired as the catalog sync pairs it.
type pairedSimple struct {
	template, variant int64
	shop              int
}

func (b *stockBed) simpleProduct(name string, shopStock int) pairedSimple {
	b.t.Helper()
	tmpl, variants := b.storable(name)
	p := pairedSimple{template: tmpl, variant: variants[""], shop: b.shopProduct(name, shopStock, 0, nil, nil, false).ProductID}
	b.pair(mapping.KindProduct, tmpl, strconv.Itoa(p.shop))
	return p
}

func (p pairedSimple) level() level { return level{product: p.shop} }

// pairedSizes is a product with sizes: Odoo variants, and in the shop either option values with stock
// (variants false; pairs "<product>:<product_option_value_id>") or 4.x variant products (pairs
// "<variant product>").
type pairedSizes struct {
	template int64
	variants map[string]int64 // Odoo variant by size
	shop     int              // the shop product (master)
	values   map[string]int   // shop option_value_id by size
	products map[string]int   // 4.x variant products by size
}

func (b *stockBed) sizedProduct(name string, shopStock int, variantProducts bool, sizes ...string) pairedSizes {
	b.t.Helper()
	tmpl, variants := b.storable(name, sizes...)
	optionID, values := b.sizeOption("Size "+name, sizes...)
	written := b.shopProduct(name, shopStock, optionID, sizes, values, variantProducts)
	p := pairedSizes{template: tmpl, variants: variants, shop: written.ProductID, values: values, products: map[string]int{}}
	b.pair(mapping.KindProduct, tmpl, strconv.Itoa(p.shop))
	povs := b.optionValueRows()
	for i, size := range sizes {
		key := fmt.Sprintf("%d:%d", p.shop, povs[[2]int{p.shop, values[size]}])
		if variantProducts {
			p.products[size] = written.VariantIDs[i]
			key = strconv.Itoa(written.VariantIDs[i])
		}
		b.pair(mapping.KindVariant, variants[size], key)
	}
	return p
}

// of is the stock row of a size: its option value, or its 4.x variant product.
func (p pairedSizes) of(size string) level {
	if id, ok := p.products[size]; ok {
		return level{product: id}
	}
	return level{product: p.shop, value: p.values[size]}
}

func (p pairedSizes) level() level { return level{product: p.shop} }

// shopOrder places a confirmed order in the shop and subtracts its stock the way OpenCart's
// addOrderHistory does when an order enters a processing status (product, 4.x master, option values,
// each where subtract = 1). Lines are {product, quantity, option_value_id or 0}.
func (b *stockBed) shopOrder(lines ...[3]int) int {
	b.t.Helper()
	o := octest.Order{FirstName: "Ada", LastName: "Shopper", Email: "ada@example.com", Telephone: "1",
		PaymentMethod: octest.Method{Name: "Cash On Delivery", Code: "cod.cod"}, Status: 1}
	type subtraction struct{ product, master, pov, qty int }
	var subs []subtraction
	for _, l := range lines {
		line := octest.Line{ProductID: l[0], Name: "item", Model: "item", Quantity: l[1], Price: 10}
		s := subtraction{product: l[0], qty: l[1]}
		if b.Shop.Flavour().HasVariants() {
			if err := b.db.QueryRow("SELECT master_id FROM oc_product WHERE product_id = ?", l[0]).Scan(&s.master); err != nil {
				b.t.Fatal(err)
			}
			line.MasterID = s.master
		}
		if l[2] != 0 {
			var po int
			if err := b.db.QueryRow("SELECT product_option_id, product_option_value_id FROM oc_product_option_value WHERE product_id = ? AND option_value_id = ?",
				l[0], l[2]).Scan(&po, &s.pov); err != nil {
				b.t.Fatal(err)
			}
			line.Options = []octest.LineOption{{ProductOptionID: po, ProductOptionValueID: s.pov, Name: "Size", Value: "x", Type: "select"}}
		}
		o.Lines = append(o.Lines, line)
		subs = append(subs, s)
	}
	id := octest.PlaceOrder(b.t, b.db, b.version, o)
	for _, s := range subs {
		for _, p := range []int{s.product, s.master} {
			if _, err := b.db.Exec("UPDATE oc_product SET quantity = quantity - ? WHERE product_id = ? AND subtract = 1", s.qty, p); err != nil {
				b.t.Fatal(err)
			}
		}
		if _, err := b.db.Exec("UPDATE oc_product_option_value SET quantity = quantity - ? WHERE product_option_value_id = ? AND subtract = 1", s.qty, s.pov); err != nil {
			b.t.Fatal(err)
		}
	}
	return id
}

// stockWrites are the statements among qs that set product or option value quantities.
func stockWrites(qs []string) []string {
	var out []string
	for _, q := range qs {
		if strings.HasPrefix(q, "UPDATE") && strings.Contains(q, "SET quantity") {
			out = append(out, q)
		}
	}
	return out
}
