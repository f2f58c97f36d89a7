package odoosim

import (
	"fmt"
	"strings"
)

// Sales: sale.order and its lines with Odoo's amounts, invoice status and
// confirmation/cancellation routes per version, the cancel wizard (14+),
// the invoicing wizard sale.advance.payment.inv, pricelists and payment
// terms. Deliveries are created through launchStockRule (models_picking.go),
// invoices through createOrderInvoices (models_invoice.go).

func saleStates() []selOption {
	return []selOption{
		{Value: "draft", Label: "Quotation"}, {Value: "sent", Label: "Quotation Sent"},
		{Value: "sale", Label: "Sales Order"}, {Value: "done", Label: "Locked", Until: 16},
		{Value: "cancel", Label: "Cancelled"},
	}
}

func invoiceStatuses() []selOption {
	return []selOption{
		{Value: "upselling", Label: "Upselling Opportunity"}, {Value: "invoiced", Label: "Fully Invoiced"},
		{Value: "to invoice", Label: "To Invoice"}, {Value: "no", Label: "Nothing to Invoice"},
	}
}

func init() {
	declare(
		&model{
			Name: "product.pricelist", Description: "Pricelist", Order: "sequence asc, id desc",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Pricelist Name", Required: true, Translate: true},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(16))},
				{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency", Required: true,
					Default: func(e *env) any { return e.ref("res.company", mainCompany, "currency_id") }},
				{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company"},
				activeField(),
			},
			BeforeCreate: withContextDefaults("product.pricelist", nil),
		},
		&model{
			Name: "account.payment.term", Description: "Payment Terms", Order: "sequence, id",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Payment Terms", Required: true, Translate: true},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
				{Name: "note", Type: tHTML, String: "Description on the Invoice", Translate: true},
				{Name: "line_ids", Type: tOne2many, Relation: "account.payment.term.line", InverseOf: "payment_id", String: "Terms"},
				companyField(),
				activeField(),
			},
		},
		&model{
			Name: "account.payment.term.line", Description: "Payment Terms Line", Order: "id",
			Fields: []*field{
				{Name: "payment_id", Type: tMany2one, Relation: "account.payment.term", String: "Payment Terms", Required: true, OnDelete: "cascade", Index: true},
				{Name: "value", Type: tSelection, String: "Type", Required: true, Default: constant("balance"), Selection: []selOption{
					{Value: "balance", Label: "Balance", Until: 16}, {Value: "percent", Label: "Percent"}, {Value: "fixed", Label: "Fixed Amount"}}},
				{Name: "value_amount", Type: tFloat, String: "Value"},
				{Name: "days", Type: tInteger, String: "Number of Days", Until: 16},
				{Name: "nb_days", Type: tInteger, String: "Days", Since: 17},
			},
		},
		saleOrderModel(),
		saleOrderLineModel(),
		&model{
			Name: "sale.order.cancel", Description: "Sales Order Cancel", Since: 14, Transient: true,
			Fields: []*field{
				{Name: "order_id", Type: tMany2one, Relation: "sale.order", String: "Sale Order", Required: true, OnDelete: "cascade"},
			},
			BeforeCreate: withContextDefaults("sale.order.cancel", nil),
			Methods: map[string]*method{
				"action_cancel":               button("action_cancel", cancelFromWizard),
				"action_send_mail_and_cancel": fromVersion(16, button("action_send_mail_and_cancel", cancelFromWizard)),
			},
		},
		advancePaymentWizardModel(),
	)
	businessSeeds = append(businessSeeds, seedSales)
}

// withContextDefaults is a BeforeCreate hook applying context defaults,
// then the model's own preparation (may be nil).
func withContextDefaults(modelName string, prepare func(e *env, vals map[string]any) error) func(e *env, vals map[string]any) error {
	return func(e *env, vals map[string]any) error {
		contextDefaults(e, e.mustModel(modelName), vals)
		if prepare != nil {
			return prepare(e, vals)
		}
		return nil
	}
}

func seedSales(sd *seeder) {
	sd.rec("product.list0", "product.pricelist", 0, map[string]any{"name": "Public Pricelist", "sequence": 1})
	immediate := sd.rec("account.account_payment_term_immediate", "account.payment.term", 0, map[string]any{"name": "Immediate Payment"})
	days30 := sd.rec("account.account_payment_term_30days", "account.payment.term", 0, map[string]any{"name": "30 Days"})
	daysField, balance := "days", map[string]any{"value": "balance"}
	if sd.e.version() >= 17 {
		daysField, balance = "nb_days", map[string]any{"value": "percent", "value_amount": 100.0}
	}
	for term, days := range map[int64]int64{immediate: 0, days30: 30} {
		vals := map[string]any{"payment_id": term, daysField: days}
		for k, v := range balance {
			vals[k] = v
		}
		sd.rec("", "account.payment.term.line", 0, vals)
	}
	sd.rec("", "ir.sequence", 0, map[string]any{"name": "Sales Order", "code": "sale.order", "prefix": "S", "padding": int64(5)})
}

func saleOrderModel() *model {
	return &model{
		Name: "sale.order", Description: "Sales Order", Order: "date_order desc, id desc",
		Fields: []*field{
			{Name: "name", Type: tChar, String: "Order Reference", Required: true, Index: true, Default: constant("New")},
			{Name: "origin", Type: tChar, String: "Source Document"},
			{Name: "client_order_ref", Type: tChar, String: "Customer Reference", Index: true},
			{Name: "reference", Type: tChar, String: "Payment Ref."},
			{Name: "state", Type: tSelection, String: "Status", Readonly: true, Index: true, Default: constant("draft"), Selection: saleStates()},
			{Name: "locked", Type: tBoolean, String: "Locked", Since: 17},
			{Name: "date_order", Type: tDatetime, String: "Order Date", Required: true, Default: func(e *env) any { return e.now }},
			{Name: "validity_date", Type: tDate, String: "Expiration"},
			{Name: "commitment_date", Type: tDatetime, String: "Delivery Date"},
			{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Required: true, Default: defaultCompany},
			{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Customer", Required: true, Index: true},
			{Name: "partner_invoice_id", Type: tMany2one, Relation: "res.partner", String: "Invoice Address", Required: true},
			{Name: "partner_shipping_id", Type: tMany2one, Relation: "res.partner", String: "Delivery Address", Required: true},
			{Name: "pricelist_id", Type: tMany2one, Relation: "product.pricelist", String: "Pricelist", Required: true, Until: 16},
			{Name: "pricelist_id", Type: tMany2one, Relation: "product.pricelist", String: "Pricelist", Since: 17},
			{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency", Readonly: true},
			{Name: "payment_term_id", Type: tMany2one, Relation: "account.payment.term", String: "Payment Terms"},
			{Name: "user_id", Type: tMany2one, Relation: "res.users", String: "Salesperson", Default: func(e *env) any { return e.uid }},
			{Name: "note", Type: tText, String: "Terms and conditions", Until: 15},
			{Name: "note", Type: tHTML, String: "Terms and conditions", Since: 16},
			{Name: "order_line", Type: tOne2many, Relation: "sale.order.line", InverseOf: "order_id", String: "Order Lines"},
			{Name: "amount_untaxed", Type: tMonetary, String: "Untaxed Amount", Readonly: true},
			{Name: "amount_tax", Type: tMonetary, String: "Taxes", Readonly: true},
			{Name: "amount_total", Type: tMonetary, String: "Total", Readonly: true},
			{Name: "amount_delivery", Type: tMonetary, String: "Delivery Amount", Readonly: true},
			{Name: "invoice_status", Type: tSelection, String: "Invoice Status", Readonly: true, Default: constant("no"), Selection: invoiceStatuses()},
			{Name: "invoice_ids", Type: tMany2many, Relation: "account.move", String: "Invoices", Searchable: true, Compute: orderInvoices},
			{Name: "invoice_count", Type: tInteger, String: "Invoice Count", Compute: func(e *env, id int64) any {
				return int64(len(orderInvoices(e, id).([]int64)))
			}},
			{Name: "picking_policy", Type: tSelection, String: "Shipping Policy", Required: true, Default: constant("direct"), Selection: []selOption{
				{Value: "direct", Label: "As soon as possible"}, {Value: "one", Label: "When all products are ready"}}},
			{Name: "warehouse_id", Type: tMany2one, Relation: "stock.warehouse", String: "Warehouse", Required: true, Default: defaultWarehouse},
			{Name: "picking_ids", Type: tOne2many, Relation: "stock.picking", InverseOf: "sale_id", String: "Transfers"},
			{Name: "delivery_count", Type: tInteger, String: "Delivery Orders", Compute: func(e *env, id int64) any {
				return int64(len(e.idList("sale.order", id, "picking_ids")))
			}},
			{Name: "delivery_status", Type: tSelection, String: "Delivery Status", Since: 16, Readonly: true, Selection: []selOption{
				{Value: "pending", Label: "Not Delivered"}, {Value: "started", Label: "Started", Since: 17},
				{Value: "partial", Label: "Partially Delivered"}, {Value: "full", Label: "Fully Delivered"}}},
			{Name: "carrier_id", Type: tMany2one, Relation: "delivery.carrier", String: "Delivery Method"},
		},
		BeforeCreate: withContextDefaults("sale.order", prepareOrder),
		AfterCreate: func(e *env, id int64, _ map[string]any) error {
			refreshOrder(e, id)
			return nil
		},
		AfterWrite: func(e *env, ids []int64, _ map[string]any) error {
			for _, id := range ids {
				for _, l := range e.idList("sale.order", id, "order_line") {
					refreshSaleLine(e, l)
				}
				refreshOrder(e, id)
			}
			return nil
		},
		BeforeUnlink: func(e *env, ids []int64) error {
			for _, id := range ids {
				if s := e.str("sale.order", id, "state"); s != "draft" && s != "cancel" {
					return errorf("You can not delete a sent quotation or a confirmed sales order. You must first cancel it.")
				}
			}
			return nil
		},
		Methods: map[string]*method{
			"action_confirm": button("action_confirm", confirmOrders),
			"action_cancel":  button("action_cancel", cancelOrders),
			"action_draft": button("action_draft", func(e *env, ids []int64) (any, error) {
				for _, id := range ids {
					if s := e.str("sale.order", id, "state"); s == "cancel" || s == "sent" {
						if err := e.write(e.mustModel("sale.order"), []int64{id}, map[string]any{"state": "draft"}); err != nil {
							return nil, err
						}
					}
				}
				return true, nil
			}),
			"action_done": upToVersion(16, button("action_done", func(e *env, ids []int64) (any, error) {
				return true, e.write(e.mustModel("sale.order"), ids, map[string]any{"state": "done"})
			})),
			"action_lock": fromVersion(17, button("action_lock", func(e *env, ids []int64) (any, error) {
				return true, e.write(e.mustModel("sale.order"), ids, map[string]any{"locked": true})
			})),
			"action_unlock": button("action_unlock", func(e *env, ids []int64) (any, error) {
				if e.version() >= 17 {
					return true, e.write(e.mustModel("sale.order"), ids, map[string]any{"locked": false})
				}
				return true, e.write(e.mustModel("sale.order"), ids, map[string]any{"state": "sale"})
			}),
			"action_view_invoice": button("action_view_invoice", func(e *env, ids []int64) (any, error) {
				var invoices []int64
				for _, id := range ids {
					invoices = append(invoices, orderInvoices(e, id).([]int64)...)
				}
				return e.invoicesAction(dedupe(invoices)), nil
			}),
		},
	}
}

func defaultWarehouse(e *env) any {
	if ids := e.searchIDs("stock.warehouse"); len(ids) > 0 {
		return ids[0]
	}
	return nil
}

// prepareOrder is sale.order.create's preparation: the S00001 name, the
// invoice and delivery addresses from the customer (address_get) and the
// customer's pricelist.
func prepareOrder(e *env, vals map[string]any) error {
	if name, given := vals["name"]; !given || name == "New" {
		next, err := e.nextByCode("sale.order", "S", 5)
		if err != nil {
			return err
		}
		vals["name"] = next
	}
	partner, ok := asID(vals["partner_id"])
	if ok && e.exists(e.mustModel("res.partner"), partner) {
		addr := e.addressGet(partner, "invoice", "delivery")
		if _, given := vals["partner_invoice_id"]; !given {
			vals["partner_invoice_id"] = addr["invoice"]
		}
		if _, given := vals["partner_shipping_id"]; !given {
			vals["partner_shipping_id"] = addr["delivery"]
		}
	}
	if _, given := vals["pricelist_id"]; !given {
		if pls := e.searchIDs("product.pricelist"); len(pls) > 0 {
			vals["pricelist_id"] = pls[0]
		}
	}
	return nil
}

// addressGet is res.partner.address_get: for each address type, the first
// contact of that type found depth-first among the partner's non-company
// descendants, then among its ancestors' (up to the commercial entity);
// missing types fall back to the "contact" found, or the partner itself.
func (e *env) addressGet(partner int64, types ...string) map[string]int64 {
	want := map[string]bool{"contact": true}
	for _, t := range types {
		want[t] = true
	}
	found := map[string]int64{}
	visited := map[int64]bool{}
	for current := partner; current != 0; {
		toScan := []int64{current}
		for len(toScan) > 0 && len(found) < len(want) {
			rec := toScan[0]
			toScan = toScan[1:]
			visited[rec] = true
			if t := e.str("res.partner", rec, "type"); want[t] && found[t] == 0 {
				found[t] = rec
			}
			var kids []int64
			for _, c := range e.idList("res.partner", rec, "child_ids") {
				if !visited[c] && !e.flag("res.partner", c, "is_company") {
					kids = append(kids, c)
				}
			}
			toScan = append(kids, toScan...)
		}
		if len(found) == len(want) || e.flag("res.partner", current, "is_company") {
			break
		}
		current = e.ref("res.partner", current, "parent_id")
	}
	def := found["contact"]
	if def == 0 {
		def = partner
	}
	out := map[string]int64{}
	for t := range want {
		out[t] = found[t]
		if out[t] == 0 {
			out[t] = def
		}
	}
	return out
}

// orderCurrency is the pricelist's currency, or the company's.
func orderCurrency(e *env, order int64) int64 {
	if pl := e.ref("sale.order", order, "pricelist_id"); pl != 0 {
		return e.ref("product.pricelist", pl, "currency_id")
	}
	return e.ref("res.company", e.ref("sale.order", order, "company_id"), "currency_id")
}

// refreshOrder recomputes the order's stored computed fields from its lines
// and transfers.
func refreshOrder(e *env, order int64) {
	var untaxed, tax, delivery float64
	var statuses []string
	var deliveryPolicyIdle = true // only delivery-policy lines with nothing to invoice are left
	for _, l := range e.idList("sale.order", order, "order_line") {
		untaxed += e.num("sale.order.line", l, "price_subtotal")
		tax += e.num("sale.order.line", l, "price_tax")
		if e.flag("sale.order.line", l, "is_delivery") {
			delivery += e.num("sale.order.line", l, "price_subtotal")
		}
		if e.str("sale.order.line", l, "display_type") != "" {
			continue
		}
		status := e.str("sale.order.line", l, "invoice_status")
		statuses = append(statuses, status)
		if !e.flag("sale.order.line", l, "is_delivery") && status != "invoiced" &&
			!(lineInvoicePolicy(e, l) == "delivery" && status == "no") {
			deliveryPolicyIdle = false
		}
	}
	currency := orderCurrency(e, order)
	state := e.str("sale.order", order, "state")
	vals := map[string]any{
		"currency_id":     nilIfZero(currency),
		"amount_untaxed":  e.currencyRound(currency, untaxed),
		"amount_tax":      e.currencyRound(currency, tax),
		"amount_total":    e.currencyRound(currency, untaxed+tax),
		"amount_delivery": e.currencyRound(currency, delivery),
		"invoice_status":  orderInvoiceStatus(state, statuses, deliveryPolicyIdle),
	}
	if e.version() >= 16 {
		vals["delivery_status"] = orderDeliveryStatus(e, order)
	}
	e.storeComputed("sale.order", order, vals)
}

// orderInvoiceStatus aggregates line statuses as sale.order does, with the
// delivery module's rule: when the only lines left to invoice are delivery
// (shipping) lines of an order whose products are invoiced on delivery and
// not delivered yet, there is nothing to invoice.
func orderInvoiceStatus(state string, lines []string, deliveryPolicyIdle bool) any {
	if state != "sale" && state != "done" {
		return "no"
	}
	all := func(ok func(string) bool) bool {
		if len(lines) == 0 {
			return false
		}
		for _, s := range lines {
			if !ok(s) {
				return false
			}
		}
		return true
	}
	switch {
	case contains(lines, "to invoice"):
		if deliveryPolicyIdle {
			return "no"
		}
		return "to invoice"
	case all(func(s string) bool { return s == "invoiced" }):
		return "invoiced"
	case all(func(s string) bool { return s == "invoiced" || s == "upselling" }):
		return "upselling"
	}
	return "no"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// orderDeliveryStatus is sale_stock's delivery_status (16+).
func orderDeliveryStatus(e *env, order int64) any {
	pickings := e.idList("sale.order", order, "picking_ids")
	var live, done int
	for _, p := range pickings {
		switch e.str("stock.picking", p, "state") {
		case "cancel":
		case "done":
			live++
			done++
		default:
			live++
		}
	}
	switch {
	case live == 0:
		return nil
	case done == live:
		return "full"
	case done > 0:
		return "partial"
	}
	return "pending"
}

func nilIfZero(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// orderInvoices lists the invoices of an order through its lines.
func orderInvoices(e *env, order int64) any {
	var out []int64
	seen := map[int64]bool{}
	for _, l := range e.idList("sale.order", order, "order_line") {
		for _, il := range saleLineInvoiceLines(e, l) {
			mv := e.ref("account.move.line", il, "move_id")
			if !seen[mv] {
				seen[mv] = true
				out = append(out, mv)
			}
		}
	}
	return sortIDs(out)
}

func confirmOrders(e *env, ids []int64) (any, error) {
	v := e.version()
	for _, id := range ids {
		state := e.str("sale.order", id, "state")
		switch {
		case v <= 16 && (state == "done" || state == "cancel"):
			return nil, errorf("It is not allowed to confirm an order in the following states: done, cancel")
		case v == 17 && state != "draft" && state != "sent":
			names := make([]string, len(ids))
			for i, o := range ids {
				names[i] = e.str("sale.order", o, "name")
			}
			return nil, errorf("The following orders are not in a state requiring confirmation: %s", strings.Join(names, ", "))
		case v >= 18 && state != "draft" && state != "sent":
			return nil, errorf("Some orders are not in a state requiring confirmation.")
		}
		if v >= 18 {
			for _, l := range e.idList("sale.order", id, "order_line") {
				if e.str("sale.order.line", l, "display_type") == "" && e.ref("sale.order.line", l, "product_id") == 0 {
					return nil, errorf("A line on these orders missing a product, you cannot confirm it.")
				}
			}
		}
	}
	if err := e.write(e.mustModel("sale.order"), ids, map[string]any{"state": "sale", "date_order": e.now}); err != nil {
		return nil, err
	}
	partners := e.mustModel("res.partner")
	for _, id := range ids {
		if err := e.launchStockRule(e.idList("sale.order", id, "order_line")); err != nil {
			return nil, err
		}
		p := e.ref("sale.order", id, "partner_id")
		if err := e.write(partners, []int64{p}, map[string]any{"customer_rank": e.val("res.partner", p, "customer_rank").(int64) + 1}); err != nil {
			return nil, err
		}
	}
	return true, nil
}

// cancelOrders is action_cancel: 14/15 ask through sale.order.cancel when
// the order has draft invoices, 16+ for any order that is not a draft
// quotation (unless disable_cancel_warning); 17+ refuse locked orders.
func cancelOrders(e *env, ids []int64) (any, error) {
	v := e.version()
	if v >= 17 {
		for _, id := range ids {
			if e.flag("sale.order", id, "locked") {
				return nil, errorf("You cannot cancel a locked order. Please unlock it first.")
			}
		}
	}
	if v >= 14 && !truthy(e.ctx["disable_cancel_warning"]) {
		for _, id := range ids {
			warn := e.str("sale.order", id, "state") != "draft"
			if v <= 15 {
				warn = len(draftInvoices(e, id)) > 0
			}
			if !warn {
				continue
			}
			if v <= 15 {
				return wizardAction("Cancel Sales Order", "sale.order.cancel", "sale.sale_order_cancel_view_form",
					map[string]any{"default_order_id": id}, 0), nil
			}
			if err := ensureOne("sale.order", ids); err != nil {
				return nil, err
			}
			typeName := "Sales Order"
			if s := e.str("sale.order", id, "state"); s == "draft" || s == "sent" {
				typeName = "Quotation"
			}
			return wizardAction("Cancel "+typeName, "sale.order.cancel", "sale.sale_order_cancel_view_form",
				map[string]any{"default_order_id": id, "mark_so_as_canceled": true, "model_description": typeName}, 0), nil
		}
	}
	for _, id := range ids {
		if v >= 14 {
			for _, inv := range draftInvoices(e, id) {
				if err := e.cancelInvoice(inv); err != nil {
					return nil, err
				}
			}
		}
		if err := e.cancelPickings(openPickings(e, id)); err != nil {
			return nil, err
		}
	}
	return true, e.write(e.mustModel("sale.order"), ids, map[string]any{"state": "cancel"})
}

func cancelFromWizard(e *env, ids []int64) (any, error) {
	var orders []int64
	for _, w := range ids {
		orders = append(orders, e.ref("sale.order.cancel", w, "order_id"))
	}
	return cancelOrders(e.withContext(map[string]any{"disable_cancel_warning": true}), dedupe(orders))
}

func draftInvoices(e *env, order int64) []int64 {
	var out []int64
	for _, inv := range orderInvoices(e, order).([]int64) {
		if e.str("account.move", inv, "state") == "draft" {
			out = append(out, inv)
		}
	}
	return out
}

func openPickings(e *env, order int64) []int64 {
	var out []int64
	for _, p := range e.idList("sale.order", order, "picking_ids") {
		if s := e.str("stock.picking", p, "state"); s != "done" && s != "cancel" {
			out = append(out, p)
		}
	}
	return out
}

func saleOrderLineModel() *model {
	return &model{
		Name: "sale.order.line", Description: "Sales Order Line", Order: "order_id, sequence, id",
		DisplayName: func(e *env, id int64) string {
			return e.str("sale.order", e.ref("sale.order.line", id, "order_id"), "name") + " - " + firstLine(e.str("sale.order.line", id, "name"))
		},
		Fields: []*field{
			{Name: "order_id", Type: tMany2one, Relation: "sale.order", String: "Order Reference", Required: true, OnDelete: "cascade", Index: true},
			{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
			{Name: "name", Type: tText, String: "Description", Required: true},
			{Name: "product_id", Type: tMany2one, Relation: "product.product", String: "Product", OnDelete: "restrict", Index: true},
			{Name: "product_template_id", Type: tMany2one, Relation: "product.template", String: "Product Template", Searchable: true,
				Compute: func(e *env, id int64) any {
					return nilIfZero(e.ref("product.product", e.ref("sale.order.line", id, "product_id"), "product_tmpl_id"))
				}},
			{Name: "product_uom_qty", Type: tFloat, String: "Quantity", Required: true, Default: constant(1.0)},
			{Name: "product_uom", Type: tMany2one, Relation: "uom.uom", String: "Unit of Measure"},
			{Name: "price_unit", Type: tFloat, String: "Unit Price", Required: true, Default: constant(0.0)},
			{Name: "discount", Type: tFloat, String: "Discount (%)"},
			{Name: "tax_id", Type: tMany2many, Relation: "account.tax", String: "Taxes"},
			{Name: "price_subtotal", Type: tMonetary, String: "Subtotal", Readonly: true},
			{Name: "price_tax", Type: tFloat, String: "Total Tax", Readonly: true},
			{Name: "price_total", Type: tMonetary, String: "Total", Readonly: true},
			{Name: "qty_delivered_method", Type: tSelection, String: "Method to update delivered qty", Selection: []selOption{
				{Value: "manual", Label: "Manual"}, {Value: "analytic", Label: "Analytic From Expenses"}, {Value: "stock_move", Label: "Stock Moves"}},
				Compute: func(e *env, id int64) any { return deliveredMethod(e, id) }},
			{Name: "qty_delivered", Type: tFloat, String: "Delivered Quantity"},
			{Name: "qty_invoiced", Type: tFloat, String: "Invoiced Quantity", Readonly: true},
			{Name: "qty_to_invoice", Type: tFloat, String: "Quantity To Invoice", Readonly: true},
			// Same relation table as account.move.line.sale_line_ids (see invoiceSaleLink).
			{Name: "invoice_lines", Type: tMany2many, Relation: "account.move.line", String: "Invoice Lines"},
			{Name: "invoice_status", Type: tSelection, String: "Invoice Status", Readonly: true, Default: constant("no"), Selection: invoiceStatuses()},
			{Name: "state", Type: tSelection, String: "Order Status", Readonly: true, Default: constant("draft"), Selection: saleStates()},
			{Name: "display_type", Type: tSelection, String: "Display Type", Selection: []selOption{
				{Value: "line_section", Label: "Section"}, {Value: "line_note", Label: "Note"}}},
			{Name: "is_delivery", Type: tBoolean, String: "Is a Delivery"},
			{Name: "is_downpayment", Type: tBoolean, String: "Is a down payment"},
			{Name: "customer_lead", Type: tFloat, String: "Lead Time"},
			{Name: "move_ids", Type: tOne2many, Relation: "stock.move", InverseOf: "sale_line_id", String: "Stock Moves"},
			{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency", Compute: func(e *env, id int64) any {
				return nilIfZero(orderCurrency(e, e.ref("sale.order.line", id, "order_id")))
			}},
			{Name: "order_partner_id", Type: tMany2one, Relation: "res.partner", String: "Customer", Searchable: true, Compute: func(e *env, id int64) any {
				return nilIfZero(e.ref("sale.order", e.ref("sale.order.line", id, "order_id"), "partner_id"))
			}},
			{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Searchable: true, Compute: func(e *env, id int64) any {
				return nilIfZero(e.ref("sale.order", e.ref("sale.order.line", id, "order_id"), "company_id"))
			}},
		},
		BeforeCreate: withContextDefaults("sale.order.line", prepareSaleLine),
		AfterCreate: func(e *env, id int64, _ map[string]any) error {
			invoiceSaleLink.reversed().attach(e, []int64{id})
			refreshSaleLine(e, id)
			order := e.ref("sale.order.line", id, "order_id")
			refreshOrder(e, order)
			if e.str("sale.order", order, "state") == "sale" {
				return e.launchStockRule([]int64{id})
			}
			return nil
		},
		BeforeWrite: func(e *env, ids []int64, vals map[string]any) error {
			invoiceSaleLink.reversed().beforeWrite(e, ids, vals)
			return nil
		},
		AfterWrite: func(e *env, ids []int64, vals map[string]any) error {
			invoiceSaleLink.reversed().afterWrite(e, ids, vals)
			orders := map[int64]bool{}
			for _, id := range ids {
				refreshSaleLine(e, id)
				orders[e.ref("sale.order.line", id, "order_id")] = true
			}
			for _, o := range sortIDs(keys(orders)) {
				refreshOrder(e, o)
			}
			if _, qty := vals["product_uom_qty"]; qty {
				return e.launchStockRule(ids)
			}
			return nil
		},
		BeforeUnlink: func(e *env, ids []int64) error {
			for _, id := range ids {
				s := e.str("sale.order", e.ref("sale.order.line", id, "order_id"), "state")
				// Sections, notes and (delivery module) shipping lines stay deletable.
				if (s == "sale" || s == "done") && e.str("sale.order.line", id, "display_type") == "" && !e.flag("sale.order.line", id, "is_delivery") {
					if e.version() >= 17 {
						return errorf("Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets invoiced or delivered).\n                Set the quantity to 0 instead.")
					}
					return errorf("You can not remove an order line once the sales order is confirmed.\nYou should rather set the quantity to 0.")
				}
			}
			return nil
		},
		AfterUnlink: func(e *env, deleted map[int64]row) error {
			pos := e.mustModel("sale.order.line").field("order_id").pos
			orders := map[int64]bool{}
			for _, r := range deleted {
				orders[r[pos].(int64)] = true
			}
			for _, o := range sortIDs(keys(orders)) {
				if e.exists(e.mustModel("sale.order"), o) {
					refreshOrder(e, o)
				}
			}
			return nil
		},
		Checks: []check{
			{Name: "accountable_required_fields", Message: "Missing required fields on accountable sale order line.",
				OK: func(e *env, m *model, r row) bool {
					return r[m.field("display_type").pos] != nil ||
						(r[m.field("product_id").pos] != nil && r[m.field("product_uom").pos] != nil)
				}},
			{Name: "non_accountable_null_fields", Message: "Forbidden values on non-accountable sale order line",
				OK: func(e *env, m *model, r row) bool {
					return r[m.field("display_type").pos] == nil ||
						(r[m.field("product_id").pos] == nil && r[m.field("price_unit").pos] == 0.0 &&
							r[m.field("product_uom_qty").pos] == 0.0 && r[m.field("product_uom").pos] == nil)
				}},
		},
	}
}

// prepareSaleLine fills what Odoo's onchange-on-create fills (13-15
// _prepare_add_missing_fields, 16+ precomputed fields): the description,
// unit price, unit and taxes of the product, unless given. Section and note
// lines lose product, price and quantity.
func prepareSaleLine(e *env, vals map[string]any) error {
	if truthy(vals["display_type"]) {
		vals["product_id"], vals["price_unit"], vals["product_uom_qty"], vals["product_uom"] = false, 0.0, 0.0, false
		return nil
	}
	product, ok := asID(vals["product_id"])
	if !ok || !e.exists(e.mustModel("product.product"), product) {
		return nil
	}
	if _, given := vals["name"]; !given {
		name := variantDisplayName(e, product)
		if d := e.str("product.product", product, "description_sale"); d != "" {
			name += "\n" + d
		}
		vals["name"] = name
	}
	if _, given := vals["price_unit"]; !given {
		vals["price_unit"] = e.num("product.product", product, "lst_price")
	}
	if _, given := vals["product_uom"]; !given {
		vals["product_uom"] = e.ref("product.product", product, "uom_id")
	}
	if _, given := vals["tax_id"]; !given {
		vals["tax_id"] = []any{[]any{int64(6), int64(0), idsArg(e.idList("product.product", product, "taxes_id"))}}
	}
	return nil
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

func lineInvoicePolicy(e *env, line int64) string {
	p := e.ref("sale.order.line", line, "product_id")
	if p == 0 {
		return "order"
	}
	if pol := e.str("product.product", p, "invoice_policy"); pol != "" {
		return pol
	}
	return "order"
}

// deliveredMethod: goods are delivered through stock moves, services
// (including shipping lines) manually.
func deliveredMethod(e *env, line int64) string {
	p := e.ref("sale.order.line", line, "product_id")
	if p != 0 && productIsGoods(e, p) && !e.flag("sale.order.line", line, "is_delivery") {
		return "stock_move"
	}
	return "manual"
}

// refreshSaleLine recomputes a line's amounts and quantities.
func refreshSaleLine(e *env, line int64) {
	const m = "sale.order.line"
	order := e.ref(m, line, "order_id")
	state := e.str("sale.order", order, "state")
	currency := orderCurrency(e, order)
	qty := e.num(m, line, "product_uom_qty")
	price := e.num(m, line, "price_unit") * (1 - e.num(m, line, "discount")/100)
	amounts := e.computeTaxes(e.idList(m, line, "tax_id"), price, qty, currency)

	delivered := e.num(m, line, "qty_delivered")
	if deliveredMethod(e, line) == "stock_move" {
		delivered = deliveredByMoves(e, line)
	}
	invoiced := 0.0
	for _, il := range saleLineInvoiceLines(e, line) {
		mv := e.ref("account.move.line", il, "move_id")
		switch {
		case e.str("account.move", mv, "state") == "cancel":
		case moveType(e, mv) == "out_refund":
			invoiced -= e.num("account.move.line", il, "quantity")
		default:
			invoiced += e.num("account.move.line", il, "quantity")
		}
	}
	toInvoice := 0.0
	if state == "sale" || state == "done" {
		if lineInvoicePolicy(e, line) == "delivery" {
			toInvoice = delivered - invoiced
		} else {
			toInvoice = qty - invoiced
		}
	}
	var status string
	switch {
	case state != "sale" && state != "done":
		status = "no"
	case !qtyIsZero(toInvoice):
		status = "to invoice"
	case state == "sale" && lineInvoicePolicy(e, line) == "order" && delivered-qty > 1e-6:
		status = "upselling"
	case invoiced-qty > -1e-6:
		status = "invoiced"
	default:
		status = "no"
	}
	e.storeComputed(m, line, map[string]any{
		"price_subtotal": amounts.untaxed, "price_tax": amounts.tax, "price_total": amounts.total,
		"qty_delivered": delivered, "qty_invoiced": invoiced, "qty_to_invoice": toInvoice,
		"invoice_status": status, "state": state,
	})
}

// advancePaymentWizardModel is sale.advance.payment.inv: regular invoices
// ("delivered") of the orders in active_ids (13-15) or sale_order_ids (16+,
// defaulted from active_ids at creation).
func advancePaymentWizardModel() *model {
	return &model{
		Name: "sale.advance.payment.inv", Description: "Sales Advance Payment Invoice", Transient: true,
		Fields: []*field{
			{Name: "advance_payment_method", Type: tSelection, String: "Create Invoice", Required: true, Default: constant("delivered"), Selection: []selOption{
				{Value: "delivered", Label: "Regular invoice"}, {Value: "percentage", Label: "Down payment (percentage)"},
				{Value: "fixed", Label: "Down payment (fixed amount)"}}},
			{Name: "deduct_down_payments", Type: tBoolean, String: "Deduct down payments", Default: constant(true)},
			{Name: "amount", Type: tFloat, String: "Down Payment Amount"},
			{Name: "fixed_amount", Type: tMonetary, String: "Down Payment Amount (Fixed)"},
			{Name: "sale_order_ids", Type: tMany2many, Relation: "sale.order", String: "Sales Orders", Since: 16,
				Default: func(e *env) any { return idsArg(e.activeRecords("sale.order")) }},
			{Name: "count", Type: tInteger, String: "Order Count", Compute: func(e *env, id int64) any {
				if e.version() >= 16 {
					return int64(len(e.idList("sale.advance.payment.inv", id, "sale_order_ids")))
				}
				return int64(len(e.activeRecords("sale.order")))
			}},
		},
		BeforeCreate: withContextDefaults("sale.advance.payment.inv", nil),
		Methods: map[string]*method{
			"create_invoices": button("create_invoices", func(e *env, ids []int64) (any, error) {
				if err := ensureOne("sale.advance.payment.inv", ids); err != nil {
					return nil, err
				}
				w := ids[0]
				orders := e.activeRecords("sale.order")
				if e.version() >= 16 {
					orders = e.idList("sale.advance.payment.inv", w, "sale_order_ids")
				}
				if method := e.str("sale.advance.payment.inv", w, "advance_payment_method"); method != "delivered" {
					return nil, pyError("NotImplementedError", "odoosim does not simulate down payments (advance_payment_method %s); use 'delivered'", pyRepr(method))
				}
				if err := e.ensureExist(e.mustModel("sale.order"), orders); err != nil {
					return nil, err
				}
				invoices, err := e.createOrderInvoices(orders)
				if err != nil {
					return nil, err
				}
				if e.version() >= 16 {
					return e.invoicesAction(invoices), nil
				}
				if truthy(e.ctx["open_invoices"]) {
					var all []int64
					for _, o := range orders {
						all = append(all, orderInvoices(e, o).([]int64)...)
					}
					return e.invoicesAction(dedupe(all)), nil
				}
				return map[string]any{"type": "ir.actions.act_window_close"}, nil
			}),
		},
	}
}

// invoicesAction is sale.order.action_view_invoice.
func (e *env) invoicesAction(invoices []int64) map[string]any {
	if len(invoices) == 0 {
		return map[string]any{"type": "ir.actions.act_window_close"}
	}
	key := "default_move_type"
	if e.version() <= 13 {
		key = "default_type"
	}
	return e.recordsAction("Invoices", "account.move", invoices, map[string]any{key: "out_invoice"})
}

// createOrderInvoices is sale.order._create_invoices for regular invoices:
// one draft customer invoice per (company, invoice address, currency) with
// a line per order line that has a quantity to invoice.
func (e *env) createOrderInvoices(orders []int64) ([]int64, error) {
	const sol = "sale.order.line"
	type group struct {
		orders []int64
		lines  []any
	}
	var order []string
	groups := map[string]*group{}
	for _, o := range orders {
		var lines []any
		for _, l := range e.idList("sale.order", o, "order_line") {
			qty := e.num(sol, l, "qty_to_invoice")
			if e.str(sol, l, "display_type") != "" || qty <= 1e-6 {
				continue
			}
			lines = append(lines, []any{int64(0), int64(0), map[string]any{
				"name": e.str(sol, l, "name"), "product_id": e.ref(sol, l, "product_id"), "product_uom_id": e.ref(sol, l, "product_uom"),
				"quantity": qty, "price_unit": e.num(sol, l, "price_unit"), "discount": e.num(sol, l, "discount"),
				"tax_ids":       []any{[]any{int64(6), int64(0), idsArg(e.idList(sol, l, "tax_id"))}},
				"sale_line_ids": []any{[]any{int64(4), l}}, "sequence": e.val(sol, l, "sequence"),
			}})
		}
		if len(lines) == 0 {
			continue
		}
		key := fmt.Sprint(e.ref("sale.order", o, "company_id"), e.ref("sale.order", o, "partner_invoice_id"), orderCurrency(e, o))
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
			order = append(order, key)
		}
		g.orders = append(g.orders, o)
		g.lines = append(g.lines, lines...)
	}
	if len(groups) == 0 {
		return nil, errorf("%s", nothingToInvoiceMessage(e.version()))
	}
	var invoices []int64
	for _, key := range order {
		g := groups[key]
		first := g.orders[0]
		var origins, refs []string
		for _, o := range g.orders {
			origins = append(origins, e.str("sale.order", o, "name"))
			if r := e.str("sale.order", o, "client_order_ref"); r != "" {
				refs = append(refs, r)
			}
		}
		vals := map[string]any{
			e.moveTypeField(): "out_invoice", "partner_id": e.ref("sale.order", first, "partner_invoice_id"),
			"partner_shipping_id": e.ref("sale.order", first, "partner_shipping_id"), "currency_id": orderCurrency(e, first),
			"invoice_origin": strings.Join(origins, ", "), "ref": strings.Join(refs, ", "),
			"company_id": e.ref("sale.order", first, "company_id"), "invoice_user_id": e.ref("sale.order", first, "user_id"),
			"invoice_line_ids": g.lines,
		}
		if t := e.ref("sale.order", first, "payment_term_id"); t != 0 {
			vals["invoice_payment_term_id"] = t
		}
		if n := e.str("sale.order", first, "note"); n != "" {
			vals["narration"] = n
		}
		if r := e.str("sale.order", first, "reference"); r != "" && len(g.orders) == 1 {
			vals[e.paymentRefField()] = r
		}
		inv, err := e.create(e.mustModel(moveName), vals)
		if err != nil {
			return nil, err
		}
		invoices = append(invoices, inv)
	}
	return invoices, nil
}

func nothingToInvoiceMessage(v int) string {
	switch {
	case v == 13:
		return "There is no invoiceable line. If a product has a Delivered quantities invoicing policy, please make sure that a quantity has been delivered."
	case v <= 16:
		return "There is nothing to invoice!\n\nReason(s) of this behavior could be:\n" +
			"- You should deliver your products before invoicing them: Click on the \"truck\" icon (top-right of your screen) and follow instructions.\n" +
			"- You should modify the invoicing policy of your product: Open the product, go to the \"Sales\" tab and modify invoicing policy from \"delivered quantities\" to \"ordered quantities\". For Services, you should modify the Service Invoicing Policy to 'Prepaid'."
	}
	return "Cannot create an invoice. No items are available to invoice.\n\n" +
		"To resolve this issue, please ensure that:\n" +
		"   \u2022 The products have been delivered before attempting to invoice them.\n" +
		"   \u2022 The invoicing policy of the product is configured correctly.\n\n" +
		"If you want to invoice based on ordered quantities instead:\n" +
		"   \u2022 For consumable or storable products, open the product, go to the 'General Information' tab and change the 'Invoicing Policy' from 'Delivered Quantities' to 'Ordered Quantities'.\n" +
		"   \u2022 For services (and other products), change the 'Invoicing Policy' to 'Prepaid/Fixed Price'.\n"
}
