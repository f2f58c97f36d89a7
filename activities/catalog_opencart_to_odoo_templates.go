package activities

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
)

// Writing templates into Odoo, a chunk at a time and in few calls: one search_read to match the unmapped
// products, one read of the templates that already exist with their lines, variants, attribute values and
// taxes (their content, for the sync rule), one write per template that differs, a create call per
// oc2oCreateBatch new templates (attribute lines inline: Odoo generates the variants in the same call),
// then one search_read of their variants and one of their template attribute values, one write per
// distinct price extra, and one read of the written templates' content as Odoo now holds it.

// Round trips. What the sync compares in Odoo is what the Odoo → OpenCart direction would make of it, so
// that a product that went one way and came back is not written again: the shop description is Odoo's
// sales description (as HTML) when it has one, else its description (templateDescription); a product
// ships unless it is a service, so a consumable stays a consumable; and prices go through the product's
// sale taxes. OpenCart prices are without tax; Odoo's list_price and price extras include the taxes
// marked "included in price", which are added back here as the other direction divides them out
// (includedTax), under the template's own taxes or, for a new template, Odoo's default sale taxes.

// writeTemplates matches the pending templates, applies the sync rule to those Odoo has, writes and
// creates, then syncs their variants and stores the pairs.
func (s *oc2oSync) writeTemplates(ctx context.Context, pending []*templateTask) error {
	if err := s.matchTemplates(ctx, pending); err != nil {
		return err
	}
	var existing []*templateTask
	for _, t := range pending {
		if t.err == nil && t.odooID != 0 {
			existing = append(existing, t)
		}
	}
	state, err := s.readTemplates(ctx, existing)
	if err != nil {
		return err
	}
	var creates []*templateTask
	for _, t := range pending {
		switch {
		case t.err != nil:
		case t.odooID == 0:
			creates = append(creates, t)
		case state.records[t.odooID] == nil: // deleted in Odoo: forget the pair and make it again
			if err := s.dropStaleMapping(ctx, mapping.KindProduct, t.odooID); err != nil {
				return err
			}
			t.isMapped, t.odooID = false, 0
			creates = append(creates, t)
		default:
			t.tax, t.odooFP, t.madeAt = state.taxes[t.odooID], state.fingerprint(t.odooID, s.rules), createdAt(state.records[t.odooID])
			if t.decide(s, mapping.KindProduct, int64(t.master.ID), t.ocFP, t.odooFP); t.act.writes() {
				if err := s.updateTemplate(ctx, t, state); err != nil {
					return err
				}
			}
		}
	}
	if len(creates) > 0 {
		tax, err := s.defaultTax(ctx)
		if err != nil {
			return err
		}
		for _, t := range creates {
			t.tax, t.act = tax, actWrite
		}
	}
	if err := s.createTemplates(ctx, creates); err != nil {
		return err
	}
	if err := s.syncVariants(ctx, pending); err != nil {
		return err
	}
	if err := s.readBackTemplates(ctx, pending); err != nil {
		return err
	}
	return s.storeTemplates(ctx, pending)
}

// readBackTemplates reads the content of the templates the sync wrote as Odoo now holds it.
func (s *oc2oSync) readBackTemplates(ctx context.Context, tasks []*templateTask) error {
	var ids []int64
	for _, t := range tasks {
		if t.err == nil && t.odooID > 0 && t.act.writes() {
			ids = append(ids, t.odooID)
		}
	}
	if len(ids) == 0 || s.page.DryRun {
		return nil
	}
	written, err := s.readOdooProducts(ctx, ids)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if t.err == nil && t.odooID > 0 && t.act.writes() {
			t.odooFP = written.fingerprint(t.odooID, s.rules)
		}
	}
	return nil
}

// matchTemplates finds the Odoo template of every unmapped product: by Internal Reference (the model, and
// on 4.x the variant products' models); for a configurable product, whose template carries no Internal
// Reference, also a template of the same name created during this run (by an attempt that died before
// storing its mapping). One unmapped candidate is adopted, several are reported, none means create.
func (s *oc2oSync) matchTemplates(ctx context.Context, pending []*templateTask) error {
	var unmapped []*templateTask
	var codes, names []any
	for _, t := range pending {
		if t.isMapped {
			t.odooID = t.prior.OdooID
		} else if t.err == nil {
			unmapped = append(unmapped, t)
			for _, code := range t.codes() {
				codes = append(codes, code)
			}
			if !t.want.simple() {
				names = append(names, t.want.Name)
			}
		}
	}
	if len(unmapped) == 0 {
		return nil
	}
	domain := odoo.Domain{odoo.Leaf("default_code", "in", codes)}
	if len(names) > 0 && !s.page.RunStarted.IsZero() {
		domain = odoo.Domain{"|", domain[0], "&", odoo.Leaf("create_date", ">=", odoo.FormatDatetime(s.page.RunStarted)),
			odoo.Leaf("product_tmpl_id.name", "in", names)}
	}
	hits, err := s.ERP.SearchRead(ctx, "product.product", odoo.Query{Domain: domain,
		Fields: []string{"product_tmpl_id", "default_code", "create_date"}, Order: "id", Context: withArchived})
	if err != nil {
		return err
	}
	byCode, byName := map[string][]int64{}, map[string][]int64{}
	var found []int64
	for _, h := range hits {
		tmpl, name, _ := h.Many2One("product_tmpl_id")
		found = append(found, tmpl)
		if code := h.String("default_code"); code != "" {
			byCode[code] = append(byCode[code], tmpl)
		}
		if !s.page.RunStarted.IsZero() && !createdAt(h).Before(s.page.RunStarted.Truncate(time.Second)) {
			byName[matchName(name)] = append(byName[matchName(name)], tmpl)
		}
	}
	mapped, err := s.Store.ByOdooIDs(ctx, mapping.KindProduct, sortedUnique(found))
	if err != nil {
		return err
	}
	claimed, models := map[int64]bool{}, map[string]int{}
	for _, t := range unmapped {
		model := strings.TrimSpace(t.master.Model)
		if other, dup := models[model]; dup {
			t.fail(modelTakenError(t, model, fmt.Sprintf("OpenCart product %d (synced in the same batch)", other)))
			continue
		}
		models[model] = t.master.ID
		var free []int64
		var owners []string
		for _, code := range t.codes() {
			for _, tmpl := range byCode[code] {
				if m, ok := mapped[tmpl]; ok {
					owners = append(owners, "OpenCart product "+m.OpenCartID)
				} else if !claimed[tmpl] {
					free = append(free, tmpl)
				}
			}
		}
		if len(free) == 0 && len(owners) > 0 {
			t.fail(modelTakenError(t, model, strings.Join(slices.Compact(slices.Sorted(slices.Values(owners))), ", ")))
			continue
		}
		if len(free) == 0 && !t.want.simple() {
			for _, tmpl := range byName[matchName(t.want.Name)] {
				if _, ok := mapped[tmpl]; !ok && !claimed[tmpl] {
					free = append(free, tmpl)
				}
			}
		}
		switch free = sortedUnique(free); len(free) {
		case 0:
		case 1:
			t.odooID, claimed[free[0]] = free[0], true
		default:
			t.fail(ambiguous(mapping.KindProduct, int64(t.master.ID), fmt.Sprintf("product %q (model %q)", t.want.Name, model), free, "product.template"))
		}
	}
	return nil
}

// codes are the Internal References a product's template or variants carry in Odoo.
func (t *templateTask) codes() []string {
	codes := []string{strings.TrimSpace(t.master.Model)}
	for _, v := range t.want.Variants {
		if v.DefaultCode != "" {
			codes = append(codes, v.DefaultCode)
		}
	}
	return codes
}

func modelTakenError(t *templateTask, model, others string) error {
	return invalid(mapping.KindProduct, int64(t.master.ID), "model",
		fmt.Sprintf("its model %q is also the model of %s; Odoo matches products by Internal Reference, so models must be unique", model, others),
		"give one of the products a unique model in OpenCart (Catalog > Products, Data tab), then replay")
}

// odooProducts are templates as Odoo holds them, with what their content is made of and the pairs it
// refers to.
type odooProducts struct {
	records map[int64]odoo.Record
	parts   odooProductParts
	refs    *refs
}

// readOdooProducts reads templates (archived ones too) with their content.
func (s *oc2oSync) readOdooProducts(ctx context.Context, ids []int64, extraFields ...string) (odooProducts, error) {
	out := odooProducts{records: map[int64]odoo.Record{}, refs: newRefs()}
	records, err := s.ERP.SearchRead(ctx, "product.template", odoo.Query{Domain: odoo.Domain{odoo.Leaf("id", "in", ids)},
		Fields: s.rules.templateFields(extraFields...), Context: withArchived})
	if err != nil {
		return out, err
	}
	if out.parts, err = loadOdooProductParts(ctx, s.ERP, records); err != nil {
		return out, err
	}
	var categories, attributes, values []int64
	for _, r := range records {
		out.records[r.ID()] = r
		categories = append(categories, r.Int("categ_id"))
		for _, ptav := range out.parts.ptavs[r.ID()] {
			attributes, values = append(attributes, ptav.Int("attribute_id")), append(values, ptav.Int("product_attribute_value_id"))
		}
	}
	for kind, ids := range map[mapping.Kind][]int64{mapping.KindCategory: categories, mapping.KindAttribute: attributes, mapping.KindAttributeValue: values} {
		if err := out.refs.loadOdoo(ctx, s.Store, kind, ids); err != nil {
			return out, err
		}
	}
	return out, nil
}

// fingerprint is the fingerprint of a template's content.
func (p odooProducts) fingerprint(id int64, rules contentRules) string {
	return rules.fingerprint(odooProductContent(p.records[id], p.parts, p.refs, rules))
}

// templateState is what Odoo holds for the templates a chunk writes to.
type templateState struct {
	odooProducts
	lines map[int64][]odoo.Record // template → attribute lines
	ours  map[int64]bool          // attributes that are OpenCart options: their lines follow the shop
	taxes map[int64]includedTax   // template → what its sale taxes include in its prices
}

func (s *oc2oSync) readTemplates(ctx context.Context, tasks []*templateTask) (templateState, error) {
	state := templateState{lines: map[int64][]odoo.Record{}, ours: map[int64]bool{}, taxes: map[int64]includedTax{}}
	var ids []int64
	for _, t := range tasks {
		if t.odooID > 0 {
			ids = append(ids, t.odooID)
		}
	}
	if len(ids) == 0 {
		return state, nil
	}
	var err error
	if state.odooProducts, err = s.readOdooProducts(ctx, ids, "create_date"); err != nil {
		return state, err
	}
	for id, r := range state.records {
		state.taxes[id] = includedTaxOf(state.parts.taxesOf(r))
	}
	lines, err := s.ERP.SearchRead(ctx, "product.template.attribute.line", odoo.Query{Domain: odoo.Domain{odoo.Leaf("product_tmpl_id", "in", ids)},
		Fields: []string{"product_tmpl_id", "attribute_id", "value_ids"}, Order: "id"})
	if err != nil {
		return state, err
	}
	var attrs []int64
	for _, l := range lines {
		tmpl := l.Int("product_tmpl_id")
		state.lines[tmpl] = append(state.lines[tmpl], l)
		attrs = append(attrs, l.Int("attribute_id"))
	}
	ours, err := s.Store.ByOdooIDs(ctx, mapping.KindAttribute, sortedUnique(attrs))
	for id := range ours {
		state.ours[id] = true
	}
	return state, err
}

// saleTaxes reads taxes and returns a lookup of some of them.
func (s *oc2oSync) saleTaxes(ctx context.Context, ids []int64) (func([]int64) []odoo.Record, error) {
	byID := map[int64]odoo.Record{}
	if len(ids) > 0 {
		records, err := s.ERP.SearchRead(ctx, "account.tax", odoo.Query{Domain: odoo.Domain{odoo.Leaf("id", "in", ids)},
			Fields: contentTaxFields, Context: withArchived})
		if err != nil {
			return nil, err
		}
		for _, r := range records {
			byID[r.ID()] = r
		}
	}
	return func(ids []int64) []odoo.Record {
		var out []odoo.Record
		for _, id := range ids {
			if r, ok := byID[id]; ok {
				out = append(out, r)
			}
		}
		return out
	}, nil
}

// defaultTax is what Odoo's default sale taxes of a new product include in its prices, read once per page.
func (s *oc2oSync) defaultTax(ctx context.Context) (includedTax, error) {
	if s.newTax != nil {
		return *s.newTax, nil
	}
	defaults, err := s.ERP.Call(ctx, "product.template", "default_get", []any{[]any{"taxes_id"}}, nil)
	if err != nil {
		return includedTax{}, err
	}
	values, _ := defaults.(map[string]any)
	ids := x2manyIDs(values["taxes_id"])
	taxes, err := s.saleTaxes(ctx, ids)
	if err != nil {
		return includedTax{}, err
	}
	tax := includedTaxOf(taxes(ids))
	s.newTax = &tax
	return tax, nil
}

// x2manyIDs reads a default many2many value: ids, or (6, 0, ids) and (4, id) commands.
func x2manyIDs(v any) []int64 {
	var ids []int64
	list, _ := v.([]any)
	for _, item := range list {
		switch x := item.(type) {
		case int64:
			ids = append(ids, x)
		case []any:
			switch {
			case len(x) == 3 && x[0] == int64(6):
				ids = append(ids, x2manyIDs(x[2])...)
			case len(x) >= 2 && x[0] == int64(4):
				ids = append(ids, x2manyIDs(x[1:2])...)
			}
		}
	}
	return ids
}

// updateTemplate writes what differs between Odoo's template and the wanted one.
func (s *oc2oSync) updateTemplate(ctx context.Context, t *templateTask, state templateState) error {
	current := state.records[t.odooID]
	values := s.templateDiff(t.want, current, t.tax)
	if cmds := lineCommands(t.want.Lines, state.lines[t.odooID], state.ours); len(cmds) > 0 {
		values["attribute_line_ids"] = cmds
	}
	return s.writeRecord(ctx, &t.recordState, "product.template", t.odooID, values)
}

// templateDiff is what a template needs written to become the wanted one (see Round trips).
func (s *oc2oSync) templateDiff(w odooTemplateContent, current odoo.Record, tax includedTax) odoo.Values {
	values := odoo.Values{}
	set := func(field string, differs bool, value any) {
		if differs {
			values[field] = value
		}
	}
	set("name", current.String("name") != w.Name, w.Name)
	set("description", lineBreaks(templateDescription(current)) != w.Description, orFalse(w.Description))
	set("list_price", !samePrice(tax.price(current.Float("list_price")), w.ListPrice), tax.listPrice(w.ListPrice))
	set("weight", !near(current.Float("weight"), w.Weight), w.Weight)
	set("active", current.Bool("active") != w.Active, w.Active)
	set("categ_id", w.CategID != 0 && current.Int("categ_id") != w.CategID, w.CategID)
	if kind, ok := s.ERP.Schema().ProductKindOf(current); !ok || (kind == odoo.ProductService) != (w.Kind == odoo.ProductService) {
		maps.Copy(values, s.ERP.Schema().ProductTypeValues(w.Kind))
	}
	if w.simple() {
		set("default_code", current.String("default_code") != w.DefaultCode, orFalse(w.DefaultCode))
		set("barcode", current.String("barcode") != w.Barcode, orFalse(w.Barcode))
	}
	return values
}

// templateValues are the create values of a wanted template, attribute lines included.
func (s *oc2oSync) templateValues(w odooTemplateContent, tax includedTax) odoo.Values {
	values := odoo.Values{"name": w.Name, "list_price": tax.listPrice(w.ListPrice), "weight": w.Weight, "active": w.Active}
	maps.Copy(values, s.ERP.Schema().ProductTypeValues(w.Kind))
	if w.Description != "" {
		values["description"] = w.Description
	}
	if w.CategID != 0 {
		values["categ_id"] = w.CategID
	}
	if w.simple() {
		if w.DefaultCode != "" {
			values["default_code"] = w.DefaultCode
		}
		if w.Barcode != "" {
			values["barcode"] = w.Barcode
		}
	}
	if len(w.Lines) > 0 {
		values["attribute_line_ids"] = lineCommands(w.Lines, nil, nil)
	}
	return values
}

// lineCommands turns existing attribute lines into the wanted ones: new lines are created, lines whose
// values differ get them replaced, and lines of OpenCart options the product no longer offers are deleted
// (Odoo then archives their variants). Lines of attributes that are not OpenCart options are Odoo's own
// and are kept.
func lineCommands(want []odooLine, existing []odoo.Record, ours map[int64]bool) []any {
	have := map[int64]odoo.Record{}
	for _, l := range existing {
		have[l.Int("attribute_id")] = l
	}
	var cmds []any
	wanted := map[int64]bool{}
	for _, l := range want {
		wanted[l.AttributeID] = true
		values := odoo.Values{"value_ids": []any{odoo.CmdSet(l.ValueIDs...)}}
		current, ok := have[l.AttributeID]
		switch {
		case !ok:
			values["attribute_id"] = l.AttributeID
			cmds = append(cmds, odoo.CmdCreate(values))
		case !slices.Equal(sortedUnique(current.IDs("value_ids")), l.ValueIDs):
			cmds = append(cmds, odoo.CmdUpdate(current.ID(), values))
		}
	}
	for _, l := range existing {
		if a := l.Int("attribute_id"); !wanted[a] && ours[a] {
			cmds = append(cmds, odoo.CmdDelete(l.ID()))
		}
	}
	return cmds
}

// samePrice compares OpenCart amounts (4 decimals) with amounts made from Odoo's (2 decimals by default).
func samePrice(a, b float64) bool { return math.Abs(a-b) < 0.005 }

// orFalse is a text value to write: false clears the field.
func orFalse(s string) any {
	if s == "" {
		return false
	}
	return s
}

func (s *oc2oSync) createTemplates(ctx context.Context, creates []*templateTask) error {
	rows := make([]odoo.Values, len(creates))
	records := make([]*recordState, len(creates))
	for i, t := range creates {
		rows[i], records[i] = s.templateValues(t.want, t.tax), &t.recordState
	}
	return s.createRecords(ctx, "product.template", records, rows)
}

// syncVariants reads the variants Odoo generated for the written templates and their template attribute
// values, writes the price extras that differ (one write per amount), and finds the variant of every
// wanted combination. For 4.x variant products it also sets each variant's active flag and Internal
// Reference and archives the variants of combinations no variant product stands for.
func (s *oc2oSync) syncVariants(ctx context.Context, pending []*templateTask) error {
	byID := map[int64]*templateTask{}
	var ids []int64
	for _, t := range pending {
		if t.err == nil && t.odooID > 0 && len(t.want.Lines) > 0 {
			byID[t.odooID], ids = t, append(ids, t.odooID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	inTemplates := odoo.Domain{odoo.Leaf("product_tmpl_id", "in", ids)}
	variants, err := s.ERP.SearchRead(ctx, "product.product", odoo.Query{Domain: inTemplates,
		Fields: []string{"product_tmpl_id", "product_template_attribute_value_ids", "active", "default_code"}, Order: "id", Context: withArchived})
	if err != nil {
		return err
	}
	ptavs, err := s.ERP.SearchRead(ctx, "product.template.attribute.value", odoo.Query{Domain: inTemplates,
		Fields: []string{"product_tmpl_id", "product_attribute_value_id", "price_extra", "ptav_active"}, Order: "id", Context: withArchived})
	if err != nil {
		return err
	}
	valueOf := map[int64]int64{}                // ptav → attribute value
	ptavOf := map[int64]map[int64]odoo.Record{} // template → attribute value → its (active) ptav
	for _, p := range ptavs {
		tmpl, value := p.Int("product_tmpl_id"), p.Int("product_attribute_value_id")
		valueOf[p.ID()] = value
		if ptavOf[tmpl] == nil {
			ptavOf[tmpl] = map[int64]odoo.Record{}
		}
		if old, ok := ptavOf[tmpl][value]; !ok || (!old.Bool("ptav_active") && p.Bool("ptav_active")) {
			ptavOf[tmpl][value] = p
		}
	}
	extras, actives, codes := map[int64]float64{}, map[int64]bool{}, map[int64]any{}
	for _, t := range byID {
		for _, e := range t.want.Extras {
			if p, ok := ptavOf[t.odooID][e.ValueID]; ok && t.act.writes() && !samePrice(t.tax.delta(p.Float("price_extra")), e.Amount) {
				extras[p.ID()], t.wrote = t.tax.extra(e.Amount), true
			}
		}
	}
	// Active variants first: an archived variant of a combination only stands in when no active one does.
	slices.SortStableFunc(variants, func(a, b odoo.Record) int { return cmp.Compare(activeRank(a), activeRank(b)) })
	for _, v := range variants {
		t := byID[v.Int("product_tmpl_id")]
		var values []int64
		for _, p := range v.IDs("product_template_attribute_value_ids") {
			values = append(values, valueOf[p])
		}
		w, ok := t.wantedVariant(sortedUnique(values))
		writes := t.want.VariantMode && t.act.writes()
		if ok && t.mapped[w.Key] == 0 {
			t.mapped[w.Key] = v.ID()
			if writes && v.Bool("active") != w.Active {
				actives[v.ID()], t.wrote = w.Active, true
			}
			if writes && v.String("default_code") != w.DefaultCode {
				codes[v.ID()], t.wrote = orFalse(w.DefaultCode), true
			}
		} else if !ok && writes && v.Bool("active") {
			actives[v.ID()], t.wrote = false, true
		}
	}
	if err := writeGrouped(ctx, &s.odooWrites, "product.template.attribute.value", "price_extra", extras); err != nil {
		return err
	}
	if err := writeGrouped(ctx, &s.odooWrites, "product.product", "active", actives); err != nil {
		return err
	}
	return writeGrouped(ctx, &s.odooWrites, "product.product", "default_code", codes)
}

func activeRank(r odoo.Record) int {
	if r.Bool("active") {
		return 0
	}
	return 1
}

// wantedVariant is the wanted variant with exactly these attribute values.
func (t *templateTask) wantedVariant(values []int64) (odooVariant, bool) {
	i := slices.IndexFunc(t.want.Variants, func(w odooVariant) bool { return slices.Equal(w.ValueIDs, values) })
	if i < 0 {
		return odooVariant{}, false
	}
	return t.want.Variants[i], true
}

// storeTemplates stores the pairs of the synced templates and of their variants, with the fingerprints
// of both sides' content, and decides how each template counts.
func (s *oc2oSync) storeTemplates(ctx context.Context, pending []*templateTask) error {
	var keys []string
	var variantIDs []int64
	for _, t := range pending {
		for key, id := range t.mapped {
			keys, variantIDs = append(keys, key), append(variantIDs, id)
		}
	}
	byKey, err := s.Store.ByOpenCartIDs(ctx, mapping.KindVariant, keys)
	if err != nil {
		return err
	}
	byOdoo, err := s.Store.ByOdooIDs(ctx, mapping.KindVariant, variantIDs)
	if err != nil {
		return err
	}
	var stored []*recordState
	var groups [][]mapping.Mapping
	for _, t := range pending {
		if t.err != nil || t.odooID <= 0 {
			continue
		}
		synced := t.wrote || !t.isMapped
		group := []mapping.Mapping{pair(mapping.KindProduct, t.odooID, ocID(t.master.ID), t.ocFP, t.odooFP, synced)}
		for _, w := range t.want.Variants {
			id, ok := t.mapped[w.Key]
			if !ok {
				continue
			}
			if err := s.releaseVariantPair(ctx, id, w.Key, byKey, byOdoo); err != nil {
				return err
			}
			group = append(group, pair(mapping.KindVariant, id, w.Key, w.ocFP, w.ocFP, synced))
		}
		stored, groups = append(stored, &t.recordState), append(groups, group)
	}
	if err := s.storePairs(ctx, stored, groups); err != nil {
		return err
	}
	for _, t := range pending {
		t.finish(s)
	}
	return nil
}

// releaseVariantPair deletes the pairs that would keep a variant pair from being stored: the Odoo
// variant paired with another key (the product's option values were rebuilt, or a 4.x product switched
// between options and variant products), or the key paired with another Odoo variant (deleted in Odoo).
func (s *oc2oSync) releaseVariantPair(ctx context.Context, odooID int64, key string, byKey map[string]mapping.Mapping, byOdoo map[int64]mapping.Mapping) error {
	if m, ok := byOdoo[odooID]; ok && m.OpenCartID != key {
		if err := s.dropStaleMapping(ctx, mapping.KindVariant, odooID); err != nil {
			return err
		}
	}
	if m, ok := byKey[key]; ok && m.OdooID != odooID {
		return s.dropStaleMapping(ctx, mapping.KindVariant, m.OdooID)
	}
	return nil
}
