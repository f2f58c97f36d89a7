package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

// nasty is text that breaks naive SQL, HTML and utf8mb3: quotes, markup,
// an ampersand entity look-alike and characters outside the BMP.
const nasty = `Tom & Jerry's "Deluxe" <b>Bold</b> &amp; 🎉 Grüße 日本`

// TestWriter runs the writer tests against a fresh shop of each OpenCart
// version. The subtests of a version share its shop (loading a dump takes
// seconds) and each writes records of its own, or restores what it moves.
func TestWriter(t *testing.T) {
	for _, version := range octest.Versions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			db := openWriterShop(t, version)
			t.Run("AdminParityProduct", func(t *testing.T) { testAdminParityProduct(t, db) })
			t.Run("AdminParityCategory", func(t *testing.T) { testAdminParityCategory(t, db) })
			t.Run("AdminParityOption", func(t *testing.T) { testAdminParityOption(t, db) })
			t.Run("CategoryRoundTrip", func(t *testing.T) { testCategoryRoundTrip(t, db) })
			t.Run("CategoryMove", func(t *testing.T) { testCategoryMove(t, db) })
			t.Run("OptionRoundTrip", func(t *testing.T) { testOptionRoundTrip(t, db) })
			t.Run("ProductRoundTrip", func(t *testing.T) { testProductRoundTrip(t, db) })
			t.Run("ProductRefusals", func(t *testing.T) { testProductRefusals(t, db) })
			t.Run("Variants", func(t *testing.T) { testVariants(t, db) })
			t.Run("Stock", func(t *testing.T) { testStock(t, db) })
			t.Run("OrderStatus", func(t *testing.T) { testOrderStatus(t, db) })
			t.Run("CachePurge", func(t *testing.T) { testCachePurge(t, db) })
			t.Run("StatementCount", func(t *testing.T) { testStatementCount(t, db) })
			t.Run("AutoIncrementNumbering", func(t *testing.T) { testAutoIncrementNumbering(t, db) })
			t.Run("EnableLast", func(t *testing.T) { testEnableLast(t, db) })
		})
	}
}

// openWriterShop opens a fresh shop with a cache directory of its own.
func openWriterShop(t *testing.T, version string) *DB {
	t.Helper()
	db, err := Open(context.Background(), Config{DSN: octest.NewShop(t, version), CacheDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Open %s: %v", version, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// queryRows runs a query and returns every row as strings ("NULL" for NULL).
func queryRows(t *testing.T, db *DB, query string, args ...any) [][]string {
	t.Helper()
	query = strings.ReplaceAll(query, "oc_", db.prefix)
	r, err := db.conn.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer r.Close()
	cols, _ := r.Columns()
	var out [][]string
	for r.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = "NULL"
			if v.Valid {
				row[i] = v.String
			}
		}
		out = append(out, row)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// plain decodes the given columns of stored rows from OpenCart's escaped form.
func plain(rows [][]string, cols ...int) [][]string {
	for _, r := range rows {
		for _, c := range cols {
			r[c] = plainText(r[c])
		}
	}
	return rows
}

// queryValue runs a query that returns exactly one value.
func queryValue(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	got := queryRows(t, db, query, args...)
	if len(got) != 1 || len(got[0]) != 1 {
		t.Fatalf("%s %v: got %v, want one value", query, args, got)
	}
	return got[0][0]
}

// execSQL runs a statement on the shop.
func execSQL(t *testing.T, db *DB, query string, args ...any) {
	t.Helper()
	if _, err := db.conn.ExecContext(context.Background(), strings.ReplaceAll(query, "oc_", db.prefix), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// wantRows compares query results with the wanted rows.
func wantRows(t *testing.T, db *DB, want [][]string, query string, args ...any) {
	t.Helper()
	got := queryRows(t, db, query, args...)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s %v:\n got %v\nwant %v", query, args, got, want)
	}
}

// seoRows returns a record's SEO URLs as (store, language, keyword) rows,
// whatever the flavour stores them as; target is "product_id=N" or
// "category_id=N".
func seoRows(t *testing.T, db *DB, target string) [][]string {
	t.Helper()
	if db.flavour == V30 {
		return queryRows(t, db, "SELECT store_id, language_id, keyword FROM oc_seo_url WHERE `query` = ? ORDER BY store_id, language_id", target)
	}
	key, id, _ := strings.Cut(target, "=")
	if key == "category_id" {
		return queryRows(t, db, "SELECT store_id, language_id, keyword FROM oc_seo_url WHERE `key` = 'path' AND (`value` = ? OR `value` LIKE ?) ORDER BY store_id, language_id", id, "%\\_"+id)
	}
	return queryRows(t, db, "SELECT store_id, language_id, keyword FROM oc_seo_url WHERE `key` = ? AND `value` = ? ORDER BY store_id, language_id", key, id)
}

func itoa(i int) string { return fmt.Sprint(i) }

// productVisible is the storefront's test for a product page (catalog
// model getProduct): enabled, available, described in the language, in the store.
func productVisible(t *testing.T, db *DB, productID int) bool {
	t.Helper()
	return queryValue(t, db, `SELECT COUNT(*) FROM oc_product p
		JOIN oc_product_description pd ON pd.product_id = p.product_id AND pd.language_id = ?
		JOIN oc_product_to_store p2s ON p2s.product_id = p.product_id AND p2s.store_id = 0
		WHERE p.product_id = ? AND p.status = 1 AND p.date_available <= NOW()`, db.DefaultLanguageID(), productID) == "1"
}

// testStatementCount checks the benchmarks' statement counter, and that a
// small batch of products costs the statements it should.
func testStatementCount(t *testing.T, db *DB) {
	db.conn.SetMaxOpenConns(1)
	defer db.conn.SetMaxOpenConns(0)
	q0 := questions(t, db)
	execSQL(t, db, "DO 1")
	execSQL(t, db, "DO 2")
	if n := statementsSince(t, db, q0); n != 2 {
		t.Fatalf("counted %d statements for 2", n)
	}
	size := sizeOption(t, db, "Size for counting")
	products := benchCatalog(db, size, "count")[:30]
	q0 = questions(t, db)
	if _, err := db.UpsertProducts(context.Background(), products); err != nil {
		t.Fatal(err)
	}
	// A batch costs a fixed number of statements, whatever its size.
	n := statementsSince(t, db, q0)
	t.Logf("30 products: %d statements", n)
	if n > 30 {
		t.Errorf("writing 30 products took %d statements, want a fixed handful per batch", n)
	}
}

// testAutoIncrementNumbering checks the ids given to rows of multi-row
// inserts when the server steps auto-increment values by more than one (as
// Galera does) and when each row needs a statement of its own
// (innodb_autoinc_lock_mode 2).
func testAutoIncrementNumbering(t *testing.T, db *DB) {
	ctx := context.Background()
	db.conn.SetMaxOpenConns(1) // the session variable below must reach the writes
	defer db.conn.SetMaxOpenConns(0)
	execSQL(t, db, "SET SESSION auto_increment_increment = 3")
	defer execSQL(t, db, "SET SESSION auto_increment_increment = 1")

	lang := db.DefaultLanguageID()
	o := Option{Type: "radio", Names: map[int]string{lang: "Stepped"}}
	for i := 1; i <= 4; i++ {
		o.Values = append(o.Values, OptionValue{Names: map[int]string{lang: fmt.Sprint("v", i)}, SortOrder: i})
	}
	o, err := db.UpsertOption(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range o.Values {
		if i > 0 && v.ID != o.Values[i-1].ID+3 {
			t.Errorf("value ids %v are not 3 apart", o.Values)
		}
		wantRows(t, db, [][]string{{itoa(i + 1), fmt.Sprint("v", i+1)}}, "SELECT sort_order, name FROM oc_option_value JOIN oc_option_value_description USING (option_value_id) WHERE option_value_id = ?", v.ID)
	}

	ins := db.insertInto("option_value", "option_id", "image", "sort_order")
	for i := 0; i < 3; i++ {
		ins.add(o.ID, "row-by-row", 10+i)
	}
	var ids []int64
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		ids, err = ins.execIDs(ctx, tx, autoIncrement{step: 3, consecutive: false})
		return err
	})
	if err != nil || len(ids) != 3 {
		t.Fatalf("row-by-row insert: ids %v, err %v; want 3 ids", ids, err)
	}
	for i, id := range ids {
		wantRows(t, db, [][]string{{itoa(10 + i)}}, "SELECT sort_order FROM oc_option_value WHERE option_value_id = ?", id)
	}
}
