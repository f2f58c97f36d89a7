package opencart

import (
	"context"
	"reflect"
	"testing"
)

func checkDemoCategories(t *testing.T, db *DB, _ string) {
	ctx := context.Background()
	all := allPages(t, 0, 10, func(after, limit int) ([]CategoryRecord, error) { return db.Categories(ctx, after, limit) },
		func(c CategoryRecord) int { return c.ID })
	if len(all) != 38 {
		t.Fatalf("paged through %d categories, want the demo's 38", len(all))
	}
	got, err := db.CategoriesByID(ctx, []int{27, 20, 999})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != 20 || got[1].ID != 27 {
		t.Fatalf("CategoriesByID(27, 20, 999) = %d records, want 20 and 27", len(got))
	}
	desktops, mac := got[0], got[1]
	lang := db.DefaultLanguageID()
	if mac.Descriptions[lang].Name != "Mac" || mac.ParentID != 20 || !reflect.DeepEqual(mac.Path, []int{20, 27}) ||
		!reflect.DeepEqual(mac.Stores, []int{0}) || !mac.Status {
		t.Errorf("category 27 = parent %d path %v stores %v status %v name %q; want Mac under 20, path [20 27], store 0, enabled",
			mac.ParentID, mac.Path, mac.Stores, mac.Status, mac.Descriptions[lang].Name)
	}
	if desktops.Descriptions[lang].Name != "Desktops" || len(desktops.Path) != 1 {
		t.Errorf("category 20 = %q path %v, want Desktops at the root", desktops.Descriptions[lang].Name, desktops.Path)
	}
	hasDates := db.hasColumn("category", "date_modified")
	if hasDates == desktops.DateModified.IsZero() {
		t.Errorf("category 20 DateModified = %v with date_modified column present = %v", desktops.DateModified, hasDates)
	}
	if db.Flavour() != V41 && !desktops.Top {
		t.Errorf("category 20 Top = false; the demo shows Desktops in the menu")
	}
}

func checkDemoOptions(t *testing.T, db *DB, _ string) {
	options, err := db.Options(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(options) != 11 {
		t.Fatalf("%d options, want the demo's 11", len(options))
	}
	lang := db.DefaultLanguageID()
	var sel *Option
	for i := range options {
		if options[i].ID == 5 {
			sel = &options[i]
		}
		if options[i].Names[lang] == "" {
			t.Errorf("option %d has no name in the default language", options[i].ID)
		}
	}
	if sel == nil || sel.Type != "select" || sel.Names[lang] != "Select" {
		t.Fatalf("option 5 = %+v, want the demo's select option \"Select\"", sel)
	}
	var names []string
	for _, v := range sel.Values {
		names = append(names, v.Names[lang])
	}
	if !reflect.DeepEqual(names, []string{"Red", "Blue", "Green", "Yellow"}) {
		t.Errorf("option 5 values = %v, want Red, Blue, Green, Yellow", names)
	}
}

func checkDemoAttributes(t *testing.T, db *DB, _ string) {
	groups, err := db.Attributes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lang := db.DefaultLanguageID()
	byName := map[string]AttributeGroup{}
	count := 0
	for _, g := range groups {
		byName[g.Names[lang]] = g
		count += len(g.Attributes)
	}
	if len(groups) != 4 || count != 11 {
		t.Fatalf("%d attribute groups with %d attributes, want the demo's 4 with 11", len(groups), count)
	}
	proc := byName["Processor"]
	if len(proc.Attributes) != 3 || proc.Attributes[0].Names[lang] != "Description" {
		t.Errorf("Processor group = %+v, want Description, No. of Cores, Clockspeed", proc.Attributes)
	}
}

func checkDemoProducts(t *testing.T, db *DB, _ string) {
	ctx := context.Background()
	lang := db.DefaultLanguageID()
	if db.Flavour() == V41 {
		// The 4.1.0.4 demo lost product 48's SKU ("test 1") in the move to
		// oc_product_code; put it where 4.1 keeps it.
		if _, err := db.conn.ExecContext(ctx, "INSERT INTO oc_product_code (product_id, code, value) VALUES (48, 'SKU', 'test 1')"); err != nil {
			t.Fatal(err)
		}
	}
	all := allPages(t, 0, 7, func(after, limit int) ([]ProductRecord, error) { return db.Products(ctx, after, limit) },
		func(p ProductRecord) int { return p.ID })
	if len(all) != 19 {
		t.Fatalf("paged through %d products, want the demo's 19", len(all))
	}
	byID := map[int]ProductRecord{}
	for _, p := range all {
		byID[p.ID] = p
		if p.Descriptions[lang].Name == "" || len(p.Stores) == 0 || !p.Status {
			t.Errorf("product %d: name %q stores %v status %v; every demo product is named, in store 0 and enabled",
				p.ID, p.Descriptions[lang].Name, p.Stores, p.Status)
		}
	}

	cinema := byID[42]
	if got := cinema.Descriptions[lang].Name; got != `Apple Cinema 30"` {
		t.Errorf("product 42 name = %q, want the unescaped `Apple Cinema 30\"`", got)
	}
	if cinema.Price != 100 || cinema.TaxClassID != 9 || cinema.Model != "Product 15" || !reflect.DeepEqual(cinema.Categories, []int{20, 28}) {
		t.Errorf("product 42 = price %v tax class %d model %q categories %v, want 100, 9, Product 15, [20 28]",
			cinema.Price, cinema.TaxClassID, cinema.Model, cinema.Categories)
	}
	if len(cinema.Options) != 9 || len(cinema.Images) != 5 || len(cinema.Attributes) != 1 || cinema.Attributes[0].Text[lang] != "100mhz" {
		t.Errorf("product 42 has %d options, %d images, attributes %+v; want 9, 5 and attribute 3 = 100mhz",
			len(cinema.Options), len(cinema.Images), cinema.Attributes)
	}
	if cinema.DateAvailable.Format("2006-01-02") != "2009-02-04" {
		t.Errorf("product 42 date available = %v, want 2009-02-04", cinema.DateAvailable)
	}

	canon := byID[30]
	if len(canon.Options) != 1 {
		t.Fatalf("product 30 options = %+v, want the one select option", canon.Options)
	}
	opt, keys := canon.Options[0], canon.OptionKeys[0]
	if keys.ProductOptionID != 226 || opt.OptionID != 5 || keys.Type != "select" || !opt.Required || len(opt.Values) != 2 {
		t.Fatalf("product 30 option = %+v %+v, want 226 (option 5, select, required) with 2 values", keys, opt)
	}
	red := opt.Values[0]
	if keys.ValueIDs[0] != 15 || red.OptionValueID != 39 || red.Quantity != 2 || !red.Subtract || red.Price != 0 {
		t.Errorf("product 30 first value = %+v (id %d), want 15 (Red, 39) quantity 2, subtract, +0", red, keys.ValueIDs[0])
	}
	if byID[48].Codes.SKU != "test 1" {
		t.Errorf("product 48 SKU = %q, want \"test 1\"", byID[48].Codes.SKU)
	}
	if db.Flavour().HasVariants() && byID[42].MasterID != 0 {
		t.Errorf("product 42 MasterID = %d; demo products are no variants", byID[42].MasterID)
	}

	some, err := db.ProductsByID(ctx, []int{49, 28})
	if err != nil {
		t.Fatal(err)
	}
	if len(some) != 2 || some[0].ID != 28 || some[1].ID != 49 || some[1].Model != "SAM1" || some[1].Quantity != 0 {
		t.Errorf("ProductsByID(49, 28) = %d products, want 28 and 49 (SAM1, quantity 0)", len(some))
	}
}
