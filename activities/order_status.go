package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Order status, both ways, with echo suppression through the order mapping's fingerprints:
//   - OpenCartFingerprint is the OpenCart status Odoo already reflects: the last status applied to Odoo,
//     or the last status the bridge wrote into the shop itself. A status equal to it is not applied
//     again, so the bridge's own write-back never comes back as an OpenCart → Odoo change.
//   - OdooFingerprint is the Odoo milestone the shop already reflects: the last one written back, or the
//     one the bridge's own actions produced. A milestone equal to it is not written back again.

func statusFingerprint(statusID int) string {
	return mapping.Fingerprint(map[string]int{"opencart_status": statusID})
}

func milestoneFingerprint(m Milestone) string {
	return mapping.Fingerprint(map[string]Milestone{"odoo_milestone": m})
}

// ApplyStatusInput names an order's sale order and the OpenCart status to apply to it (or, for
// PushOdooStatus, to compare with).
type ApplyStatusInput struct {
	OrderID     int64  `json:"order_id"`
	SaleOrderID int64  `json:"sale_order_id"`
	StatusID    int    `json:"status_id"`
	KnownState  string `json:"known_state,omitempty"` // the sale order's state when the caller just read it
	// TotalsChecked: the caller compared the totals already. Otherwise a quotation is compared with the
	// shop order before any action confirms it (a held order stays held until it matches).
	TotalsChecked bool `json:"totals_checked,omitempty"`
}

// StatusResult says what a status step did.
type StatusResult struct {
	Actions     []OrderAction `json:"actions,omitempty"`   // the actions that changed something
	Milestone   Milestone     `json:"milestone,omitempty"` // the Odoo milestone afterwards, when read
	WroteStatus int           `json:"wrote_status,omitempty"`
	Skipped     string        `json:"skipped,omitempty"` // why nothing was done
}

// applyShopStatus runs the Odoo actions the status map gives the order's OpenCart status (confirm,
// deliver, invoice + post, pay, cancel), each skipped when already done, so that a retry or a repeated
// event changes nothing twice.
func (a *Activities) applyShopStatus(ctx context.Context, in ApplyStatusInput) (StatusResult, error) {
	m, err := a.Store.ByOdooID(ctx, mapping.KindOrder, in.SaleOrderID)
	if err != nil {
		return StatusResult{}, fmt.Errorf("order %d: mapping of sale order %d: %w", in.OrderID, in.SaleOrderID, err)
	}
	if m.OpenCartFingerprint == statusFingerprint(in.StatusID) {
		return StatusResult{Skipped: fmt.Sprintf("status %d is already reflected in Odoo", in.StatusID)}, nil
	}
	so := &saleOrderState{a: a, id: in.SaleOrderID, orderID: in.OrderID, state: in.KnownState}
	var res StatusResult
	actions := a.Orders.Actions(in.StatusID)
	if !in.TotalsChecked && slices.ContainsFunc(actions, func(act OrderAction) bool { return act != ActionCancel }) {
		if err := so.checkQuotationTotals(ctx); err != nil {
			return res, err
		}
	}
	for _, act := range actions {
		changed, err := so.apply(ctx, act)
		if err != nil {
			return res, fmt.Errorf("%s sale order %d for OpenCart status %d: %w", act, in.SaleOrderID, in.StatusID, err)
		}
		if changed {
			res.Actions = append(res.Actions, act)
		}
	}
	m.OpenCartFingerprint = statusFingerprint(in.StatusID)
	if slices.ContainsFunc(res.Actions, func(act OrderAction) bool { return act != ActionConfirm }) {
		// The actions moved the order in Odoo; the shop already knows (it asked), so the milestone
		// they reached is not written back.
		if res.Milestone, err = a.orderMilestone(ctx, in.SaleOrderID); err != nil {
			return res, err
		}
		m.OdooFingerprint = milestoneFingerprint(res.Milestone)
	}
	if len(actions) == 0 {
		res.Skipped = fmt.Sprintf("status %d asks nothing of Odoo (ORDER_STATUS_MAP)", in.StatusID)
	}
	m.SyncedAt = time.Now().UTC()
	return res, a.Store.Put(ctx, m)
}

// PushOdooStatus writes the order's Odoo milestone (invoiced, paid, shipped, done, cancelled) back into
// the shop as an order status, once per milestone.
func (a *Activities) PushOdooStatus(ctx context.Context, in ApplyStatusInput) (StatusResult, error) {
	res, err := a.pushOdooStatus(ctx, in)
	return res, temporalError(err)
}

func (a *Activities) pushOdooStatus(ctx context.Context, in ApplyStatusInput) (StatusResult, error) {
	m, err := a.Store.ByOdooID(ctx, mapping.KindOrder, in.SaleOrderID)
	if err != nil {
		return StatusResult{}, fmt.Errorf("order %d: mapping of sale order %d: %w", in.OrderID, in.SaleOrderID, err)
	}
	var res StatusResult
	if res.Milestone, err = a.orderMilestone(ctx, in.SaleOrderID); err != nil {
		return res, err
	}
	if m.OdooFingerprint == milestoneFingerprint(res.Milestone) {
		res.Skipped = "the shop already reflects milestone " + string(res.Milestone)
		return res, nil
	}
	m.OdooFingerprint = milestoneFingerprint(res.Milestone)
	target, err := a.writeBackStatus(ctx, res.Milestone)
	if err != nil {
		return res, err
	}
	if target != 0 {
		_, err := a.Shop.SetOrderStatus(ctx, opencart.StatusChange{OrderID: int(in.OrderID), StatusID: target,
			Comment: fmt.Sprintf("Odoo: %s", res.Milestone)})
		if err != nil {
			return res, shopStatusError(in.OrderID, err)
		}
		res.WroteStatus = target
		m.OpenCartFingerprint = statusFingerprint(target)
	} else {
		res.Skipped = "milestone " + string(res.Milestone) + " is not written back (ODOO_STATUS_MAP)"
	}
	m.SyncedAt = time.Now().UTC()
	return res, a.Store.Put(ctx, m)
}

// writeBackStatus is the OpenCart status an Odoo milestone is written back as: an order_status pair of
// the mapping admin when one exists, else ODOO_STATUS_MAP; 0 writes nothing.
func (a *Activities) writeBackStatus(ctx context.Context, m Milestone) (int, error) {
	pair, err := a.Store.ByOdooID(ctx, mapping.KindOrderStatus, mapping.MilestoneID(string(m)))
	switch {
	case err == nil:
		return strconv.Atoi(pair.OpenCartID)
	case errors.Is(err, mapping.ErrNotFound):
		return a.Orders.WriteBack[m], nil
	}
	return 0, err
}

// shopStatusError: an order missing from the shop is its own problem; anything else (the database, a
// refusal worded by the shop) is retried, and recorded with its reason if it persists.
func shopStatusError(orderID int64, err error) error {
	if errors.Is(err, opencart.ErrNotFound) {
		return recordInvalid(mapping.KindOrder, orderID, "order_id", err.Error(), "the order was deleted from the shop; nothing to write back")
	}
	return err
}

// saleOrderStateFields are what the status actions read of a sale order.
var saleOrderStateFields = append([]string{"invoice_status", "invoice_ids", "picking_ids"}, saleOrderFields...)

// saleOrderState drives one sale order through the status actions, reading it lazily.
type saleOrderState struct {
	a       *Activities
	id      int64
	orderID int64
	state   string // "" until read
}

// checkQuotationTotals compares a quotation's amounts with the shop order's before it is confirmed.
func (s *saleOrderState) checkQuotationTotals(ctx context.Context) error {
	so, err := s.read(ctx)
	if err != nil || (s.state != "draft" && s.state != "sent") {
		return err
	}
	o, err := s.a.Shop.Order(ctx, int(s.orderID))
	if err != nil {
		return err
	}
	total, tax := expectedTotals(o)
	if problem := CheckTotals(s.orderID, saleOrderRef(so), total, tax, s.a.Orders.TotalTolerance); problem != nil {
		return problem
	}
	return nil
}

func (s *saleOrderState) read(ctx context.Context) (odoo.Record, error) {
	rows, err := s.a.ERP.Read(ctx, "sale.order", []int64{s.id}, saleOrderStateFields, nil)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, recordInvalid(mapping.KindOrder, s.orderID, "sale_order", fmt.Sprintf("sale order %d no longer exists in Odoo", s.id),
			"delete the order's mapping so that the order is created again, then replay")
	}
	s.state = rows[0].String("state")
	return rows[0], nil
}

// apply runs one action and reports whether it changed anything.
func (s *saleOrderState) apply(ctx context.Context, act OrderAction) (bool, error) {
	if s.state == "" {
		if _, err := s.read(ctx); err != nil {
			return false, err
		}
	}
	if act != ActionCancel && act != ActionConfirm && s.state != "sale" && s.state != "done" {
		// Delivering, invoicing and paying need a confirmed order.
		if _, err := s.apply(ctx, ActionConfirm); err != nil {
			return false, err
		}
	}
	switch act {
	case ActionConfirm:
		return s.confirm(ctx)
	case ActionCancel:
		return s.cancel(ctx)
	case ActionDeliver:
		return s.deliver(ctx)
	case ActionInvoice:
		return s.invoice(ctx)
	case ActionPay:
		return s.pay(ctx)
	}
	return false, fmt.Errorf("unknown order action %q", act)
}

func (s *saleOrderState) confirm(ctx context.Context) (bool, error) {
	switch s.state {
	case "sale", "done":
		return false, nil
	case "cancel": // reopened in the shop
		if _, err := s.a.ERP.Button(ctx, "sale.order", "action_draft", []int64{s.id}, nil); err != nil {
			return false, err
		}
	}
	if _, err := s.a.ERP.Button(ctx, "sale.order", "action_confirm", []int64{s.id}, nil); err != nil {
		return false, err
	}
	s.state = "sale"
	return true, nil
}

// cancel cancels the order, answering the sale.order.cancel wizard newer versions open.
func (s *saleOrderState) cancel(ctx context.Context) (bool, error) {
	if s.state == "cancel" {
		return false, nil
	}
	res, err := s.a.ERP.Button(ctx, "sale.order", "action_cancel", []int64{s.id}, nil)
	if err != nil {
		return false, err
	}
	if wizard, ok := res.(map[string]any); ok && wizard["res_model"] == "sale.order.cancel" {
		// pkg/odoo has no helper for this wizard: create it from the action's context and press its
		// button with the same context, as the web client does.
		wctx, _ := wizard["context"].(map[string]any)
		id, err := s.a.ERP.Create(ctx, "sale.order.cancel", []odoo.Values{{"order_id": s.id}}, wctx)
		if err != nil {
			return false, err
		}
		if _, err := s.a.ERP.Button(ctx, "sale.order.cancel", "action_cancel", id, wctx); err != nil {
			return false, err
		}
	}
	s.state = "cancel"
	return true, nil
}

// deliver validates every open delivery of the order; what is not done is not backordered.
func (s *saleOrderState) deliver(ctx context.Context) (bool, error) {
	so, err := s.read(ctx)
	if err != nil {
		return false, err
	}
	pickings, err := s.a.ERP.Read(ctx, "stock.picking", so.IDs("picking_ids"), []string{"state"}, nil)
	if err != nil {
		return false, err
	}
	changed := false
	for _, p := range pickings {
		if st := p.String("state"); st == "done" || st == "cancel" {
			continue
		}
		if err := s.a.ERP.ValidatePicking(ctx, p.ID(), odoo.BackorderCancel); err != nil {
			return changed, err
		}
		changed = true
	}
	return changed, nil
}

// invoice creates the invoice of what is invoiceable and posts the order's draft invoices.
func (s *saleOrderState) invoice(ctx context.Context) (bool, error) {
	so, err := s.read(ctx)
	if err != nil {
		return false, err
	}
	changed := false
	if so.String("invoice_status") == "to invoice" {
		if _, err := s.a.ERP.InvoiceSaleOrders(ctx, []int64{s.id}); err != nil {
			return false, err
		}
		changed = true
		if so, err = s.read(ctx); err != nil {
			return changed, err
		}
	}
	invoices, err := s.invoices(ctx, so.IDs("invoice_ids"))
	if err != nil {
		return changed, err
	}
	var drafts []int64
	for _, inv := range invoices {
		if inv.String("state") == "draft" {
			drafts = append(drafts, inv.ID())
		}
	}
	if len(drafts) > 0 {
		if _, err := s.a.ERP.Button(ctx, "account.move", "action_post", drafts, nil); err != nil {
			return changed, err
		}
		changed = true
	}
	return changed, nil
}

// pay registers the payment of the order's posted, unpaid invoices in the payment method's journal.
func (s *saleOrderState) pay(ctx context.Context) (bool, error) {
	if _, err := s.invoice(ctx); err != nil {
		return false, err
	}
	so, err := s.read(ctx)
	if err != nil {
		return false, err
	}
	invoices, err := s.invoices(ctx, so.IDs("invoice_ids"))
	if err != nil {
		return false, err
	}
	payState := s.a.ERP.Schema().InvoicePaymentStateField
	var open []int64
	for _, inv := range invoices {
		if inv.String("state") == "posted" && !slices.Contains([]string{"paid", "in_payment", "reversed"}, inv.String(payState)) {
			open = append(open, inv.ID())
		}
	}
	if len(open) == 0 {
		return false, nil
	}
	journal, err := s.paymentJournal(ctx)
	if err != nil {
		return false, err
	}
	method, err := s.a.ERP.PaymentMethodID(ctx, journal, "manual")
	if err != nil {
		return false, recordInvalid(mapping.KindOrder, s.orderID, "payment_method", err.Error(), "add the manual incoming payment method to the journal, then replay")
	}
	_, err = s.a.ERP.RegisterPayment(ctx, odoo.Payment{InvoiceIDs: open, JournalID: journal, MethodID: method})
	return err == nil, err
}

// invoices reads the customer invoices among ids (credit notes are left out).
func (s *saleOrderState) invoices(ctx context.Context, ids []int64) ([]odoo.Record, error) {
	schema := s.a.ERP.Schema()
	rows, err := s.a.ERP.Read(ctx, "account.move", ids, []string{"state", schema.MoveTypeField, schema.InvoicePaymentStateField}, nil)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rows, func(r odoo.Record) bool { return r.String(schema.MoveTypeField) != "out_invoice" }), nil
}

// paymentJournal is the journal of the order's payment method (resolved under its policy), or the
// first bank journal for orders without one.
func (s *saleOrderState) paymentJournal(ctx context.Context) (int64, error) {
	o, err := s.a.Shop.Order(ctx, int(s.orderID))
	if err != nil {
		return 0, err
	}
	if o.Payment.Code == "" {
		ids, err := s.a.ERP.Search(ctx, "account.journal", odoo.Query{Domain: odoo.Domain{odoo.Leaf("type", "=", "bank")}, Order: "sequence, id", Limit: 1})
		if err == nil && len(ids) == 0 {
			err = errors.New("odoo has no bank journal to register the payment in")
		}
		return firstID(ids), err
	}
	journal, err := s.a.resolveReference(ctx, s.a.paymentMethodReference(o.Payment.Code, o.Payment.Name))
	if errors.Is(err, errMappingMissing) {
		return 0, recordInvalid(mapping.KindOrder, s.orderID, "payment_method", fmt.Sprintf("payment method %s (%s) is not mapped to an Odoo journal", o.Payment.Code, o.Payment.Name),
			"map the payment method (mapping kind payment_method), then replay")
	}
	return journal, err
}

// orderMilestone reads how far the sale order has come: cancelled, or invoiced / paid (posted customer
// invoices), shipped (every delivery done), done (paid with every delivery done).
func (a *Activities) orderMilestone(ctx context.Context, saleOrderID int64) (Milestone, error) {
	s := &saleOrderState{a: a, id: saleOrderID}
	so, err := s.read(ctx)
	if err != nil {
		return MilestoneNone, err
	}
	if s.state == "cancel" {
		return MilestoneCancelled, nil
	}
	invoices, err := s.invoices(ctx, so.IDs("invoice_ids"))
	if err != nil {
		return MilestoneNone, err
	}
	payState := a.ERP.Schema().InvoicePaymentStateField
	invoiced, paid := false, true
	for _, inv := range invoices {
		if inv.String("state") != "posted" {
			continue
		}
		invoiced = true
		if st := inv.String(payState); st != "paid" && st != "in_payment" {
			paid = false
		}
	}
	paid = paid && invoiced
	pickings, err := a.ERP.Read(ctx, "stock.picking", so.IDs("picking_ids"), []string{"state"}, nil)
	if err != nil {
		return MilestoneNone, err
	}
	live, done := 0, 0
	for _, p := range pickings {
		switch p.String("state") {
		case "cancel":
		case "done":
			live++
			done++
		default:
			live++
		}
	}
	switch {
	case paid && done == live:
		return MilestoneDone, nil
	case live > 0 && done == live:
		return MilestoneShipped, nil
	case paid:
		return MilestonePaid, nil
	case invoiced:
		return MilestoneInvoiced, nil
	}
	return MilestoneNone, nil
}
