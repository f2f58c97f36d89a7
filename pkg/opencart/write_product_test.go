package opencart

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// testProduct is a product with everything set, offering the given option.
func testProduct(db *DB, model string, option Option) Product {
	lang := db.DefaultLanguageID()
	return Product{
		Model: model, Codes: ProductCodes{SKU: "SKU-" + model, EAN: "4006381333931", MPN: `M&P "1"`},
		Location: "Shelf <3>", Quantity: 12, StockStatusID: 7, Image: "catalog/odoo/" + model + ".jpg",
		Images:         []ProductImage{{Path: "catalog/odoo/a.jpg", SortOrder: 1}, {Path: "catalog/odoo/b.jpg", SortOrder: 2}},
		ManufacturerID: 8, Shipping: true, Price: 1234.5678, Points: 5, TaxClassID: 9,
		Weight: 1.25, WeightClassID: 1, Length: 10, Width: 20, Height: 30, LengthClassID: 1,
		Subtract: true, Minimum: 2, SortOrder: 4, Status: true,
		Descriptions: map[int]ProductDescription{lang: {Name: nasty, Description: "<p>A & B</p>", Tag: "a, b", MetaDescription: "meta"}},
		Categories:   []int{20, 28},
		Keyword:      "odoo-" + model,
		Options: []ProductOption{{OptionID: option.ID, Required: true, Values: []ProductOptionValue{
			{OptionValueID: option.Values[0].ID, Quantity: 3, Subtract: true, Price: 10, Points: 1, Weight: 0.5},
			{OptionValueID: option.Values[1].ID, Quantity: 4, Price: -2.5, Points: -1, Weight: -0.25},
		}}},
	}
}

func testProductRoundTrip(t *testing.T, db *DB) {
	ctx := context.Background()
	size := sizeOption(t, db, "Size for products")
	simple := testProduct(db, "rt-simple", size)
	simple.Options = nil
	simple.DateAvailable = time.Date(2020, 5, 17, 0, 0, 0, 0, time.UTC)
	simple.StockStatusID, simple.WeightClassID, simple.LengthClassID = 0, 0, 0 // the shop's defaults
	configurable := testProduct(db, "rt-config", size)
	written, err := db.UpsertProducts(ctx, []Product{simple, configurable})
	if err != nil {
		t.Fatal(err)
	}
	id := written[1].ProductID
	if written[0].ProductID == 0 || id == 0 || written[0].ProductID == id {
		t.Fatalf("UpsertProducts returned %+v, want two new ids", written)
	}

	wantRows(t, db, [][]string{{"rt-config", "Shelf &lt;3&gt;", "12", "7", "catalog/odoo/rt-config.jpg", "8", "1", "1234.5678", "5", "9",
		"1.25000000", "1", "10.00000000", "20.00000000", "30.00000000", "1", "1", "2", "4", "1"}},
		`SELECT model, location, quantity, stock_status_id, image, manufacturer_id, shipping, price, points, tax_class_id,
		weight, weight_class_id, length, width, height, length_class_id, subtract, minimum, sort_order, status
		FROM oc_product WHERE product_id = ?`, id)
	wantRows(t, db, [][]string{{"2020-05-17", "1"}, {time.Now().In(db.loc).Format("2006-01-02"), "1"}},
		"SELECT CAST(date_available AS CHAR), date_added <= NOW() AND date_modified <= NOW() FROM oc_product WHERE product_id IN (?, ?) ORDER BY product_id", written[0].ProductID, id)
	defaultStock := queryValue(t, db, "SELECT COALESCE(MAX(`value`), '0') FROM oc_setting WHERE store_id = 0 AND `key` = 'config_stock_status_id'")
	wantRows(t, db, [][]string{{defaultStock, "1", "1"}}, "SELECT stock_status_id, weight_class_id, length_class_id FROM oc_product WHERE product_id = ?", written[0].ProductID)
	if db.flavour == V41 {
		wantRows(t, db, [][]string{{"EAN", "4006381333931"}, {"MPN", "M&amp;P &quot;1&quot;"}, {"SKU", "SKU-rt-config"}},
			"SELECT code, `value` FROM oc_product_code WHERE product_id = ? ORDER BY code", id)
	} else {
		wantRows(t, db, [][]string{{"SKU-rt-config", "", "4006381333931", "", "", "M&amp;P &quot;1&quot;"}},
			"SELECT sku, upc, ean, jan, isbn, mpn FROM oc_product WHERE product_id = ?", id)
	}
	d := plain(queryRows(t, db, "SELECT language_id, name, description, tag, meta_title, meta_description, meta_keyword FROM oc_product_description WHERE product_id = ?", id), 1, 2, 4)
	if fmt.Sprint(d) != fmt.Sprint([][]string{{itoa(db.DefaultLanguageID()), nasty, "<p>A & B</p>", "a, b", nasty, "meta", ""}}) {
		t.Errorf("descriptions = %q", d)
	}
	wantRows(t, db, [][]string{{"0"}}, "SELECT store_id FROM oc_product_to_store WHERE product_id = ?", id)
	wantRows(t, db, [][]string{{"20"}, {"28"}}, "SELECT category_id FROM oc_product_to_category WHERE product_id = ? ORDER BY category_id", id)
	wantRows(t, db, [][]string{{"catalog/odoo/a.jpg", "1"}, {"catalog/odoo/b.jpg", "2"}}, "SELECT image, sort_order FROM oc_product_image WHERE product_id = ? ORDER BY sort_order", id)
	if got := seoRows(t, db, "product_id="+itoa(id)); fmt.Sprint(got) != fmt.Sprint([][]string{{"0", itoa(db.DefaultLanguageID()), "odoo-rt-config"}}) {
		t.Errorf("SEO = %v", got)
	}
	wantLayouts := [][]string{{"0", "0"}}
	if db.flavour == V41 {
		wantLayouts = nil
	}
	wantRows(t, db, wantLayouts, "SELECT store_id, layout_id FROM oc_product_to_layout WHERE product_id = ?", id)
	wantRows(t, db, [][]string{{itoa(size.ID), "", "1"}}, "SELECT option_id, `value`, required FROM oc_product_option WHERE product_id = ?", id)
	poID := queryValue(t, db, "SELECT product_option_id FROM oc_product_option WHERE product_id = ?", id)
	wantRows(t, db, [][]string{
		{poID, itoa(size.ID), itoa(size.Values[0].ID), "3", "1", "10.0000", "+", "1", "+", "0.50000000", "+"},
		{poID, itoa(size.ID), itoa(size.Values[1].ID), "4", "0", "2.5000", "-", "1", "-", "0.25000000", "-"},
	}, `SELECT product_option_id, option_id, option_value_id, quantity, subtract, price, price_prefix, points, points_prefix, weight, weight_prefix
		FROM oc_product_option_value WHERE product_id = ? ORDER BY option_value_id`, id)
	if !productVisible(t, db, id) || !productVisible(t, db, written[0].ProductID) {
		t.Errorf("written products are not visible in the storefront")
	}

	// Update in place: categories and options are replaced (option row ids
	// kept), the meta title that was the name follows it, images left nil
	// stay, EAN (always written) goes, MPN (not given) stays.
	povS := queryValue(t, db, "SELECT product_option_value_id FROM oc_product_option_value WHERE product_id = ? AND option_value_id = ?", id, size.Values[0].ID)
	configurable.ID = id
	configurable.Descriptions = map[int]ProductDescription{db.DefaultLanguageID(): {Name: "Renamed"}}
	configurable.Categories = []int{27}
	configurable.Images = nil
	configurable.Codes = ProductCodes{SKU: "SKU-2"}
	configurable.Options[0].Values = []ProductOptionValue{{OptionValueID: size.Values[0].ID, Quantity: 9, Price: 1}, {OptionValueID: size.Values[2].ID, Quantity: 1}}
	if _, err := db.UpsertProducts(ctx, []Product{configurable}); err != nil {
		t.Fatal(err)
	}
	wantRows(t, db, [][]string{{"Renamed", "Renamed"}}, "SELECT name, meta_title FROM oc_product_description WHERE product_id = ?", id)
	wantRows(t, db, [][]string{{"27"}}, "SELECT category_id FROM oc_product_to_category WHERE product_id = ?", id)
	wantRows(t, db, [][]string{{"catalog/odoo/a.jpg"}, {"catalog/odoo/b.jpg"}}, "SELECT image FROM oc_product_image WHERE product_id = ? ORDER BY sort_order", id)
	wantRows(t, db, [][]string{{poID}}, "SELECT product_option_id FROM oc_product_option WHERE product_id = ?", id)
	wantRows(t, db, [][]string{{povS, itoa(size.Values[0].ID), "9"}, {"new", itoa(size.Values[2].ID), "1"}},
		"SELECT IF(product_option_value_id = ?, product_option_value_id, 'new'), option_value_id, quantity FROM oc_product_option_value WHERE product_id = ? ORDER BY option_value_id", povS, id)
	if db.flavour == V41 {
		wantRows(t, db, [][]string{{"MPN", "M&amp;P &quot;1&quot;"}, {"SKU", "SKU-2"}}, "SELECT code, `value` FROM oc_product_code WHERE product_id = ? ORDER BY code", id)
	} else {
		wantRows(t, db, [][]string{{"SKU-2", "", "M&amp;P &quot;1&quot;"}}, "SELECT sku, ean, mpn FROM oc_product WHERE product_id = ?", id)
	}
	wantRows(t, db, [][]string{{"1"}}, "SELECT COUNT(*) FROM oc_product_to_store WHERE product_id = ?", id)
	if len(seoRows(t, db, "product_id="+itoa(id))) != 1 {
		t.Errorf("SEO rows duplicated by the update: %v", seoRows(t, db, "product_id="+itoa(id)))
	}
	if !productVisible(t, db, id) {
		t.Errorf("updated product is not visible")
	}

	// Images given, even none, are exactly the product's images.
	configurable.Images = []ProductImage{}
	if _, err := db.UpsertProducts(ctx, []Product{configurable}); err != nil {
		t.Fatal(err)
	}
	wantRows(t, db, nil, "SELECT image FROM oc_product_image WHERE product_id = ?", id)
}

func testProductRefusals(t *testing.T, db *DB) {
	ctx := context.Background()
	lang := db.DefaultLanguageID()
	before := queryValue(t, db, "SELECT COUNT(*) FROM oc_product")
	named := func(model string) Product {
		return Product{Model: model, Status: true, Descriptions: map[int]ProductDescription{lang: {Name: model}}}
	}
	cases := []struct {
		name string
		p    Product
		want string
	}{
		{"deleted product", Product{ID: 999999, Model: "x", Descriptions: map[int]ProductDescription{lang: {Name: "x"}}}, "deleted in the shop"},
		{"keyword of another product", func() Product { p := named("kw"); p.Keyword = "iPhone"; return p }(), "already used by product_id=40"},
		{"missing category", func() Product { p := named("cat"); p.Categories = []int{999999}; return p }(), "category 999999 does not exist"},
		{"missing option", func() Product {
			p := named("opt")
			p.Options = []ProductOption{{OptionID: 999999, Values: []ProductOptionValue{{OptionValueID: 1}}}}
			return p
		}(), "option 999999 does not exist"},
		{"no model", Product{Descriptions: map[int]ProductDescription{lang: {Name: "No model"}}}, "model is empty"},
		{"too long", func() Product { p := named("long"); p.Codes.UPC = "1234567890123"; return p }(), "UPC"},
		{"no description", Product{Model: "nodesc"}, "no descriptions"},
		{"slash in keyword", func() Product { p := named("slash"); p.Keyword = "a/b"; return p }(), "'/'"},
	}
	if db.flavour == V41 {
		cases[5].want = "" // 4.1 keeps codes in a 255-character column
	}
	for _, c := range cases {
		_, err := db.UpsertProducts(ctx, []Product{named("fine-" + c.name), c.p})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.want)
		case c.want != "" && queryValue(t, db, "SELECT COUNT(*) FROM oc_product") != before:
			t.Errorf("%s: the refused batch wrote products", c.name)
		}
		if c.want == "" {
			before = queryValue(t, db, "SELECT COUNT(*) FROM oc_product")
		}
	}
	_, err := db.UpsertProducts(ctx, []Product{{ID: 999999, Model: "x", Descriptions: map[int]ProductDescription{lang: {Name: "x"}}}})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("updating a deleted product: err = %v, want ErrNotFound", err)
	}
}

func testVariants(t *testing.T, db *DB) {
	ctx := context.Background()
	size := sizeOption(t, db, "Size for variants")
	master := testProduct(db, "var-master", size)
	for i := range master.Options[0].Values {
		master.Options[0].Values[i].Subtract = false // stock is per variant product
	}
	master.Variants = []Variant{
		{Model: "var-S", Codes: ProductCodes{SKU: "V-S"}, Price: 11, Quantity: 5, Status: true, Keyword: "var-s",
			Selection: map[int]int{size.ID: size.Values[0].ID}},
		{Model: "var-M", Codes: ProductCodes{SKU: "V-M"}, Price: 12, Quantity: 6, Status: true, Name: "Master M", Image: "catalog/odoo/m.jpg",
			Selection: map[int]int{size.ID: size.Values[1].ID}},
	}
	written, err := db.UpsertProducts(ctx, []Product{master})
	if !db.flavour.HasVariants() {
		if err == nil || !strings.Contains(err.Error(), "need OpenCart 4") {
			t.Fatalf("variants on 3.0: err = %v, want a refusal explaining they need OpenCart 4", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	masterID, ids := written[0].ProductID, written[0].VariantIDs
	if len(ids) != 2 {
		t.Fatalf("VariantIDs = %v, want two", ids)
	}
	for i, vid := range ids {
		v := master.Variants[i]
		wantRows(t, db, [][]string{{itoa(masterID), v.Model, fmt.Sprintf("%.4f", v.Price), itoa(v.Quantity), "1"}},
			"SELECT master_id, model, price, quantity, status FROM oc_product WHERE product_id = ?", vid)
		var variant map[string]string
		var override map[string]any
		raw := queryRows(t, db, "SELECT variant, override FROM oc_product WHERE product_id = ?", vid)[0]
		if err := json.Unmarshal([]byte(raw[0]), &variant); err != nil {
			t.Fatalf("variant JSON %q: %v", raw[0], err)
		}
		if err := json.Unmarshal([]byte(raw[1]), &override); err != nil {
			t.Fatalf("override JSON %q: %v", raw[1], err)
		}
		poID := queryValue(t, db, "SELECT product_option_id FROM oc_product_option WHERE product_id = ? AND option_id = ?", masterID, size.ID)
		povID := queryValue(t, db, "SELECT product_option_value_id FROM oc_product_option_value WHERE product_id = ? AND option_value_id = ?", masterID, v.Selection[size.ID])
		if len(variant) != 1 || variant[poID] != povID {
			t.Errorf("variant %d JSON = %v, want {%q: %q} (the master's option ids)", i, variant, poID, povID)
		}
		for _, key := range []string{"model", "price", "status", "variant"} {
			if _, ok := override[key]; !ok {
				t.Errorf("variant %d override %v lacks %q", i, override, key)
			}
		}
		// Inherited from the master: categories, stores; no options of its own.
		wantRows(t, db, [][]string{{"20"}, {"28"}}, "SELECT category_id FROM oc_product_to_category WHERE product_id = ? ORDER BY category_id", vid)
		wantRows(t, db, [][]string{{"0"}}, "SELECT COUNT(*) FROM oc_product_option WHERE product_id = ?", vid)
		if !productVisible(t, db, vid) {
			t.Errorf("variant %d is not visible", i)
		}
	}
	if got := plainText(queryValue(t, db, "SELECT name FROM oc_product_description WHERE product_id = ?", ids[0])); got != nasty {
		t.Errorf("variant S name = %q, want the master's %q", got, nasty)
	}
	wantRows(t, db, [][]string{{"Master M", "catalog/odoo/m.jpg"}}, "SELECT name, image FROM oc_product_description JOIN oc_product USING (product_id) WHERE product_id = ?", ids[1])

	// Dropping a variant from the input disables it; the other keeps its id.
	master.ID = masterID
	master.Variants = master.Variants[:1]
	master.Variants[0].ID = ids[0]
	master.Variants[0].Price = 13
	if _, err := db.UpsertProducts(ctx, []Product{master}); err != nil {
		t.Fatal(err)
	}
	wantRows(t, db, [][]string{{itoa(ids[0]), "13.0000", "1"}, {itoa(ids[1]), "12.0000", "0"}},
		"SELECT product_id, price, status FROM oc_product WHERE master_id = ? ORDER BY product_id", masterID)

	bad := master
	bad.Variants = []Variant{{Model: "bad", Selection: map[int]int{size.ID: size.Values[2].ID}}}
	if _, err := db.UpsertProducts(ctx, []Product{bad}); err == nil || !strings.Contains(err.Error(), "master does not offer") {
		t.Errorf("variant selecting a value the master does not offer: err = %v", err)
	}
}

// testEnableLast injects a failure into the statement that enables products
// (a trigger refusing status 0 → 1) and checks what a failed batch leaves:
// on MyISAM (3.0) the rows written before it, disabled; on InnoDB nothing.
func testEnableLast(t *testing.T, db *DB) {
	ctx := context.Background()
	execSQL(t, db, `CREATE TRIGGER oc_test_refuse_enable BEFORE UPDATE ON oc_product FOR EACH ROW
		BEGIN IF NEW.status = 1 AND OLD.status = 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'; END IF; END`)
	defer execSQL(t, db, "DROP TRIGGER oc_test_refuse_enable")

	size := sizeOption(t, db, "Size for enable-last")
	fresh := testProduct(db, "enable-last", size)
	existing := testProduct(db, "enable-last-41", size)
	existing.ID = 41 // the demo iMac, enabled
	existing.Keyword = ""
	existing.Descriptions = map[int]ProductDescription{db.DefaultLanguageID(): {Name: "iMac renamed"}}
	_, err := db.UpsertProducts(ctx, []Product{fresh, existing})
	if err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("err = %v, want the injected failure", err)
	}

	created := queryRows(t, db, "SELECT product_id, status FROM oc_product WHERE model = 'enable-last'")
	if !db.isMyISAM("product") {
		if len(created) != 0 {
			t.Errorf("InnoDB: the failed batch left product rows %v", created)
		}
		wantRows(t, db, [][]string{{"1", "iMac"}}, "SELECT status, name FROM oc_product JOIN oc_product_description USING (product_id) WHERE product_id = 41")
		return
	}
	// MyISAM: children were written first and the products stay disabled.
	if len(created) != 1 || created[0][1] != "0" {
		t.Fatalf("MyISAM: new product rows %v, want one disabled row", created)
	}
	id := created[0][0]
	for _, table := range []string{"product_description", "product_to_store", "product_to_category", "product_option", "product_option_value"} {
		if queryValue(t, db, "SELECT COUNT(*) FROM oc_"+table+" WHERE product_id = ?", id) == "0" {
			t.Errorf("MyISAM: %s rows missing although they are written before the product is enabled", table)
		}
	}
	wantRows(t, db, [][]string{{"0", "iMac renamed"}}, "SELECT status, name FROM oc_product JOIN oc_product_description USING (product_id) WHERE product_id = 41")
	if productVisible(t, db, 41) {
		t.Errorf("MyISAM: the half-updated product is visible")
	}
}
