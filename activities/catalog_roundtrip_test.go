package activities_test

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// The two directions agree on the content of every record, so a catalog that went one way comes back
// unchanged: no Odoo write, no shop write, in either order, with simple products and configurable ones
// (select, radio and checkbox options), categories and attributes. A price changed on one side reaches
// the other and does not echo back.

// A catalog made in Odoo goes to the shop; the way back finds everything unchanged.
func TestCatalogRoundTripFromOdoo(t *testing.T) {
	for _, c := range []struct {
		openCart string
		odoo     int
	}{{"3.0.4.1", 17}, {"4.0.2.3", 16}} {
		t.Run(c.openCart, func(t *testing.T) {
			t.Parallel()
			b := newOC2OBed(t, c.openCart, c.odoo)
			b.clearShopCatalog(t)
			gift := b.seedOdooCatalog(t)
			b.roundTripFromOdoo(t)

			// Stock is no catalog content: moves in Odoo and the inventory sync's writes in the shop
			// change nothing either way.
			b.moveStock(t)
			b.wantNoShopWrites(t, "Odoo → OpenCart after stock moved")
			b.wantNoOdooWrites(t, "OpenCart → Odoo after stock moved", mapping.OpenCartToOdoo)

			// A price changed in Odoo reaches the shop, and does not come back.
			productID := b.pairOf(t, mapping.KindProduct, gift).OpenCartID
			b.odooWrite(t, "product.template", gift, map[string]any{"list_price": 77.5})
			wantCounts(t, "Odoo → OpenCart after a price change", b.fullSync(t, mapping.OdooToOpenCart), 1)
			if p := b.shopProduct(t, atoi(productID)); p.Price != 77.5 {
				t.Errorf("the shop's price after the change in Odoo: %v, want 77.5", p.Price)
			}
			b.wantNoOdooWrites(t, "OpenCart → Odoo after a price change in Odoo", mapping.OpenCartToOdoo)

			// And one changed in the shop reaches Odoo, and does not come back.
			b.exec(t, "UPDATE oc_product SET price = 66.25, date_modified = NOW() WHERE product_id = ?", productID)
			wantCounts(t, "OpenCart → Odoo after a price change", b.fullSync(t, mapping.OpenCartToOdoo), 1)
			if row := b.odooOne(t, "product.template", gift, "list_price"); row["list_price"] != 66.25 {
				t.Errorf("Odoo's price after the change in the shop: %v, want 66.25", row["list_price"])
			}
			b.wantNoShopWrites(t, "Odoo → OpenCart after a price change in the shop")
		})
	}
}

// A shop's catalog goes to Odoo; the way back finds everything unchanged.
func TestCatalogRoundTripFromOpenCart(t *testing.T) {
	for _, c := range []struct {
		openCart string
		odoo     int
	}{{"3.0.4.1", 17}, {"4.1.0.4", 16}} {
		t.Run(c.openCart, func(t *testing.T) {
			t.Parallel()
			b := newOC2OBed(t, c.openCart, c.odoo)
			b.seedConfigurable(t)
			// Odoo's own categories (All, Saleable…) go to the shop first: both sides start alike.
			b.fullSync(t, mapping.OdooToOpenCart)
			b.roundTripFromOpenCart(t)

			// The demo's Apple Cinema 30" (42) offers radio, select and checkbox options.
			cinema := b.odooID(t, mapping.KindProduct, "42")
			b.exec(t, "UPDATE oc_product SET price = 99.95, date_modified = NOW() WHERE product_id = 42")
			wantCounts(t, "OpenCart → Odoo after a price change", b.fullSync(t, mapping.OpenCartToOdoo), 1)
			if row := b.odooOne(t, "product.template", cinema, "list_price"); row["list_price"] != 99.95 {
				t.Errorf("Odoo's price after the change in the shop: %v, want 99.95", row["list_price"])
			}
			b.wantNoShopWrites(t, "Odoo → OpenCart after a price change in the shop")

			options := b.shopProduct(t, 42).OptionKeys
			b.odooWrite(t, "product.template", cinema, map[string]any{"list_price": 120.0})
			wantCounts(t, "Odoo → OpenCart after a price change", b.fullSync(t, mapping.OdooToOpenCart), 1)
			if p := b.shopProduct(t, 42); p.Price != 120 || !reflect.DeepEqual(p.OptionKeys, options) {
				t.Errorf("product 42 after the change in Odoo: price %v, options %+v; want 120 with its options as they were (text and date ones too): %+v",
					p.Price, p.OptionKeys, options)
			}
			b.wantNoOdooWrites(t, "OpenCart → Odoo after a price change in Odoo", mapping.OpenCartToOdoo)
		})
	}
}

// OpenCart 4 variant products come back unchanged too, made in Odoo (CATALOG_OPENCART_VARIANTS=products)
// or in the shop. (Not parallel: it sets the environment.)
func TestCatalogRoundTripVariantProducts(t *testing.T) {
	t.Setenv(activities.EnvCatalogVariantsMode, "products")
	t.Run("from Odoo", func(t *testing.T) {
		b := newOC2OBed(t, "4.1.0.4", 18)
		b.clearShopCatalog(t)
		b.seedOdooCatalog(t)
		b.roundTripFromOdoo(t)
	})
	t.Run("from OpenCart", func(t *testing.T) {
		b := newOC2OBed(t, "4.0.2.3", 17)
		b.seedConfigurable(t) // the hoodie: a master with three variant products
		b.fullSync(t, mapping.OdooToOpenCart)
		b.roundTripFromOpenCart(t)
	})
}

// Pairs stored by an earlier version (raw digests) are re-fingerprinted without a write where both sides
// agree, whichever direction runs first.
func TestCatalogRefingerprintsOldPairs(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "4.0.2.3", 17)
	b.clearShopCatalog(t)
	b.seedOdooCatalog(t)
	b.fullSync(t, mapping.OdooToOpenCart)
	for _, first := range []mapping.Direction{mapping.OdooToOpenCart, mapping.OpenCartToOdoo} {
		aged := b.ageFingerprints(t)
		b.Sim.ResetCalls()
		sum := catalogChecksum(t, b.sql)
		res := b.fullSync(t, first)
		for _, st := range activities.Stages {
			if r := res[st]; r.Unchanged != r.Read || r.Failed != 0 {
				t.Errorf("%s first, %s: %+v, want every record unchanged", first, st, r)
			}
		}
		if w := oc2oWrites(b.Sim.Calls()); len(w) > 0 || catalogChecksum(t, b.sql) != sum {
			t.Errorf("%s first: re-fingerprinting wrote (Odoo %v, shop changed %v)", first, w, catalogChecksum(t, b.sql) != sum)
		}
		for _, kind := range []mapping.Kind{mapping.KindAttribute, mapping.KindCategory, mapping.KindProduct} {
			for _, odooID := range aged[kind] {
				m := b.pairOf(t, kind, odooID)
				if !strings.HasPrefix(m.OdooFingerprint, "c1") || m.OdooFingerprint != m.OpenCartFingerprint {
					t.Errorf("%s first: %s %d kept fingerprints %q / %q, want the agreeing content's", first, kind, odooID, m.OdooFingerprint, m.OpenCartFingerprint)
				}
			}
		}
		b.roundTripFromOdoo(t)
	}
}

// roundTripFromOdoo syncs Odoo → OpenCart, then back (nothing written to Odoo), then forth again
// (nothing written to the shop).
func (b *oc2oBed) roundTripFromOdoo(t *testing.T) {
	t.Helper()
	for st, r := range b.fullSync(t, mapping.OdooToOpenCart) {
		if r.Failed != 0 {
			t.Fatalf("Odoo → OpenCart %s: %+v", st, r)
		}
	}
	b.wantAgreement(t)
	b.wantNoOdooWrites(t, "OpenCart → Odoo after Odoo → OpenCart", mapping.OpenCartToOdoo)
	b.wantNoShopWrites(t, "Odoo → OpenCart again")
}

// roundTripFromOpenCart syncs OpenCart → Odoo, then back (nothing written to the shop), then forth
// again (nothing written to Odoo).
func (b *oc2oBed) roundTripFromOpenCart(t *testing.T) {
	t.Helper()
	for st, r := range b.fullSync(t, mapping.OpenCartToOdoo) {
		if r.Failed != 0 || r.Created == 0 {
			t.Fatalf("OpenCart → Odoo %s: %+v, want records created and none failed", st, r)
		}
	}
	b.wantAgreement(t)
	b.wantNoShopWrites(t, "Odoo → OpenCart after OpenCart → Odoo")
	b.wantNoOdooWrites(t, "OpenCart → Odoo again", mapping.OpenCartToOdoo)
}

// wantAgreement fails unless every attribute, category and product holds the same content on both
// sides, as its pair's two fingerprints say. A configurable product whose form in the shop (options, or
// OpenCart 4 variant products) is not the configured one is the exception: its sides differ until Odoo
// next writes it in the configured form (the zero-write runs show that no echo comes of it).
func (b *oc2oBed) wantAgreement(t *testing.T) {
	t.Helper()
	for _, kind := range []mapping.Kind{mapping.KindAttribute, mapping.KindCategory, mapping.KindProduct} {
		list, err := b.Store.List(context.Background(), kind, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			if m.OdooFingerprint != m.OpenCartFingerprint && !(kind == mapping.KindProduct && b.inOtherForm(t, atoi(m.OpenCartID))) {
				t.Errorf("%s Odoo %d ⇄ OpenCart %s: the sides' contents differ (%s ≠ %s)", kind, m.OdooID, m.OpenCartID, m.OdooFingerprint, m.OpenCartFingerprint)
			}
		}
	}
}

// inOtherForm tells whether a shop product offers variants in another form than the configured one.
func (b *oc2oBed) inOtherForm(t *testing.T, id int) bool {
	t.Helper()
	p := b.shopProduct(t, id)
	configurable := slices.ContainsFunc(p.OptionKeys, func(k opencart.ProductOptionKeys) bool { return k.Type == "select" || k.Type == "radio" })
	variantProducts := 0
	if b.Shop.Flavour().HasVariants() {
		if err := b.sql.QueryRow("SELECT COUNT(*) FROM oc_product WHERE master_id = ?", id).Scan(&variantProducts); err != nil {
			t.Fatal(err)
		}
	}
	wantVariants := os.Getenv(activities.EnvCatalogVariantsMode) == "products" && b.Shop.Flavour().HasVariants()
	return configurable && wantVariants != (variantProducts > 0)
}

// moveStock receives stock of every storable variant in Odoo and sets every product's stock in the
// shop, as the inventory sync does.
func (b *oc2oBed) moveStock(t *testing.T) {
	t.Helper()
	moved := 0
	for _, v := range b.odoo(t, "product.product", []any{[]any{"sale_ok", "=", true}}, "name") {
		if err := b.Sim.MoveStock(v["id"].(int64), 7, odoosim.MoveAdjustment); err == nil {
			moved++
		}
	}
	var levels []opencart.StockLevel
	for _, m := range b.pairs(t, mapping.KindProduct) {
		levels = append(levels, opencart.StockLevel{ProductID: atoi(m.OpenCartID), Quantity: 3})
	}
	if _, err := b.Shop.SetStock(context.Background(), levels); err != nil || moved == 0 {
		t.Fatalf("stock: %d Odoo variants moved, shop: %v", moved, err)
	}
}

// fullSync runs every stage of one direction.
func (b *oc2oBed) fullSync(t *testing.T, dir mapping.Direction) map[activities.Stage]activities.PageResult {
	t.Helper()
	r := newOC2ORun(string(dir))
	r.direction, r.limit = dir, 40
	return b.syncAll(t, r)
}

// wantNoOdooWrites runs a full sync, which must find every record unchanged and write nothing to Odoo.
func (b *oc2oBed) wantNoOdooWrites(t *testing.T, what string, dir mapping.Direction) {
	t.Helper()
	b.Sim.ResetCalls()
	wantCounts(t, what, b.fullSync(t, dir), 0)
	if w := oc2oWrites(b.Sim.Calls()); len(w) > 0 {
		t.Errorf("%s wrote to Odoo: %v", what, w)
	}
}

// wantNoShopWrites runs a full sync Odoo → OpenCart, which must find every record unchanged and leave the
// shop's catalog tables as they were.
func (b *oc2oBed) wantNoShopWrites(t *testing.T, what string) {
	t.Helper()
	sum := catalogChecksum(t, b.sql)
	wantCounts(t, what, b.fullSync(t, mapping.OdooToOpenCart), 0)
	if catalogChecksum(t, b.sql) != sum {
		t.Errorf("%s changed the shop's catalog tables", what)
	}
}

// wantCounts fails unless exactly `updated` products were updated and every other record is unchanged.
func wantCounts(t *testing.T, what string, res map[activities.Stage]activities.PageResult, updated int) {
	t.Helper()
	for _, st := range activities.Stages {
		want := 0
		if st == activities.StageProducts {
			want = updated
		}
		if r := res[st]; r.Updated != want || r.Created != 0 || r.Failed != 0 || r.Unchanged != r.Read-want || r.Read == 0 {
			t.Errorf("%s, %s: %+v; want %d updated and the rest unchanged", what, st, r, want)
		}
	}
}

// clearShopCatalog empties the shop's catalog tables (the demo's products, categories and options), so
// that a catalog made in Odoo is all there is.
func (b *oc2oBed) clearShopCatalog(t *testing.T) {
	t.Helper()
	rows, err := b.sql.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()
		AND (table_name LIKE 'oc\_product%' OR table_name LIKE 'oc\_category%' OR table_name LIKE 'oc\_option%')`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	for _, table := range tables {
		b.exec(t, "DELETE FROM "+table)
	}
}

// seedOdooCatalog adds a catalog to Odoo with select, radio and checkbox attributes: the seeded one
// (radio and select attributes making variants) plus a gift box offering a no-variant wrapping with a
// price extra. It returns the gift box.
func (b *oc2oBed) seedOdooCatalog(t *testing.T) int64 {
	t.Helper()
	if err := b.Sim.SeedCatalog(odoosim.CatalogSpec{Templates: 14, ConfigurableShare: 0.4, Attributes: 3, ValuesPerAttribute: 3,
		AttributesPerConfigurable: 2, Categories: 6, CategoryDepth: 3}); err != nil {
		t.Fatal(err)
	}
	attrs := b.odoo(t, "product.attribute", nil, "name")
	b.odooWrite(t, "product.attribute", attrs[0]["id"].(int64), map[string]any{"display_type": "select"})
	display := "radio"
	if b.Sim.Version() >= 17 {
		display = "multi"
	}
	wrap, err := b.Sim.Create("product.attribute", map[string]any{"name": "Gift wrap", "create_variant": "no_variant", "display_type": display,
		"value_ids": []any{[]any{0, 0, map[string]any{"name": "Paper"}}, []any{0, 0, map[string]any{"name": "Ribbon", "sequence": 2}}}})
	if err != nil {
		t.Fatal(err)
	}
	var wrapValues, selectValues []any
	for _, v := range b.odoo(t, "product.attribute.value", []any{[]any{"attribute_id", "=", wrap}}, "name") {
		wrapValues = append(wrapValues, v["id"])
	}
	for _, v := range b.odoo(t, "product.attribute.value", []any{[]any{"attribute_id", "=", attrs[0]["id"]}}, "name") {
		selectValues = append(selectValues, v["id"])
	}
	gift, err := b.Sim.Create("product.template", map[string]any{"name": "Gift box", "list_price": 12.0, "sale_ok": true,
		"attribute_line_ids": []any{
			[]any{0, 0, map[string]any{"attribute_id": wrap, "value_ids": []any{[]any{6, 0, wrapValues}}}},
			[]any{0, 0, map[string]any{"attribute_id": attrs[0]["id"], "value_ids": []any{[]any{6, 0, selectValues}}}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	ribbon := b.odoo(t, "product.template.attribute.value", []any{[]any{"product_tmpl_id", "=", gift}, []any{"name", "=", "Ribbon"}}, "name")
	if len(ribbon) != 1 {
		t.Fatalf("gift box: %d ribbon values", len(ribbon))
	}
	b.odooWrite(t, "product.template.attribute.value", ribbon[0]["id"].(int64), map[string]any{"price_extra": 2.5})
	return gift
}

// ageFingerprints replaces the catalog pairs' fingerprints with digests of the kind an earlier version
// stored, and returns the Odoo ids it aged, by kind.
func (b *oc2oBed) ageFingerprints(t *testing.T) map[mapping.Kind][]int64 {
	t.Helper()
	ctx := context.Background()
	aged := map[mapping.Kind][]int64{}
	for _, kind := range []mapping.Kind{mapping.KindAttribute, mapping.KindAttributeValue, mapping.KindCategory, mapping.KindProduct, mapping.KindVariant} {
		list, err := b.Store.List(ctx, kind, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			m.OdooFingerprint, m.OpenCartFingerprint = mapping.Fingerprint([]any{"odoo", m.OdooID}), mapping.Fingerprint([]any{"opencart", m.OpenCartID})
			if err := b.Store.Put(ctx, m); err != nil {
				t.Fatal(err)
			}
			aged[kind] = append(aged[kind], m.OdooID)
		}
	}
	return aged
}

func (b *oc2oBed) pairOf(t *testing.T, kind mapping.Kind, odooID int64) mapping.Mapping {
	t.Helper()
	m, err := b.Store.ByOdooID(context.Background(), kind, odooID)
	if err != nil {
		t.Fatalf("%s %d: no pair: %v", kind, odooID, err)
	}
	return m
}

func (b *oc2oBed) odooWrite(t *testing.T, model string, id int64, values map[string]any) {
	t.Helper()
	if err := b.Sim.Write(model, []int64{id}, values); err != nil {
		t.Fatalf("write %s %d: %v", model, id, err)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
