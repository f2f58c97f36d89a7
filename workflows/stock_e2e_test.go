package workflows_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// End to end: the worker's workflows and activities, the Schedule on the Temporal dev server, the Odoo
// simulator over XML-RPC and real OpenCart databases; the shop must show each stock move within a few
// poll intervals (1 s here).

var fastPoll = activities.StockSettings{PollInterval: time.Second}

func TestStockFollowsOdooIntoTheShop(t *testing.T) {
	for _, tc := range []struct {
		openCart string
		odoo     int
	}{{"3.0.4.1", 17}, {"4.1.0.4", 16}} {
		t.Run("opencart "+tc.openCart+" odoo "+strconv.Itoa(tc.odoo), func(t *testing.T) {
			testStockFollowsOdoo(t, tc.openCart, tc.odoo)
		})
	}
}

// testStockFollowsOdoo moves stock in Odoo the ways it moves in a shop's life, for a simple product and
// one with sizes (option values), and on OpenCart 4 one with sizes as variant products; the shop must
// follow each move, and a shop order must be counted exactly once on its way into Odoo.
func testStockFollowsOdoo(t *testing.T, openCart string, odooVersion int) {
	b := newStockBed(t, openCart, odooVersion, fastPoll)
	mug := b.simpleProduct("Mug", 99)
	tee := b.sizedProduct("Tee", 99, false, "S", "M")
	b.adjust(mug.variant, 10)
	b.adjust(tee.variants["S"], 4)
	b.adjust(tee.variants["M"], 6)
	want := map[level]int{mug.level(): 10, tee.level(): 10, tee.of("S"): 4, tee.of("M"): 6}
	// The size a shop order takes: an option value, or on OpenCart 4 a variant product.
	ordered, orderedLine := tee, [3]int{tee.shop, 1, tee.values["M"]}
	if b.Shop.Flavour().HasVariants() {
		hoodie := b.sizedProduct("Hoodie", 99, true, "S", "M")
		b.adjust(hoodie.variants["S"], 2)
		b.adjust(hoodie.variants["M"], 6)
		want[hoodie.level()], want[hoodie.of("S")], want[hoodie.of("M")] = 8, 2, 6
		ordered, orderedLine = hoodie, [3]int{hoodie.products["M"], 1, 0}
	}
	var modified string
	if err := b.db.QueryRow("SELECT CAST(date_modified AS CHAR) FROM oc_product WHERE product_id = ?", mug.shop).Scan(&modified); err != nil {
		t.Fatal(err)
	}
	b.startWorker()
	b.startSchedule()
	b.waitStock("the first poll pushes every paired product", want)

	b.adjust(mug.variant, 12)
	b.adjust(tee.variants["S"], 5)
	want[mug.level()], want[tee.of("S")], want[tee.level()] = 12, 5, 11
	b.waitStock("inventory adjustment (quants in inventory mode)", want)

	for _, v := range []int64{mug.variant, mug.variant, tee.variants["M"]} {
		if err := b.Sim.MoveStock(v, 1, odoosim.MovePOS); err != nil {
			t.Fatal(err)
		}
	}
	want[mug.level()], want[tee.of("M")], want[tee.level()] = 10, 5, 10
	b.waitStock("point of sale", want)

	b.transfer("stock.picking_type_in", map[int64]float64{mug.variant: 5, tee.variants["S"]: 3})
	want[mug.level()], want[tee.of("S")], want[tee.level()] = 15, 8, 13
	b.waitStock("vendor receipt", want)

	_, delivery := b.saleOrder("PHONE-1", map[int64]float64{mug.variant: 3, tee.variants["M"]: 2})
	want[mug.level()], want[tee.of("M")], want[tee.level()] = 12, 3, 11
	b.waitStock("confirmed sale order reserves (free quantity)", want)
	b.validate(delivery)
	b.adjust(mug.variant, 13) // on hand is 12 after the delivery: 13 proves the push after it ran
	want[mug.level()] = 13
	b.waitStock("validated delivery", want)

	// A customer orders 2 mugs and one M; OpenCart subtracts at once.
	order := b.shopOrder([3]int{mug.shop, 2, 0}, orderedLine)
	want[mug.level()], want[ordered.of("M")], want[ordered.level()] = 11, want[ordered.of("M")]-1, want[ordered.level()]-1
	b.waitStock("OpenCart's own subtraction", want)
	// Stock moves in Odoo before the order reaches it: the push must not give the order's units back.
	b.adjust(mug.variant, 14)
	b.adjust(ordered.variants["M"], 7)
	want[mug.level()], want[ordered.of("M")], want[ordered.level()] = 12, 6, want[ordered.level()]+(7-1)-want[ordered.of("M")]
	b.waitStock("order not in Odoo yet: its units are held back", want)
	// The order sync creates the sale order and pairs it; a draft reserves nothing, so the hold stays.
	so := b.draftOrder("OC-"+strconv.Itoa(order), map[int64]float64{mug.variant: 2, ordered.variants["M"]: 1})
	b.pair(mapping.KindOrder, so, strconv.Itoa(order))
	b.adjust(mug.variant, 15)
	want[mug.level()] = 13
	b.waitStock("paired but unconfirmed sale order: still held back", want)
	// Confirmed, Odoo reserves the units and the hold is released: counted once, not twice (11).
	b.confirm(so)
	b.adjust(mug.variant, 16)
	want[mug.level()] = 14
	b.waitStock("confirmed sale order: the order counted once", want)
	b.validate(b.deliveryOf(so))
	b.adjust(mug.variant, 15) // on hand after the delivery is 14
	want[mug.level()] = 15
	b.waitStock("delivered: still counted once", want)

	var after string
	if err := b.db.QueryRow("SELECT CAST(date_modified AS CHAR) FROM oc_product WHERE product_id = ?", mug.shop).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != modified {
		t.Errorf("stock pushes changed the product's date_modified from %s to %s: they would look like catalog edits", modified, after)
	}
}

func TestManyChangesOfAProductBecomeOneWrite(t *testing.T) {
	b := newStockBed(t, "4.0.2.3", 17, activities.StockSettings{})
	mug := b.simpleProduct("Mug", 0)
	b.adjust(mug.variant, 100)
	b.startWorker() // no Schedule: the test runs the polls
	b.poll()
	b.waitStock("first poll", map[level]int{mug.level(): 100})
	b.waitPushDone()

	for range 50 {
		if err := b.Sim.MoveStock(mug.variant, 1, odoosim.MovePOS); err != nil {
			t.Fatal(err)
		}
	}
	statements, requests := b.sql.Count(), b.erp.TotalRequests()
	b.poll()
	b.waitStock("after 50 sales", map[level]int{mug.level(): 50})
	b.waitPushDone()
	writes := stockWrites(b.sql.Since(statements))
	if len(writes) != 1 {
		t.Fatalf("50 changes of one product made %d stock writes, want 1:\n%v", len(writes), writes)
	}
	// The poll reads quants and moves (a page each), the push reads templates and quantities; the
	// pending-order check adds no call while no shop order is paired.
	t.Logf("50 changes: write %q, Odoo requests %d", writes[0], b.erp.TotalRequests()-requests)
	if n := b.erp.TotalRequests() - requests; n > 4 {
		t.Errorf("50 changes cost %d Odoo requests, want at most 4 (%v)", n, b.erp.Requests())
	}
}

// poll runs one StockPoll, as the Schedule would, and waits for it.
func (b *stockBed) poll() {
	b.t.Helper()
	ctx := context.Background()
	run, err := b.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: fmt.Sprintf("%s-test-%d", workflows.StockPollID(b.Config.Connection), time.Now().UnixNano()), TaskQueue: b.Config.TaskQueue,
	}, workflows.StockPollName, workflows.StockPollInput{Connection: b.Config.Connection})
	if err != nil {
		b.t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		b.t.Fatalf("stock poll: %v", err)
	}
}

// waitPushDone waits until the connection's StockPush has nothing left and ended.
func (b *stockBed) waitPushDone() {
	b.t.Helper()
	testbed.Eventually(b.t, 30*time.Second, func() error {
		d, err := b.Temporal.DescribeWorkflowExecution(context.Background(), workflows.StockPushID(b.Config.Connection), "")
		if err != nil {
			return err
		}
		if s := d.WorkflowExecutionInfo.Status; s != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
			return fmt.Errorf("stock push is %s", s)
		}
		return nil
	})
}
