package odoosim

import (
	"math"
	"slices"
	"strings"
	"time"
)

// Helpers shared by the business models (sales, transfers, invoices,
// payments): stored computed fields, record buttons, window actions,
// context defaults and Odoo's rounding.

// businessSeeds run at the end of seedMasterData, after the master data the
// business models refer to (warehouse, journals, taxes) exists.
var businessSeeds []func(sd *seeder)

// storeComputed saves the values of stored computed fields that differ
// from what is stored, stamping write_date only when something changed: the
// effect of Odoo's recompute + flush, which clients polling on write_date
// observe (an order's invoice_status moving, a picking becoming done).
// Values are internal (float64, string, int64, bool, nil, []int64). It
// bypasses hooks and constraints, like Odoo's low-level _write.
func (e *env) storeComputed(modelName string, id int64, vals map[string]any) {
	m := e.mustModel(modelName)
	t := e.table(m)
	cur := t.get(id)
	if cur == nil {
		return
	}
	var next row
	for name, v := range vals {
		f := m.field(name)
		if sameStored(cur[f.pos], v) {
			continue
		}
		if next == nil {
			next = slices.Clone(cur)
		}
		next[f.pos] = v
	}
	if next != nil {
		e.stamp(m, next, false)
		e.tx.put(t, id, next)
	}
}

func sameStored(a, b any) bool {
	switch x := a.(type) {
	case []int64:
		y, _ := b.([]int64)
		return slices.Equal(x, y)
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	}
	if _, isList := b.([]int64); isList {
		return false
	}
	return a == b
}

// button declares a public record method without arguments (an Odoo form
// button): ids are checked, extra arguments raise Python's TypeError.
func button(name string, fn func(e *env, ids []int64) (any, error)) *method {
	return &method{Fn: func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		ids, rest, err := recordArgs(name, args)
		if err != nil {
			return nil, err
		}
		if _, err := bindArgs(name, rest, kw); err != nil {
			return nil, err
		}
		if err := e.ensureExist(m, ids); err != nil {
			return nil, err
		}
		return fn(e, dedupe(ids))
	}}
}

// fromVersion limits a method to versions >= v; upToVersion to versions <= v.
func fromVersion(v int, md *method) *method { md.Since = v; return md }
func upToVersion(v int, md *method) *method { md.Until = v; return md }

// ensureOne is Odoo's ensure_one() failure (a ValueError, fault 1).
func ensureOne(modelName string, ids []int64) error {
	if len(ids) != 1 {
		return valueError("Expected singleton: %s", recordsetRepr(modelName, ids))
	}
	return nil
}

// viewIDs are the database ids of the form views wizard actions name; any
// stable integer does, clients only pass them back to the web client.
var viewIDs = map[string]int64{
	"stock.view_immediate_transfer":         301,
	"stock.view_backorder_confirmation":     302,
	"sale.sale_order_cancel_view_form":      303,
	"account.view_account_payment_form":     304,
	"account.view_move_form":                305,
	"account.view_account_payment_register": 306,
}

// wizardAction is the act_window dict of a modal wizard form.
func wizardAction(name, resModel, view string, ctx map[string]any, resID int64) map[string]any {
	id := viewIDs[view]
	a := map[string]any{
		"name": name, "type": "ir.actions.act_window", "view_mode": "form", "res_model": resModel,
		"views": []any{[]any{id, "form"}}, "view_id": id, "target": "new", "context": ctx,
	}
	if resID != 0 {
		a["res_id"] = resID
	}
	return a
}

// listViewMode is "tree" until 17 and "list" from 18 on.
func (e *env) listViewMode() string {
	if e.version() >= 18 {
		return "list"
	}
	return "tree"
}

// recordsAction opens one record in a form, several in a list.
func (e *env) recordsAction(name, resModel string, ids []int64, ctx map[string]any) map[string]any {
	a := map[string]any{"name": name, "type": "ir.actions.act_window", "res_model": resModel, "context": ctx}
	if len(ids) == 1 {
		a["view_mode"] = "form"
		a["res_id"] = ids[0]
		a["views"] = []any{[]any{false, "form"}}
	} else {
		list := make([]any, len(ids))
		for i, id := range ids {
			list[i] = id
		}
		a["view_mode"] = e.listViewMode() + ",form"
		a["domain"] = []any{[]any{"id", "in", list}}
	}
	return a
}

// ctxWith copies the call context with extra keys, as dict(ctx, **kw).
func (e *env) ctxWith(kv map[string]any) map[string]any {
	out := make(map[string]any, len(e.ctx)+len(kv))
	for k, v := range e.ctx {
		out[k] = v
	}
	for k, v := range kv {
		out[k] = v
	}
	return out
}

// contextDefaults applies the "default_<field>" context keys to vals, as
// Odoo's create does for every model (they win over field defaults).
func contextDefaults(e *env, m *model, vals map[string]any) {
	for k, v := range e.ctx {
		name, ok := strings.CutPrefix(k, "default_")
		if !ok || m.field(name) == nil {
			continue
		}
		if _, given := vals[name]; !given {
			vals[name] = v
		}
	}
}

// activeRecords reads active_ids (or active_id) from the context when
// active_model names the expected model.
func (e *env) activeRecords(modelName string) []int64 {
	if e.ctx["active_model"] != modelName {
		return nil
	}
	if ids, err := asIDs(e.ctx["active_ids"]); err == nil && len(ids) > 0 {
		return ids
	}
	if id, ok := asID(e.ctx["active_id"]); ok {
		return []int64{id}
	}
	return nil
}

// floatRound is Odoo's float_round(value, precision_rounding) with the
// default HALF-UP method, including its epsilon nudge so 2.675 rounds to
// 2.68 like Odoo does and not to 2.67 like naive binary rounding.
func floatRound(value, rounding float64) float64 {
	if rounding <= 0 || value == 0 {
		return value
	}
	normalized := value / rounding
	epsilon := math.Pow(2, math.Log2(math.Abs(normalized))-52)
	normalized += math.Copysign(epsilon, normalized)
	return math.Round(normalized) * rounding
}

// currencyRound rounds to a currency's rounding factor (0.01 when unset).
func (e *env) currencyRound(currency int64, v float64) float64 {
	r := 0.01
	if currency != 0 {
		if cr := e.num("res.currency", currency, "rounding"); cr > 0 {
			r = cr
		}
	}
	return floatRound(v, r)
}

// qtyIsZero compares a quantity with zero at Odoo's Product Unit of Measure
// precision (0.01 by default, but quantities are kept to 1e-6 here).
func qtyIsZero(q float64) bool { return math.Abs(q) < 1e-6 }

// today is fields.Date.context_today for the transaction (UTC).
func (e *env) today() time.Time {
	t := e.now.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// productIsGoods tells whether a product moves through stock (consumable,
// storable) rather than being a service (or an 18 combo).
func productIsGoods(e *env, product int64) bool {
	t := e.str("product.product", product, "type")
	return t != "service" && t != "combo"
}

// productIsStorable tells whether stock is tracked in quants.
func productIsStorable(e *env, product int64) bool {
	return isStorable(e, e.ref("product.product", product, "product_tmpl_id"))
}

// idsArg renders ids as an XML-RPC list.
func idsArg(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// keys returns the ids keying a map (a set, rows by id, sums by id).
func keys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	return out
}

// sortIDs sorts ids in place and returns them.
func sortIDs(ids []int64) []int64 {
	slices.Sort(ids)
	return ids
}

// m2mMirror keeps two stored many2many fields that describe the same Odoo
// relation table in step: field on model and otherField on otherModel.
type m2mMirror struct {
	model, field, otherModel, otherField string
}

// reversed is the same link seen from the other side.
func (mm m2mMirror) reversed() m2mMirror {
	return m2mMirror{mm.otherModel, mm.otherField, mm.model, mm.field}
}

// attach adds each record to the mirror field of the records it links.
func (mm m2mMirror) attach(e *env, ids []int64) {
	for _, id := range ids {
		for _, other := range e.idList(mm.model, id, mm.field) {
			cur := e.idList(mm.otherModel, other, mm.otherField)
			if !slices.Contains(cur, id) {
				e.storeComputed(mm.otherModel, other, map[string]any{mm.otherField: sortIDs(append(slices.Clone(cur), id))})
			}
		}
	}
}

// detach removes each record from the mirror field of the records it links.
func (mm m2mMirror) detach(e *env, ids []int64) {
	for _, id := range ids {
		for _, other := range e.idList(mm.model, id, mm.field) {
			cur := e.idList(mm.otherModel, other, mm.otherField)
			if slices.Contains(cur, id) {
				e.storeComputed(mm.otherModel, other, map[string]any{
					mm.otherField: slices.DeleteFunc(slices.Clone(cur), func(x int64) bool { return x == id })})
			}
		}
	}
}

// beforeWrite and afterWrite re-link records whose field is written.
func (mm m2mMirror) beforeWrite(e *env, ids []int64, vals map[string]any) {
	if _, ok := vals[mm.field]; ok {
		mm.detach(e, ids)
	}
}

func (mm m2mMirror) afterWrite(e *env, ids []int64, vals map[string]any) {
	if _, ok := vals[mm.field]; ok {
		mm.attach(e, ids)
	}
}
