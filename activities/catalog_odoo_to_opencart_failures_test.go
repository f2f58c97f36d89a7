package activities_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Bad records (no name, a duplicate SKU) and ambiguous matches (two shop products with the template's
// model, two shop categories with the category's name) fail alone, with a reason and a fix, and the rest
// of their page syncs. A dry run counts the same and writes nothing.
func TestOdooToOpenCartRecordsFailuresAndNeverGuesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newO2OCBed(t, "4.0.2.3", 16)
	spec := smallCatalog
	spec.Templates = 8
	if err := b.Sim.SeedCatalog(spec); err != nil {
		t.Fatal(err)
	}
	nameless := b.createTemplate(t, "   ", "BLANK-1", 10, "")
	b.createTemplate(t, "First of two", "DUP-1", 10, "")
	duplicate := b.createTemplate(t, "Second of two", "dup-1 ", 10, "")
	ambiguous := b.createTemplate(t, "Matches two shop products", "AMB-1", 10, "")
	// The shop itself refuses a name too long for its column: the batch is written one by one.
	tooLong := b.createTemplate(t, strings.Repeat("Long name ", 30), "LONG-1", 10, "")
	twin := b.createOdoo(t, "product.category", map[string]any{"name": "Twin"})
	lang := b.Shop.DefaultLanguageID()
	var twins []int
	for range 2 {
		catID, err := b.Shop.UpsertCategory(ctx, opencart.Category{Status: true,
			Descriptions: map[int]opencart.CategoryDescription{lang: {Name: "twin"}}})
		if err != nil {
			t.Fatal(err)
		}
		twins = append(twins, catID)
	}
	amb := opencart.Product{Model: "AMB-1", Status: true, Descriptions: map[int]opencart.ProductDescription{lang: {Name: "Shop's own"}}}
	written, err := b.Shop.UpsertProducts(ctx, []opencart.Product{amb, amb})
	if err != nil {
		t.Fatal(err)
	}

	// One page: a dry run writes nothing, so it sees a duplicate SKU only among the records of a page.
	dry := newRun("dry")
	dry.dryRun, dry.limit = true, 100
	sum := b.checksum(t)
	dryRes := b.syncAll(t, dry)
	if b.checksum(t) != sum {
		t.Error("the dry run changed the shop")
	}
	if counts, err := b.Store.Counts(ctx); err != nil || len(counts) != 0 {
		t.Errorf("the dry run stored pairs: %v %v", counts, err)
	}
	if open, _ := b.Store.Failures(ctx, mapping.FailureFilter{}); len(open) != 0 {
		t.Errorf("the dry run recorded failures: %+v", open)
	}

	real := newRun("real")
	real.limit = 100
	res := b.syncAll(t, real)
	want := map[activities.Stage]int{activities.StageAttributes: 0, activities.StageCategories: 1, activities.StageProducts: 4}
	for stage, failed := range want {
		total := b.count(t, stage)
		if r := res[stage]; r.Failed != failed || r.Created != total-failed || r.Read != total {
			t.Errorf("%s: %+v, want %d failed and %d created", stage, r, failed, total-failed)
		}
		// A dry run writes nothing, so the shop's own refusal (the long name) is not among its failures.
		dryFailed := failed
		if stage == activities.StageProducts {
			dryFailed--
		}
		if d := dryRes[stage]; d.Failed != dryFailed || d.Created != total-dryFailed {
			t.Errorf("%s: the dry run counted %+v, want %d failed", stage, d, dryFailed)
		}
	}
	failures := map[string]mapping.Failure{}
	list, err := b.Store.Failures(ctx, mapping.FailureFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range list {
		if f.Direction != mapping.OdooToOpenCart || f.Reason == "" || f.Fix == "" {
			t.Errorf("failure without direction, reason, field or fix: %+v", f)
		}
		failures[string(f.Kind)+" "+f.RecordID] = f
	}
	expect := func(kind mapping.Kind, recordID int64, words ...string) {
		t.Helper()
		f, ok := failures[string(kind)+" "+strconv.FormatInt(recordID, 10)]
		if !ok {
			t.Errorf("no failure recorded for %s %d; have %v", kind, recordID, failures)
			return
		}
		for _, w := range words {
			if !strings.Contains(f.Reason+" "+f.Fix, w) {
				t.Errorf("%s %d: %q / %q does not mention %q", kind, recordID, f.Reason, f.Fix, w)
			}
		}
	}
	expect(mapping.KindProduct, nameless, "no name", "name the product")
	expect(mapping.KindProduct, duplicate, "duplicate SKU", "internal reference")
	expect(mapping.KindProduct, ambiguous, strconv.Itoa(written[0].ProductID), strconv.Itoa(written[1].ProductID), "does not guess")
	expect(mapping.KindCategory, twin, strconv.Itoa(twins[0]), strconv.Itoa(twins[1]), "does not guess")
	expect(mapping.KindProduct, tooLong, "OpenCart refused it", "name", "255")
	if len(failures) != 5 {
		t.Errorf("%d failures recorded, want 5: %v", len(failures), failures)
	}
	var shopAMB int
	if err := b.db.QueryRow("SELECT COUNT(*) FROM oc_product WHERE model = 'AMB-1'").Scan(&shopAMB); err != nil || shopAMB != 2 {
		t.Errorf("shop products with model AMB-1: %d (%v), want the 2 it had", shopAMB, err)
	}

	// Fixed in Odoo and synced again: the failure is resolved, the others stay.
	b.write(t, "product.template", nameless, map[string]any{"name": "Has a name now"})
	again := b.syncStage(t, newRun("replay"), activities.StageProducts)
	if again.Created != 1 || again.Failed != 3 {
		t.Errorf("after naming the product: %+v, want 1 created and 3 still failing", again)
	}
	open, _ := b.Store.Failures(ctx, mapping.FailureFilter{Kind: mapping.KindProduct})
	if len(open) != 3 || slices.ContainsFunc(open, func(f mapping.Failure) bool { return f.RecordID == strconv.FormatInt(nameless, 10) }) {
		t.Errorf("open product failures: %+v, want the 3 unfixed ones", open)
	}
}
