package activities_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// A record changed on both sides since the last sync goes the master side's way; the other side's change
// is recorded as a failure naming the fix, whichever direction runs first, and stays recorded until the
// change is re-applied on the master side.
func TestCatalogConflictOdooMasterWins(t *testing.T) {
	t.Parallel()
	b, tmpl, productID := newConflictBed(t)
	b.bothChange(t, tmpl, productID)

	// OpenCart → Odoo first: Odoo is the master, so the shop's change yields.
	b.Sim.ResetCalls()
	res := b.stage(t, newOC2ORun("shop first"), activities.StageProducts)
	if res.Failed != 1 || res.Updated != 0 {
		t.Errorf("OpenCart → Odoo on a conflict: %+v, want the product failed and nothing updated", res)
	}
	if w := oc2oWrites(b.Sim.Calls()); len(w) > 0 {
		t.Errorf("the losing direction wrote to Odoo: %v", w)
	}
	b.wantLost(t, mapping.KindProduct, mapping.OpenCartToOdoo, productID, "Odoo", 1)

	// Odoo → OpenCart: the master's change is written over the shop's, which stays recorded as lost.
	r := newOC2ORun("odoo wins")
	r.direction = mapping.OdooToOpenCart
	if res := b.stage(t, r, activities.StageProducts); res.Updated != 1 || res.Failed != 0 {
		t.Errorf("Odoo → OpenCart on a conflict: %+v, want the product updated", res)
	}
	if p := b.shopProduct(t, productID); p.Price != 50 || p.Descriptions[b.lang()].Name != "Odoo's name" {
		t.Errorf("shop product after the conflict: %q at %v, want Odoo's name and price", p.Descriptions[b.lang()].Name, p.Price)
	}
	b.wantLost(t, mapping.KindProduct, mapping.OpenCartToOdoo, productID, "Odoo", 2)

	// Nothing echoes, and the loss stays recorded.
	b.wantNoOdooWrites(t, "OpenCart → Odoo after the conflict", mapping.OpenCartToOdoo)
	b.wantLost(t, mapping.KindProduct, mapping.OpenCartToOdoo, productID, "Odoo", 2)

	// Re-applied on the master side, the change syncs and the loss is resolved.
	b.odooWrite(t, "product.template", tmpl, map[string]any{"name": "Shop's name"})
	r = newOC2ORun("re-applied")
	r.direction = mapping.OdooToOpenCart
	if res := b.stage(t, r, activities.StageProducts); res.Updated != 1 {
		t.Errorf("Odoo → OpenCart after re-applying the change: %+v, want the product updated", res)
	}
	if f := b.openFailure(t, mapping.KindProduct, mapping.OpenCartToOdoo, productID); f != nil {
		t.Errorf("the loss is still open after the change was re-applied on the master side: %+v", *f)
	}
}

// With OpenCart as the master of products and categories, the shop's changes win; Odoo's are recorded.
// (Not parallel: it sets the environment.)
func TestCatalogConflictOpenCartMasterWins(t *testing.T) {
	t.Setenv("CATALOG_MASTER_PRODUCTS", "opencart")
	t.Setenv("CATALOG_MASTER_CATEGORIES", "opencart")
	b, tmpl, productID := newConflictBed(t)
	b.bothChange(t, tmpl, productID)
	category := b.pairs(t, mapping.KindCategory)[0]
	b.odooWrite(t, "product.category", category.OdooID, map[string]any{"name": "Odoo's category"})
	b.exec(t, "UPDATE oc_category_description SET name = 'Shop''s category' WHERE category_id = ?", category.OpenCartID)

	// Odoo → OpenCart first: the shop is the master, so Odoo's changes yield and the shop is left alone.
	sum := catalogChecksum(t, b.sql)
	r := newOC2ORun("odoo first")
	r.direction = mapping.OdooToOpenCart
	res := b.syncAll(t, r)
	if res[activities.StageProducts].Failed != 1 || res[activities.StageCategories].Failed != 1 || catalogChecksum(t, b.sql) != sum {
		t.Errorf("Odoo → OpenCart on conflicts: %+v; the shop changed: %v; want one product and one category failed, nothing written",
			res, catalogChecksum(t, b.sql) != sum)
	}
	b.wantLost(t, mapping.KindProduct, mapping.OdooToOpenCart, int(tmpl), "OpenCart", 1)
	b.wantLost(t, mapping.KindCategory, mapping.OdooToOpenCart, int(category.OdooID), "OpenCart", 1)

	// OpenCart → Odoo writes the shop's version over Odoo's.
	res = b.syncAll(t, newOC2ORun("shop wins"))
	if res[activities.StageProducts].Updated != 1 || res[activities.StageCategories].Updated != 1 {
		t.Errorf("OpenCart → Odoo on conflicts: %+v, want the product and the category updated", res)
	}
	if row := b.odooOne(t, "product.template", tmpl, "name", "list_price"); row["name"] != "Shop's name" || row["list_price"] == 50.0 {
		t.Errorf("Odoo's template after the conflict: %v, want the shop's name and price", row)
	}
	if row := b.odooOne(t, "product.category", category.OdooID, "name"); row["name"] != "Shop's category" {
		t.Errorf("Odoo's category after the conflict: %v, want the shop's name", row)
	}
	b.wantLost(t, mapping.KindProduct, mapping.OdooToOpenCart, int(tmpl), "OpenCart", 2)
	b.wantNoShopWrites(t, "Odoo → OpenCart after the conflict")
}

// newConflictBed syncs a catalog made in Odoo to a shop and returns a simple product of it (its template
// and shop product).
func newConflictBed(t *testing.T) (*oc2oBed, int64, int) {
	t.Helper()
	b := newOC2OBed(t, "4.0.2.3", 17)
	b.clearShopCatalog(t)
	b.seedOdooCatalog(t)
	b.fullSync(t, mapping.OdooToOpenCart)
	for _, m := range b.pairs(t, mapping.KindProduct) {
		if len(b.shopProduct(t, atoi(m.OpenCartID)).Options) == 0 {
			return b, m.OdooID, atoi(m.OpenCartID)
		}
	}
	t.Fatal("the catalog has no simple product")
	return nil, 0, 0
}

// bothChange changes a product's name and price in Odoo, and its name in the shop.
func (b *oc2oBed) bothChange(t *testing.T, tmpl int64, productID int) {
	t.Helper()
	b.odooWrite(t, "product.template", tmpl, map[string]any{"name": "Odoo's name", "list_price": 50.0})
	b.exec(t, "UPDATE oc_product_description SET name = 'Shop''s name' WHERE product_id = ?", productID)
	b.exec(t, "UPDATE oc_product SET date_modified = NOW() WHERE product_id = ?", productID)
}

// wantLost fails unless a record's change is recorded as lost to the master side, attempts times.
func (b *oc2oBed) wantLost(t *testing.T, kind mapping.Kind, dir mapping.Direction, id int, master string, attempts int) {
	t.Helper()
	f := b.openFailure(t, kind, dir, id)
	switch {
	case f == nil:
		t.Errorf("no open failure records the lost change of %s %d (%s)", kind, id, dir)
	case !strings.HasPrefix(f.Reason, "conflict: ") || !strings.Contains(f.Reason, "lost to the "+master+" side's change") ||
		f.Fix != "re-apply it on the "+master+" side" || f.Attempts != attempts:
		t.Errorf("the lost change of %s %d: %q, fix %q, %d attempts; want a conflict lost to the %s side, re-applied there, %d attempts",
			kind, id, f.Reason, f.Fix, f.Attempts, master, attempts)
	}
}

// openFailure is a record's open failure in a direction, nil when it has none.
func (b *oc2oBed) openFailure(t *testing.T, kind mapping.Kind, dir mapping.Direction, id int) *mapping.Failure {
	t.Helper()
	list, err := b.Store.Failures(context.Background(), mapping.FailureFilter{Kind: kind, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range list {
		if f.Direction == dir && f.RecordID == strconv.Itoa(id) {
			return &f
		}
	}
	return nil
}

// pairs lists the pairs of a kind.
func (b *oc2oBed) pairs(t *testing.T, kind mapping.Kind) []mapping.Mapping {
	t.Helper()
	list, err := b.Store.List(context.Background(), kind, 0, 100000)
	if err != nil || len(list) == 0 {
		t.Fatalf("%s pairs: %v (%d)", kind, err, len(list))
	}
	return list
}
