package odoo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// The private methods behind these flows (_create_invoices, _create_payments, _action_done,
// _apply_inventory) fault with code 4 over RPC, so each helper drives the same wizard the UI
// uses (reference §8).

// InvoiceSaleOrders invoices the delivered quantities of the given sale orders through the
// sale.advance.payment.inv wizard and returns the ids of the invoices it created (draft).
// Odoo answers fault 2 when nothing is invoiceable.
func (c *Client) InvoiceSaleOrders(ctx context.Context, orderIDs []int64) ([]int64, error) {
	if len(orderIDs) == 0 {
		return nil, nil
	}
	before, err := c.orderInvoices(ctx, orderIDs)
	if err != nil {
		return nil, err
	}
	// The wizard reads its orders from active_ids, both at create and in create_invoices.
	wizardContext := Context{"active_model": "sale.order", "active_ids": orderIDs, "active_id": orderIDs[0]}
	values := Values{"advance_payment_method": "delivered"}
	if c.schema.InvoiceWizardOrderIDs {
		values["sale_order_ids"] = []any{CmdSet(orderIDs...)}
	}
	wizardID, err := c.createOne(ctx, "sale.advance.payment.inv", values, wizardContext)
	if err != nil {
		return nil, err
	}
	if _, err := c.Button(ctx, "sale.advance.payment.inv", "create_invoices", []int64{wizardID}, wizardContext); err != nil {
		return nil, err
	}
	after, err := c.orderInvoices(ctx, orderIDs)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(after, func(id int64) bool { return slices.Contains(before, id) }), nil
}

// orderInvoices lists the distinct invoice ids linked to the orders, ascending.
func (c *Client) orderInvoices(ctx context.Context, orderIDs []int64) ([]int64, error) {
	orders, err := c.Read(ctx, "sale.order", orderIDs, []string{"invoice_ids"}, nil)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, order := range orders {
		ids = append(ids, order.IDs("invoice_ids")...)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// Payment describes a customer payment registered on posted invoices.
type Payment struct {
	InvoiceIDs []int64
	JournalID  int64
	// MethodID comes from PaymentMethodID (a method line on 15+, a method on 13/14);
	// 0 lets Odoo pick the journal's default.
	MethodID int64
	Date     time.Time // zero: today (Odoo's default)
	// Amount 0 pays the full residual. Partial amounts need Odoo 14+.
	Amount float64
}

// RegisterPayment runs account.payment.register on the invoices and returns the created
// payment ids when Odoo's answer names them (it does in 13–18 unless the context asks
// otherwise).
func (c *Client) RegisterPayment(ctx context.Context, p Payment) ([]int64, error) {
	if len(p.InvoiceIDs) == 0 {
		return nil, fmt.Errorf("odoo: RegisterPayment needs invoice ids")
	}
	values := Values{}
	if p.JournalID != 0 {
		values["journal_id"] = p.JournalID
	}
	if p.MethodID != 0 {
		values[c.schema.PaymentMethodField] = p.MethodID
	}
	if !p.Date.IsZero() {
		values["payment_date"] = FormatDate(p.Date)
	}
	if p.Amount != 0 {
		if !c.schema.RegisterPaymentAmount {
			return nil, fmt.Errorf("odoo %s: partial payment of %.2f on invoices %v needs Odoo 14+ (the 13 wizard always pays the full residual)",
				c.version, p.Amount, p.InvoiceIDs)
		}
		values["amount"] = p.Amount
	}
	wizardContext := Context{"active_model": "account.move", "active_ids": p.InvoiceIDs, "active_id": p.InvoiceIDs[0]}
	wizardID, err := c.createOne(ctx, "account.payment.register", values, wizardContext)
	if err != nil {
		return nil, err
	}
	result, err := c.Button(ctx, "account.payment.register", c.schema.RegisterPaymentMethod, []int64{wizardID}, wizardContext)
	if err != nil {
		return nil, err
	}
	return actionRecordIDs(result), nil
}

// PaymentMethodID finds the incoming payment method with code (e.g. "manual") usable on
// journalID: an account.payment.method.line of that journal on 15+, an
// account.payment.method on 13/14.
func (c *Client) PaymentMethodID(ctx context.Context, journalID int64, code string) (int64, error) {
	domain := Domain{Leaf("payment_type", "=", "inbound")}
	if c.schema.PaymentMethodModel == "account.payment.method.line" {
		domain = append(domain, Leaf("journal_id", "=", journalID), Leaf("payment_method_id.code", "=", code))
	} else {
		domain = append(domain, Leaf("code", "=", code))
	}
	ids, err := c.Search(ctx, c.schema.PaymentMethodModel, Query{Domain: domain, Limit: 1, Order: "id"})
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("odoo: no incoming payment method %q for journal %d (%s); add it to the journal's incoming payment methods",
			code, journalID, c.schema.PaymentMethodModel)
	}
	return ids[0], nil
}

// BackorderPolicy says what ValidatePicking does with quantities that were not done.
type BackorderPolicy int

const (
	// BackorderCreate keeps the remainder open in a backorder picking.
	BackorderCreate BackorderPolicy = iota
	// BackorderCancel cancels the remainder.
	BackorderCancel
)

// maxWizardSteps bounds the chain button_validate → immediate transfer → backorder.
const maxWizardSteps = 4

// ValidatePicking validates a picking the way the Validate button does and follows the
// wizards it opens: stock.immediate.transfer (≤16, when nothing is done: everything is
// done), stock.backorder.confirmation (per policy) and the SMS confirmation. It fails unless
// the picking ends in state "done".
func (c *Client) ValidatePicking(ctx context.Context, pickingID int64, policy BackorderPolicy) error {
	buttonContext := Context{"skip_sms": true}
	result, err := c.Button(ctx, "stock.picking", "button_validate", []int64{pickingID}, buttonContext)
	for step := 0; err == nil; step++ {
		wizard, isWizard := parseAction(result)
		if !isWizard {
			break
		}
		if step == maxWizardSteps {
			return fmt.Errorf("odoo: validating picking %d still opens %s after %d wizards; finish it in Odoo", pickingID, wizard.ResModel, step)
		}
		method, known := pickingWizardMethod(wizard.ResModel, policy)
		if !known {
			return fmt.Errorf("odoo: validating picking %d opened wizard %s, which this client does not answer; validate it in Odoo", pickingID, wizard.ResModel)
		}
		result, err = c.answerWizard(ctx, wizard, method, buttonContext)
	}
	if err != nil {
		return err
	}
	pickings, err := c.Read(ctx, "stock.picking", []int64{pickingID}, []string{"state"}, nil)
	if err != nil {
		return err
	}
	if len(pickings) == 0 || pickings[0].String("state") != "done" {
		state := "missing"
		if len(pickings) > 0 {
			state = pickings[0].String("state")
		}
		return fmt.Errorf("odoo: picking %d is %q after validation, expected \"done\"; check its moves in Odoo", pickingID, state)
	}
	return nil
}

func pickingWizardMethod(model string, policy BackorderPolicy) (method string, known bool) {
	switch model {
	case "stock.immediate.transfer":
		return "process", true
	case "stock.backorder.confirmation":
		if policy == BackorderCancel {
			return "process_cancel_backorder", true
		}
		return "process", true
	case "confirm.stock.sms":
		return "dont_send_sms", true
	}
	return "", false
}

// wizardAction is the part of an ir.actions.act_window answer needed to follow it.
type wizardAction struct {
	ResModel string
	ResID    int64   // set when Odoo created the wizard itself (13)
	Context  Context // from 14 on the wizard must be created from these defaults
	Domain   []any
}

func parseAction(v any) (wizardAction, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return wizardAction{}, false
	}
	var a wizardAction
	a.ResModel, _ = m["res_model"].(string)
	a.ResID, _ = asInt(m["res_id"])
	if cx, ok := m["context"].(map[string]any); ok {
		a.Context = cx
	}
	a.Domain, _ = m["domain"].([]any)
	return a, a.ResModel != ""
}

// actionRecordIDs extracts the records an action opens: res_id, or a domain
// [("id", "in", ids)].
func actionRecordIDs(v any) []int64 {
	a, ok := parseAction(v)
	if !ok {
		return nil
	}
	if a.ResID != 0 {
		return []int64{a.ResID}
	}
	for _, term := range a.Domain {
		if leaf, ok := term.([]any); ok && len(leaf) == 3 && leaf[0] == "id" && leaf[1] == "in" {
			ids, _ := asIDs(leaf[2])
			return ids
		}
	}
	return nil
}

// answerWizard creates the wizard an action describes (unless Odoo already did) and
// presses method on it, passing the action's context on both calls as the UI does.
func (c *Client) answerWizard(ctx context.Context, wizard wizardAction, method string, extra Context) (any, error) {
	wizardContext := maps.Clone(wizard.Context)
	if wizardContext == nil {
		wizardContext = Context{}
	}
	maps.Copy(wizardContext, extra)
	id := wizard.ResID
	if id == 0 {
		var err error
		if id, err = c.createOne(ctx, wizard.ResModel, Values{}, wizardContext); err != nil {
			return nil, err
		}
	}
	return c.Button(ctx, wizard.ResModel, method, []int64{id}, wizardContext)
}

// MainStockLocation is the stock location of the company's first warehouse (WH/Stock),
// where Odoo 13/14 put quantities set through stock.change.product.qty.
func (c *Client) MainStockLocation(ctx context.Context) (int64, error) {
	warehouses, err := c.SearchRead(ctx, "stock.warehouse", Query{Fields: []string{"lot_stock_id"}, Limit: 1, Order: "id"})
	if err != nil {
		return 0, err
	}
	if len(warehouses) == 0 {
		return 0, fmt.Errorf("odoo: no warehouse found; create one in Inventory > Configuration > Warehouses")
	}
	return warehouses[0].Int("lot_stock_id"), nil
}

// SetStockQuantity sets the on-hand quantity of a storable product variant at a location,
// as an inventory adjustment. locationID 0 means MainStockLocation. On 15+ this counts the
// stock.quant in inventory mode and applies it; 13/14 use stock.change.product.qty, which
// only works on the main stock location.
func (c *Client) SetStockQuantity(ctx context.Context, productID, locationID int64, quantity float64) error {
	if !c.schema.QuantInventoryMode || locationID == 0 {
		main, err := c.MainStockLocation(ctx)
		if err != nil {
			return err
		}
		if locationID != 0 && locationID != main {
			return fmt.Errorf("odoo %s: cannot set stock of product %d at location %d: stock.change.product.qty only updates the main stock location %d",
				c.version, productID, locationID, main)
		}
		locationID = main
	}
	if !c.schema.QuantInventoryMode {
		return c.changeProductQty(ctx, productID, quantity)
	}
	inventoryContext := Context{"inventory_mode": true}
	quants, err := c.Search(ctx, "stock.quant", Query{
		Domain:  Domain{Leaf("product_id", "=", productID), Leaf("location_id", "=", locationID)},
		Limit:   2,
		Context: inventoryContext,
	})
	if err != nil {
		return err
	}
	var quantID int64
	switch len(quants) {
	case 0:
		quantID, err = c.createOne(ctx, "stock.quant", Values{
			"product_id": productID, "location_id": locationID, "inventory_quantity": quantity,
		}, inventoryContext)
	case 1:
		quantID = quants[0]
		err = c.Write(ctx, "stock.quant", quants, Values{"inventory_quantity": quantity}, inventoryContext)
	default:
		return fmt.Errorf("odoo: product %d has several quants at location %d (lots or packages); count them in Odoo", productID, locationID)
	}
	if err != nil {
		return err
	}
	_, err = c.Button(ctx, "stock.quant", "action_apply_inventory", []int64{quantID}, inventoryContext)
	return err
}

func (c *Client) changeProductQty(ctx context.Context, productID int64, quantity float64) error {
	products, err := c.Read(ctx, "product.product", []int64{productID}, []string{"product_tmpl_id"}, nil)
	if err != nil {
		return err
	}
	if len(products) == 0 {
		return fmt.Errorf("odoo: product.product %d does not exist", productID)
	}
	wizardID, err := c.createOne(ctx, "stock.change.product.qty", Values{
		"product_id": productID, "product_tmpl_id": products[0].Int("product_tmpl_id"), "new_quantity": quantity,
	}, nil)
	if err != nil {
		return err
	}
	_, err = c.Button(ctx, "stock.change.product.qty", "change_product_qty", []int64{wizardID}, nil)
	return err
}
