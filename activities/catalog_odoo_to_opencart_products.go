package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"math"
	"os"
	"slices"
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
//   - model and SKU: default_code (model ODOO-<template id> without one; OpenCart requires a model);
//     barcode: 12 digits → UPC, 8, 13 or 14 digits → EAN, anything else is not written.
//   - price: list_price without tax (see the price rule in catalog_odoo_to_opencart_prices.go).
//   - name and description (description_sale as text, else description) in every shop language.
//   - status: active and can be sold; quantity: qty_available (whole units, rounded down); subtract
//     for storable products only; shipping unless a service; weight.
//   - category: the one categ_id maps to — only that leaf, as OpenCart's admin links products.
//   - tax class: see taxClasses.
//
// Configurable templates (with attribute lines) offer one required product option per attribute and
// one option value per attribute value on the template, with the price extra as a +/− delta and
// subtract set. OpenCart keeps option stock per value, not per combination: a value's quantity is the
// sum of the stock of the variants having it — exact for one attribute, an upper bound for each
// combination when there are several. Attributes that make no variants give their values no stock and
// no subtract.
//
// On OpenCart 4 with CATALOG_OPENCART_VARIANTS=products a configurable template becomes instead a master
// product offering the options (without deltas or stock) plus one variant product per Odoo variant, with
// its own model, codes, price (list price plus its extras) and stock, as OpenCart 4's admin writes them.
//
// When OPENCART_IMAGE_DIR is set, image_1920 is written to catalog/bridge/<template id>.<ext> under it
// and becomes the product image; otherwise images are not read at all.
//
// Fields the bridge does not manage are kept on existing products (extra images, manufacturer,
// dimensions, meta texts, store links). An archived template that was never synced is not created; it
// counts as unchanged.

// Environment settings of the products stage.
const (
	envVariantsMode = "CATALOG_OPENCART_VARIANTS" // options (default) or products (OpenCart 4 only)
	envImageDir     = "OPENCART_IMAGE_DIR"
)

var (
	templateFields = []string{"name", "description", "description_sale", "default_code", "barcode", "list_price", "weight",
		"active", "sale_ok", "categ_id", "taxes_id", "qty_available", "attribute_line_ids"}
	variantFields = []string{"product_tmpl_id", "default_code", "barcode", "active", "qty_available", "product_template_attribute_value_ids"}
	ptavFields    = []string{"product_tmpl_id", "attribute_id", "product_attribute_value_id", "price_extra", "ptav_active"}
)

// productSync is what a page of templates needs besides the templates.
type productSync struct {
	run             *pageRun
	variantProducts bool                    // OpenCart 4 variant products instead of per-value stock
	imageDir        string                  // "" = images are not synced
	variants        map[int64][]odoo.Record // template → its variants (active ones unless it is archived)
	ptavs           map[int64][]odoo.Record // template → its attribute values
	taxes           map[int64]odoo.Record
	classes         *taxClasses
	defaults        shopDefaults
	// Pairs of the page's templates, variants, categories, attributes and attribute values.
	products, variantPairs, categories, attributes, values map[int64]mapping.Mapping
	notes                                                  map[string]int
}

// productPlan is one template on its way to the shop.
type productPlan struct {
	tmpl       odoo.Record
	want       opencart.Product
	odooFP     string
	openCartFP string
	prior      *mapping.Mapping // its pair before this attempt
	// variantIDs[i] is the Odoo variant of want.Variants[i] (variant products).
	variantIDs []int64
	// choices are, per Odoo variant, the option values that stand for it (per-value stock).
	choices map[int64][]int
	image   []byte // image_1920 decoded, when images are synced
	// target is the product in the shop (paired, or found by matching); madeByRun says a product found
	// by matching was made during this run.
	target    *opencart.ProductRecord
	madeByRun bool
	err       error
	verdict   verdict
}

func (d odooToOpenCart) syncProducts(ctx context.Context, run *pageRun) error {
	s := &productSync{run: run, imageDir: os.Getenv(envImageDir), notes: map[string]int{}}
	switch mode := os.Getenv(envVariantsMode); mode {
	case "", "options":
	case "products":
		s.variantProducts = d.Shop.Flavour().HasVariants()
		if !s.variantProducts {
			s.note(fmt.Sprintf("%s=products needs OpenCart 4 (this shop is %s): configurable products get options", envVariantsMode, d.Shop.Flavour()))
		}
	default:
		return fmt.Errorf("%s=%q: use options or products", envVariantsMode, mode)
	}
	fields := append(slices.Clone(templateFields), d.ERP.Schema().ProductTypeFields()...)
	if s.imageDir != "" {
		fields = append(fields, "image_1920")
	}
	tmpls, err := run.read(ctx, fields)
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
			if err := run.settle(ctx, mapping.KindProduct, p.tmpl.ID(), p.verdict, p.err); err != nil {
				return err
			}
		}
		run.advance(ctx, chunk[len(chunk)-1].ID())
	}
	return nil
}

// load reads, in one call per model, the variants, attribute values and taxes of a page of templates,
// and the pairs it refers to.
func (s *productSync) load(ctx context.Context, tmpls []odoo.Record) error {
	d := s.run.d
	s.variants, s.ptavs, s.taxes = map[int64][]odoo.Record{}, map[int64][]odoo.Record{}, map[int64]odoo.Record{}
	var configurable, taxIDs []int64
	active := map[int64]bool{}
	for _, t := range tmpls {
		if len(t.IDs("attribute_line_ids")) > 0 {
			configurable = append(configurable, t.ID())
		}
		active[t.ID()] = t.Bool("active")
		taxIDs = append(taxIDs, t.IDs("taxes_id")...)
	}
	var variantIDs, attributeIDs, valueIDs []int64
	if len(configurable) > 0 {
		inPage := odoo.Domain{odoo.Leaf("product_tmpl_id", "in", configurable)}
		variants, err := d.ERP.SearchRead(ctx, "product.product", odoo.Query{Domain: inPage, Fields: variantFields, Order: "id",
			Context: odoo.Context{"active_test": false}})
		if err != nil {
			return err
		}
		for _, v := range variants {
			tmpl := v.Int("product_tmpl_id")
			if v.Bool("active") || !active[tmpl] { // an archived template keeps its (archived) variants
				s.variants[tmpl] = append(s.variants[tmpl], v)
				variantIDs = append(variantIDs, v.ID())
			}
		}
		ptavs, err := d.ERP.SearchRead(ctx, "product.template.attribute.value", odoo.Query{Domain: inPage, Fields: ptavFields, Order: "id"})
		if err != nil {
			return err
		}
		for _, v := range ptavs {
			s.ptavs[v.Int("product_tmpl_id")] = append(s.ptavs[v.Int("product_tmpl_id")], v)
			attributeIDs = append(attributeIDs, v.Int("attribute_id"))
			valueIDs = append(valueIDs, v.Int("product_attribute_value_id"))
		}
	}
	if len(taxIDs) > 0 {
		slices.Sort(taxIDs)
		taxes, err := d.ERP.Read(ctx, "account.tax", slices.Compact(taxIDs), taxFields, odoo.Context{"active_test": false})
		if err != nil {
			return err
		}
		for _, t := range taxes {
			s.taxes[t.ID()] = t
		}
	}
	categoryIDs := make([]int64, len(tmpls))
	for i, t := range tmpls {
		categoryIDs[i] = t.Int("categ_id")
	}
	var err error
	for _, load := range []struct {
		kind mapping.Kind
		ids  []int64
		into *map[int64]mapping.Mapping
	}{
		{mapping.KindProduct, odooIDs(tmpls), &s.products}, {mapping.KindVariant, variantIDs, &s.variantPairs},
		{mapping.KindCategory, categoryIDs, &s.categories}, {mapping.KindAttribute, attributeIDs, &s.attributes},
		{mapping.KindAttributeValue, valueIDs, &s.values},
	} {
		if *load.into, err = d.Store.ByOdooIDs(ctx, load.kind, load.ids); err != nil {
			return err
		}
	}
	if s.classes, err = d.loadTaxClasses(ctx, s.taxes); err != nil {
		return err
	}
	s.defaults, err = d.loadShopDefaults(ctx)
	return err
}

// plan builds the product a template should be in the shop, or the reason it cannot be.
func (s *productSync) plan(t odoo.Record) *productPlan {
	shop := s.run.d.Shop
	p := &productPlan{tmpl: t, prior: pairOf(s.products, t.ID())}
	if p.err = checkTemplate(t); p.err != nil {
		return p
	}
	var taxes []odoo.Record
	for _, id := range t.IDs("taxes_id") {
		if tax, ok := s.taxes[id]; ok {
			taxes = append(taxes, tax)
		}
	}
	incl := includedTaxOf(taxes)
	class, note := s.classes.classFor(taxes)
	s.note(note)
	kind, _ := s.run.d.ERP.Schema().ProductKindOf(t)
	p.want = opencart.Product{
		Model:         templateModel(t),
		Codes:         s.codes(strings.TrimSpace(t.String("default_code")), t.String("barcode")),
		Price:         incl.price(t.Float("list_price")),
		Quantity:      wholeUnits(t.Float("qty_available")),
		Subtract:      kind == odoo.ProductStorable,
		Shipping:      kind != odoo.ProductService,
		Weight:        t.Float("weight"),
		TaxClassID:    class,
		Status:        t.Bool("active") && t.Bool("sale_ok"),
		StockStatusID: s.defaults.stockStatusID,
		WeightClassID: s.defaults.weightClassID,
		LengthClassID: s.defaults.lengthClassID,
		Minimum:       1,
		Descriptions:  languageTexts(shop, opencart.ProductDescription{Name: t.String("name"), Description: templateDescription(t)}),
	}
	if catID, ok := s.shopID(s.categories, t.Int("categ_id")); ok {
		p.want.Categories = []int{catID}
	} else {
		_, name, _ := t.Many2One("categ_id")
		s.note(fmt.Sprintf("category %q is not in the shop (it failed or was filtered out): its products are linked to no category until it syncs", name))
	}
	if p.err = s.planOptions(p, incl); p.err != nil {
		return p
	}
	if s.imageDir != "" {
		p.image = decodeImage(t.String("image_1920"))
		if p.image != nil && imageExtension(p.image) != "" {
			p.want.Image = imagePath(t.ID(), p.image)
		}
	}
	p.odooFP = s.odooFingerprint(t)
	p.openCartFP = openCartProductFingerprint(p.want)
	return p
}

// planOptions adds a configurable template's options and, in variant products mode, its variants.
func (s *productSync) planOptions(p *productPlan, incl includedTax) error {
	t := p.tmpl
	variants := s.variants[t.ID()]
	stock := map[int64]float64{}   // ptav → stock of the variants having it
	onVariants := map[int64]bool{} // attributes that make variants
	for _, v := range variants {
		for _, ptav := range v.IDs("product_template_attribute_value_ids") {
			stock[ptav] += v.Float("qty_available")
		}
	}
	byID := map[int64]odoo.Record{}
	var attributes []int64
	for _, ptav := range s.ptavs[t.ID()] {
		byID[ptav.ID()] = ptav
		if !slices.Contains(attributes, ptav.Int("attribute_id")) {
			attributes = append(attributes, ptav.Int("attribute_id"))
		}
	}
	for _, v := range variants {
		for _, ptav := range v.IDs("product_template_attribute_value_ids") {
			onVariants[byID[ptav].Int("attribute_id")] = true
		}
	}
	asVariants := s.variantProducts && len(variants) > 1
	optionOf := map[int64]int{} // ptav → option_id
	valueOf := map[int64]int{}  // ptav → option_value_id
	for _, attr := range attributes {
		optionID, ok := s.shopID(s.attributes, attr)
		if !ok {
			return missingOption(t, "attribute", attr)
		}
		option := opencart.ProductOption{OptionID: optionID, Required: true}
		for _, ptav := range s.ptavs[t.ID()] {
			if ptav.Int("attribute_id") != attr || !ptav.Bool("ptav_active") {
				continue
			}
			valueID, ok := s.shopID(s.values, ptav.Int("product_attribute_value_id"))
			if !ok {
				return missingOption(t, "attribute value", ptav.Int("product_attribute_value_id"))
			}
			value := opencart.ProductOptionValue{OptionValueID: valueID}
			if !asVariants {
				value.Quantity = wholeUnits(stock[ptav.ID()])
				value.Subtract = p.want.Subtract && onVariants[attr]
				value.Price = incl.delta(ptav.Float("price_extra"))
			}
			optionOf[ptav.ID()], valueOf[ptav.ID()] = option.OptionID, value.OptionValueID
			option.Values = append(option.Values, value)
		}
		if len(option.Values) > 0 {
			p.want.Options = append(p.want.Options, option)
		}
	}
	p.choices = map[int64][]int{}
	for _, v := range variants {
		variant := opencart.Variant{Model: variantModel(t, v), Codes: s.codes(strings.TrimSpace(v.String("default_code")), v.String("barcode")),
			Price: p.want.Price, Quantity: wholeUnits(v.Float("qty_available")), Status: p.want.Status, Selection: map[int]int{}}
		for _, ptav := range v.IDs("product_template_attribute_value_ids") {
			if _, ok := optionOf[ptav]; !ok {
				continue // its value is not offered (an archived line)
			}
			variant.Selection[optionOf[ptav]] = valueOf[ptav]
			variant.Price = roundTo(variant.Price+incl.delta(byID[ptav].Float("price_extra")), 4)
			p.choices[v.ID()] = append(p.choices[v.ID()], valueOf[ptav])
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
func (s *productSync) shopID(pairs map[int64]mapping.Mapping, odooID int64) (int, bool) {
	if m, ok := pairs[odooID]; ok {
		return openCartID(m), true
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
	barcode = strings.TrimSpace(barcode)
	digits := barcode != "" && strings.Trim(barcode, "0123456789") == ""
	switch {
	case barcode == "":
	case digits && len(barcode) == 12:
		c.UPC = barcode
	case digits && (len(barcode) == 8 || len(barcode) == 13 || len(barcode) == 14):
		c.EAN = barcode
	default:
		s.note(fmt.Sprintf("barcode %q is neither a UPC-A nor an EAN: not written to the shop", barcode))
	}
	return c
}

// templateDescription is the sales description as HTML, or else the description.
func templateDescription(t odoo.Record) string {
	if text := strings.TrimSpace(t.String("description_sale")); text != "" {
		return strings.ReplaceAll(html.EscapeString(text), "\n", "<br>")
	}
	return t.String("description")
}

// wholeUnits is stock in whole units: what can be sold, so rounded down.
func wholeUnits(qty float64) int { return int(math.Floor(qty + 1e-9)) }

// odooFingerprint covers the Odoo content a product is made of. Many2one values count by id (a renamed
// category changes no product) and the image by its digest.
func (s *productSync) odooFingerprint(t odoo.Record) string {
	var taxes []odoo.Record
	for _, id := range t.IDs("taxes_id") {
		taxes = append(taxes, s.taxes[id])
	}
	return mapping.Fingerprint(struct {
		Template         odoo.Record
		Variants, Values []odoo.Record
		Taxes            []odoo.Record
	}{stable(t), stableAll(s.variants[t.ID()]), stableAll(s.ptavs[t.ID()]), stableAll(taxes)})
}

// stable is a record as fingerprints see it: many2one values ([id, "name"]) by id, the image by digest.
func stable(r odoo.Record) odoo.Record {
	out := odoo.Record{}
	for k, v := range r {
		if pair, ok := v.([]any); ok && len(pair) == 2 {
			if _, named := pair[1].(string); named {
				v = pair[0]
			}
		}
		if k == "image_1920" {
			sum := sha256.Sum256([]byte(r.String(k)))
			v = hex.EncodeToString(sum[:])
		}
		out[k] = v
	}
	return out
}

func stableAll(rs []odoo.Record) []odoo.Record {
	out := make([]odoo.Record, len(rs))
	for i, r := range rs {
		out[i] = stable(r)
	}
	return out
}

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
