package odoosim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Product models: categories, attributes, templates, attribute lines,
// template attribute values and variants, with Odoo's variant generation.

func init() {
	declare(
		&model{
			Name: "product.category", Description: "Product Category", Order: "complete_name", RecName: "complete_name",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Name", Required: true, Index: true},
				{Name: "complete_name", Type: tChar, String: "Complete Name", Store: true, Compute: categoryCompleteName},
				{Name: "parent_id", Type: tMany2one, Relation: "product.category", String: "Parent Category", OnDelete: "cascade"},
				{Name: "parent_path", Type: tChar, String: "Parent Path", Store: true, Compute: categoryParentPath},
				{Name: "child_id", Type: tOne2many, Relation: "product.category", InverseOf: "parent_id", String: "Child Categories"},
				{Name: "product_count", Type: tInteger, String: "# Products", Compute: func(e *env, id int64) any {
					ids, _ := e.search(e.mustModel("product.template"), []any{[]any{"categ_id", "child_of", id}}, searchOpts{unordered: true})
					return int64(len(ids))
				}},
			},
			Constrains: []func(e *env, ids []int64) error{checkCategoryRecursion},
		},
		&model{
			Name: "product.attribute", Description: "Product Attribute", Order: "sequence, id",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Attribute", Required: true, Translate: true},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(20))},
				{Name: "create_variant", Type: tSelection, String: "Variants Creation Mode", Required: true, Default: constant("always"),
					Selection: []selOption{{Value: "always", Label: "Instantly"}, {Value: "dynamic", Label: "Dynamically"},
						{Value: "no_variant", Label: "Never (option)"}}},
				{Name: "display_type", Type: tSelection, String: "Display Type", Required: true, Default: constant("radio"),
					Selection: []selOption{{Value: "radio", Label: "Radio"}, {Value: "pills", Label: "Pills", Since: 16},
						{Value: "select", Label: "Select"}, {Value: "color", Label: "Color"}, {Value: "multi", Label: "Multi-checkbox", Since: 17}}},
				{Name: "value_ids", Type: tOne2many, Relation: "product.attribute.value", InverseOf: "attribute_id", String: "Values"},
				{Name: "attribute_line_ids", Type: tOne2many, Relation: "product.template.attribute.line", InverseOf: "attribute_id", String: "Lines"},
			},
			BeforeWrite: refuseUsedCreateVariantChange,
		},
		&model{
			Name: "product.attribute.value", Description: "Attribute Value", Order: "attribute_id, sequence, id",
			DisplayName: func(e *env, id int64) string {
				return e.str("product.attribute", e.ref("product.attribute.value", id, "attribute_id"), "name") + ": " + e.str("product.attribute.value", id, "name")
			},
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Value", Required: true, Translate: true},
				{Name: "sequence", Type: tInteger, String: "Sequence"},
				{Name: "attribute_id", Type: tMany2one, Relation: "product.attribute", String: "Attribute", Required: true, OnDelete: "cascade", Index: true},
				{Name: "html_color", Type: tChar, String: "Color"},
				{Name: "is_custom", Type: tBoolean, String: "Is custom value"},
				{Name: "default_extra_price", Type: tFloat, String: "Default Extra Price", Since: 17},
				{Name: "color", Type: tInteger, String: "Color Index", Since: 17},
			},
			Uniques: []unique{{Name: "product_attribute_value_value_company_uniq", Fields: []string{"name", "attribute_id"},
				Message: "You cannot create two values with the same name for the same attribute."}},
		},
		productTemplateModel(),
		&model{
			Name: "product.template.attribute.line", Description: "Product Template Attribute Line", Order: "sequence, attribute_id, id",
			DisplayName: func(e *env, id int64) string {
				return e.displayName(e.mustModel("product.attribute"), e.ref("product.template.attribute.line", id, "attribute_id"))
			},
			Fields: []*field{
				activeField(),
				{Name: "product_tmpl_id", Type: tMany2one, Relation: "product.template", String: "Product Template", Required: true, OnDelete: "cascade", Index: true},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
				{Name: "attribute_id", Type: tMany2one, Relation: "product.attribute", String: "Attribute", Required: true, OnDelete: "restrict", Index: true},
				{Name: "value_ids", Type: tMany2many, Relation: "product.attribute.value", String: "Values"},
				{Name: "product_template_value_ids", Type: tOne2many, Relation: "product.template.attribute.value", InverseOf: "attribute_line_id", String: "Product Attribute Values"},
				{Name: "value_count", Type: tInteger, String: "Value Count", Store: true, Compute: func(e *env, id int64) any {
					return int64(len(e.idList("product.template.attribute.line", id, "value_ids")))
				}},
			},
			Constrains: []func(e *env, ids []int64) error{checkAttributeLineValues},
			AfterCreate: func(e *env, id int64, _ map[string]any) error {
				if e.ctx[ctxInCreateOf] == "product.template" {
					return nil // the template's create generates the variants once
				}
				return syncVariantsOf(e, "product.template.attribute.line", []int64{id})
			},
			AfterWrite: func(e *env, ids []int64, _ map[string]any) error {
				return syncVariantsOf(e, "product.template.attribute.line", ids)
			},
			AfterUnlink: func(e *env, deleted map[int64]row) error {
				pos := e.mustModel("product.template.attribute.line").field("product_tmpl_id").pos
				var tmpls []int64
				for _, r := range deleted {
					tmpls = append(tmpls, r[pos].(int64))
				}
				slices.Sort(tmpls)
				for _, t := range slices.Compact(tmpls) {
					if e.exists(e.mustModel("product.template"), t) {
						if err := syncVariants(e, t); err != nil {
							return err
						}
					}
				}
				return nil
			},
		},
		&model{
			Name: "product.template.attribute.value", Description: "Product Template Attribute Value", Order: "attribute_line_id, product_attribute_value_id, id",
			DisplayName: func(e *env, id int64) string {
				return e.displayName(e.mustModel("product.attribute.value"), e.ref("product.template.attribute.value", id, "product_attribute_value_id"))
			},
			Fields: []*field{
				{Name: "ptav_active", Type: tBoolean, String: "Active", Default: constant(true)},
				{Name: "name", Type: tChar, String: "Value", Compute: func(e *env, id int64) any {
					return e.str("product.attribute.value", e.ref("product.template.attribute.value", id, "product_attribute_value_id"), "name")
				}, Searchable: true},
				{Name: "product_attribute_value_id", Type: tMany2one, Relation: "product.attribute.value", String: "Attribute Value", Required: true, OnDelete: "cascade", Index: true},
				{Name: "attribute_line_id", Type: tMany2one, Relation: "product.template.attribute.line", String: "Attribute Line", Required: true, OnDelete: "cascade", Index: true},
				{Name: "price_extra", Type: tFloat, String: "Value Price Extra"},
				{Name: "product_tmpl_id", Type: tMany2one, Relation: "product.template", String: "Product Template", Index: true},
				{Name: "attribute_id", Type: tMany2one, Relation: "product.attribute", String: "Attribute"},
				{Name: "html_color", Type: tChar, String: "HTML Color Index"},
			},
			Uniques: []unique{{Name: "product_template_attribute_value_attribute_value_unique", Fields: []string{"attribute_line_id", "product_attribute_value_id"},
				Message: "Each value should be defined only once per attribute per product."}},
		},
		productProductModel(),
	)
}

func categoryCompleteName(e *env, id int64) any {
	name := e.str("product.category", id, "name")
	if p := e.ref("product.category", id, "parent_id"); p != 0 {
		return categoryCompleteName(e, p).(string) + " / " + name
	}
	return name
}

func categoryParentPath(e *env, id int64) any {
	prefix := ""
	if p := e.ref("product.category", id, "parent_id"); p != 0 {
		prefix = categoryParentPath(e, p).(string)
	}
	return prefix + strconv.FormatInt(id, 10) + "/"
}

func checkCategoryRecursion(e *env, ids []int64) error {
	for _, id := range ids {
		seen := map[int64]bool{}
		for cur := id; cur != 0; cur = e.ref("product.category", cur, "parent_id") {
			if seen[cur] {
				return errorf("You cannot create recursive categories.")
			}
			seen[cur] = true
		}
	}
	return nil
}

func refuseUsedCreateVariantChange(e *env, ids []int64, vals map[string]any) error {
	mode, ok := vals["create_variant"]
	if !ok {
		return nil
	}
	for _, id := range ids {
		if e.str("product.attribute", id, "create_variant") != mode && len(e.idList("product.attribute", id, "attribute_line_ids")) > 0 {
			return errorf("You cannot change the Variants Creation Mode of the attribute %s because it is used on the following products:\n%s",
				e.str("product.attribute", id, "name"), e.usedOnTemplates(id))
		}
	}
	return nil
}

func (e *env) usedOnTemplates(attrID int64) string {
	var names []string
	for _, line := range e.idList("product.attribute", attrID, "attribute_line_ids") {
		names = append(names, e.str("product.template", e.ref("product.template.attribute.line", line, "product_tmpl_id"), "name"))
	}
	return strings.Join(names, ", ")
}

func checkAttributeLineValues(e *env, ids []int64) error {
	for _, id := range ids {
		if !e.flag("product.template.attribute.line", id, "active") {
			continue
		}
		attr := e.ref("product.template.attribute.line", id, "attribute_id")
		tmpl := e.ref("product.template.attribute.line", id, "product_tmpl_id")
		values := e.idList("product.template.attribute.line", id, "value_ids")
		if len(values) == 0 {
			return errorf("The attribute %s must have at least one value for the product %s.",
				e.str("product.attribute", attr, "name"), e.str("product.template", tmpl, "name"))
		}
		for _, v := range values {
			if e.ref("product.attribute.value", v, "attribute_id") != attr {
				return errorf("On the product %s you cannot associate the value %s with the attribute %s because they do not match.",
					e.str("product.template", tmpl, "name"), e.str("product.attribute.value", v, "name"), e.str("product.attribute", attr, "name"))
			}
		}
	}
	return nil
}

// productTypeFields are the per-version product type fields (reference §6):
// type consu/service/product (13-17), detailed_type (15-17), and in 18
// type consu/service/combo with is_storable.
func productTypeFields() []*field {
	return []*field{
		{Name: "type", Type: tSelection, String: "Product Type", Required: true, Default: constant("consu"), Selection: []selOption{
			{Value: "consu", Label: "Consumable"}, {Value: "service", Label: "Service"},
			{Value: "product", Label: "Storable Product", Until: 17}, {Value: "combo", Label: "Combo", Since: 18}}},
		{Name: "detailed_type", Type: tSelection, String: "Product Type", Required: true, Since: 15, Until: 17, Default: constant("consu"),
			Selection: []selOption{{Value: "consu", Label: "Consumable"}, {Value: "service", Label: "Service"}, {Value: "product", Label: "Storable Product"}}},
		{Name: "is_storable", Type: tBoolean, String: "Track Inventory", Since: 18},
	}
}

// syncProductType keeps type and detailed_type equal on 15-17, where
// detailed_type drives type.
func syncProductType(e *env, vals map[string]any) {
	if e.version() < 15 || e.version() > 17 {
		return
	}
	if dt, ok := vals["detailed_type"]; ok {
		vals["type"] = dt
	} else if t, ok := vals["type"]; ok {
		vals["detailed_type"] = t
	}
}

func syncProductTypeOnCreate(e *env, vals map[string]any) error {
	syncProductType(e, vals)
	return nil
}

func syncProductTypeOnWrite(e *env, _ []int64, vals map[string]any) error {
	syncProductType(e, vals)
	return nil
}

// isStorable tells whether a template tracks inventory in this version.
func isStorable(e *env, tmpl int64) bool {
	if e.version() >= 18 {
		return e.flag("product.template", tmpl, "is_storable")
	}
	return e.str("product.template", tmpl, "type") == "product"
}

func productTemplateModel() *model {
	fields := []*field{
		{Name: "name", Type: tChar, String: "Name", Required: true, Translate: true, Index: true},
		{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(1))},
		{Name: "description", Type: tHTML, String: "Description", Translate: true},
		{Name: "description_sale", Type: tText, String: "Sales Description", Translate: true},
		{Name: "description_purchase", Type: tText, String: "Purchase Description", Translate: true},
		{Name: "categ_id", Type: tMany2one, Relation: "product.category", String: "Product Category", Required: true, Index: true,
			Default: func(e *env) any { return e.xmlid("product.product_category_all") }},
		{Name: "list_price", Type: tFloat, String: "Sales Price", Default: constant(1.0)},
		{Name: "standard_price", Type: tFloat, String: "Cost"},
		{Name: "volume", Type: tFloat, String: "Volume"},
		{Name: "weight", Type: tFloat, String: "Weight"},
		{Name: "sale_ok", Type: tBoolean, String: "Can be Sold", Default: constant(true)},
		{Name: "purchase_ok", Type: tBoolean, String: "Can be Purchased", Default: constant(true)},
		{Name: "uom_id", Type: tMany2one, Relation: "uom.uom", String: "Unit of Measure", Required: true,
			Default: func(e *env) any { return e.xmlid("uom.product_uom_unit") }},
		{Name: "uom_po_id", Type: tMany2one, Relation: "uom.uom", String: "Purchase Unit of Measure", Required: true,
			Default: func(e *env) any { return e.xmlid("uom.product_uom_unit") }},
		{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company"},
		activeField(),
		{Name: "taxes_id", Type: tMany2many, Relation: "account.tax", String: "Customer Taxes",
			Default: func(e *env) any { return []any{e.xmlid("account.sale_tax_19")} }},
		{Name: "supplier_taxes_id", Type: tMany2many, Relation: "account.tax", String: "Vendor Taxes"},
		{Name: "image_1920", Type: tBinary, String: "Image"},
		{Name: "tracking", Type: tSelection, String: "Tracking", Required: true, Default: constant("none"), Selection: []selOption{
			{Value: "serial", Label: "By Unique Serial Number"}, {Value: "lot", Label: "By Lots"}, {Value: "none", Label: "No Tracking"}}},
		{Name: "invoice_policy", Type: tSelection, String: "Invoicing Policy", Default: constant("order"), Selection: []selOption{
			{Value: "order", Label: "Ordered quantities"}, {Value: "delivery", Label: "Delivered quantities"}}},
		{Name: "attribute_line_ids", Type: tOne2many, Relation: "product.template.attribute.line", InverseOf: "product_tmpl_id", String: "Product Attributes"},
		{Name: "product_variant_ids", Type: tOne2many, Relation: "product.product", InverseOf: "product_tmpl_id", String: "Products"},
		{Name: "product_variant_count", Type: tInteger, String: "# Product Variants", Compute: func(e *env, id int64) any {
			return int64(len(e.idList("product.template", id, "product_variant_ids")))
		}},
		{Name: "product_variant_id", Type: tMany2one, Relation: "product.product", String: "Product", Compute: func(e *env, id int64) any {
			if vs := e.idList("product.template", id, "product_variant_ids"); len(vs) > 0 {
				return vs[0]
			}
			return nil
		}},
		{Name: "default_code", Type: tChar, String: "Internal Reference", Store: true, Compute: singleVariantValue("default_code"), Inverse: setSingleVariantValue("default_code")},
		{Name: "barcode", Type: tChar, String: "Barcode", Searchable: true, Compute: singleVariantValue("barcode"), Inverse: setSingleVariantValue("barcode")},
		{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency", Compute: func(e *env, id int64) any {
			return e.ref("res.company", mainCompany, "currency_id")
		}},
		{Name: "qty_available", Type: tFloat, String: "Quantity On Hand", Searchable: true, Compute: templateQty(qtyOnHand)},
		{Name: "virtual_available", Type: tFloat, String: "Forecasted Quantity", Searchable: true, Compute: templateQty(qtyForecast)},
		{Name: "incoming_qty", Type: tFloat, String: "Incoming", Searchable: true, Compute: templateQty(qtyIncoming)},
		{Name: "outgoing_qty", Type: tFloat, String: "Outgoing", Searchable: true, Compute: templateQty(qtyOutgoing)},
	}
	fields = append(fields, productTypeFields()...)
	return &model{
		Name: "product.template", Description: "Product", Order: "name, id",
		Fields:       fields,
		BeforeCreate: syncProductTypeOnCreate,
		BeforeWrite:  syncProductTypeOnWrite,
		AfterCreate: func(e *env, id int64, vals map[string]any) error {
			if e.ctx[ctxInheritsChild] == "product.product" {
				return nil // the variant being created is the template's variant
			}
			if err := syncVariants(e, id); err != nil {
				return err
			}
			related := map[string]any{}
			for _, k := range []string{"default_code", "barcode"} {
				if v, ok := vals[k]; ok {
					related[k] = v
				}
			}
			if vs := e.idList("product.template", id, "product_variant_ids"); len(vs) == 1 && len(related) > 0 {
				return e.write(e.mustModel("product.product"), vs, related)
			}
			return nil
		},
		AfterWrite: func(e *env, ids []int64, vals map[string]any) error {
			active, ok := vals["active"]
			if !ok {
				return nil
			}
			all := e.withContext(map[string]any{"active_test": false})
			for _, id := range ids {
				if truthy(active) {
					if err := syncVariants(e, id); err != nil {
						return err
					}
					continue
				}
				if vs := all.idList("product.template", id, "product_variant_ids"); len(vs) > 0 {
					if err := e.write(e.mustModel("product.product"), vs, map[string]any{"active": false}); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
}

// singleVariantValue reads a variant field through the template when the
// template has exactly one variant (Odoo's related-to-unique-variant fields).
func singleVariantValue(name string) func(e *env, id int64) any {
	return func(e *env, id int64) any {
		if vs := e.idList("product.template", id, "product_variant_ids"); len(vs) == 1 {
			return e.val("product.product", vs[0], name)
		}
		return nil
	}
}

func setSingleVariantValue(name string) func(e *env, id int64, v any) error {
	return func(e *env, id int64, v any) error {
		if vs := e.idList("product.template", id, "product_variant_ids"); len(vs) == 1 {
			if v == nil {
				v = false
			}
			return e.write(e.mustModel("product.product"), vs, map[string]any{name: v})
		}
		return nil
	}
}

func productProductModel() *model {
	return &model{
		Name: "product.product", Description: "Product Variant", Order: "default_code, name, id",
		Inherits:    map[string]string{"product.template": "product_tmpl_id"},
		DisplayName: variantDisplayName,
		Fields: []*field{
			{Name: "product_tmpl_id", Type: tMany2one, Relation: "product.template", String: "Product Template", Required: true, OnDelete: "cascade", Index: true},
			{Name: "default_code", Type: tChar, String: "Internal Reference", Index: true},
			{Name: "barcode", Type: tChar, String: "Barcode", Index: true},
			activeField(),
			{Name: "product_template_attribute_value_ids", Type: tMany2many, Relation: "product.template.attribute.value", String: "Attribute Values"},
			{Name: "combination_indices", Type: tChar, String: "Combination Indices", Index: true},
			{Name: "standard_price", Type: tFloat, String: "Cost"},
			{Name: "volume", Type: tFloat, String: "Volume"},
			{Name: "weight", Type: tFloat, String: "Weight"},
			{Name: "image_variant_1920", Type: tBinary, String: "Variant Image"},
			{Name: "is_product_variant", Type: tBoolean, String: "Is a product variant", Compute: constantCompute(true)},
			{Name: "price_extra", Type: tFloat, String: "Variant Price Extra", Compute: variantPriceExtra},
			{Name: "lst_price", Type: tFloat, String: "Sales Price", Compute: func(e *env, id int64) any {
				return e.num("product.product", id, "list_price") + variantPriceExtra(e, id).(float64)
			}, Inverse: func(e *env, id int64, v any) error {
				return e.write(e.mustModel("product.template"), []int64{e.ref("product.product", id, "product_tmpl_id")},
					map[string]any{"list_price": v.(float64) - variantPriceExtra(e, id).(float64)})
			}},
			{Name: "qty_available", Type: tFloat, String: "Quantity On Hand", Searchable: true, Compute: qtyOnHand},
			{Name: "free_qty", Type: tFloat, String: "Free To Use Quantity", Searchable: true, Compute: qtyFree},
			{Name: "virtual_available", Type: tFloat, String: "Forecasted Quantity", Searchable: true, Compute: qtyForecast},
			{Name: "incoming_qty", Type: tFloat, String: "Incoming", Searchable: true, Compute: qtyIncoming},
			{Name: "outgoing_qty", Type: tFloat, String: "Outgoing", Searchable: true, Compute: qtyOutgoing},
		},
		BeforeCreate: syncProductTypeOnCreate,
		BeforeWrite:  syncProductTypeOnWrite,
		AfterCreate: func(e *env, id int64, _ map[string]any) error {
			// A variant created directly gets its combination key computed.
			if e.str("product.product", id, "combination_indices") != "" {
				return nil
			}
			ptavs := e.idList("product.product", id, "product_template_attribute_value_ids")
			if len(ptavs) == 0 {
				return nil
			}
			return e.write(e.mustModel("product.product"), []int64{id}, map[string]any{"combination_indices": combinationKey(ptavs)})
		},
		Constrains: []func(e *env, ids []int64) error{checkBarcodeUnique},
		Uniques: []unique{{Name: "product_product_barcode_uniq", Fields: []string{"barcode"}, Until: 15,
			Message: "A barcode can only be assigned to one product !"}},
	}
}

func constantCompute(v any) func(*env, int64) any { return func(*env, int64) any { return v } }

// checkBarcodeUnique is the 16+ Python constraint replacing barcode_uniq.
func checkBarcodeUnique(e *env, ids []int64) error {
	if e.version() < 16 {
		return nil
	}
	all := e.withContext(map[string]any{"active_test": false})
	var lines []string
	seen := map[string]bool{}
	for _, id := range ids {
		bc := e.str("product.product", id, "barcode")
		if bc == "" || seen[bc] {
			continue
		}
		seen[bc] = true
		same := all.searchIDs("product.product", []any{"barcode", "=", bc})
		if len(same) > 1 {
			names := make([]string, len(same))
			for i, p := range same {
				names[i] = variantDisplayName(e, p)
			}
			lines = append(lines, fmt.Sprintf("- Barcode \"%s\" already assigned to product(s): %s", bc, strings.Join(names, ", ")))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return errorf("Barcode(s) already assigned:\n\n%s\n\nNote: products that you don't have access to will not be shown above.", strings.Join(lines, "\n"))
}

func variantPriceExtra(e *env, id int64) any {
	total := 0.0
	for _, ptav := range e.idList("product.product", id, "product_template_attribute_value_ids") {
		total += e.num("product.template.attribute.value", ptav, "price_extra")
	}
	return total
}

// variantDisplayName is "[CODE] Name (Value, Value)"; values of attributes
// with a single value on the template are left out, as in Odoo.
func variantDisplayName(e *env, id int64) string {
	name := e.str("product.product", id, "name")
	if code := e.str("product.product", id, "default_code"); code != "" {
		name = "[" + code + "] " + name
	}
	var vals []string
	for _, ptav := range e.idList("product.product", id, "product_template_attribute_value_ids") {
		line := e.ref("product.template.attribute.value", ptav, "attribute_line_id")
		if len(e.idList("product.template.attribute.line", line, "value_ids")) > 1 {
			vals = append(vals, e.str("product.template.attribute.value", ptav, "name"))
		}
	}
	if len(vals) > 0 {
		name += " (" + strings.Join(vals, ", ") + ")"
	}
	return name
}

// combinationKey is Odoo's combination_indices: sorted ptav ids joined by ",".
func combinationKey(ptavs []int64) string {
	s := slices.Clone(ptavs)
	slices.Sort(s)
	parts := make([]string, len(s))
	for i, id := range s {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func syncVariantsOf(e *env, lineModel string, lines []int64) error {
	var tmpls []int64
	for _, l := range lines {
		tmpls = append(tmpls, e.ref(lineModel, l, "product_tmpl_id"))
	}
	slices.Sort(tmpls)
	for _, t := range slices.Compact(tmpls) {
		if err := syncVariants(e, t); err != nil {
			return err
		}
	}
	return nil
}

// syncVariants is Odoo's _create_variant_ids: one template attribute value
// per line value (deactivated when the value leaves the line), one variant
// per combination of "always" attributes (cartesian product), missing
// variants created, archived ones revived, variants of combinations that
// no longer exist archived.
func syncVariants(e *env, tmpl int64) error {
	all := e.withContext(map[string]any{"active_test": false})
	ptavModel := e.mustModel("product.template.attribute.value")
	var axes [][]int64
	for _, line := range all.searchIDs("product.template.attribute.line", []any{"product_tmpl_id", "=", tmpl}) {
		lineActive := e.flag("product.template.attribute.line", line, "active")
		attr := e.ref("product.template.attribute.line", line, "attribute_id")
		values := e.idList("product.template.attribute.line", line, "value_ids")
		if !lineActive {
			values = nil
		}
		existing := map[int64]int64{}
		for _, ptav := range all.searchIDs("product.template.attribute.value", []any{"attribute_line_id", "=", line}) {
			value := e.ref("product.template.attribute.value", ptav, "product_attribute_value_id")
			existing[value] = ptav
			want := slices.Contains(values, value)
			if e.flag("product.template.attribute.value", ptav, "ptav_active") != want {
				if err := e.write(ptavModel, []int64{ptav}, map[string]any{"ptav_active": want}); err != nil {
					return err
				}
			}
		}
		var axis []int64
		for _, value := range sortedValues(e, values) {
			ptav, ok := existing[value]
			if !ok {
				var err error
				ptav, err = e.create(ptavModel, map[string]any{
					"attribute_line_id": line, "product_attribute_value_id": value,
					"product_tmpl_id": tmpl, "attribute_id": attr,
					"price_extra": e.defaultExtraPrice(value),
				})
				if err != nil {
					return err
				}
			}
			axis = append(axis, ptav)
		}
		if lineActive && e.str("product.attribute", attr, "create_variant") == "always" && len(axis) > 0 {
			axes = append(axes, axis)
		}
	}
	variants := map[string]int64{}
	for _, v := range all.searchIDs("product.product", []any{"product_tmpl_id", "=", tmpl}) {
		variants[e.str("product.product", v, "combination_indices")] = v
	}
	wanted := map[string]bool{}
	tmplActive := e.flag("product.template", tmpl, "active")
	pp := e.mustModel("product.product")
	for _, combo := range cartesian(axes) {
		key := combinationKey(combo)
		wanted[key] = true
		if v, ok := variants[key]; ok {
			if tmplActive && !e.flag("product.product", v, "active") {
				if err := e.write(pp, []int64{v}, map[string]any{"active": true}); err != nil {
					return err
				}
			}
			continue
		}
		ids := make([]any, len(combo))
		for i, c := range combo {
			ids[i] = c
		}
		if _, err := e.create(pp, map[string]any{
			"product_tmpl_id": tmpl, "combination_indices": key, "active": tmplActive,
			"product_template_attribute_value_ids": []any{[]any{int64(6), int64(0), ids}},
		}); err != nil {
			return err
		}
	}
	for _, key := range sortedKeys(variants) {
		if v := variants[key]; !wanted[key] && e.flag("product.product", v, "active") {
			if err := e.unlinkOrArchive(pp, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// unlinkOrArchive is Odoo's _unlink_or_archive for variants: a variant no
// other record points to is deleted, a referenced one (stock, order lines)
// is archived.
func (e *env) unlinkOrArchive(m *model, id int64) error {
	if e.isReferenced(m, id) {
		return e.write(m, []int64{id}, map[string]any{"active": false})
	}
	return e.unlink(m, []int64{id})
}

func (e *env) defaultExtraPrice(value int64) float64 {
	if e.version() >= 17 {
		return e.num("product.attribute.value", value, "default_extra_price")
	}
	return 0
}

func sortedValues(e *env, values []int64) []int64 {
	out := slices.Clone(values)
	slices.SortFunc(out, func(a, b int64) int {
		sa, sb := e.val("product.attribute.value", a, "sequence").(int64), e.val("product.attribute.value", b, "sequence").(int64)
		if sa != sb {
			return int(sa - sb)
		}
		return int(a - b)
	})
	return out
}

// cartesian returns every combination taking one id per axis ([[]] for none).
func cartesian(axes [][]int64) [][]int64 {
	out := [][]int64{{}}
	for _, axis := range axes {
		next := make([][]int64, 0, len(out)*len(axis))
		for _, prefix := range out {
			for _, v := range axis {
				next = append(next, append(slices.Clone(prefix), v))
			}
		}
		out = next
	}
	return out
}
