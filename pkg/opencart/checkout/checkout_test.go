package checkout_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/opencart/checkout"
	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

// Ids from the clean-install dumps (the same in every version).
const (
	countryUK     = 222
	zoneLancs     = 3563
	countryUS     = 223
	productCanon  = 30 // select option 226, value 15 = Red
	productIPhone = 40
	statusPending = 1
	statusProc    = 2
)

// shop is one fresh install: the bridge's reader, the raw pool the demo
// would write through, and the version string the writers take.
type shop struct {
	read    *opencart.DB
	raw     *sql.DB
	version string
}

// TestCheckout writes with this package into each real install and reads
// the result back with package opencart, the way the bridge sees it.
func TestCheckout(t *testing.T) {
	for _, release := range octest.Versions {
		t.Run(release, func(t *testing.T) {
			t.Parallel()
			s := newShop(t, release)
			t.Run("order and customer read back", s.testReadBack)
			t.Run("bad references write nothing", s.testBadReferences)
			t.Run("failure part-way", s.testFailurePartWay)
		})
	}
}

func newShop(t *testing.T, release string) shop {
	ctx := context.Background()
	dsn := octest.NewShop(t, release)
	read, err := opencart.Open(ctx, opencart.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { read.Close() })
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	raw := sql.OpenDB(connector)
	t.Cleanup(func() { raw.Close() })
	// The demo has no release string, only what opencart detects.
	return shop{read: read, raw: raw, version: read.Flavour().String()}
}

// Awkward text survives escaping and SQL (no emoji: 3.0 tables are utf8mb3);
// awkwardName is short enough for varchar(32) name columns once escaped.
const (
	awkward     = `Zoë "Z" & <Co> Ltd`
	awkwardName = `Zoë & <Jo>`
)

func ukAddress(addressID int) checkout.Address {
	return checkout.Address{AddressID: addressID, FirstName: "Zoë", LastName: "Lee", Company: awkward, Address1: "1 High St",
		City: "Preston", Postcode: "PR1 1AA", CountryID: countryUK, ZoneID: zoneLancs}
}

func (s shop) testReadBack(t *testing.T) {
	ctx := context.Background()
	customerID, addressIDs, err := checkout.AddCustomer(ctx, s.raw, s.version, checkout.Customer{
		FirstName: awkwardName, LastName: "Lee", Email: "zoe@example.com", Telephone: "+44 1772 000000", Newsletter: true,
		Addresses:      []checkout.Address{ukAddress(0), {FirstName: "Zoë", Address1: "5th Ave", City: "New York", CountryID: countryUS}},
		DefaultAddress: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.read.Customer(ctx, customerID)
	if err != nil {
		t.Fatal(err)
	}
	if c.FirstName != awkwardName || c.Email != "zoe@example.com" || !c.Newsletter || len(c.Addresses) != 2 ||
		c.DefaultAddressID != addressIDs[1] || c.DefaultAddress().CountryISO2 != "US" || c.Addresses[0].Zone != "Lancashire" {
		t.Errorf("customer %d read back as %+v; want %q with 2 addresses, the US one (%d) default", customerID, c, awkwardName, addressIDs[1])
	}

	orderID, err := checkout.PlaceOrder(ctx, s.raw, s.version, checkout.Order{
		CustomerID: customerID, FirstName: awkwardName, LastName: "Lee", Email: "zoe@example.com",
		Payment: ukAddress(addressIDs[0]), Shipping: ukAddress(addressIDs[0]),
		PaymentMethod:  checkout.Method{Name: "Cash On Delivery", Code: "cod.cod"},
		ShippingMethod: checkout.Method{Name: "Flat Shipping Rate", Code: "flat.flat"},
		Comment:        awkward, CurrencyCode: "EUR", CurrencyValue: 0.78,
		Lines: []checkout.Line{
			{ProductID: productCanon, Name: "Canon EOS 5D", Model: "Product 3", Quantity: 2, Price: 80, Tax: 16,
				Options: []checkout.LineOption{{ProductOptionID: 226, ProductOptionValueID: 15, Name: "Select", Value: "Red", Type: "select"}}},
			{ProductID: productIPhone, Name: "iPhone", Model: "product 11", Quantity: 1, Price: 101, Tax: 20.2},
		},
		Totals: []checkout.Total{
			{Code: "sub_total", Title: "Sub-Total", Value: 261, SortOrder: 1},
			{Code: "shipping", Title: "Flat Shipping Rate", Value: 5, SortOrder: 3},
			{Code: "tax", Title: "VAT (20%)", Value: 53.2, SortOrder: 5},
			{Code: "total", Title: "Total", Value: 319.2, SortOrder: 9},
		},
		Status: statusPending,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := checkout.AddHistory(ctx, s.raw, s.version, orderID, statusProc, "Packed & <sent>"); err != nil {
		t.Fatal(err)
	}

	o, err := s.read.Order(ctx, orderID)
	if err != nil {
		t.Fatal(err)
	}
	wantPayment := "cod.cod"
	wantAddressID := addressIDs[0]
	if s.version == "3.0" {
		wantPayment, wantAddressID = "cod", 0 // 3.0 stores the extension only, and no address book link
	}
	got := fmt.Sprintf("customer %d %q %q; status %d; %s × %v; total %v; payment %+v; shipping %+v; address %d %s/%s (%s)",
		o.CustomerID, o.FirstName, o.Comment, o.StatusID, o.CurrencyCode, o.CurrencyValue, o.Total, o.Payment, o.Shipping,
		o.PaymentAddress.AddressID, o.PaymentAddress.Country, o.PaymentAddress.Zone, o.ShippingAddress.Company)
	want := fmt.Sprintf("customer %d %q %q; status %d; EUR × 0.78; total 319.2; payment {Name:Cash On Delivery Code:%s}; "+
		"shipping {Name:Flat Shipping Rate Code:flat.flat}; address %d United Kingdom/Lancashire (%s)",
		customerID, awkwardName, awkward, statusProc, wantPayment, wantAddressID, awkward)
	if got != want {
		t.Errorf("order %d read back as\n%s\nwant\n%s", orderID, got, want)
	}
	var lines []string
	for _, l := range o.Lines {
		lines = append(lines, fmt.Sprintf("%d×%d at %v+%v %+v", l.Quantity, l.ProductID, l.Price, l.Tax, l.Options))
	}
	wantLines := []string{
		fmt.Sprintf("2×%d at 80+16 [{ID:%d ProductOptionID:226 ProductOptionValueID:15 Name:Select Value:Red Type:select}]", productCanon, firstOptionID(o)),
		fmt.Sprintf("1×%d at 101+20.2 []", productIPhone),
	}
	if !reflect.DeepEqual(lines, wantLines) {
		t.Errorf("lines = %q, want %q", lines, wantLines)
	}
	var totals, history []string
	for _, tot := range o.Totals {
		totals = append(totals, fmt.Sprintf("%s=%v", tot.Code, tot.Value))
	}
	for _, h := range o.History {
		history = append(history, fmt.Sprintf("%d %q", h.StatusID, h.Comment))
	}
	if want := []string{"sub_total=261", "shipping=5", "tax=53.2", "total=319.2"}; !reflect.DeepEqual(totals, want) {
		t.Errorf("totals = %q, want %q", totals, want)
	}
	if want := []string{`1 ""`, `2 "Packed & <sent>"`}; !reflect.DeepEqual(history, want) {
		t.Errorf("history = %q, want %q", history, want)
	}

	// Status 0: the order exists, unconfirmed, with no history (an abandoned checkout).
	abandonedID, err := checkout.PlaceOrder(ctx, s.raw, s.version, checkout.Order{FirstName: "Guest", Email: "guest@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := s.read.Order(ctx, abandonedID); err != nil || a.StatusID != 0 || len(a.History) != 0 || a.ShippingAddress.Country != "" {
		t.Errorf("abandoned guest order = %+v, %v; want status 0, no history, no address", a, err)
	}
}

func firstOptionID(o *opencart.Order) int {
	if len(o.Lines) == 0 || len(o.Lines[0].Options) == 0 {
		return 0
	}
	return o.Lines[0].Options[0].ID
}

// rowCounts counts the rows the writers add to.
func (s shop) rowCounts(t *testing.T) string {
	t.Helper()
	var counts []string
	for _, table := range []string{"oc_order", "oc_order_product", "oc_order_option", "oc_order_total", "oc_order_history", "oc_customer", "oc_address"} {
		var n int
		if err := s.raw.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts = append(counts, fmt.Sprintf("%s %d", table, n))
	}
	return strings.Join(counts, ", ")
}

func (s shop) testBadReferences(t *testing.T) {
	ctx := context.Background()
	var usZone int
	if err := s.raw.QueryRow("SELECT MIN(zone_id) FROM oc_zone WHERE country_id = ?", countryUS).Scan(&usZone); err != nil {
		t.Fatal(err)
	}
	existingOrder, err := checkout.PlaceOrder(ctx, s.raw, s.version, checkout.Order{FirstName: "Ann", Email: "ann@example.com", Status: statusPending})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := checkout.AddCustomer(ctx, s.raw, s.version, checkout.Customer{FirstName: "Ann", Email: "ann@example.com"}); err != nil {
		t.Fatal(err)
	}
	// A full order whose last-checked reference is the bad one, so that
	// nothing before it may leak into the tables.
	order := func(change func(*checkout.Order)) func() error {
		o := checkout.Order{FirstName: "Bad", Email: "bad@example.com", Payment: ukAddress(0), Shipping: ukAddress(0),
			Lines:  []checkout.Line{{ProductID: productIPhone, Name: "iPhone", Quantity: 1, Price: 101}},
			Totals: []checkout.Total{{Code: "total", Title: "Total", Value: 101}}, Status: statusPending}
		change(&o)
		return func() error { _, err := checkout.PlaceOrder(ctx, s.raw, s.version, o); return err }
	}
	customer := func(c checkout.Customer) func() error {
		return func() error { _, _, err := checkout.AddCustomer(ctx, s.raw, s.version, c); return err }
	}
	for _, tc := range []struct {
		name    string
		write   func() error
		wantErr string
	}{
		{"unknown payment country", order(func(o *checkout.Order) { o.Payment.CountryID, o.Payment.ZoneID = 9999, 0 }),
			"checkout: place order for bad@example.com: payment address: no country 9999 in the shop"},
		{"zone of another country", order(func(o *checkout.Order) { o.Shipping.ZoneID = usZone }),
			fmt.Sprintf("shipping address: no zone %d in country %d (United Kingdom) in the shop", usZone, countryUK)},
		{"zone without country", order(func(o *checkout.Order) { o.Shipping.CountryID = 0 }),
			fmt.Sprintf("shipping address: zone %d is given without a country", zoneLancs)},
		{"unknown currency", order(func(o *checkout.Order) { o.CurrencyCode = "XYZ" }), `no currency "XYZ" in the shop`},
		{"unknown status", order(func(o *checkout.Order) { o.Status = 999 }), "no order status 999 in the shop"},
		{"unsupported version", func() error {
			_, err := checkout.PlaceOrder(ctx, s.raw, "4.0.1.1", checkout.Order{Email: "bad@example.com"})
			return err
		}, `OpenCart version "4.0.1.1" is not supported`},
		{"history of a missing order", func() error { return checkout.AddHistory(ctx, s.raw, s.version, 99999, statusProc, "") },
			"checkout: add status 2 to order 99999: no such order in the shop"},
		{"history with an unknown status", func() error { return checkout.AddHistory(ctx, s.raw, s.version, existingOrder, 999, "") },
			fmt.Sprintf("add status 999 to order %d: no order status 999 in the shop", existingOrder)},
		{"customer address in an unknown country", customer(checkout.Customer{FirstName: "Bad", Email: "bad@example.com",
			Addresses: []checkout.Address{ukAddress(0), {City: "Nowhere", CountryID: 9999}}}),
			"checkout: add customer bad@example.com: address 2: no country 9999 in the shop"},
		{"email already registered", customer(checkout.Customer{FirstName: "Ann", Email: "ANN@example.com"}),
			"the email is already registered to customer"},
		{"default address out of range", customer(checkout.Customer{Email: "bad@example.com", Addresses: []checkout.Address{ukAddress(0)}, DefaultAddress: 1}),
			"DefaultAddress 1 is not an index into the 1 addresses"},
	} {
		before := s.rowCounts(t)
		err := tc.write()
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error = %v; want one containing %q", tc.name, err, tc.wantErr)
		}
		if after := s.rowCounts(t); after != before {
			t.Errorf("%s wrote rows: %s → %s", tc.name, before, after)
		}
	}
}

// testFailurePartWay makes the shop refuse order totals, which are written
// after the order row and its lines. Run last: it leaves a trigger.
func (s shop) testFailurePartWay(t *testing.T) {
	ctx := context.Background()
	if _, err := s.raw.Exec(`CREATE TRIGGER checkout_test_refuse BEFORE INSERT ON oc_order_total FOR EACH ROW
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'totals refused by the test'`); err != nil {
		t.Fatal(err)
	}
	defer s.raw.Exec("DROP TRIGGER checkout_test_refuse")
	before := s.rowCounts(t)
	_, err := checkout.PlaceOrder(ctx, s.raw, s.version, checkout.Order{FirstName: "Cut", Email: "cut@example.com", Payment: ukAddress(0),
		Lines:  []checkout.Line{{ProductID: productIPhone, Name: "iPhone", Quantity: 1, Price: 101}},
		Totals: []checkout.Total{{Code: "total", Title: "Total", Value: 101}}, Status: statusPending})
	if err == nil || !strings.Contains(err.Error(), `total "total": insert into oc_order_total`) || !strings.Contains(err.Error(), "totals refused by the test") {
		t.Fatalf("error = %v; want the refused oc_order_total insert", err)
	}
	var cutID, status, lines, history int
	found := s.raw.QueryRow(`SELECT order_id, order_status_id, (SELECT COUNT(*) FROM oc_order_product p WHERE p.order_id = o.order_id),
		(SELECT COUNT(*) FROM oc_order_history h WHERE h.order_id = o.order_id) FROM oc_order o WHERE email = 'cut@example.com'`).
		Scan(&cutID, &status, &lines, &history)
	if s.version != "3.0" {
		// InnoDB: the transaction takes the order and its line back.
		if found != sql.ErrNoRows || s.rowCounts(t) != before {
			t.Errorf("after a failed write: order lookup %v, rows %s → %s; want nothing written", found, before, s.rowCounts(t))
		}
		return
	}
	// MyISAM: the order and its line stay, unconfirmed, and the error says so.
	if found != nil || status != 0 || lines != 1 || history != 0 {
		t.Errorf("3.0 after a failed write: order %d status %d lines %d history %d (%v); want the order at status 0 with its line, no history",
			cutID, status, lines, history, found)
	}
	if want := fmt.Sprintf("order %d: ", cutID); !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "MyISAM") {
		t.Errorf("3.0 error = %v; want it to name %q and say MyISAM cannot roll back", err, want)
	}
}
