package odoosim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Invoicing: account.move (customer invoices and credit notes, simplified
// to their product lines), account.payment and the register-payment wizard
// account.payment.register, with the per-version names of reference §6:
// type (13) / move_type (14+), invoice_payment_state (13) / payment_state
// (14+), invoice_payment_ref / payment_reference, create_payments (13) /
// action_create_payments (14+), payment_method_id (13/14) /
// payment_method_line_id (15+), payment_date / date, communication / ref,
// invoice_ids / reconciled_invoice_ids.
//
// Not simulated: journal items beyond product lines (receivable and tax
// lines, accounts), bank reconciliation (so invoices go "paid", never
// "in_payment", as without the accountant module), write-offs, multi
// currency rates, refunds from the wizard.

const (
	moveName        = "account.move"
	invoiceLineName = "account.move.line"
	paymentName     = "account.payment"
)

func moveTypes() []selOption {
	return []selOption{
		{Value: "entry", Label: "Journal Entry"}, {Value: "out_invoice", Label: "Customer Invoice"},
		{Value: "out_refund", Label: "Customer Credit Note"}, {Value: "in_invoice", Label: "Vendor Bill"},
		{Value: "in_refund", Label: "Vendor Credit Note"}, {Value: "out_receipt", Label: "Sales Receipt"},
		{Value: "in_receipt", Label: "Purchase Receipt"},
	}
}

// Per-version field names.
func (e *env) moveTypeField() string { return pick(e.version() <= 13, "type", "move_type") }
func (e *env) paymentStateField() string {
	return pick(e.version() <= 13, "invoice_payment_state", "payment_state")
}
func (e *env) paymentRefField() string {
	return pick(e.version() <= 13, "invoice_payment_ref", "payment_reference")
}
func (e *env) paymentDateField() string { return pick(e.version() <= 13, "payment_date", "date") }
func (e *env) paymentInvoicesField() string {
	return pick(e.version() <= 13, "invoice_ids", "reconciled_invoice_ids")
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func moveType(e *env, mv int64) string { return e.str(moveName, mv, e.moveTypeField()) }

func isInvoice(kind string) bool { return kind != "entry" && kind != "" }

func init() {
	declare(accountMoveModel(), invoiceLineModel(), paymentModel(), paymentRegisterModel())
}

func accountMoveModel() *model {
	paymentStates := []selOption{
		{Value: "not_paid", Label: "Not Paid"}, {Value: "in_payment", Label: "In Payment"}, {Value: "paid", Label: "Paid"},
		{Value: "partial", Label: "Partially Paid", Since: 14}, {Value: "reversed", Label: "Reversed", Since: 14},
		{Value: "invoicing_legacy", Label: "Invoicing App Legacy", Since: 14},
	}
	return &model{
		Name: moveName, Description: "Journal Entry", Order: "date desc, name desc, id desc",
		DisplayName: invoiceDisplayName,
		Fields: []*field{
			{Name: "name", Type: tChar, String: "Number", Index: true, Default: constant("/")},
			{Name: "ref", Type: tChar, String: "Reference"},
			{Name: "date", Type: tDate, String: "Date", Required: true, Default: func(e *env) any { return e.today() }},
			{Name: "state", Type: tSelection, String: "Status", Required: true, Readonly: true, Default: constant("draft"), Selection: []selOption{
				{Value: "draft", Label: "Draft"}, {Value: "posted", Label: "Posted"}, {Value: "cancel", Label: "Cancelled"}}},
			{Name: "type", Type: tSelection, String: "Type", Required: true, Until: 13, Default: constant("entry"), Selection: moveTypes()},
			{Name: "move_type", Type: tSelection, String: "Type", Required: true, Since: 14, Default: constant("entry"), Selection: moveTypes()},
			{Name: "journal_id", Type: tMany2one, Relation: "account.journal", String: "Journal", Required: true},
			{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Required: true, Default: defaultCompany},
			{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency", Required: true,
				Default: func(e *env) any { return e.ref("res.company", mainCompany, "currency_id") }},
			{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Partner", Index: true},
			{Name: "commercial_partner_id", Type: tMany2one, Relation: "res.partner", String: "Commercial Entity", Searchable: true,
				Compute: func(e *env, id int64) any {
					if p := e.ref(moveName, id, "partner_id"); p != 0 {
						return commercialPartner(e, p)
					}
					return nil
				}},
			{Name: "partner_shipping_id", Type: tMany2one, Relation: "res.partner", String: "Delivery Address"},
			{Name: "invoice_date", Type: tDate, String: "Invoice/Bill Date"},
			{Name: "invoice_date_due", Type: tDate, String: "Due Date"},
			{Name: "invoice_origin", Type: tChar, String: "Origin"},
			{Name: "invoice_payment_term_id", Type: tMany2one, Relation: "account.payment.term", String: "Payment Terms"},
			{Name: "invoice_user_id", Type: tMany2one, Relation: "res.users", String: "Salesperson", Default: func(e *env) any { return e.uid }},
			{Name: "narration", Type: tText, String: "Terms and Conditions", Until: 15},
			{Name: "narration", Type: tHTML, String: "Terms and Conditions", Since: 16},
			{Name: "invoice_line_ids", Type: tOne2many, Relation: invoiceLineName, InverseOf: "move_id", String: "Invoice lines"},
			{Name: "line_ids", Type: tOne2many, Relation: invoiceLineName, InverseOf: "move_id", String: "Journal Items"},
			{Name: "amount_untaxed", Type: tMonetary, String: "Untaxed Amount", Readonly: true},
			{Name: "amount_tax", Type: tMonetary, String: "Tax", Readonly: true},
			{Name: "amount_total", Type: tMonetary, String: "Total", Readonly: true},
			{Name: "amount_residual", Type: tMonetary, String: "Amount Due", Readonly: true},
			{Name: "amount_total_signed", Type: tMonetary, String: "Total Signed", Readonly: true},
			{Name: "amount_residual_signed", Type: tMonetary, String: "Amount Due Signed", Readonly: true},
			{Name: "invoice_payment_state", Type: tSelection, String: "Payment", Until: 13, Readonly: true, Default: constant("not_paid"), Selection: paymentStates},
			{Name: "payment_state", Type: tSelection, String: "Payment Status", Since: 14, Readonly: true, Default: constant("not_paid"), Selection: paymentStates},
			{Name: "invoice_payment_ref", Type: tChar, String: "Payment Reference", Until: 13},
			{Name: "payment_reference", Type: tChar, String: "Payment Reference", Since: 14},
		},
		BeforeCreate: withContextDefaults(moveName, func(e *env, vals map[string]any) error {
			if _, given := vals["journal_id"]; given {
				return nil
			}
			kind, _ := vals[e.moveTypeField()].(string)
			if j := defaultJournal(e, kind); j != 0 {
				vals["journal_id"] = j
			}
			return nil
		}),
		AfterCreate: func(e *env, id int64, _ map[string]any) error {
			e.refreshInvoice(id)
			return nil
		},
		BeforeUnlink: func(e *env, ids []int64) error {
			for _, id := range ids {
				if e.str(moveName, id, "state") == "posted" {
					return errorf("You cannot delete an entry which has been posted once.")
				}
			}
			return nil
		},
		Methods: map[string]*method{
			"action_post":  button("action_post", postInvoices),
			"post":         upToVersion(13, button("post", postInvoices)),
			"button_draft": button("button_draft", resetInvoicesToDraft),
			"button_cancel": button("button_cancel", func(e *env, ids []int64) (any, error) {
				for _, id := range ids {
					if err := e.cancelInvoice(id); err != nil {
						return nil, err
					}
				}
				return true, nil
			}),
			"action_invoice_register_payment": upToVersion(13, button("action_invoice_register_payment", registerPaymentAction)),
			"action_register_payment":         fromVersion(14, button("action_register_payment", registerPaymentAction)),
		},
	}
}

// invoiceDisplayName is _get_move_display_name(show_ref=True).
func invoiceDisplayName(e *env, id int64) string {
	name := e.str(moveName, id, "name")
	if e.str(moveName, id, "state") == "draft" {
		label := map[string]string{
			"out_invoice": "Draft Invoice", "out_refund": "Draft Credit Note", "in_invoice": "Draft Bill",
			"in_refund": "Draft Vendor Credit Note", "out_receipt": "Draft Sales Receipt", "in_receipt": "Draft Purchase Receipt",
			"entry": "Draft Entry",
		}[moveType(e, id)]
		if name == "" || name == "/" {
			name = fmt.Sprintf("%s (* %d)", label, id)
		} else {
			name = label + " " + name
		}
	}
	if ref := e.str(moveName, id, "ref"); ref != "" {
		if len(ref) > 50 {
			ref = ref[:50] + "..."
		}
		name += " (" + ref + ")"
	}
	return name
}

// defaultJournal: sales journal for customer documents, purchase journal
// for vendor ones.
func defaultJournal(e *env, kind string) int64 {
	jtype := "general"
	switch {
	case strings.HasPrefix(kind, "out_"):
		jtype = "sale"
	case strings.HasPrefix(kind, "in_"):
		jtype = "purchase"
	}
	if js := e.searchIDs("account.journal", []any{"type", "=", jtype}); len(js) > 0 {
		return js[0]
	}
	return 0
}

func invoiceLineModel() *model {
	return &model{
		Name: invoiceLineName, Description: "Journal Item", Order: "date desc, move_name desc, id",
		Fields: []*field{
			{Name: "move_id", Type: tMany2one, Relation: moveName, String: "Journal Entry", Required: true, OnDelete: "cascade", Index: true},
			{Name: "move_name", Type: tChar, String: "Number", Searchable: true, Store: true,
				Compute: func(e *env, id int64) any { return e.str(moveName, e.ref(invoiceLineName, id, "move_id"), "name") }},
			{Name: "date", Type: tDate, String: "Date", Searchable: true, Store: true,
				Compute: func(e *env, id int64) any { return e.val(moveName, e.ref(invoiceLineName, id, "move_id"), "date") }},
			{Name: "parent_state", Type: tChar, String: "Status", Searchable: true,
				Compute: func(e *env, id int64) any { return e.str(moveName, e.ref(invoiceLineName, id, "move_id"), "state") }},
			{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
			{Name: "name", Type: tChar, String: "Label"},
			{Name: "product_id", Type: tMany2one, Relation: "product.product", String: "Product", Index: true},
			{Name: "product_uom_id", Type: tMany2one, Relation: "uom.uom", String: "Unit of Measure"},
			{Name: "quantity", Type: tFloat, String: "Quantity", Default: constant(1.0)},
			{Name: "price_unit", Type: tFloat, String: "Unit Price"},
			{Name: "discount", Type: tFloat, String: "Discount (%)"},
			{Name: "tax_ids", Type: tMany2many, Relation: "account.tax", String: "Taxes"},
			{Name: "price_subtotal", Type: tMonetary, String: "Subtotal", Readonly: true},
			{Name: "price_total", Type: tMonetary, String: "Total", Readonly: true},
			{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Partner", Searchable: true,
				Compute: func(e *env, id int64) any {
					return e.val(moveName, e.ref(invoiceLineName, id, "move_id"), "partner_id")
				}},
			{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency", Searchable: true,
				Compute: func(e *env, id int64) any {
					return e.val(moveName, e.ref(invoiceLineName, id, "move_id"), "currency_id")
				}},
			{Name: "display_type", Type: tSelection, String: "Display Type", Selection: []selOption{
				{Value: "line_section", Label: "Section"}, {Value: "line_note", Label: "Note"}, {Value: "product", Label: "Product", Since: 16}}},
			{Name: "sale_line_ids", Type: tMany2many, Relation: "sale.order.line", String: "Sales Order Lines"},
		},
		BeforeCreate: withContextDefaults(invoiceLineName, func(e *env, vals map[string]any) error {
			product, ok := asID(vals["product_id"])
			if !ok || !e.exists(e.mustModel("product.product"), product) {
				return nil
			}
			defaults := map[string]any{
				"name": variantDisplayName(e, product), "price_unit": e.num("product.product", product, "lst_price"),
				"product_uom_id": e.ref("product.product", product, "uom_id"),
				"tax_ids":        []any{[]any{int64(6), int64(0), idsArg(e.idList("product.product", product, "taxes_id"))}},
			}
			for k, v := range defaults {
				if _, given := vals[k]; !given {
					vals[k] = v
				}
			}
			return nil
		}),
		AfterCreate: func(e *env, id int64, _ map[string]any) error {
			invoiceSaleLink.attach(e, []int64{id})
			e.refreshInvoiceLines([]int64{id})
			return nil
		},
		BeforeWrite: func(e *env, ids []int64, vals map[string]any) error {
			invoiceSaleLink.beforeWrite(e, ids, vals)
			return nil
		},
		AfterWrite: func(e *env, ids []int64, vals map[string]any) error {
			invoiceSaleLink.afterWrite(e, ids, vals)
			e.refreshInvoiceLines(ids)
			return nil
		},
		BeforeUnlink: func(e *env, ids []int64) error {
			for _, id := range ids {
				if e.str(moveName, e.ref(invoiceLineName, id, "move_id"), "state") == "posted" {
					return errorf("You cannot delete an item linked to a posted entry.")
				}
			}
			invoiceSaleLink.detach(e, ids)
			return nil
		},
		AfterUnlink: func(e *env, deleted map[int64]row) error {
			m := e.mustModel(invoiceLineName)
			moves := map[int64]bool{}
			saleLines := map[int64]bool{}
			for _, r := range deleted {
				moves[r[m.field("move_id").pos].(int64)] = true
				sl, _ := r[m.field("sale_line_ids").pos].([]int64)
				for _, l := range sl {
					saleLines[l] = true
				}
			}
			for _, mv := range sortIDs(keys(moves)) {
				if e.exists(e.mustModel(moveName), mv) {
					e.refreshInvoice(mv)
				}
			}
			e.refreshSaleLines(sortIDs(keys(saleLines)))
			return nil
		},
	}
}

// refreshInvoiceLines recomputes line amounts, their invoices and the sale
// lines they invoice.
func (e *env) refreshInvoiceLines(lines []int64) {
	moves := map[int64]bool{}
	saleLines := map[int64]bool{}
	for _, l := range lines {
		mv := e.ref(invoiceLineName, l, "move_id")
		price := e.num(invoiceLineName, l, "price_unit") * (1 - e.num(invoiceLineName, l, "discount")/100)
		a := e.computeTaxes(e.idList(invoiceLineName, l, "tax_ids"), price, e.num(invoiceLineName, l, "quantity"), e.ref(moveName, mv, "currency_id"))
		e.storeComputed(invoiceLineName, l, map[string]any{"price_subtotal": a.untaxed, "price_total": a.total})
		moves[mv] = true
		for _, sl := range e.idList(invoiceLineName, l, "sale_line_ids") {
			saleLines[sl] = true
		}
	}
	for _, mv := range sortIDs(keys(moves)) {
		e.refreshInvoice(mv)
	}
	e.refreshSaleLines(sortIDs(keys(saleLines)))
}

// refreshSaleLines recomputes sale lines (quantities invoiced) and orders.
func (e *env) refreshSaleLines(lines []int64) {
	orders := map[int64]bool{}
	for _, l := range lines {
		if !e.exists(e.mustModel("sale.order.line"), l) {
			continue
		}
		refreshSaleLine(e, l)
		orders[e.ref("sale.order.line", l, "order_id")] = true
	}
	for _, o := range sortIDs(keys(orders)) {
		refreshOrder(e, o)
	}
}

// saleLineInvoiceLines lists the invoice lines linked to a sale line.
func saleLineInvoiceLines(e *env, line int64) []int64 {
	return e.idList("sale.order.line", line, "invoice_lines")
}

// invoiceSaleLink: in Odoo, account.move.line.sale_line_ids and
// sale.order.line.invoice_lines are the two sides of one relation table
// (sale_order_line_invoice_rel). Here each side is stored, and writes on
// either side are mirrored onto the other.
var invoiceSaleLink = m2mMirror{invoiceLineName, "sale_line_ids", "sale.order.line", "invoice_lines"}

// refreshInvoice recomputes an invoice's totals, residual and payment state.
func (e *env) refreshInvoice(mv int64) {
	currency := e.ref(moveName, mv, "currency_id")
	var untaxed, total float64
	for _, l := range e.idList(moveName, mv, "invoice_line_ids") {
		untaxed += e.num(invoiceLineName, l, "price_subtotal")
		total += e.num(invoiceLineName, l, "price_total")
	}
	untaxed, total = e.currencyRound(currency, untaxed), e.currencyRound(currency, total)
	state := e.str(moveName, mv, "state")
	paid := 0.0
	if state == "posted" {
		paid = min(e.invoicePaid(mv), total)
	}
	residual := e.currencyRound(currency, total-paid)
	payState := "not_paid"
	switch {
	case state != "posted" || !isInvoice(moveType(e, mv)):
	case qtyIsZero(residual) && (paid > 0 || qtyIsZero(total)):
		payState = "paid"
	case paid > 0 && e.version() >= 14:
		payState = "partial"
	}
	sign := 1.0
	if k := moveType(e, mv); k == "out_refund" || k == "in_invoice" || k == "in_receipt" {
		sign = -1
	}
	e.storeComputed(moveName, mv, map[string]any{
		"amount_untaxed": untaxed, "amount_tax": e.currencyRound(currency, total-untaxed), "amount_total": total,
		"amount_residual": residual, "amount_total_signed": sign * total, "amount_residual_signed": sign * residual,
		e.paymentStateField(): payState,
	})
}

// invoicePaid sums the posted payments reconciled with the invoice.
func (e *env) invoicePaid(mv int64) float64 {
	total := 0.0
	for _, p := range e.invoicePayments(mv) {
		if e.str(paymentName, p, "state") == "posted" {
			total += e.num(paymentName, p, "amount")
		}
	}
	return total
}

// invoicePayments lists the payments linked to an invoice. Payments are
// made out to the invoice's commercial partner (createPayment), whose
// index keeps this lookup from scanning every payment of the database.
func (e *env) invoicePayments(mv int64) []int64 {
	partner := e.ref(moveName, mv, "partner_id")
	if partner == 0 {
		return nil
	}
	pm := e.mustModel(paymentName)
	candidates, _ := e.table(pm).lookup(pm.field("partner_id").pos, commercialPartner(e, partner).(int64))
	var out []int64
	for _, p := range candidates {
		if slices.Contains(e.idList(paymentName, p, e.paymentInvoicesField()), mv) {
			out = append(out, p)
		}
	}
	return out
}

// postInvoices is action_post (and 13's post).
func postInvoices(e *env, ids []int64) (any, error) {
	for _, mv := range ids {
		if e.str(moveName, mv, "state") == "posted" {
			return nil, errorf("The entry %s (id %d) is already posted.", e.str(moveName, mv, "name"), mv)
		}
		if len(e.idList(moveName, mv, "line_ids")) == 0 {
			return nil, errorf("You need to add a line before posting.")
		}
		kind := moveType(e, mv)
		if isInvoice(kind) {
			if e.ref(moveName, mv, "partner_id") == 0 {
				who, doc := "Customer", "Customer Invoice"
				if strings.HasPrefix(kind, "in_") {
					who, doc = "Vendor", "Vendor Bill"
				}
				return nil, errorf("The field '%s' is required, please complete it to validate the %s.", who, doc)
			}
			if e.num(moveName, mv, "amount_total") < 0 {
				return nil, errorf("You cannot validate an invoice with a negative total amount. You should create a credit note instead. Use the action menu to transform it into a credit note or refund.")
			}
		}
	}
	for _, mv := range ids {
		vals := map[string]any{"state": "posted"}
		date := e.today()
		if d, ok := e.val(moveName, mv, "invoice_date").(time.Time); ok {
			date = d
		} else if isInvoice(moveType(e, mv)) {
			vals["invoice_date"] = date
		}
		if _, ok := e.val(moveName, mv, "invoice_date_due").(time.Time); !ok && isInvoice(moveType(e, mv)) {
			vals["invoice_date_due"] = date.AddDate(0, 0, termDays(e, e.ref(moveName, mv, "invoice_payment_term_id")))
		}
		if name := e.str(moveName, mv, "name"); name == "" || name == "/" {
			next, err := e.journalNumber(e.ref(moveName, mv, "journal_id"), "")
			if err != nil {
				return nil, err
			}
			vals["name"] = next
		}
		if err := e.write(e.mustModel(moveName), []int64{mv}, vals); err != nil {
			return nil, err
		}
		e.refreshInvoice(mv)
		e.refreshSaleLines(invoiceSaleLines(e, mv))
	}
	return true, nil
}

// journalNumber numbers an entry in its journal per version: 13 uses
// ir.sequence (INV/2024/0001), 14 a monthly sequence (INV/2024/05/0001),
// 15+ a yearly one (INV/2024/00001); prefix is prepended (payments on 17+).
func (e *env) journalNumber(journal int64, prefix string) (string, error) {
	code := prefix + e.str("account.journal", journal, "code")
	year := e.now.Format("2006")
	pre, pad := code+"/"+year+"/", int64(5)
	switch {
	case e.version() == 13:
		pad = 4
	case e.version() == 14:
		pre, pad = code+"/"+year+"/"+e.now.Format("01")+"/", 4
	}
	return e.nextByCode("odoosim.journal."+pre, pre, pad)
}

func termDays(e *env, term int64) int {
	if term == 0 {
		return 0
	}
	field := pick(e.version() >= 17, "nb_days", "days")
	days := int64(0)
	for _, l := range e.idList("account.payment.term", term, "line_ids") {
		days = max(days, e.val("account.payment.term.line", l, field).(int64))
	}
	return int(days)
}

func invoiceSaleLines(e *env, mv int64) []int64 {
	seen := map[int64]bool{}
	for _, l := range e.idList(moveName, mv, "invoice_line_ids") {
		for _, sl := range e.idList(invoiceLineName, l, "sale_line_ids") {
			seen[sl] = true
		}
	}
	return sortIDs(keys(seen))
}

// resetInvoicesToDraft is button_draft: payments are unreconciled (here:
// cancelled links) and the entry is editable again. Like Odoo 13-18 it
// returns None, which XML-RPC cannot marshal: the client gets fault 1
// after the commit.
func resetInvoicesToDraft(e *env, ids []int64) (any, error) {
	for _, mv := range ids {
		if s := e.str(moveName, mv, "state"); s != "posted" && s != "cancel" {
			continue
		}
		if err := e.unreconcile(mv); err != nil {
			return nil, err
		}
		if err := e.write(e.mustModel(moveName), []int64{mv}, map[string]any{"state": "draft"}); err != nil {
			return nil, err
		}
		e.refreshInvoice(mv)
		e.refreshSaleLines(invoiceSaleLines(e, mv))
	}
	return nil, nil
}

// cancelInvoice is button_cancel: 16+ reset posted entries to draft first
// and only cancel drafts; earlier versions cancel directly.
func (e *env) cancelInvoice(mv int64) error {
	state := e.str(moveName, mv, "state")
	if e.version() >= 16 && state == "posted" {
		if _, err := resetInvoicesToDraft(e, []int64{mv}); err != nil {
			return err
		}
		state = "draft"
	}
	if e.version() >= 16 && state != "draft" {
		return errorf("Only draft journal entries can be cancelled.")
	}
	if err := e.unreconcile(mv); err != nil {
		return err
	}
	if err := e.write(e.mustModel(moveName), []int64{mv}, map[string]any{"state": "cancel"}); err != nil {
		return err
	}
	e.refreshInvoice(mv)
	e.refreshSaleLines(invoiceSaleLines(e, mv))
	return nil
}

// unreconcile detaches the invoice from its payments.
func (e *env) unreconcile(mv int64) error {
	field := e.paymentInvoicesField()
	for _, p := range e.invoicePayments(mv) {
		if err := e.write(e.mustModel(paymentName), []int64{p}, map[string]any{field: []any{[]any{int64(3), mv}}}); err != nil {
			return err
		}
	}
	return nil
}

// registerPaymentAction opens the register-payment wizard for invoices.
func registerPaymentAction(e *env, ids []int64) (any, error) {
	ctx := map[string]any{"active_model": moveName, "active_ids": idsArg(ids)}
	return wizardAction("Register Payment", "account.payment.register", "account.view_account_payment_register", ctx, 0), nil
}

// paymentModel is account.payment. Odoo orders by date then name; the date
// field is renamed in 14, and one declaration serves all versions, so the
// default order here is by name (sequence order within a journal).
func paymentModel() *model {
	return &model{
		Name: paymentName, Description: "Payments", Order: "name desc, id desc",
		Fields: []*field{
			{Name: "name", Type: tChar, String: "Number", Readonly: true, Default: constant("/")},
			{Name: "payment_type", Type: tSelection, String: "Payment Type", Required: true, Default: constant("inbound"), Selection: []selOption{
				{Value: "outbound", Label: "Send Money"}, {Value: "inbound", Label: "Receive Money"}, {Value: "transfer", Label: "Internal Transfer", Until: 13}}},
			{Name: "partner_type", Type: tSelection, String: "Partner Type", Default: constant("customer"), Selection: []selOption{
				{Value: "customer", Label: "Customer"}, {Value: "supplier", Label: "Vendor"}}},
			{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Customer/Vendor", Index: true},
			{Name: "amount", Type: tMonetary, String: "Amount", Required: true},
			{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency", Required: true,
				Default: func(e *env) any { return e.ref("res.company", mainCompany, "currency_id") }},
			{Name: "payment_date", Type: tDate, String: "Date", Required: true, Until: 13, Default: func(e *env) any { return e.today() }},
			{Name: "date", Type: tDate, String: "Date", Required: true, Since: 14, Default: func(e *env) any { return e.today() }},
			{Name: "communication", Type: tChar, String: "Memo", Until: 13},
			{Name: "ref", Type: tChar, String: "Memo", Since: 14},
			{Name: "journal_id", Type: tMany2one, Relation: "account.journal", String: "Journal", Required: true},
			{Name: "payment_method_id", Type: tMany2one, Relation: "account.payment.method", String: "Payment Method", Required: true, Until: 14},
			{Name: "payment_method_line_id", Type: tMany2one, Relation: "account.payment.method.line", String: "Payment Method", Since: 15},
			{Name: "payment_method_id", Type: tMany2one, Relation: "account.payment.method", String: "Method", Since: 15, Searchable: true,
				Compute: func(e *env, id int64) any {
					return nilIfZero(e.ref("account.payment.method.line", e.ref(paymentName, id, "payment_method_line_id"), "payment_method_id"))
				}},
			{Name: "state", Type: tSelection, String: "Status", Readonly: true, Default: constant("draft"), Selection: []selOption{
				{Value: "draft", Label: "Draft"}, {Value: "posted", Label: "Posted"}, {Value: "sent", Label: "Sent", Until: 13},
				{Value: "reconciled", Label: "Reconciled", Until: 13}, {Value: "cancelled", Label: "Cancelled", Until: 13},
				{Value: "cancel", Label: "Cancelled", Since: 14}}},
			{Name: "invoice_ids", Type: tMany2many, Relation: moveName, String: "Invoices", Until: 13},
			{Name: "reconciled_invoice_ids", Type: tMany2many, Relation: moveName, String: "Reconciled Invoices", Since: 14},
			{Name: "is_reconciled", Type: tBoolean, String: "Is Reconciled", Since: 14, Compute: func(e *env, id int64) any {
				return len(e.idList(paymentName, id, "reconciled_invoice_ids")) > 0
			}},
			{Name: "is_matched", Type: tBoolean, String: "Is Matched With a Bank Statement", Since: 14, Compute: constantCompute(false)},
			companyField(),
		},
		BeforeCreate: withContextDefaults(paymentName, nil),
		Methods: map[string]*method{
			"post":        upToVersion(13, button("post", postPayments)),
			"action_post": fromVersion(14, button("action_post", postPayments)),
			"cancel":      upToVersion(13, button("cancel", func(e *env, ids []int64) (any, error) { return e.setPaymentState(ids, "cancelled") })),
			"action_cancel": fromVersion(14, button("action_cancel", func(e *env, ids []int64) (any, error) {
				return e.setPaymentState(ids, "cancel")
			})),
			"action_draft": button("action_draft", func(e *env, ids []int64) (any, error) { return e.setPaymentState(ids, "draft") }),
		},
	}
}

// postPayments numbers and posts draft payments; their invoices follow.
func postPayments(e *env, ids []int64) (any, error) {
	for _, p := range ids {
		if e.str(paymentName, p, "state") != "draft" {
			return nil, errorf("Only a draft payment can be posted.")
		}
	}
	for _, p := range ids {
		name, err := e.paymentNumber(p)
		if err != nil {
			return nil, err
		}
		if err := e.write(e.mustModel(paymentName), []int64{p}, map[string]any{"state": "posted", "name": name}); err != nil {
			return nil, err
		}
		e.refreshPaymentInvoices(p)
	}
	return true, nil
}

// paymentNumber: 13 CUST.IN/2024/0001, then the journal sequence (with a
// "P" prefix from 17).
func (e *env) paymentNumber(p int64) (string, error) {
	if e.version() <= 13 {
		pre := "CUST.IN/" + e.now.Format("2006") + "/"
		if e.str(paymentName, p, "payment_type") == "outbound" {
			pre = "SUPP.OUT/" + e.now.Format("2006") + "/"
		}
		return e.nextByCode("odoosim.payment."+pre, pre, 4)
	}
	return e.journalNumber(e.ref(paymentName, p, "journal_id"), pick(e.version() >= 17, "P", ""))
}

func (e *env) setPaymentState(ids []int64, state string) (any, error) {
	if err := e.write(e.mustModel(paymentName), ids, map[string]any{"state": state}); err != nil {
		return nil, err
	}
	for _, p := range ids {
		e.refreshPaymentInvoices(p)
	}
	return true, nil
}

func (e *env) refreshPaymentInvoices(p int64) {
	for _, mv := range e.idList(paymentName, p, e.paymentInvoicesField()) {
		e.refreshInvoice(mv)
	}
}

func paymentRegisterModel() *model {
	return &model{
		Name: "account.payment.register", Description: "Register Payment", Transient: true,
		Fields: []*field{
			{Name: "payment_date", Type: tDate, String: "Payment Date", Required: true, Default: func(e *env) any { return e.today() }},
			{Name: "journal_id", Type: tMany2one, Relation: "account.journal", String: "Journal", Required: true, Until: 13},
			{Name: "journal_id", Type: tMany2one, Relation: "account.journal", String: "Journal", Required: true, Since: 14, Default: defaultPaymentJournal},
			{Name: "payment_method_id", Type: tMany2one, Relation: "account.payment.method", String: "Payment Method Type", Required: true, Until: 13},
			{Name: "payment_method_id", Type: tMany2one, Relation: "account.payment.method", String: "Payment Method", Required: true, Since: 14, Until: 14,
				Default: func(e *env) any { return nilIfZero(manualInbound(e)) }},
			{Name: "payment_method_line_id", Type: tMany2one, Relation: "account.payment.method.line", String: "Payment Method", Since: 15},
			{Name: "invoice_ids", Type: tMany2many, Relation: moveName, String: "Invoices", Until: 13},
			{Name: "line_ids", Type: tMany2many, Relation: invoiceLineName, String: "Journal items", Since: 14},
			{Name: "group_payment", Type: tBoolean, String: "Group Payments"},
			{Name: "amount", Type: tMonetary, String: "Amount", Since: 14},
			{Name: "communication", Type: tChar, String: "Memo", Since: 14},
			{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency", Since: 14},
			{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Customer/Vendor", Since: 14},
			{Name: "payment_type", Type: tSelection, String: "Payment Type", Since: 14, Default: constant("inbound"), Selection: []selOption{
				{Value: "outbound", Label: "Send Money"}, {Value: "inbound", Label: "Receive Money"}}},
			{Name: "payment_difference_handling", Type: tSelection, String: "Payment Difference Handling", Since: 14, Default: constant("open"),
				Selection: []selOption{{Value: "open", Label: "Keep open"}, {Value: "reconcile", Label: "Mark as fully paid"}}},
		},
		BeforeCreate: withContextDefaults("account.payment.register", preparePaymentWizard),
		AfterCreate:  paymentWizardDefaults,
		Methods: map[string]*method{
			"create_payments":        upToVersion(13, button("create_payments", createPayments)),
			"action_create_payments": fromVersion(14, button("action_create_payments", createPayments)),
		},
	}
}

func defaultPaymentJournal(e *env) any {
	if js := e.searchIDs("account.journal", []any{"type", "in", []any{"bank", "cash"}}); len(js) > 0 {
		return js[0]
	}
	return nil
}

func manualInbound(e *env) int64 {
	if ms := e.searchIDs("account.payment.method", []any{"code", "=", "manual"}, []any{"payment_type", "=", "inbound"}); len(ms) > 0 {
		return ms[0]
	}
	return 0
}

// preparePaymentWizard is the wizard's default_get for the invoices: they
// come from the context (active_model account.move, or account.move.line
// from 14). 13 requires them open; 14+ refuse other models, unposted
// entries and fully paid ones. Amount, memo and method follow in
// paymentWizardDefaults once the lines are stored.
func preparePaymentWizard(e *env, vals map[string]any) error {
	if e.version() <= 13 {
		invoices := e.activeRecords(moveName)
		if len(invoices) == 0 {
			return nil
		}
		if err := e.ensureExist(e.mustModel(moveName), invoices); err != nil {
			return err
		}
		for _, mv := range invoices {
			if e.str(moveName, mv, "state") != "posted" || e.str(moveName, mv, "invoice_payment_state") != "not_paid" || !isInvoice(moveType(e, mv)) {
				return errorf("You can only register payments for open invoices")
			}
		}
		if _, given := vals["invoice_ids"]; !given {
			vals["invoice_ids"] = []any{[]any{int64(6), int64(0), idsArg(invoices)}}
		}
		return nil
	}
	if _, given := vals["line_ids"]; given {
		return nil
	}
	var invoices []int64
	switch e.ctx["active_model"] {
	case moveName:
		invoices = e.activeRecords(moveName)
	case invoiceLineName:
		lines := e.activeRecords(invoiceLineName)
		if err := e.ensureExist(e.mustModel(invoiceLineName), lines); err != nil {
			return err
		}
		for _, l := range lines {
			invoices = append(invoices, e.ref(invoiceLineName, l, "move_id"))
		}
		invoices = dedupe(invoices)
	default:
		return errorf("The register payment wizard should only be called on account.move or account.move.line records.")
	}
	if err := e.ensureExist(e.mustModel(moveName), invoices); err != nil {
		return err
	}
	var lines []int64
	for _, mv := range invoices {
		if e.str(moveName, mv, "state") != "posted" {
			return errorf("You can only register payment for posted journal entries.")
		}
		if !qtyIsZero(e.num(moveName, mv, "amount_residual")) {
			lines = append(lines, e.idList(moveName, mv, "line_ids")...)
		}
	}
	if len(lines) == 0 {
		return errorf("You can't register a payment because there is nothing left to pay on the selected journal items.")
	}
	vals["line_ids"] = []any{[]any{int64(6), int64(0), idsArg(lines)}}
	return nil
}

// wizardInvoices lists the open invoices a 14+ wizard's lines belong to.
func wizardInvoices(e *env, w int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, l := range e.idList("account.payment.register", w, "line_ids") {
		mv := e.ref(invoiceLineName, l, "move_id")
		if !seen[mv] && !qtyIsZero(e.num(moveName, mv, "amount_residual")) {
			seen[mv] = true
			out = append(out, mv)
		}
	}
	return out
}

// paymentWizardDefaults (14+) fills what the client did not give from the
// invoices: the residual as amount, currency, partner, the memo of a single
// invoice, and the journal's first inbound method line (15+).
func paymentWizardDefaults(e *env, w int64, vals map[string]any) error {
	const reg = "account.payment.register"
	if e.version() <= 13 {
		return nil
	}
	invoices := wizardInvoices(e, w)
	if len(invoices) == 0 {
		return nil
	}
	residual := 0.0
	for _, mv := range invoices {
		residual += e.num(moveName, mv, "amount_residual")
	}
	defaults := map[string]any{
		"amount": residual, "currency_id": e.ref(moveName, invoices[0], "currency_id"),
		"partner_id": e.ref(moveName, invoices[0], "partner_id"),
	}
	if len(invoices) == 1 {
		ref := e.str(moveName, invoices[0], "payment_reference")
		if ref == "" {
			ref = e.str(moveName, invoices[0], "name")
		}
		defaults["communication"] = ref
	}
	if e.version() >= 15 {
		journal := e.ref(reg, w, "journal_id")
		for _, l := range e.searchIDs("account.payment.method.line", []any{"journal_id", "=", journal}) {
			if e.str("account.payment.method.line", l, "payment_type") == "inbound" {
				defaults["payment_method_line_id"] = l
				break
			}
		}
	}
	for k := range vals {
		delete(defaults, k)
	}
	if len(defaults) == 0 {
		return nil
	}
	return e.write(e.mustModel(reg), []int64{w}, defaults)
}

// createPayments is create_payments (13) / action_create_payments (14+):
// one posted payment per invoice (or per partner with group_payment), for
// the residual — 14+ use the wizard's amount when it pays a single batch.
// 13 and 14+ return the payments' window action; 14+ return True with
// dont_redirect_to_payments in the context.
func createPayments(e *env, ids []int64) (any, error) {
	if err := ensureOne("account.payment.register", ids); err != nil {
		return nil, err
	}
	w := ids[0]
	const reg = "account.payment.register"
	var invoices []int64
	if e.version() <= 13 {
		invoices = e.idList(reg, w, "invoice_ids")
	} else {
		invoices = wizardInvoices(e, w)
	}
	batches := [][]int64{}
	byPartner := map[int64]int{}
	for _, mv := range invoices {
		p := commercialPartner(e, e.ref(moveName, mv, "partner_id")).(int64)
		if i, ok := byPartner[p]; ok && e.flag(reg, w, "group_payment") {
			batches[i] = append(batches[i], mv)
			continue
		}
		byPartner[p] = len(batches)
		batches = append(batches, []int64{mv})
	}
	var payments []int64
	for _, batch := range batches {
		amount := 0.0
		for _, mv := range batch {
			amount += e.num(moveName, mv, "amount_residual")
		}
		if e.version() >= 14 && len(batches) == 1 {
			amount = e.num(reg, w, "amount")
		}
		p, err := e.createPayment(w, batch, amount)
		if err != nil {
			return nil, err
		}
		payments = append(payments, p)
	}
	if e.version() >= 14 && truthy(e.ctx["dont_redirect_to_payments"]) {
		return true, nil
	}
	a := e.recordsAction("Payments", paymentName, payments, map[string]any{"create": false})
	if e.version() <= 13 {
		a["domain"] = []any{[]any{"id", "in", idsArg(payments)}, []any{"state", "=", "posted"}}
		a["view_id"] = false
	}
	return a, nil
}

func (e *env) createPayment(w int64, invoices []int64, amount float64) (int64, error) {
	const reg = "account.payment.register"
	first := invoices[0]
	vals := map[string]any{
		"payment_type": "inbound", "partner_type": "customer", "partner_id": commercialPartner(e, e.ref(moveName, first, "partner_id")),
		"amount": amount, "currency_id": e.ref(moveName, first, "currency_id"), "journal_id": e.ref(reg, w, "journal_id"),
		e.paymentDateField():     e.val(reg, w, "payment_date"),
		e.paymentInvoicesField(): []any{[]any{int64(6), int64(0), idsArg(invoices)}},
	}
	if e.version() <= 14 {
		vals["payment_method_id"] = e.ref(reg, w, "payment_method_id")
	} else if l := e.ref(reg, w, "payment_method_line_id"); l != 0 {
		vals["payment_method_line_id"] = l
	}
	memo := e.str(moveName, first, e.paymentRefField())
	if memo == "" {
		memo = e.str(moveName, first, "name")
	}
	if e.version() >= 14 {
		if c := e.str(reg, w, "communication"); c != "" {
			memo = c
		}
	}
	vals[pick(e.version() <= 13, "communication", "ref")] = memo
	p, err := e.create(e.mustModel(paymentName), vals)
	if err != nil {
		return 0, err
	}
	if _, err := postPayments(e, []int64{p}); err != nil {
		return 0, err
	}
	return p, nil
}
