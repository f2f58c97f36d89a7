package activities

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// prepareOrder reads an order from the shop database (the event that started the workflow is only a
// hint) and plans its sale order: it resolves the currency, taxes, carrier, payment method and products
// the sale order refers to, creating or matching reference records in Odoo as the missing-mapping
// policies allow. What it cannot resolve is returned in the plan (products to sync first, mappings to
// wait for), never guessed. It is idempotent: matches and creations are recorded in the mapping store.
func (a *Activities) prepareOrder(ctx context.Context, in SyncOrderInput) (orderPlan, error) {
	plan := orderPlan{Connection: a.Store.Connection(), OrderID: in.OrderID}
	o, err := a.Shop.Order(ctx, int(in.OrderID))
	if errors.Is(err, opencart.ErrNotFound) {
		return plan, recordInvalid(mapping.KindOrder, in.OrderID, "order_id", "the order does not exist in the shop database",
			"check the order id; a deleted order cannot be synced")
	}
	if err != nil {
		return plan, err
	}
	plan.StatusID = o.StatusID
	if o.StatusID == 0 {
		plan.Abandoned = true
		return plan, nil
	}
	key := strconv.FormatInt(in.OrderID, 10)
	existing, err := a.Store.ByOpenCartID(ctx, mapping.KindOrder, key)
	switch {
	case err == nil:
		plan.SaleOrderID = existing.OdooID
		// An order kept for replay is built again, so that its quotation can be corrected from mappings
		// fixed since (createSaleOrder finds it and rewrites its lines); any other mapped order only
		// follows its status.
		if _, err := a.Store.OpenFailure(ctx, mapping.KindOrder, mapping.OpenCartToOdoo, key); errors.Is(err, mapping.ErrNotFound) {
			return plan, nil
		} else if err != nil {
			return plan, err
		}
	case !errors.Is(err, mapping.ErrNotFound):
		return plan, err
	}
	b := &orderBuilder{a: a, o: o, plan: &plan, synced: map[int64]bool{}}
	for _, id := range in.Synced {
		b.synced[id] = true
	}
	return plan, b.build(ctx)
}

// orderBuilder turns one shop order into a saleOrderDraft.
type orderBuilder struct {
	a      *Activities
	o      *opencart.Order
	plan   *orderPlan
	synced map[int64]bool // products a RecordSync synced for this order

	rate     float64 // order currency per shop default currency (oc_order.currency_value)
	variants []int64 // product.product per order line
	taxes    *orderTaxes
	draft    saleOrderDraft
}

func (b *orderBuilder) build(ctx context.Context) error {
	b.rate = b.o.CurrencyValue
	if b.rate <= 0 {
		b.rate = 1
	}
	if len(b.o.Lines) == 0 {
		return recordInvalid(mapping.KindOrder, int64(b.o.ID), "order_product", "the order has no products", "add the products to the order in the shop admin, then replay")
	}
	steps := []func(context.Context) error{b.resolveCurrency, b.resolveProducts, b.resolveTaxes, b.resolveCarrier, b.resolvePaymentMethod}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	if len(b.plan.UnmappedProducts) > 0 || len(b.plan.Missing) > 0 {
		return nil
	}
	if err := b.buildLines(ctx); err != nil {
		return err
	}
	if err := b.describeCustomer(ctx); err != nil {
		return err
	}
	conn := b.plan.Connection
	id := int64(b.o.ID)
	b.draft.Ref = orderRef(conn, id)
	b.draft.ExternalID = orderExternalName(conn, id)
	b.draft.Origin = fmt.Sprintf("OpenCart order %d (%s)", id, b.o.StoreName)
	b.draft.DateOrder = odoo.FormatDatetime(b.o.DateAdded)
	b.draft.Total, b.draft.Tax = expectedTotals(b.o)
	b.plan.Draft = &b.draft
	return nil
}

// money converts an amount of the shop's default currency into the order's currency, to 4 decimals
// (OpenCart's own precision).
func (b *orderBuilder) money(v float64) float64 { return roundDecimals(v*b.rate, 4) }

// missing records a mapping the order must wait for.
func (b *orderBuilder) missing(kind mapping.Kind, openCartID, name, fix string) {
	for _, m := range b.plan.Missing {
		if m.Kind == kind && m.OpenCartID == openCartID {
			return
		}
	}
	b.plan.Missing = append(b.plan.Missing, MissingMapping{Kind: kind, OpenCartID: openCartID, Name: name, Fix: fix})
}

// describeCustomer fills the draft's customer and contact slots; createSaleOrder resolves them in Odoo.
func (b *orderBuilder) describeCustomer(ctx context.Context) error {
	o := b.o
	c := customerDraft{
		Key:   customerKey(o.CustomerID, o.Email),
		Name:  personName(o.FirstName, o.LastName),
		Email: strings.TrimSpace(o.Email),
		Phone: strings.TrimSpace(o.Telephone),
	}
	if o.CustomerID > 0 {
		// A registered customer is the account, not the copy of it on the order.
		cust, err := b.a.Shop.Customer(ctx, o.CustomerID)
		switch {
		case err == nil:
			c.Name, c.Email, c.Phone = personName(cust.FirstName, cust.LastName), strings.TrimSpace(cust.Email), strings.TrimSpace(cust.Telephone)
		case !errors.Is(err, opencart.ErrNotFound):
			return err
		}
	}
	if c.Email == "" && o.CustomerID == 0 {
		return recordInvalid(mapping.KindOrder, int64(o.ID), "email", "the guest order has no e-mail address, which identifies guests",
			"enter the customer's e-mail on the order in the shop admin, then replay")
	}
	b.draft.Customer = c
	b.draft.Invoice = contactDraft{Slot: c.Key + "/invoice", Type: "invoice", Address: o.PaymentAddress.PostalAddress}
	b.draft.Shipping = b.draft.Invoice
	if o.ShippingAddress.Address1 != "" || o.ShippingAddress.CountryID != 0 {
		b.draft.Shipping = contactDraft{Slot: c.Key + "/delivery", Type: "delivery", Address: o.ShippingAddress.PostalAddress}
	}
	return nil
}

func personName(first, last string) string {
	return strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
}
