package activities

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// OpenCart choice options → product.attribute with their values → product.attribute.value, named in the
// shop's default language. select and radio options choose one value per product: their attributes
// create variants ("always"). A checkbox option lets a customer tick several values at once, which no
// single variant can stand for: its attribute creates none ("no_variant", shown as a multi-checkbox on
// Odoo 17+), and its values still carry price extras on the products that offer them. Text, file and date
// options are not synced (see choiceOptions). Values deleted in OpenCart are left in Odoo, which refuses
// to delete values still used by products. Display type and variant mode are set when the sync creates an
// attribute; an adopted attribute keeps Odoo's.

// odooAttributeState is a product.attribute with its values as the sync leaves it.
type odooAttributeState struct {
	Name, DisplayType, CreateVariant string
	Sequence                         int64
	Values                           []odooValueState
}

type odooValueState struct {
	ID       int64
	Name     string
	Sequence int64
}

// content is the attribute's content, its values paired as refs says.
func (a odooAttributeState) content(r *refs) attributeContent {
	c := attributeContent{Name: strings.TrimSpace(a.Name), Type: optionType(a.DisplayType, a.CreateVariant), SortOrder: int(a.Sequence)}
	for _, v := range a.Values {
		c.Values = append(c.Values, valueContent{Value: r.odoo(mapping.KindAttributeValue, v.ID), Name: strings.TrimSpace(v.Name), SortOrder: int(v.Sequence)})
	}
	c.normalise()
	return c
}

type optionTask struct {
	recordState
	opt    opencart.Option
	name   string
	values []*valueTask
	state  odooAttributeState // Odoo's attribute after the sync, every value included
	ocFP   string
}

type valueTask struct {
	oc       opencart.OptionValue
	name     string
	prior    mapping.Mapping
	isMapped bool
	odooID   int64
}

// attributeMode is how the sync creates an attribute for an option.
func (s *oc2oSync) attributeMode(optionType string) (createVariant, displayType string) {
	return attributeMode(optionType, s.ERP.Version().AtLeast(17, 0))
}

// wanted is the attribute as the sync would create it, with the Odoo value ids known so far.
func (s *oc2oSync) wanted(t *optionTask) odooAttributeState {
	createVariant, displayType := s.attributeMode(t.opt.Type)
	a := odooAttributeState{Name: t.name, DisplayType: displayType, CreateVariant: createVariant, Sequence: int64(t.opt.SortOrder)}
	for _, v := range t.values {
		a.Values = append(a.Values, odooValueState{ID: v.odooID, Name: v.name, Sequence: int64(v.oc.SortOrder)})
	}
	return a
}

func (s *oc2oSync) syncOptions(ctx context.Context, chunk []opencart.Option) (PageResult, error) {
	tasks, refs, err := s.optionTasks(ctx, chunk)
	if err != nil {
		return PageResult{}, err
	}
	var pending []*optionTask
	for _, t := range tasks {
		if t.err == nil && t.result == outcomeNone {
			pending = append(pending, t)
		}
	}
	if len(pending) > 0 {
		av, err := s.writeAttributes(ctx, pending, refs)
		if err != nil {
			return PageResult{}, err
		}
		if err := s.writeAttributeValues(ctx, pending, av); err != nil {
			return PageResult{}, err
		}
		if err := s.storeOptionMappings(ctx, pending, refs); err != nil {
			return PageResult{}, err
		}
	}
	var res PageResult
	for _, t := range tasks {
		if err := s.settle(ctx, mapping.KindAttribute, int64(t.opt.ID), &t.recordState); err != nil {
			return PageResult{}, err
		}
		res.count(t.result)
	}
	return res, nil
}

// optionTasks validates the options, loads their mappings and settles the unchanged ones.
func (s *oc2oSync) optionTasks(ctx context.Context, chunk []opencart.Option) ([]*optionTask, *refs, error) {
	var optionIDs, valueIDs []int
	for _, o := range chunk {
		optionIDs = append(optionIDs, o.ID)
		for _, v := range o.Values {
			valueIDs = append(valueIDs, v.ID)
		}
	}
	refs := newRefs()
	attrPrior, err := s.Store.ByOpenCartIDs(ctx, mapping.KindAttribute, idStrings(optionIDs))
	if err != nil {
		return nil, nil, err
	}
	valuePrior, err := s.Store.ByOpenCartIDs(ctx, mapping.KindAttributeValue, idStrings(valueIDs))
	if err != nil {
		return nil, nil, err
	}
	for _, m := range valuePrior {
		refs.add(m)
	}
	tasks := make([]*optionTask, len(chunk))
	for i, o := range chunk {
		t := &optionTask{opt: o, ocFP: contentFingerprint(shopAttributeContent(o, refs, s.lang))}
		tasks[i] = t
		t.prior, t.isMapped = attrPrior[ocID(o.ID)]
		for _, v := range o.Values {
			vt := &valueTask{oc: v, name: strings.TrimSpace(v.Names[s.lang])}
			vt.prior, vt.isMapped = valuePrior[ocID(v.ID)]
			vt.odooID = vt.prior.OdooID
			t.values = append(t.values, vt)
		}
		if err := s.checkOption(t); err != nil {
			t.fail(err)
			continue
		}
		if t.isMapped {
			t.odooID = t.prior.OdooID
			if t.ocFP == t.prior.OpenCartFingerprint {
				t.result = s.settledOutcome(t.prior)
			}
		}
	}
	return tasks, refs, nil
}

// checkOption validates names: Odoo requires them, and refuses two values of one attribute with the same
// name.
func (s *oc2oSync) checkOption(t *optionTask) error {
	id := int64(t.opt.ID)
	t.name = strings.TrimSpace(t.opt.Names[s.lang])
	if t.name == "" {
		return invalid(mapping.KindAttribute, id, "name", "the option has no name in the shop's default language",
			"give the option a name in OpenCart (Catalog > Options) in the default language, then replay")
	}
	seen := map[string]int{}
	for _, v := range t.values {
		if v.name == "" {
			return invalid(mapping.KindAttribute, id, "values", fmt.Sprintf("option value %d of %q has no name in the shop's default language", v.oc.ID, t.name),
				"name the value in OpenCart (Catalog > Options), then replay")
		}
		if other, dup := seen[matchName(v.name)]; dup {
			return invalid(mapping.KindAttribute, id, "values", fmt.Sprintf("option values %d and %d of %q are both named %q; Odoo needs distinct value names per attribute", other, v.oc.ID, t.name, v.name),
				"rename or merge one of the two values in OpenCart, then replay")
		}
		seen[matchName(v.name)] = v.oc.ID
	}
	return nil
}

// writeAttributes matches or creates the product.attribute of every pending option, applies the sync
// rule to the existing ones (with their values) and writes their name and sequence where they differ.
// It returns the values of the attributes, as read.
func (s *oc2oSync) writeAttributes(ctx context.Context, pending []*optionTask, refs *refs) (attributeValues, error) {
	attrs, err := s.ERP.SearchRead(ctx, "product.attribute", odoo.Query{
		Fields: []string{"name", "display_type", "create_variant", "sequence", "create_date"}, Order: "id", Context: withArchived})
	if err != nil {
		return attributeValues{}, err
	}
	byID := map[int64]odoo.Record{}
	ids := make([]int64, len(attrs))
	for i, a := range attrs {
		byID[a.ID()], ids[i] = a, a.ID()
	}
	mapped, err := s.Store.ByOdooIDs(ctx, mapping.KindAttribute, ids)
	if err != nil {
		return attributeValues{}, err
	}
	taken := map[int64]bool{}
	for id := range mapped {
		taken[id] = true
	}
	var creates []*optionTask
	var known []int64
	for _, t := range pending {
		if t.isMapped {
			if _, ok := byID[t.odooID]; !ok {
				if err := s.dropStaleMapping(ctx, mapping.KindAttribute, t.odooID); err != nil {
					return attributeValues{}, err
				}
				t.isMapped, t.odooID = false, 0
			}
		}
		if !t.isMapped {
			want, _ := s.attributeMode(t.opt.Type)
			var candidates []int64
			for _, a := range attrs {
				if !taken[a.ID()] && matchName(a.String("name")) == matchName(t.name) && a.String("create_variant") == want {
					candidates = append(candidates, a.ID())
				}
			}
			switch len(candidates) {
			case 0:
				creates = append(creates, t)
				continue
			case 1:
				t.odooID, taken[candidates[0]] = candidates[0], true
			default:
				t.fail(ambiguous(mapping.KindAttribute, int64(t.opt.ID), fmt.Sprintf("option %q", t.name), candidates, "product.attribute"))
				continue
			}
		}
		known = append(known, t.odooID)
	}
	av, err := s.readAttributeValues(ctx, known, refs)
	if err != nil {
		return av, err
	}
	for _, t := range pending {
		if t.err == nil && t.odooID != 0 {
			if err := s.updateAttribute(ctx, t, byID[t.odooID], av, refs); err != nil {
				return av, err
			}
		}
	}
	return av, s.createAttributes(ctx, creates)
}

// updateAttribute applies the sync rule to a mapped or adopted attribute and writes its name and
// sequence where they differ.
func (s *oc2oSync) updateAttribute(ctx context.Context, t *optionTask, current odoo.Record, av attributeValues, refs *refs) error {
	t.state = odooAttributeState{Name: current.String("name"), DisplayType: current.String("display_type"),
		CreateVariant: current.String("create_variant"), Sequence: current.Int("sequence"), Values: av.of(t.odooID)}
	t.madeAt = createdAt(current)
	t.decide(s, mapping.KindAttribute, int64(t.opt.ID), t.ocFP, contentFingerprint(t.state.content(refs)))
	if !t.act.writes() {
		return nil
	}
	values := odoo.Values{}
	if t.state.Name != t.name {
		values["name"], t.state.Name = t.name, t.name
	}
	if t.state.Sequence != int64(t.opt.SortOrder) {
		values["sequence"], t.state.Sequence = t.opt.SortOrder, int64(t.opt.SortOrder)
	}
	return s.writeRecord(ctx, &t.recordState, "product.attribute", t.odooID, values)
}

func (s *oc2oSync) createAttributes(ctx context.Context, creates []*optionTask) error {
	rows := make([]odoo.Values, len(creates))
	records := make([]*recordState, len(creates))
	for i, t := range creates {
		t.act = actWrite
		records[i] = &t.recordState
		var values []any
		for _, v := range t.values {
			values = append(values, odoo.CmdCreate(odoo.Values{"name": v.name, "sequence": v.oc.SortOrder}))
		}
		createVariant, displayType := s.attributeMode(t.opt.Type)
		rows[i] = odoo.Values{"name": t.name, "create_variant": createVariant, "display_type": displayType,
			"sequence": t.opt.SortOrder, "value_ids": values}
	}
	if err := s.createRecords(ctx, "product.attribute", records, rows); err != nil {
		return err
	}
	for _, t := range creates {
		want := s.wanted(t)
		t.state = odooAttributeState{Name: want.Name, DisplayType: want.DisplayType, CreateVariant: want.CreateVariant, Sequence: want.Sequence}
	}
	return nil
}

// writeAttributeValues matches, writes or creates the values of the options the sync writes. The values
// created together with a new attribute are found here by name and mapped like any match.
func (s *oc2oSync) writeAttributeValues(ctx context.Context, pending []*optionTask, av attributeValues) error {
	var created []int64
	for _, t := range pending {
		if t.err == nil && t.odooID > 0 && !slices.ContainsFunc(av.records, func(r odoo.Record) bool { return r.Int("attribute_id") == t.odooID }) {
			created = append(created, t.odooID)
		}
	}
	more, err := s.readAttributeValues(ctx, created, nil)
	if err != nil {
		return err
	}
	av.merge(more)
	var creates []*valueTask
	var rows []odoo.Values
	owner := map[*valueTask]*optionTask{}
	for _, t := range pending {
		if t.err != nil || !t.act.writes() {
			continue
		}
		for _, v := range t.values {
			create, err := s.resolveValue(ctx, t, v, av)
			if err != nil {
				return err
			}
			if create {
				owner[v], creates = t, append(creates, v)
				rows = append(rows, odoo.Values{"attribute_id": t.odooID, "name": v.name, "sequence": v.oc.SortOrder})
			}
		}
	}
	ids, errs, err := s.createEach(ctx, "product.attribute.value", rows)
	if err != nil {
		return err
	}
	for i, v := range creates {
		t := owner[v]
		if errs[i] != nil {
			t.fail(errs[i])
			continue
		}
		v.odooID, t.wrote = ids[i], true
		av.byID[v.odooID] = odoo.Record{"id": v.odooID, "attribute_id": t.odooID, "name": v.name, "sequence": int64(v.oc.SortOrder)}
	}
	for _, t := range pending {
		if t.err != nil {
			continue
		}
		t.state.Values = av.of(t.odooID)
		t.finish(s)
	}
	return nil
}

// attributeValues are the Odoo values of some attributes (as the sync leaves them), and which are taken.
type attributeValues struct {
	records []odoo.Record
	byID    map[int64]odoo.Record
	byKey   map[int64]map[string][]int64 // attribute → matchName → values
	taken   map[int64]bool               // mapped, or claimed in this chunk
}

// readAttributeValues reads the values of attributes, with their pairs (added to refs, when given).
func (s *oc2oSync) readAttributeValues(ctx context.Context, attrIDs []int64, refs *refs) (attributeValues, error) {
	av := attributeValues{byID: map[int64]odoo.Record{}, byKey: map[int64]map[string][]int64{}, taken: map[int64]bool{}}
	if len(attrIDs) == 0 {
		return av, nil
	}
	records, err := s.ERP.SearchRead(ctx, "product.attribute.value", odoo.Query{
		Domain: odoo.Domain{odoo.Leaf("attribute_id", "in", attrIDs)},
		Fields: []string{"attribute_id", "name", "sequence"}, Order: "id", Context: withArchived})
	if err != nil {
		return av, err
	}
	av.records = records
	ids := make([]int64, len(records))
	for i, r := range records {
		ids[i], av.byID[r.ID()] = r.ID(), r
		attr := r.Int("attribute_id")
		if av.byKey[attr] == nil {
			av.byKey[attr] = map[string][]int64{}
		}
		key := matchName(r.String("name"))
		av.byKey[attr][key] = append(av.byKey[attr][key], r.ID())
	}
	mapped, err := s.Store.ByOdooIDs(ctx, mapping.KindAttributeValue, ids)
	for id, m := range mapped {
		av.taken[id] = true
		if refs != nil {
			refs.add(m)
		}
	}
	return av, err
}

// merge adds the values of other attributes.
func (av *attributeValues) merge(o attributeValues) {
	av.records = append(av.records, o.records...)
	maps.Copy(av.byID, o.byID)
	maps.Copy(av.byKey, o.byKey)
	maps.Copy(av.taken, o.taken)
}

// of is an attribute's values as the sync leaves them, by id.
func (av attributeValues) of(attr int64) []odooValueState {
	var out []odooValueState
	for _, id := range slices.Sorted(maps.Keys(av.byID)) {
		if r := av.byID[id]; r.Int("attribute_id") == attr {
			out = append(out, odooValueState{ID: id, Name: r.String("name"), Sequence: r.Int("sequence")})
		}
	}
	return out
}

// resolveValue keeps a mapped value (dropping the pair if Odoo lost the value), adopts an unmapped Odoo
// value of the same name in the attribute, or asks for a create (true). Names and sequences that differ
// are written.
func (s *oc2oSync) resolveValue(ctx context.Context, t *optionTask, v *valueTask, av attributeValues) (create bool, err error) {
	if v.isMapped {
		if current, ok := av.byID[v.odooID]; !ok || current.Int("attribute_id") != t.odooID {
			if err := s.dropStaleMapping(ctx, mapping.KindAttributeValue, v.odooID); err != nil {
				return false, err
			}
			v.isMapped, v.odooID = false, 0
		}
	}
	if !v.isMapped {
		var candidates []int64
		for _, id := range av.byKey[t.odooID][matchName(v.name)] {
			if !av.taken[id] {
				candidates = append(candidates, id)
			}
		}
		switch len(candidates) {
		case 0:
			return true, nil
		case 1:
			v.odooID, av.taken[candidates[0]] = candidates[0], true
		default:
			t.fail(ambiguous(mapping.KindAttribute, int64(t.opt.ID), fmt.Sprintf("value %q of option %q", v.name, t.name), candidates, "product.attribute.value"))
			return false, nil
		}
	}
	current := av.byID[v.odooID]
	values := odoo.Values{}
	if current.String("name") != v.name {
		values["name"], current["name"] = v.name, v.name
	}
	if current.Int("sequence") != int64(v.oc.SortOrder) {
		values["sequence"], current["sequence"] = v.oc.SortOrder, int64(v.oc.SortOrder)
	}
	return false, s.writeRecord(ctx, &t.recordState, "product.attribute.value", v.odooID, values)
}

// storeOptionMappings stores each synced option's attribute pair with its value pairs, with the
// fingerprints of both sides' content as the sync leaves it.
func (s *oc2oSync) storeOptionMappings(ctx context.Context, pending []*optionTask, refs *refs) error {
	var stored []*recordState
	var groups [][]mapping.Mapping
	for _, t := range pending {
		if t.err != nil {
			continue
		}
		synced := t.wrote || !t.isMapped
		var group []mapping.Mapping
		for _, v := range t.values {
			value := valueContent{Name: v.name, SortOrder: v.oc.SortOrder}.fingerprint()
			group = append(group, pair(mapping.KindAttributeValue, v.odooID, ocID(v.oc.ID), value, value, synced))
		}
		refs.add(group...)
		group = append([]mapping.Mapping{pair(mapping.KindAttribute, t.odooID, ocID(t.opt.ID),
			contentFingerprint(shopAttributeContent(t.opt, refs, s.lang)), contentFingerprint(t.state.content(refs)), synced)}, group...)
		stored, groups = append(stored, &t.recordState), append(groups, group)
	}
	return s.storePairs(ctx, stored, groups)
}
