package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// A sync limited to changes (CatalogFilter.ChangedSince, as the catalog poll runs it) finds in Odoo the
// templates whose variants' attribute values changed and the attributes whose values did, which Odoo
// stamps on those parts, not on the template or attribute.
func TestOdooChangesSinceIncludeParts(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "3.0.4.1", 17)
	b.clearShopCatalog(t)
	gift := b.seedOdooCatalog(t)
	b.fullSync(t, mapping.OdooToOpenCart)
	time.Sleep(1100 * time.Millisecond) // write_date has whole seconds: the seeding is stamped before since
	since := time.Now().UTC()

	ptav := b.odoo(t, "product.template.attribute.value", []any{[]any{"product_tmpl_id", "=", gift}, []any{"name", "=", "Paper"}}, "product_attribute_value_id")[0]
	b.odooWrite(t, "product.template.attribute.value", ptav["id"].(int64), map[string]any{"price_extra": 1.75})
	b.odooWrite(t, "product.attribute.value", oc2oM2O(ptav["product_attribute_value_id"]), map[string]any{"name": "Kraft paper"})
	stamps := b.odooOne(t, "product.template", gift, "write_date")
	if stamped, _ := time.Parse(time.DateTime, stamps["write_date"].(string)); !stamped.Before(since) {
		t.Fatalf("the template was stamped at %v: the test needs it stamped before %v", stamped, since)
	}

	r := newOC2ORun("changes")
	r.direction, r.filter = mapping.OdooToOpenCart, activities.CatalogFilter{ChangedSince: since}
	res := b.syncAll(t, r)
	for stage, want := range map[activities.Stage]int{activities.StageAttributes: 1, activities.StageCategories: 0, activities.StageProducts: 1} {
		if got := res[stage]; got.Read != want || got.Updated != want {
			t.Errorf("%s changed since %v: %+v, want %d read and updated", stage, since, got, want)
		}
	}
	if n, err := b.acts.CountCatalog(context.Background(), mapping.OdooToOpenCart, activities.StageProducts, r.filter); err != nil || n != 1 {
		t.Errorf("count of changed products: %d (%v), want 1", n, err)
	}
}

// In the shop, products changed since a time are read by date_modified; OpenCart 4.1 categories keep no
// date, so every category is read and the fingerprints find the changed one.
func TestOpenCartChangesSinceOn41(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "4.1.0.4", 17)
	b.fullSync(t, mapping.OpenCartToOdoo)
	since := time.Now().UTC().Add(-time.Minute)
	b.exec(t, "UPDATE oc_category_description SET name = 'Desktop computers' WHERE category_id = 20")
	b.exec(t, "UPDATE oc_product SET price = 333, date_modified = NOW() WHERE product_id = 40")

	r := newOC2ORun("changes")
	r.filter = activities.CatalogFilter{ChangedSince: since}
	res := b.syncAll(t, r)
	wantOC2OCounts(t, "categories", res[activities.StageCategories], 0, 1, demoCategories-1, 0)
	wantOC2OCounts(t, "products", res[activities.StageProducts], 0, 1, 0, 0)
	if row := b.odooOne(t, "product.category", b.odooID(t, mapping.KindCategory, "20"), "name"); row["name"] != "Desktop computers" {
		t.Errorf("category 20 in Odoo: %v, want it renamed", row)
	}
}
