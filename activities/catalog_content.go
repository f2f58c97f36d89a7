package activities

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// The content models. Each catalog kind has one model of its content, holding only what both sides can
// hold and read back (no stock, no tax class, no SEO texts), in one normal form. Each direction computes
// it from either side: from the source to see whether it changed, from the target to see whether that
// changed too (a conflict) or already agrees (nothing to write). A pair stores, per side, the fingerprint
// of that side's content as the sync left it. When a side can hold everything the model has, both are
// equal; when it cannot (Odoo has no per-variant price override, the shop keeps option values Odoo
// deleted), each still is its own side's truth, so neither direction takes the other's writes for edits.
//
// References to other records (a category, an option, an option value) go through their pairs: a ref
// names both ids, and a side that has no pair for the record leaves the other id 0. A record re-paired on
// either side therefore changes the content of the records that refer to it.

// contentScheme starts the fingerprints of content models, followed by the tags of the settings that
// shape a product's content and a colon: "c1:…", "c1vi:…" (variant products, images). Fingerprints
// without it were stored by earlier versions (digests of one side's own fields). Fingerprints of
// another scheme are never compared for conflicts: a record carrying them is compared as content and
// re-fingerprinted, written only when the two sides disagree, so neither an upgrade nor a settings
// change is taken for a change on both sides.
const contentScheme = "c1"

func contentFingerprint(content any) string { return schemeFingerprint("", content) }

func schemeFingerprint(tags string, content any) string {
	return contentScheme + tags + ":" + mapping.Fingerprint(content)
}

func isContentFingerprint(fp string) bool {
	return strings.HasPrefix(fp, contentScheme) && strings.IndexByte(fp, ':') > 0
}

// sameScheme tells whether two fingerprints were made the same way.
func sameScheme(a, b string) bool {
	i, j := strings.IndexByte(a, ':'), strings.IndexByte(b, ':')
	return isContentFingerprint(a) && i == j && a[:i] == b[:j]
}

// ref is a reference to another catalog record by both of its ids.
type ref struct {
	OpenCart int   `json:"oc"`
	Odoo     int64 `json:"odoo"`
}

func compareRefs(a, b ref) int {
	return cmp.Or(cmp.Compare(a.OpenCart, b.OpenCart), cmp.Compare(a.Odoo, b.Odoo))
}

// refs resolves references through the stored pairs, loaded for the records a chunk refers to.
type refs struct {
	toShop map[mapping.Kind]map[int64]int
	toOdoo map[mapping.Kind]map[int]int64
	depth  map[int]int // paired shop categories → their depth in the shop's tree
}

func newRefs() *refs {
	return &refs{toShop: map[mapping.Kind]map[int64]int{}, toOdoo: map[mapping.Kind]map[int]int64{}, depth: map[int]int{}}
}

// add records pairs (of any kind); a pair replaces the ones its records had.
func (r *refs) add(pairs ...mapping.Mapping) {
	for _, m := range pairs {
		id := openCartID(m)
		toShop, toOdoo := r.toShop[m.Kind], r.toOdoo[m.Kind]
		if toShop == nil {
			toShop, toOdoo = map[int64]int{}, map[int]int64{}
			r.toShop[m.Kind], r.toOdoo[m.Kind] = toShop, toOdoo
		}
		if old, ok := toShop[m.OdooID]; ok && old != id {
			delete(toOdoo, old)
		}
		if old, ok := toOdoo[id]; ok && old != m.OdooID {
			delete(toShop, old)
		}
		toShop[m.OdooID], toOdoo[id] = id, m.OdooID
	}
}

// loadOdoo loads the pairs of Odoo records.
func (r *refs) loadOdoo(ctx context.Context, store *mapping.Store, kind mapping.Kind, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	pairs, err := store.ByOdooIDs(ctx, kind, sortedUnique(ids))
	for _, m := range pairs {
		r.add(m)
	}
	return err
}

// loadShop loads the pairs of shop records.
func (r *refs) loadShop(ctx context.Context, store *mapping.Store, kind mapping.Kind, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	pairs, err := store.ByOpenCartIDs(ctx, kind, idStrings(sortedUnique(ids)))
	for _, m := range pairs {
		r.add(m)
	}
	return err
}

// loadCategories loads the pairs of shop categories and the depth of the paired ones.
func (r *refs) loadCategories(ctx context.Context, store *mapping.Store, shop *opencart.DB, ids []int) error {
	if err := r.loadShop(ctx, store, mapping.KindCategory, ids); err != nil {
		return err
	}
	var unknown []int
	for _, id := range sortedUnique(ids) {
		if _, paired := r.toOdoo[mapping.KindCategory][id]; paired {
			if _, known := r.depth[id]; !known {
				unknown = append(unknown, id)
			}
		}
	}
	cats, err := shop.CategoriesByID(ctx, unknown)
	for _, c := range cats {
		r.depth[c.ID] = len(c.Path)
	}
	return err
}

// taken tells whether a shop record is already paired with an Odoo record.
func (r *refs) taken(kind mapping.Kind, id int) bool {
	_, ok := r.toOdoo[kind][id]
	return ok
}

func (r *refs) odoo(kind mapping.Kind, id int64) ref {
	return ref{OpenCart: r.toShop[kind][id], Odoo: id}
}

func (r *refs) shop(kind mapping.Kind, id int) ref {
	return ref{OpenCart: id, Odoo: r.toOdoo[kind][id]}
}

// odooCategory is a template's category as the shop can show it: none unless it is paired.
func (r *refs) odooCategory(id int64) ref {
	if c := r.odoo(mapping.KindCategory, id); c.OpenCart != 0 {
		return c
	}
	return ref{}
}

// deepestCategory is the category of a shop product as Odoo holds it: the deepest of its categories that
// is paired (ties: the lowest id), none when none is.
func (r *refs) deepestCategory(categories []int) ref {
	best := -1
	for _, c := range sortedUnique(categories) {
		if _, ok := r.toOdoo[mapping.KindCategory][c]; ok && (best < 0 || r.depth[c] > r.depth[best]) {
			best = c
		}
	}
	if best < 0 {
		return ref{}
	}
	return r.shop(mapping.KindCategory, best)
}

// Products.

// productContent is a product: a template with its lines and variants in Odoo, a product with its
// options (and, on OpenCart 4, its variant products) in the shop.
type productContent struct {
	Name        string `json:"name"`
	Description string `json:"description"` // the shop's HTML; Odoo's sales description, else its description
	// Code and Barcode are the Internal Reference and barcode of a product without variants (Odoo keeps
	// both on the variants of a configurable template): the model, unless it is the bridge's placeholder,
	// and the EAN, else the UPC, when it is a valid one.
	Code     string  `json:"code"`
	Barcode  string  `json:"barcode"`
	Price    float64 `json:"price"`  // the shop's price: without tax, 4 decimals (see includedTax)
	Weight   float64 `json:"weight"` // to Odoo's precision (2 decimals)
	Active   bool    `json:"active"` // Odoo: active and can be sold; the shop: enabled
	Shipping bool    `json:"shipping"`
	Category ref     `json:"category"`
	Image    string  `json:"image,omitempty"` // digest of the image, when images are synced
	// Options are the product's choice options with their values, by ref.
	Options []contentOption `json:"options"`
	// VariantProducts: the shop offers the variants as OpenCart 4 variant products; Variants are the
	// enabled ones. Their option values then carry no price delta of their own: the variants' prices hold
	// them.
	VariantProducts bool             `json:"variant_products"`
	Variants        []contentVariant `json:"variants"`
}

type contentOption struct {
	Option ref            `json:"option"`
	Values []contentValue `json:"values"`
}

type contentValue struct {
	Value ref     `json:"value"`
	Price float64 `json:"price"` // the shop's price delta
}

type contentVariant struct {
	Code   string  `json:"code"`
	Price  float64 `json:"price"`  // what it sells for, without tax
	Choice []ref   `json:"choice"` // its option values
}

func (c *productContent) normalise() {
	for i := range c.Options {
		slices.SortFunc(c.Options[i].Values, func(a, b contentValue) int { return compareRefs(a.Value, b.Value) })
	}
	slices.SortFunc(c.Options, func(a, b contentOption) int { return compareRefs(a.Option, b.Option) })
	for i := range c.Variants {
		slices.SortFunc(c.Variants[i].Choice, compareRefs)
	}
	slices.SortFunc(c.Variants, func(a, b contentVariant) int {
		return cmp.Or(strings.Compare(a.Code, b.Code), slices.CompareFunc(a.Choice, b.Choice, compareRefs))
	})
}

// contentRules are the settings that shape what a product's content is.
type contentRules struct {
	variantProducts bool   // configurable templates become OpenCart 4 variant products
	imageDir        string // "": images are not synced
	schema          odoo.Schema
	lang            int // the shop language names and descriptions are read in
}

// fingerprint is a product content's fingerprint, tagged with the rules that shaped it.
func (rules contentRules) fingerprint(c productContent) string {
	tags := ""
	if rules.variantProducts {
		tags += "v"
	}
	if rules.imageDir != "" {
		tags += "i"
	}
	return schemeFingerprint(tags, c)
}

func (a *Activities) contentRules(s CatalogSettings) contentRules {
	return contentRules{variantProducts: s.VariantProducts && a.Shop.Flavour().HasVariants(), imageDir: s.ImageDir,
		schema: a.ERP.Schema(), lang: a.Shop.DefaultLanguageID()}
}

// shopProductContent is the content of a shop product: its master row and, on OpenCart 4, its variant
// products.
func shopProductContent(master opencart.ProductRecord, variants []opencart.ProductRecord, r *refs, rules contentRules) productContent {
	d := master.Descriptions[rules.lang]
	c := productContent{Name: strings.TrimSpace(d.Name), Description: lineBreaks(d.Description), Price: roundTo(master.Price, 4),
		Weight: roundTo(master.Weight, 2), Active: master.Status, Shipping: master.Shipping,
		Category: r.deepestCategory(master.Categories), Image: rules.fileDigest(master.Image), VariantProducts: len(variants) > 0}
	configurable := c.VariantProducts
	for i, po := range master.Options {
		typ := master.OptionKeys[i].Type
		if !isChoiceOption(typ) || len(po.Values) == 0 {
			continue // a customer's input (text, date, file): no attribute
		}
		configurable = configurable || createsVariants(typ)
		o := contentOption{Option: r.shop(mapping.KindAttribute, po.OptionID)}
		for _, v := range po.Values {
			value := r.shop(mapping.KindAttributeValue, v.OptionValueID)
			if slices.ContainsFunc(o.Values, func(x contentValue) bool { return x.Value == value }) {
				continue // offered twice: one value
			}
			price := roundTo(v.Price, 4)
			if c.VariantProducts && createsVariants(typ) {
				price = 0
			}
			o.Values = append(o.Values, contentValue{Value: value, Price: price})
		}
		c.Options = append(c.Options, o)
	}
	if !configurable {
		c.Code, c.Barcode = shopModelCode(master.Model), shopBarcode(master.Codes)
	}
	for _, v := range variants {
		if v.Status {
			c.Variants = append(c.Variants, shopVariantContent(master, v, r))
		}
	}
	c.normalise()
	return c
}

// shopVariantContent is one variant product: its code, its price with the deltas of the values it
// chooses (the cart adds them), and those values.
func shopVariantContent(master, v opencart.ProductRecord, r *refs) contentVariant {
	out := contentVariant{Code: shopModelCode(v.Model)}
	price := v.Price
	for _, choice := range v.Variant {
		i := slices.IndexFunc(master.OptionKeys, func(k opencart.ProductOptionKeys) bool {
			return k.ProductOptionID == choice.ProductOptionID && createsVariants(k.Type)
		})
		if i < 0 || len(choice.Values) != 1 {
			continue // checkbox and text choices make no variant
		}
		pov, _ := strconv.Atoi(choice.Values[0])
		if j := slices.Index(master.OptionKeys[i].ValueIDs, pov); j >= 0 {
			value := master.Options[i].Values[j]
			price += value.Price
			out.Choice = append(out.Choice, r.shop(mapping.KindAttributeValue, value.OptionValueID))
		}
	}
	out.Price = roundTo(price, 4)
	return out
}

// variantRowFingerprint covers what the content reads of one OpenCart 4 variant product. Variant pairs
// store it on both sides: a variant product is judged as part of its master's product, and the
// fingerprint only lets the OpenCart → Odoo direction skip a variant row that did not change without
// reading its master.
func variantRowFingerprint(v opencart.ProductRecord) string {
	return contentFingerprint(struct {
		Code   string
		Choice []opencart.VariantChoice
		Price  float64
		Status bool
	}{shopModelCode(v.Model), v.Variant, roundTo(v.Price, 4), v.Status})
}

// optionVariantFingerprint is the fingerprint of a variant offered as option values, keyed
// "<product_id>:<product_option_value_id>,…": the key is all there is to it.
func optionVariantFingerprint(key string) string { return contentFingerprint(key) }

// Fields a product's content is read from in Odoo.
var (
	contentTemplateFields = []string{"name", "description", "description_sale", "default_code", "barcode", "list_price", "weight",
		"active", "sale_ok", "categ_id", "taxes_id", "attribute_line_ids"}
	contentVariantFields = []string{"product_tmpl_id", "default_code", "active", "product_template_attribute_value_ids"}
	contentPtavFields    = []string{"product_tmpl_id", "attribute_id", "product_attribute_value_id", "price_extra", "ptav_active"}
	contentTaxFields     = []string{"name", "amount", "amount_type", "price_include"}
)

// templateFields are the template fields to read for content under rules, plus extra.
func (rules contentRules) templateFields(extra ...string) []string {
	fields := slices.Concat(contentTemplateFields, rules.schema.ProductTypeFields(), extra)
	if rules.imageDir != "" {
		fields = append(fields, "image_1920")
	}
	return fields
}

// odooProductParts are what templates' content is made of besides the templates: their variants,
// attribute values and sale taxes.
type odooProductParts struct {
	variants map[int64][]odoo.Record // template → its variants: the active ones, all of an archived template
	ptavs    map[int64][]odoo.Record // template → its attribute values, by id
	taxes    map[int64]odoo.Record
}

// loadOdooProductParts reads the parts of templates in one call per model (variants with the content's
// fields plus extraVariantFields).
func loadOdooProductParts(ctx context.Context, erp *odoo.Client, tmpls []odoo.Record, extraVariantFields ...string) (odooProductParts, error) {
	parts := odooProductParts{variants: map[int64][]odoo.Record{}, ptavs: map[int64][]odoo.Record{}, taxes: map[int64]odoo.Record{}}
	var configurable, taxIDs []int64
	active := map[int64]bool{}
	for _, t := range tmpls {
		if len(t.IDs("attribute_line_ids")) > 0 {
			configurable = append(configurable, t.ID())
		}
		active[t.ID()] = t.Bool("active")
		taxIDs = append(taxIDs, t.IDs("taxes_id")...)
	}
	if len(configurable) > 0 {
		inTemplates := odoo.Domain{odoo.Leaf("product_tmpl_id", "in", configurable)}
		variants, err := erp.SearchRead(ctx, "product.product", odoo.Query{Domain: inTemplates,
			Fields: slices.Concat(contentVariantFields, extraVariantFields), Order: "id", Context: withArchived})
		if err != nil {
			return parts, err
		}
		for _, v := range variants {
			tmpl := v.Int("product_tmpl_id")
			if v.Bool("active") || !active[tmpl] { // an archived template keeps its (archived) variants
				parts.variants[tmpl] = append(parts.variants[tmpl], v)
			}
		}
		ptavs, err := erp.SearchRead(ctx, "product.template.attribute.value", odoo.Query{Domain: inTemplates, Fields: contentPtavFields, Order: "id"})
		if err != nil {
			return parts, err
		}
		for _, p := range ptavs {
			parts.ptavs[p.Int("product_tmpl_id")] = append(parts.ptavs[p.Int("product_tmpl_id")], p)
		}
	}
	if len(taxIDs) > 0 {
		taxes, err := erp.Read(ctx, "account.tax", sortedUnique(taxIDs), contentTaxFields, withArchived)
		if err != nil {
			return parts, err
		}
		for _, t := range taxes {
			parts.taxes[t.ID()] = t
		}
	}
	return parts, nil
}

// taxesOf are a template's sale taxes.
func (p odooProductParts) taxesOf(t odoo.Record) []odoo.Record {
	var out []odoo.Record
	for _, id := range t.IDs("taxes_id") {
		if tax, ok := p.taxes[id]; ok {
			out = append(out, tax)
		}
	}
	return out
}

// attributeLine is one attribute of a template with its active values, as the shop offers it.
type attributeLine struct {
	attribute  int64
	ptavs      []odoo.Record // active template attribute values, by id
	onVariants bool          // the attribute makes variants (its values appear on them)
}

// lines groups a template's active attribute values by attribute, in the order the attributes first
// appear.
func (p odooProductParts) lines(tmpl int64) []attributeLine {
	onVariants := map[int64]bool{} // ptav →
	for _, v := range p.variants[tmpl] {
		for _, id := range v.IDs("product_template_attribute_value_ids") {
			onVariants[id] = true
		}
	}
	var out []attributeLine
	for _, ptav := range p.ptavs[tmpl] {
		attr := ptav.Int("attribute_id")
		i := slices.IndexFunc(out, func(l attributeLine) bool { return l.attribute == attr })
		if i < 0 {
			out, i = append(out, attributeLine{attribute: attr}), len(out)
		}
		out[i].onVariants = out[i].onVariants || onVariants[ptav.ID()]
		if ptav.Bool("ptav_active") {
			out[i].ptavs = append(out[i].ptavs, ptav)
		}
	}
	return slices.DeleteFunc(out, func(l attributeLine) bool { return len(l.ptavs) == 0 })
}

// asVariantProducts tells whether a template goes to the shop as OpenCart 4 variant products.
func (p odooProductParts) asVariantProducts(tmpl int64, rules contentRules) bool {
	return rules.variantProducts && len(p.variants[tmpl]) > 1
}

// variantPrice is what a variant sells for in the shop: the template's price plus the extras of its
// offered values, each rounded as the shop stores it.
func variantPrice(base float64, incl includedTax, v odoo.Record, offered map[int64]odoo.Record) float64 {
	price := base
	for _, id := range v.IDs("product_template_attribute_value_ids") {
		if ptav, ok := offered[id]; ok {
			price = roundTo(price+incl.delta(ptav.Float("price_extra")), 4)
		}
	}
	return price
}

// offeredValues indexes the active attribute values of lines by ptav id.
func offeredValues(lines []attributeLine) map[int64]odoo.Record {
	out := map[int64]odoo.Record{}
	for _, l := range lines {
		for _, ptav := range l.ptavs {
			out[ptav.ID()] = ptav
		}
	}
	return out
}

// odooProductContent is the content of a template, read with contentTemplateFields and its parts.
func odooProductContent(t odoo.Record, parts odooProductParts, r *refs, rules contentRules) productContent {
	incl := includedTaxOf(parts.taxesOf(t))
	kind, _ := rules.schema.ProductKindOf(t)
	c := productContent{Name: strings.TrimSpace(t.String("name")), Description: lineBreaks(templateDescription(t)), Price: incl.price(t.Float("list_price")),
		Weight: roundTo(t.Float("weight"), 2), Active: t.Bool("active") && t.Bool("sale_ok"), Shipping: kind != odoo.ProductService,
		Category: r.odooCategory(t.Int("categ_id")), VariantProducts: parts.asVariantProducts(t.ID(), rules)}
	if rules.imageDir != "" {
		if data := decodeImage(t.String("image_1920")); imageExtension(data) != "" {
			c.Image = digest(data)
		}
	}
	lines := parts.lines(t.ID())
	configurable := false
	for _, l := range lines {
		configurable = configurable || l.onVariants
		o := contentOption{Option: r.odoo(mapping.KindAttribute, l.attribute)}
		for _, ptav := range l.ptavs {
			price := incl.delta(ptav.Float("price_extra"))
			if c.VariantProducts && l.onVariants {
				price = 0
			}
			o.Values = append(o.Values, contentValue{Value: r.odoo(mapping.KindAttributeValue, ptav.Int("product_attribute_value_id")), Price: price})
		}
		c.Options = append(c.Options, o)
	}
	if !configurable {
		c.Code, c.Barcode = strings.TrimSpace(t.String("default_code")), validBarcode(t.String("barcode"))
	}
	if c.VariantProducts && c.Active {
		offered := offeredValues(lines)
		for _, v := range parts.variants[t.ID()] {
			cv := contentVariant{Code: strings.TrimSpace(v.String("default_code")), Price: variantPrice(c.Price, incl, v, offered)}
			for _, id := range v.IDs("product_template_attribute_value_ids") {
				if ptav, ok := offered[id]; ok {
					cv.Choice = append(cv.Choice, r.odoo(mapping.KindAttributeValue, ptav.Int("product_attribute_value_id")))
				}
			}
			if v.Bool("active") && len(cv.Choice) > 0 {
				c.Variants = append(c.Variants, cv)
			}
		}
	}
	c.normalise()
	return c
}

// Categories.

type categoryContent struct {
	Name   string `json:"name"`
	Parent ref    `json:"parent"` // zero at the top
}

func shopCategoryContent(c opencart.Category, r *refs, lang int) categoryContent {
	out := categoryContent{Name: strings.TrimSpace(c.Descriptions[lang].Name)}
	if c.ParentID != 0 {
		out.Parent = r.shop(mapping.KindCategory, c.ParentID)
	}
	return out
}

// odooCategoryContent is a product.category's content from its name and parent (0: none).
func odooCategoryContent(name string, parent int64, r *refs) categoryContent {
	out := categoryContent{Name: strings.TrimSpace(name)}
	if parent != 0 {
		out.Parent = r.odoo(mapping.KindCategory, parent)
	}
	return out
}

// Attributes.

// attributeContent is a product.attribute with its values, an option with its option values.
type attributeContent struct {
	Name      string         `json:"name"`
	Type      string         `json:"type"` // the option type (see optionType)
	SortOrder int            `json:"sort_order"`
	Values    []valueContent `json:"values"`
}

type valueContent struct {
	Value     ref    `json:"value"`
	Name      string `json:"name"`
	SortOrder int    `json:"sort_order"`
}

// fingerprint covers a value alone, for the pairs of attribute values.
func (v valueContent) fingerprint() string {
	return contentFingerprint(struct {
		Name      string
		SortOrder int
	}{v.Name, v.SortOrder})
}

func (c *attributeContent) normalise() {
	slices.SortFunc(c.Values, func(a, b valueContent) int { return compareRefs(a.Value, b.Value) })
}

func shopAttributeContent(o opencart.Option, r *refs, lang int) attributeContent {
	c := attributeContent{Name: strings.TrimSpace(o.Names[lang]), Type: o.Type, SortOrder: o.SortOrder}
	for _, v := range o.Values {
		c.Values = append(c.Values, shopValueContent(v, r, lang))
	}
	c.normalise()
	return c
}

func shopValueContent(v opencart.OptionValue, r *refs, lang int) valueContent {
	return valueContent{Value: r.shop(mapping.KindAttributeValue, v.ID), Name: strings.TrimSpace(v.Names[lang]), SortOrder: v.SortOrder}
}

// odooAttributeContent is the content of a product.attribute (name, display_type, create_variant,
// sequence) with its values (name, sequence).
func odooAttributeContent(a odoo.Record, values []odoo.Record, r *refs) attributeContent {
	c := attributeContent{Name: strings.TrimSpace(a.String("name")), Type: optionType(a.String("display_type"), a.String("create_variant")),
		SortOrder: int(a.Int("sequence"))}
	for _, v := range values {
		c.Values = append(c.Values, odooValueContent(v, r))
	}
	c.normalise()
	return c
}

func odooValueContent(v odoo.Record, r *refs) valueContent {
	return valueContent{Value: r.odoo(mapping.KindAttributeValue, v.ID()), Name: strings.TrimSpace(v.String("name")), SortOrder: int(v.Int("sequence"))}
}

// Images.

func digest(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// fileDigest is the digest of a shop image (a path under OpenCart's image/ folder); "" when images are
// not synced or the file cannot be read.
func (rules contentRules) fileDigest(path string) string {
	if rules.imageDir == "" || path == "" {
		return ""
	}
	data, err := os.ReadFile(filepath.Join(rules.imageDir, filepath.FromSlash(path)))
	if err != nil {
		return ""
	}
	return digest(data)
}
