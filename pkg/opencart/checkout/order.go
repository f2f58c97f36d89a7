package checkout

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
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
	// confirms it as AddHistory does.
	Status int
}

// Address is a checkout or address-book address. The country and zone must
// exist in the shop, the zone in that country; PlaceOrder copies their names
// into the order as checkout does.
type Address struct {
	AddressID                          int // 4.x orders: the address book entry, 0 for typed addresses
	FirstName, LastName, Company       string
	Address1, Address2, City, Postcode string
	CountryID, ZoneID                  int
}

// Method is a payment or shipping method. Code is the 4.0.2+ form
// ("cod.cod", "flat.flat"); on 3.0 PlaceOrder stores what 3.0 stores
// ("cod", "flat.flat").
type Method struct{ Name, Code string }

// Line is an ordered product. PlaceOrder stores it as given and does not
// look the product up: orders keep lines whose product was deleted since.
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
// addOrder does in the given OpenCart version (one INSERT per row, the same
// columns, NOW() dates) and, if o.Status is not 0, confirms it as AddHistory
// does. It returns the new order_id. See the package comment for what a
// failure leaves behind.
func PlaceOrder(ctx context.Context, db *sql.DB, version string, o Order) (orderID int, err error) {
	f, err := parseVersion(version)
	if err != nil {
		return 0, err
	}
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
	err = inTx(ctx, db, func(tx *sql.Tx) error {
		header, err := orderHeader(ctx, tx, f, o)
		if err != nil {
			return err
		}
		if o.Status != 0 {
			if err := checkStatus(ctx, tx, o.Status); err != nil {
				return err
			}
		}
		if orderID, err = insertSet(ctx, tx, "oc_order", header, "date_added = NOW(), date_modified = NOW()"); err != nil {
			return err
		}
		if err := writeOrderRows(ctx, tx, f, orderID, o); err != nil {
			return partial(f, fmt.Errorf("order %d: %w", orderID, err))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("checkout: place order for %s: %w", who(o.FirstName, o.LastName, o.Email), err)
	}
	return orderID, nil
}

// who names a customer in errors: by email, or by name when there is none.
func who(firstName, lastName, email string) string {
	if email != "" {
		return email
	}
	return fmt.Sprintf("%q", strings.TrimSpace(firstName+" "+lastName))
}

// orderHeader resolves what the oc_order row refers to (currency, countries,
// zones) and returns its columns as insertSet pairs.
func orderHeader(ctx context.Context, tx *sql.Tx, f flavour, o Order) ([]any, error) {
	var currencyID int
	if err := lookup(ctx, tx, fmt.Sprintf("currency %q", o.CurrencyCode),
		"SELECT currency_id FROM oc_currency WHERE code = ?", []any{o.CurrencyCode}, &currencyID); err != nil {
		return nil, err
	}
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
		country, zone, err := addressNames(ctx, tx, f, o.LanguageID, side.addr)
		if err != nil {
			return nil, fmt.Errorf("%s address: %w", side.prefix, err)
		}
		p := side.prefix + "_"
		if f != v30 {
			set = append(set, p+"address_id", side.addr.AddressID)
		}
		set = append(set, p+"firstname", esc(side.addr.FirstName), p+"lastname", esc(side.addr.LastName), p+"company", esc(side.addr.Company),
			p+"address_1", esc(side.addr.Address1), p+"address_2", esc(side.addr.Address2), p+"city", esc(side.addr.City),
			p+"postcode", esc(side.addr.Postcode), p+"country", country, p+"country_id", side.addr.CountryID, p+"zone", zone,
			p+"zone_id", side.addr.ZoneID, p+"address_format", "", p+"custom_field", "[]")
		if f == v30 {
			// 3.0: title and code columns; payment codes have no ".method" part.
			code := side.method.Code
			if side.prefix == "payment" {
				code, _, _ = strings.Cut(code, ".")
			}
			set = append(set, p+"method", esc(side.method.Name), p+"code", code)
		} else {
			set = append(set, p+"method", methodJSON(side.method))
		}
	}
	set = append(set, "comment", esc(o.Comment), "total", total, "affiliate_id", 0, "commission", 0, "marketing_id", 0, "tracking", "",
		"language_id", o.LanguageID, "currency_id", currencyID, "currency_code", o.CurrencyCode, "currency_value", o.CurrencyValue,
		"ip", "127.0.0.1", "forwarded_ip", "", "user_agent", "ocbridge-checkout", "accept_language", "en-GB")
	if f == v41 {
		set = append(set, "subscription_id", 0, "language_code", "en-gb")
	}
	return set, nil
}

// methodJSON is a 4.0.2+ method column: {"name":…,"code":…}, empty for no method.
func methodJSON(m Method) string {
	if m == (Method{}) {
		return ""
	}
	b, _ := json.Marshal(map[string]string{"name": m.Name, "code": m.Code}) // strings always marshal
	return string(b)
}

// writeOrderRows writes an order's lines, options and totals, then its
// first history entry: on MyISAM the status flips last, so an order cut off
// part-way stays at status 0.
func writeOrderRows(ctx context.Context, tx *sql.Tx, f flavour, orderID int, o Order) error {
	for i, l := range o.Lines {
		row := []any{"order_id", orderID, "product_id", l.ProductID, "name", esc(l.Name), "model", esc(l.Model), "quantity", l.Quantity,
			"price", l.Price, "total", l.Price * float64(l.Quantity), "tax", l.Tax, "reward", l.Reward}
		if f != v30 {
			row = append(row, "master_id", l.MasterID)
		}
		lineID, err := insertSet(ctx, tx, "oc_order_product", row, "")
		if err != nil {
			return fmt.Errorf("line %d (product %d): %w", i+1, l.ProductID, err)
		}
		for _, opt := range l.Options {
			if _, err := insertSet(ctx, tx, "oc_order_option", []any{"order_id", orderID, "order_product_id", lineID,
				"product_option_id", opt.ProductOptionID, "product_option_value_id", opt.ProductOptionValueID,
				"name", esc(opt.Name), "value", esc(opt.Value), "type", opt.Type}, ""); err != nil {
				return fmt.Errorf("line %d (product %d) option %d: %w", i+1, l.ProductID, opt.ProductOptionID, err)
			}
		}
	}
	for _, tot := range o.Totals {
		row := []any{"order_id", orderID, "code", tot.Code, "title", esc(tot.Title), "value", tot.Value, "sort_order", tot.SortOrder}
		if f != v30 {
			row = append(row, "extension", "opencart")
		}
		if _, err := insertSet(ctx, tx, "oc_order_total", row, ""); err != nil {
			return fmt.Errorf("total %q: %w", tot.Code, err)
		}
	}
	if o.Status == 0 {
		return nil
	}
	return recordHistory(ctx, tx, f, orderID, o.Status, "")
}

// AddHistory changes an order's status the way addOrderHistory (3.0) /
// addHistory (4.x) records it: the order's status (and, except on 4.1,
// date_modified) and a new oc_order_history row. The order must exist and
// the status must be an oc_order_status (or 0, which OpenCart also writes).
// Stock, fraud and mail side effects are not reproduced.
func AddHistory(ctx context.Context, db *sql.DB, version string, orderID, statusID int, comment string) error {
	f, err := parseVersion(version)
	if err != nil {
		return err
	}
	err = inTx(ctx, db, func(tx *sql.Tx) error {
		var found int
		if err := lookup(ctx, tx, "such order", "SELECT 1 FROM oc_order WHERE order_id = ?", []any{orderID}, &found); err != nil {
			return err
		}
		if statusID != 0 {
			if err := checkStatus(ctx, tx, statusID); err != nil {
				return err
			}
		}
		return partial(f, recordHistory(ctx, tx, f, orderID, statusID, comment))
	})
	if err != nil {
		return fmt.Errorf("checkout: add status %d to order %d: %w", statusID, orderID, err)
	}
	return nil
}

// checkStatus reports an order status the shop does not have.
func checkStatus(ctx context.Context, tx *sql.Tx, statusID int) error {
	var found int
	return lookup(ctx, tx, fmt.Sprintf("order status %d", statusID),
		"SELECT 1 FROM oc_order_status WHERE order_status_id = ? LIMIT 1", []any{statusID}, &found)
}

// recordHistory sets the order's status and appends the history row.
func recordHistory(ctx context.Context, tx *sql.Tx, f flavour, orderID, statusID int, comment string) error {
	update := "UPDATE oc_order SET order_status_id = ?, date_modified = NOW() WHERE order_id = ?"
	if f == v41 { // 4.1's addHistory leaves date_modified alone
		update = "UPDATE oc_order SET order_status_id = ? WHERE order_id = ?"
	}
	if _, err := tx.ExecContext(ctx, update, statusID, orderID); err != nil {
		return fmt.Errorf("set the status: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO oc_order_history SET order_id = ?, order_status_id = ?, notify = 0, comment = ?, date_added = NOW()",
		orderID, statusID, esc(comment)); err != nil {
		return fmt.Errorf("insert into oc_order_history: %w", err)
	}
	return nil
}
