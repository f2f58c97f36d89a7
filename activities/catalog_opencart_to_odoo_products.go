package activities

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// OpenCart products → product.template. The rules:
//   - name and description (HTML, into description) from the shop's default language; weight as stored
//     (the shop's default weight class is assumed to be Odoo's kg); active = status; a new template is
//     storable when the product requires shipping, a service otherwise (downloads, vouchers).
//   - list_price = the OpenCart price, which is without tax, when the template's sale taxes are excluded
//     from the price (Odoo's usual default); taxes marked "included in price" are added back to it and to
//     the price extras (see Round trips in catalog_opencart_to_odoo_templates.go). The sync sets no taxes:
//     a new template gets Odoo's default sale taxes.
//   - default_code = the OpenCart model (the SKU column is not used: the model is required and is what
//     the Odoo → OpenCart direction writes back), except the bridge's placeholder ODOO-<id>, which stands
//     for none. barcode = the EAN, else the UPC, when valid (see validBarcode). Odoo keeps both on the
//     variant and shows them on templates with a single variant only, so configurable products carry
//     neither (on 4.x variant products, each variant carries its own model).
//   - categ_id = the deepest of the product's categories that is synced (ties: the lowest category id);
//     with none synced, Odoo's own category is left alone.
//   - select/radio options → attribute lines that create variants, checkbox options → lines of
//     no_variant attributes; each offered value's OpenCart price delta (prefix applied) becomes the
//     price_extra of its product.template.attribute.value. Each Odoo variant is mapped to the key
//     "<product_id>:<product_option_value_id>[,...]" (sorted) of its select/radio values.
//   - 4.x variant products (master_id set) fold into their master's template: its lines hold the values
//     the variants choose, each variant product maps to the Odoo variant of its combination (keyed by its
//     own product_id), carries its model as default_code and its status as active, and Odoo variants of
//     combinations no variant product stands for are archived. Odoo prices a variant as list_price +
//     price extras, so a variant product's own overriding price is not carried over.
//   - text, file and date options and OpenCart attributes (specification texts) define no variants and are
//     not synced; stock is not pushed (Odoo owns it).

// odooTemplateContent is the product.template the sync wants, variants included.
type odooTemplateContent struct {
	Name        string           `json:"name"`
	Description string           `json:"description"`
	DefaultCode string           `json:"default_code"` // simple templates only
	Barcode     string           `json:"barcode"`      // simple templates only
	ListPrice   float64          `json:"list_price"`   // the OpenCart price, without tax (see Round trips)
	Weight      float64          `json:"weight"`
	Active      bool             `json:"active"`
	CategID     int64            `json:"categ_id"` // 0: left to Odoo
	Kind        odoo.ProductKind `json:"kind"`
	Lines       []odooLine       `json:"lines"`
	Extras      []odooExtra      `json:"extras"`
	Variants    []odooVariant    `json:"variants"`
	VariantMode bool             `json:"variant_mode"` // 4.x variant products
}

type odooLine struct {
	AttributeID int64   `json:"attribute_id"`
	ValueIDs    []int64 `json:"value_ids"`
}

type odooExtra struct {
	ValueID int64   `json:"value_id"`
	Amount  float64 `json:"amount"`
}

// odooVariant is one variant the sync maps: the combination of its attribute values and its key.
type odooVariant struct {
	Key         string  `json:"key"`
	ValueIDs    []int64 `json:"value_ids"`
	Active      bool    `json:"active"`       // variant mode only
	DefaultCode string  `json:"default_code"` // variant mode only
	ocFP        string  // fingerprint of the OpenCart side of this variant
}

func (c odooTemplateContent) simple() bool { return len(c.Variants) == 0 && !c.VariantMode }

// maxVariants is Odoo's own ceiling on the variants one template may generate.
const maxVariants = 1000

// templateTask is one Odoo template to sync: an OpenCart product with, on 4.x, its variant products.
type templateTask struct {
	recordState
	master  productRecord
	known   []productRecord // 4.x variant products of the master, by id
	counted bool            // the master is a record of the chunk (not only synced for a variant of it)
	want    odooTemplateContent
	ocFP    string
	odooFP  string      // fingerprint of the template's content as Odoo holds it after the sync
	tax     includedTax // what the template's sale taxes include in its prices
	// variantErrs are the 4.x variant products that cannot be variants of the template, and why.
	variantErrs map[int]error
	// mapped are the variants found in Odoo after writing: key → product.product id.
	mapped map[string]int64
}

// variantTask is a 4.x variant product of the chunk: a source record of its own, synced as a variant of
// its master's template.
type variantTask struct {
	row      productRecord
	ocFP     string
	prior    mapping.Mapping
	isMapped bool
	tmpl     *templateTask // the master's task, when the variant needs syncing
	result   outcome
	err      error
}

func (s *oc2oSync) syncProducts(ctx context.Context, chunk []productRecord) (PageResult, error) {
	tmpls, variants, err := s.productTasks(ctx, chunk)
	if err != nil {
		return PageResult{}, err
	}
	refs, variantPairs, err := s.productRefs(ctx, tmpls)
	if err != nil {
		return PageResult{}, err
	}
	var pending []*templateTask
	for _, t := range tmpls {
		if err := s.planTemplate(t, refs); err != nil {
			t.fail(err)
			continue
		}
		if t.isMapped && t.ocFP == t.prior.OpenCartFingerprint && variantsAsStored(t, variantPairs) {
			t.odooID, t.result = t.prior.OdooID, s.settledOutcome(t.prior)
			continue
		}
		pending = append(pending, t)
	}
	if len(pending) > 0 {
		if err := s.writeTemplates(ctx, pending); err != nil {
			return PageResult{}, err
		}
	}
	return s.tallyProducts(ctx, tmpls, variants)
}

// tallyProducts settles failures and counts the chunk's records: masters by their template, 4.x variant
// products by their own variant mapping.
func (s *oc2oSync) tallyProducts(ctx context.Context, tmpls []*templateTask, variants []*variantTask) (PageResult, error) {
	var res PageResult
	for _, t := range tmpls {
		if t.counted || t.err == nil {
			if err := s.settle(ctx, mapping.KindProduct, int64(t.master.ID), &t.recordState); err != nil {
				return res, err
			}
		}
		if t.counted {
			res.count(t.result)
		}
	}
	for _, v := range variants {
		if v.result == outcomeNone {
			v.result, v.err = s.variantOutcome(v)
		}
		// A variant product settles with its master's template.
		state := recordState{err: v.err, isMapped: v.isMapped}
		if v.tmpl != nil {
			state.act = v.tmpl.act
		}
		if err := s.settle(ctx, mapping.KindProduct, int64(v.row.ID), &state); err != nil {
			return res, err
		}
		res.count(v.result)
	}
	return res, nil
}

// variantOutcome is what syncing its master did to a variant product that needed syncing.
func (s *oc2oSync) variantOutcome(v *variantTask) (outcome, error) {
	t, id := v.tmpl, int64(v.row.ID)
	if t.err != nil {
		return outcomeFailed, invalid(mapping.KindProduct, id, "master_id", fmt.Sprintf("its master product %d did not sync: %v", t.master.ID, t.err),
			"fix the master product (see its failure), then replay")
	}
	if err := t.variantErrs[v.row.ID]; err != nil {
		return outcomeFailed, err
	}
	_, done := t.mapped[ocID(v.row.ID)]
	if s.page.DryRun {
		done = slices.ContainsFunc(t.want.Variants, func(w odooVariant) bool { return w.Key == ocID(v.row.ID) })
	}
	switch {
	case !done:
		return outcomeFailed, invalid(mapping.KindProduct, id, "variant",
			fmt.Sprintf("no variant of Odoo template %d stands for this variant product's choice of option values", t.odooID),
			"check the variant's option values in OpenCart (one value of each of the master's options), then replay")
	case !v.isMapped:
		return outcomeCreated, nil
	case t.wrote:
		return outcomeUpdated, nil
	}
	return outcomeUnchanged, nil
}

// productTasks makes a template task for every master of the chunk and for the master of every variant
// product of the chunk that needs syncing, with their mappings and (4.x) their variant products.
func (s *oc2oSync) productTasks(ctx context.Context, chunk []productRecord) ([]*templateTask, []*variantTask, error) {
	byMaster := map[int]*templateTask{}
	var tmpls []*templateTask
	var variants []*variantTask
	addMaster := func(p productRecord, counted bool) {
		t := &templateTask{master: p, counted: counted, tax: includedTaxOf(nil), variantErrs: map[int]error{}, mapped: map[string]int64{}}
		tmpls, byMaster[p.ID] = append(tmpls, t), t
	}
	var variantIDs []int
	for _, p := range chunk {
		if p.MasterID == 0 {
			addMaster(p, true)
		} else {
			variants = append(variants, &variantTask{row: p, ocFP: variantRowFingerprint(p)})
			variantIDs = append(variantIDs, p.ID)
		}
	}
	prior, err := s.Store.ByOpenCartIDs(ctx, mapping.KindVariant, idStrings(variantIDs))
	if err != nil {
		return nil, nil, err
	}
	var load []int
	for _, v := range variants {
		v.prior, v.isMapped = prior[ocID(v.row.ID)]
		if v.isMapped && v.ocFP == v.prior.OpenCartFingerprint {
			v.result = s.settledOutcome(v.prior)
		} else if byMaster[v.row.MasterID] == nil {
			load = append(load, v.row.MasterID)
		}
	}
	masters, err := s.Shop.ProductsByID(ctx, sortedUnique(load))
	if err != nil {
		return nil, nil, err
	}
	for _, m := range masters {
		if m.MasterID == 0 {
			addMaster(m, false)
		}
	}
	for _, v := range variants {
		if v.result != outcomeNone {
			continue
		}
		if v.tmpl = byMaster[v.row.MasterID]; v.tmpl == nil {
			v.result, v.err = outcomeFailed, invalid(mapping.KindProduct, int64(v.row.ID), "master_id",
				fmt.Sprintf("its master product %d does not exist or is itself a variant", v.row.MasterID),
				"make the variant's master an existing product without a master in OpenCart, then replay")
		}
	}
	masterIDs := make([]int, len(tmpls))
	for i, t := range tmpls {
		masterIDs[i] = t.master.ID
	}
	priorTmpl, err := s.Store.ByOpenCartIDs(ctx, mapping.KindProduct, idStrings(masterIDs))
	if err != nil {
		return nil, nil, err
	}
	for _, t := range tmpls {
		t.prior, t.isMapped = priorTmpl[ocID(t.master.ID)]
	}
	if s.Shop.Flavour().HasVariants() {
		if err := s.gatherVariants(ctx, tmpls); err != nil {
			return nil, nil, err
		}
	}
	return tmpls, variants, nil
}

// gatherVariants finds the 4.x variant products of each master: those read with the page, and those
// mapped to variants of its template by earlier syncs (a variant product may lie pages away from its
// master; pkg/opencart has no read by master_id).
func (s *oc2oSync) gatherVariants(ctx context.Context, tmpls []*templateTask) error {
	byTemplate := map[int64]*templateTask{}
	var templateIDs []int64
	for _, t := range tmpls {
		for _, p := range s.window {
			if p.MasterID == t.master.ID {
				t.known = append(t.known, p)
			}
		}
		if t.isMapped && hasChoiceOptions(t.master) {
			byTemplate[t.prior.OdooID] = t
			templateIDs = append(templateIDs, t.prior.OdooID)
		}
	}
	if len(templateIDs) == 0 {
		return nil
	}
	records, err := s.ERP.SearchRead(ctx, "product.product", odoo.Query{
		Domain: odoo.Domain{odoo.Leaf("product_tmpl_id", "in", templateIDs)}, Fields: []string{"product_tmpl_id"}, Context: withArchived})
	if err != nil {
		return err
	}
	owner := map[int64]*templateTask{}
	ids := make([]int64, len(records))
	for i, r := range records {
		ids[i], owner[r.ID()] = r.ID(), byTemplate[r.Int("product_tmpl_id")]
	}
	pairs, err := s.Store.ByOdooIDs(ctx, mapping.KindVariant, ids)
	if err != nil {
		return err
	}
	var more []int
	for odooID, m := range pairs {
		id, err := strconv.Atoi(m.OpenCartID) // variant products are keyed by their id, options by "id:values"
		if t := owner[odooID]; err == nil && t != nil && !slices.ContainsFunc(t.known, func(p productRecord) bool { return p.ID == id }) {
			more = append(more, id)
		}
	}
	rows, err := s.Shop.ProductsByID(ctx, sortedUnique(more))
	if err != nil {
		return err
	}
	for _, t := range tmpls {
		for _, p := range rows {
			if p.MasterID == t.master.ID {
				t.known = append(t.known, p)
			}
		}
		slices.SortFunc(t.known, func(a, b productRecord) int { return a.ID - b.ID })
	}
	return nil
}

func hasChoiceOptions(p productRecord) bool {
	return slices.ContainsFunc(p.OptionKeys, func(k opencart.ProductOptionKeys) bool { return createsVariants(k.Type) })
}

// productRefs loads the pairs a chunk's products refer to (options, option values, categories with their
// depth) and the pairs of their 4.x variant products, by OpenCart id.
func (s *oc2oSync) productRefs(ctx context.Context, tmpls []*templateTask) (*refs, map[string]mapping.Mapping, error) {
	r := newRefs()
	var options, values, categories, variants []int
	for _, t := range tmpls {
		for _, po := range t.master.Options {
			options = append(options, po.OptionID)
			for _, v := range po.Values {
				values = append(values, v.OptionValueID)
			}
		}
		categories = append(categories, t.master.Categories...)
		for _, v := range t.known {
			variants = append(variants, v.ID)
		}
	}
	if err := r.loadShop(ctx, s.Store, mapping.KindAttribute, options); err != nil {
		return nil, nil, err
	}
	if err := r.loadShop(ctx, s.Store, mapping.KindAttributeValue, values); err != nil {
		return nil, nil, err
	}
	if err := r.loadCategories(ctx, s.Store, s.Shop, categories); err != nil {
		return nil, nil, err
	}
	pairs, err := s.Store.ByOpenCartIDs(ctx, mapping.KindVariant, idStrings(sortedUnique(variants)))
	return r, pairs, err
}

// variantsAsStored tells whether every 4.x variant product of a master is paired and as its pair stored
// it: one that changed (even a disabled one, which is no content) has its master synced again.
func variantsAsStored(t *templateTask, pairs map[string]mapping.Mapping) bool {
	return !slices.ContainsFunc(t.known, func(v productRecord) bool {
		m, ok := pairs[ocID(v.ID)]
		return !ok || m.OpenCartFingerprint != variantRowFingerprint(v)
	})
}

// optionLine is one choice option of a product, resolved to its Odoo attribute and values.
type optionLine struct {
	attributeID int64
	variants    bool    // select/radio: the line creates variants
	productOpt  int     // product_option_id
	values      []int64 // Odoo attribute values, in the product's order
	povs        []int   // product_option_value_id of each value
	prices      []float64
}

// planTemplate works out the OpenCart content and the wanted Odoo template, or why the product cannot sync.
func (s *oc2oSync) planTemplate(t *templateTask, refs *refs) error {
	p, id := t.master, int64(t.master.ID)
	d := p.Descriptions[s.lang]
	name, model := strings.TrimSpace(d.Name), strings.TrimSpace(p.Model)
	if name == "" {
		return invalid(mapping.KindProduct, id, "name", "the product has no name in the shop's default language",
			"give the product a name in OpenCart (Catalog > Products, General tab) in the default language, then replay")
	}
	if model == "" {
		return invalid(mapping.KindProduct, id, "model", "the product has no model, which Odoo gets as its Internal Reference",
			"fill in the product's model in OpenCart (Catalog > Products, Data tab), then replay")
	}
	kind := odoo.ProductService
	if p.Shipping {
		kind = odoo.ProductStorable
	}
	t.want = odooTemplateContent{Name: name, Description: lineBreaks(d.Description), ListPrice: p.Price, Weight: p.Weight, Active: p.Status,
		CategID: refs.deepestCategory(p.Categories).Odoo, Kind: kind}
	lines, err := optionLines(t, refs)
	if err != nil {
		return err
	}
	if len(t.known) > 0 {
		t.want.VariantMode = true
		lines = planVariantProducts(t, lines)
	} else if err := planOptionVariants(t, lines); err != nil {
		return err
	}
	for _, l := range lines {
		if len(l.values) == 0 {
			continue
		}
		t.want.Lines = append(t.want.Lines, odooLine{AttributeID: l.attributeID, ValueIDs: sortedUnique(l.values)})
		for j, v := range l.values {
			t.want.Extras = append(t.want.Extras, odooExtra{ValueID: v, Amount: l.prices[j]})
		}
	}
	slices.SortFunc(t.want.Lines, func(a, b odooLine) int { return cmp.Compare(a.AttributeID, b.AttributeID) })
	slices.SortFunc(t.want.Extras, func(a, b odooExtra) int { return cmp.Compare(a.ValueID, b.ValueID) })
	slices.SortFunc(t.want.Variants, func(a, b odooVariant) int { return strings.Compare(a.Key, b.Key) })
	if t.want.simple() {
		t.want.DefaultCode, t.want.Barcode = shopModelCode(model), shopBarcode(p.Codes)
	}
	t.ocFP = s.rules.fingerprint(shopProductContent(t.master, t.known, refs, s.rules))
	return nil
}

// optionLines resolves the product's choice options to Odoo attributes and values.
func optionLines(t *templateTask, refs *refs) ([]optionLine, error) {
	p, id := t.master, int64(t.master.ID)
	var lines []optionLine
	seen := map[int64]bool{}
	for i, po := range p.Options {
		keys := p.OptionKeys[i]
		if !isChoiceOption(keys.Type) || len(po.Values) == 0 {
			continue // text, file, date…: a customer's input, no attribute
		}
		attr := refs.shop(mapping.KindAttribute, po.OptionID)
		if attr.Odoo == 0 {
			return nil, invalid(mapping.KindProduct, id, "options", fmt.Sprintf("its option %d is not synced to Odoo", po.OptionID),
				fmt.Sprintf("sync the attributes stage first (or fix OpenCart option %d, see its failure), then replay", po.OptionID))
		}
		if seen[attr.Odoo] {
			return nil, invalid(mapping.KindProduct, id, "options", fmt.Sprintf("it offers option %d twice; Odoo allows one line per attribute", po.OptionID),
				"remove the second copy of the option from the product in OpenCart, then replay")
		}
		seen[attr.Odoo] = true
		line := optionLine{attributeID: attr.Odoo, variants: createsVariants(keys.Type), productOpt: keys.ProductOptionID}
		for j, v := range po.Values {
			value := refs.shop(mapping.KindAttributeValue, v.OptionValueID)
			if value.Odoo == 0 {
				return nil, invalid(mapping.KindProduct, id, "options", fmt.Sprintf("value %d of its option %d is not synced to Odoo", v.OptionValueID, po.OptionID),
					fmt.Sprintf("sync the attributes stage (OpenCart option %d) again, then replay", po.OptionID))
			}
			if slices.Contains(line.values, value.Odoo) {
				continue // offered twice in one option: Odoo has one value per line
			}
			line.values, line.povs, line.prices = append(line.values, value.Odoo), append(line.povs, keys.ValueIDs[j]), append(line.prices, v.Price)
		}
		lines = append(lines, line)
	}
	return lines, nil
}

// planOptionVariants wants one variant per combination of the select/radio values, as Odoo generates them.
func planOptionVariants(t *templateTask, lines []optionLine) error {
	combos := []odooVariant{{}}
	var povs [][]int = [][]int{nil}
	for _, l := range lines {
		if !l.variants {
			continue
		}
		var next []odooVariant
		var nextPovs [][]int
		for i, c := range combos {
			for j, v := range l.values {
				next = append(next, odooVariant{ValueIDs: append(slices.Clone(c.ValueIDs), v)})
				nextPovs = append(nextPovs, append(slices.Clone(povs[i]), l.povs[j]))
			}
		}
		combos, povs = next, nextPovs
		if len(combos) > maxVariants {
			return invalid(mapping.KindProduct, int64(t.master.ID), "options",
				fmt.Sprintf("its select and radio options combine into more than %d variants, Odoo's limit", maxVariants),
				"split the product, or turn some options into checkboxes (which create no variants), then replay")
		}
	}
	if len(povs) == 1 && povs[0] == nil {
		return nil // no variant-creating option: a single variant, not mapped
	}
	for i, c := range combos {
		key := optionVariantKey(t.master.ID, povs[i])
		c.Key, c.ValueIDs, c.ocFP = key, sortedUnique(c.ValueIDs), optionVariantFingerprint(key)
		t.want.Variants = append(t.want.Variants, c)
	}
	return nil
}

// optionVariantKey is the OpenCart side of an options-mode variant: "<product_id>:<product_option_value_id>,…".
func optionVariantKey(productID int, povs []int) string {
	return strconv.Itoa(productID) + ":" + strings.Join(idStrings(sortedUnique(povs)), ",")
}

// planVariantProducts wants one variant per 4.x variant product, and lines holding the values they
// choose (checkbox lines are kept whole: they create no variants). Variant products that cannot stand
// for one combination are left out with their reason.
func planVariantProducts(t *templateTask, lines []optionLine) []optionLine {
	byPO := map[int]int{}
	for i, l := range lines {
		byPO[l.productOpt] = i
	}
	chosen := make([]map[int]bool, len(lines)) // line → chosen value positions
	picks := map[int]map[int]int{}             // variant product → line → value position
	for _, v := range t.known {
		pick, err := variantPick(v, lines, byPO)
		if err != nil {
			t.variantErrs[v.ID] = err
			continue
		}
		picks[v.ID] = pick
		for li, pos := range pick {
			if chosen[li] == nil {
				chosen[li] = map[int]bool{}
			}
			chosen[li][pos] = true
		}
	}
	var kept []optionLine
	for li, l := range lines {
		if !l.variants {
			kept = append(kept, l)
			continue
		}
		if chosen[li] == nil {
			continue // no variant product chooses this option: no line, or Odoo would multiply variants
		}
		sub := optionLine{attributeID: l.attributeID, variants: true, productOpt: l.productOpt}
		for j := range l.values {
			if chosen[li][j] {
				sub.values, sub.povs, sub.prices = append(sub.values, l.values[j]), append(sub.povs, l.povs[j]), append(sub.prices, l.prices[j])
			}
		}
		kept = append(kept, sub)
	}
	seen := map[string]int{}
	for _, v := range t.known {
		pick, ok := picks[v.ID]
		if !ok {
			continue
		}
		var values []int64
		for li, l := range lines {
			pos, has := pick[li]
			if l.variants && chosen[li] != nil && !has {
				t.variantErrs[v.ID] = invalid(mapping.KindProduct, int64(v.ID), "variant",
					fmt.Sprintf("it chooses no value for product option %d, which other variants of product %d choose", l.productOpt, t.master.ID),
					"choose a value for every option the master's variants use, then replay")
				break
			}
			if has {
				values = append(values, l.values[pos])
			}
		}
		if t.variantErrs[v.ID] != nil {
			continue
		}
		values = sortedUnique(values)
		combo := strings.Join(idStrings(values), ",")
		if other, dup := seen[combo]; dup {
			t.variantErrs[v.ID] = invalid(mapping.KindProduct, int64(v.ID), "variant",
				fmt.Sprintf("it chooses the same option values as variant product %d", other),
				"give each variant product of the master its own combination of option values, then replay")
			continue
		}
		seen[combo] = v.ID
		t.want.Variants = append(t.want.Variants, odooVariant{Key: ocID(v.ID), ValueIDs: values, Active: v.Status,
			DefaultCode: shopModelCode(v.Model), ocFP: variantRowFingerprint(v)})
	}
	return kept
}

// variantPick reads a variant product's choices: line → position of the chosen value. Choices of
// checkbox and text options define no variant and are ignored.
func variantPick(v productRecord, lines []optionLine, byPO map[int]int) (map[int]int, error) {
	pick := map[int]int{}
	for _, c := range v.Variant {
		li, ok := byPO[c.ProductOptionID]
		if !ok || !lines[li].variants {
			continue
		}
		pov, err := strconv.Atoi(firstOr(c.Values, ""))
		pos := slices.Index(lines[li].povs, pov)
		if len(c.Values) != 1 || err != nil || pos < 0 {
			return nil, invalid(mapping.KindProduct, int64(v.ID), "variant",
				fmt.Sprintf("its choice %v for product option %d is not one value of its master's option", c.Values, c.ProductOptionID),
				"pick one of the master's option values in the variant product in OpenCart, then replay")
		}
		pick[li] = pos
	}
	return pick, nil
}

func firstOr[T any](list []T, def T) T {
	if len(list) == 0 {
		return def
	}
	return list[0]
}

// near compares money and weights read back from Odoo.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
