package activities_test

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/testbed"
)

// oc2oBed is a test bed for the OpenCart → Odoo catalog sync, with a plain SQL connection to the shop
// for changing it the way OpenCart's admin does.
type oc2oBed struct {
	*testbed.Bed
	acts *activities.Activities
	sql  *sql.DB
}

func newOC2OBed(t testing.TB, openCart string, odooVersion int) *oc2oBed {
	t.Helper()
	bed := testbed.New(t, testbed.Options{OpenCart: openCart, Odoo: odoosim.Config{Version: odooVersion, Seed: 11}})
	db, err := sql.Open("mysql", bed.Config.OpenCart.DSN.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &oc2oBed{Bed: bed, acts: bed.Activities(), sql: db}
}

// oc2oRun is one bulk run as BulkSync would describe it to its pages.
type oc2oRun struct {
	key       string
	started   time.Time
	limit     int
	filter    activities.CatalogFilter
	dryRun    bool
	direction mapping.Direction // OpenCart → Odoo unless set
}

func newOC2ORun(name string) oc2oRun {
	return oc2oRun{key: name + "/" + strconv.FormatInt(time.Now().UnixNano(), 10), started: time.Now().UTC(), limit: 7}
}

// page runs one page through the activity in a test activity environment; progress, when given, is the
// heartbeat an earlier attempt left.
func (b *oc2oBed) page(r oc2oRun, stage activities.Stage, after int64, progress *activities.PageResult) (activities.PageResult, error) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(b.acts)
	if progress != nil {
		env.SetHeartbeatDetails(*progress)
	}
	dir := r.direction
	if dir == "" {
		dir = mapping.OpenCartToOdoo
	}
	val, err := env.ExecuteActivity(b.acts.SyncCatalogPage, activities.CatalogPage{Direction: dir, Stage: stage,
		Filter: r.filter, AfterID: after, Limit: r.limit, DryRun: r.dryRun, RunKey: r.key, RunStarted: r.started})
	if err != nil {
		return activities.PageResult{}, err
	}
	var res activities.PageResult
	return res, val.Get(&res)
}

// stage runs a stage page by page until the source is exhausted and sums the pages' counts.
func (b *oc2oBed) stage(t testing.TB, r oc2oRun, stage activities.Stage) activities.PageResult {
	t.Helper()
	var total activities.PageResult
	for pages := 0; !total.Done; pages++ {
		if pages > 500 {
			t.Fatalf("stage %s did not finish after %d pages", stage, pages)
		}
		res, err := b.page(r, stage, total.LastID, nil)
		if err != nil {
			t.Fatalf("stage %s after id %d: %v", stage, total.LastID, err)
		}
		if res.LastID < total.LastID {
			t.Fatalf("stage %s: cursor went back from %d to %d", stage, total.LastID, res.LastID)
		}
		total.Add(res)
		total.LastID, total.Done = res.LastID, res.Done
	}
	return total
}

// syncAll runs the three stages in order.
func (b *oc2oBed) syncAll(t testing.TB, r oc2oRun) map[activities.Stage]activities.PageResult {
	t.Helper()
	out := map[activities.Stage]activities.PageResult{}
	for _, s := range activities.Stages {
		out[s] = b.stage(t, r, s)
	}
	return out
}

// count asks the activity how many source records a stage has.
func (b *oc2oBed) count(t testing.TB, stage activities.Stage, filter activities.CatalogFilter) int {
	t.Helper()
	n, err := b.acts.CountCatalog(context.Background(), mapping.OpenCartToOdoo, stage, filter)
	if err != nil {
		t.Fatalf("count %s: %v", stage, err)
	}
	return n
}

// exec changes the shop with SQL, as OpenCart's admin would, touching date_modified where asked.
func (b *oc2oBed) exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := b.sql.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// odooID is the Odoo side of a mapped OpenCart record.
func (b *oc2oBed) odooID(t testing.TB, kind mapping.Kind, openCartID string) int64 {
	t.Helper()
	m, err := b.Store.ByOpenCartID(context.Background(), kind, openCartID)
	if err != nil {
		t.Fatalf("%s %s: no mapping: %v", kind, openCartID, err)
	}
	return m.OdooID
}

// odoo reads records as Odoo's superuser, archived ones included.
func (b *oc2oBed) odoo(t testing.TB, model string, domain []any, fields ...string) []map[string]any {
	t.Helper()
	domain = append([]any{[]any{"active", "in", []any{true, false}}}, domain...)
	if model == "product.category" || model == "product.attribute" || model == "product.attribute.value" || model == "product.template.attribute.value" {
		domain = domain[1:] // no active field
	}
	rows, err := b.Sim.SearchRead(model, domain, fields)
	if err != nil {
		t.Fatalf("odoo %s %v: %v", model, domain, err)
	}
	return rows
}

func (b *oc2oBed) odooOne(t testing.TB, model string, id int64, fields ...string) map[string]any {
	t.Helper()
	rows := b.odoo(t, model, []any{[]any{"id", "=", id}}, fields...)
	if len(rows) != 1 {
		t.Fatalf("odoo %s %d: %d rows", model, id, len(rows))
	}
	return rows[0]
}

// oc2oWrites counts the create/write/unlink calls the simulator received.
func oc2oWrites(calls map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, n := range calls {
		if strings.HasSuffix(k, ".create") || strings.HasSuffix(k, ".write") || strings.HasSuffix(k, ".unlink") {
			out[k] = n
		}
	}
	return out
}

func oc2oCalls(calls map[string]int64) int64 {
	var n int64
	for k, c := range calls {
		if !strings.HasPrefix(k, "common.") {
			n += c
		}
	}
	return n
}

func oc2oM2O(v any) int64 {
	if pair, ok := v.([]any); ok && len(pair) > 0 {
		id, _ := pair[0].(int64)
		return id
	}
	return 0
}

func oc2oIDs(v any) []int64 {
	var out []int64
	switch list := v.(type) {
	case []int64:
		out = slices.Clone(list)
	case []any:
		for _, x := range list {
			out = append(out, x.(int64))
		}
	}
	slices.Sort(out)
	return out
}

// wantOC2OCounts fails unless a result has exactly these counts.
func wantOC2OCounts(t testing.TB, what string, got activities.PageResult, created, updated, unchanged, failed int) {
	t.Helper()
	if got.Created != created || got.Updated != updated || got.Unchanged != unchanged || got.Failed != failed ||
		got.Read != created+updated+unchanged+failed {
		t.Errorf("%s: read %d created %d updated %d unchanged %d failed %d; want created %d updated %d unchanged %d failed %d",
			what, got.Read, got.Created, got.Updated, got.Unchanged, got.Failed, created, updated, unchanged, failed)
	}
}

// failure is the open failure of a record, or fails the test.
func (b *oc2oBed) failure(t testing.TB, kind mapping.Kind, id int) mapping.Failure {
	t.Helper()
	list, err := b.Store.Failures(context.Background(), mapping.FailureFilter{Kind: kind, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range list {
		if f.RecordID == strconv.Itoa(id) && f.Direction == mapping.OpenCartToOdoo {
			return f
		}
	}
	t.Fatalf("no open %s failure for OpenCart %d (open: %v)", kind, id, list)
	return mapping.Failure{}
}

// shopProduct reads one product of the shop.
func (b *oc2oBed) shopProduct(t testing.TB, id int) opencart.ProductRecord {
	t.Helper()
	list, err := b.Shop.ProductsByID(context.Background(), []int{id})
	if err != nil || len(list) != 1 {
		t.Fatalf("product %d: %v (%d rows)", id, err, len(list))
	}
	return list[0]
}

// upsert writes products to the shop and returns their ids.
func (b *oc2oBed) upsert(t testing.TB, products ...opencart.Product) []opencart.WrittenProduct {
	t.Helper()
	written, err := b.Shop.UpsertProducts(context.Background(), products)
	if err != nil {
		t.Fatalf("seed products: %v", err)
	}
	return written
}

func (b *oc2oBed) lang() int { return b.Shop.DefaultLanguageID() }

func (b *oc2oBed) named(name string) map[int]opencart.ProductDescription {
	return map[int]opencart.ProductDescription{b.lang(): {Name: name, Description: "<p>" + name + "</p>"}}
}
