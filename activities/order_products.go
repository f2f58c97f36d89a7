package activities

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Order lines name Odoo variants the way the catalog sync keys them (mapping kind "variant"):
//   - a 4.x variant product by its own product id;
//   - a product whose select/radio option values define variants by "<product_id>:<pov>,<pov>" (the
//     product_option_value ids, ascending); checkbox and text options define no variant;
//   - any other product by its template (kind "product") and that template's only variant.
//
// A product with no mapping at all is synced first (RecordSync child workflows: its choice options, then
// the product); still unmapped after that, the line is the order's fault and is reported with the
// product to fix.

// lineVariantKey is the variant mapping key of a line, "" for lines whose product has no variants.
func lineVariantKey(l opencart.OrderLine) string {
	if l.MasterID > 0 {
		return strconv.Itoa(l.ProductID)
	}
	var povs []int
	for _, opt := range l.Options {
		if opt.ProductOptionValueID > 0 && (opt.Type == "select" || opt.Type == "radio") {
			povs = append(povs, opt.ProductOptionValueID)
		}
	}
	if len(povs) == 0 {
		return ""
	}
	slices.Sort(povs)
	parts := make([]string, len(povs))
	for i, p := range povs {
		parts[i] = strconv.Itoa(p)
	}
	return fmt.Sprintf("%d:%s", l.ProductID, strings.Join(parts, ","))
}

// lineTemplateProduct is the OpenCart product whose template holds the line's variant.
func lineTemplateProduct(l opencart.OrderLine) int {
	if l.MasterID > 0 {
		return l.MasterID
	}
	return l.ProductID
}

// resolveProducts finds the Odoo variant of every line, or lists the products to sync first.
func (b *orderBuilder) resolveProducts(ctx context.Context) error {
	var variantKeys, templateKeys []string
	for _, l := range b.o.Lines {
		if key := lineVariantKey(l); key != "" {
			variantKeys = append(variantKeys, key)
		} else {
			variantKeys = append(variantKeys, strconv.Itoa(l.ProductID))
		}
		templateKeys = append(templateKeys, strconv.Itoa(lineTemplateProduct(l)))
	}
	variants, err := b.a.Store.ByOpenCartIDs(ctx, mapping.KindVariant, variantKeys)
	if err != nil {
		return err
	}
	templates, err := b.a.Store.ByOpenCartIDs(ctx, mapping.KindProduct, templateKeys)
	if err != nil {
		return err
	}
	b.variants = make([]int64, len(b.o.Lines))
	var single []int64 // templates whose only variant the lines need
	for i, l := range b.o.Lines {
		if v, ok := variants[variantKeys[i]]; ok {
			b.variants[i] = v.OdooID
			continue
		}
		tmpl, mapped := templates[templateKeys[i]]
		synced := b.synced[int64(l.ProductID)]
		switch {
		case !mapped && !synced:
			b.unmapped(int64(l.ProductID))
		case !mapped:
			return recordInvalid(mapping.KindOrder, int64(b.o.ID), "order_product", fmt.Sprintf("product %d (%q) did not sync to Odoo", l.ProductID, l.Name),
				fmt.Sprintf("fix product %d (`starter failures --kind product` shows why), then replay the order", l.ProductID))
		case lineVariantKey(l) != "" && !synced:
			b.unmapped(int64(l.ProductID)) // the options may be newer than the product's last sync
		case lineVariantKey(l) != "":
			return recordInvalid(mapping.KindOrder, int64(b.o.ID), "order_option", fmt.Sprintf("no Odoo variant of product %d (%q) stands for the options chosen (%s)",
				l.ProductID, l.Name, optionSummary(l)), fmt.Sprintf("sync product %d so that Odoo has that combination, then replay the order", l.ProductID))
		default:
			single = append(single, tmpl.OdooID)
			b.variants[i] = -tmpl.OdooID // resolved below
		}
	}
	if len(b.plan.UnmappedProducts) > 0 {
		return b.findUnmappedOptions(ctx)
	}
	if len(single) == 0 {
		return nil
	}
	only, err := b.a.singleVariants(ctx, single)
	if err != nil {
		return err
	}
	for i, l := range b.o.Lines {
		if b.variants[i] >= 0 {
			continue
		}
		v, ok := only[-b.variants[i]]
		if !ok {
			return recordInvalid(mapping.KindOrder, int64(b.o.ID), "order_product", fmt.Sprintf("product %d (%q) has several variants in Odoo (template %d) but the order line chooses none",
				l.ProductID, l.Name, -b.variants[i]), "give the product select/radio options in the shop that match its Odoo variants, or map the line's product by hand, then replay")
		}
		b.variants[i] = v
	}
	return nil
}

// findUnmappedOptions lists the choice options (select, radio, checkbox) of the products to sync that
// are not synced to Odoo attributes yet: the catalog syncs a product only after its options.
func (b *orderBuilder) findUnmappedOptions(ctx context.Context) error {
	var ids []int
	for _, l := range b.o.Lines {
		if slices.Contains(b.plan.UnmappedProducts, int64(l.ProductID)) {
			ids = append(ids, lineTemplateProduct(l))
		}
	}
	products, err := b.a.Shop.ProductsByID(ctx, ids)
	if err != nil {
		return err
	}
	var options []string
	for _, p := range products {
		for i, o := range p.Options {
			if t := p.OptionKeys[i].Type; t == "select" || t == "radio" || t == "checkbox" {
				options = append(options, strconv.Itoa(o.OptionID))
			}
		}
	}
	mapped, err := b.a.Store.ByOpenCartIDs(ctx, mapping.KindAttribute, options)
	if err != nil {
		return err
	}
	for _, o := range options {
		id, _ := strconv.ParseInt(o, 10, 64)
		if _, ok := mapped[o]; !ok && !slices.Contains(b.plan.UnmappedOptions, id) {
			b.plan.UnmappedOptions = append(b.plan.UnmappedOptions, id)
		}
	}
	return nil
}

func (b *orderBuilder) unmapped(productID int64) {
	if !slices.Contains(b.plan.UnmappedProducts, productID) {
		b.plan.UnmappedProducts = append(b.plan.UnmappedProducts, productID)
	}
}

// singleVariants returns the only active variant of each template that has exactly one.
func (a *Activities) singleVariants(ctx context.Context, templates []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	var ask []int64
	for _, t := range slices.Compact(slices.Sorted(slices.Values(templates))) {
		if id, ok := a.Orders.memo.lookup("variant:" + strconv.FormatInt(t, 10)); ok {
			out[t] = id
		} else {
			ask = append(ask, t)
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	rows, err := a.ERP.SearchRead(ctx, "product.product", odoo.Query{
		Domain: odoo.Domain{odoo.Leaf("product_tmpl_id", "in", ask)},
		Fields: []string{"product_tmpl_id"},
	})
	if err != nil {
		return nil, err
	}
	count := map[int64]int{}
	for _, r := range rows {
		t := r.Int("product_tmpl_id")
		count[t]++
		out[t] = r.ID()
	}
	for t, n := range count {
		if n != 1 {
			delete(out, t)
			continue
		}
		a.Orders.memo.put("variant:"+strconv.FormatInt(t, 10), out[t])
	}
	return out, nil
}

// optionSummary renders a line's options as "Size: L, Colour: Red".
func optionSummary(l opencart.OrderLine) string {
	parts := make([]string, len(l.Options))
	for i, opt := range l.Options {
		parts[i] = opt.Name + ": " + opt.Value
	}
	return strings.Join(parts, ", ")
}
