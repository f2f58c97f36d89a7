package opencart

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Admin parity: a record the bridge writes from a demo record's own data
// must fill the same tables, and in them the same columns (NULL, empty or
// zero, set), as OpenCart's installer did for the demo record. Known,
// deliberate differences are listed where they apply.

// columnClasses returns, per column, the classes (null, empty, set) of its
// values over the selected rows.
func columnClasses(t *testing.T, db *DB, table, where string, args ...any) map[string]string {
	t.Helper()
	query := "SELECT * FROM " + db.quoted(table) + " WHERE " + where
	r, err := db.conn.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	cols, _ := r.Columns()
	r.Close()
	classes := map[string]map[string]bool{}
	for _, row := range queryRows(t, db, query, args...) {
		for i, v := range row {
			if classes[cols[i]] == nil {
				classes[cols[i]] = map[string]bool{}
			}
			classes[cols[i]][classify(v)] = true
		}
	}
	out := map[string]string{}
	for col, set := range classes {
		out[col] = strings.Join(slices.Sorted(maps.Keys(set)), "|")
	}
	return out
}

func classify(v string) string {
	switch {
	case v == "NULL":
		return "null"
	case v == "" || strings.HasPrefix(v, "0000-00-00"):
		return "empty"
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f == 0 {
		return "empty"
	}
	return "set"
}

// compareClasses reports columns whose classes differ between the demo's
// rows and the bridge's.
func compareClasses(t *testing.T, db *DB, table, where string, demoArgs, bridgeArgs []any) {
	t.Helper()
	demo := columnClasses(t, db, table, where, demoArgs...)
	bridge := columnClasses(t, db, table, where, bridgeArgs...)
	for _, col := range slices.Sorted(maps.Keys(demo)) {
		if demo[col] != bridge[col] {
			t.Errorf("%s.%s: demo record %s, bridge %s", db.table(table), col, demo[col], bridge[col])
		}
	}
}

// filledTables lists the tables with a column named idColumn that have rows
// for id.
func filledTables(t *testing.T, db *DB, idColumn string, id int) []string {
	t.Helper()
	var out []string
	for _, r := range queryRows(t, db, "SELECT TABLE_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = ? ORDER BY TABLE_NAME", idColumn) {
		table := strings.TrimPrefix(r[0], db.prefix)
		if queryValue(t, db, "SELECT COUNT(*) FROM "+db.quoted(table)+" WHERE `"+idColumn+"` = ?", id) != "0" {
			out = append(out, table)
		}
	}
	return out
}

// compareTables checks that the bridge's record fills the demo record's
// tables, minus what the bridge deliberately does not write, plus what
// OpenCart's admin form writes but the installer's demo data lacks.
func compareTables(t *testing.T, db *DB, idColumn string, demoID, bridgeID int, notWritten, adminExtra []string) []string {
	t.Helper()
	var want []string
	for _, table := range filledTables(t, db, idColumn, demoID) {
		if !slices.Contains(notWritten, table) {
			want = append(want, table)
		}
	}
	want = slices.Sorted(slices.Values(append(want, adminExtra...)))
	got := filledTables(t, db, idColumn, bridgeID)
	if !slices.Equal(got, want) {
		t.Errorf("bridge's %s %d fills tables %v; the demo's %d fills %v (expected %v)", idColumn, bridgeID, got, demoID, filledTables(t, db, idColumn, demoID), want)
	}
	return want
}

// seoCondition selects the SEO URLs of the record whose id is the argument.
func seoCondition(db *DB, kind string) string {
	switch {
	case db.flavour == V30:
		return "`query` = CONCAT('" + kind + "=', ?)"
	case kind == "category_id":
		return "`key` = 'path' AND SUBSTRING_INDEX(`value`, '_', -1) = ?"
	}
	return "`key` = '" + kind + "' AND `value` = ?"
}

func testAdminParityProduct(t *testing.T, db *DB) {
	lang := db.DefaultLanguageID()
	demo := queryRows(t, db, `SELECT model, quantity, stock_status_id, image, manufacturer_id, shipping, price, points, tax_class_id,
		date_available, weight, weight_class_id, length_class_id, subtract, minimum, sort_order FROM oc_product WHERE product_id = 40`)[0]
	d := plain(queryRows(t, db, "SELECT name, description, tag, meta_title, meta_description, meta_keyword FROM oc_product_description WHERE product_id = 40"), 0, 1, 2, 3, 4, 5)[0]
	num := func(s string) float64 { f, _ := strconv.ParseFloat(s, 64); return f }
	n := func(s string) int { return int(num(s)) }
	available, _ := time.Parse("2006-01-02", demo[9])
	p := Product{
		Model: demo[0], Quantity: n(demo[1]), StockStatusID: n(demo[2]), Image: demo[3], ManufacturerID: n(demo[4]),
		Shipping: demo[5] == "1", Price: num(demo[6]), Points: n(demo[7]), TaxClassID: n(demo[8]), DateAvailable: available,
		Weight: num(demo[10]), WeightClassID: n(demo[11]), LengthClassID: n(demo[12]), Subtract: demo[13] == "1",
		Minimum: n(demo[14]), SortOrder: n(demo[15]), Status: true,
		Descriptions: map[int]ProductDescription{lang: {Name: d[0], Description: d[1], Tag: d[2], MetaTitle: d[3], MetaDescription: d[4], MetaKeyword: d[5]}},
		Keyword:      "iphone-bridge",
	}
	for _, r := range queryRows(t, db, "SELECT category_id FROM oc_product_to_category WHERE product_id = 40 ORDER BY category_id") {
		p.Categories = append(p.Categories, n(r[0]))
	}
	for _, r := range queryRows(t, db, "SELECT image, sort_order FROM oc_product_image WHERE product_id = 40 ORDER BY product_image_id") {
		p.Images = append(p.Images, ProductImage{Path: r[0], SortOrder: n(r[1])})
	}
	written, err := db.UpsertProducts(context.Background(), []Product{p})
	if err != nil {
		t.Fatal(err)
	}
	id := written[0].ProductID

	// Not written by the bridge: related products (cross-sells) and reward
	// points per customer group. The admin form posts a layout per store on
	// 3.0/4.0, which the installer's demo rows lack.
	var extra []string
	if db.flavour != V41 {
		extra = []string{"product_to_layout"}
	}
	tables := compareTables(t, db, "product_id", 40, id, []string{"product_related", "product_reward"}, extra)
	for _, table := range tables {
		if !slices.Contains(extra, table) {
			compareClasses(t, db, table, "product_id = ?", []any{40}, []any{id})
		}
	}
	compareClasses(t, db, "seo_url", seoCondition(db, "product_id"), []any{40}, []any{id})
	if !productVisible(t, db, id) {
		t.Errorf("the bridge's copy of the demo iPhone is not visible")
	}
}

func testAdminParityCategory(t *testing.T, db *DB) {
	lang := db.DefaultLanguageID()
	cols := "image, parent_id, sort_order, status"
	if db.flavour != V41 {
		cols += ", top, `column`"
	}
	demo := queryRows(t, db, "SELECT "+cols+" FROM oc_category WHERE category_id = 20")[0]
	d := plain(queryRows(t, db, "SELECT name, description, meta_title, meta_description, meta_keyword FROM oc_category_description WHERE category_id = 20"), 0, 1, 2, 3, 4)[0]
	c := Category{Image: demo[0], SortOrder: atoi(t, demo[2]), Status: demo[3] == "1",
		Descriptions: map[int]CategoryDescription{lang: {Name: d[0], Description: d[1], MetaTitle: d[2], MetaDescription: d[3], MetaKeyword: d[4]}},
		Keyword:      "desktops-bridge",
	}
	if db.flavour != V41 {
		c.Top, c.Column = demo[4] == "1", atoi(t, demo[5])
	}
	id, err := db.UpsertCategory(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	// Products link themselves to categories; layouts as for products.
	var extra []string
	if db.flavour != V41 {
		extra = []string{"category_to_layout"}
	}
	tables := compareTables(t, db, "category_id", 20, id, []string{"product_to_category"}, extra)
	for _, table := range tables {
		if !slices.Contains(extra, table) {
			compareClasses(t, db, table, "category_id = ?", []any{20}, []any{id})
		}
	}
	compareClasses(t, db, "seo_url", seoCondition(db, "category_id"), []any{"20"}, []any{fmt.Sprint(id)})
}

func testAdminParityOption(t *testing.T, db *DB) {
	ctx := context.Background()
	lang := db.DefaultLanguageID()
	demo := queryRows(t, db, "SELECT type, sort_order FROM oc_option WHERE option_id = 5")[0]
	o := Option{Type: demo[0], SortOrder: atoi(t, demo[1]), Names: map[int]string{lang: queryValue(t, db, "SELECT name FROM oc_option_description WHERE option_id = 5")}}
	for _, r := range queryRows(t, db, "SELECT ov.image, ov.sort_order, ovd.name FROM oc_option_value ov JOIN oc_option_value_description ovd USING (option_value_id) WHERE ov.option_id = 5 ORDER BY ov.sort_order") {
		o.Values = append(o.Values, OptionValue{Image: r[0], SortOrder: atoi(t, r[1]), Names: map[int]string{lang: plainText(r[2])}})
	}
	o, err := db.UpsertOption(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	tables := compareTables(t, db, "option_id", 5, o.ID, []string{"product_option", "product_option_value"}, nil)
	for _, table := range tables {
		compareClasses(t, db, table, "option_id = ?", []any{5}, []any{o.ID})
	}

	// A product offering option 5 like the demo's Apple Cinema 30" (42).
	offered := ProductOption{OptionID: 5, Required: true}
	for _, r := range queryRows(t, db, "SELECT option_value_id, quantity, subtract, price, price_prefix, points, points_prefix, weight, weight_prefix FROM oc_product_option_value WHERE product_id = 42 AND option_id = 5 ORDER BY product_option_value_id") {
		sign := func(v, prefix string) float64 {
			f, _ := strconv.ParseFloat(v, 64)
			if prefix == "-" {
				return -f
			}
			return f
		}
		offered.Values = append(offered.Values, ProductOptionValue{OptionValueID: atoi(t, r[0]), Quantity: atoi(t, r[1]), Subtract: r[2] == "1",
			Price: sign(r[3], r[4]), Points: int(sign(r[5], r[6])), Weight: sign(r[7], r[8])})
	}
	written, err := db.UpsertProducts(ctx, []Product{{Model: "cinema-bridge", Status: true,
		Descriptions: map[int]ProductDescription{lang: {Name: "Cinema bridge"}}, Options: []ProductOption{offered}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"product_option", "product_option_value"} {
		compareClasses(t, db, table, "product_id = ? AND option_id = 5", []any{42}, []any{written[0].ProductID})
	}
}
