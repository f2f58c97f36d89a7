package activities

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// Attributes: one product.attribute with its values becomes one OpenCart option (of the type optionType
// gives; sort order from sequence) with one option value per attribute value, named alike in every shop
// language. Option values that no Odoo value maps to (the shop's own, or values deleted in Odoo) are
// kept: products and past orders may still point at them.

var (
	attributeFields      = []string{"name", "display_type", "sequence", "create_variant"}
	attributeValueFields = []string{"name", "sequence", "attribute_id"}
)

// attributeSync is what a page of attributes needs besides the attributes.
type attributeSync struct {
	run     *pageRun
	values  map[int64][]odoo.Record // attribute id → its values, by sequence
	options map[int]opencart.Option // the shop's options by id
	highest int                     // highest option id in the shop
	mapped  map[int64]mapping.Mapping
	// valueMaps holds the pairs of the page's attribute values.
	valueMaps map[int64]mapping.Mapping
}

func (d odooToOpenCart) syncAttributes(ctx context.Context, run *pageRun) error {
	attrs, err := run.read(ctx, attributeFields)
	if err != nil || len(attrs) == 0 {
		return err
	}
	s := &attributeSync{run: run, values: map[int64][]odoo.Record{}, options: map[int]opencart.Option{}}
	values, err := d.ERP.SearchRead(ctx, "product.attribute.value", odoo.Query{
		Domain: odoo.Domain{odoo.Leaf("attribute_id", "in", odooIDs(attrs))}, Fields: attributeValueFields, Order: "sequence, id",
	})
	if err != nil {
		return err
	}
	for _, v := range values {
		s.values[v.Int("attribute_id")] = append(s.values[v.Int("attribute_id")], v)
	}
	options, err := d.Shop.Options(ctx)
	if err != nil {
		return err
	}
	var optionIDs, valueIDs []int
	for _, o := range options {
		s.options[o.ID] = o
		s.highest = max(s.highest, o.ID)
		optionIDs = append(optionIDs, o.ID)
		for _, v := range o.Values {
			valueIDs = append(valueIDs, v.ID)
		}
	}
	if s.mapped, err = d.Store.ByOdooIDs(ctx, mapping.KindAttribute, odooIDs(attrs)); err != nil {
		return err
	}
	if s.valueMaps, err = d.Store.ByOdooIDs(ctx, mapping.KindAttributeValue, odooIDs(values)); err != nil {
		return err
	}
	for _, m := range s.valueMaps {
		run.refs.add(m)
	}
	if err := run.refs.loadShop(ctx, d.Store, mapping.KindAttribute, optionIDs); err != nil {
		return err
	}
	if err := run.refs.loadShop(ctx, d.Store, mapping.KindAttributeValue, valueIDs); err != nil {
		return err
	}
	for _, chunk := range chunks(attrs) {
		for _, a := range chunk {
			o, syncErr := s.sync(ctx, a)
			if err := run.settle(ctx, mapping.KindAttribute, a.ID(), o, syncErr); err != nil {
				return err
			}
		}
		run.advance(ctx, chunk[len(chunk)-1].ID())
	}
	return nil
}

// sync brings one attribute over and says how it counts.
func (s *attributeSync) sync(ctx context.Context, a odoo.Record) (recordResult, error) {
	run, shop := s.run, s.run.d.Shop
	values := s.values[a.ID()]
	if err := checkAttribute(a, values); err != nil {
		return recordResult{}, err
	}
	prior := pairOf(s.mapped, a.ID())
	target, matched, err := s.target(a, prior)
	if err != nil {
		return recordResult{}, err
	}
	if prior != nil && target.ID != openCartID(*prior) {
		prior = nil // its shop record is gone: this is a new pair (the old one is replaced)
	}
	lang := shop.DefaultLanguageID()
	srcFP, tgtFP := contentFingerprint(odooAttributeContent(a, values, run.refs)), ""
	if target.ID != 0 {
		tgtFP = contentFingerprint(shopAttributeContent(target, run.refs, lang))
	}
	o, err := run.prepare(ctx, prior, srcFP, tgtFP, shopTarget{table: "option", id: target.ID, matched: matched, highest: s.highest})
	switch {
	case err != nil:
		return o, err
	case o.act == actYield:
		return o, run.rule.lostChange(mapping.KindAttribute, run.rule.dir, a.ID())
	case o.act == actNone, run.page.DryRun:
		return o, nil
	}
	written := target
	if o.act.writes() {
		if written, err = s.write(ctx, a, values, target); err != nil {
			return o, err
		}
	}
	pairs := []mapping.Mapping{{Kind: mapping.KindAttribute, OdooID: a.ID(), OpenCartID: strconv.Itoa(written.ID)}}
	for _, v := range values {
		ov, err := s.valueTarget(a, v, written, map[int]bool{})
		if err != nil {
			return o, err
		}
		if ov == 0 {
			continue // a value the agreeing option lacks: cannot be; nothing to pair
		}
		pairs = append(pairs, mapping.Mapping{Kind: mapping.KindAttributeValue, OdooID: v.ID(), OpenCartID: strconv.Itoa(ov)})
	}
	run.refs.add(pairs...)
	srcFP, tgtFP = contentFingerprint(odooAttributeContent(a, values, run.refs)), contentFingerprint(shopAttributeContent(written, run.refs, lang))
	for i := range pairs {
		pairs[i].SyncedAt = syncedAt(o.act)
		if i == 0 {
			pairs[0].OdooFingerprint, pairs[0].OpenCartFingerprint = srcFP, tgtFP
			continue
		}
		value := odooValueContent(values[slices.IndexFunc(values, func(v odoo.Record) bool { return v.ID() == pairs[i].OdooID })], run.refs)
		pairs[i].OdooFingerprint, pairs[i].OpenCartFingerprint = value.fingerprint(), value.fingerprint()
	}
	if err := run.d.putMappings(ctx, pairs, s.mapped, s.valueMaps); err != nil {
		return o, mappingError(mapping.KindAttribute, a.ID(), err)
	}
	return o, nil
}

// write upserts the option an attribute makes, its values in the order of the attribute's, and returns
// it as written.
func (s *attributeSync) write(ctx context.Context, a odoo.Record, values []odoo.Record, target opencart.Option) (opencart.Option, error) {
	shop := s.run.d.Shop
	want := opencart.Option{ID: target.ID, Type: optionType(a.String("display_type"), a.String("create_variant")), SortOrder: int(a.Int("sequence")),
		Names: languageTexts(shop, a.String("name"))}
	claimed := map[int]bool{}
	for _, v := range values {
		id, err := s.valueTarget(a, v, target, claimed)
		if err != nil {
			return want, err
		}
		claimed[id] = id != 0
		want.Values = append(want.Values, opencart.OptionValue{ID: id, Names: languageTexts(shop, v.String("name")), SortOrder: int(v.Int("sequence"))})
	}
	for _, kept := range target.Values {
		if !claimed[kept.ID] {
			want.Values = append(want.Values, kept)
		}
	}
	written, err := shop.UpsertOption(ctx, want)
	if err != nil {
		return written, shopRecordError(mapping.KindAttribute, a.ID(), err)
	}
	s.options[written.ID] = written
	// The values just written are paired with their Odoo values (by position) before anything else.
	for i, v := range values {
		s.run.refs.add(mapping.Mapping{Kind: mapping.KindAttributeValue, OdooID: v.ID(), OpenCartID: strconv.Itoa(written.Values[i].ID)})
	}
	s.run.refs.add(mapping.Mapping{Kind: mapping.KindAttribute, OdooID: a.ID(), OpenCartID: strconv.Itoa(written.ID)})
	return written, nil
}

// syncedAt stamps a pair as synced now when its target was written; a pair whose fingerprints were only
// stored keeps its sync time.
func syncedAt(act action) time.Time {
	if act.writes() {
		return now()
	}
	return time.Time{}
}

// target is the shop option an attribute goes to: its mapped option, else the one unpaired option of the
// same name and type (adopted), else none yet (ID 0).
func (s *attributeSync) target(a odoo.Record, prior *mapping.Mapping) (opencart.Option, bool, error) {
	if prior != nil {
		if o, ok := s.options[openCartID(*prior)]; ok {
			return o, false, nil
		}
		// Deleted in the shop: made again (or matched) below, and the pair replaced.
	}
	name, typ := matchName(a.String("name")), optionType(a.String("display_type"), a.String("create_variant"))
	var found []int
	for id, o := range s.options {
		if !s.run.refs.taken(mapping.KindAttribute, id) && o.Type == typ && matchName(o.Names[s.run.d.Shop.DefaultLanguageID()]) == name {
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return opencart.Option{}, false, nil
	case 1:
		return s.options[found[0]], true, nil
	}
	slices.Sort(found)
	return opencart.Option{}, false, &syncerr.Invalid{Kind: string(mapping.KindAttribute), RecordID: strconv.FormatInt(a.ID(), 10), Field: "name",
		Reason: fmt.Sprintf("attribute %q matches several unpaired %s options in the shop (%s); the bridge does not guess",
			a.String("name"), typ, candidateList("option_id", found)),
		Fix: "rename all but one of those options in OpenCart, or pair the attribute with one of them in the mapping store, then replay"}
}

// valueTarget is the shop option value an attribute value goes to (0 = a new one), by its pair or by
// name among the option's unpaired values.
func (s *attributeSync) valueTarget(a, v odoo.Record, option opencart.Option, claimed map[int]bool) (int, error) {
	inOption := func(id int) bool {
		return slices.ContainsFunc(option.Values, func(ov opencart.OptionValue) bool { return ov.ID == id })
	}
	if id := s.run.refs.toShop[mapping.KindAttributeValue][v.ID()]; id != 0 && inOption(id) {
		return id, nil
	}
	var found []int
	for _, ov := range option.Values {
		if !s.run.refs.taken(mapping.KindAttributeValue, ov.ID) && !claimed[ov.ID] && matchName(ov.Names[s.run.d.Shop.DefaultLanguageID()]) == matchName(v.String("name")) {
			found = append(found, ov.ID)
		}
	}
	switch len(found) {
	case 0:
		return 0, nil
	case 1:
		return found[0], nil
	}
	return 0, &syncerr.Invalid{Kind: string(mapping.KindAttribute), RecordID: strconv.FormatInt(a.ID(), 10), Field: "value_ids",
		Reason: fmt.Sprintf("value %q matches several values of shop option %d (%s); the bridge does not guess",
			v.String("name"), option.ID, candidateList("option_value_id", found)),
		Fix: "rename all but one of those option values in OpenCart, or pair the value by hand in the mapping store, then replay"}
}

// checkAttribute refuses what OpenCart would refuse, naming the fix.
func checkAttribute(a odoo.Record, values []odoo.Record) error {
	id := strconv.FormatInt(a.ID(), 10)
	if matchName(a.String("name")) == "" {
		return &syncerr.Invalid{Kind: string(mapping.KindAttribute), RecordID: id, Field: "name",
			Reason: "the attribute has no name; OpenCart options need one", Fix: "name the attribute in Odoo, then replay"}
	}
	for _, v := range values {
		if matchName(v.String("name")) == "" {
			return &syncerr.Invalid{Kind: string(mapping.KindAttribute), RecordID: id, Field: "value_ids",
				Reason: fmt.Sprintf("attribute value %d has no name; OpenCart option values need one", v.ID()),
				Fix:    "name the value in Odoo (Sales > Configuration > Attributes), then replay"}
		}
	}
	return nil
}
