package activities

import (
	"html"
	"math"
	"regexp"
	"strings"

	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Rules both catalog directions share, so that what one direction writes the other reads back as the
// same content (catalog_content.go): how names are matched, how option types and attribute modes,
// models and codes, descriptions and prices correspond.

// matchName is a name as matching compares it: case- and space-insensitive ("  Red  wine" = "red Wine").
func matchName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// roundTo rounds to the decimals of an OpenCart DECIMAL column.
func roundTo(v float64, decimals int) float64 {
	scale := math.Pow10(decimals)
	return math.Round(v*scale) / scale
}

// Option types and attribute modes. An attribute that makes no variants (create_variant no_variant) is
// a checkbox option: a choice of extras that adds to the price. Attributes that make variants are radio
// options when Odoo shows them as radio buttons, select options otherwise; and back, select and radio
// options make variants, checkbox options do not (and show as a multi-checkbox where Odoo has one, 17+).

// optionType is the OpenCart option type of an Odoo attribute.
func optionType(displayType, createVariant string) string {
	switch {
	case createVariant == "no_variant":
		return "checkbox"
	case displayType == "radio":
		return "radio"
	}
	return "select"
}

// attributeMode is the create_variant and display_type of an Odoo attribute made from an option type;
// multi tells whether Odoo has the multi-checkbox display type.
func attributeMode(optionType string, multi bool) (createVariant, displayType string) {
	switch {
	case optionType == "select":
		return "always", "select"
	case optionType == "radio":
		return "always", "radio"
	case multi:
		return "no_variant", "multi"
	}
	return "no_variant", "radio"
}

func isChoiceOption(typ string) bool  { return typ == "select" || typ == "radio" || typ == "checkbox" }
func createsVariants(typ string) bool { return typ == "select" || typ == "radio" }

// Models and codes. A template without an Internal Reference gets the model ODOO-<template id> (a
// variant ODOO-<template id>-<variant id>): OpenCart requires one. Such a placeholder is no Internal
// Reference coming back.

var placeholderModel = regexp.MustCompile(`^ODOO-\d+(-\d+)?$`)

// shopModelCode is the Internal Reference a shop model stands for.
func shopModelCode(model string) string {
	model = strings.TrimSpace(model)
	if placeholderModel.MatchString(model) {
		return ""
	}
	return model
}

// validBarcode is a barcode the shop can keep: 12 digits (a UPC) or 8, 13 or 14 (an EAN); "" otherwise.
func validBarcode(barcode string) string {
	barcode = strings.TrimSpace(barcode)
	if barcode == "" || strings.Trim(barcode, "0123456789") != "" {
		return ""
	}
	switch len(barcode) {
	case 8, 12, 13, 14:
		return barcode
	}
	return ""
}

// shopBarcode is the barcode of a shop product: its EAN, else its UPC, when valid.
func shopBarcode(c opencart.ProductCodes) string {
	if ean := validBarcode(c.EAN); ean != "" {
		return ean
	}
	return validBarcode(c.UPC)
}

// templateDescription is a template's description as the shop shows it: the sales description as HTML,
// or else the description.
func templateDescription(t odoo.Record) string {
	if text := strings.TrimSpace(t.String("description_sale")); text != "" {
		return strings.ReplaceAll(html.EscapeString(text), "\n", "<br>")
	}
	return t.String("description")
}

// lineBreaks writes line breaks as "\n": XML-RPC turns "\r\n" into "\n" on the way to Odoo (XML
// normalises line ends), and OpenCart's editor writes "\r\n".
func lineBreaks(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// Prices. OpenCart stores a product's price without tax and adds the rates of its tax class when it
// shows or sells the product. Odoo's list_price is without tax too — unless the product's sale taxes
// are "included in price", in which case list_price contains them and they are divided out the way
// Odoo computes the base of included taxes:
//
//	fixed taxes:     base = price − amount
//	"division" taxes (percentage of the tax-included price): base = price × (1 − rate)
//	percent taxes:   base = price ÷ (1 + Σ rates)
//
// applied in that order. Taxes not included in the price leave it alone; group taxes are not looked
// into (their price is taken as it is). Attribute price extras are deltas of the same price, so the
// percentage parts apply to them too, the fixed part does not. Shop prices are rounded to OpenCart's 4
// decimals. Example: list_price 119.00 with a 19 % tax included → 100.0000 in OpenCart, and back.

// includedTax is what a product's price-included sale taxes take out of a tax-included price.
type includedTax struct {
	fixed  float64 // subtracted first
	factor float64 // then multiplied
}

// includedTaxOf combines the price-included taxes among a product's sale taxes (records with amount,
// amount_type and price_include).
func includedTaxOf(taxes []odoo.Record) includedTax {
	t := includedTax{factor: 1}
	percent := 0.0
	for _, tax := range taxes {
		if !tax.Bool("price_include") {
			continue
		}
		switch tax.String("amount_type") {
		case "fixed":
			t.fixed += tax.Float("amount")
		case "division":
			t.factor *= 1 - tax.Float("amount")/100
		case "percent":
			percent += tax.Float("amount")
		}
	}
	t.factor /= 1 + percent/100
	return t
}

// price is the tax-excluded price OpenCart stores for an Odoo sales price.
func (t includedTax) price(odooPrice float64) float64 {
	return roundTo((odooPrice-t.fixed)*t.factor, 4)
}

// delta is the tax-excluded price difference OpenCart stores for an Odoo price extra.
func (t includedTax) delta(extra float64) float64 { return roundTo(extra*t.factor, 4) }

// listPrice is the Odoo price of an OpenCart price: price turned around.
func (t includedTax) listPrice(openCart float64) float64 {
	return roundTo(openCart/t.factor+t.fixed, 6)
}

// extra is the Odoo price extra of an OpenCart price delta: delta turned around.
func (t includedTax) extra(openCart float64) float64 { return roundTo(openCart/t.factor, 6) }
