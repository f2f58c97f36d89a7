package activities_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/workflows"
)

// Bad records fail alone, with the reason and the fix; ambiguous matches are reported, never guessed.
func TestOpenCartToOdooRecordsFailuresAndNeverGuesses(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "3.0.4.1", 14)
	b.exec(t, "UPDATE oc_product_description SET name = '' WHERE product_id = 28") // no name
	b.exec(t, "UPDATE oc_product SET model = 'Product 4' WHERE product_id = 32")   // 31's model
	for _, name := range []string{"size", " SIZE "} {                              // two Odoo attributes match option 11
		if _, err := b.Sim.Create("product.attribute", map[string]any{"name": name, "create_variant": "always"}); err != nil {
			t.Fatal(err)
		}
	}
	var twins []int64 // two Odoo products match product 33's model
	for range 2 {
		id, err := b.Sim.Create("product.template", map[string]any{"name": "Samsung monitor", "default_code": "Product 6"})
		if err != nil {
			t.Fatal(err)
		}
		twins = append(twins, id)
	}
	for range 2 { // two Odoo categories match the top-level category Tablets (57)
		if _, err := b.Sim.Create("product.category", map[string]any{"name": "Tablets"}); err != nil {
			t.Fatal(err)
		}
	}

	res := b.syncAll(t, newOC2ORun("failures"))
	wantOC2OCounts(t, "attributes", res[activities.StageAttributes], demoChoices-1, 0, 0, 1)
	wantOC2OCounts(t, "categories", res[activities.StageCategories], demoCategories-1, 0, 0, 1)
	wantOC2OCounts(t, "products", res[activities.StageProducts], demoProducts-4, 0, 0, 4)

	for _, c := range []struct {
		kind     mapping.Kind
		id       int
		field    string
		contains []string
	}{
		{mapping.KindAttribute, 11, "", []string{`option "Size"`, "2 Odoo product.attribute records"}},
		{mapping.KindCategory, 57, "", []string{`category "Tablets"`, "2 Odoo product.category"}},
		{mapping.KindProduct, 28, "name", []string{"no name"}},
		{mapping.KindProduct, 32, "model", []string{`"Product 4"`, "OpenCart product 31"}},
		{mapping.KindProduct, 33, "", []string{strconv.FormatInt(twins[0], 10), strconv.FormatInt(twins[1], 10)}},
		{mapping.KindProduct, 35, "options", []string{"option 11 is not synced"}},
	} {
		f := b.failure(t, c.kind, c.id)
		if f.Field != c.field || f.Fix == "" || f.Reason == "" {
			t.Errorf("%s %d failure: field %q, reason %q, fix %q; want field %q with a reason and a fix", c.kind, c.id, f.Field, f.Reason, f.Fix, c.field)
		}
		for _, s := range c.contains {
			if !strings.Contains(f.Reason, s) {
				t.Errorf("%s %d failure reason %q does not mention %q", c.kind, c.id, f.Reason, s)
			}
		}
	}
	for _, id := range twins { // neither twin was adopted
		if _, err := b.Store.ByOdooID(context.Background(), mapping.KindProduct, id); err == nil {
			t.Errorf("ambiguous template %d got mapped", id)
		}
	}
	if rows := b.odoo(t, "product.template", []any{[]any{"name", "in", []any{"HTC Touch HD", ""}}}, "name"); len(rows) != 0 {
		t.Errorf("the nameless product reached Odoo: %v", rows)
	}
	tablet := b.odooOne(t, "product.template", b.odooID(t, mapping.KindProduct, "49"), "categ_id")
	if name := tablet["categ_id"].([]any)[1]; name != "All" {
		t.Errorf("product 49, whose only category failed, → categ_id %v; want Odoo's default", tablet["categ_id"])
	}

	// Fixing a record syncs it and resolves its failure; the others still fail.
	b.exec(t, "UPDATE oc_product_description SET name = 'HTC Touch HD' WHERE product_id = 28")
	again := b.stage(t, newOC2ORun("fixed"), activities.StageProducts)
	wantOC2OCounts(t, "products after the fix", again, 1, 0, demoProducts-4, 3)
	open, err := b.Store.Failures(context.Background(), mapping.FailureFilter{Kind: mapping.KindProduct})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range open {
		if f.RecordID == "28" {
			t.Errorf("product 28 synced but its failure is still open: %+v", f)
		}
	}
}

// A page retried after its first attempt died counts every record once: records the dead attempt
// created in Odoo before storing their mappings are adopted (and count as created), records it finished
// without heartbeating count as created by their mappings' age, and nothing is made twice.
func TestOpenCartToOdooCountsOnceAcrossRetries(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "4.0.2.3", 16)
	extra := b.seedConfigurable(t)
	products := demoProducts + len(extra)
	r := newOC2ORun("retried")
	r.limit = 100
	b.stage(t, r, activities.StageAttributes)

	// Categories: the first attempt wrote everything but died before its heartbeat after the first four.
	cats, err := b.page(r, activities.StageCategories, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantOC2OCounts(t, "categories", cats, demoCategories, 0, 0, 0)
	odooCategories := len(b.odoo(t, "product.category", nil, "name"))
	retry, err := b.page(r, activities.StageCategories, 0, &activities.PageResult{Read: 4, Created: 4, LastID: 24})
	if err != nil {
		t.Fatal(err)
	}
	wantOC2OCounts(t, "categories retried", retry, demoCategories, 0, 0, 0)
	if n := len(b.odoo(t, "product.category", nil, "name")); n != odooCategories {
		t.Errorf("the retry left %d Odoo categories, there were %d", n, odooCategories)
	}
	if n := oc2oMapped(t, b, mapping.KindCategory); n != demoCategories {
		t.Errorf("%d category pairs, want %d", n, demoCategories)
	}

	// Products: the reply to the first create is lost after Odoo committed it.
	before := len(b.odoo(t, "product.template", nil, "name"))
	b.Sim.SetFaults(odoosim.Faults{CommitThenFail: []odoosim.CallMatch{{Model: "product.template", Method: "create", Times: 1}}})
	if _, err := b.page(r, activities.StageProducts, 0, nil); err == nil {
		t.Fatal("the first attempt succeeded although Odoo's reply to its create was lost")
	}
	made := len(b.odoo(t, "product.template", nil, "name")) - before
	if made == 0 {
		t.Fatal("the lost create made no templates; the test needs it to")
	}
	res, err := b.page(r, activities.StageProducts, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantOC2OCounts(t, "products retried", res, products, 0, 0, 0)
	if n := len(b.odoo(t, "product.template", nil, "name")) - before; n != products-3 { // the hoodie's 3 variant products are variants
		t.Errorf("%d templates made, want %d: the retry duplicated the %d templates of the lost create", n, products-3, made)
	}

	// A later run counts them unchanged.
	wantOC2OCounts(t, "products next run", b.stage(t, newOC2ORun("next"), activities.StageProducts), 0, 0, products, 0)
}

func oc2oMapped(t *testing.T, b *oc2oBed, kind mapping.Kind) int {
	t.Helper()
	counts, err := b.Store.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts[kind]
}

// Records the Odoo → OpenCart direction wrote come back unchanged: this direction writes nothing to the
// Odoo records they came from (a price with tax included in Odoo included), and keeps their pairs.
func TestOpenCartToOdooLeavesTheOtherDirectionsWritesAlone(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "4.0.2.3", 17)
	if err := b.Sim.SeedCatalog(odoosim.CatalogSpec{Templates: 12, ConfigurableShare: 0.35, Attributes: 3, ValuesPerAttribute: 3,
		AttributesPerConfigurable: 2, Categories: 6, CategoryDepth: 3}); err != nil {
		t.Fatal(err)
	}
	included := b.odoo(t, "account.tax", []any{[]any{"name", "=", "19% incl."}}, "name")
	if len(included) != 1 {
		t.Fatalf("the simulator has no 19%% tax-included sale tax: %v", included)
	}
	if _, err := b.Sim.Create("product.template", map[string]any{"name": "Gross lamp", "default_code": "GROSS-1", "list_price": 119.0,
		"taxes_id": []any{[]any{6, 0, []any{included[0]["id"]}}}}); err != nil {
		t.Fatal(err)
	}
	back := newOC2ORun("odoo-to-opencart")
	back.direction, back.limit = mapping.OdooToOpenCart, 50
	wrote := b.syncAll(t, back)
	stamps := map[string]map[int64]any{}
	for _, model := range []string{"product.template", "product.product", "product.category", "product.attribute", "product.template.attribute.value"} {
		stamps[model] = map[int64]any{}
		for _, r := range b.odoo(t, model, nil, "write_date") {
			stamps[model][r["id"].(int64)] = r["write_date"]
		}
	}
	pairs, err := b.Store.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	res := b.syncAll(t, newOC2ORun("opencart-to-odoo"))
	for _, st := range activities.Stages {
		if got := res[st]; got.Unchanged != wrote[st].Created || got.Updated != 0 || got.Failed != 0 {
			t.Errorf("%s: %+v; want the %d records the other direction wrote unchanged", st, got, wrote[st].Created)
		}
	}
	for model, before := range stamps {
		for _, r := range b.odoo(t, model, nil, "write_date") {
			if stamp, ok := before[r["id"].(int64)]; ok && stamp != r["write_date"] {
				t.Errorf("%s %d was written (write_date %v → %v)", model, r["id"], stamp, r["write_date"])
			}
		}
	}
	lamp := b.odoo(t, "product.template", []any{[]any{"default_code", "=", "GROSS-1"}}, "list_price")
	if len(lamp) != 1 || lamp[0]["list_price"] != 119.0 {
		t.Errorf("the tax-included lamp → %v; want its list price 119 kept", lamp)
	}
	after, err := b.Store.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after[mapping.KindProduct] != pairs[mapping.KindProduct]+demoProducts {
		t.Errorf("product pairs %d → %d; want the demo's %d added, the others kept", pairs[mapping.KindProduct], after[mapping.KindProduct], demoProducts)
	}
}

// A dry run counts what a sync would do and writes nothing anywhere.
func TestOpenCartToOdooDryRun(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "3.0.4.1", 17)
	b.exec(t, "UPDATE oc_product_description SET name = '' WHERE product_id = 28")
	r := newOC2ORun("dry")
	r.dryRun = true
	res := b.syncAll(t, r)
	wantOC2OCounts(t, "attributes", res[activities.StageAttributes], demoChoices, 0, 0, 0)
	wantOC2OCounts(t, "categories", res[activities.StageCategories], demoCategories, 0, 0, 0)
	// Products name options and categories that a dry run did not create: they cannot be planned.
	if got := res[activities.StageProducts]; got.Read != demoProducts || got.Failed == 0 {
		t.Errorf("dry products: %+v; want %d read with failures for the unsynced options", got, demoProducts)
	}
	if w := oc2oWrites(b.Sim.Calls()); len(w) > 0 {
		t.Errorf("a dry run wrote to Odoo: %v", w)
	}
	if counts, _ := b.Store.Counts(context.Background()); len(counts) > 0 {
		t.Errorf("a dry run stored mappings: %v", counts)
	}
	if open, _ := b.Store.Failures(context.Background(), mapping.FailureFilter{}); len(open) > 0 {
		t.Errorf("a dry run recorded failures: %v", open)
	}
}

// Filters narrow the source records: ids (a 4.x variant product brings its master along), a category
// subtree, a modification date.
func TestOpenCartToOdooFilters(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "4.1.0.4", 15)
	extra := b.seedConfigurable(t)
	r := newOC2ORun("setup")
	b.stage(t, r, activities.StageAttributes)

	monitors := activities.CatalogFilter{CategoryID: 28} // Components > Monitors, with test 1 and test 2 below
	if n := b.count(t, activities.StageCategories, monitors); n != 3 {
		t.Errorf("categories under Monitors: count %d, want 3", n)
	}
	r.filter = monitors
	sub := b.stage(t, r, activities.StageCategories) // its ancestor Components comes along, uncounted
	wantOC2OCounts(t, "categories under Monitors", sub, 3, 0, 0, 0)
	if _, err := b.Store.ByOpenCartID(context.Background(), mapping.KindCategory, "25"); err != nil {
		t.Errorf("Components (25), the parent of Monitors, was not synced first: %v", err)
	}
	r.filter = activities.CatalogFilter{}
	b.stage(t, r, activities.StageCategories)

	r.filter = monitors // products 33 and 42 (Monitors), the seeded gift card (test 1, below Monitors)
	wantOC2OCounts(t, "products under Monitors", b.stage(t, r, activities.StageProducts), 3, 0, 0, 0)

	hoodieVariant := extra[3]
	r.filter = activities.CatalogFilter{IDs: []int64{int64(hoodieVariant)}}
	wantOC2OCounts(t, "one variant product", b.stage(t, r, activities.StageProducts), 1, 0, 0, 0)
	if _, err := b.Store.ByOpenCartID(context.Background(), mapping.KindProduct, strconv.Itoa(extra[2])); err != nil {
		t.Errorf("syncing variant product %d did not sync its master %d: %v", hoodieVariant, extra[2], err)
	}

	since := time.Now().Add(12 * time.Hour).UTC() // later than any product, whatever the shop's time zone
	b.exec(t, "UPDATE oc_product SET date_modified = DATE_ADD(NOW(), INTERVAL 2 DAY) WHERE product_id = 40")
	r.filter = activities.CatalogFilter{ChangedSince: since}
	wantOC2OCounts(t, "changed products", b.stage(t, r, activities.StageProducts), 1, 0, 0, 0)
}

// The real BulkSync workflow on the Temporal dev server drives the three stages to the end, with the
// progress it reports.
func TestOpenCartToOdooBulkSyncWorkflow(t *testing.T) {
	t.Parallel()
	b := newOC2OBed(t, "3.0.4.1", 17)
	b.StartWorker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	run := func() workflows.BulkProgress {
		t.Helper()
		wf, err := b.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.BulkSyncID(b.Config.Connection, mapping.OpenCartToOdoo),
			TaskQueue: b.Config.TaskQueue}, workflows.BulkSync, workflows.BulkSyncInput{Direction: mapping.OpenCartToOdoo, PageSize: 6})
		if err != nil {
			t.Fatal(err)
		}
		var p workflows.BulkProgress
		if err := wf.Get(ctx, &p); err != nil {
			t.Fatalf("bulk sync: %v", err)
		}
		return p
	}
	first := run()
	want := map[activities.Stage]int{activities.StageAttributes: demoChoices, activities.StageCategories: demoCategories, activities.StageProducts: demoProducts}
	for _, st := range first.Stages {
		if st.Status != workflows.StatusDone || st.Total != want[st.Stage] || st.Done != st.Total || st.Created != st.Total || st.Failed != 0 ||
			st.Page < (st.Total+5)/6 {
			t.Errorf("first run, stage %s: %+v; want done with %d created over %d pages", st.Stage, st, want[st.Stage], (st.Total+5)/6)
		}
	}
	if n := oc2oMapped(t, b, mapping.KindProduct); n != demoProducts {
		t.Errorf("%d product pairs after the bulk sync, want %d", n, demoProducts)
	}
	second := run()
	for _, st := range second.Stages {
		if st.Status != workflows.StatusDone || st.Unchanged != want[st.Stage] || st.Created+st.Updated+st.Failed != 0 {
			t.Errorf("second run, stage %s: %+v; want all %d unchanged", st.Stage, st, want[st.Stage])
		}
	}
}
