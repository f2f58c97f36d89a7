package opencart

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

const (
	countryUK   = 222
	zoneLancs   = 3563
	countryUS   = 223
	statusPend  = 1
	statusProc  = 2
	statusDone  = 5
	productCam  = 30 // Canon EOS 5D: select option 226, value 15 = Red
	productFone = 40 // iPhone
)

// awkward is text that breaks naive SQL or HTML handling; emoji only where
// the tables can hold them (3.0 is utf8mb3, and OpenCart 3.0 writes raw).
func awkward(version string) string {
	return awkwardName(version) + ` "Sons" <b>Ltd</b>`
}

// awkwardName is awkward text short enough for varchar(32) name columns
// once stored escaped.
func awkwardName(version string) string {
	if version == "3.0.4.1" {
		return `D'Arcy & <Jo>`
	}
	return `D'Arcy & <Jo> 😀`
}

func ukAddress(name string) octest.Address {
	return octest.Address{FirstName: name, LastName: "Smith", Company: "ACME", Address1: "1 High St", Address2: "Flat 2",
		City: "Preston", Postcode: "PR1 1AA", CountryID: countryUK, ZoneID: zoneLancs}
}

// demoOrder is a confirmed guest order of two lines, one with an option,
// priced the way the demo's tax rules price them for a UK address.
func demoOrder(version string) octest.Order {
	return octest.Order{
		FirstName: awkwardName(version), LastName: "Smith", Email: "bob@example.com", Telephone: "+44 1772 000000",
		Payment: ukAddress("Bob"), Shipping: ukAddress("Alice"),
		PaymentMethod:  octest.Method{Name: "Cash On Delivery", Code: "cod.cod"},
		ShippingMethod: octest.Method{Name: "Flat Shipping Rate", Code: "flat.flat"},
		Comment:        awkward(version),
		CurrencyCode:   "EUR", CurrencyValue: 0.7846,
		Lines: []octest.Line{
			{ProductID: productCam, Name: "Canon EOS 5D", Model: "Product 3", Quantity: 2, Price: 100, Tax: 22, Reward: 0,
				Options: []octest.LineOption{{ProductOptionID: 226, ProductOptionValueID: 15, Name: "Select", Value: "Red", Type: "select"}}},
			{ProductID: productFone, Name: "iPhone", Model: "product 11", Quantity: 1, Price: 101, Tax: 22.2},
		},
		Totals: []octest.Total{
			{Code: "sub_total", Title: "Sub-Total", Value: 301, SortOrder: 1},
			{Code: "shipping", Title: "Flat Shipping Rate", Value: 5, SortOrder: 3},
			{Code: "tax", Title: "Eco Tax (-2.00)", Value: 8, SortOrder: 5},
			{Code: "tax", Title: "VAT (20%)", Value: 61.2, SortOrder: 5},
			{Code: "total", Title: "Total", Value: 375.2, SortOrder: 9},
		},
		Status: statusPend,
	}
}

func testOrderRead(t *testing.T, db *DB, version string) {
	ctx := context.Background()
	id := octest.PlaceOrder(t, db.conn, version, demoOrder(version))
	octest.AddHistory(t, db.conn, version, id, statusProc, "Packed & <sent>")

	o, err := db.Order(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != id || o.CustomerID != 0 || o.FirstName != awkwardName(version) || o.Comment != awkward(version) || o.Email != "bob@example.com" {
		t.Errorf("order header = id %d customer %d name %q comment %q email %q", o.ID, o.CustomerID, o.FirstName, o.Comment, o.Email)
	}
	if o.StatusID != statusProc || o.StatusName != "Processing" || o.CurrencyCode != "EUR" || o.CurrencyValue != 0.7846 || o.Total != 375.2 {
		t.Errorf("order = status %d %q currency %s × %v total %v; want 2 Processing, EUR × 0.7846, 375.2",
			o.StatusID, o.StatusName, o.CurrencyCode, o.CurrencyValue, o.Total)
	}
	wantPayment := "cod.cod"
	if version == "3.0.4.1" {
		wantPayment = "cod"
	}
	if o.Payment != (Method{Name: "Cash On Delivery", Code: wantPayment}) || o.Shipping != (Method{Name: "Flat Shipping Rate", Code: "flat.flat"}) {
		t.Errorf("methods = %+v / %+v", o.Payment, o.Shipping)
	}
	if o.Payment.Extension() != "cod" || o.Shipping.Extension() != "flat" {
		t.Errorf("method extensions = %q, %q; want cod, flat", o.Payment.Extension(), o.Shipping.Extension())
	}
	wantAddr := PostalAddress{FirstName: "Alice", LastName: "Smith", Company: "ACME", Address1: "1 High St", Address2: "Flat 2",
		City: "Preston", Postcode: "PR1 1AA", CountryID: countryUK, Country: "United Kingdom", CountryISO2: "GB", CountryISO3: "GBR",
		ZoneID: zoneLancs, Zone: "Lancashire", ZoneCode: "LANCS"}
	if o.ShippingAddress.PostalAddress != wantAddr {
		t.Errorf("shipping address = %+v\nwant %+v", o.ShippingAddress.PostalAddress, wantAddr)
	}
	if o.PaymentAddress.FirstName != "Bob" || o.PaymentAddress.CountryISO3 != "GBR" {
		t.Errorf("payment address = %+v", o.PaymentAddress)
	}

	if len(o.Lines) != 2 {
		t.Fatalf("%d lines, want 2", len(o.Lines))
	}
	cam := o.Lines[0]
	if cam.ProductID != productCam || cam.Quantity != 2 || cam.Price != 100 || cam.Tax != 22 || cam.Total != 200 || cam.PriceInclTax() != 122 {
		t.Errorf("line 1 = %+v", cam)
	}
	wantOpt := []OrderOption{{ID: cam.Options[0].ID, ProductOptionID: 226, ProductOptionValueID: 15, Name: "Select", Value: "Red", Type: "select"}}
	if !reflect.DeepEqual(cam.Options, wantOpt) {
		t.Errorf("line 1 options = %+v, want %+v", cam.Options, wantOpt)
	}
	if len(o.Lines[1].Options) != 0 || o.Lines[1].Tax != 22.2 {
		t.Errorf("line 2 = %+v", o.Lines[1])
	}

	var codes []string
	sum := 0.0
	for _, tot := range o.Totals {
		codes = append(codes, tot.Code)
		if tot.Code != "total" {
			sum += tot.Value
		}
	}
	if !reflect.DeepEqual(codes, []string{"sub_total", "shipping", "tax", "tax", "total"}) || math.Abs(sum-o.Total) > 1e-9 {
		t.Errorf("totals %v add up to %v, want sub_total…total adding up to %v", codes, sum, o.Total)
	}
	if len(o.Taxes) != 2 || o.Taxes[1].Title != "VAT (20%)" || o.Taxes[1].Amount != 61.2 ||
		len(o.Taxes[1].Rates) != 1 || o.Taxes[1].Rates[0].ID != 86 || o.Taxes[1].Rates[0].Rate != 20 || o.Taxes[1].Rates[0].Type != "P" {
		t.Errorf("taxes = %+v, want Eco Tax and VAT (20%%) → rate 86, 20 P", o.Taxes)
	}
	if o.Taxes[0].Rates[0].ID != 87 || o.Taxes[0].Rates[0].Type != "F" {
		t.Errorf("eco tax rates = %+v, want rate 87 (fixed)", o.Taxes[0].Rates)
	}

	if len(o.History) != 2 || o.History[0].StatusName != "Pending" || o.History[1].StatusID != statusProc ||
		o.History[1].Comment != "Packed & <sent>" || o.History[0].ID >= o.History[1].ID {
		t.Errorf("history = %+v, want Pending then Processing (\"Packed & <sent>\")", o.History)
	}
	if o.DateAdded.IsZero() || o.DateModified.Before(o.DateAdded) {
		t.Errorf("dates added %v modified %v", o.DateAdded, o.DateModified)
	}

	if _, err := db.Order(ctx, id+1000); !errors.Is(err, ErrNotFound) {
		t.Errorf("Order(missing) error = %v, want ErrNotFound", err)
	}
}

func testCustomerReads(t *testing.T, db *DB, version string) {
	ctx := context.Background()
	home := ukAddress("Ann")
	work := octest.Address{FirstName: "Ann", LastName: "Lee", Address1: "5th Ave", City: "New York", Postcode: "10001", CountryID: countryUS}
	annID, addrIDs := octest.AddCustomer(t, db.conn, version, octest.Customer{FirstName: awkwardName(version), LastName: "Lee",
		Email: "ann@example.com", Telephone: "123", Newsletter: true, Addresses: []octest.Address{home, work}, DefaultAddress: 1})
	bobID, _ := octest.AddCustomer(t, db.conn, version, octest.Customer{FirstName: "Bob", Email: "bob@example.com"})
	carlID, _ := octest.AddCustomer(t, db.conn, version, octest.Customer{FirstName: "Carl", Email: "carl@example.com",
		Addresses: []octest.Address{home}})

	ann, err := db.Customer(ctx, annID)
	if err != nil {
		t.Fatal(err)
	}
	if ann.FirstName != awkwardName(version) || ann.Email != "ann@example.com" || !ann.Newsletter || !ann.Enabled || ann.CustomerGroupID != 1 {
		t.Errorf("customer = %+v", ann)
	}
	if len(ann.Addresses) != 2 || ann.DefaultAddressID != addrIDs[1] {
		t.Fatalf("addresses %+v default %d, want 2 with default %d", ann.Addresses, ann.DefaultAddressID, addrIDs[1])
	}
	def := ann.DefaultAddress()
	if def == nil || def.City != "New York" || def.CountryISO2 != "US" || def.Country != "United States" || def.ZoneID != 0 || def.ZoneCode != "" {
		t.Errorf("default address = %+v, want the New York one (US, no zone)", def)
	}
	if a := ann.Addresses[0]; a.Zone != "Lancashire" || a.ZoneCode != "LANCS" || a.CountryISO3 != "GBR" || a.Postcode != "PR1 1AA" {
		t.Errorf("first address = %+v", a)
	}

	var ids []int
	for _, c := range allPages(t, 0, 2, func(after, limit int) ([]Customer, error) { return db.Customers(ctx, after, limit) },
		func(c Customer) int { return c.ID }) {
		ids = append(ids, c.ID)
	}
	if !reflect.DeepEqual(ids, []int{annID, bobID, carlID}) {
		t.Errorf("paged customers = %v, want %v", ids, []int{annID, bobID, carlID})
	}
	carl, err := db.Customer(ctx, carlID)
	if err != nil {
		t.Fatal(err)
	}
	if carl.DefaultAddressID == 0 || carl.DefaultAddress() == nil {
		t.Errorf("Carl's only address is his default; got DefaultAddressID %d", carl.DefaultAddressID)
	}
	if _, err := db.Customer(ctx, carlID+100); !errors.Is(err, ErrNotFound) {
		t.Errorf("Customer(missing) error = %v, want ErrNotFound", err)
	}
	if _, err := db.Customers(ctx, 0, 0); err == nil {
		t.Errorf("Customers with limit 0 succeeded; want an error")
	}
}

func testVariantProductRead(t *testing.T, db *DB, version string) {
	if !db.Flavour().HasVariants() {
		t.Skip("variant products are OpenCart 4.x only")
	}
	ctx := context.Background()
	// A variant of the Canon (master 30) for option 226 = value 15 (Red),
	// as OpenCart's admin addVariant leaves it: own row, no options.
	res, err := db.conn.ExecContext(ctx, `INSERT INTO oc_product (master_id, model, variant, override, quantity, stock_status_id,
		image, manufacturer_id, shipping, price, points, tax_class_id, date_available, weight, weight_class_id, length, width, height,
		length_class_id, subtract, minimum, status, date_added, date_modified)
		SELECT 30, 'Product 3 Red', '{"226":"15"}', '{"model":"1","price":"1"}', 4, stock_status_id, image, manufacturer_id,
		shipping, 120, points, tax_class_id, date_available, weight, weight_class_id, length, width, height, length_class_id,
		subtract, minimum, 1, NOW(), NOW() FROM oc_product WHERE product_id = 30`)
	if err != nil {
		t.Fatal(err)
	}
	variantID, _ := res.LastInsertId()
	got, err := db.ProductsByID(ctx, []int{int(variantID)})
	if err != nil || len(got) != 1 {
		t.Fatalf("ProductsByID(variant) = %d products, %v", len(got), err)
	}
	v := got[0]
	if v.MasterID != 30 || v.Model != "Product 3 Red" || v.Price != 120 || len(v.Options) != 0 ||
		!reflect.DeepEqual(v.Variant, []VariantChoice{{ProductOptionID: 226, Values: []string{"15"}}}) ||
		string(v.Override) != `{"model":"1","price":"1"}` {
		t.Errorf("variant = master %d model %q price %v options %d variant %+v override %s",
			v.MasterID, v.Model, v.Price, len(v.Options), v.Variant, v.Override)
	}

	order := demoOrder(version)
	order.Lines = order.Lines[:1]
	order.Lines[0].ProductID, order.Lines[0].MasterID = int(variantID), 30
	id := octest.PlaceOrder(t, db.conn, version, order)
	o, err := db.Order(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if o.Lines[0].ProductID != int(variantID) || o.Lines[0].MasterID != 30 {
		t.Errorf("variant order line = product %d master %d, want %d and 30", o.Lines[0].ProductID, o.Lines[0].MasterID, variantID)
	}
}
