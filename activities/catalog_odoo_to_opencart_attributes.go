package activities

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// Attributes: one product.attribute with its values becomes one OpenCart option (type radio for
// display_type radio, select otherwise; sort order from sequence) with one option value per attribute
// value, named alike in every shop language. Option values that no Odoo value maps to (the shop's own,
// or values deleted in Odoo) are kept: products and past orders may still point at them.

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
	// taken marks shop options and option values already paired with an Odoo record.
	takenOptions, takenValues map[int]bool
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
	var optionKeys, valueKeys []string
	for _, o := range options {
		s.options[o.ID] = o
		s.highest = max(s.highest, o.ID)
		optionKeys = append(optionKeys, strconv.Itoa(o.ID))
		for _, v := range o.Values {
			valueKeys = append(valueKeys, strconv.Itoa(v.ID))
		}
	}
	if s.mapped, err = d.Store.ByOdooIDs(ctx, mapping.KindAttribute, odooIDs(attrs)); err != nil {
		return err
	}
	if s.valueMaps, err = d.Store.ByOdooIDs(ctx, mapping.KindAttributeValue, odooIDs(values)); err != nil {
		return err
	}
	if s.takenOptions, err = d.takenIDs(ctx, mapping.KindAttribute, optionKeys); err != nil {
		return err
	}
	if s.takenValues, err = d.takenIDs(ctx, mapping.KindAttributeValue, valueKeys); err != nil {
		return err
	}
	for _, chunk := range chunks(attrs) {
		for _, a := range chunk {
			v, syncErr := s.sync(ctx, a)
			if err := run.settle(ctx, mapping.KindAttribute, a.ID(), v, syncErr); err != nil {
				return err
			}
		}
		run.advance(ctx, chunk[len(chunk)-1].ID())
	}
	return nil
}

// takenIDs reports which of the shop's ids are already paired with an Odoo record.
func (d odooToOpenCart) takenIDs(ctx context.Context, kind mapping.Kind, keys []string) (map[int]bool, error) {
	pairs, err := d.Store.ByOpenCartIDs(ctx, kind, keys)
	taken := map[int]bool{}
	for key := range pairs {
		id, _ := strconv.Atoi(key)
		taken[id] = true
	}
	return taken, err
}

// optionType is the OpenCart option type of an Odoo attribute's display type.
func optionType(displayType string) string {
	if displayType == "radio" {
		return "radio"
	}
	return "select"
}

// sync brings one attribute over and says how it counts.
func (s *attributeSync) sync(ctx context.Context, a odoo.Record) (verdict, error) {
	run, shop := s.run, s.run.d.Shop
	values := s.values[a.ID()]
	odooFP := attributeFingerprint(a, values)
	if err := checkAttribute(a, values); err != nil {
		return 0, err
	}
	prior := pairOf(s.mapped, a.ID())
	target, matched, err := s.target(a, prior)
	if err != nil {
		return 0, err
	}
	if prior != nil && target.ID != openCartID(*prior) {
		prior = nil // its shop record is gone: this is a new pair (the old one is replaced)
	}
	want := opencart.Option{ID: target.ID, Type: optionType(a.String("display_type")), SortOrder: int(a.Int("sequence")),
		Names: languageTexts(shop, a.String("name"))}
	claimed := map[int]bool{}
	for _, v := range values {
		id, err := s.valueTarget(a, v, target, claimed)
		if err != nil {
			return 0, err
		}
		claimed[id] = id != 0
		want.Values = append(want.Values, opencart.OptionValue{ID: id, Names: languageTexts(shop, v.String("name")), SortOrder: int(v.Int("sequence"))})
	}
	for _, kept := range target.Values {
		if !claimed[kept.ID] {
			want.Values = append(want.Values, kept)
		}
	}
	counted, write, err := run.prepareWrite(ctx, prior, odooFP, openCartOptionFingerprint(want),
		shopTarget{table: "option", id: target.ID, matched: matched, highest: s.highest})
	if !write || err != nil {
		return counted, err
	}
	written, err := shop.UpsertOption(ctx, want)
	if err != nil {
		return 0, shopRecordError(mapping.KindAttribute, a.ID(), err)
	}
	s.options[written.ID] = written
	s.takenOptions[written.ID] = true
	pairs := []mapping.Mapping{{Kind: mapping.KindAttribute, OdooID: a.ID(), OpenCartID: strconv.Itoa(written.ID),
		OdooFingerprint: odooFP, OpenCartFingerprint: openCartOptionFingerprint(written), SyncedAt: now()}}
	for i, v := range values {
		ov := written.Values[i]
		s.takenValues[ov.ID] = true
		pairs = append(pairs, mapping.Mapping{Kind: mapping.KindAttributeValue, OdooID: v.ID(), OpenCartID: strconv.Itoa(ov.ID),
			OdooFingerprint: attributeValueFingerprint(v), OpenCartFingerprint: openCartOptionValueFingerprint(ov), SyncedAt: now()})
	}
	if err := run.d.putMappings(ctx, pairs, s.mapped, s.valueMaps); err != nil {
		return 0, mappingError(mapping.KindAttribute, a.ID(), err)
	}
	return counted, nil
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
	name, typ := matchName(a.String("name")), optionType(a.String("display_type"))
	var found []int
	for id, o := range s.options {
		if !s.takenOptions[id] && o.Type == typ && matchName(o.Names[s.run.d.Shop.DefaultLanguageID()]) == name {
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
	if m, ok := s.valueMaps[v.ID()]; ok && inOption(openCartID(m)) {
		return openCartID(m), nil
	}
	var found []int
	for _, ov := range option.Values {
		if !s.takenValues[ov.ID] && !claimed[ov.ID] && matchName(ov.Names[s.run.d.Shop.DefaultLanguageID()]) == matchName(v.String("name")) {
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

// attributeFingerprint covers the Odoo content an option is made of.
func attributeFingerprint(a odoo.Record, values []odoo.Record) string {
	type value struct {
		ID       int64
		Name     string
		Sequence int64
	}
	vs := make([]value, len(values))
	for i, v := range values {
		vs[i] = value{v.ID(), v.String("name"), v.Int("sequence")}
	}
	return mapping.Fingerprint(struct {
		Name, DisplayType, CreateVariant string
		Sequence                         int64
		Values                           []value
	}{a.String("name"), a.String("display_type"), a.String("create_variant"), a.Int("sequence"), vs})
}

func attributeValueFingerprint(v odoo.Record) string {
	return mapping.Fingerprint(struct {
		Name     string
		Sequence int64
	}{v.String("name"), v.Int("sequence")})
}
