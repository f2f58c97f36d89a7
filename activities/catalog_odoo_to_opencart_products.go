package activities

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.temporal.io/sdk/activity"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// Products: one product.template becomes one OpenCart product.
//
//   - model and SKU: default_code (without one: the model the product has in the shop when it is
//     configurable, else ODOO-<template id>; OpenCart requires a model); barcode: 12 digits → UPC, 8, 13
//     or 14 digits → EAN, anything else is not written.
//   - price: list_price without tax (see includedTax in catalog_match.go).
//   - name and description (description_sale as text, else description) in every shop language.
//   - status: active and can be sold; subtract for storable products only; shipping unless a service;
//     weight.
//   - category: the one categ_id maps to. An existing product whose deepest paired category already is
//     that one keeps its categories (the other direction reads them so).
//   - tax class and stock: set when the product is created (see taxClasses; qty_available in whole
//     units, rounded down). Afterwards the shop keeps its tax class (unless it has none) and the
//     inventory sync its quantities: neither is catalog content.
//
// Configurable templates (with attribute lines) offer one required product option per attribute and
// one option value per attribute value on the template, with the price extra as a +/− delta and
// subtract set. OpenCart keeps option stock per value, not per combination: a new value's quantity is
// the sum of the stock of the variants having it — exact for one attribute, an upper bound for each
// combination when there are several. Attributes that make no variants give their values no stock and
// no subtract.
//
// On OpenCart 4 with CATALOG_OPENCART_VARIANTS=products a configurable template becomes instead a master
// product offering the options plus one variant product per Odoo variant, with its own model, codes,
// price (list price plus its extras) and stock, as OpenCart 4's admin writes them; the options that make
// the variants then carry no deltas (the cart would add them to the variant's price).
//
// When OPENCART_IMAGE_DIR is set, image_1920 is written to catalog/bridge/<template id>.<ext> under it
// and becomes the product image; otherwise images are not read at all.
//
// Fields the bridge does not manage are kept on existing products (extra images, manufacturer,
// dimensions, meta texts, store links, options that are no choice such as text fields). An archived
// template that was never synced is not created; it counts as unchanged.

var (
	// o2ocTemplateExtra and o2ocVariantExtra are read besides the content's fields: stock for new
	// products, variant barcodes.
	o2ocTemplateExtra = []string{"qty_available"}
	o2ocVariantExtra  = []string{"barcode", "qty_available"}
)

// productSync is what a page of templates needs besides the templates.
type productSync struct {
	run      *pageRun
	parts    odooProductParts
	classes  *taxClasses
	defaults shopDefaults
	// Pairs of the page's templates and variants.
	products, variantPairs map[int64]mapping.Mapping
	notes                  map[string]int
}

// productPlan is one template on its way to the shop.
type productPlan struct {
	tmpl  odoo.Record
	want  opencart.Product
	srcFP string           // fingerprint of its content in Odoo
	prior *mapping.Mapping // its pair before this attempt
	// variantIDs[i] is the Odoo variant of want.Variants[i] (variant products).
	variantIDs []int64
	// choices are, per Odoo variant, the option values that stand for it (per-value stock).
	choices map[int64][]int
	image   []byte // image_1920 decoded, when images are synced
	// target is the product in the shop (paired, or found by matching) with its variant products;
	// madeByRun says a product found by matching was made during this run.
	target         *opencart.ProductRecord
	targetVariants []opencart.ProductRecord
	madeByRun      bool
	// final is the product as the shop holds it after the attempt (written and read back, or found
	// agreeing), with its variant products.
	final         *opencart.ProductRecord
	finalVariants []opencart.ProductRecord
	err           error
	result        recordResult
}

func (d odooToOpenCart) syncProducts(ctx context.Context, run *pageRun) error {
	s := &productSync{run: run, notes: map[string]int{}}
	if run.settings.VariantProducts && !run.rules.variantProducts {
		s.note(fmt.Sprintf("%s=products needs OpenCart 4 (this shop is %s): configurable products get options", envVariantsMode, d.Shop.Flavour()))
	}
	tmpls, err := run.read(ctx, run.rules.templateFields(o2ocTemplateExtra...))
	if err != nil || len(tmpls) == 0 {
		return err
	}
	if err := s.load(ctx, tmpls); err != nil {
		return err
	}
	defer s.logNotes(ctx)
	for _, chunk := range chunks(tmpls) {
		plans := make([]*productPlan, len(chunk))
		for i, t := range chunk {
			plans[i] = s.plan(t)
		}
		if err := s.write(ctx, plans); err != nil {
			return err
		}
		for _, p := range plans {
			if err := run.settle(ctx, mapping.KindProduct, p.tmpl.ID(), p.result, p.err); err != nil {
				return err
			}
		}
		run.advance(ctx, chunk[len(chunk)-1].ID())
	}
	return nil
}

// load reads, in one call per model, the variants, attribute values and taxes of a page of templates,
// and the pairs they refer to.
func (s *productSync) load(ctx context.Context, tmpls []odoo.Record) error {
	d, r := s.run.d, s.run.refs
	var err error
	if s.parts, err = loadOdooProductParts(ctx, d.ERP, tmpls, o2ocVariantExtra...); err != nil {
		return err
	}
	var variantIDs, attributeIDs, valueIDs []int64
	for _, t := range tmpls {
		for _, v := range s.parts.variants[t.ID()] {
			variantIDs = append(variantIDs, v.ID())
		}
		for _, ptav := range s.parts.ptavs[t.ID()] {
			attributeIDs = append(attributeIDs, ptav.Int("attribute_id"))
			valueIDs = append(valueIDs, ptav.Int("product_attribute_value_id"))
		}
	}
	categoryIDs := make([]int64, len(tmpls))
	for i, t := range tmpls {
		categoryIDs[i] = t.Int("categ_id")
	}
	if s.products, err = d.Store.ByOdooIDs(ctx, mapping.KindProduct, odooIDs(tmpls)); err != nil {
		return err
	}
	if s.variantPairs, err = d.Store.ByOdooIDs(ctx, mapping.KindVariant, variantIDs); err != nil {
		return err
	}
	for kind, ids := range map[mapping.Kind][]int64{mapping.KindCategory: categoryIDs, mapping.KindAttribute: attributeIDs,
		mapping.KindAttributeValue: valueIDs} {
		if err := r.loadOdoo(ctx, d.Store, kind, ids); err != nil {
			return err
		}
	}
	if s.classes, err = d.loadTaxClasses(ctx, s.parts.taxes); err != nil {
		return err
	}
	s.defaults, err = d.loadShopDefaults(ctx)
	return err
}

// plan builds the product a template should be in the shop, or the reason it cannot be.
func (s *productSync) plan(t odoo.Record) *productPlan {
	run := s.run
	p := &productPlan{tmpl: t, prior: pairOf(s.products, t.ID())}
	if p.err = checkTemplate(t); p.err != nil {
		return p
	}
	content := odooProductContent(t, s.parts, run.refs, run.rules)
	p.srcFP = run.rules.fingerprint(content)
	incl := includedTaxOf(s.parts.taxesOf(t))
	class, note := s.classes.classFor(s.parts.taxesOf(t))
	s.note(note)
	kind, _ := run.rules.schema.ProductKindOf(t)
	code := strings.TrimSpace(t.String("default_code"))
	p.want = opencart.Product{
		Model:         templateModel(t),
		Codes:         s.codes(code, t.String("barcode")),
		Price:         content.Price,
		Quantity:      wholeUnits(t.Float("qty_available")),
		Subtract:      kind == odoo.ProductStorable,
		Shipping:      content.Shipping,
		Weight:        t.Float("weight"),
		TaxClassID:    class,
		Status:        content.Active,
		StockStatusID: s.defaults.stockStatusID,
		WeightClassID: s.defaults.weightClassID,
		LengthClassID: s.defaults.lengthClassID,
		Minimum:       1,
		Descriptions:  languageTexts(run.d.Shop, opencart.ProductDescription{Name: t.String("name"), Description: content.Description}),
	}
	if id, ok := s.shopID(mapping.KindCategory, t.Int("categ_id")); ok {
		p.want.Categories = []int{id}
	} else {
		_, name, _ := t.Many2One("categ_id")
		s.note(fmt.Sprintf("category %q is not in the shop (it failed or was filtered out): its products are linked to no category until it syncs", name))
	}
	if p.err = s.planOptions(p, incl); p.err != nil {
		return p
	}
	if run.rules.imageDir != "" {
		p.image = decodeImage(t.String("image_1920"))
		if imageExtension(p.image) != "" {
			p.want.Image = imagePath(t.ID(), p.image)
		}
	}
	return p
}

// planOptions adds a configurable template's options and, in variant products mode, its variants.
func (s *productSync) planOptions(p *productPlan, incl includedTax) error {
	t, parts := p.tmpl, s.parts
	variants := parts.variants[t.ID()]
	stock := map[int64]float64{} // ptav → stock of the variants having it
	for _, v := range variants {
		for _, ptav := range v.IDs("product_template_attribute_value_ids") {
			stock[ptav] += v.Float("qty_available")
		}
	}
	asVariants := parts.asVariantProducts(t.ID(), s.run.rules)
	lines := parts.lines(t.ID())
	optionOf := map[int64]int{} // ptav → option_id
	valueOf := map[int64]int{}  // ptav → option_value_id
	for _, l := range lines {
		optionID, ok := s.shopID(mapping.KindAttribute, l.attribute)
		if !ok {
			return missingOption(t, "attribute", l.attribute)
		}
		option := opencart.ProductOption{OptionID: optionID, Required: true}
		for _, ptav := range l.ptavs {
			valueID, ok := s.shopID(mapping.KindAttributeValue, ptav.Int("product_attribute_value_id"))
			if !ok {
				return missingOption(t, "attribute value", ptav.Int("product_attribute_value_id"))
			}
			value := opencart.ProductOptionValue{OptionValueID: valueID, Quantity: wholeUnits(stock[ptav.ID()]),
				Subtract: p.want.Subtract && l.onVariants, Price: incl.delta(ptav.Float("price_extra"))}
			if asVariants && l.onVariants {
				value.Quantity, value.Subtract, value.Price = 0, false, 0 // the variant products carry them
			}
			optionOf[ptav.ID()], valueOf[ptav.ID()] = option.OptionID, value.OptionValueID
			option.Values = append(option.Values, value)
		}
		p.want.Options = append(p.want.Options, option)
	}
	offered := offeredValues(lines)
	p.choices = map[int64][]int{}
	for _, v := range variants {
		variant := opencart.Variant{Model: variantModel(t, v), Codes: s.codes(strings.TrimSpace(v.String("default_code")), v.String("barcode")),
			Price: variantPrice(p.want.Price, incl, v, offered), Quantity: wholeUnits(v.Float("qty_available")), Status: p.want.Status,
			Selection: map[int]int{}}
		for _, ptav := range v.IDs("product_template_attribute_value_ids") {
			if _, ok := offered[ptav]; ok {
				variant.Selection[optionOf[ptav]] = valueOf[ptav]
				p.choices[v.ID()] = append(p.choices[v.ID()], valueOf[ptav])
			}
		}
		if asVariants && len(variant.Selection) > 0 {
			p.want.Variants = append(p.want.Variants, variant)
			p.variantIDs = append(p.variantIDs, v.ID())
		}
	}
	return nil
}

// shopID is the shop id an Odoo record is paired with. A dry run pairs nothing, so it stands in a
// placeholder for records of earlier stages that are not paired yet: it assumes they would sync.
func (s *productSync) shopID(kind mapping.Kind, odooID int64) (int, bool) {
	if id := s.run.refs.toShop[kind][odooID]; id != 0 {
		return id, true
	}
	return -int(odooID), s.run.page.DryRun
}

func missingOption(t odoo.Record, what string, id int64) error {
	return &syncerr.Invalid{Kind: string(mapping.KindProduct), RecordID: strconv.FormatInt(t.ID(), 10), Field: "attribute_line_ids",
		Reason: fmt.Sprintf("its %s %d is not in the shop yet (or failed to sync)", what, id),
		Fix:    "sync the attributes stage (and fix its failures), then replay this product"}
}

// checkTemplate refuses what OpenCart would refuse, naming the fix.
func checkTemplate(t odoo.Record) error {
	id := strconv.FormatInt(t.ID(), 10)
	switch {
	case matchName(t.String("name")) == "":
		return &syncerr.Invalid{Kind: string(mapping.KindProduct), RecordID: id, Field: "name",
			Reason: "the product has no name; OpenCart requires one", Fix: "name the product in Odoo, then replay"}
	case len([]rune(templateModel(t))) > 64:
		return &syncerr.Invalid{Kind: string(mapping.KindProduct), RecordID: id, Field: "default_code",
			Reason: fmt.Sprintf("internal reference %q is longer than OpenCart's 64-character model", t.String("default_code")),
			Fix:    "shorten the internal reference in Odoo to 64 characters, then replay"}
	}
	return nil
}

// templateModel is the OpenCart model of a template: its internal reference, or ODOO-<id>.
func templateModel(t odoo.Record) string {
	if code := strings.TrimSpace(t.String("default_code")); code != "" {
		return code
	}
	return "ODOO-" + strconv.FormatInt(t.ID(), 10)
}

// variantModel is the OpenCart model of a variant product: its internal reference, or
// ODOO-<template id>-<variant id>.
func variantModel(t, v odoo.Record) string {
	if code := strings.TrimSpace(v.String("default_code")); code != "" {
		return code
	}
	return fmt.Sprintf("ODOO-%d-%d", t.ID(), v.ID())
}

// codes files the internal reference as SKU and the barcode as UPC (12 digits) or EAN (8, 13, 14).
func (s *productSync) codes(sku, barcode string) opencart.ProductCodes {
	c := opencart.ProductCodes{SKU: sku}
	switch valid := validBarcode(barcode); {
	case valid == "" && strings.TrimSpace(barcode) != "":
		s.note(fmt.Sprintf("barcode %q is neither a UPC-A nor an EAN: not written to the shop", strings.TrimSpace(barcode)))
	case len(valid) == 12:
		c.UPC = valid
	default:
		c.EAN = valid
	}
	return c
}

// wholeUnits is stock in whole units: what can be sold, so rounded down.
func wholeUnits(qty float64) int { return int(math.Floor(qty + 1e-9)) }

// note keeps a remark for the page's log (a missing tax class, an unusable barcode).
func (s *productSync) note(msg string) {
	if msg != "" {
		s.notes[msg]++
	}
}

func (s *productSync) logNotes(ctx context.Context) {
	if !activity.IsActivity(ctx) {
		return
	}
	for msg, n := range s.notes {
		activity.GetLogger(ctx).Warn("catalog sync note", "stage", StageProducts, "products", n, "note", msg)
	}
}
