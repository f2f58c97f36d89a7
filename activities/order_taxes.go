package activities

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Taxes. OpenCart stores an order line's tax as one amount per unit, not the rates behind it, so the
// rates are recomputed the way OpenCart's cart picks them: the product's tax class, the order's
// addresses and customer group, and the store's address (TaxFor). Shipping and fee totals use the tax
// class their extension is configured with. Each OpenCart rate maps to one Odoo sale tax with the same
// amount and type, price excluded (OpenCart prices are tax-excluded); the Odoo amounts are then checked
// against the order's own totals, so a rule changed since the order was placed cannot slip through.

// orderTaxes are the OpenCart rates of an order's lines and totals, and their Odoo taxes.
type orderTaxes struct {
	lines    [][]opencart.AppliedTax          // per order line
	shipping []opencart.AppliedTax            // of the shipping total
	fees     map[string][]opencart.AppliedTax // of other taxed totals, by total code
	odoo     map[int]int64                    // OpenCart tax rate → account.tax
}

// odooTaxes maps rates to their Odoo taxes.
func (t *orderTaxes) odooTaxes(rates []opencart.AppliedTax) []int64 {
	ids := make([]int64, 0, len(rates))
	for _, r := range rates {
		ids = append(ids, t.odoo[r.ID])
	}
	return ids
}

// percentOnly keeps the percentage rates: the ones OpenCart's coupon and reward totals reduce.
func percentOnly(rates []opencart.AppliedTax) []opencart.AppliedTax {
	var out []opencart.AppliedTax
	for _, r := range rates {
		if r.Type == "P" {
			out = append(out, r)
		}
	}
	return out
}

func (b *orderBuilder) resolveTaxes(ctx context.Context) error {
	tc, err := b.taxContext(ctx)
	if err != nil {
		return err
	}
	classOf, err := b.a.taxClasses(ctx, b.o.Lines)
	if err != nil {
		return err
	}
	byClass := map[int][]opencart.AppliedTax{}
	ratesOf := func(class int) ([]opencart.AppliedTax, error) {
		if class == 0 {
			return nil, nil
		}
		if rates, ok := byClass[class]; ok {
			return rates, nil
		}
		rates, err := b.a.Shop.TaxFor(ctx, class, tc)
		byClass[class] = rates
		return rates, err
	}
	t := &orderTaxes{fees: map[string][]opencart.AppliedTax{}, odoo: map[int]int64{}}
	for _, l := range b.o.Lines {
		rates, err := ratesOf(classOf[l.ProductID])
		if err != nil {
			return err
		}
		t.lines = append(t.lines, rates)
	}
	for _, total := range b.o.Totals {
		key, isFee := feeTaxSetting(total.Code)
		if total.Code == "shipping" && b.o.Shipping.Code != "" {
			key, isFee = "shipping_"+b.o.Shipping.Extension()+"_tax_class_id", true
		}
		if !isFee {
			continue
		}
		class, err := b.settingInt(ctx, key)
		if err != nil {
			return err
		}
		rates, err := ratesOf(class)
		if err != nil {
			return err
		}
		if total.Code == "shipping" {
			t.shipping = rates
		} else {
			t.fees[total.Code] = rates
		}
	}
	b.taxes = t
	return b.mapTaxRates(ctx, byClass)
}

// distinctRates lists every rate of the given classes once, by id (so that an order waiting for
// several mappings always names them in the same order).
func distinctRates(byClass map[int][]opencart.AppliedTax) []opencart.TaxRate {
	seen := map[int]opencart.TaxRate{}
	for _, rates := range byClass {
		for _, r := range rates {
			seen[r.ID] = r.TaxRate
		}
	}
	out := make([]opencart.TaxRate, 0, len(seen))
	for _, r := range seen {
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y opencart.TaxRate) int { return x.ID - y.ID })
	return out
}

// feeTaxSetting is the tax class setting of a total that is neither goods nor a discount.
func feeTaxSetting(code string) (key string, ok bool) {
	switch code {
	case "sub_total", "tax", "total", "shipping", "coupon", "reward", "voucher", "credit":
		return "", false
	}
	return "total_" + code + "_tax_class_id", true
}

// mapTaxRates resolves every rate the order uses to an Odoo tax.
func (b *orderBuilder) mapTaxRates(ctx context.Context, byClass map[int][]opencart.AppliedTax) error {
	var saleTaxes []odoo.Record // read once, when a rate needs matching
	for _, r := range distinctRates(byClass) {
		id, err := b.resolveReference(ctx, reference{
			kind: mapping.KindTax, openCartID: strconv.Itoa(r.ID), name: taxRateLabel(r),
			fix: fmt.Sprintf("map tax rate %d (%s) to an Odoo sale tax of the same amount, tax excluded", r.ID, taxRateLabel(r)),
			match: func(ctx context.Context) ([]int64, error) {
				if saleTaxes == nil {
					var err error
					if saleTaxes, err = b.a.ERP.SearchRead(ctx, "account.tax", odoo.Query{
						Domain: odoo.Domain{odoo.Leaf("type_tax_use", "=", "sale")},
						Fields: []string{"amount", "amount_type", "price_include"}, Order: "sequence, id",
					}); err != nil {
						return nil, err
					}
				}
				return matchingTaxes(saleTaxes, r), nil
			},
			create: func(ctx context.Context) (int64, error) { return b.a.createTax(ctx, r) },
		})
		if err != nil {
			return err
		}
		b.taxes.odoo[r.ID] = id
	}
	return nil
}

// matchingTaxes lists the Odoo sale taxes equal to an OpenCart rate: same amount, percent for P and
// fixed for F, price excluded.
func matchingTaxes(taxes []odoo.Record, r opencart.TaxRate) []int64 {
	want := map[string]string{"P": "percent", "F": "fixed"}[r.Type]
	var out []int64
	for _, t := range taxes {
		if t.String("amount_type") == want && !t.Bool("price_include") && math.Abs(t.Float("amount")-r.Rate) < 1e-6 {
			out = append(out, t.ID())
		}
	}
	return out
}

// createTax creates the Odoo sale tax of an OpenCart rate, price excluded.
func (a *Activities) createTax(ctx context.Context, r opencart.TaxRate) (int64, error) {
	kind := map[string]string{"P": "percent", "F": "fixed"}[r.Type]
	if kind == "" {
		return 0, fmt.Errorf("tax rate %d has type %q, neither P (percent) nor F (fixed)", r.ID, r.Type)
	}
	values := odoo.Values{"name": "OpenCart: " + taxRateLabel(r), "amount": r.Rate, "amount_type": kind, "type_tax_use": "sale",
		"include_base_amount": false}
	// Odoo 18 replaced the price_include flag with price_include_override (pkg/odoo's Schema does not
	// name it yet).
	if a.ERP.Version().AtLeast(18, 0) {
		values["price_include_override"] = "tax_excluded"
	} else {
		values["price_include"] = false
	}
	return a.createOne(ctx, "account.tax", values)
}

// taxRateLabel names a rate for people: its name, or its id when unnamed.
func taxRateLabel(r opencart.TaxRate) string {
	if r.Name != "" {
		return r.Name
	}
	return "tax rate " + strconv.Itoa(r.ID)
}

// taxContext is the order's tax situation as OpenCart's cart sees it.
func (b *orderBuilder) taxContext(ctx context.Context) (opencart.TaxContext, error) {
	o := b.o
	tc := opencart.TaxContext{CustomerGroupID: o.CustomerGroupID}
	if a := o.PaymentAddress; a.CountryID != 0 {
		tc.Payment = &opencart.Location{CountryID: a.CountryID, ZoneID: a.ZoneID}
	}
	if a := o.ShippingAddress; a.CountryID != 0 {
		tc.Shipping = &opencart.Location{CountryID: a.CountryID, ZoneID: a.ZoneID}
	}
	country, err := b.settingInt(ctx, "config_country_id")
	if err != nil {
		return tc, err
	}
	zone, err := b.settingInt(ctx, "config_zone_id")
	if err != nil {
		return tc, err
	}
	if country != 0 {
		tc.Store = &opencart.Location{CountryID: country, ZoneID: zone}
	}
	return tc, nil
}

// settingInt reads an integer setting of the order's store (0 when unset or not a number).
func (b *orderBuilder) settingInt(ctx context.Context, key string) (int, error) {
	n, err := b.a.Orders.memo.remembered(ctx, "setting:"+strconv.Itoa(b.o.StoreID)+":"+key, func(ctx context.Context) (int64, error) {
		v, _, err := b.a.Shop.Setting(ctx, b.o.StoreID, key)
		n, _ := strconv.ParseInt(v, 10, 64)
		return n, err
	})
	return int(n), err
}

// taxClasses returns the tax class of each line's product (0 for products the shop no longer has).
func (a *Activities) taxClasses(ctx context.Context, lines []opencart.OrderLine) (map[int]int, error) {
	classOf := map[int]int{}
	var ask []int
	for _, l := range lines {
		if class, ok := a.Orders.memo.lookup("tax-class:" + strconv.Itoa(l.ProductID)); ok {
			classOf[l.ProductID] = int(class)
		} else if !slices.Contains(ask, l.ProductID) {
			ask = append(ask, l.ProductID)
		}
	}
	if len(ask) == 0 {
		return classOf, nil
	}
	products, err := a.Shop.ProductsByID(ctx, ask)
	if err != nil {
		return nil, err
	}
	for _, p := range products {
		classOf[p.ID] = p.TaxClassID
		a.Orders.memo.put("tax-class:"+strconv.Itoa(p.ID), int64(p.TaxClassID))
	}
	return classOf, nil
}
