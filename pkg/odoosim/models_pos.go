package odoosim

import (
	"fmt"
	"math"
)

// Stock moves that happen outside sales orders, as other Odoo apps make
// them: a point-of-sale sale is a done transfer of the "PoS Orders" type
// (seeded with the other operation types, reachable over XML-RPC like any
// transfer), a receipt a done transfer of the "Receipts" type, an
// inventory adjustment a done move from or to the Inventory adjustment
// location. MoveStock makes them in one call for tests of other packages.

// Stock move kinds for MoveStock.
const (
	MovePOS        = "pos"        // a point-of-sale sale of qty units
	MoveReceipt    = "receipt"    // a vendor receipt of qty units
	MoveAdjustment = "adjustment" // an inventory adjustment by qty units (negative loses stock)
)

// MoveStock moves qty units of a storable product into or out of WH/Stock
// like Odoo's point of sale, purchase receipts or inventory adjustments do,
// with the effects a client polling Odoo sees: quants' quantity and
// write_date, qty_available, free_qty, and the done transfer or move. The
// stock may go negative, as a point of sale allows. It runs as one
// transaction, outside XML-RPC (no call counters, faults or latency).
func (s *Server) MoveStock(productID int64, qty float64, kind string) error {
	return s.inTx(func(e *env) error { return e.moveStockAs(productID, qty, kind) })
}

func (e *env) moveStockAs(product int64, qty float64, kind string) error {
	if !e.exists(e.mustModel("product.product"), product) {
		return fmt.Errorf("odoosim: MoveStock: product.product %d does not exist", product)
	}
	if !productIsStorable(e, product) {
		return fmt.Errorf("odoosim: MoveStock: product %q (id %d) is not storable, Odoo keeps no stock for it; create it with type 'product' (is_storable on 18)",
			variantDisplayName(e, product), product)
	}
	if qty == 0 || (qty < 0 && kind != MoveAdjustment) {
		return fmt.Errorf("odoosim: MoveStock: %s of %v units of product %d: the quantity must be positive (only an adjustment may be negative)", kind, qty, product)
	}
	stock := e.xmlid("stock.stock_location_stock")
	switch kind {
	case MovePOS:
		return e.doneTransfer("point_of_sale.picking_type_posout", product, qty, stock, e.xmlid("stock.stock_location_customers"), "POS simulated sale")
	case MoveReceipt:
		return e.doneTransfer("stock.picking_type_in", product, qty, e.xmlid("stock.stock_location_suppliers"), stock, "Simulated receipt")
	case MoveAdjustment:
		from, to := e.xmlid("stock.stock_location_inventory"), stock
		if qty < 0 {
			from, to = to, from
		}
		vals := e.doneMoveVals(product, math.Abs(qty), from, to, "Product Quantity Updated")
		if e.version() >= 15 {
			vals["is_inventory"] = true
		}
		mv, err := e.create(e.mustModel(moveModelName), vals)
		if err != nil {
			return err
		}
		return e.processMove(mv, math.Abs(qty))
	}
	return fmt.Errorf("odoosim: MoveStock: unknown kind %q (want %q, %q or %q)", kind, MovePOS, MoveReceipt, MoveAdjustment)
}

// doneTransfer creates a transfer of the given type with one move and
// validates it at once, without wizards or backorders (as the point of
// sale does when it closes an order).
func (e *env) doneTransfer(typeXMLID string, product int64, qty float64, from, to int64, origin string) error {
	ptype := e.xmlid(typeXMLID)
	p, err := e.create(e.mustModel(pickingModelName), map[string]any{
		"picking_type_id": ptype, "location_id": from, "location_dest_id": to, "origin": origin,
		"move_ids_without_package": []any{[]any{int64(0), int64(0), e.doneMoveVals(product, qty, from, to, origin)}},
	})
	if err != nil {
		return err
	}
	for _, mv := range activeMoves(e, p) {
		if err := e.setDone(mv, qty); err != nil {
			return err
		}
	}
	return e.finishPickings([]int64{p}, map[int64]bool{p: true})
}

func (e *env) doneMoveVals(product int64, qty float64, from, to int64, name string) map[string]any {
	return map[string]any{
		"name": name, "product_id": product, "product_uom_qty": qty, "product_uom": e.ref("product.product", product, "uom_id"),
		"location_id": from, "location_dest_id": to,
	}
}

// setDone sets a move's processed quantity in the version's terms.
func (e *env) setDone(mv int64, qty float64) error {
	if err := e.setMoveQuantity(mv, qty); err != nil {
		return err
	}
	if e.version() >= 17 {
		e.storeComputed(moveModelName, mv, map[string]any{"picked": true})
	}
	return nil
}

// processMove completes a move that has no transfer.
func (e *env) processMove(mv int64, qty float64) error {
	e.setMoveState(mv, "confirmed", nil)
	if err := e.setDone(mv, qty); err != nil {
		return err
	}
	return e.completeMove(mv)
}
