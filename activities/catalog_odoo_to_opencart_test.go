package activities_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// A seeded catalog syncs with correct rows in the shop, a second run writes nothing, and changes in Odoo
// update the shop in place: on OpenCart 3.0 and 4.1, with a current and an old Odoo.
func TestOdooToOpenCartSyncsCatalog(t *testing.T) {
	for _, c := range []struct {
		openCart string
		odoo     int
	}{{"3.0.4.1", 17}, {"4.1.0.4", 13}} {
		t.Run(fmt.Sprintf("opencart %s odoo %d", c.openCart, c.odoo), func(t *testing.T) {
			t.Parallel()
			b := newO2OCBed(t, c.openCart, c.odoo)
			if err := b.Sim.SeedCatalog(smallCatalog); err != nil {
				t.Fatal(err)
			}
			included := b.createTemplate(t, "Lamp with tax included", "INCL-1", 119, "19% incl.")
			b.createOdoo(t, "account.tax", map[string]any{"name": "Taxable Goods", "amount": 20.0, "amount_type": "percent", "type_tax_use": "sale"})
			classed := b.createTemplate(t, "Chair with a tax class", "CLASS-1", 50, "Taxable Goods")

			first := b.syncAll(t, newRun("first"))
			for _, stage := range activities.Stages {
				res, want := first[stage], b.count(t, stage)
				if res.Read != want || res.Created != want || res.Failed != 0 || !res.Done {
					t.Errorf("first run %s: %+v, want %d created", stage, res, want)
				}
			}
			b.checkCategories(t)
			b.checkOptions(t)
			b.checkProducts(t)
			if p := b.product(t, included); p.Price != 100 || p.TaxClassID != 0 {
				t.Errorf("119.00 with 19 %% included: price %v tax class %d, want 100 without a class", p.Price, p.TaxClassID)
			}
			if p := b.product(t, classed); p.Price != 50 || p.TaxClassID != 9 {
				t.Errorf("tax %q: price %v tax class %d, want 50 in class 9 (Taxable Goods)", "Taxable Goods", p.Price, p.TaxClassID)
			}

			sum := b.checksum(t)
			second := b.syncAll(t, newRun("second"))
			for stage, res := range second {
				if res.Unchanged != res.Read || res.Read != first[stage].Read {
					t.Errorf("second run %s: %+v, want all %d unchanged", stage, res, first[stage].Read)
				}
			}
			if b.checksum(t) != sum {
				t.Error("the second run changed the shop's catalog tables")
			}

			b.changeAndResync(t)
		})
	}
}

// changeAndResync edits a product, a price extra, a category's parent and an attribute in Odoo and
// checks that exactly those are updated, in place.
func (b *o2ocBed) changeAndResync(t *testing.T) {
	t.Helper()
	tmpl := b.odoo(t, "product.template", []any{[]any{"attribute_line_ids", "!=", false}}, "name", "list_price")[0]
	tmplID := id(tmpl["id"])
	productID := b.mapped(t, mapping.KindProduct, tmplID)
	ptav := b.odoo(t, "product.template.attribute.value", []any{[]any{"product_tmpl_id", "=", tmplID}}, "product_attribute_value_id")[0]
	b.write(t, "product.template", tmplID, map[string]any{"name": "Renamed product", "list_price": 321.5})
	b.write(t, "product.template.attribute.value", id(ptav["id"]), map[string]any{"price_extra": -4.25})
	cats := b.odoo(t, "product.category", []any{[]any{"parent_id.name", "=", "Saleable"}}, "name")
	deep := b.odoo(t, "product.category", []any{[]any{"parent_id", "not in", []any{id(cats[0]["id"])}}, []any{"parent_id.parent_id.parent_id.name", "=", "Saleable"}}, "name")
	if len(deep) == 0 {
		t.Fatal("the seeded tree has no third level")
	}
	b.write(t, "product.category", id(deep[0]["id"]), map[string]any{"parent_id": id(cats[0]["id"])})
	attr := b.odoo(t, "product.attribute", nil, "name")[0]
	b.createOdoo(t, "product.attribute.value", map[string]any{"name": "Purple", "attribute_id": id(attr["id"]), "sequence": 99})

	res := b.syncAll(t, newRun("changes"))
	for stage, want := range map[activities.Stage]int{activities.StageAttributes: 1, activities.StageCategories: 1, activities.StageProducts: 1} {
		if r := res[stage]; r.Updated != want || r.Created != 0 || r.Failed != 0 || r.Unchanged != r.Read-want {
			t.Errorf("after the changes, %s: %+v, want %d updated and the rest unchanged", stage, r, want)
		}
	}
	if got := b.mapped(t, mapping.KindProduct, tmplID); got != productID {
		t.Fatalf("the changed template moved from product %s to %s", productID, got)
	}
	p := b.product(t, tmplID)
	if p.Descriptions[b.Shop.DefaultLanguageID()].Name != "Renamed product" || p.Price != 321.5 {
		t.Errorf("product %s after the change: %q at %v", productID, p.Descriptions[b.Shop.DefaultLanguageID()].Name, p.Price)
	}
	valueID, _ := strconv.Atoi(b.mapped(t, mapping.KindAttributeValue, id(ptav["product_attribute_value_id"])))
	if v := optionValue(p, valueID); v == nil || v.Price != -4.25 {
		t.Errorf("option value %d after the price extra changed to -4.25: %+v", valueID, v)
	}
	b.checkCategories(t)
	b.checkOptions(t)
}

func (b *o2ocBed) createOdoo(t *testing.T, model string, vals map[string]any) int64 {
	t.Helper()
	newID, err := b.Sim.Create(model, vals)
	if err != nil {
		t.Fatalf("create %s: %v", model, err)
	}
	return newID
}

func (b *o2ocBed) write(t *testing.T, model string, recordID int64, vals map[string]any) {
	t.Helper()
	if err := b.Sim.Write(model, []int64{recordID}, vals); err != nil {
		t.Fatalf("write %s %d: %v", model, recordID, err)
	}
}

// createTemplate makes a simple product with one sale tax (by name; "" keeps the default tax).
func (b *o2ocBed) createTemplate(t *testing.T, name, code string, price float64, taxName string) int64 {
	t.Helper()
	vals := map[string]any{"name": name, "default_code": code, "list_price": price, "sale_ok": true}
	if taxName != "" {
		taxes := b.odoo(t, "account.tax", []any{[]any{"name", "=", taxName}, []any{"type_tax_use", "=", "sale"}}, "name")
		if len(taxes) != 1 {
			t.Fatalf("tax %q: %d found", taxName, len(taxes))
		}
		vals["taxes_id"] = []any{[]any{6, 0, []any{id(taxes[0]["id"])}}}
	}
	return b.createOdoo(t, "product.template", vals)
}

// product reads the shop product a template is paired with.
func (b *o2ocBed) product(t *testing.T, tmplID int64) opencart.ProductRecord {
	t.Helper()
	productID, _ := strconv.Atoi(b.mapped(t, mapping.KindProduct, tmplID))
	list, err := b.Shop.ProductsByID(context.Background(), []int{productID})
	if err != nil || len(list) != 1 {
		t.Fatalf("product %d of template %d: %v (%d found)", productID, tmplID, err, len(list))
	}
	return list[0]
}

func optionValue(p opencart.ProductRecord, optionValueID int) *opencart.ProductOptionValue {
	for _, o := range p.Options {
		for i := range o.Values {
			if o.Values[i].OptionValueID == optionValueID {
				return &o.Values[i]
			}
		}
	}
	return nil
}

// checkCategories compares every Odoo category with its shop category: name, parent, path, status.
func (b *o2ocBed) checkCategories(t *testing.T) {
	t.Helper()
	for _, c := range b.odoo(t, "product.category", nil, "name", "parent_id", "parent_path") {
		catID, _ := strconv.Atoi(b.mapped(t, mapping.KindCategory, id(c["id"])))
		list, err := b.Shop.CategoriesByID(context.Background(), []int{catID})
		if err != nil || len(list) != 1 {
			t.Fatalf("category %d: %v", catID, err)
		}
		got := list[0]
		wantParent := 0
		if p := id(c["parent_id"]); p != 0 {
			wantParent, _ = strconv.Atoi(b.mapped(t, mapping.KindCategory, p))
		}
		depth := len(strings.Split(strings.Trim(c["parent_path"].(string), "/"), "/"))
		if got.ParentID != wantParent || len(got.Path) != depth || got.Path[len(got.Path)-1] != catID || !got.Status {
			t.Errorf("category %v %q: shop parent %d path %v status %v, want parent %d and a path of %d ending in %d",
				c["id"], c["name"], got.ParentID, got.Path, got.Status, wantParent, depth, catID)
		}
		if wantParent != 0 && len(got.Path) > 1 && got.Path[len(got.Path)-2] != wantParent {
			t.Errorf("category %d: path %v does not go through its parent %d", catID, got.Path, wantParent)
		}
		for _, l := range b.Shop.Languages() {
			if got.Descriptions[l.ID].Name != c["name"] {
				t.Errorf("category %d language %d: name %q, want %q", catID, l.ID, got.Descriptions[l.ID].Name, c["name"])
			}
		}
	}
}

// checkOptions compares every Odoo attribute with its shop option and its values.
func (b *o2ocBed) checkOptions(t *testing.T) {
	t.Helper()
	options, err := b.Shop.Options(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lang := b.Shop.DefaultLanguageID()
	for _, a := range b.odoo(t, "product.attribute", nil, "name", "display_type", "sequence") {
		optionID, _ := strconv.Atoi(b.mapped(t, mapping.KindAttribute, id(a["id"])))
		i := slices.IndexFunc(options, func(o opencart.Option) bool { return o.ID == optionID })
		if i < 0 {
			t.Fatalf("attribute %v: option %d is not in the shop", a["id"], optionID)
		}
		o := options[i]
		wantType := "select"
		if a["display_type"] == "radio" {
			wantType = "radio"
		}
		if o.Names[lang] != a["name"] || o.Type != wantType || int64(o.SortOrder) != a["sequence"] {
			t.Errorf("attribute %v %q: option %+v", a["id"], a["name"], o)
		}
		for _, v := range b.odoo(t, "product.attribute.value", []any{[]any{"attribute_id", "=", id(a["id"])}}, "name") {
			valueID, _ := strconv.Atoi(b.mapped(t, mapping.KindAttributeValue, id(v["id"])))
			j := slices.IndexFunc(o.Values, func(ov opencart.OptionValue) bool { return ov.ID == valueID })
			if j < 0 || o.Values[j].Names[lang] != v["name"] {
				t.Errorf("value %v %q: option value %d not in option %d with that name", v["id"], v["name"], valueID, optionID)
			}
		}
	}
}

// checkProducts compares every saleable template with its shop product: codes, price, names, category,
// status, stock, option values with price extras and stock, variant pairs and the stored fingerprint.
func (b *o2ocBed) checkProducts(t *testing.T) {
	t.Helper()
	lang := b.Shop.DefaultLanguageID()
	ctx := context.Background()
	simple, configurable := 0, 0
	defer func() {
		if simple < 5 || configurable < 3 {
			t.Errorf("checked %d simple and %d configurable products; the catalog is too small to tell", simple, configurable)
		}
	}()
	for _, tmpl := range b.odoo(t, "product.template", []any{[]any{"sale_ok", "=", true}},
		"name", "default_code", "barcode", "list_price", "categ_id", "attribute_line_ids", "qty_available", "taxes_id", b.storableField()) {
		tmplID := id(tmpl["id"])
		p := b.product(t, tmplID)
		code, _ := tmpl["default_code"].(string)
		wantModel := code
		if code == "" {
			wantModel = fmt.Sprintf("ODOO-%d", tmplID)
		}
		barcode, _ := tmpl["barcode"].(string)
		catID, _ := strconv.Atoi(b.mapped(t, mapping.KindCategory, id(tmpl["categ_id"])))
		if p.Model != wantModel || p.Codes.SKU != code || p.Codes.EAN != barcode || p.Descriptions[lang].Name != tmpl["name"] ||
			!slices.Equal(p.Categories, []int{catID}) || !p.Status || p.Quantity != int(math.Floor(tmpl["qty_available"].(float64))) ||
			p.Subtract != b.storable(tmpl) {
			t.Errorf("template %d %q: product %+v", tmplID, tmpl["name"], p.Product)
		}
		if code != "INCL-1" && !near(p.Price, tmpl["list_price"].(float64)) {
			t.Errorf("template %d: price %v, want %v", tmplID, p.Price, tmpl["list_price"])
		}
		pair, err := b.Store.ByOdooID(ctx, mapping.KindProduct, tmplID)
		if err != nil || pair.OpenCartFingerprint != pair.OdooFingerprint {
			t.Errorf("template %d: the shop's content does not agree with Odoo's (%q ≠ %q, %v)", tmplID, pair.OpenCartFingerprint, pair.OdooFingerprint, err)
		}
		if len(ids(tmpl["attribute_line_ids"])) > 0 {
			b.checkOptionValues(t, tmplID, p)
			configurable++
		} else {
			simple++
		}
	}
}

// storableField is the field telling storable products apart in the bed's Odoo version.
func (b *o2ocBed) storableField() string {
	if b.Sim.Version() >= 18 {
		return "is_storable"
	}
	return "type"
}

func (b *o2ocBed) storable(tmpl map[string]any) bool {
	return tmpl[b.storableField()] == true || tmpl[b.storableField()] == "product"
}

// checkOptionValues checks a configurable product's option values against the template's attribute
// values and variants, and the variants' pairs.
func (b *o2ocBed) checkOptionValues(t *testing.T, tmplID int64, p opencart.ProductRecord) {
	t.Helper()
	variants := b.odoo(t, "product.product", []any{[]any{"product_tmpl_id", "=", tmplID}}, "qty_available", "product_template_attribute_value_ids")
	ptavs := b.odoo(t, "product.template.attribute.value", []any{[]any{"product_tmpl_id", "=", tmplID}}, "product_attribute_value_id", "price_extra")
	povOf := map[int64]int{} // ptav → product_option_value_id
	for _, ptav := range ptavs {
		valueID, _ := strconv.Atoi(b.mapped(t, mapping.KindAttributeValue, id(ptav["product_attribute_value_id"])))
		v := optionValue(p, valueID)
		stock := 0.0
		for _, variant := range variants {
			if slices.Contains(ids(variant["product_template_attribute_value_ids"]), id(ptav["id"])) {
				stock += variant["qty_available"].(float64)
			}
		}
		if v == nil || !near(v.Price, ptav["price_extra"].(float64)) || v.Quantity != int(stock) || v.Subtract != p.Subtract {
			t.Errorf("template %d value %d: option value %+v, want price %v stock %v subtracted", tmplID, valueID, v, ptav["price_extra"], stock)
			continue
		}
		for i, o := range p.Options {
			for j, ov := range o.Values {
				if ov.OptionValueID == valueID {
					povOf[id(ptav["id"])] = p.OptionKeys[i].ValueIDs[j]
				}
			}
		}
	}
	for _, variant := range variants {
		var povs []int
		for _, ptav := range ids(variant["product_template_attribute_value_ids"]) {
			povs = append(povs, povOf[ptav])
		}
		slices.Sort(povs)
		want := strconv.Itoa(p.ID) + ":" + strings.Trim(strings.Join(strings.Fields(fmt.Sprint(povs)), ","), "[]")
		if got := b.mapped(t, mapping.KindVariant, id(variant["id"])); got != want {
			t.Errorf("variant %v: paired with %q, want %q", variant["id"], got, want)
		}
	}
}
