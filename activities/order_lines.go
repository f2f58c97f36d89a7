package activities

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/opencart"
)

// Sale order lines. Products become lines with their variant, quantity, unit price (tax excluded,
// options included, in the order's currency), taxes and a description naming the chosen options.
// Order totals other than the sub-total, tax and grand total become lines too:
//   - shipping: the carrier's delivery product (or ORDER_SHIPPING_PRODUCT), flagged as delivery, taxed
//     with the shipping extension's tax class;
//   - coupon and reward discounts: ORDER_COUPON_PRODUCT, negative. OpenCart lowers the percentage taxes
//     of the discounted products with them, so the discount is split over the products' percentage tax
//     sets in proportion to their amounts (exact for order-wide discounts; a coupon restricted to some
//     products may be off by the tax difference, which the totals check then flags);
//   - vouchers and store credit: ORDER_VOUCHER_PRODUCT, negative, untaxed (they are means of payment);
//   - any other total (handling, low-order fee...): ORDER_FEE_PRODUCT, taxed with its extension's class.

func (b *orderBuilder) buildLines(ctx context.Context) error {
	t := b.taxes
	for i, l := range b.o.Lines {
		b.draft.Lines = append(b.draft.Lines, saleLine{ProductID: b.variants[i], Name: lineName(l), Quantity: float64(l.Quantity),
			PriceUnit: b.money(l.Price), TaxIDs: t.odooTaxes(t.lines[i])})
	}
	settings := b.a.Orders
	for _, total := range b.o.Totals {
		if total.Value == 0 {
			continue
		}
		switch total.Code {
		case "sub_total", "tax", "total":
		case "shipping":
			product, err := b.shippingProduct(ctx)
			if err != nil {
				return err
			}
			b.draft.Lines = append(b.draft.Lines, saleLine{ProductID: product, Name: total.Title, Quantity: 1, PriceUnit: b.money(total.Value),
				TaxIDs: t.odooTaxes(t.shipping), IsDelivery: true})
		case "coupon", "reward":
			product, err := b.a.totalProduct(ctx, settings.CouponProduct, "OC-COUPON", "Discount (OpenCart coupon)")
			if err != nil {
				return err
			}
			b.discountLines(product, total)
		case "voucher", "credit":
			product, err := b.a.totalProduct(ctx, settings.VoucherProduct, "OC-VOUCHER", "Gift voucher / store credit (OpenCart)")
			if err != nil {
				return err
			}
			b.draft.Lines = append(b.draft.Lines, saleLine{ProductID: product, Name: total.Title, Quantity: 1, PriceUnit: b.money(total.Value), TaxIDs: []int64{}})
		default:
			product, err := b.a.totalProduct(ctx, settings.FeeProduct, "OC-FEE", "Order fee (OpenCart)")
			if err != nil {
				return err
			}
			b.draft.Lines = append(b.draft.Lines, saleLine{ProductID: product, Name: total.Title, Quantity: 1, PriceUnit: b.money(total.Value),
				TaxIDs: t.odooTaxes(t.fees[total.Code])})
		}
	}
	return nil
}

// discountLines splits a discount total over the percentage tax sets of the product lines, in
// proportion to their amounts; the last share takes the rounding remainder.
func (b *orderBuilder) discountLines(product int64, total opencart.OrderTotal) {
	type share struct {
		taxes  []int64
		weight float64
	}
	var shares []*share
	byKey := map[string]*share{}
	var sum float64
	for i, l := range b.o.Lines {
		taxes := b.taxes.odooTaxes(percentOnly(b.taxes.lines[i]))
		slices.Sort(taxes)
		key := idList(taxes)
		s, ok := byKey[key]
		if !ok {
			s = &share{taxes: taxes}
			byKey[key] = s
			shares = append(shares, s)
		}
		s.weight += l.Total
		sum += l.Total
	}
	if sum == 0 {
		shares = []*share{{taxes: []int64{}, weight: 1}}
		sum = 1
	}
	left := total.Value
	for i, s := range shares {
		part := roundDecimals(total.Value*s.weight/sum, 4)
		if i == len(shares)-1 {
			part = left
		}
		left -= part
		b.draft.Lines = append(b.draft.Lines, saleLine{ProductID: product, Name: total.Title, Quantity: 1, PriceUnit: b.money(part), TaxIDs: s.taxes})
	}
}

// shippingProduct is the product of the shipping line: the setting's, else the carrier's own.
func (b *orderBuilder) shippingProduct(ctx context.Context) (int64, error) {
	a := b.a
	carrier := b.draft.CarrierID
	if a.Orders.ShippingProduct != "" || carrier == 0 {
		return a.totalProduct(ctx, a.Orders.ShippingProduct, "OC-SHIPPING", "Shipping (OpenCart)")
	}
	return a.Orders.memo.remembered(ctx, "carrier-product:"+strconv.FormatInt(carrier, 10), func(ctx context.Context) (int64, error) {
		rows, err := a.ERP.Read(ctx, "delivery.carrier", []int64{carrier}, []string{"product_id"}, nil)
		if err != nil {
			return 0, err
		}
		if len(rows) == 0 || rows[0].Int("product_id") == 0 {
			return 0, fmt.Errorf("delivery carrier %d has no delivery product in Odoo; give it one, or set ORDER_SHIPPING_PRODUCT", carrier)
		}
		return rows[0].Int("product_id"), nil
	})
}

// lineName is the product name followed by the chosen options, one per line.
func lineName(l opencart.OrderLine) string {
	var b strings.Builder
	b.WriteString(l.Name)
	for _, opt := range l.Options {
		b.WriteString("\n" + opt.Name + ": " + opt.Value)
	}
	return b.String()
}

// idList renders ids as "1,2,3".
func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}
