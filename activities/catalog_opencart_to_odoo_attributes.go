package activities

import (
	"cmp"
	"context"
	"fmt"
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

// odooAttributeState is a product.attribute with its values as the fingerprints see it. The form is the
// one the Odoo → OpenCart direction computes from Odoo (values by sequence, then id).
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

func (a odooAttributeState) fingerprint() string {
	a.Values = slices.Clone(a.Values)
	slices.SortFunc(a.Values, func(x, y odooValueState) int {
		return cmp.Or(cmp.Compare(x.Sequence, y.Sequence), cmp.Compare(x.ID, y.ID))
	})
	return mapping.Fingerprint(a)
}

func (v odooValueState) fingerprint() string {
	return mapping.Fingerprint(struct {
		Name     string
		Sequence int64
	}{v.Name, v.Sequence})
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

func createVariantMode(optionType string) string {
	if createsVariants(optionType) {
		return "always"
	}
	return "no_variant"
}

// displayType is how Odoo shows a created attribute: checkboxes as a multi-checkbox where Odoo has one (17+).
func (s *oc2oSync) displayType(optionType string) string {
	switch {
	case optionType == "select":
		return "select"
	case optionType == "checkbox" && s.ERP.Version().AtLeast(17, 0):
		return "multi"
	}
	return "radio"
}

// wanted is the attribute as the sync would create it, with the Odoo value ids known so far.
func (s *oc2oSync) wanted(t *optionTask) odooAttributeState {
	a := odooAttributeState{Name: t.name, DisplayType: s.displayType(t.opt.Type), CreateVariant: createVariantMode(t.opt.Type), Sequence: int64(t.opt.SortOrder)}
	for _, v := range t.values {
		a.Values = append(a.Values, odooValueState{ID: v.odooID, Name: v.name, Sequence: int64(v.oc.SortOrder)})
	}
	return a
}

func (s *oc2oSync) syncOptions(ctx context.Context, chunk []opencart.Option) (PageResult, error) {
	tasks, err := s.optionTasks(ctx, chunk)
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
		if err := s.writeAttributes(ctx, pending); err != nil {
			return PageResult{}, err
		}
		if err := s.writeAttributeValues(ctx, pending); err != nil {
			return PageResult{}, err
		}
		if err := s.storeOptionMappings(ctx, pending); err != nil {
			return PageResult{}, err
		}
	}
	var res PageResult
	for _, t := range tasks {
		if err := s.settle(ctx, mapping.KindAttribute, int64(t.opt.ID), t.err); err != nil {
			return PageResult{}, err
		}
		res.count(t.result)
	}
	return res, nil
}

// optionTasks validates the options, loads their mappings and settles the unchanged ones.
func (s *oc2oSync) optionTasks(ctx context.Context, chunk []opencart.Option) ([]*optionTask, error) {
	var optionIDs, valueIDs []int
	for _, o := range chunk {
		optionIDs = append(optionIDs, o.ID)
		for _, v := range o.Values {
			valueIDs = append(valueIDs, v.ID)
		}
	}
	attrPrior, err := s.Store.ByOpenCartIDs(ctx, mapping.KindAttribute, idStrings(optionIDs))
	if err != nil {
		return nil, err
	}
	valuePrior, err := s.Store.ByOpenCartIDs(ctx, mapping.KindAttributeValue, idStrings(valueIDs))
	if err != nil {
		return nil, err
	}
	tasks := make([]*optionTask, len(chunk))
	for i, o := range chunk {
		t := &optionTask{opt: o, ocFP: openCartOptionFingerprint(o)}
		tasks[i] = t
		t.prior, t.isMapped = attrPrior[ocID(o.ID)]
		allMapped := t.isMapped
		for _, v := range o.Values {
			vt := &valueTask{oc: v, name: strings.TrimSpace(v.Names[s.lang])}
			vt.prior, vt.isMapped = valuePrior[ocID(v.ID)]
			vt.odooID = vt.prior.OdooID
			allMapped = allMapped && vt.isMapped
			t.values = append(t.values, vt)
		}
		if err := s.checkOption(t); err != nil {
			t.fail(err)
			continue
		}
		if t.isMapped {
			t.odooID = t.prior.OdooID
		}
		if allMapped && t.ocFP == t.prior.OpenCartFingerprint && s.wanted(t).fingerprint() == t.prior.OdooFingerprint {
			t.result = s.settledOutcome(t.prior)
		}
	}
	return tasks, nil
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

// writeAttributes matches, writes or creates the product.attribute of every pending option.
func (s *oc2oSync) writeAttributes(ctx context.Context, pending []*optionTask) error {
	attrs, err := s.ERP.SearchRead(ctx, "product.attribute", odoo.Query{
		Fields: []string{"name", "display_type", "create_variant", "sequence", "create_date"}, Order: "id", Context: withArchived})
	if err != nil {
		return err
	}
	byID := map[int64]odoo.Record{}
	ids := make([]int64, len(attrs))
	for i, a := range attrs {
		byID[a.ID()], ids[i] = a, a.ID()
	}
	mapped, err := s.Store.ByOdooIDs(ctx, mapping.KindAttribute, ids)
	if err != nil {
		return err
	}
	taken := map[int64]bool{}
	for id := range mapped {
		taken[id] = true
	}
	var creates []*optionTask
	for _, t := range pending {
		if t.isMapped {
			if _, ok := byID[t.odooID]; !ok {
				if err := s.dropStaleMapping(ctx, mapping.KindAttribute, t.odooID); err != nil {
					return err
				}
				t.isMapped, t.odooID = false, 0
			}
		}
		if !t.isMapped {
			want := createVariantMode(t.opt.Type)
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
		if err := s.updateAttribute(ctx, t, byID[t.odooID]); err != nil {
			return err
		}
	}
	return s.createAttributes(ctx, creates)
}

// updateAttribute writes the name and sequence of a mapped or adopted attribute where they differ.
func (s *oc2oSync) updateAttribute(ctx context.Context, t *optionTask, current odoo.Record) error {
	t.state = odooAttributeState{Name: current.String("name"), DisplayType: current.String("display_type"),
		CreateVariant: current.String("create_variant"), Sequence: current.Int("sequence")}
	values := odoo.Values{}
	if t.state.Name != t.name {
		values["name"], t.state.Name = t.name, t.name
	}
	if t.state.Sequence != int64(t.opt.SortOrder) {
		values["sequence"], t.state.Sequence = t.opt.SortOrder, int64(t.opt.SortOrder)
	}
	t.madeAt = createdAt(current)
	return s.writeRecord(ctx, &t.recordState, "product.attribute", t.odooID, values)
}

func (s *oc2oSync) createAttributes(ctx context.Context, creates []*optionTask) error {
	rows := make([]odoo.Values, len(creates))
	records := make([]*recordState, len(creates))
	for i, t := range creates {
		records[i] = &t.recordState
		var values []any
		for _, v := range t.values {
			values = append(values, odoo.CmdCreate(odoo.Values{"name": v.name, "sequence": v.oc.SortOrder}))
		}
		rows[i] = odoo.Values{"name": t.name, "create_variant": createVariantMode(t.opt.Type), "display_type": s.displayType(t.opt.Type),
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

// writeAttributeValues matches, writes or creates the values of the options whose attribute is known. The
// values created together with a new attribute are found here by name and mapped like any match.
func (s *oc2oSync) writeAttributeValues(ctx context.Context, pending []*optionTask) error {
	var attrIDs []int64
	for _, t := range pending {
		if t.err == nil && t.odooID > 0 {
			attrIDs = append(attrIDs, t.odooID)
		}
	}
	av, err := s.readAttributeValues(ctx, attrIDs)
	if err != nil {
		return err
	}
	var creates []*valueTask
	var rows []odoo.Values
	owner := map[*valueTask]*optionTask{}
	for _, t := range pending {
		if t.err != nil {
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
		for _, r := range av.byID {
			if r.Int("attribute_id") == t.odooID {
				t.state.Values = append(t.state.Values, odooValueState{ID: r.ID(), Name: r.String("name"), Sequence: r.Int("sequence")})
			}
		}
		t.finish(s)
	}
	return nil
}

// attributeValues are the Odoo values of some attributes (as the sync leaves them), and which are taken.
type attributeValues struct {
	byID  map[int64]odoo.Record
	byKey map[int64]map[string][]int64 // attribute → matchName → values
	taken map[int64]bool               // mapped, or claimed in this chunk
}

func (s *oc2oSync) readAttributeValues(ctx context.Context, attrIDs []int64) (attributeValues, error) {
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
	for id := range mapped {
		av.taken[id] = true
	}
	return av, err
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

// storeOptionMappings stores each option's attribute pair with its value pairs; a mapped option that
// needed no write keeps the pairs it has (see openCartToOdoo).
func (s *oc2oSync) storeOptionMappings(ctx context.Context, pending []*optionTask) error {
	var stored []*recordState
	var groups [][]mapping.Mapping
	for _, t := range pending {
		if t.err != nil || (t.keepsPair(t.ocFP) && !valuesRemapped(t)) {
			continue
		}
		synced := t.wrote || !t.isMapped
		group := []mapping.Mapping{pair(mapping.KindAttribute, t.odooID, ocID(t.opt.ID), t.ocFP, t.state.fingerprint(), synced)}
		for _, v := range t.values {
			state := odooValueState{ID: v.odooID, Name: v.name, Sequence: int64(v.oc.SortOrder)}
			group = append(group, pair(mapping.KindAttributeValue, v.odooID, ocID(v.oc.ID), openCartOptionValueFingerprint(v.oc), state.fingerprint(), synced))
		}
		stored, groups = append(stored, &t.recordState), append(groups, group)
	}
	return s.storePairs(ctx, stored, groups)
}

// valuesRemapped tells whether some value of the option has no pair yet, or a different one.
func valuesRemapped(t *optionTask) bool {
	return slices.ContainsFunc(t.values, func(v *valueTask) bool { return !v.isMapped || v.odooID != v.prior.OdooID })
}
