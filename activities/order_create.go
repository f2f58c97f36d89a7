package activities

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
)

// saleOrderFields are read back to know a sale order's name, state and amounts.
var saleOrderFields = []string{"name", "state", "amount_total", "amount_tax"}

// createSaleOrder creates an order's sale order exactly once. The OpenCart order is the key: the sale
// order carries it as client_order_ref (written in the same transaction as the order itself) and gets
// an external id opencart.<connection>_order_<id>; the key is searched before creating, and the create
// itself runs under a create intent (order_intent.go). So an answer lost after Odoo committed, a retried
// activity, a stopped worker, a duplicate webhook or a reset workflow all find the order made the first
// time instead of making a second one. The customer and addresses are resolved first, with the same
// care (see order_partner.go).
func (a *Activities) createSaleOrder(ctx context.Context, orderID int64, d saleOrderDraft) (SaleOrderRef, error) {
	existing, err := a.ERP.SearchRead(ctx, "sale.order", odoo.Query{Domain: odoo.Domain{odoo.Leaf("client_order_ref", "=", d.Ref)},
		Fields: saleOrderFields, Order: "id"})
	if err != nil {
		return SaleOrderRef{}, err
	}
	var ref SaleOrderRef
	if len(existing) > 0 {
		if len(existing) > 1 {
			activity.GetLogger(ctx).Error("several sale orders carry one OpenCart order's reference; using the first",
				"ref", d.Ref, "count", len(existing))
		}
		ref = saleOrderRef(existing[0])
		if _, err := a.ERP.EnsureExternalID(ctx, orderExternalModule, d.ExternalID, "sale.order", ref.ID); err != nil {
			return ref, err
		}
		if (ref.State == "draft" || ref.State == "sent") && !a.totalsAgree(ref, d) {
			// A quotation left unconfirmed because its amounts disagreed with the shop: a mapping has
			// likely been fixed since (the replay case), so its lines are rebuilt from the current
			// mappings. A quotation someone corrected by hand so that it agrees is left as it is.
			if ref, err = a.rewriteLines(ctx, ref.ID, d); err != nil {
				return ref, err
			}
		}
	} else {
		if ref, err = a.newSaleOrder(ctx, orderID, d); err != nil {
			return ref, err
		}
	}
	err = a.Store.Put(ctx, mapping.Mapping{Kind: mapping.KindOrder, OdooID: ref.ID, OpenCartID: strconv.FormatInt(orderID, 10), SyncedAt: time.Now().UTC()})
	return ref, err
}

// newSaleOrder resolves the customer and creates the sale order and its external id.
func (a *Activities) newSaleOrder(ctx context.Context, orderID int64, d saleOrderDraft) (SaleOrderRef, error) {
	partner, contacts, err := a.partnerContacts(ctx, d.Customer, d.Invoice, d.Shipping)
	if err != nil {
		return SaleOrderRef{}, err
	}
	lines := a.lineCommands(d.Lines)
	values := odoo.Values{"partner_id": partner, "partner_invoice_id": contacts[0], "partner_shipping_id": contacts[1],
		"client_order_ref": d.Ref, "origin": d.Origin, "date_order": d.DateOrder, "pricelist_id": d.PricelistID, "order_line": lines}
	if d.CarrierID != 0 {
		values["carrier_id"] = d.CarrierID
	}
	// The call runs to its end even when the worker stops meanwhile: abandoning it would leave a create
	// running in Odoo that the next attempt has to wait out.
	id, err := a.createOnce(ctx, "sale-order/"+strconv.FormatInt(orderID, 10), createSettle, func(ctx context.Context) (int64, error) {
		return a.createOne(context.WithoutCancel(ctx), "sale.order", values)
	})
	if err != nil {
		return SaleOrderRef{}, err
	}
	// The external id and the read-back are independent: both at once, so a slow Odoo costs one round
	// trip for them.
	var xmlErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		xmlErr = a.newOrderExternalID(ctx, d.ExternalID, id)
	}()
	rows, err := a.ERP.Read(ctx, "sale.order", []int64{id}, saleOrderFields, nil)
	<-done
	if err = errors.Join(xmlErr, err); err != nil {
		return SaleOrderRef{ID: id}, err
	}
	if len(rows) == 0 {
		return SaleOrderRef{ID: id}, fmt.Errorf("sale order %d vanished right after it was created", id)
	}
	ref := saleOrderRef(rows[0])
	ref.Created = true
	return ref, nil
}

// lineCommands are the x2many commands that create a draft's lines.
func (a *Activities) lineCommands(lines []saleLine) []any {
	taxField := a.ERP.Schema().OrderLineTaxField
	out := make([]any, len(lines))
	for i, l := range lines {
		v := odoo.Values{"product_id": l.ProductID, "name": l.Name, "product_uom_qty": l.Quantity, "price_unit": l.PriceUnit,
			"discount": 0.0, taxField: []any{odoo.CmdSet(l.TaxIDs...)}}
		if l.IsDelivery {
			v["is_delivery"] = true
		}
		out[i] = odoo.CmdCreate(v)
	}
	return out
}

// totalsAgree reports whether a sale order's amounts match the shop order's within the tolerance.
func (a *Activities) totalsAgree(ref SaleOrderRef, d saleOrderDraft) bool {
	tol := a.Orders.TotalTolerance + 1e-9
	return math.Abs(ref.AmountTotal-d.Total) <= tol && math.Abs(ref.AmountTax-d.Tax) <= tol
}

// rewriteLines replaces a quotation's lines with the draft's (one write) and reads its amounts back.
func (a *Activities) rewriteLines(ctx context.Context, id int64, d saleOrderDraft) (SaleOrderRef, error) {
	commands := append([]any{odoo.CmdClear()}, a.lineCommands(d.Lines)...)
	if err := a.ERP.Write(ctx, "sale.order", []int64{id}, odoo.Values{"order_line": commands}, nil); err != nil {
		return SaleOrderRef{ID: id}, err
	}
	rows, err := a.ERP.Read(ctx, "sale.order", []int64{id}, saleOrderFields, nil)
	if err != nil || len(rows) == 0 {
		return SaleOrderRef{ID: id}, errors.Join(err, fmt.Errorf("sale order %d vanished while its lines were rewritten", id))
	}
	return saleOrderRef(rows[0]), nil
}

// newOrderExternalID names a sale order just made: its external id cannot exist yet, so one create
// instead of a lookup first; a concurrent writer's row (fault 2, unique name) is settled by
// EnsureExternalID.
func (a *Activities) newOrderExternalID(ctx context.Context, name string, saleOrderID int64) error {
	_, err := a.createOne(ctx, "ir.model.data", odoo.Values{"module": orderExternalModule, "name": name,
		"model": "sale.order", "res_id": saleOrderID, "noupdate": true})
	if odoo.FaultCode(err) == odoo.FaultUserError {
		_, err = a.ERP.EnsureExternalID(ctx, orderExternalModule, name, "sale.order", saleOrderID)
	}
	return err
}

func saleOrderRef(r odoo.Record) SaleOrderRef {
	return SaleOrderRef{ID: r.ID(), Name: r.String("name"), State: r.String("state"),
		AmountTotal: r.Float("amount_total"), AmountTax: r.Float("amount_tax")}
}
