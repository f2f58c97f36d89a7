package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OrderStatus is an oc_order_status row in the default language.
type OrderStatus struct {
	ID   int
	Name string
}

// OrderStatuses lists the order statuses in the default language, by id.
func (db *DB) OrderStatuses(ctx context.Context) ([]OrderStatus, error) {
	out, err := queryAll(ctx, db.conn, "SELECT order_status_id, name FROM "+db.table("order_status")+
		" WHERE language_id = ? ORDER BY order_status_id", []any{db.defLangID}, func(rows *sql.Rows, s *OrderStatus) error {
		return rows.Scan(&s.ID, text(&s.Name))
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: read order statuses: %w", err)
	}
	return out, nil
}

// Currency is an oc_currency row.
type Currency struct {
	ID           int
	Title        string
	Code         string // ISO 4217
	SymbolLeft   string
	SymbolRight  string
	DecimalPlace int
	// Value is the rate against the default currency (config_currency = 1).
	Value        float64
	Enabled      bool
	DateModified time.Time
}

// Currencies lists all currencies, enabled or not, by id.
func (db *DB) Currencies(ctx context.Context) ([]Currency, error) {
	out, err := queryAll(ctx, db.conn, "SELECT currency_id, title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified FROM "+
		db.table("currency")+" ORDER BY currency_id", nil, func(rows *sql.Rows, c *Currency) error {
		return rows.Scan(&c.ID, text(&c.Title), str(&c.Code), str(&c.SymbolLeft), str(&c.SymbolRight), integer(&c.DecimalPlace),
			decimal(&c.Value), boolean(&c.Enabled), timestamp(&c.DateModified))
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: read currencies: %w", err)
	}
	return out, nil
}

// Extension is an installed extension of one type (oc_extension) with its
// status setting.
type Extension struct {
	Type string // payment, shipping, total, …
	Code string // cod, flat, …
	// Package is the 4.x extension package that provides it ("opencart" for
	// the bundled ones); "" on 3.0.
	Package string
	// Enabled is the <type>_<code>_status setting of store 0.
	Enabled   bool
	SortOrder int // <type>_<code>_sort_order
}

// Extensions lists the installed extensions of a type ("payment",
// "shipping", …), enabled or not, by sort order then code.
func (db *DB) Extensions(ctx context.Context, typ string) ([]Extension, error) {
	pkg := "''"
	if db.hasColumn("extension", "extension") {
		pkg = "e.extension"
	}
	// Settings of extension <code> of type <type> are keyed <type>_<code>_…
	// in every version (3.0 payment_cod_status, 4.x the same).
	query := "SELECT e.type, e.code, " + pkg + ", st.value, so.value FROM " + db.table("extension") + " e" +
		" LEFT JOIN " + db.table("setting") + " st ON st.store_id = 0 AND st.`key` = CONCAT(e.type, '_', e.code, '_status')" +
		" LEFT JOIN " + db.table("setting") + " so ON so.store_id = 0 AND so.`key` = CONCAT(e.type, '_', e.code, '_sort_order')" +
		" WHERE e.type = ? ORDER BY CAST(so.value AS SIGNED), e.code"
	out, err := queryAll(ctx, db.conn, query, []any{typ}, func(rows *sql.Rows, e *Extension) error {
		return rows.Scan(str(&e.Type), str(&e.Code), str(&e.Package), boolean(&e.Enabled), integer(&e.SortOrder))
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: read %s extensions: %w", typ, err)
	}
	return out, nil
}
