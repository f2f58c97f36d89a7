package odoo_test

import (
	"context"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoo"
)

// shop holds the records one sales flow needs.
type shop struct {
	c         *odoo.Client
	ctx       context.Context
	variantID int64
	partnerID int64
}

func newShop(t *testing.T, c *odoo.Client, stock float64) *shop {
	t.Helper()
	s := &shop{c: c, ctx: context.Background()}
	values := odoo.Values{"name": "Flow lamp", "default_code": "FLOW-LAMP", "list_price": 25.0}
	for k, v := range c.Schema().ProductTypeValues(odoo.ProductStorable) {
		values[k] = v
	}
	templates, err := c.Create(s.ctx, "product.template", []odoo.Values{values}, nil)
	if err != nil {
		t.Fatal(err)
	}
	variants, err := c.Search(s.ctx, "product.product", odoo.Query{Domain: odoo.Domain{odoo.Leaf("product_tmpl_id", "=", templates[0])}})
	if err != nil || len(variants) != 1 {
		t.Fatalf("variants %v, %v", variants, err)
	}
	s.variantID = variants[0]
	if err := c.SetStockQuantity(s.ctx, s.variantID, 0, stock); err != nil {
		t.Fatal(err)
	}
	partners, err := c.Create(s.ctx, "res.partner", []odoo.Values{{"name": "Flow customer", "email": "flow@example.com"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.partnerID = partners[0]
	return s
}

// confirmedOrder creates and confirms a sale order for qty lamps and returns it and its picking.
func (s *shop) confirmedOrder(t *testing.T, qty float64) (orderID, pickingID int64) {
	t.Helper()
	line := odoo.Values{"product_id": s.variantID, "name": "Flow lamp", "product_uom_qty": qty, "price_unit": 25.0,
		s.c.Schema().OrderLineTaxField: []any{odoo.CmdSet()}}
	orders, err := s.c.Create(s.ctx, "sale.order", []odoo.Values{{
		"partner_id": s.partnerID, "client_order_ref": "OC-1001", "order_line": []any{odoo.CmdCreate(line)},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.Button(s.ctx, "sale.order", "action_confirm", orders, nil); err != nil {
		t.Fatal(err)
	}
	read, err := s.c.Read(s.ctx, "sale.order", orders, []string{"state", "picking_ids"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if read[0].String("state") != "sale" || len(read[0].IDs("picking_ids")) != 1 {
		t.Fatalf("confirmed order = %v", read[0])
	}
	return orders[0], read[0].IDs("picking_ids")[0]
}

func (s *shop) qtyAvailable(t *testing.T) float64 {
	t.Helper()
	products, err := s.c.Read(s.ctx, "product.product", []int64{s.variantID}, []string{"qty_available"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return products[0].Float("qty_available")
}

func TestOrderToPaidInvoicePerVersion(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		s := newShop(t, c, 10)
		schema := c.Schema()
		orderID, pickingID := s.confirmedOrder(t, 4)

		pickings, err := c.Read(s.ctx, "stock.picking", []int64{pickingID}, []string{schema.PickingMovesField, "state"}, nil)
		if err != nil {
			t.Fatalf("reading the picking's moves as %q: %v", schema.PickingMovesField, err)
		}
		if len(pickings[0].IDs(schema.PickingMovesField)) != 1 {
			t.Fatalf("picking = %v", pickings[0])
		}

		// Nothing is marked done: ≤16 answers with the immediate-transfer wizard, 17+ picks itself.
		if err := c.ValidatePicking(s.ctx, pickingID, odoo.BackorderCreate); err != nil {
			t.Fatal(err)
		}
		wantImmediate := int64(0)
		if schema.ImmediateTransferWizard {
			wantImmediate = 1
		}
		if got := c.Requests()["stock.immediate.transfer.process"]; got != wantImmediate {
			t.Errorf("stock.immediate.transfer.process called %d times, want %d", got, wantImmediate)
		}
		if got := s.qtyAvailable(t); got != 6 {
			t.Errorf("qty_available after delivering 4 of 10 = %v", got)
		}

		invoices, err := c.InvoiceSaleOrders(s.ctx, []int64{orderID})
		if err != nil {
			t.Fatal(err)
		}
		if len(invoices) != 1 {
			t.Fatalf("InvoiceSaleOrders = %v, want one invoice", invoices)
		}
		moves, err := c.Read(s.ctx, "account.move", invoices, []string{schema.MoveTypeField, "state", "amount_total", "partner_id"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if moves[0].String(schema.MoveTypeField) != "out_invoice" || moves[0].String("state") != "draft" ||
			moves[0].Float("amount_total") != 100 || moves[0].Int("partner_id") != s.partnerID {
			t.Fatalf("invoice = %v", moves[0])
		}
		if _, err := c.Button(s.ctx, "account.move", "action_post", invoices, nil); err != nil {
			t.Fatal(err)
		}

		banks, err := c.Search(s.ctx, "account.journal", odoo.Query{Domain: odoo.Domain{odoo.Leaf("type", "=", "bank")}, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		method, err := c.PaymentMethodID(s.ctx, banks[0], "manual")
		if err != nil {
			t.Fatal(err)
		}
		payments, err := c.RegisterPayment(s.ctx, odoo.Payment{InvoiceIDs: invoices, JournalID: banks[0], MethodID: method})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Requests()["account.payment.register."+schema.RegisterPaymentMethod]; got != 1 {
			t.Errorf("%s called %d times", schema.RegisterPaymentMethod, got)
		}
		if len(payments) != 1 {
			t.Errorf("RegisterPayment returned payments %v, want one", payments)
		}
		paid, err := c.Read(s.ctx, "account.move", invoices, []string{schema.InvoicePaymentStateField}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if state := paid[0].String(schema.InvoicePaymentStateField); state != "paid" && state != "in_payment" {
			t.Errorf("%s = %q after full payment", schema.InvoicePaymentStateField, state)
		}
	})
}

func TestPartialPaymentPerVersion(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		s := newShop(t, c, 10)
		orderID, pickingID := s.confirmedOrder(t, 2)
		if err := c.ValidatePicking(s.ctx, pickingID, odoo.BackorderCreate); err != nil {
			t.Fatal(err)
		}
		invoices, err := c.InvoiceSaleOrders(s.ctx, []int64{orderID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Button(s.ctx, "account.move", "action_post", invoices, nil); err != nil {
			t.Fatal(err)
		}
		_, err = c.RegisterPayment(s.ctx, odoo.Payment{InvoiceIDs: invoices, Amount: 20})
		if !c.Schema().RegisterPaymentAmount {
			if err == nil {
				t.Fatal("Odoo 13 cannot pay partially; RegisterPayment must refuse")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		field := c.Schema().InvoicePaymentStateField
		read, err := c.Read(s.ctx, "account.move", invoices, []string{field, "amount_residual"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if read[0].String(field) != "partial" || read[0].Float("amount_residual") != 30 {
			t.Errorf("after paying 20 of 50: %v", read[0])
		}
	})
}

// TestPartialDeliveryBackorders marks part of a picking done, the per-version way, and
// checks both backorder policies.
func TestPartialDeliveryBackorders(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		s := newShop(t, c, 10)
		schema := c.Schema()
		for _, policy := range []odoo.BackorderPolicy{odoo.BackorderCreate, odoo.BackorderCancel} {
			_, pickingID := s.confirmedOrder(t, 4)
			pickings, err := c.Read(s.ctx, "stock.picking", []int64{pickingID}, []string{schema.PickingMovesField}, nil)
			if err != nil {
				t.Fatal(err)
			}
			done := odoo.Values{schema.MoveDoneQtyField: 1.0}
			if schema.MovePickedField != "" {
				done[schema.MovePickedField] = true
			}
			if err := c.Write(s.ctx, "stock.move", pickings[0].IDs(schema.PickingMovesField), done, nil); err != nil {
				t.Fatalf("marking 1 done with %v: %v", done, err)
			}
			if err := c.ValidatePicking(s.ctx, pickingID, policy); err != nil {
				t.Fatal(err)
			}
			backorders, err := c.SearchRead(s.ctx, "stock.picking", odoo.Query{
				Domain: odoo.Domain{odoo.Leaf("backorder_id", "=", pickingID)},
				Fields: []string{"state"},
			})
			if err != nil {
				t.Fatal(err)
			}
			wantBackorders := 1
			if policy == odoo.BackorderCancel {
				wantBackorders = 0
			}
			if len(backorders) != wantBackorders {
				t.Errorf("policy %d: backorders %v, want %d", policy, backorders, wantBackorders)
			}
		}
		if got := c.Requests()["stock.backorder.confirmation.process"] + c.Requests()["stock.backorder.confirmation.process_cancel_backorder"]; got != 2 {
			t.Errorf("backorder wizard answered %d times, want 2 (%v)", got, c.Requests())
		}
		if got := s.qtyAvailable(t); got != 8 {
			t.Errorf("qty_available after delivering 1+1 of 10 = %v", got)
		}
	})
}
