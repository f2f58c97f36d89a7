package odoosim

import "slices"

// Validation of transfers: button_validate with its sanity checks and the
// per-version pre-validation wizards (stock.immediate.transfer up to 16,
// stock.backorder.confirmation), then _action_done — moves done for their
// processed quantity, quants moved, the rest backordered or cancelled.

// buttonValidate is stock.picking.button_validate: sanity checks, then the
// per-version pre-validation wizards, then the transfer. It returns a
// wizard action (dict) while something must be decided, True when done
// (14+), or None on 13, whose button_validate ends with a bare return: the
// client then gets the "cannot marshal None" fault after the commit.
func buttonValidate(e *env, ids []int64) (any, error) {
	v := e.version()
	if v == 13 {
		if err := ensureOne(pickingModelName, ids); err != nil {
			return nil, err
		}
	}
	if v >= 17 {
		if err := e.autoConfirmDrafts(ids); err != nil {
			return nil, err
		}
	}
	if err := e.validateSanity(ids); err != nil {
		return nil, err
	}
	if v >= 14 {
		if _, set := e.ctx["button_validate_picking_ids"]; !set {
			e = e.withContext(map[string]any{"button_validate_picking_ids": idsArg(ids)})
		}
	}
	if v <= 16 && !truthy(e.ctx["skip_immediate"]) {
		var immediate []int64
		for _, p := range ids {
			if !pickingHasDone(e, p) {
				immediate = append(immediate, p)
			}
		}
		if len(immediate) > 0 {
			return immediateWizard.action(e, immediate)
		}
	}
	if v >= 17 {
		for _, p := range ids {
			if !pickingHasDone(e, p) {
				if err := e.write(e.mustModel(moveModelName), e.idList(pickingModelName, p, "move_ids_without_package"), map[string]any{"picked": true}); err != nil {
					return nil, err
				}
			}
		}
	}
	if !truthy(e.ctx["skip_backorder"]) {
		var backorder []int64
		for _, p := range ids {
			if needsBackorder(e, p) {
				backorder = append(backorder, p)
			}
		}
		if len(backorder) > 0 {
			return backorderWizard.action(e, backorder)
		}
	}
	if err := e.finishPickings(ids, e.noBackorderSet(ids)); err != nil {
		return nil, err
	}
	if v == 13 {
		return nil, nil
	}
	return true, nil
}

// autoConfirmDrafts (17+): draft transfers are confirmed and their moves
// without quantity get their demand as quantity.
func (e *env) autoConfirmDrafts(ids []int64) error {
	for _, p := range ids {
		if e.str(pickingModelName, p, "state") != "draft" {
			continue
		}
		if err := e.confirmPickings([]int64{p}); err != nil {
			return err
		}
		for _, mv := range activeMoves(e, p) {
			if qtyIsZero(moveReserved(e, mv)) {
				if err := e.setMoveQuantity(mv, e.num(moveModelName, mv, "product_uom_qty")); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// validateSanity raises what button_validate's sanity check raises.
func (e *env) validateSanity(ids []int64) error {
	for _, p := range ids {
		if len(e.idList(pickingModelName, p, "move_ids_without_package")) == 0 && len(e.idList(pickingModelName, p, "move_line_ids")) == 0 {
			return errorf("Please add some items to move.")
		}
	}
	for _, p := range ids {
		reserved, done := false, pickingHasDone(e, p)
		for _, ml := range e.idList(pickingModelName, p, "move_line_ids") {
			if s := e.str(moveLineName, ml, "state"); s != "done" && s != "cancel" && !qtyIsZero(mlReserved(e, ml)) {
				reserved = true
			}
		}
		if !reserved && !done {
			return errorf("%s", noQuantitiesMessage(e.version()))
		}
	}
	return nil
}

func noQuantitiesMessage(v int) string {
	switch {
	case v == 13:
		return "You cannot validate a transfer if no quantites are reserved nor done. To force the transfer, switch in edit more and encode the done quantities."
	case v <= 16:
		return "You cannot validate a transfer if no quantities are reserved nor done. To force the transfer, switch in edit mode and encode the done quantities."
	}
	return "You cannot validate a transfer if no quantities are reserved. To force the transfer, encode quantities."
}

// pickingHasDone tells whether anything is set done (<=16) or picked (17+)
// on the transfer's open moves.
func pickingHasDone(e *env, p int64) bool {
	for _, mv := range activeMoves(e, p) {
		if e.version() >= 17 {
			if e.flag(moveModelName, mv, "picked") {
				return true
			}
			continue
		}
		if !qtyIsZero(moveDone(e, mv)) {
			return true
		}
	}
	return false
}

// needsBackorder is _check_backorder: some open move is processed for less
// than its demand, on a type that asks (14+ create_backorder).
func needsBackorder(e *env, p int64) bool {
	if e.version() >= 14 && e.str("stock.picking.type", e.ref(pickingModelName, p, "picking_type_id"), "create_backorder") != "ask" {
		return false
	}
	for _, mv := range activeMoves(e, p) {
		if moveDone(e, mv) < e.num(moveModelName, mv, "product_uom_qty")-1e-6 {
			return true
		}
	}
	return false
}

// noBackorderSet lists the transfers whose remainder is cancelled rather
// than backordered: picking_ids_not_to_backorder and types set to "never".
func (e *env) noBackorderSet(ids []int64) map[int64]bool {
	out := map[int64]bool{}
	if truthy(e.ctx["cancel_backorder"]) {
		for _, p := range ids {
			out[p] = true
		}
	}
	if listed, err := asIDs(e.ctx["picking_ids_not_to_backorder"]); err == nil {
		for _, p := range listed {
			if e.version() < 14 || e.str("stock.picking.type", e.ref(pickingModelName, p, "picking_type_id"), "create_backorder") != "always" {
				out[p] = true
			}
		}
	}
	if e.version() >= 14 {
		for _, p := range ids {
			if e.str("stock.picking.type", e.ref(pickingModelName, p, "picking_type_id"), "create_backorder") == "never" {
				out[p] = true
			}
		}
	}
	return out
}

// prevalidation describes a pre-validation wizard of button_validate and
// its per-transfer line model (14+, where the lines carry the choice).
type prevalidation struct {
	name, description, title, view string
	until                          int // last version with the wizard (0 = all)
	lines, lineDescription         string
	linesField, inverse            string // the wizard's one2many and the lines' many2one back
	flag, flagLabel                string // the lines' "process this transfer" boolean
}

var (
	immediateWizard = prevalidation{
		name: "stock.immediate.transfer", description: "Immediate Transfer", title: "Immediate Transfer?",
		view: "stock.view_immediate_transfer", until: 16,
		lines: "stock.immediate.transfer.line", lineDescription: "Immediate Transfer Line",
		linesField: "immediate_transfer_line_ids", inverse: "immediate_transfer_id", flag: "to_immediate", flagLabel: "To Process",
	}
	backorderWizard = prevalidation{
		name: "stock.backorder.confirmation", description: "Backorder Confirmation", title: "Create Backorder?",
		view:  "stock.view_backorder_confirmation",
		lines: "stock.backorder.confirmation.line", lineDescription: "Backorder Confirmation Line",
		linesField: "backorder_confirmation_line_ids", inverse: "backorder_confirmation_id", flag: "to_backorder", flagLabel: "To Backorder",
	}
)

func (w prevalidation) model(methods map[string]*method) *model {
	return &model{
		Name: w.name, Description: w.description, Until: w.until, Transient: true,
		Fields: []*field{
			{Name: "pick_ids", Type: tMany2many, Relation: pickingModelName, String: "Pick"},
			{Name: "show_transfers", Type: tBoolean, String: "Show Transfers", Since: 14},
			{Name: w.linesField, Type: tOne2many, Relation: w.lines, InverseOf: w.inverse, String: w.lineDescription + "s", Since: 14},
		},
		BeforeCreate: withContextDefaults(w.name, nil),
		AfterCreate:  w.createLines,
		Methods:      methods,
	}
}

func (w prevalidation) lineModel() *model {
	return &model{
		Name: w.lines, Description: w.lineDescription, Since: 14, Until: w.until, Transient: true,
		Fields: []*field{
			{Name: w.inverse, Type: tMany2one, Relation: w.name, String: w.description, Required: true, OnDelete: "cascade"},
			{Name: "picking_id", Type: tMany2one, Relation: pickingModelName, String: "Transfer", Required: true},
			{Name: w.flag, Type: tBoolean, String: w.flagLabel},
		},
	}
}

// action returns the wizard action: 13 creates the wizard and opens it
// (res_id); 14+ only pass default_pick_ids and button_validate_picking_ids
// in the action context, and the client must create the wizard and call it
// with that context.
func (w prevalidation) action(e *env, pickings []int64) (any, error) {
	links := make([]any, len(pickings))
	for i, p := range pickings {
		links[i] = []any{int64(4), p}
	}
	if e.version() == 13 {
		id, err := e.create(e.mustModel(w.name), map[string]any{"pick_ids": links})
		if err != nil {
			return nil, err
		}
		return wizardAction(w.title, w.name, w.view, e.ctxWith(nil), id), nil
	}
	ctx := e.ctxWith(map[string]any{"default_show_transfers": len(pickings) > 1, "default_pick_ids": links})
	return wizardAction(w.title, w.name, w.view, ctx, 0), nil
}

// createLines gives a 14+ wizard one line per transfer (default_get does
// this in Odoo) when the client did not pass lines.
func (w prevalidation) createLines(e *env, id int64, vals map[string]any) error {
	if e.version() < 14 {
		return nil
	}
	if _, given := vals[w.linesField]; given {
		return nil
	}
	for _, p := range e.idList(w.name, id, "pick_ids") {
		if _, err := e.create(e.mustModel(w.lines), map[string]any{w.inverse: id, "picking_id": p, w.flag: true}); err != nil {
			return err
		}
	}
	return nil
}

// pickings splits a wizard's transfers by their line flag (14+; on 13
// every transfer is selected).
func (w prevalidation) pickings(e *env, id int64) (selected, skipped []int64) {
	if e.version() < 14 {
		return e.idList(w.name, id, "pick_ids"), nil
	}
	for _, l := range e.idList(w.name, id, w.linesField) {
		p := e.ref(w.lines, l, "picking_id")
		if e.flag(w.lines, l, w.flag) {
			selected = append(selected, p)
		} else {
			skipped = append(skipped, p)
		}
	}
	return selected, skipped
}

// processImmediate is stock.immediate.transfer.process: reserved
// quantities become done quantities, then 14-16 re-run button_validate on
// button_validate_picking_ids (without it in the context nothing is
// validated and True is returned); 13 validates itself and returns False
// or the backorder wizard.
func processImmediate(e *env, ids []int64) (any, error) {
	if err := ensureOne("stock.immediate.transfer", ids); err != nil {
		return nil, err
	}
	todo, skipped := immediateWizard.pickings(e, ids[0])
	for _, p := range todo {
		if e.str(pickingModelName, p, "state") == "draft" {
			if err := e.confirmPickings([]int64{p}); err != nil {
				return nil, err
			}
			if e.str(pickingModelName, p, "state") != "assigned" {
				if err := e.assignPickings([]int64{p}); err != nil {
					return nil, err
				}
				if e.str(pickingModelName, p, "state") != "assigned" {
					return nil, errorf("Could not reserve all requested products. Please use the 'Mark as Todo' button to handle the reservation manually.")
				}
			}
		}
		mlm := e.mustModel(moveLineName)
		for _, mv := range activeMoves(e, p) {
			for _, ml := range e.idList(moveModelName, mv, "move_line_ids") {
				if err := e.write(mlm, []int64{ml}, map[string]any{"qty_done": mlReserved(e, ml)}); err != nil {
					return nil, err
				}
			}
		}
	}
	if e.version() == 13 {
		var direct, backorder []int64
		for _, p := range todo {
			if needsBackorder(e, p) {
				backorder = append(backorder, p)
			} else {
				direct = append(direct, p)
			}
		}
		if err := e.finishPickings(direct, nil); err != nil {
			return nil, err
		}
		if len(backorder) > 0 {
			return backorderWizard.action(e, backorder)
		}
		return false, nil
	}
	validate, err := asIDs(e.ctx["button_validate_picking_ids"])
	if err != nil || len(validate) == 0 {
		return true, nil
	}
	validate = slices.DeleteFunc(validate, func(p int64) bool { return slices.Contains(skipped, p) })
	return buttonValidate(e.withContext(map[string]any{"skip_immediate": true}), validate)
}

// processBackorder is stock.backorder.confirmation.process (cancel=false)
// and process_cancel_backorder: 13 validates the wizard's transfers and
// returns None; 14+ re-run button_validate on button_validate_picking_ids
// with skip_backorder, the unticked (or, when cancelling, all) transfers
// listed in picking_ids_not_to_backorder.
func processBackorder(e *env, ids []int64, cancel bool) (any, error) {
	if e.version() == 13 {
		for _, w := range ids {
			pickings := e.idList("stock.backorder.confirmation", w, "pick_ids")
			noBackorder := map[int64]bool{}
			if cancel {
				for _, p := range pickings {
					noBackorder[p] = true
				}
			}
			if err := e.finishPickings(pickings, noBackorder); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	if err := ensureOne("stock.backorder.confirmation", ids); err != nil {
		return nil, err
	}
	validate, err := asIDs(e.ctx["button_validate_picking_ids"])
	if err != nil || len(validate) == 0 {
		return true, nil
	}
	_, notToBackorder := backorderWizard.pickings(e, ids[0])
	if cancel {
		notToBackorder = e.idList("stock.backorder.confirmation", ids[0], "pick_ids")
	}
	ctx := map[string]any{"skip_backorder": true}
	if len(notToBackorder) > 0 {
		ctx["picking_ids_not_to_backorder"] = idsArg(notToBackorder)
	}
	return buttonValidate(e.withContext(ctx), validate)
}

// finishPickings is _action_done: each open move is done for its processed
// quantity (split when less than its demand), the quants move, and the
// unprocessed rest goes to a backorder transfer (reserved again) or is
// cancelled for the transfers in noBackorder.
func (e *env) finishPickings(ids []int64, noBackorder map[int64]bool) error {
	for _, p := range ids {
		if s := e.str(pickingModelName, p, "state"); s == "done" || s == "cancel" {
			continue
		}
		var rest []int64
		for _, mv := range activeMoves(e, p) {
			if e.str(moveModelName, mv, "state") == "draft" {
				e.setMoveState(mv, "confirmed", nil)
			}
			done, demand := moveDone(e, mv), e.num(moveModelName, mv, "product_uom_qty")
			if qtyIsZero(done) {
				rest = append(rest, mv)
				continue
			}
			if done < demand-1e-6 {
				part, err := e.splitMove(mv, demand-done)
				if err != nil {
					return err
				}
				rest = append(rest, part)
			}
			if !qtyIsZero(done - demand) {
				e.storeComputed(moveModelName, mv, map[string]any{"product_uom_qty": done})
			}
			if err := e.completeMove(mv); err != nil {
				return err
			}
		}
		if err := e.backorderRest(p, rest, noBackorder[p]); err != nil {
			return err
		}
		e.storeComputed(pickingModelName, p, map[string]any{"date_done": e.now})
		refreshPickingState(e, p)
	}
	return nil
}

// splitMove detaches qty of a move's demand into a new confirmed move.
func (e *env) splitMove(mv int64, qty float64) (int64, error) {
	vals := map[string]any{"product_uom_qty": qty}
	for _, k := range []string{"name", "product_id", "product_uom", "location_id", "location_dest_id", "partner_id",
		"picking_id", "picking_type_id", "origin", "sale_line_id", "warehouse_id", "company_id", "procure_method"} {
		switch x := e.val(moveModelName, mv, k).(type) {
		case nil:
		default:
			vals[k] = x
		}
	}
	part, err := e.create(e.mustModel(moveModelName), vals)
	if err != nil {
		return 0, err
	}
	e.setMoveState(part, "confirmed", nil)
	return part, nil
}

// completeMove marks a move done: lines without processed quantity go,
// reservations are released (up to 16 the line's reserved quantity is reset
// like Odoo does), and storable quantities leave the source quant for the
// destination one.
func (e *env) completeMove(mv int64) error {
	mlm := e.mustModel(moveLineName)
	type transfer struct {
		from, to int64
		qty      float64
	}
	var moved []transfer
	for _, ml := range e.idList(moveModelName, mv, "move_line_ids") {
		q := mlDone(e, ml)
		if qtyIsZero(q) {
			if err := e.unlink(mlm, []int64{ml}); err != nil {
				return err
			}
			continue
		}
		moved = append(moved, transfer{e.ref(moveLineName, ml, "location_id"), e.ref(moveLineName, ml, "location_dest_id"), q})
		if e.version() <= 16 {
			if err := e.write(mlm, []int64{ml}, map[string]any{"product_uom_qty": 0.0}); err != nil {
				return err
			}
		}
	}
	e.setMoveState(mv, "done", map[string]any{"date": e.now})
	product := e.ref(moveModelName, mv, "product_id")
	if productIsStorable(e, product) {
		if err := e.syncReservations(product); err != nil {
			return err
		}
		for _, t := range moved {
			if err := e.moveStock(product, t.from, t.to, t.qty); err != nil {
				return err
			}
		}
	}
	refreshLineOfMove(e, mv)
	return nil
}

// backorderRest moves unprocessed moves to a new backorder transfer and
// reserves them there, or cancels them.
func (e *env) backorderRest(p int64, rest []int64, cancel bool) error {
	if len(rest) == 0 {
		return nil
	}
	for _, mv := range rest {
		if err := e.unlink(e.mustModel(moveLineName), e.idList(moveModelName, mv, "move_line_ids")); err != nil {
			return err
		}
	}
	if cancel {
		return e.cancelMoves(rest)
	}
	vals := map[string]any{"backorder_id": p}
	for _, k := range []string{"picking_type_id", "location_id", "location_dest_id", "partner_id", "origin", "sale_id",
		"company_id", "move_type", "scheduled_date", "carrier_id", "user_id"} {
		if x := e.val(pickingModelName, p, k); x != nil {
			vals[k] = x
		}
	}
	bo, err := e.create(e.mustModel(pickingModelName), vals)
	if err != nil {
		return err
	}
	if err := e.write(e.mustModel(moveModelName), rest, map[string]any{"picking_id": bo}); err != nil {
		return err
	}
	return e.reserveMoves(rest)
}
