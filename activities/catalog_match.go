package activities

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Helpers both catalog directions share: how names are compared when matching records across the two
// systems, and the fingerprints of OpenCart content. A direction writing OpenCart stores the fingerprint
// of what it wrote; the other direction computes the same fingerprint from what it reads, so the bridge
// recognises its own writes (echo suppression). Only fields the bridge writes take part, normalised the
// way the shop stores them (prices to 4 decimals, weights to 8, lists sorted), so that a written record
// and the same record read back give the same fingerprint.

// matchName is a name as matching compares it: case- and space-insensitive ("  Red  wine" = "red Wine").
func matchName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// openCartOptionFingerprint covers an option's type, sort order, names and values (with their ids).
func openCartOptionFingerprint(o opencart.Option) string {
	type value struct {
		ID        int
		Names     map[int]string
		SortOrder int
	}
	values := make([]value, len(o.Values))
	for i, v := range o.Values {
		values[i] = value{v.ID, v.Names, v.SortOrder}
	}
	slices.SortFunc(values, func(a, b value) int { return cmp.Compare(a.ID, b.ID) })
	return mapping.Fingerprint(struct {
		Type      string
		SortOrder int
		Names     map[int]string
		Values    []value
	}{o.Type, o.SortOrder, o.Names, values})
}

// openCartOptionValueFingerprint covers one option value's names and sort order.
func openCartOptionValueFingerprint(v opencart.OptionValue) string {
	return mapping.Fingerprint(struct {
		Names     map[int]string
		SortOrder int
	}{v.Names, v.SortOrder})
}

// openCartCategoryFingerprint covers a category's parent, names and status.
func openCartCategoryFingerprint(c opencart.Category) string {
	names := map[int]string{}
	for lang, d := range c.Descriptions {
		names[lang] = d.Name
	}
	return mapping.Fingerprint(struct {
		ParentID int
		Names    map[int]string
		Status   bool
	}{c.ParentID, names, c.Status})
}

// openCartProductFingerprint covers what the catalog sync writes of a product: codes, price, stock,
// weight, tax class, status, names and descriptions, categories, offered option values and, on OpenCart
// 4, its variant products (by model and choice, not by id). Images, SEO keywords and the shop's own
// extras (manufacturer, dimensions, meta texts) are left out.
func openCartProductFingerprint(p opencart.Product) string {
	type optionValue struct {
		OptionValueID, Quantity int
		Subtract                bool
		Price                   float64
	}
	type option struct {
		OptionID int
		Required bool
		Values   []optionValue
	}
	type variant struct {
		Model, SKU, UPC, EAN string
		Price                float64
		Quantity             int
		Status               bool
		Choice               [][2]int // option_id, option_value_id
	}
	texts := map[int][2]string{}
	for lang, d := range p.Descriptions {
		texts[lang] = [2]string{d.Name, d.Description}
	}
	options := make([]option, len(p.Options))
	for i, o := range p.Options {
		values := make([]optionValue, len(o.Values))
		for j, v := range o.Values {
			values[j] = optionValue{v.OptionValueID, v.Quantity, v.Subtract, roundTo(v.Price, 4)}
		}
		slices.SortFunc(values, func(a, b optionValue) int { return cmp.Compare(a.OptionValueID, b.OptionValueID) })
		options[i] = option{o.OptionID, o.Required, values}
	}
	slices.SortFunc(options, func(a, b option) int { return cmp.Compare(a.OptionID, b.OptionID) })
	variants := make([]variant, len(p.Variants))
	for i, v := range p.Variants {
		choice := make([][2]int, 0, len(v.Selection))
		for o, val := range v.Selection {
			choice = append(choice, [2]int{o, val})
		}
		slices.SortFunc(choice, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
		variants[i] = variant{v.Model, v.Codes.SKU, v.Codes.UPC, v.Codes.EAN, roundTo(v.Price, 4), v.Quantity, v.Status, choice}
	}
	slices.SortFunc(variants, func(a, b variant) int { return cmp.Compare(a.Model, b.Model) })
	categories := slices.Sorted(slices.Values(p.Categories))
	return mapping.Fingerprint(struct {
		Model, SKU, UPC, EAN string
		Price                float64
		Quantity             int
		Subtract             bool
		Weight               float64
		TaxClassID           int
		Status, Shipping     bool
		Texts                map[int][2]string
		Categories           []int
		Options              []option
		Variants             []variant
	}{p.Model, p.Codes.SKU, p.Codes.UPC, p.Codes.EAN, roundTo(p.Price, 4), p.Quantity, p.Subtract, roundTo(p.Weight, 8),
		p.TaxClassID, p.Status, p.Shipping, texts, categories, options, variants})
}

// roundTo rounds to the decimals of an OpenCart DECIMAL column.
func roundTo(v float64, decimals int) float64 {
	scale := math.Pow10(decimals)
	return math.Round(v*scale) / scale
}
