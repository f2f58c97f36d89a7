package odoosim

import (
	"slices"
)

// Transfers: stock.picking.type, stock.picking, stock.move and
// stock.move.line, with reservation on quants (reserved_quantity, free_qty)
// and the transfer states derived from the moves. Validation is in
// picking_validation.go, deliveries of sales orders in sale_stock.go.
//
// Per-version names (reference §6): the picking's moves are move_lines up
// to 15 and move_ids from 16 (move_ids_without_package in all versions, used
// internally); the done quantity is quantity_done (move) / qty_done (move
// line) up to 16, and quantity + picked from 17, where quantity on a move
// line is also its reservation. Up to 16 a move line's product_uom_qty is
// its reservation.

const (
	pickingModelName = "stock.picking"
	moveModelName    = "stock.move"
	moveLineName     = "stock.move.line"
)

func moveStates() []selOption {
	return []selOption{
		{Value: "draft", Label: "New"}, {Value: "waiting", Label: "Waiting Another Move"},
		{Value: "confirmed", Label: "Waiting Availability"}, {Value: "partially_available", Label: "Partially Available"},
		{Value: "assigned", Label: "Available"}, {Value: "done", Label: "Done"}, {Value: "cancel", Label: "Cancelled"},
	}
}

func init() {
	declare(
		pickingTypeModel(),
		pickingModel(),
		stockMoveModel(),
		moveLineModel(),
		immediateWizard.model(map[string]*method{"process": button("process", processImmediate)}),
		immediateWizard.lineModel(),
		backorderWizard.model(map[string]*method{
			"process":                  button("process", func(e *env, ids []int64) (any, error) { return processBackorder(e, ids, false) }),
			"process_cancel_backorder": button("process_cancel_backorder", func(e *env, ids []int64) (any, error) { return processBackorder(e, ids, true) }),
		}),
		backorderWizard.lineModel(),
	)
	forecastHooks = append(forecastHooks, moveForecast)
	businessSeeds = append(businessSeeds, seedPickingTypes)
}

func pickingTypeModel() *model {
	return &model{
		Name: "stock.picking.type", Description: "Picking Type", Order: "sequence, id",
		DisplayName: func(e *env, id int64) string {
			name := e.str("stock.picking.type", id, "name")
			if wh := e.ref("stock.picking.type", id, "warehouse_id"); wh != 0 {
				return e.str("stock.warehouse", wh, "name") + ": " + name
			}
			return name
		},
		Fields: []*field{
			{Name: "name", Type: tChar, String: "Operation Type", Required: true, Translate: true},
			{Name: "code", Type: tSelection, String: "Type of Operation", Required: true, Selection: []selOption{
				{Value: "incoming", Label: "Receipt"}, {Value: "outgoing", Label: "Delivery"}, {Value: "internal", Label: "Internal Transfer"}}},
			{Name: "sequence", Type: tInteger, String: "Sequence"},
			{Name: "sequence_id", Type: tMany2one, Relation: "ir.sequence", String: "Reference Sequence"},
			{Name: "sequence_code", Type: tChar, String: "Sequence Prefix", Since: 14, Required: true},
			{Name: "default_location_src_id", Type: tMany2one, Relation: "stock.location", String: "Default Source Location"},
			{Name: "default_location_dest_id", Type: tMany2one, Relation: "stock.location", String: "Default Destination Location"},
			{Name: "warehouse_id", Type: tMany2one, Relation: "stock.warehouse", String: "Warehouse", OnDelete: "cascade"},
			{Name: "create_backorder", Type: tSelection, String: "Create Backorder", Since: 14, Required: true, Default: constant("ask"), Selection: []selOption{
				{Value: "ask", Label: "Ask"}, {Value: "always", Label: "Always"}, {Value: "never", Label: "Never"}}},
			{Name: "reservation_method", Type: tSelection, String: "Reservation Method", Since: 15, Required: true, Default: constant("at_confirm"), Selection: []selOption{
				{Value: "at_confirm", Label: "At Confirmation"}, {Value: "manual", Label: "Manually"}, {Value: "by_date", Label: "Before scheduled date"}}},
			activeField(),
			{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Required: true, Default: defaultCompany},
		},
	}
}

// seedPickingTypes creates the warehouse's receipts, delivery orders,
// internal transfers (archived, as without multi-locations) and the point
// of sale's "PoS Orders" type, each with its WH/... sequence.
func seedPickingTypes(sd *seeder) {
	stock, suppliers, customers := sd.id("stock.stock_location_stock"), sd.id("stock.stock_location_suppliers"), sd.id("stock.stock_location_customers")
	for _, t := range []struct {
		xmlid, name, code, prefix string
		seq                       int64
		src, dest                 int64
		active                    bool
	}{
		{"stock.picking_type_in", "Receipts", "incoming", "IN", 1, suppliers, stock, true},
		{"stock.picking_type_out", "Delivery Orders", "outgoing", "OUT", 2, stock, customers, true},
		{"stock.picking_type_internal", "Internal Transfers", "internal", "INT", 3, stock, stock, false},
		{"point_of_sale.picking_type_posout", "PoS Orders", "outgoing", "POS", 4, stock, customers, true},
	} {
		seq := sd.rec("", "ir.sequence", 0, map[string]any{
			"name": "YourCompany Sequence " + t.prefix, "prefix": "WH/" + t.prefix + "/", "padding": int64(5),
		})
		vals := map[string]any{
			"name": t.name, "code": t.code, "sequence": t.seq, "sequence_id": seq, "warehouse_id": sd.id("stock.warehouse0"),
			"default_location_src_id": t.src, "default_location_dest_id": t.dest, "active": t.active,
		}
		if sd.e.version() >= 14 {
			vals["sequence_code"] = t.prefix
		}
		sd.rec(t.xmlid, "stock.picking.type", 0, vals)
	}
}

func pickingModel() *model {
	return &model{
		Name: pickingModelName, Description: "Transfer", Order: "priority desc, scheduled_date asc, id desc",
		Fields: []*field{
			{Name: "name", Type: tChar, String: "Reference", Index: true, Default: constant("/")},
			{Name: "origin", Type: tChar, String: "Source Document", Index: true},
			{Name: "note", Type: tHTML, String: "Notes"},
			{Name: "backorder_id", Type: tMany2one, Relation: pickingModelName, String: "Back Order of", Index: true},
			{Name: "backorder_ids", Type: tOne2many, Relation: pickingModelName, InverseOf: "backorder_id", String: "Back Orders"},
			{Name: "move_type", Type: tSelection, String: "Shipping Policy", Required: true, Default: constant("direct"), Selection: []selOption{
				{Value: "direct", Label: "As soon as possible"}, {Value: "one", Label: "When all products are ready"}}},
			{Name: "state", Type: tSelection, String: "Status", Readonly: true, Index: true, Default: constant("draft"), Selection: []selOption{
				{Value: "draft", Label: "Draft"}, {Value: "waiting", Label: "Waiting Another Operation"}, {Value: "confirmed", Label: "Waiting"},
				{Value: "assigned", Label: "Ready"}, {Value: "done", Label: "Done"}, {Value: "cancel", Label: "Cancelled"}}},
			{Name: "priority", Type: tSelection, String: "Priority", Default: constant("0"), Selection: []selOption{
				{Value: "0", Label: "Normal"}, {Value: "1", Label: "Urgent"}}},
			{Name: "scheduled_date", Type: tDatetime, String: "Scheduled Date", Default: func(e *env) any { return e.now }},
			{Name: "date", Type: tDatetime, String: "Creation Date", Default: func(e *env) any { return e.now }},
			{Name: "date_done", Type: tDatetime, String: "Date of Transfer", Readonly: true},
			{Name: "location_id", Type: tMany2one, Relation: "stock.location", String: "Source Location", Required: true},
			{Name: "location_dest_id", Type: tMany2one, Relation: "stock.location", String: "Destination Location", Required: true},
			{Name: "move_lines", Type: tOne2many, Relation: moveModelName, InverseOf: "picking_id", String: "Stock Moves", Until: 15},
			{Name: "move_ids", Type: tOne2many, Relation: moveModelName, InverseOf: "picking_id", String: "Stock Moves", Since: 16},
			{Name: "move_ids_without_package", Type: tOne2many, Relation: moveModelName, InverseOf: "picking_id", String: "Stock moves not in package"},
			{Name: "move_line_ids", Type: tOne2many, Relation: moveLineName, InverseOf: "picking_id", String: "Operations"},
			{Name: "move_line_ids_without_package", Type: tOne2many, Relation: moveLineName, InverseOf: "picking_id", String: "Operations without package"},
			{Name: "picking_type_id", Type: tMany2one, Relation: "stock.picking.type", String: "Operation Type", Required: true, Index: true},
			{Name: "picking_type_code", Type: tSelection, String: "Type of Operation", Searchable: true, Selection: []selOption{
				{Value: "incoming", Label: "Receipt"}, {Value: "outgoing", Label: "Delivery"}, {Value: "internal", Label: "Internal Transfer"}},
				Compute: func(e *env, id int64) any {
					return e.val("stock.picking.type", e.ref(pickingModelName, id, "picking_type_id"), "code")
				}},
			{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Contact"},
			{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Required: true, Default: defaultCompany},
			{Name: "user_id", Type: tMany2one, Relation: "res.users", String: "Responsible", Default: func(e *env) any { return e.uid }},
			{Name: "sale_id", Type: tMany2one, Relation: "sale.order", String: "Sales Order", Index: true},
			{Name: "carrier_id", Type: tMany2one, Relation: "delivery.carrier", String: "Carrier"},
			{Name: "carrier_tracking_ref", Type: tChar, String: "Tracking Reference"},
			{Name: "immediate_transfer", Type: tBoolean, String: "Immediate Transfer", Since: 14, Until: 16},
			{Name: "is_locked", Type: tBoolean, String: "Is Locked", Default: constant(true)},
		},
		BeforeCreate: withContextDefaults(pickingModelName, preparePicking),
		AfterCreate: func(e *env, id int64, _ map[string]any) error {
			refreshPickingState(e, id)
			return nil
		},
		AfterWrite: func(e *env, ids []int64, vals map[string]any) error {
			locs := map[string]any{}
			for _, k := range []string{"location_id", "location_dest_id"} {
				if v, ok := vals[k]; ok {
					locs[k] = v
				}
			}
			for _, p := range ids {
				if len(locs) > 0 {
					if err := e.write(e.mustModel(moveModelName), activeMoves(e, p), locs); err != nil {
						return err
					}
				}
				refreshPickingState(e, p)
			}
			return nil
		},
		BeforeUnlink: func(e *env, ids []int64) error {
			for _, p := range ids {
				if err := e.cancelMoves(activeMoves(e, p)); err != nil {
					return err
				}
				if err := e.unlink(e.mustModel(moveModelName), e.idList(pickingModelName, p, "move_ids_without_package")); err != nil {
					return err
				}
			}
			return nil
		},
		Methods: map[string]*method{
			"action_confirm": button("action_confirm", func(e *env, ids []int64) (any, error) {
				return true, e.confirmPickings(ids)
			}),
			"action_assign": button("action_assign", func(e *env, ids []int64) (any, error) {
				return true, e.assignPickings(ids)
			}),
			"action_cancel": button("action_cancel", func(e *env, ids []int64) (any, error) {
				return true, e.cancelPickings(ids)
			}),
			"button_validate": button("button_validate", buttonValidate),
			// 13 still exposes action_done: validate what is done, backorder the rest.
			"action_done": upToVersion(13, button("action_done", func(e *env, ids []int64) (any, error) {
				return true, e.finishPickings(ids, e.noBackorderSet(ids))
			})),
		},
	}
}

// preparePicking is stock.picking.create's preparation: locations from the
// operation type (17+ computes them; up to 16 only the default_picking_type_id
// context fills them), the reference from the type's sequence, and the
// picking's locations and type pushed onto moves created with it.
func preparePicking(e *env, vals map[string]any) error {
	ptype, hasType := asID(vals["picking_type_id"])
	if e.version() <= 16 {
		ptype, hasType = asID(e.ctx["default_picking_type_id"])
	}
	if hasType && e.exists(e.mustModel("stock.picking.type"), ptype) {
		for field, src := range map[string]string{"location_id": "default_location_src_id", "location_dest_id": "default_location_dest_id"} {
			if _, given := vals[field]; !given {
				if loc := e.ref("stock.picking.type", ptype, src); loc != 0 {
					vals[field] = loc
				}
			}
		}
	}
	if name, given := vals["name"]; !given || name == "/" {
		if t, ok := asID(vals["picking_type_id"]); ok && e.exists(e.mustModel("stock.picking.type"), t) {
			if seq := e.ref("stock.picking.type", t, "sequence_id"); seq != 0 {
				next, err := e.nextByID(seq)
				if err != nil {
					return err
				}
				vals["name"] = next
			}
		}
	}
	for _, f := range []string{"move_lines", "move_ids", "move_ids_without_package"} {
		cmds, _ := vals[f].([]any)
		for _, c := range cmds {
			cmd, ok := c.([]any)
			if !ok || len(cmd) != 3 || cmd[0] != int64(0) {
				continue
			}
			mv, ok := cmd[2].(map[string]any)
			if !ok {
				continue
			}
			for _, k := range []string{"location_id", "location_dest_id", "picking_type_id"} {
				_, given := mv[k]
				if v, ok := vals[k]; ok && (e.version() <= 16 || !given) {
					mv[k] = v
				}
			}
		}
	}
	return nil
}

func stockMoveModel() *model {
	return &model{
		Name: moveModelName, Description: "Stock Move", Order: "sequence, id",
		DisplayName: func(e *env, id int64) string {
			ref := e.str(moveModelName, id, "reference")
			prod := e.displayName(e.mustModel("product.product"), e.ref(moveModelName, id, "product_id"))
			if ref != "" {
				return ref + ": " + prod
			}
			return prod
		},
		Fields: []*field{
			{Name: "name", Type: tChar, String: "Description", Required: true},
			{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
			{Name: "date", Type: tDatetime, String: "Date Scheduled", Required: true, Default: func(e *env) any { return e.now }},
			{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Required: true, Default: defaultCompany},
			{Name: "product_id", Type: tMany2one, Relation: "product.product", String: "Product", Required: true, Index: true},
			{Name: "product_uom_qty", Type: tFloat, String: "Demand", Required: true, Default: constant(0.0)},
			{Name: "product_qty", Type: tFloat, String: "Real Quantity", Compute: func(e *env, id int64) any { return e.num(moveModelName, id, "product_uom_qty") }},
			{Name: "product_uom", Type: tMany2one, Relation: "uom.uom", String: "Unit of Measure", Required: true},
			{Name: "location_id", Type: tMany2one, Relation: "stock.location", String: "Source Location", Required: true},
			{Name: "location_dest_id", Type: tMany2one, Relation: "stock.location", String: "Destination Location", Required: true},
			{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Destination Address"},
			{Name: "picking_id", Type: tMany2one, Relation: pickingModelName, String: "Transfer", Index: true},
			{Name: "picking_type_id", Type: tMany2one, Relation: "stock.picking.type", String: "Operation Type"},
			{Name: "state", Type: tSelection, String: "Status", Readonly: true, Index: true, Default: constant("draft"), Selection: moveStates()},
			{Name: "origin", Type: tChar, String: "Source Document"},
			{Name: "reference", Type: tChar, String: "Reference", Searchable: true, Compute: func(e *env, id int64) any {
				if p := e.ref(moveModelName, id, "picking_id"); p != 0 {
					return e.str(pickingModelName, p, "name")
				}
				return e.str(moveModelName, id, "name")
			}},
			{Name: "procure_method", Type: tSelection, String: "Supply Method", Required: true, Default: constant("make_to_stock"), Selection: []selOption{
				{Value: "make_to_stock", Label: "Default: Take From Stock"}, {Value: "make_to_order", Label: "Advanced: Apply Procurement Rules"}}},
			{Name: "sale_line_id", Type: tMany2one, Relation: "sale.order.line", String: "Sale Line", Index: true},
			{Name: "warehouse_id", Type: tMany2one, Relation: "stock.warehouse", String: "Warehouse"},
			{Name: "move_line_ids", Type: tOne2many, Relation: moveLineName, InverseOf: "move_id", String: "Move Lines"},
			{Name: "is_inventory", Type: tBoolean, String: "Inventory", Since: 15},
			{Name: "reserved_availability", Type: tFloat, String: "Quantity Reserved", Until: 16,
				Compute: func(e *env, id int64) any { return moveReserved(e, id) }},
			{Name: "quantity_done", Type: tFloat, String: "Quantity Done", Until: 16,
				Compute: func(e *env, id int64) any { return moveDone(e, id) },
				Inverse: func(e *env, id int64, v any) error { return e.setMoveQuantity(id, v.(float64)) }},
			{Name: "quantity", Type: tFloat, String: "Quantity", Since: 17,
				Compute: func(e *env, id int64) any { return moveReserved(e, id) },
				Inverse: func(e *env, id int64, v any) error { return e.setMoveQuantity(id, v.(float64)) }},
			{Name: "picked", Type: tBoolean, String: "Picked", Since: 17},
		},
		BeforeCreate: withContextDefaults(moveModelName, func(e *env, vals map[string]any) error {
			if e.version() < 17 {
				return nil
			}
			// 17+ computes the unit from the product and locations from the transfer.
			if p, ok := asID(vals["product_id"]); ok && e.exists(e.mustModel("product.product"), p) {
				if _, given := vals["product_uom"]; !given {
					vals["product_uom"] = e.ref("product.product", p, "uom_id")
				}
			}
			if pk, ok := asID(vals["picking_id"]); ok && e.exists(e.mustModel(pickingModelName), pk) {
				for _, k := range []string{"location_id", "location_dest_id", "picking_type_id"} {
					if _, given := vals[k]; !given {
						vals[k] = e.ref(pickingModelName, pk, k)
					}
				}
			}
			return nil
		}),
		AfterCreate: func(e *env, id int64, _ map[string]any) error {
			refreshPickingState(e, e.ref(moveModelName, id, "picking_id"))
			return nil
		},
		AfterWrite: func(e *env, ids []int64, _ map[string]any) error {
			for _, id := range ids {
				refreshMoveState(e, id) // a new demand changes the availability
				refreshPickingState(e, e.ref(moveModelName, id, "picking_id"))
			}
			return nil
		},
		BeforeUnlink: func(e *env, ids []int64) error {
			for _, id := range ids {
				if s := e.str(moveModelName, id, "state"); s != "draft" && s != "cancel" {
					return errorf("You can only delete draft moves.")
				}
			}
			return nil
		},
		AfterUnlink: func(e *env, deleted map[int64]row) error {
			pos := e.mustModel(moveModelName).field("picking_id").pos
			for _, r := range deleted {
				if p, ok := r[pos].(int64); ok && e.exists(e.mustModel(pickingModelName), p) {
					refreshPickingState(e, p)
				}
			}
			return nil
		},
	}
}

func moveLineModel() *model {
	return &model{
		Name: moveLineName, Description: "Product Moves (Stock Move Line)", Order: "result_package_id desc, id",
		Fields: []*field{
			{Name: "move_id", Type: tMany2one, Relation: moveModelName, String: "Stock Operation", Index: true},
			{Name: "picking_id", Type: tMany2one, Relation: pickingModelName, String: "Transfer", Index: true},
			{Name: "product_id", Type: tMany2one, Relation: "product.product", String: "Product", OnDelete: "cascade", Index: true},
			{Name: "product_uom_id", Type: tMany2one, Relation: "uom.uom", String: "Unit of Measure", Required: true},
			{Name: "location_id", Type: tMany2one, Relation: "stock.location", String: "From", Required: true},
			{Name: "location_dest_id", Type: tMany2one, Relation: "stock.location", String: "To", Required: true},
			{Name: "result_package_id", Type: tInteger, String: "Destination Package"},
			{Name: "date", Type: tDatetime, String: "Date", Required: true, Default: func(e *env) any { return e.now }},
			{Name: "product_uom_qty", Type: tFloat, String: "Reserved", Until: 16},
			{Name: "qty_done", Type: tFloat, String: "Done", Until: 16},
			{Name: "quantity", Type: tFloat, String: "Quantity", Since: 17},
			{Name: "picked", Type: tBoolean, String: "Picked", Since: 17, Searchable: true,
				Compute: func(e *env, id int64) any { return e.flag(moveModelName, e.ref(moveLineName, id, "move_id"), "picked") }},
			// Stored related move_id.state, as in Odoo (kept by setMoveState).
			{Name: "state", Type: tSelection, String: "Status", Readonly: true, Index: true, Selection: moveStates()},
			{Name: "reference", Type: tChar, String: "Reference", Searchable: true,
				Compute: func(e *env, id int64) any {
					return e.val(moveModelName, e.ref(moveLineName, id, "move_id"), "reference")
				}},
		},
		BeforeCreate: withContextDefaults(moveLineName, nil),
		AfterCreate: func(e *env, id int64, _ map[string]any) error {
			mv := e.ref(moveLineName, id, "move_id")
			if mv != 0 {
				e.storeComputed(moveLineName, id, map[string]any{"state": e.val(moveModelName, mv, "state")})
			}
			return e.afterMoveLineChange(e.ref(moveLineName, id, "product_id"), mv)
		},
		AfterWrite: func(e *env, ids []int64, _ map[string]any) error {
			for _, id := range ids {
				if err := e.afterMoveLineChange(e.ref(moveLineName, id, "product_id"), e.ref(moveLineName, id, "move_id")); err != nil {
					return err
				}
			}
			return nil
		},
		AfterUnlink: func(e *env, deleted map[int64]row) error {
			m := e.mustModel(moveLineName)
			for _, id := range sortIDs(keys(deleted)) {
				r := deleted[id]
				product, _ := r[m.field("product_id").pos].(int64)
				move, _ := r[m.field("move_id").pos].(int64)
				if err := e.afterMoveLineChange(product, move); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// afterMoveLineChange keeps quants' reserved_quantity and the move's state
// in line with its move lines, as Odoo's move line create/write/unlink do.
func (e *env) afterMoveLineChange(product, move int64) error {
	if product != 0 && e.exists(e.mustModel("product.product"), product) && productIsStorable(e, product) {
		if err := e.syncReservations(product); err != nil {
			return err
		}
	}
	if move != 0 && e.exists(e.mustModel(moveModelName), move) {
		refreshMoveState(e, move)
	}
	return nil
}

// mlReservedField is the move line field holding its reservation.
func (e *env) mlReservedField() string {
	if e.version() >= 17 {
		return "quantity"
	}
	return "product_uom_qty"
}

func mlReserved(e *env, ml int64) float64 { return e.num(moveLineName, ml, e.mlReservedField()) }

// mlDone is what a move line moves when its transfer is validated.
func mlDone(e *env, ml int64) float64 {
	if e.version() >= 17 {
		if e.flag(moveModelName, e.ref(moveLineName, ml, "move_id"), "picked") {
			return e.num(moveLineName, ml, "quantity")
		}
		return 0
	}
	return e.num(moveLineName, ml, "qty_done")
}

func moveReserved(e *env, mv int64) float64 {
	total := 0.0
	for _, ml := range e.idList(moveModelName, mv, "move_line_ids") {
		total += mlReserved(e, ml)
	}
	return total
}

func moveDone(e *env, mv int64) float64 {
	total := 0.0
	for _, ml := range e.idList(moveModelName, mv, "move_line_ids") {
		total += mlDone(e, ml)
	}
	return total
}

// setMoveQuantity is the inverse of quantity_done (<=16) and quantity
// (17+): the single move line gets the quantity, or one is created; up to
// 16 several lines refuse, from 17 the difference lands on the last line.
func (e *env) setMoveQuantity(mv int64, q float64) error {
	field := "qty_done"
	if e.version() >= 17 {
		field = "quantity"
	}
	lines := e.idList(moveModelName, mv, "move_line_ids")
	mlm := e.mustModel(moveLineName)
	switch {
	case len(lines) == 0:
		if qtyIsZero(q) {
			return nil
		}
		_, err := e.create(mlm, map[string]any{
			"move_id": mv, "picking_id": e.ref(moveModelName, mv, "picking_id"), "product_id": e.ref(moveModelName, mv, "product_id"),
			"product_uom_id": e.ref(moveModelName, mv, "product_uom"), "location_id": e.ref(moveModelName, mv, "location_id"),
			"location_dest_id": e.ref(moveModelName, mv, "location_dest_id"), field: q,
		})
		return err
	case len(lines) == 1:
		return e.write(mlm, lines, map[string]any{field: q})
	case e.version() <= 16:
		return errorf("Cannot set the done quantity from this stock move, work directly with the move lines.")
	}
	others := 0.0
	for _, ml := range lines[:len(lines)-1] {
		others += e.num(moveLineName, ml, field)
	}
	return e.write(mlm, lines[len(lines)-1:], map[string]any{field: max(q-others, 0)})
}

// syncReservations sets every quant's reserved_quantity of a product to
// what the open move lines reserve at its location.
func (e *env) syncReservations(product int64) error {
	want := map[int64]float64{}
	for _, ml := range openByProduct(e, moveLineName, product) {
		if e.ref(moveLineName, ml, "move_id") == 0 {
			continue
		}
		loc := e.ref(moveLineName, ml, "location_id")
		if e.str("stock.location", loc, "usage") == "internal" {
			want[loc] += mlReserved(e, ml)
		}
	}
	qm := e.mustModel("stock.quant")
	quants, _ := e.table(qm).lookup(qm.field("product_id").pos, product)
	for _, q := range slices.Clone(quants) {
		loc := e.ref("stock.quant", q, "location_id")
		w := want[loc]
		delete(want, loc)
		if e.num("stock.quant", q, "reserved_quantity") != w {
			if err := e.write(qm, []int64{q}, map[string]any{"reserved_quantity": w}); err != nil {
				return err
			}
		}
	}
	for _, loc := range sortIDs(keys(want)) {
		if qtyIsZero(want[loc]) {
			continue
		}
		if _, err := e.create(qm, map[string]any{"product_id": product, "location_id": loc, "quantity": 0.0, "reserved_quantity": want[loc]}); err != nil {
			return err
		}
	}
	return nil
}

// setMoveState changes a move's state (with other stored values), the
// stored state of its move lines and its transfer's state.
func (e *env) setMoveState(mv int64, state string, vals map[string]any) {
	all := map[string]any{"state": state}
	for k, v := range vals {
		all[k] = v
	}
	e.storeComputed(moveModelName, mv, all)
	for _, ml := range e.idList(moveModelName, mv, "move_line_ids") {
		e.storeComputed(moveLineName, ml, map[string]any{"state": state})
	}
	refreshPickingState(e, e.ref(moveModelName, mv, "picking_id"))
}

var openMoveStates = []string{"draft", "waiting", "confirmed", "partially_available", "assigned"}

// openByProduct lists the moves or move lines of a product that are neither
// done nor cancelled, through whichever index (product or state) is
// smaller: a product's done history grows without bound, open moves don't.
func openByProduct(e *env, modelName string, product int64) []int64 {
	m := e.mustModel(modelName)
	t := e.table(m)
	byProduct, _ := t.lookup(m.field("product_id").pos, product)
	var open []int64
	for _, s := range openMoveStates {
		ids, _ := t.lookup(m.field("state").pos, s)
		open = append(open, ids...)
	}
	var out []int64
	if len(open) < len(byProduct) {
		for _, id := range open {
			if e.ref(modelName, id, "product_id") == product {
				out = append(out, id)
			}
		}
		return sortIDs(out)
	}
	for _, id := range byProduct {
		if s := e.str(modelName, id, "state"); s != "done" && s != "cancel" {
			out = append(out, id)
		}
	}
	return out
}

// activeMoves are a transfer's moves that are neither done nor cancelled.
func activeMoves(e *env, picking int64) []int64 {
	var out []int64
	for _, mv := range e.idList(pickingModelName, picking, "move_ids_without_package") {
		if s := e.str(moveModelName, mv, "state"); s != "done" && s != "cancel" {
			out = append(out, mv)
		}
	}
	return out
}

// refreshMoveState derives a confirmed move's availability from its
// reservation, then its transfer's state.
func refreshMoveState(e *env, mv int64) {
	state := e.str(moveModelName, mv, "state")
	if state == "draft" || state == "done" || state == "cancel" {
		return
	}
	demand, reserved := e.num(moveModelName, mv, "product_uom_qty"), moveReserved(e, mv)
	next := "confirmed"
	switch {
	case reserved >= demand-1e-6:
		next = "assigned"
	case reserved > 1e-6:
		next = "partially_available"
	}
	e.setMoveState(mv, next, nil)
}

// refreshPickingState is stock.picking._compute_state.
func refreshPickingState(e *env, p int64) {
	if p == 0 || !e.exists(e.mustModel(pickingModelName), p) {
		return
	}
	moves := e.idList(pickingModelName, p, "move_ids_without_package")
	count := map[string]int{}
	for _, mv := range moves {
		count[e.str(moveModelName, mv, "state")]++
	}
	active := len(moves) - count["done"] - count["cancel"]
	state := "confirmed"
	switch {
	case len(moves) == 0 || count["draft"] > 0:
		state = "draft"
	case count["cancel"] == len(moves):
		state = "cancel"
	case active == 0:
		state = "done"
	case count["assigned"] == active:
		state = "assigned"
	case e.str(pickingModelName, p, "move_type") == "direct" && count["assigned"]+count["partially_available"] > 0:
		state = "assigned"
	case count["waiting"] == active:
		state = "waiting"
	}
	e.storeComputed(pickingModelName, p, map[string]any{"state": state})
	if order := e.ref(pickingModelName, p, "sale_id"); order != 0 && e.version() >= 16 {
		refreshOrder(e, order)
	}
}

// confirmPickings is action_confirm: draft moves become confirmed; moves
// from supplier/inventory locations are reserved at once, and from 15 on
// (reservation at confirmation) every move is.
func (e *env) confirmPickings(ids []int64) error {
	for _, p := range ids {
		for _, mv := range e.idList(pickingModelName, p, "move_ids_without_package") {
			if e.str(moveModelName, mv, "state") == "draft" {
				e.setMoveState(mv, "confirmed", nil)
			}
		}
		refreshPickingState(e, p)
		src := e.str("stock.location", e.ref(pickingModelName, p, "location_id"), "usage")
		if src == "supplier" || src == "inventory" || src == "production" || reservesAtConfirm(e, p) {
			if err := e.reserveMoves(activeMoves(e, p)); err != nil {
				return err
			}
		}
	}
	return nil
}

// reservesAtConfirm: from 15 the operation type's reservation_method says
// whether confirmation reserves ("at_confirm", the default); up to 14 only
// "Check Availability" does (sales deliveries are reserved by
// procurement_jit instead, see launchStockRule).
func reservesAtConfirm(e *env, picking int64) bool {
	return e.version() >= 15 &&
		e.str("stock.picking.type", e.ref(pickingModelName, picking, "picking_type_id"), "reservation_method") == "at_confirm"
}

// assignPickings is action_assign ("Check Availability").
func (e *env) assignPickings(ids []int64) error {
	var drafts []int64
	for _, p := range ids {
		if e.str(pickingModelName, p, "state") == "draft" {
			drafts = append(drafts, p)
		}
	}
	if err := e.confirmPickings(drafts); err != nil {
		return err
	}
	var moves []int64
	for _, p := range ids {
		moves = append(moves, activeMoves(e, p)...)
	}
	if len(moves) == 0 {
		return errorf("Nothing to check the availability for.")
	}
	return e.reserveMoves(moves)
}

// reserveMoves reserves what quants in (children of) the source location
// still have free, oldest quants first; consumables and moves from outside
// the warehouse are available as a whole.
func (e *env) reserveMoves(moves []int64) error {
	for _, mv := range moves {
		if s := e.str(moveModelName, mv, "state"); s != "confirmed" && s != "partially_available" && s != "waiting" {
			continue
		}
		product := e.ref(moveModelName, mv, "product_id")
		src := e.ref(moveModelName, mv, "location_id")
		need := e.num(moveModelName, mv, "product_uom_qty") - moveReserved(e, mv)
		if need <= 1e-6 {
			refreshMoveState(e, mv)
			continue
		}
		if !productIsStorable(e, product) || e.str("stock.location", src, "usage") != "internal" {
			if err := e.addReservation(mv, src, need); err != nil {
				return err
			}
			continue
		}
		scope := idSet(e.searchIDs("stock.location", []any{"id", "child_of", src}))
		qm := e.mustModel("stock.quant")
		quants, _ := e.table(qm).lookup(qm.field("product_id").pos, product)
		for _, q := range slices.Clone(quants) {
			if need <= 1e-6 {
				break
			}
			loc := e.ref("stock.quant", q, "location_id")
			if !scope[loc] || e.str("stock.location", loc, "usage") != "internal" {
				continue
			}
			free := e.num("stock.quant", q, "quantity") - e.num("stock.quant", q, "reserved_quantity")
			if free <= 1e-6 {
				continue
			}
			take := min(free, need)
			if err := e.addReservation(mv, loc, take); err != nil {
				return err
			}
			need -= take
		}
		refreshMoveState(e, mv)
	}
	return nil
}

// addReservation grows the move's line at loc (or creates one).
func (e *env) addReservation(mv, loc int64, qty float64) error {
	field := e.mlReservedField()
	mlm := e.mustModel(moveLineName)
	for _, ml := range e.idList(moveModelName, mv, "move_line_ids") {
		if e.ref(moveLineName, ml, "location_id") == loc {
			return e.write(mlm, []int64{ml}, map[string]any{field: mlReserved(e, ml) + qty})
		}
	}
	_, err := e.create(mlm, map[string]any{
		"move_id": mv, "picking_id": e.ref(moveModelName, mv, "picking_id"), "product_id": e.ref(moveModelName, mv, "product_id"),
		"product_uom_id": e.ref(moveModelName, mv, "product_uom"), "location_id": loc,
		"location_dest_id": e.ref(moveModelName, mv, "location_dest_id"), field: qty,
	})
	return err
}

// cancelPickings is action_cancel; done moves cannot be cancelled.
func (e *env) cancelPickings(ids []int64) error {
	for _, p := range ids {
		for _, mv := range e.idList(pickingModelName, p, "move_ids_without_package") {
			if e.str(moveModelName, mv, "state") == "done" {
				return errorf("You cannot cancel a stock move that has been set to 'Done'. Create a return in order to reverse the moves which took place.")
			}
		}
		if err := e.cancelMoves(activeMoves(e, p)); err != nil {
			return err
		}
		refreshPickingState(e, p)
	}
	return nil
}

// cancelMoves releases the moves' reservations and cancels them.
func (e *env) cancelMoves(moves []int64) error {
	for _, mv := range moves {
		e.setMoveState(mv, "cancel", nil)
		if err := e.unlink(e.mustModel(moveLineName), e.idList(moveModelName, mv, "move_line_ids")); err != nil {
			return err
		}
		refreshLineOfMove(e, mv)
	}
	return nil
}

func refreshLineOfMove(e *env, mv int64) {
	if line := e.ref(moveModelName, mv, "sale_line_id"); line != 0 {
		refreshSaleLine(e, line)
		refreshOrder(e, e.ref("sale.order.line", line, "order_id"))
	}
}

// moveForecast contributes open moves to incoming_qty / outgoing_qty.
func moveForecast(e *env, product int64) (in, out float64) {
	for _, mv := range openByProduct(e, moveModelName, product) {
		if e.str(moveModelName, mv, "state") == "draft" {
			continue
		}
		srcIn := e.str("stock.location", e.ref(moveModelName, mv, "location_id"), "usage") == "internal"
		dstIn := e.str("stock.location", e.ref(moveModelName, mv, "location_dest_id"), "usage") == "internal"
		qty := e.num(moveModelName, mv, "product_uom_qty")
		switch {
		case dstIn && !srcIn:
			in += qty
		case srcIn && !dstIn:
			out += qty
		}
	}
	return in, out
}
