package opencart

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

// The bridge adopts and updates products and categories that merchants keep
// editing in OpenCart. These tests give a demo product and a demo category
// what a merchant adds in the admin (specials, filters, downloads, layouts,
// another store and language, SEO keywords, meta texts, codes), update them
// with only the fields the catalog sync manages, and compare every row of
// every table holding product or category ids, and all SEO URLs, before and
// after.

const (
	keptProduct  = 42 // Apple Cinema 30": specials, discounts, related, reward, attribute, images, options, SEO
	keptCategory = 18 // Laptops & Notebooks: image, SEO, sub-categories 45 and 46
	outletStore  = 1  // a second store the test adds
	otherLang    = 2  // a second language the test adds
)

func TestUpdateKeepsShopData(t *testing.T) {
	for _, version := range octest.Versions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			dsn := octest.NewShop(t, version)
			seed, err := Open(context.Background(), Config{DSN: dsn})
			if err != nil {
				t.Fatal(err)
			}
			addMerchantData(t, seed)
			seed.Close()
			db, err := Open(context.Background(), Config{DSN: dsn, CacheDir: t.TempDir()}) // sees the new store and language
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			t.Run("ProductSync", func(t *testing.T) { testProductSyncKeepsShopData(t, db) })
			t.Run("CategorySync", func(t *testing.T) { testCategorySyncKeepsShopData(t, db) })
			t.Run("GivenFields", func(t *testing.T) { testUpdateWritesOnlyGivenFields(t, db) })
		})
	}
}

// addMerchantData adds a store, a language and, for the kept product and
// category, the rows a merchant maintains in OpenCart that the demo data
// lacks. Raw SQL, as OpenCart's admin writes it.
func addMerchantData(t *testing.T, db *DB) {
	p, c := itoa(keptProduct), itoa(keptCategory)
	for _, q := range []string{
		"INSERT INTO oc_store SET store_id = 1, name = 'Outlet', url = 'http://outlet.example/'",
		"INSERT INTO oc_language SET language_id = 2, name = 'Deutsch', code = 'de-de', locale = 'de_DE', sort_order = 2, status = 1",

		"UPDATE oc_product SET location = 'Aisle 5' WHERE product_id = " + p,
		"UPDATE oc_product_description SET tag = 'cinema, display', meta_description = 'Merchant meta', meta_keyword = 'apple cinema' WHERE product_id = " + p,
		"INSERT INTO oc_product_description SET product_id = " + p + ", language_id = 2, name = 'Kino 30', description = '&lt;p&gt;Deutsch&lt;/p&gt;', tag = 'kino', meta_title = 'Kino', meta_description = 'md', meta_keyword = 'mk'",
		"INSERT INTO oc_product_to_store SET product_id = " + p + ", store_id = 1",
		"INSERT INTO oc_product_to_layout SET product_id = " + p + ", store_id = 0, layout_id = 5",
		"INSERT INTO oc_product_to_layout SET product_id = " + p + ", store_id = 1, layout_id = 2",
		"INSERT INTO oc_product_filter SET product_id = " + p + ", filter_id = 1",
		"INSERT INTO oc_product_to_download SET product_id = " + p + ", download_id = 1",

		"UPDATE oc_category_description SET meta_title = 'Laptops - best prices', meta_description = 'Merchant meta', meta_keyword = 'laptops' WHERE category_id = " + c,
		"INSERT INTO oc_category_description SET category_id = " + c + ", language_id = 2, name = 'Notebooks', description = '', meta_title = 'Notebooks', meta_description = '', meta_keyword = ''",
		"INSERT INTO oc_category_to_store SET category_id = " + c + ", store_id = 1",
		"INSERT INTO oc_category_to_layout SET category_id = " + c + ", store_id = 0, layout_id = 3",
		"INSERT INTO oc_category_filter SET category_id = " + c + ", filter_id = 1",
	} {
		execSQL(t, db, q)
	}
	if db.flavour == V41 {
		execSQL(t, db, "INSERT INTO oc_product_code (product_id, code, `value`) VALUES (?, 'MPN', 'MB-42'), (?, 'ISBN', '978-3-16')", keptProduct, keptProduct)
		// 4.1 keeps specials as discounts with special = 1.
		execSQL(t, db, "INSERT INTO oc_product_discount SET product_id = ?, customer_group_id = 1, quantity = 0, priority = 1, price = 90, type = 'F', special = 1, date_start = '0000-00-00', date_end = '0000-00-00'", keptProduct)
	} else {
		execSQL(t, db, "UPDATE oc_product SET jan = '4900000000001', isbn = '978-3-16', mpn = 'MB-42' WHERE product_id = ?", keptProduct)
	}
	// SEO keywords in the other store and language.
	if db.flavour == V30 {
		execSQL(t, db, "INSERT INTO oc_seo_url (store_id, language_id, `query`, keyword) VALUES (1, 1, ?, 'cinema-outlet'), (0, 2, ?, 'kino-30'), (1, 1, ?, 'laptops-outlet'), (0, 2, ?, 'notebooks')",
			"product_id="+p, "product_id="+p, "category_id="+c, "category_id="+c)
	} else {
		execSQL(t, db, "INSERT INTO oc_seo_url (store_id, language_id, `key`, `value`, keyword, sort_order) VALUES (1, 1, 'product_id', ?, 'cinema-outlet', 1), (0, 2, 'product_id', ?, 'kino-30', 1), (1, 1, 'path', ?, 'laptops-outlet', 0), (0, 2, 'path', ?, 'notebooks', 0)",
			p, p, c, c)
	}
}

// syncedProduct is the demo product as the catalog sync writes it: the
// fields it manages (its current categories and options, a new price,
// stock, name and description, the SKU), nothing else.
func syncedProduct(t *testing.T, db *DB) Product {
	t.Helper()
	cur, err := db.ProductsByID(context.Background(), []int{keptProduct})
	if err != nil || len(cur) != 1 {
		t.Fatalf("read product %d: %v", keptProduct, err)
	}
	return Product{
		ID: keptProduct, Model: cur[0].Model, Codes: ProductCodes{SKU: cur[0].Model},
		Price: 95.5, Quantity: 12, Subtract: true, Shipping: true, Weight: cur[0].Weight, TaxClassID: cur[0].TaxClassID, Status: true,
		Descriptions: map[int]ProductDescription{db.DefaultLanguageID(): {Name: `Apple Cinema 30" (Odoo)`, Description: "<p>From Odoo</p>"}},
		Categories:   cur[0].Categories,
		Options:      cur[0].Options,
	}
}

func testProductSyncKeepsShopData(t *testing.T, db *DB) {
	ctx := context.Background()
	before := snapshotCatalog(t, db)
	if _, err := db.UpsertProducts(ctx, []Product{syncedProduct(t, db)}); err != nil {
		t.Fatal(err)
	}
	after := snapshotCatalog(t, db)
	lang := itoa(db.DefaultLanguageID())
	changed := []string{"price", "quantity", "date_modified"}
	if db.flavour != V41 {
		changed = append(changed, "sku")
	}
	want := map[string]rowChange{
		"product":             {key: []string{"product_id=42"}, columns: changed},
		"product_description": {key: []string{"product_id=42", "language_id=" + lang}, columns: []string{"name", "description"}},
	}
	if db.flavour == V41 {
		want["product_code"] = rowChange{added: []string{"product_id=42", "code=SKU", "value=Product 15"}}
	}
	checkChanges(t, before, after, want)
	if !productVisible(t, db, keptProduct) {
		t.Errorf("product %d is not visible after the update", keptProduct)
	}

	// The same update again changes nothing but the modification time.
	if _, err := db.UpsertProducts(ctx, []Product{syncedProduct(t, db)}); err != nil {
		t.Fatal(err)
	}
	checkChanges(t, after, snapshotCatalog(t, db), map[string]rowChange{
		"product": {key: []string{"product_id=42"}, columns: []string{"date_modified"}, optional: true},
	})
}

// syncedCategory is the demo category as the catalog sync writes it: parent,
// status and a new name.
func syncedCategory(db *DB) Category {
	return Category{ID: keptCategory, Status: true,
		Descriptions: map[int]CategoryDescription{db.DefaultLanguageID(): {Name: "Laptops (Odoo)"}}}
}

func testCategorySyncKeepsShopData(t *testing.T, db *DB) {
	ctx := context.Background()
	before := snapshotCatalog(t, db)
	if _, err := db.UpsertCategory(ctx, syncedCategory(db)); err != nil {
		t.Fatal(err)
	}
	after := snapshotCatalog(t, db)
	want := map[string]rowChange{
		"category_description": {key: []string{"category_id=18", "language_id=" + itoa(db.DefaultLanguageID())}, columns: []string{"name"}},
	}
	if db.flavour != V41 { // 4.1 has no dates on categories
		want["category"] = rowChange{key: []string{"category_id=18"}, columns: []string{"date_modified"}}
	}
	checkChanges(t, before, after, want)
	if !categoryVisible(t, db, keptCategory) {
		t.Errorf("category %d is not visible after the update", keptCategory)
	}

	if _, err := db.UpsertCategory(ctx, syncedCategory(db)); err != nil {
		t.Fatal(err)
	}
	again := map[string]rowChange{}
	if db.flavour != V41 {
		again["category"] = rowChange{key: []string{"category_id=18"}, columns: []string{"date_modified"}, optional: true}
	}
	checkChanges(t, after, snapshotCatalog(t, db), again)
}

// testUpdateWritesOnlyGivenFields gives an update the optional fields and
// checks they change exactly the rows they address.
func testUpdateWritesOnlyGivenFields(t *testing.T, db *DB) {
	ctx := context.Background()
	lang := db.DefaultLanguageID()
	p := syncedProduct(t, db)
	imageIDs := queryRows(t, db, "SELECT product_image_id, image, sort_order FROM oc_product_image WHERE product_id = ? ORDER BY product_image_id", keptProduct)
	for _, r := range imageIDs[1:] { // the first one goes, one comes
		p.Images = append(p.Images, ProductImage{Path: r[1], SortOrder: atoi(t, r[2])})
	}
	p.Images = append(p.Images, ProductImage{Path: "catalog/odoo/42.jpg", SortOrder: 9})
	p.Keyword = "cinema-odoo"                                                      // store 0, language 1 (Stores nil) …
	p.Keywords = map[StoreLanguage]string{{StoreID: 0, LanguageID: otherLang}: ""} // … not language 2
	p.Layouts = map[int]int{0: 6}
	p.Descriptions[lang] = ProductDescription{Name: "Cinema", MetaTitle: "Cinema meta", Tag: "odoo"}
	p.ManufacturerID, p.SortOrder = 5, 3
	if _, err := db.UpsertProducts(ctx, []Product{p}); err != nil {
		t.Fatal(err)
	}
	kept := [][]string{}
	for _, r := range imageIDs[1:] {
		kept = append(kept, []string{r[0], r[1]})
	}
	kept = append(kept, []string{"new", "catalog/odoo/42.jpg"})
	wantRows(t, db, kept, "SELECT IF(product_image_id > ?, 'new', product_image_id), image FROM oc_product_image WHERE product_id = ? ORDER BY product_image_id",
		imageIDs[len(imageIDs)-1][0], keptProduct)
	wantRows(t, db, [][]string{{"0", itoa(lang), "cinema-odoo"}, {"0", itoa(otherLang), "kino-30"}, {"1", itoa(lang), "cinema-outlet"}},
		"SELECT store_id, language_id, keyword FROM oc_seo_url WHERE "+seoCondition(db, "product_id")+" ORDER BY store_id, language_id", keptProduct)
	wantRows(t, db, [][]string{{"0", "6"}, {"1", "2"}}, "SELECT store_id, layout_id FROM oc_product_to_layout WHERE product_id = ? ORDER BY store_id", keptProduct)
	wantRows(t, db, [][]string{{"Cinema", "Cinema meta", "odoo", "Merchant meta", "&lt;p&gt;From Odoo&lt;/p&gt;"}},
		"SELECT name, meta_title, tag, meta_description, description FROM oc_product_description WHERE product_id = ? AND language_id = ?", keptProduct, lang)
	wantRows(t, db, [][]string{{"5", "3", "2"}}, "SELECT manufacturer_id, sort_order, minimum FROM oc_product WHERE product_id = ?", keptProduct)

	// Categories: a new keyword for store 0 (both languages); on 4.x the
	// sub-categories' URLs there follow it; store 1 keeps its keyword.
	c := syncedCategory(db)
	c.Keyword, c.Image = "laptops-odoo", "catalog/odoo/laptops.png"
	if _, err := db.UpsertCategory(ctx, c); err != nil {
		t.Fatal(err)
	}
	wantRows(t, db, [][]string{{"0", itoa(lang), "laptops-odoo"}, {"0", itoa(otherLang), "laptops-odoo"}, {"1", itoa(lang), "laptops-outlet"}},
		"SELECT store_id, language_id, keyword FROM oc_seo_url WHERE "+seoCondition(db, "category_id")+" ORDER BY store_id, language_id", keptCategory)
	if db.flavour != V30 {
		wantRows(t, db, [][]string{{"18_45", "laptops-odoo/windows"}, {"18_46", "laptops-odoo/macs"}},
			"SELECT `value`, keyword FROM oc_seo_url WHERE `key` = 'path' AND `value` LIKE '18\\_%' ORDER BY `value`")
	}
	wantRows(t, db, [][]string{{"catalog/odoo/laptops.png", "2"}}, "SELECT image, sort_order FROM oc_category WHERE category_id = ?", keptCategory)
	checkClosure(t, db, "after updating category 18")
}

// tableRows are the rows of one table, each as column=value strings.
type tableRows map[string][][]string

// snapshotCatalog reads every row of every table with a product_id or
// category_id column, and of seo_url.
func snapshotCatalog(t *testing.T, db *DB) tableRows {
	t.Helper()
	columns := map[string][]string{} // by table
	keyed := map[string]bool{db.table("seo_url"): true}
	for _, r := range queryRows(t, db, "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION") {
		columns[r[0]] = append(columns[r[0]], r[1])
		keyed[r[0]] = keyed[r[0]] || r[1] == "product_id" || r[1] == "category_id"
	}
	snap := tableRows{}
	for table, cols := range columns {
		if !keyed[table] {
			continue
		}
		name := strings.TrimPrefix(table, db.prefix)
		snap[name] = [][]string{} // empty tables too: rows appearing there count
		for _, row := range queryRows(t, db, "SELECT * FROM "+db.quoted(name)) {
			named := make([]string, len(row))
			for i, v := range row {
				named[i] = cols[i] + "=" + v
			}
			snap[name] = append(snap[name], named)
		}
	}
	return snap
}

// rowChange is an expected difference in one table: one row (found by the
// column=value pairs of key) whose listed columns changed and nothing else,
// or one added row containing the pairs of added. optional allows no change.
type rowChange struct {
	key, columns []string
	added        []string
	optional     bool
}

// checkChanges compares two snapshots: tables in want must differ as said,
// every other row must be identical.
func checkChanges(t *testing.T, before, after tableRows, want map[string]rowChange) {
	t.Helper()
	tables := slices.Sorted(maps.Keys(after))
	if !slices.Equal(tables, slices.Sorted(maps.Keys(before))) {
		t.Fatalf("snapshots of different tables: %v and %v", slices.Sorted(maps.Keys(before)), tables)
	}
	for _, table := range tables {
		gone, came := rowDiff(before[table], after[table])
		w, expected := want[table]
		switch {
		case len(gone) == 0 && len(came) == 0:
			if expected && !w.optional {
				t.Errorf("%s: no change, want %+v", table, w)
			}
		case !expected:
			t.Errorf("%s changed:\n  removed %v\n  added   %v", table, brief(gone), brief(came))
		case w.added != nil:
			if len(gone) != 0 || len(came) != 1 || !containsAll(came[0], w.added) {
				t.Errorf("%s: removed %v, added %v; want only a row with %v added", table, brief(gone), brief(came), w.added)
			}
		default:
			if len(gone) != 1 || len(came) != 1 || !containsAll(gone[0], w.key) || !containsAll(came[0], w.key) {
				t.Errorf("%s: removed %v, added %v; want only the row %v changed", table, brief(gone), brief(came), w.key)
				continue
			}
			var diff []string
			for i := range gone[0] {
				if gone[0][i] != came[0][i] {
					diff = append(diff, strings.SplitN(gone[0][i], "=", 2)[0])
				}
			}
			if extra := slices.DeleteFunc(diff, func(c string) bool { return slices.Contains(w.columns, c) }); len(extra) > 0 {
				t.Errorf("%s row %v: columns %v changed too, want only %v\n  before %v\n  after  %v", table, w.key, extra, w.columns, brief(gone)[0], brief(came)[0])
			}
		}
	}
}

// rowDiff returns the rows only in a and only in b (as multisets).
func rowDiff(a, b [][]string) (onlyA, onlyB [][]string) {
	count := map[string]int{}
	for _, r := range b {
		count[fmt.Sprint(r)]++
	}
	for _, r := range a {
		if k := fmt.Sprint(r); count[k] > 0 {
			count[k]--
		} else {
			onlyA = append(onlyA, r)
		}
	}
	for _, r := range b {
		if k := fmt.Sprint(r); count[k] > 0 {
			count[k]--
			onlyB = append(onlyB, r)
		}
	}
	return onlyA, onlyB
}

// brief shortens long values (descriptions) for messages.
func brief(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, v := range r {
			if len(v) > 60 {
				v = v[:57] + "..."
			}
			out[i][j] = v
		}
	}
	return out
}

func containsAll(row, pairs []string) bool {
	for _, p := range pairs {
		if !slices.Contains(row, p) {
			return false
		}
	}
	return true
}
