package activities

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
)

// Tax classes. Prices go by the rule in catalog_match.go (includedTax); the tax class is the shop's
// own once a product exists (the other direction syncs no taxes, so a class picked from Odoo's taxes
// could not come back): the bridge picks one for a product it creates, or for one that has none.

// taxClasses picks OpenCart tax classes for Odoo sale taxes. A tax points at the classes whose title
// is its name, whose rules use a rate of its name, or whose rules use the rate it is paired with (tax
// mapping); a product gets the one class its taxes point at together, or none (0) when they point at
// none or at several, which the page notes in the log.
type taxClasses struct {
	byName   map[string][]int // matchName(title or rate name) → class ids
	byRate   map[int][]int    // tax_rate_id → class ids
	rateOf   map[int64]int    // Odoo tax id → paired tax_rate_id
	titles   map[int]string
	hasTaxes bool
}

func (d odooToOpenCart) loadTaxClasses(ctx context.Context, taxes map[int64]odoo.Record) (*taxClasses, error) {
	m := &taxClasses{byName: map[string][]int{}, byRate: map[int][]int{}, rateOf: map[int64]int{}, titles: map[int]string{}, hasTaxes: len(taxes) > 0}
	if !m.hasTaxes {
		return m, nil
	}
	classes, err := d.Shop.TaxClasses(ctx)
	if err != nil {
		return nil, err
	}
	rates, err := d.Shop.TaxRates(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := d.Shop.TaxRules(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range classes {
		m.titles[c.ID] = c.Title
		m.byName[matchName(c.Title)] = appendNew(m.byName[matchName(c.Title)], c.ID)
	}
	rateName := map[int]string{}
	for _, r := range rates {
		rateName[r.ID] = r.Name
	}
	for _, rule := range rules {
		m.byRate[rule.TaxRateID] = appendNew(m.byRate[rule.TaxRateID], rule.TaxClassID)
		if name, ok := rateName[rule.TaxRateID]; ok {
			m.byName[matchName(name)] = appendNew(m.byName[matchName(name)], rule.TaxClassID)
		}
	}
	ids := make([]int64, 0, len(taxes))
	for id := range taxes {
		ids = append(ids, id)
	}
	pairs, err := d.Store.ByOdooIDs(ctx, mapping.KindTax, ids)
	if err != nil {
		return nil, err
	}
	for id, p := range pairs {
		m.rateOf[id] = openCartID(p)
	}
	return m, nil
}

// classFor returns the tax class for a product's sale taxes, with a note when there is none to take.
func (m *taxClasses) classFor(taxes []odoo.Record) (int, string) {
	if len(taxes) == 0 {
		return 0, ""
	}
	var found []int
	var names []string
	for _, t := range taxes {
		names = append(names, t.String("name"))
		for _, c := range m.byName[matchName(t.String("name"))] {
			found = appendNew(found, c)
		}
		if rate, ok := m.rateOf[t.ID()]; ok {
			for _, c := range m.byRate[rate] {
				found = appendNew(found, c)
			}
		}
	}
	slices.Sort(found)
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return 0, fmt.Sprintf("no OpenCart tax class matches the Odoo taxes %q (by class title, tax rate name or tax mapping): such products get no tax class; name a tax class or rate like the Odoo tax, or pair the tax with a rate",
			strings.Join(names, ", "))
	}
	var classes []string
	for _, c := range found {
		classes = append(classes, strconv.Itoa(c)+" "+strconv.Quote(m.titles[c]))
	}
	return 0, fmt.Sprintf("the Odoo taxes %q match several OpenCart tax classes (%s): such products get no tax class; rename so that one class matches",
		strings.Join(names, ", "), strings.Join(classes, ", "))
}

func appendNew(list []int, id int) []int {
	if slices.Contains(list, id) {
		return list
	}
	return append(list, id)
}

// shopDefaults are the shop settings a new product takes, as OpenCart's admin form preselects them.
type shopDefaults struct {
	stockStatusID, weightClassID, lengthClassID int
}

func (d odooToOpenCart) loadShopDefaults(ctx context.Context) (shopDefaults, error) {
	var out shopDefaults
	for key, dst := range map[string]*int{"config_stock_status_id": &out.stockStatusID,
		"config_weight_class_id": &out.weightClassID, "config_length_class_id": &out.lengthClassID} {
		value, _, err := d.Shop.Setting(ctx, 0, key)
		if err != nil {
			return out, err
		}
		*dst, _ = strconv.Atoi(value)
	}
	return out, nil
}
