package activities_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// A worker killed between the shop write and the pair write leaves shop records without pairs. The
// retry adopts them instead of making duplicates, and counts them as an uninterrupted run would:
// created when this run made them, updated when a later run finds them.
func TestOdooToOpenCartAdoptsWhatACrashLeftBehind(t *testing.T) {
	t.Parallel()
	b := newO2OCBed(t, "3.0.4.1", 14)
	if err := b.Sim.SeedCatalog(smallCatalog); err != nil {
		t.Fatal(err)
	}
	first := newRun("first")
	done := b.syncAll(t, first)
	rows, pairs := b.shopRows(t), b.pairs(t)

	// The crashed run's retry (same run key and start) made them: created, as uninterrupted.
	b.dropPairs(t)
	b.expectAdopted(t, b.syncAll(t, first), done, true, rows, pairs)

	// A later run finds them there: updated. The shop stamps date_added in whole seconds, and a run
	// starting in the second the products were made counts them as its own.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	b.dropPairs(t)
	b.expectAdopted(t, b.syncAll(t, newRun("later")), done, false, rows, pairs)
}

// expectAdopted checks that a run after lost pair writes adopted everything: counted as created (or
// updated when made before the run), nothing new in the shop, the same pairs as before.
func (b *o2ocBed) expectAdopted(t *testing.T, res, done map[activities.Stage]activities.PageResult, created bool, rows map[string]int, pairs map[mapping.Kind][]string) {
	t.Helper()
	for _, stage := range activities.Stages {
		r, want := res[stage], done[stage].Created
		got := r.Updated
		if created {
			got = r.Created
		}
		if got != want || r.Created+r.Updated != want || r.Failed != 0 {
			t.Errorf("%s: %+v, want %d adopted (as created: %v)", stage, r, want, created)
		}
	}
	if got := b.shopRows(t); !maps.Equal(got, rows) {
		t.Errorf("the shop's row counts changed: %v, before %v", got, rows)
	}
	if got := b.pairs(t); !maps.EqualFunc(got, pairs, slices.Equal) {
		t.Error("records were paired differently")
	}
}

// A page retried after a heartbeat resumes after the heartbeat's cursor with its counts, and reads
// only what the page has left.
func TestOdooToOpenCartResumesAfterHeartbeat(t *testing.T) {
	t.Parallel()
	b := newO2OCBed(t, "4.0.2.3", 17)
	if err := b.Sim.SeedCatalog(smallCatalog); err != nil {
		t.Fatal(err)
	}
	b.syncAll(t, newRun("first"))
	var tmpls []int64
	for _, tmpl := range b.odoo(t, "product.template", []any{[]any{"sale_ok", "=", true}}, "name") {
		tmpls = append(tmpls, id(tmpl["id"]))
	}
	slices.Sort(tmpls)
	r := newRun("resumed")
	b.heartbeats = nil
	res := b.syncPage(t, r, activities.StageProducts, 0, &activities.PageResult{Read: 4, Created: 4, LastID: tmpls[3]})
	want := activities.PageResult{Read: 10, Created: 4, Unchanged: 6, LastID: tmpls[9]}
	if res != want {
		t.Errorf("resumed page: %+v, want %+v", res, want)
	}
	if len(b.heartbeats) == 0 || b.heartbeats[len(b.heartbeats)-1] != want {
		t.Errorf("heartbeats %+v, want the last one to be the page's progress %+v", b.heartbeats, want)
	}
}

// shopRows counts the rows of the tables a retry must not grow.
func (b *o2ocBed) shopRows(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"oc_product", "oc_product_option_value", "oc_category", "oc_option", "oc_option_value"} {
		var n int
		if err := b.db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

var catalogKinds = []mapping.Kind{mapping.KindAttribute, mapping.KindAttributeValue, mapping.KindCategory, mapping.KindProduct, mapping.KindVariant}

// pairs lists the catalog pairs as "odoo id=opencart id" per kind.
func (b *o2ocBed) pairs(t *testing.T) map[mapping.Kind][]string {
	t.Helper()
	out := map[mapping.Kind][]string{}
	for _, kind := range catalogKinds {
		list, err := b.Store.List(context.Background(), kind, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			out[kind] = append(out[kind], fmt.Sprintf("%d=%s", m.OdooID, m.OpenCartID))
		}
	}
	return out
}

// dropPairs forgets every catalog pair, as if each write of a pair had been lost in a crash.
func (b *o2ocBed) dropPairs(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, kind := range catalogKinds {
		list, err := b.Store.List(ctx, kind, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			if err := b.Store.Delete(ctx, kind, m.OdooID); err != nil {
				t.Fatal(err)
			}
		}
	}
}
