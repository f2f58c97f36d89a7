package opencart

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// prepareVariant expands a 4.x variant into a product row: the master's
// product with the variant's own fields, as OpenCart's addVariant copies the
// master's data into the variant.
func (db *DB) prepareVariant(master *productWrite, v *Variant, defaults productDefaults) (*productWrite, error) {
	p := *master.p
	p.ID, p.Model, p.Codes, p.Price, p.Quantity, p.Status = v.ID, v.Model, v.Codes, v.Price, v.Quantity, v.Status
	p.Keyword, p.Keywords, p.Options, p.Variants = v.Keyword, nil, nil, nil
	override := map[string]any{"model": "1", "price": "1", "status": "1"}
	if db.flavour == V41 {
		override["product_code"] = "1"
	} else {
		for _, code := range []string{"sku", "upc", "ean", "jan", "isbn", "mpn"} {
			override[code] = "1"
		}
	}
	if v.Image != "" {
		p.Image, override["image"] = v.Image, "1"
	}
	if v.Weight != 0 {
		p.Weight, override["weight"] = v.Weight, "1"
	}
	name := defaultText(db, p.Descriptions).Name
	if v.Name != "" {
		name = v.Name
		p.Descriptions = maps.Clone(p.Descriptions)
		names := map[string]any{}
		for lang, d := range p.Descriptions {
			d.Name = v.Name
			p.Descriptions[lang] = d
		}
		for _, lang := range db.languageIDs() {
			names[strconv.Itoa(lang)] = map[string]string{"name": "1"}
		}
		override["product_description"] = names
	}
	w := &productWrite{p: &p, id: v.ID, master: master, selected: v.Selection, override: override,
		record: fmt.Sprintf("%s, variant %s", master.record, recordName("product", v.ID, name))}
	if err := db.prepareProductRow(w, defaults); err != nil {
		return nil, err
	}
	check := &fieldCheck{record: w.record}
	if len(v.Selection) == 0 {
		check.fail("selects no option values; a variant stands for a choice of the master's option values")
	}
	for optionID, valueID := range v.Selection {
		i := slices.IndexFunc(master.p.Options, func(o ProductOption) bool { return o.OptionID == optionID })
		if i < 0 {
			check.fail("selects option %d, which the master does not offer; add it to the master's Options", optionID)
			continue
		}
		if !slices.ContainsFunc(master.p.Options[i].Values, func(ov ProductOptionValue) bool { return ov.OptionValueID == valueID }) {
			check.fail("selects value %d of option %d, which the master does not offer; add it to the master's option values", valueID, optionID)
		}
	}
	return w, check.err
}

// variantJSON returns the variant and override columns of a variant row,
// once its master's product_option ids are known:
// variant = {"<product_option_id>": "<product_option_value_id>"} and override
// marks the variant's own fields, both as OpenCart's product form posts them.
func (w *productWrite) variantJSON() (variant, override string, err error) {
	if w.master == nil {
		return "", "", nil
	}
	choice := map[string]string{}
	fixed := map[string]string{}
	for optionID, valueID := range w.selected {
		po := strconv.Itoa(w.master.optionIDs[optionID])
		choice[po] = strconv.Itoa(w.master.optionValueIDs[valueID])
		fixed[po] = "1"
	}
	ov := maps.Clone(w.override)
	ov["variant"] = fixed
	v, err := json.Marshal(choice)
	if err != nil {
		return "", "", err
	}
	o, err := json.Marshal(ov)
	return string(v), string(o), err
}

// masterID is the oc_product.master_id of a row.
func (w *productWrite) masterID() int {
	if w.master == nil {
		return 0
	}
	return w.master.id
}
