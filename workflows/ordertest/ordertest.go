// Package ordertest builds end-to-end fixtures for order sync tests: a test bed (Temporal dev server,
// PostgreSQL, MariaDB with a real OpenCart install, the Odoo simulator over HTTP), an in-process worker
// with chosen order settings, products and taxes mapped the way the catalog sync maps them, and orders
// written into the shop the way OpenCart's checkout writes them.
package ordertest

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart/octest"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// Demo data of every OpenCart dump: the products, options, tax rates and places the demo order uses.
const (
	CameraProduct = 30  // Canon EOS 5D, price 100, tax class 9, a select option "Select"
	CameraOption  = 226 // its product_option_id
	CameraRed     = 15  // product_option_value_id of "Red"
	CameraBlue    = 16  // product_option_value_id of "Blue"
	PhoneProduct  = 40  // iPhone, price 101, tax class 9
	VATRate       = 86  // VAT (20%), percent
	EcoTaxRate    = 87  // Eco Tax (-2.00), fixed 2.00 per unit
	UK            = 222 // country with both rates (geo zone 3) for zone Lancashire
	Lancashire    = 3563
)

// Fixture is one assembled environment for order tests.
type Fixture struct {
	*testbed.Bed
	Version string
	ShopSQL *sql.DB // the shop database, for octest
	// Variants are the Odoo variants mapped by SeedCatalog, by variant mapping key ("30:15", "40").
	Variants map[string]int64
	// Taxes are the Odoo taxes mapped by MapTaxes, by OpenCart rate id.
	Taxes map[int]int64
}

// New assembles a fixture for an OpenCart version of octest.Versions and a simulated Odoo.
func New(t testing.TB, version string, odooCfg odoosim.Config) *Fixture {
	t.Helper()
	bed := testbed.New(t, testbed.Options{OpenCart: version, Odoo: odooCfg})
	dsn, err := mysql.ParseDSN(bed.Config.OpenCart.DSN.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	connector, err := mysql.NewConnector(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { db.Close() })
	return &Fixture{Bed: bed, Version: version, ShopSQL: db, Variants: map[string]int64{}, Taxes: map[int]int64{}}
}

// Settings are the order settings the fixture's workers use unless a test changes them: every reference
// kind created on demand, the defaults otherwise.
func Settings() activities.OrderSettings {
	s := activities.DefaultOrderSettings()
	for _, k := range []mapping.Kind{mapping.KindTax, mapping.KindCarrier, mapping.KindPaymentMethod, mapping.KindCurrency} {
		s.Policies[k] = activities.PolicyCreate
	}
	return s
}

// StartWorker runs an in-process worker on the bed's task queue with the given settings, registered like
// the worker binary, until the test ends (or Stop).
func (f *Fixture) StartWorker(t testing.TB, s activities.OrderSettings) worker.Worker {
	t.Helper()
	acts := f.Activities()
	acts.Orders = s
	return f.RunWorker(t, acts, worker.Options{})
}

// RunWorker runs an in-process worker with the given activities and options.
func (f *Fixture) RunWorker(t testing.TB, acts *activities.Activities, opts worker.Options) worker.Worker {
	t.Helper()
	w := worker.New(f.Temporal, f.Config.TaskQueue, opts)
	workflows.Register(w)
	w.RegisterActivity(acts)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(w.Stop)
	return w
}

// SeedCatalog creates the demo order's products in Odoo as consumables and maps them as the catalog sync
// would: the camera as a template whose two variants stand for its Red and Blue values, the phone as a
// template with its only variant.
func (f *Fixture) SeedCatalog(t testing.TB) {
	t.Helper()
	red := f.product(t, "Canon EOS 5D (Red)", 100)
	blue := f.product(t, "Canon EOS 5D (Blue)", 100)
	phone := f.product(t, "iPhone", 101)
	tmpl := f.read(t, "product.product", red, "product_tmpl_id").Int("product_tmpl_id")
	phoneTmpl := f.read(t, "product.product", phone, "product_tmpl_id").Int("product_tmpl_id")
	f.put(t, mapping.KindProduct, tmpl, strconv.Itoa(CameraProduct))
	f.put(t, mapping.KindProduct, phoneTmpl, strconv.Itoa(PhoneProduct))
	f.Variants[fmt.Sprintf("%d:%d", CameraProduct, CameraRed)] = red
	f.Variants[fmt.Sprintf("%d:%d", CameraProduct, CameraBlue)] = blue
	f.Variants[strconv.Itoa(PhoneProduct)] = phone
	for key, id := range f.Variants {
		if key != strconv.Itoa(PhoneProduct) {
			f.put(t, mapping.KindVariant, id, key)
		}
	}
}

// MapTaxes creates Odoo sale taxes equal to the demo rates and maps them.
func (f *Fixture) MapTaxes(t testing.TB) {
	t.Helper()
	f.MapTax(t, VATRate)
	f.MapTax(t, EcoTaxRate)
}

// demoTaxes are Odoo taxes equal to the demo rates.
var demoTaxes = map[int]odoo.Values{
	VATRate:    {"name": "VAT 20%", "amount": 20.0, "amount_type": "percent", "type_tax_use": "sale"},
	EcoTaxRate: {"name": "Eco tax", "amount": 2.0, "amount_type": "fixed", "type_tax_use": "sale"},
}

// MapTax creates the Odoo sale tax of a demo rate and maps it, as an operator would.
func (f *Fixture) MapTax(t testing.TB, rate int) {
	t.Helper()
	f.Taxes[rate] = f.create(t, "account.tax", demoTaxes[rate])
	f.put(t, mapping.KindTax, f.Taxes[rate], strconv.Itoa(rate))
}

func (f *Fixture) product(t testing.TB, name string, price float64) int64 {
	v := odoo.Values{"name": name, "list_price": price}
	for k, x := range f.ERP.Schema().ProductTypeValues(odoo.ProductConsumable) {
		v[k] = x
	}
	return f.create(t, "product.product", v)
}

func (f *Fixture) create(t testing.TB, model string, v odoo.Values) int64 {
	t.Helper()
	ids, err := f.ERP.Create(context.Background(), model, []odoo.Values{v}, nil)
	if err != nil {
		t.Fatalf("create %s: %v", model, err)
	}
	return ids[0]
}

func (f *Fixture) read(t testing.TB, model string, id int64, fields ...string) odoo.Record {
	t.Helper()
	rows, err := f.ERP.Read(context.Background(), model, []int64{id}, fields, nil)
	if err != nil || len(rows) != 1 {
		t.Fatalf("read %s %d: %v %v", model, id, rows, err)
	}
	return rows[0]
}

func (f *Fixture) put(t testing.TB, kind mapping.Kind, odooID int64, openCartID string) {
	t.Helper()
	if err := f.Store.Put(context.Background(), mapping.Mapping{Kind: kind, OdooID: odooID, OpenCartID: openCartID}); err != nil {
		t.Fatalf("map %s %s: %v", kind, openCartID, err)
	}
}

// UKAddress is an address in the demo shop's own country and zone, where both demo rates apply.
func UKAddress(first, last, street string) octest.Address {
	return octest.Address{FirstName: first, LastName: last, Address1: street, City: "Preston", Postcode: "PR1 2HE",
		CountryID: UK, ZoneID: Lancashire}
}

// DemoOrder is a guest order of two red cameras (a configurable product), one phone, flat-rate shipping
// and a 10.00 coupon, with OpenCart's own totals: sub-total 301, shipping 5, coupon -10, VAT 59.20
// (20% of 296), eco tax 8.00 (2.00 per unit of the products and the shipping), total 363.20.
func DemoOrder(email string, status int) octest.Order {
	addr := UKAddress("Ada", "Lovelace", "1 Fishergate")
	return octest.Order{
		FirstName: "Ada", LastName: "Lovelace", Email: email, Telephone: "+44 1772 000000",
		Payment: addr, Shipping: addr,
		PaymentMethod:  octest.Method{Name: "Cash On Delivery", Code: "cod.cod"},
		ShippingMethod: octest.Method{Name: "Flat Shipping Rate", Code: "flat.flat"},
		Lines: []octest.Line{
			{ProductID: CameraProduct, Name: "Canon EOS 5D", Model: "Product 3", Quantity: 2, Price: 100, Tax: 22,
				Options: []octest.LineOption{{ProductOptionID: CameraOption, ProductOptionValueID: CameraRed, Name: "Select", Value: "Red", Type: "select"}}},
			{ProductID: PhoneProduct, Name: "iPhone", Model: "product 11", Quantity: 1, Price: 101, Tax: 22.2},
		},
		Totals: []octest.Total{
			{Code: "sub_total", Title: "Sub-Total", Value: 301, SortOrder: 1},
			{Code: "shipping", Title: "Flat Shipping Rate", Value: 5, SortOrder: 3},
			{Code: "coupon", Title: "Coupon (2222)", Value: -10, SortOrder: 4},
			{Code: "tax", Title: "Eco Tax (-2.00)", Value: 8, SortOrder: 5},
			{Code: "tax", Title: "VAT (20%)", Value: 59.2, SortOrder: 5},
			{Code: "total", Title: "Total", Value: 363.2, SortOrder: 9},
		},
		Status: status,
	}
}

// PlaceOrder writes an order into the shop as checkout does and returns its id.
func (f *Fixture) PlaceOrder(t testing.TB, o octest.Order) int64 {
	t.Helper()
	return int64(octest.PlaceOrder(t, f.ShopSQL, f.Version, o))
}

// SetStatus changes an order's status as OpenCart's order history does.
func (f *Fixture) SetStatus(t testing.TB, orderID int64, status int) {
	t.Helper()
	octest.AddHistory(t, f.ShopSQL, f.Version, int(orderID), status, "")
}

// SaleOrders reads the sale orders carrying an order's reference.
func (f *Fixture) SaleOrders(t testing.TB, orderID int64, fields ...string) []odoo.Record {
	t.Helper()
	rows, err := f.ERP.SearchRead(context.Background(), "sale.order", odoo.Query{
		Domain: odoo.Domain{odoo.Leaf("client_order_ref", "=", f.Ref(orderID))},
		Fields: append([]string{"name", "state"}, fields...), Order: "id",
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Ref is an order's client_order_ref.
func (f *Fixture) Ref(orderID int64) string {
	return fmt.Sprintf("OC-%s-%d", f.Config.Connection, orderID)
}

// Signal hands an order event to the order's workflow, as every entry point does.
func (f *Fixture) Signal(t testing.TB, orderID int64, source string) client.WorkflowRun {
	t.Helper()
	run, err := workflows.SignalOrderSync(context.Background(), f.Temporal, f.Config.TaskQueue, f.Config.Connection, orderID,
		activities.ChangeEvent{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// Wait waits for the order's current workflow run to end and returns its progress.
func (f *Fixture) Wait(t testing.TB, orderID int64) (workflows.OrderProgress, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var p workflows.OrderProgress
	err := f.Temporal.GetWorkflow(ctx, workflows.OrderSyncID(f.Config.Connection, orderID), "").Get(ctx, &p)
	return p, err
}

// CheckDemoSaleOrder checks that the demo order has exactly one sale order, confirmed, with the right
// customer, addresses, lines, taxes and totals.
func (f *Fixture) CheckDemoSaleOrder(t testing.TB, orderID int64, email string) {
	t.Helper()
	ctx := context.Background()
	sos := f.SaleOrders(t, orderID, "partner_id", "partner_invoice_id", "partner_shipping_id", "amount_total", "amount_tax", "order_line", "carrier_id", "currency_id")
	if len(sos) != 1 {
		t.Fatalf("%d sale orders for order %d, want exactly 1: %v", len(sos), orderID, sos)
	}
	so := sos[0]
	if so.String("state") != "sale" {
		t.Errorf("state %q, want sale (confirmed)", so.String("state"))
	}
	if math.Abs(so.Float("amount_total")-363.2) > 0.005 || math.Abs(so.Float("amount_tax")-67.2) > 0.005 {
		t.Errorf("amounts total %.2f tax %.2f, want 363.20 and 67.20", so.Float("amount_total"), so.Float("amount_tax"))
	}
	partners, err := f.ERP.Read(ctx, "res.partner", []int64{so.Int("partner_id"), so.Int("partner_invoice_id"), so.Int("partner_shipping_id")},
		[]string{"name", "email", "parent_id", "type", "street", "city", "zip", "country_id"}, nil)
	if err != nil || len(partners) != 3 {
		t.Fatalf("partners: %v %v", partners, err)
	}
	customer, invoice, delivery := partners[0], partners[1], partners[2]
	if customer.String("name") != "Ada Lovelace" || customer.String("email") != email || customer.Int("parent_id") != 0 {
		t.Errorf("customer %v", customer)
	}
	for _, c := range []struct {
		r    odoo.Record
		kind string
	}{{invoice, "invoice"}, {delivery, "delivery"}} {
		if c.r.Int("parent_id") != customer.ID() || c.r.String("type") != c.kind || c.r.String("street") != "1 Fishergate" ||
			c.r.String("zip") != "PR1 2HE" || c.r.Int("country_id") == 0 {
			t.Errorf("%s address %v", c.kind, c.r)
		}
	}
	if so.Int("carrier_id") == 0 {
		t.Error("no carrier")
	}
	schema := f.ERP.Schema()
	lines, err := f.ERP.Read(ctx, "sale.order.line", so.IDs("order_line"),
		[]string{"product_id", "name", "product_uom_qty", "price_unit", schema.OrderLineTaxField, "is_delivery", "price_subtotal", "price_tax"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 {
		t.Fatalf("%d lines, want camera, phone, shipping, coupon: %v", len(lines), lines)
	}
	camera, phone, shipping, coupon := lines[0], lines[1], lines[2], lines[3]
	red, err := f.Store.ByOpenCartID(ctx, mapping.KindVariant, fmt.Sprintf("%d:%d", CameraProduct, CameraRed))
	if err != nil {
		t.Fatalf("the red camera's variant is not mapped: %v", err)
	}
	if camera.Int("product_id") != red.OdooID || camera.Float("product_uom_qty") != 2 || camera.Float("price_unit") != 100 ||
		len(camera.IDs(schema.OrderLineTaxField)) != 2 || camera.String("name") != "Canon EOS 5D\nSelect: Red" {
		t.Errorf("camera line %v (want the red variant %d)", camera, red.OdooID)
	}
	if phone.Float("price_unit") != 101 || math.Abs(phone.Float("price_tax")-22.2) > 0.005 {
		t.Errorf("phone line %v", phone)
	}
	if !shipping.Bool("is_delivery") || shipping.Float("price_unit") != 5 || math.Abs(shipping.Float("price_tax")-3) > 0.005 {
		t.Errorf("shipping line %v", shipping)
	}
	if coupon.Float("price_unit") != -10 || math.Abs(coupon.Float("price_tax")+2) > 0.005 || len(coupon.IDs(schema.OrderLineTaxField)) != 1 {
		t.Errorf("coupon line %v (want -10 with VAT only)", coupon)
	}
}

// PhoneOrder is a guest order of one phone (a product without options), no shipping: sub-total 101,
// VAT 20.20, eco tax 2.00, total 123.20.
func PhoneOrder(email string) octest.Order {
	o := DemoOrder(email, 1)
	o.Lines = o.Lines[1:]
	o.ShippingMethod = octest.Method{}
	o.Totals = []octest.Total{
		{Code: "sub_total", Title: "Sub-Total", Value: 101, SortOrder: 1},
		{Code: "tax", Title: "Eco Tax (-2.00)", Value: 2, SortOrder: 5},
		{Code: "tax", Title: "VAT (20%)", Value: 20.2, SortOrder: 5},
		{Code: "total", Title: "Total", Value: 123.2, SortOrder: 9},
	}
	return o
}
