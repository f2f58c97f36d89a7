package activities_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// The demo catalog of the three dumps (../shared/opencart): 19 products, 38 categories (Components >
// Monitors > test 1 is three deep), 11 options of which 4 offer choices (Radio, Checkbox, Select, Size).
// Product 42 (Apple Cinema 30") offers Radio (3 values), Select (4) and Checkbox (4) among text and date
// options: 3 × 4 = 12 variants; product 30 offers Select (2 values), product 35 Size (3).
const (
	demoProducts   = 19
	demoCategories = 38
	demoChoices    = 4
)

// Option value deltas of product 42 in the demo: option_value_id → price.
var cinemaExtras = map[int]float64{32: 10, 31: 20, 43: 30, 39: 4, 40: 3, 41: 1, 42: 2, 23: 10, 24: 20, 44: 30, 45: 40}

// A 4.x master synced on one page and its variant products on the next: the first page makes the
// template from the master's options, the variant products then turn it into their variants (found again
// through their mappings on later runs), and the next run finds everything unchanged.
func TestOpenCartToOdooVariantProductsAcrossPages(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "4.0.2.3", 16)
	extra := b.seedConfigurable(t)
	setup := newOC2ORun("setup")
	b.stage(t, setup, activities.StageAttributes)
	b.stage(t, setup, activities.StageCategories)
	r := newOC2ORun("split")
	r.limit = demoProducts + 3 // the demo, the tee, the gift card and the hoodie's master; its variants next
	first, err := b.page(r, activities.StageProducts, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantOC2OCounts(t, "first page", first, r.limit, 0, 0, 0)
	if first.LastID != int64(extra[2]) {
		t.Fatalf("the first page ended at product %d, want the hoodie %d", first.LastID, extra[2])
	}
	second, err := b.page(r, activities.StageProducts, first.LastID, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantOC2OCounts(t, "second page", second, 3, 0, 0, 0)
	b.checkSeeded(t, extra)
	b.Sim.ResetCalls()
	again := b.stage(t, newOC2ORun("again"), activities.StageProducts)
	wantOC2OCounts(t, "products again", again, 0, 0, demoProducts+len(extra), 0)
	if w := oc2oWrites(b.Sim.Calls()); len(w) > 0 {
		t.Errorf("the run after wrote to Odoo: %v", w)
	}
}

func TestOpenCartToOdooSyncsCatalog(t *testing.T) {
	for _, c := range []struct {
		openCart string
		odoo     int
	}{{"3.0.4.1", 13}, {"4.0.2.3", 17}, {"4.1.0.4", 18}} {
		t.Run(c.openCart+"/odoo"+strconv.Itoa(c.odoo), func(t *testing.T) {
			t.Parallel()
			b := newOC2OBed(t, c.openCart, c.odoo)
			extra := b.seedConfigurable(t)
			products := demoProducts + len(extra)

			first := b.syncAll(t, newOC2ORun("first"))
			wantOC2OCounts(t, "attributes", first[activities.StageAttributes], demoChoices, 0, 0, 0)
			wantOC2OCounts(t, "categories", first[activities.StageCategories], demoCategories, 0, 0, 0)
			wantOC2OCounts(t, "products", first[activities.StageProducts], products, 0, 0, 0)
			if n := b.count(t, activities.StageProducts, activities.CatalogFilter{}); n != products {
				t.Errorf("count products = %d, want %d", n, products)
			}
			b.checkAttributes(t)
			b.checkCategories(t)
			b.checkProducts(t)
			b.checkCinema(t)
			b.checkSeeded(t, extra)

			// A second run finds everything unchanged and writes nothing.
			b.Sim.ResetCalls()
			second := b.syncAll(t, newOC2ORun("second"))
			wantOC2OCounts(t, "attributes again", second[activities.StageAttributes], 0, 0, demoChoices, 0)
			wantOC2OCounts(t, "categories again", second[activities.StageCategories], 0, 0, demoCategories, 0)
			wantOC2OCounts(t, "products again", second[activities.StageProducts], 0, 0, products, 0)
			if w := oc2oWrites(b.Sim.Calls()); len(w) > 0 {
				t.Errorf("second run wrote to Odoo: %v", w)
			}
			if c.openCart == "3.0.4.1" && oc2oCalls(b.Sim.Calls()) != 0 {
				t.Errorf("second run on a 3.0 shop called Odoo: %v", b.Sim.Calls())
			}

			// A changed product is updated in place.
			tmpl := b.odooID(t, mapping.KindProduct, "40")
			b.exec(t, "UPDATE oc_product SET price = 123.45, date_modified = NOW() WHERE product_id = 40")
			b.exec(t, "UPDATE oc_product_description SET name = 'iPhone 2' WHERE product_id = 40")
			third := b.stage(t, newOC2ORun("third"), activities.StageProducts)
			wantOC2OCounts(t, "products after a change", third, 0, 1, products-1, 0)
			if got := b.odooID(t, mapping.KindProduct, "40"); got != tmpl {
				t.Errorf("product 40 now maps to template %d, was %d: not updated in place", got, tmpl)
			}
			row := b.odooOne(t, "product.template", tmpl, "name", "list_price")
			if row["name"] != "iPhone 2" || row["list_price"] != 123.45 {
				t.Errorf("template %d after the change = %v, want iPhone 2 at 123.45", tmpl, row)
			}

			// A category moved in OpenCart moves in Odoo.
			mac := b.odooID(t, mapping.KindCategory, "27")
			b.moveCategory(t, 27, 18) // Mac: from Desktops to Laptops & Notebooks
			moved := b.stage(t, newOC2ORun("moved"), activities.StageCategories)
			wantOC2OCounts(t, "categories after a move", moved, 0, 1, demoCategories-1, 0)
			if row := b.odooOne(t, "product.category", mac, "parent_id"); oc2oM2O(row["parent_id"]) != b.odooID(t, mapping.KindCategory, "18") {
				t.Errorf("Odoo category %d (Mac) has parent %v after the move, want Laptops'", mac, row["parent_id"])
			}
		})
	}
}

// moveCategory gives a category another parent, the way OpenCart's admin does (paths included).
func (b *oc2oBed) moveCategory(t *testing.T, id, parent int) {
	t.Helper()
	cats, err := b.Shop.CategoriesByID(context.Background(), []int{id})
	if err != nil || len(cats) != 1 {
		t.Fatalf("category %d: %v", id, err)
	}
	c := cats[0].Category
	c.ParentID = parent
	if _, err := b.Shop.UpsertCategory(context.Background(), c); err != nil {
		t.Fatalf("move category %d: %v", id, err)
	}
}

// checkAttributes: the choice options are attributes with their values; text and date options are not.
func (b *oc2oBed) checkAttributes(t *testing.T) {
	t.Helper()
	want := map[int]struct {
		name, mode string
		values     []string
	}{
		1:  {"Radio", "always", []string{"Small", "Medium", "Large"}},
		2:  {"Checkbox", "no_variant", []string{"Checkbox 1", "Checkbox 2", "Checkbox 3", "Checkbox 4"}},
		5:  {"Select", "always", []string{"Red", "Blue", "Green", "Yellow"}},
		11: {"Size", "always", []string{"Small", "Medium", "Large"}},
	}
	if n := len(b.odoo(t, "product.attribute", nil, "name")); n != len(want) {
		t.Errorf("%d Odoo attributes, want %d (text, file and date options make none)", n, len(want))
	}
	for optionID, w := range want {
		attr := b.odooOne(t, "product.attribute", b.odooID(t, mapping.KindAttribute, strconv.Itoa(optionID)), "name", "create_variant", "value_ids")
		if attr["name"] != w.name || attr["create_variant"] != w.mode {
			t.Errorf("option %d → attribute %v, want %s (%s)", optionID, attr, w.name, w.mode)
		}
		var names []string
		for _, v := range b.odoo(t, "product.attribute.value", []any{[]any{"attribute_id", "=", attr["id"]}}, "name") {
			names = append(names, v["name"].(string))
		}
		if strings.Join(oc2oSorted(names), ",") != strings.Join(oc2oSorted(w.values), ",") {
			t.Errorf("attribute %s values %v, want %v", w.name, names, w.values)
		}
	}
}

// checkCategories: every category has its name and its place in the tree.
func (b *oc2oBed) checkCategories(t *testing.T) {
	t.Helper()
	cats, err := b.Shop.Categories(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	names := map[int]string{}
	for _, c := range cats {
		names[c.ID] = c.Descriptions[b.lang()].Name
	}
	deepest := 0
	for _, c := range cats {
		var path []string
		for _, id := range c.Path {
			path = append(path, names[id])
		}
		deepest = max(deepest, len(path))
		row := b.odooOne(t, "product.category", b.odooID(t, mapping.KindCategory, strconv.Itoa(c.ID)), "complete_name")
		if row["complete_name"] != strings.Join(path, " / ") {
			t.Errorf("category %d → %q, want %q", c.ID, row["complete_name"], strings.Join(path, " / "))
		}
	}
	if deepest < 3 {
		t.Errorf("the category tree is %d deep; the test needs 3 levels", deepest)
	}
}

// checkProducts: every product's template carries its name, price, model, status, type and category.
func (b *oc2oBed) checkProducts(t *testing.T) {
	t.Helper()
	products, err := b.Shop.Products(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	fields := append([]string{"name", "list_price", "default_code", "active", "categ_id", "product_variant_count", "barcode", "weight"},
		b.ERP.Schema().ProductTypeFields()...)
	for _, p := range products {
		if p.MasterID != 0 {
			continue
		}
		row := b.odooOne(t, "product.template", b.odooID(t, mapping.KindProduct, strconv.Itoa(p.ID)), fields...)
		if row["name"] != p.Descriptions[b.lang()].Name || math.Abs(row["list_price"].(float64)-p.Price) > 1e-9 || row["active"] != p.Status ||
			math.Abs(row["weight"].(float64)-p.Weight) > 1e-6 {
			t.Errorf("product %d → template %v; want %q at %.4f, active %v, weight %v", p.ID, row, p.Descriptions[b.lang()].Name, p.Price, p.Status, p.Weight)
		}
		if kind, ok := b.ERP.Schema().ProductKindOf(row); !ok || (kind == "storable") != p.Shipping {
			t.Errorf("product %d (shipping %v) → template of kind %q", p.ID, p.Shipping, kind)
		}
		if row["product_variant_count"] == int64(1) && row["default_code"] != p.Model {
			t.Errorf("simple product %d → default_code %v, want its model %q", p.ID, row["default_code"], p.Model)
		}
		if cat := b.deepestCategory(t, p.Categories); cat != 0 && oc2oM2O(row["categ_id"]) != cat {
			t.Errorf("product %d in categories %v → categ_id %v, want the deepest, Odoo %d", p.ID, p.Categories, row["categ_id"], cat)
		}
	}
}

// deepestCategory is the Odoo category of the deepest of an OpenCart product's categories.
func (b *oc2oBed) deepestCategory(t *testing.T, ids []int) int64 {
	t.Helper()
	cats, err := b.Shop.CategoriesByID(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	best := -1
	for i, c := range cats { // by id: ties go to the lowest
		if best < 0 || len(c.Path) > len(cats[best].Path) {
			best = i
		}
	}
	if best < 0 {
		return 0
	}
	return b.odooID(t, mapping.KindCategory, strconv.Itoa(cats[best].ID))
}

// checkCinema: product 42 has a line per choice option, 12 variants (Radio × Select; Checkbox makes
// none) with price extras from the option deltas, each mapped to its product option values.
func (b *oc2oBed) checkCinema(t *testing.T) {
	t.Helper()
	tmpl := b.odooID(t, mapping.KindProduct, "42")
	row := b.odooOne(t, "product.template", tmpl, "attribute_line_ids", "product_variant_count", "list_price")
	if n := len(oc2oIDs(row["attribute_line_ids"])); n != 3 || row["product_variant_count"] != int64(12) {
		t.Fatalf("product 42 → %d lines, %v variants; want 3 lines (Radio, Select, Checkbox) and 12 variants", n, row["product_variant_count"])
	}
	for _, ptav := range b.odoo(t, "product.template.attribute.value", []any{[]any{"product_tmpl_id", "=", tmpl}}, "product_attribute_value_id", "price_extra") {
		value := oc2oM2O(ptav["product_attribute_value_id"])
		m, err := b.Store.ByOdooID(context.Background(), mapping.KindAttributeValue, value)
		if err != nil {
			t.Fatalf("attribute value %d: %v", value, err)
		}
		ov, _ := strconv.Atoi(m.OpenCartID)
		if ptav["price_extra"] != cinemaExtras[ov] {
			t.Errorf("product 42 value %d (option value %d) price extra %v, want %v", value, ov, ptav["price_extra"], cinemaExtras[ov])
		}
	}
	cinema := b.shopProduct(t, 42)
	base := row["list_price"].(float64)
	mapped := 0
	for _, v := range b.odoo(t, "product.product", []any{[]any{"product_tmpl_id", "=", tmpl}}, "lst_price", "active") {
		m, err := b.Store.ByOdooID(context.Background(), mapping.KindVariant, v["id"].(int64))
		if err != nil {
			t.Errorf("variant %d of product 42 is not mapped: %v", v["id"], err)
			continue
		}
		mapped++
		want := base
		for _, pov := range strings.Split(strings.TrimPrefix(m.OpenCartID, "42:"), ",") {
			id, _ := strconv.Atoi(pov)
			want += oc2oPOVPrice(cinema, id)
		}
		if math.Abs(v["lst_price"].(float64)-want) > 1e-9 {
			t.Errorf("variant %d (%s) costs %v, want %v", v["id"], m.OpenCartID, v["lst_price"], want)
		}
	}
	if mapped != 12 {
		t.Errorf("%d variants of product 42 mapped, want 12", mapped)
	}
}

func oc2oPOVPrice(p opencart.ProductRecord, pov int) float64 {
	for i, keys := range p.OptionKeys {
		for j, id := range keys.ValueIDs {
			if id == pov {
				return p.Options[i].Values[j].Price
			}
		}
	}
	return math.NaN()
}

func oc2oSorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// seedConfigurable adds a configurable product (options), a simple one and, on 4.x, a master with
// variant products.
func (b *oc2oBed) seedConfigurable(t *testing.T) []int {
	t.Helper()
	size := []opencart.ProductOptionValue{{OptionValueID: 46, Price: 0}, {OptionValueID: 47, Price: 2.5}, {OptionValueID: 48, Price: 5}}
	colour := []opencart.ProductOptionValue{{OptionValueID: 39, Price: -1}, {OptionValueID: 40, Price: 0}}
	products := []opencart.Product{
		{Model: "TEE-1", Price: 20, Status: true, Shipping: true, Descriptions: b.named("Tee"), Categories: []int{20, 27},
			Options: []opencart.ProductOption{{OptionID: 11, Required: true, Values: size}, {OptionID: 5, Required: true, Values: colour}}},
		{Model: "PLAIN-1", Price: 9.99, Status: true, Shipping: false, Codes: opencart.ProductCodes{EAN: "4006381333931"},
			Descriptions: b.named("Gift card"), Categories: []int{35}},
	}
	if b.Shop.Flavour().HasVariants() {
		products = append(products, opencart.Product{Model: "HOODIE", Price: 40, Status: true, Shipping: true, Descriptions: b.named("Hoodie"),
			Categories: []int{20},
			Options:    []opencart.ProductOption{{OptionID: 11, Required: true, Values: size}, {OptionID: 5, Required: true, Values: colour}},
			Variants: []opencart.Variant{
				{Model: "HOODIE-S-RED", Price: 40, Status: true, Selection: map[int]int{11: 46, 5: 39}},
				{Model: "HOODIE-M-BLUE", Price: 40, Status: true, Selection: map[int]int{11: 47, 5: 40}},
				{Model: "HOODIE-L-RED", Price: 40, Status: false, Selection: map[int]int{11: 48, 5: 39}},
			}})
	}
	written := b.upsert(t, products...)
	out := []int{written[0].ProductID, written[1].ProductID}
	if len(written) > 2 {
		out = append(out, written[2].ProductID)
		out = append(out, written[2].VariantIDs...)
	}
	return out
}

// checkSeeded checks the seeded products: the tee's six variants and extras (a negative one included),
// the gift card as a service with its barcode, and on 4.x the hoodie's variant products.
func (b *oc2oBed) checkSeeded(t *testing.T, ids []int) {
	t.Helper()
	tee := b.odooOne(t, "product.template", b.odooID(t, mapping.KindProduct, strconv.Itoa(ids[0])), "product_variant_count", "default_code", "categ_id")
	if tee["product_variant_count"] != int64(6) || tee["default_code"] != false {
		t.Errorf("tee → %v; want 6 variants and no Internal Reference on the template", tee)
	}
	if oc2oM2O(tee["categ_id"]) != b.odooID(t, mapping.KindCategory, "27") {
		t.Errorf("tee in Desktops (20) and Mac (27) → categ_id %v, want Mac's", tee["categ_id"])
	}
	teeProduct := b.shopProduct(t, ids[0])
	for _, v := range b.odoo(t, "product.product", []any{[]any{"product_tmpl_id", "=", tee["id"]}}, "lst_price") {
		m, err := b.Store.ByOdooID(context.Background(), mapping.KindVariant, v["id"].(int64))
		if err != nil {
			t.Fatalf("tee variant %d not mapped: %v", v["id"], err)
		}
		want := 20.0
		for _, pov := range strings.Split(strings.SplitN(m.OpenCartID, ":", 2)[1], ",") {
			id, _ := strconv.Atoi(pov)
			want += oc2oPOVPrice(teeProduct, id)
		}
		if math.Abs(v["lst_price"].(float64)-want) > 1e-9 {
			t.Errorf("tee variant %s costs %v, want %v", m.OpenCartID, v["lst_price"], want)
		}
	}
	card := b.odooOne(t, "product.template", b.odooID(t, mapping.KindProduct, strconv.Itoa(ids[1])), append([]string{"barcode", "default_code"}, b.ERP.Schema().ProductTypeFields()...)...)
	if kind, _ := b.ERP.Schema().ProductKindOf(card); card["barcode"] != "4006381333931" || card["default_code"] != "PLAIN-1" || kind != "service" {
		t.Errorf("gift card → %v; want barcode 4006381333931, PLAIN-1, a service", card)
	}
	if len(ids) < 3 {
		return
	}
	hoodie := b.odooID(t, mapping.KindProduct, strconv.Itoa(ids[2]))
	variants := b.odoo(t, "product.product", []any{[]any{"product_tmpl_id", "=", hoodie}}, "default_code", "active")
	active := 0
	for _, v := range variants {
		if v["active"] == true {
			active++
		}
	}
	// Size has 3 values chosen, Select 2: Odoo makes 6 combinations, 3 stand for variant products (one of
	// them disabled in the shop), the other 3 are archived.
	if len(variants) != 6 || active != 2 {
		t.Errorf("hoodie → %d variants, %d active; want 6 with 2 active", len(variants), active)
	}
	for i, id := range ids[3:] {
		odooVariant := b.odooOne(t, "product.product", b.odooID(t, mapping.KindVariant, strconv.Itoa(id)), "default_code", "active", "product_tmpl_id")
		wantCode := []string{"HOODIE-S-RED", "HOODIE-M-BLUE", "HOODIE-L-RED"}[i]
		if odooVariant["default_code"] != wantCode || odooVariant["active"] != (i < 2) || oc2oM2O(odooVariant["product_tmpl_id"]) != hoodie {
			t.Errorf("variant product %d → %v; want %s of template %d, active %v", id, odooVariant, wantCode, hoodie, i < 2)
		}
	}
}
