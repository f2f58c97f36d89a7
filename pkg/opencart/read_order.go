package opencart

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotFound is wrapped by reads of a single record that does not exist.
var ErrNotFound = errors.New("not found")

// Order is an order with everything the ERP side needs. Amounts are in the
// shop's default currency (config_currency); the customer paid
// amount × CurrencyValue in CurrencyCode.
type Order struct {
	ID            int
	InvoiceNo     int
	InvoicePrefix string
	StoreID       int
	StoreName     string
	StoreURL      string

	CustomerID      int // 0 = guest checkout
	CustomerGroupID int
	FirstName       string
	LastName        string
	Email           string
	Telephone       string

	PaymentAddress  OrderAddress
	ShippingAddress OrderAddress // empty for orders that need no shipping
	Payment         Method
	Shipping        Method

	Comment string
	Total   float64

	StatusID   int // 0 = "missing" order: checkout never confirmed
	StatusName string

	LanguageID    int
	CurrencyID    int
	CurrencyCode  string
	CurrencyValue float64

	DateAdded    time.Time
	DateModified time.Time

	Lines   []OrderLine
	Totals  []OrderTotal // by sort order: sub_total, shipping, coupon, tax…, total
	Taxes   []OrderTax   // the 'tax' totals, with the rates behind them
	History []OrderHistory
}

// OrderAddress is a payment or shipping address as the checkout stored it.
type OrderAddress struct {
	PostalAddress
	// AddressID is the customer's address book entry it came from (4.x; 0
	// on 3.0, for guests and for addresses typed at checkout).
	AddressID int
}

// Method is a payment or shipping method as stored on the order.
type Method struct {
	Name string // e.g. "Cash On Delivery", "Flat Shipping Rate"
	// Code as OpenCart stores it: 3.0/4.0.0–4.0.1 "cod", "flat.flat";
	// 4.0.2+ "cod.cod", "flat.flat".
	Code string
}

// Extension is the extension part of Code ("flat" for "flat.flat").
func (m Method) Extension() string {
	ext, _, _ := strings.Cut(m.Code, ".")
	return ext
}

// OrderLine is one oc_order_product row.
type OrderLine struct {
	ID        int // order_product_id
	ProductID int // on 4.x the variant's own id for variant products
	MasterID  int // 4.x: master product of a variant; 0 otherwise
	Name      string
	Model     string
	Quantity  int
	Price     float64 // unit price excluding tax
	Tax       float64 // tax per unit
	Total     float64 // Price × Quantity, excluding tax
	Reward    int
	Options   []OrderOption
}

// PriceInclTax is the unit price including tax.
func (l OrderLine) PriceInclTax() float64 { return l.Price + l.Tax }

// OrderOption is an option chosen for an order line.
type OrderOption struct {
	ID                   int // order_option_id
	ProductOptionID      int
	ProductOptionValueID int // 0 for free-text options (text, date, file…)
	Name                 string
	Value                string
	Type                 string // select, radio, checkbox, text, file, …
}

// OrderTotal is one oc_order_total row.
type OrderTotal struct {
	ID        int
	Code      string // sub_total, shipping, tax, coupon, voucher, handling, low_order_fee, total, …
	Title     string
	Value     float64
	SortOrder int
	Extension string // 4.x: extension package, e.g. "opencart"
}

// OrderTax is a 'tax' total: OpenCart writes one per tax rate, titled with
// the rate's name. Rates are the oc_tax_rate rows of that name (normally
// one; none if the rate was renamed or deleted since).
type OrderTax struct {
	Title  string
	Amount float64
	Rates  []TaxRate
}

// OrderHistory is one oc_order_history row.
type OrderHistory struct {
	ID         int // order_history_id
	StatusID   int
	StatusName string
	Notify     bool
	Comment    string
	DateAdded  time.Time
}

// Order reads one order with lines, options, totals, taxes and history.
// Orders with StatusID 0 (abandoned checkouts) are returned too.
func (db *DB) Order(ctx context.Context, id int) (*Order, error) {
	o, err := db.readOrder(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("opencart: read order %d: %w", id, err)
	}
	return o, nil
}

func (db *DB) readOrder(ctx context.Context, id int) (*Order, error) {
	o := &Order{}
	if err := db.readOrderRow(ctx, id, o); err != nil {
		return nil, err
	}
	if err := db.readOrderLines(ctx, o); err != nil {
		return nil, fmt.Errorf("lines: %w", err)
	}
	if err := db.readOrderTotals(ctx, o); err != nil {
		return nil, fmt.Errorf("totals: %w", err)
	}
	if err := db.readOrderHistory(ctx, o); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return o, nil
}

// statusNameJoin returns the SQL expression for an order status name in the
// given language, falling back to the default language, and its joins.
func (db *DB) statusNameJoin(alias, statusIDExpr, languageIDExpr string) (expr, joins string) {
	joins = fmt.Sprintf(" LEFT JOIN %[1]s %[2]s ON %[2]s.order_status_id = %[3]s AND %[2]s.language_id = %[4]s"+
		" LEFT JOIN %[1]s %[2]s_d ON %[2]s_d.order_status_id = %[3]s AND %[2]s_d.language_id = %[5]d",
		db.table("order_status"), alias, statusIDExpr, languageIDExpr, db.defLangID)
	return fmt.Sprintf("COALESCE(%[1]s.name, %[1]s_d.name)", alias), joins
}

func (db *DB) readOrderRow(ctx context.Context, id int, o *Order) error {
	statusExpr, joins := db.statusNameJoin("os", "o.order_status_id", "o.language_id")
	cols := []string{"o.order_id", "o.invoice_no", "o.invoice_prefix", "o.store_id", "o.store_name", "o.store_url",
		"o.customer_id", "o.customer_group_id", "o.firstname", "o.lastname", "o.email", "o.telephone",
		"o.comment", "o.total", "o.order_status_id", statusExpr, "o.language_id", "o.currency_id",
		"o.currency_code", "o.currency_value", "o.date_added", "o.date_modified"}
	var paymentMethod, paymentCode, shippingMethod, shippingCode string
	targets := []any{&o.ID, integer(&o.InvoiceNo), text(&o.InvoicePrefix), integer(&o.StoreID), text(&o.StoreName), str(&o.StoreURL),
		integer(&o.CustomerID), integer(&o.CustomerGroupID), text(&o.FirstName), text(&o.LastName), text(&o.Email), text(&o.Telephone),
		text(&o.Comment), decimal(&o.Total), integer(&o.StatusID), text(&o.StatusName), integer(&o.LanguageID), integer(&o.CurrencyID),
		str(&o.CurrencyCode), decimal(&o.CurrencyValue), timestamp(&o.DateAdded), timestamp(&o.DateModified),
		str(&paymentMethod), str(&shippingMethod)}
	cols = append(cols, "o.payment_method", "o.shipping_method")
	codeColumns := db.hasColumn("order", "payment_code")
	if codeColumns {
		cols = append(cols, "o.payment_code", "o.shipping_code")
		targets = append(targets, str(&paymentCode), str(&shippingCode))
	}
	if db.hasColumn("order", "payment_address_id") {
		cols = append(cols, "o.payment_address_id", "o.shipping_address_id")
		targets = append(targets, integer(&o.PaymentAddress.AddressID), integer(&o.ShippingAddress.AddressID))
	}
	for _, side := range []struct {
		prefix string
		addr   *OrderAddress
	}{{"payment", &o.PaymentAddress}, {"shipping", &o.ShippingAddress}} {
		geoCols, geoJoins := db.geoJoin(side.prefix, "o."+side.prefix+"_country_id", "o."+side.prefix+"_zone_id", false)
		cols = append(cols, addressColumns("o", side.prefix+"_"), "o."+side.prefix+"_country", "o."+side.prefix+"_zone", geoCols)
		joins += geoJoins
		targets = append(targets, addressTargets(&side.addr.PostalAddress)...)
		targets = append(targets, text(&side.addr.Country), text(&side.addr.Zone))
		targets = append(targets, geoTargets(&side.addr.PostalAddress, false)...)
	}
	query := "SELECT " + strings.Join(cols, ", ") + " FROM " + db.table("order") + " o" + joins + " WHERE o.order_id = ?"
	err := db.conn.QueryRowContext(ctx, query, id).Scan(targets...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if codeColumns {
		o.Payment = Method{Name: plainText(paymentMethod), Code: paymentCode}
		o.Shipping = Method{Name: plainText(shippingMethod), Code: shippingCode}
		return nil
	}
	if o.Payment, err = parseMethodJSON(paymentMethod); err != nil {
		return fmt.Errorf("payment_method: %w", err)
	}
	if o.Shipping, err = parseMethodJSON(shippingMethod); err != nil {
		return fmt.Errorf("shipping_method: %w", err)
	}
	return nil
}

// parseMethodJSON reads a 4.0.2+ payment_method/shipping_method column:
// {"name":…,"code":…} (shipping adds cost, tax_class_id, text); "" when the
// order has no such method.
func parseMethodJSON(raw string) (Method, error) {
	if strings.TrimSpace(raw) == "" {
		return Method{}, nil
	}
	var m struct {
		Name  string `json:"name"`
		Title string `json:"title"` // fallback for third-party extensions; OpenCart's own write name
		Code  string `json:"code"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return Method{}, fmt.Errorf("not the JSON object OpenCart 4.0.2+ writes: %q", raw)
	}
	if m.Name == "" {
		m.Name = m.Title
	}
	return Method{Name: plainText(m.Name), Code: m.Code}, nil
}

func (db *DB) readOrderLines(ctx context.Context, o *Order) error {
	masterCol := db.columnOr("order_product", "op", "master_id", "0")
	var err error
	o.Lines, err = queryAll(ctx, db.conn, "SELECT order_product_id, product_id, "+masterCol+", name, model, quantity, price, tax, total, reward FROM "+
		db.table("order_product")+" op WHERE order_id = ? ORDER BY order_product_id", []any{o.ID}, func(rows *sql.Rows, l *OrderLine) error {
		return rows.Scan(&l.ID, integer(&l.ProductID), integer(&l.MasterID), text(&l.Name), text(&l.Model), integer(&l.Quantity),
			decimal(&l.Price), decimal(&l.Tax), decimal(&l.Total), integer(&l.Reward))
	})
	if err != nil || len(o.Lines) == 0 {
		return err
	}
	_, line := indexByID(o.Lines, func(l *OrderLine) int { return l.ID })
	return eachRow(ctx, db.conn, "SELECT order_option_id, order_product_id, product_option_id, product_option_value_id, name, value, type FROM "+
		db.table("order_option")+" WHERE order_id = ? ORDER BY order_option_id", []any{o.ID}, func(rows *sql.Rows) error {
		var opt OrderOption
		var lineID int
		if err := rows.Scan(&opt.ID, integer(&lineID), integer(&opt.ProductOptionID), integer(&opt.ProductOptionValueID),
			text(&opt.Name), text(&opt.Value), str(&opt.Type)); err != nil {
			return err
		}
		if l := line(lineID); l != nil {
			l.Options = append(l.Options, opt)
		}
		return nil
	})
}

func (db *DB) readOrderTotals(ctx context.Context, o *Order) error {
	extCol := db.columnOr("order_total", "ot", "extension", "''")
	var err error
	o.Totals, err = queryAll(ctx, db.conn, "SELECT order_total_id, code, title, value, sort_order, "+extCol+" FROM "+db.table("order_total")+
		" ot WHERE order_id = ? ORDER BY sort_order, order_total_id", []any{o.ID}, func(rows *sql.Rows, t *OrderTotal) error {
		return rows.Scan(&t.ID, str(&t.Code), text(&t.Title), decimal(&t.Value), integer(&t.SortOrder), str(&t.Extension))
	})
	if err != nil {
		return err
	}
	var names []string
	for _, t := range o.Totals {
		if t.Code == "tax" {
			o.Taxes = append(o.Taxes, OrderTax{Title: t.Title, Amount: t.Value})
			names = append(names, shopText(t.Title))
		}
	}
	if len(names) == 0 {
		return nil
	}
	in, args := inArgs(names)
	rates, err := db.taxRatesWhere(ctx, "name IN ("+in+")", args...)
	if err != nil {
		return err
	}
	for i := range o.Taxes {
		for _, r := range rates {
			if r.Name == o.Taxes[i].Title {
				o.Taxes[i].Rates = append(o.Taxes[i].Rates, r)
			}
		}
	}
	return nil
}

func (db *DB) readOrderHistory(ctx context.Context, o *Order) error {
	statusExpr, joins := db.statusNameJoin("os", "h.order_status_id", "?")
	var err error
	o.History, err = queryAll(ctx, db.conn, "SELECT h.order_history_id, h.order_status_id, "+statusExpr+", h.notify, h.comment, h.date_added FROM "+
		db.table("order_history")+" h"+joins+" WHERE h.order_id = ? ORDER BY h.order_history_id", []any{o.LanguageID, o.ID},
		func(rows *sql.Rows, h *OrderHistory) error {
			return rows.Scan(&h.ID, integer(&h.StatusID), text(&h.StatusName), boolean(&h.Notify), text(&h.Comment), timestamp(&h.DateAdded))
		})
	return err
}
