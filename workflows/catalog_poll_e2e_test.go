package workflows_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// End to end: the worker's CatalogPoll with its BulkSync children on the Temporal dev server, the Odoo
// simulator over XML-RPC and a real OpenCart database. A product changed in Odoo reaches the shop after a
// poll, one changed in the shop reaches Odoo, and one changed on both sides goes the master's way (the
// shop's, here) with the other change recorded. (Not parallel: it sets the environment.)
func TestCatalogPollSyncsChangesBothWays(t *testing.T) {
	t.Setenv("CATALOG_MASTER_PRODUCTS", "opencart")
	b := newCatalogBed(t)
	b.bulkSync(mapping.OdooToOpenCart)
	tmpl, productID := b.simplePair()

	if res := b.poll(); len(res.Runs) != 0 {
		t.Fatalf("the first poll synced %+v; it should only set the watermarks", res.Runs)
	}

	// Changed in Odoo → in the shop after a poll.
	b.odooWrite(tmpl, map[string]any{"list_price": 42.5})
	b.poll()
	if p := b.product(productID); p.Price != 42.5 {
		t.Errorf("shop price after a poll: %v, want Odoo's 42.5", p.Price)
	}

	// Changed in the shop → in Odoo after a poll.
	b.exec("UPDATE oc_product_description SET name = 'Renamed in the shop' WHERE product_id = ?", productID)
	b.exec("UPDATE oc_product SET date_modified = NOW() WHERE product_id = ?", productID)
	b.poll()
	if row := b.template(tmpl); row["name"] != "Renamed in the shop" || row["list_price"] != 42.5 {
		t.Errorf("Odoo template after a poll: %v, want the shop's name at 42.5", row)
	}

	// Changed on both sides → the master's (the shop's) version wins everywhere; Odoo's change is recorded.
	b.odooWrite(tmpl, map[string]any{"list_price": 10.0})
	b.exec("UPDATE oc_product SET price = 12.5, date_modified = NOW() WHERE product_id = ?", productID)
	res := b.poll()
	if len(res.Runs) != 2 || res.Runs[0].Failed() != 1 || res.Runs[1].Failed() != 0 {
		t.Errorf("poll over a conflict: %+v; want Odoo → OpenCart to yield its product and OpenCart → Odoo to sync it", res.Runs)
	}
	if p, row := b.product(productID), b.template(tmpl); p.Price != 12.5 || row["list_price"] != 12.5 {
		t.Errorf("after the conflict: shop price %v, Odoo list price %v; want the shop's 12.5 on both sides", p.Price, row["list_price"])
	}
	lost := b.failure(mapping.KindProduct, mapping.OdooToOpenCart, tmpl)
	if lost == nil || !strings.Contains(lost.Reason, "lost to the OpenCart side's change") || lost.Fix != "re-apply it on the OpenCart side" {
		t.Errorf("the losing Odoo change: %+v, want a failure saying it lost to the OpenCart side", lost)
	}

	// Nothing echoes: the next poll writes nothing on either side.
	sum := b.productRow(productID)
	b.Sim.ResetCalls()
	b.poll()
	for call := range b.Sim.Calls() {
		if strings.HasSuffix(call, ".write") || strings.HasSuffix(call, ".create") {
			t.Errorf("a poll after everything synced wrote to Odoo: %v", b.Sim.Calls())
			break
		}
	}
	if b.productRow(productID) != sum {
		t.Error("a poll after everything synced wrote the shop's product")
	}
}

// The worker's Schedule is created once and brought up to date on every start, and runs CatalogPoll.
func TestEnsureCatalogSchedule(t *testing.T) {
	t.Parallel()
	b := newCatalogBed(t)
	ctx := context.Background()
	id := workflows.CatalogScheduleID(b.Config.Connection)
	t.Cleanup(func() {
		_ = b.Temporal.ScheduleClient().GetHandle(context.Background(), id).Delete(context.Background())
	})
	for _, every := range []time.Duration{time.Hour, 30 * time.Minute} {
		if err := workflows.EnsureCatalogSchedule(ctx, b.Temporal, b.Config.Connection, b.Config.TaskQueue, every); err != nil {
			t.Fatal(err)
		}
	}
	handle := b.Temporal.ScheduleClient().GetHandle(ctx, id)
	desc, err := handle.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	action, _ := desc.Schedule.Action.(*client.ScheduleWorkflowAction)
	if intervals := desc.Schedule.Spec.Intervals; len(intervals) != 1 || intervals[0].Every != 30*time.Minute || action == nil ||
		action.Workflow != workflows.CatalogPollName || action.TaskQueue != b.Config.TaskQueue {
		t.Fatalf("schedule %s: spec %+v, action %+v; want every 30m running %s on %s", id, desc.Schedule.Spec, desc.Schedule.Action,
			workflows.CatalogPollName, b.Config.TaskQueue)
	}
	if err := handle.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	testbed.Eventually(t, time.Minute, func() error {
		desc, err := handle.Describe(ctx)
		if err != nil {
			return err
		}
		if n := len(desc.Info.RecentActions); n == 0 {
			return errors.New("the schedule has not started a poll yet")
		}
		run := desc.Info.RecentActions[0].StartWorkflowResult
		return b.Temporal.GetWorkflow(ctx, run.WorkflowID, run.FirstExecutionRunID).Get(ctx, nil)
	})
	if _, err := b.Store.Cursor(ctx, activities.CatalogWatermarkName(mapping.OdooToOpenCart, activities.StageProducts)); err != nil {
		t.Errorf("the scheduled poll set no watermark: %v", err)
	}
}

// catalogBed is a test bed with a catalog made in Odoo, a worker, and SQL access to the shop.
type catalogBed struct {
	*testbed.Bed
	t   *testing.T
	db  *sql.DB
	run int
}

func newCatalogBed(t *testing.T) *catalogBed {
	t.Helper()
	bed := testbed.New(t, testbed.Options{OpenCart: "4.0.2.3", Odoo: odoosim.Config{Version: 17, Seed: 5}})
	db, err := sql.Open("mysql", bed.Config.OpenCart.DSN.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := bed.Sim.SeedCatalog(odoosim.CatalogSpec{Templates: 8, ConfigurableShare: 0.4, Attributes: 2, ValuesPerAttribute: 2,
		AttributesPerConfigurable: 1, Categories: 3, CategoryDepth: 2}); err != nil {
		t.Fatal(err)
	}
	bed.StartWorker(t)
	return &catalogBed{Bed: bed, t: t, db: db}
}

// bulkSync runs a full BulkSync of one direction to its end.
func (b *catalogBed) bulkSync(dir mapping.Direction) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	wf, err := b.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.BulkSyncID(b.Config.Connection, dir),
		TaskQueue: b.Config.TaskQueue}, workflows.BulkSyncName, workflows.BulkSyncInput{Direction: dir, PageSize: 50})
	if err != nil {
		b.t.Fatal(err)
	}
	var p workflows.BulkProgress
	if err := wf.Get(ctx, &p); err != nil || p.Failed() != 0 {
		b.t.Fatalf("bulk sync %s: %v (%d failed)", dir, err, p.Failed())
	}
}

// poll runs one CatalogPoll to its end.
func (b *catalogBed) poll() workflows.CatalogPollResult {
	b.t.Helper()
	b.run++
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	wf, err := b.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.CatalogScheduleID(b.Config.Connection) + "/test-" + strconv.Itoa(b.run),
		TaskQueue: b.Config.TaskQueue}, workflows.CatalogPollName, workflows.CatalogPollInput{PageSize: 50})
	if err != nil {
		b.t.Fatal(err)
	}
	var res workflows.CatalogPollResult
	if err := wf.Get(ctx, &res); err != nil {
		b.t.Fatalf("catalog poll %d: %v", b.run, err)
	}
	return res
}

// simplePair is a template without variants and its shop product.
func (b *catalogBed) simplePair() (int64, int) {
	b.t.Helper()
	pairs, err := b.Store.List(context.Background(), mapping.KindProduct, 0, 1000)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, m := range pairs {
		id, _ := strconv.Atoi(m.OpenCartID)
		if len(b.product(id).Options) == 0 {
			return m.OdooID, id
		}
	}
	b.t.Fatal("no simple product was synced")
	return 0, 0
}

func (b *catalogBed) product(id int) opencart.ProductRecord {
	b.t.Helper()
	list, err := b.Shop.ProductsByID(context.Background(), []int{id})
	if err != nil || len(list) != 1 {
		b.t.Fatalf("shop product %d: %v (%d found)", id, err, len(list))
	}
	return list[0]
}

// productRow is a product's row as stored, to tell whether anything wrote it.
func (b *catalogBed) productRow(id int) string {
	b.t.Helper()
	var row string
	if err := b.db.QueryRow("SELECT CONCAT_WS('|', model, price, status, date_modified) FROM oc_product WHERE product_id = ?", id).Scan(&row); err != nil {
		b.t.Fatal(err)
	}
	return row
}

func (b *catalogBed) template(id int64) map[string]any {
	b.t.Helper()
	rows, err := b.Sim.SearchRead("product.template", []any{[]any{"id", "=", id}}, []string{"name", "list_price"})
	if err != nil || len(rows) != 1 {
		b.t.Fatalf("template %d: %v", id, err)
	}
	return rows[0]
}

func (b *catalogBed) odooWrite(id int64, values map[string]any) {
	b.t.Helper()
	if err := b.Sim.Write("product.template", []int64{id}, values); err != nil {
		b.t.Fatal(err)
	}
}

func (b *catalogBed) exec(query string, args ...any) {
	b.t.Helper()
	if _, err := b.db.Exec(query, args...); err != nil {
		b.t.Fatalf("%s: %v", query, err)
	}
}

// failure is a record's open failure in a direction, nil when it has none.
func (b *catalogBed) failure(kind mapping.Kind, dir mapping.Direction, id int64) *mapping.Failure {
	b.t.Helper()
	list, err := b.Store.Failures(context.Background(), mapping.FailureFilter{Kind: kind, Limit: 1000})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, f := range list {
		if f.Direction == dir && f.RecordID == strconv.FormatInt(id, 10) {
			return &f
		}
	}
	return nil
}
