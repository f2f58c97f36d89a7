package ocschema_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/opencart/ocschema"
	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

func TestCreateGivesAWorkingShop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := octest.NewDatabase(t, "ocschema")
	if err := ocschema.Create(ctx, dsn, "oc_"); err != nil {
		t.Fatal(err)
	}
	if err := ocschema.Create(ctx, dsn, "oc_"); err == nil || !strings.Contains(err.Error(), "already has") {
		t.Errorf("second Create error = %v, want a refusal to touch existing tables", err)
	}
	db, err := opencart.Open(ctx, opencart.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Flavour() != opencart.V402 || len(db.Languages()) != 1 || db.Languages()[0].Code != "en-gb" {
		t.Fatalf("Open detected %v with languages %+v, want 4.0.2 with en-gb", db.Flavour(), db.Languages())
	}

	statuses, err := db.OrderStatuses(ctx)
	if err != nil || len(statuses) != 14 {
		t.Errorf("order statuses = %d, %v; want 14", len(statuses), err)
	}
	if cur, _, err := db.Setting(ctx, 0, "config_currency"); err != nil || cur != "USD" {
		t.Errorf("config_currency = %q, %v", cur, err)
	}
	for typ, code := range map[string]string{"payment": "cod", "shipping": "flat"} {
		exts, err := db.Extensions(ctx, typ)
		if err != nil || len(exts) != 1 || exts[0].Code != code || !exts[0].Enabled {
			t.Errorf("%s extensions = %+v, %v; want %s enabled", typ, exts, err, code)
		}
	}
	rates, err := db.TaxFor(ctx, 9, opencart.TaxContext{CustomerGroupID: 1, Shipping: &opencart.Location{CountryID: 222, ZoneID: 3563}})
	if err != nil || len(rates) != 1 || opencart.TaxAmount(rates, 50) != 10 {
		t.Errorf("UK VAT on taxable goods = %+v, %v; want 20%%", rates, err)
	}
	if cats, err := db.Categories(ctx, 0, 10); err != nil || len(cats) != 0 {
		t.Errorf("categories = %d, %v; want none yet", len(cats), err)
	}

	// An order written the way OpenCart 4.0.2.3's checkout writes it reads back.
	raw := openRaw(t, dsn)
	id := octest.PlaceOrder(t, raw, ocschema.Version, octest.Order{
		FirstName: "Ann", Email: "ann@example.com",
		Payment:       octest.Address{FirstName: "Ann", City: "Berlin", CountryID: 81, ZoneID: 1256},
		PaymentMethod: octest.Method{Name: "Cash On Delivery", Code: "cod.cod"},
		Lines:         []octest.Line{{ProductID: 1, Name: "Widget", Model: "W-1", Quantity: 3, Price: 10}},
		Totals:        []octest.Total{{Code: "sub_total", Title: "Sub-Total", Value: 30, SortOrder: 1}, {Code: "total", Title: "Total", Value: 30, SortOrder: 9}},
		Status:        1,
	})
	o, err := db.Order(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if o.StatusName != "Pending" || o.Payment.Code != "cod.cod" || o.PaymentAddress.CountryISO2 != "DE" || o.PaymentAddress.ZoneCode != "BE" ||
		len(o.Lines) != 1 || o.Total != 30 || o.CurrencyCode != "USD" {
		t.Errorf("order = %+v", o)
	}
}

func TestCreateWithOtherPrefix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := octest.NewDatabase(t, "ocschema_prefix")
	if err := ocschema.Create(ctx, dsn, "shop1_"); err != nil {
		t.Fatal(err)
	}
	db, err := opencart.Open(ctx, opencart.Config{DSN: dsn, TablePrefix: "shop1_"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Flavour() != opencart.V402 {
		t.Errorf("flavour = %v, want 4.0.2", db.Flavour())
	}
	if _, err := opencart.Open(ctx, opencart.Config{DSN: dsn}); err == nil || !strings.Contains(err.Error(), "prefix") {
		t.Errorf("Open with the default prefix oc_ = %v, want an error about the prefix", err)
	}
	if err := ocschema.Create(ctx, dsn, "bad-prefix"); err == nil {
		t.Errorf("Create accepted the prefix \"bad-prefix\"")
	}
}

// TestSchemaMatchesRealDump fails when the hand-written DDL drifts from a
// real OpenCart 4.0.2.3 install: every table and column it creates must exist
// there with the same type, nullability, default and primary key.
func TestSchemaMatchesRealDump(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ours := octest.NewDatabase(t, "ocschema_drift")
	if err := ocschema.Create(ctx, ours, "oc_"); err != nil {
		t.Fatal(err)
	}
	real := octest.NewShop(t, ocschema.Version)
	raw := openRaw(t, ours)
	oursCols, err := describe(ctx, raw, dbName(t, ours))
	if err != nil {
		t.Fatal(err)
	}
	realCols, err := describe(ctx, raw, dbName(t, real))
	if err != nil {
		t.Fatal(err)
	}
	if len(oursCols) < 400 {
		t.Fatalf("only %d columns described; the comparison would prove little", len(oursCols))
	}
	for key, def := range oursCols {
		want, ok := realCols[key]
		switch {
		case !ok:
			t.Errorf("%s: not in OpenCart %s", key, ocschema.Version)
		case def != want:
			t.Errorf("%s: ocschema has %s, OpenCart %s has %s", key, def, ocschema.Version, want)
		}
	}
}

// describe lists "table.column" → definition, and "table" → engine,
// collation and primary key, for a database.
func describe(ctx context.Context, db *sql.DB, schema string) (map[string]string, error) {
	out := map[string]string{}
	queries := []string{
		`SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME), CONCAT_WS(' ', COLUMN_TYPE, IF(IS_NULLABLE = 'YES', 'NULL', 'NOT NULL'),
			CONCAT('DEFAULT ', COALESCE(COLUMN_DEFAULT, '-')), EXTRA, COLLATION_NAME) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?`,
		`SELECT TABLE_NAME, CONCAT_WS(' ', ENGINE, TABLE_COLLATION) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
		`SELECT CONCAT(TABLE_NAME, ' primary key'), GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) FROM information_schema.STATISTICS
			WHERE TABLE_SCHEMA = ? AND INDEX_NAME = 'PRIMARY' GROUP BY TABLE_NAME`,
	}
	for _, q := range queries {
		rows, err := db.QueryContext(ctx, q, schema)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = v
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func openRaw(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func dbName(t *testing.T, dsn string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(fmt.Errorf("parse %s: %w", "DSN", err))
	}
	return cfg.DBName
}
