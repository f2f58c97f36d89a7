package odoosim_test

import (
	"fmt"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoosim"
)

// BenchmarkSaleFlow measures one whole order over real HTTP on Odoo 17:
// create (one storable line) → confirm → validate the delivery → invoice
// wizard → post → payment wizard. One op = one order; "calls/order" counts
// the XML-RPC calls a client makes for it. Orders accumulate across
// iterations (each with its own customer, as shop customers are), so
// running with -benchtime=200x and 2000x shows whether the cost per order
// grows with the database.
func BenchmarkSaleFlow(b *testing.B) {
	f := newFlow(b, 17)
	product := f.storable("Bench Desk", 100, nil)
	if err := f.sim.MoveStock(product, float64(b.N)+1, odoosim.MoveReceipt); err != nil {
		b.Fatal(err)
	}
	f.sim.ResetCalls()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		partner := f.c.create("res.partner", map[string]any{"name": fmt.Sprintf("Customer %d", i)})
		so := f.c.create("sale.order", map[string]any{"partner_id": partner, "order_line": []any{
			[]any{0, 0, map[string]any{"product_id": product, "product_uom_qty": 1.0}}}})
		f.mustCall("sale.order", "action_confirm", so, nil)
		f.validate(ids(f.read("sale.order", so, "picking_ids")["picking_ids"])[0], "backorder")
		inv := f.invoice(so)
		f.mustCall("account.move", "action_post", inv, nil)
		f.pay(inv)
	}
	b.StopTimer()
	calls := int64(0)
	for _, n := range f.sim.Calls() {
		calls += n
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	b.ReportMetric(float64(calls)/float64(b.N), "calls/order")
}
