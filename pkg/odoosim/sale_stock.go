package odoosim

// The sale_stock glue: confirmed order lines procure delivery moves, and
// done moves make the lines' delivered quantity.

// launchStockRule is sale.order.line._action_launch_stock_rule: goods
// lines of confirmed orders get a delivery move for what is not yet
// procured, merged into the order's open delivery (or a new one), and
// reserved at once (procurement_jit on 13/14; from 15 when the delivery
// type reserves at confirmation, the default).
func (e *env) launchStockRule(lines []int64) error {
	const sol = "sale.order.line"
	for _, line := range lines {
		order := e.ref(sol, line, "order_id")
		product := e.ref(sol, line, "product_id")
		if e.str("sale.order", order, "state") != "sale" || product == 0 || !productIsGoods(e, product) ||
			e.flag(sol, line, "is_delivery") || e.str(sol, line, "display_type") != "" {
			continue
		}
		procured := 0.0
		var openMove int64
		for _, mv := range e.idList(sol, line, "move_ids") {
			if s := e.str(moveModelName, mv, "state"); s != "cancel" {
				procured += e.num(moveModelName, mv, "product_uom_qty")
				if s != "done" {
					openMove = mv
				}
			}
		}
		need := e.num(sol, line, "product_uom_qty") - procured
		if need <= 1e-6 {
			continue
		}
		mv := openMove
		if mv != 0 {
			if err := e.write(e.mustModel(moveModelName), []int64{mv}, map[string]any{
				"product_uom_qty": e.num(moveModelName, mv, "product_uom_qty") + need,
			}); err != nil {
				return err
			}
		} else {
			picking, err := e.orderDelivery(order)
			if err != nil {
				return err
			}
			mv, err = e.create(e.mustModel(moveModelName), map[string]any{
				"name": e.str(sol, line, "name"), "product_id": product, "product_uom_qty": need,
				"product_uom": e.ref(sol, line, "product_uom"), "location_id": e.ref(pickingModelName, picking, "location_id"),
				"location_dest_id": e.ref(pickingModelName, picking, "location_dest_id"), "picking_id": picking,
				"picking_type_id": e.ref(pickingModelName, picking, "picking_type_id"), "partner_id": e.ref("sale.order", order, "partner_shipping_id"),
				"origin": e.str("sale.order", order, "name"), "sale_line_id": line, "warehouse_id": e.ref("sale.order", order, "warehouse_id"),
				"company_id": e.ref("sale.order", order, "company_id"),
			})
			if err != nil {
				return err
			}
			e.setMoveState(mv, "confirmed", nil)
		}
		if e.version() <= 14 || reservesAtConfirm(e, e.ref(moveModelName, mv, "picking_id")) {
			if err := e.reserveMoves([]int64{mv}); err != nil {
				return err
			}
		}
	}
	return nil
}

// orderDelivery returns the order's open delivery order, creating it from
// the warehouse's outgoing type when there is none.
func (e *env) orderDelivery(order int64) (int64, error) {
	for _, p := range openPickings(e, order) {
		if e.str("stock.picking", p, "picking_type_code") == "outgoing" {
			return p, nil
		}
	}
	wh := e.ref("sale.order", order, "warehouse_id")
	types := e.searchIDs("stock.picking.type", []any{"code", "=", "outgoing"}, []any{"warehouse_id", "=", wh})
	if len(types) == 0 {
		return 0, errorf("No rule has been found to replenish the product in %s. Verify the routes configuration on the product.",
			e.str("stock.warehouse", wh, "name"))
	}
	vals := map[string]any{
		"picking_type_id":  types[0],
		"location_id":      e.ref("stock.picking.type", types[0], "default_location_src_id"),
		"location_dest_id": e.ref("stock.picking.type", types[0], "default_location_dest_id"),
		"partner_id":       e.ref("sale.order", order, "partner_shipping_id"),
		"origin":           e.str("sale.order", order, "name"),
		"sale_id":          order,
		"move_type":        e.str("sale.order", order, "picking_policy"),
		"company_id":       e.ref("sale.order", order, "company_id"),
	}
	if c := e.ref("sale.order", order, "carrier_id"); c != 0 {
		vals["carrier_id"] = c
	}
	if d := e.val("sale.order", order, "commitment_date"); d != nil {
		vals["scheduled_date"] = d
	}
	return e.create(e.mustModel(pickingModelName), vals)
}

// deliveredByMoves is a sale line's delivered quantity: done moves to
// customers minus done returns from customers.
func deliveredByMoves(e *env, line int64) float64 {
	total := 0.0
	for _, mv := range e.idList("sale.order.line", line, "move_ids") {
		if e.str(moveModelName, mv, "state") != "done" {
			continue
		}
		qty := e.num(moveModelName, mv, "product_uom_qty")
		switch {
		case e.str("stock.location", e.ref(moveModelName, mv, "location_dest_id"), "usage") == "customer":
			total += qty
		case e.str("stock.location", e.ref(moveModelName, mv, "location_id"), "usage") == "customer":
			total -= qty
		}
	}
	return total
}
