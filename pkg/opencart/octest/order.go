package octest

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
)

// Order describes an order for PlaceOrder. Text is given plain; PlaceOrder
// escapes it the way OpenCart's request filter does before it is stored.
type Order struct {
	StoreID         int
	CustomerID      int // 0 = guest checkout
	CustomerGroupID int // 0 means 1 (Default)
	FirstName       string
	LastName        string
	Email           string
	Telephone       string
	Payment         Address
	Shipping        Address // zero: the order needs no shipping
	PaymentMethod   Method
	ShippingMethod  Method
	Comment         string
	LanguageID      int     // 0 means 1 (en-gb)
	CurrencyCode    string  // "" means USD
	CurrencyValue   float64 // 0 means 1
	Lines           []Line
	Totals          []Total // written as given; Total is the value of the "total" row
	// Status 0 leaves the order abandoned (the row exists, no history), as
	// checkout does until the payment extension confirms; any other status
	// confirms it with AddHistory.
	Status int
}

// Address is a checkout address; PlaceOrder looks up the country and zone
// names the way checkout copies them into the order.
type Address struct {
	AddressID                          int // 4.x: the address book entry, 0 for typed addresses
	FirstName, LastName, Company       string
	Address1, Address2, City, Postcode string
	CountryID, ZoneID                  int
}

// Method is a payment or shipping method. Code is the 4.0.2+ form
// ("cod.cod", "flat.flat"); on 3.0 PlaceOrder stores what 3.0 stores
// ("cod", "flat.flat").
type Method struct{ Name, Code string }

// Line is an ordered product.
type Line struct {
	ProductID int
	MasterID  int // 4.x variants: the master product
	Name      string
	Model     string
	Quantity  int
	Price     float64 // unit price excluding tax
	Tax       float64 // tax per unit
	Reward    int
	Options   []LineOption
}

// LineOption is an option chosen for a line.
type LineOption struct {
	ProductOptionID      int
	ProductOptionValueID int // 0 for free-text options
	Name, Value, Type    string
}

// Total is an oc_order_total row.
type Total struct {
	Code, Title string
	Value       float64
	SortOrder   int
}

// PlaceOrder writes an order the way catalog/model/checkout/order.php
// addOrder does in the given version (one INSERT per row, the same columns,
// NOW() dates) and, if o.Status is not 0, confirms it. It returns the
// order_id. db must be the shop's database.
func PlaceOrder(t testing.TB, db *sql.DB, version string, o Order) int {
	t.Helper()
	conn := shopSession(t, db)
	defer conn.Close()
	v := major(version)
	if o.CustomerGroupID == 0 {
		o.CustomerGroupID = 1
	}
	if o.LanguageID == 0 {
		o.LanguageID = 1
	}
	if o.CurrencyCode == "" {
		o.CurrencyCode = "USD"
	}
	if o.CurrencyValue == 0 {
		o.CurrencyValue = 1
	}
	var currencyID int
	mustQueryRow(t, conn, "SELECT currency_id FROM oc_currency WHERE code = ?", []any{o.CurrencyCode}, &currencyID)
	var total float64
	for _, tot := range o.Totals {
		if tot.Code == "total" {
			total = tot.Value
		}
	}

	set := []any{
		"invoice_prefix", "INV-2024-00", "store_id", o.StoreID, "store_name", "Your Store", "store_url", "http://shop.test/",
		"customer_id", o.CustomerID, "customer_group_id", o.CustomerGroupID, "firstname", esc(o.FirstName), "lastname", esc(o.LastName),
		"email", esc(o.Email), "telephone", esc(o.Telephone), "custom_field", "[]",
	}
	for _, side := range []struct {
		prefix string
		addr   Address
		method Method
	}{{"payment", o.Payment, o.PaymentMethod}, {"shipping", o.Shipping, o.ShippingMethod}} {
		country, zone := geoNames(t, conn, v, side.addr)
		p := side.prefix + "_"
		if v != "3.0" {
			set = append(set, p+"address_id", side.addr.AddressID)
		}
		set = append(set, p+"firstname", esc(side.addr.FirstName), p+"lastname", esc(side.addr.LastName), p+"company", esc(side.addr.Company),
			p+"address_1", esc(side.addr.Address1), p+"address_2", esc(side.addr.Address2), p+"city", esc(side.addr.City),
			p+"postcode", esc(side.addr.Postcode), p+"country", country, p+"country_id", side.addr.CountryID, p+"zone", zone,
			p+"zone_id", side.addr.ZoneID, p+"address_format", "", p+"custom_field", "[]")
		if v == "3.0" {
			// 3.0: title and code columns; payment codes have no ".method" part.
			code := side.method.Code
			if side.prefix == "payment" {
				code, _, _ = strings.Cut(code, ".")
			}
			set = append(set, p+"method", esc(side.method.Name), p+"code", code)
		} else {
			set = append(set, p+"method", methodJSON(t, side.method))
		}
	}
	set = append(set, "comment", esc(o.Comment), "total", total, "affiliate_id", 0, "commission", 0, "marketing_id", 0, "tracking", "",
		"language_id", o.LanguageID, "currency_id", currencyID, "currency_code", o.CurrencyCode, "currency_value", o.CurrencyValue,
		"ip", "127.0.0.1", "forwarded_ip", "", "user_agent", "octest", "accept_language", "en-GB")
	if v == "4.1" {
		set = append(set, "subscription_id", 0, "language_code", "en-gb")
	}
	orderID := insertSet(t, conn, "oc_order", set, "date_added = NOW(), date_modified = NOW()")

	for _, l := range o.Lines {
		row := []any{"order_id", orderID, "product_id", l.ProductID, "name", esc(l.Name), "model", esc(l.Model), "quantity", l.Quantity,
			"price", l.Price, "total", l.Price * float64(l.Quantity), "tax", l.Tax, "reward", l.Reward}
		if v != "3.0" {
			row = append(row, "master_id", l.MasterID)
		}
		lineID := insertSet(t, conn, "oc_order_product", row, "")
		for _, opt := range l.Options {
			insertSet(t, conn, "oc_order_option", []any{"order_id", orderID, "order_product_id", lineID, "product_option_id", opt.ProductOptionID,
				"product_option_value_id", opt.ProductOptionValueID, "name", esc(opt.Name), "value", esc(opt.Value), "type", opt.Type}, "")
		}
	}
	for _, tot := range o.Totals {
		row := []any{"order_id", orderID, "code", tot.Code, "title", esc(tot.Title), "value", tot.Value, "sort_order", tot.SortOrder}
		if v != "3.0" {
			row = append(row, "extension", "opencart")
		}
		insertSet(t, conn, "oc_order_total", row, "")
	}
	if o.Status != 0 {
		addHistory(t, conn, version, orderID, o.Status, "")
	}
	return orderID
}

// AddHistory changes an order's status the way addOrderHistory (3.0) /
// addHistory (4.x) records it: the order's status (and, except on 4.1,
// date_modified) and a new oc_order_history row. Stock, fraud and mail
// side effects are not reproduced.
func AddHistory(t testing.TB, db *sql.DB, version string, orderID, statusID int, comment string) {
	t.Helper()
	conn := shopSession(t, db)
	defer conn.Close()
	addHistory(t, conn, version, orderID, statusID, comment)
}

// addHistory is AddHistory on a pinned connection (one connection at a time,
// so callers whose pool allows a single connection do not deadlock).
func addHistory(t testing.TB, conn *sql.Conn, version string, orderID, statusID int, comment string) {
	t.Helper()
	update := "UPDATE oc_order SET order_status_id = ?, date_modified = NOW() WHERE order_id = ?"
	if major(version) == "4.1" {
		update = "UPDATE oc_order SET order_status_id = ? WHERE order_id = ?"
	}
	mustExec(t, conn, update, statusID, orderID)
	mustExec(t, conn, "INSERT INTO oc_order_history SET order_id = ?, order_status_id = ?, notify = 0, comment = ?, date_added = NOW()",
		orderID, statusID, esc(comment))
}

// shopSession pins a connection with OpenCart's session sql_mode: its
// inserts leave out NOT NULL columns without defaults, as OpenCart does.
func shopSession(t testing.TB, db *sql.DB) *sql.Conn {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatalf("octest: %v", err)
	}
	mustExec(t, conn, "SET SESSION sql_mode = 'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'")
	return conn
}

// geoNames returns the country and zone names checkout copies into an order.
func geoNames(t testing.TB, conn *sql.Conn, v string, a Address) (country, zone string) {
	t.Helper()
	if a.CountryID == 0 {
		return "", ""
	}
	countryQ, zoneQ := "SELECT name FROM oc_country WHERE country_id = ?", "SELECT name FROM oc_zone WHERE zone_id = ?"
	if v == "4.1" {
		countryQ = "SELECT name FROM oc_country_description WHERE country_id = ? AND language_id = 1"
		zoneQ = "SELECT name FROM oc_zone_description WHERE zone_id = ? AND language_id = 1"
	}
	mustQueryRow(t, conn, countryQ, []any{a.CountryID}, &country)
	if a.ZoneID != 0 {
		mustQueryRow(t, conn, zoneQ, []any{a.ZoneID}, &zone)
	}
	return country, zone
}

func methodJSON(t testing.TB, m Method) string {
	if m == (Method{}) {
		return ""
	}
	b, err := json.Marshal(map[string]string{"name": m.Name, "code": m.Code})
	if err != nil {
		t.Fatalf("octest: %v", err)
	}
	return string(b)
}

// insertSet runs INSERT INTO table SET col = ?, … [, extra] and returns the new id.
func insertSet(t testing.TB, conn *sql.Conn, table string, pairs []any, extra string) int {
	t.Helper()
	var cols []string
	var args []any
	for i := 0; i < len(pairs); i += 2 {
		cols = append(cols, "`"+pairs[i].(string)+"` = ?")
		args = append(args, pairs[i+1])
	}
	if extra != "" {
		cols = append(cols, extra)
	}
	res, err := conn.ExecContext(context.Background(), "INSERT INTO `"+table+"` SET "+strings.Join(cols, ", "), args...)
	if err != nil {
		t.Fatalf("octest: insert into %s: %v", table, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		t.Fatalf("octest: insert into %s: %v", table, err)
	}
	return int(id)
}

func mustExec(t testing.TB, conn *sql.Conn, query string, args ...any) {
	t.Helper()
	if _, err := conn.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("octest: %s: %v", query, err)
	}
}

func mustQueryRow(t testing.TB, conn *sql.Conn, query string, args []any, dst ...any) {
	t.Helper()
	if err := conn.QueryRowContext(context.Background(), query, args...).Scan(dst...); err != nil {
		t.Fatalf("octest: %s %v: %v", query, args, err)
	}
}

// major is "3.0", "4.0" or "4.1".
func major(version string) string {
	if len(version) < 3 {
		return version
	}
	return version[:3]
}

// esc stores text as OpenCart's request filter leaves it (htmlspecialchars
// with ENT_COMPAT).
var esc = strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace
