package activities_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/testbed"
)

// o2ocBed is a test bed for the Odoo → OpenCart catalog sync, with a plain SQL connection to the shop
// for checking rows the way OpenCart stores them.
type o2ocBed struct {
	*testbed.Bed
	acts *activities.Activities
	db   *sql.DB
	// heartbeats are the progress reports of the pages run so far.
	heartbeats []activities.PageResult
}

func newO2OCBed(t *testing.T, openCart string, odooVersion int) *o2ocBed {
	t.Helper()
	bed := testbed.New(t, testbed.Options{OpenCart: openCart, Odoo: odoosim.Config{Version: odooVersion, Seed: 7}})
	db, err := sql.Open("mysql", bed.Config.OpenCart.DSN.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &o2ocBed{Bed: bed, acts: bed.Activities(), db: db}
}

// smallCatalog is the seeded catalog of the end-to-end tests: simple and configurable products (two
// attributes of three values each), categories three levels deep below "All / Saleable".
var smallCatalog = odoosim.CatalogSpec{Templates: 24, ConfigurableShare: 0.35, Attributes: 3, ValuesPerAttribute: 3,
	AttributesPerConfigurable: 2, Categories: 6, CategoryDepth: 3}

// run is one bulk run of the tests: its key and start, as BulkSync would pass them.
type run struct {
	key     string
	started time.Time
	limit   int
	filter  activities.CatalogFilter
	dryRun  bool
}

func newRun(name string) run {
	return run{key: name + "/" + fmt.Sprint(time.Now().UnixNano()), started: time.Now().UTC(), limit: 10}
}

// syncStage runs one stage page by page through the activity until the source is exhausted and sums
// the pages' counts.
func (b *o2ocBed) syncStage(t *testing.T, r run, stage activities.Stage) activities.PageResult {
	t.Helper()
	var total activities.PageResult
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatalf("stage %s did not finish after %d pages", stage, page)
		}
		res := b.syncPage(t, r, stage, total.LastID, nil)
		total.Add(res)
		if res.LastID < total.LastID {
			t.Fatalf("stage %s: cursor went back from %d to %d", stage, total.LastID, res.LastID)
		}
		total.LastID = res.LastID
		if res.Done {
			total.Done = true
			return total
		}
	}
}

// syncPage runs one page in a test activity environment; progress, when given, is the heartbeat of an
// earlier attempt.
func (b *o2ocBed) syncPage(t *testing.T, r run, stage activities.Stage, after int64, progress *activities.PageResult) activities.PageResult {
	t.Helper()
	env := (&testsuite.WorkflowTestSuite{}).NewTestActivityEnvironment()
	env.RegisterActivity(b.acts)
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		var hb activities.PageResult
		if err := details.Get(&hb); err != nil {
			t.Errorf("heartbeat details: %v", err)
		}
		b.heartbeats = append(b.heartbeats, hb)
	})
	if progress != nil {
		env.SetHeartbeatDetails(*progress)
	}
	page := activities.CatalogPage{Direction: mapping.OdooToOpenCart, Stage: stage, Filter: r.filter, AfterID: after,
		Limit: r.limit, DryRun: r.dryRun, RunKey: r.key, RunStarted: r.started}
	val, err := env.ExecuteActivity(b.acts.SyncCatalogPage, page)
	if err != nil {
		t.Fatalf("sync %s page after %d: %v", stage, after, err)
	}
	var res activities.PageResult
	if err := val.Get(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// syncAll runs every stage in order.
func (b *o2ocBed) syncAll(t *testing.T, r run) map[activities.Stage]activities.PageResult {
	t.Helper()
	out := map[activities.Stage]activities.PageResult{}
	for _, stage := range activities.Stages {
		out[stage] = b.syncStage(t, r, stage)
	}
	return out
}

// count runs CountCatalog for a stage.
func (b *o2ocBed) count(t *testing.T, stage activities.Stage) int {
	t.Helper()
	n, err := b.acts.CountCatalog(context.Background(), mapping.OdooToOpenCart, stage, activities.CatalogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// mapped returns the OpenCart id an Odoo record is paired with.
func (b *o2ocBed) mapped(t *testing.T, kind mapping.Kind, odooID int64) string {
	t.Helper()
	m, err := b.Store.ByOdooID(context.Background(), kind, odooID)
	if err != nil {
		t.Fatalf("%s %d: no pair (%v)", kind, odooID, err)
	}
	return m.OpenCartID
}

// checksum sums the catalog tables, to prove a run wrote nothing.
func (b *o2ocBed) checksum(t *testing.T) string { return catalogChecksum(t, b.db) }

// catalogChecksum sums a shop's catalog tables.
func catalogChecksum(t testing.TB, db *sql.DB) string {
	t.Helper()
	tables := []string{"oc_product", "oc_product_description", "oc_product_to_category", "oc_product_option",
		"oc_product_option_value", "oc_category", "oc_category_description", "oc_category_path", "oc_option",
		"oc_option_description", "oc_option_value", "oc_option_value_description"}
	var out string
	for _, table := range tables {
		var name string
		var sum sql.NullInt64
		if err := db.QueryRow("CHECKSUM TABLE "+table+" EXTENDED").Scan(&name, &sum); err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%s=%d ", table, sum.Int64)
	}
	return out
}

// odoo reads records through the simulator's superuser access, archived ones included.
func (b *o2ocBed) odoo(t *testing.T, model string, domain []any, fields ...string) []map[string]any {
	t.Helper()
	rows, err := b.Sim.SearchRead(model, append([]any{[]any{"active", "in", []any{true, false}}}, domain...), fields)
	if err != nil {
		rows, err = b.Sim.SearchRead(model, domain, fields)
	}
	if err != nil {
		t.Fatalf("read %s: %v", model, err)
	}
	return rows
}

// near compares amounts as the shop keeps them (4 decimals).
func near(a, b float64) bool { return math.Abs(a-b) < 0.00005 }

// ids reads an x2many value of a superuser read.
func ids(v any) []int64 {
	list, _ := v.([]int64)
	return list
}

func id(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case []any:
		return x[0].(int64)
	}
	return 0
}
