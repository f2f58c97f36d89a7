package odoosim

import (
	"strings"
)

// Base models: company, users, partners, countries, currencies, units of
// measure and external ids (ir.model.data).

func constant(v any) func(e *env) any { return func(*env) any { return v } }

// mainCompany is the seeded company's id (base.main_company).
const mainCompany = int64(1)

func defaultCompany(*env) any { return mainCompany }

func companyField() *field {
	return &field{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Default: defaultCompany}
}

func activeField() *field {
	return &field{Name: "active", Type: tBoolean, String: "Active", Default: constant(true)}
}

func init() {
	declare(
		&model{
			Name: "res.company", Description: "Companies", Order: "sequence, name",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Company Name", Required: true},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
				{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Partner", Required: true},
				{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency", Required: true},
				{Name: "country_id", Type: tMany2one, Relation: "res.country", String: "Country"},
				{Name: "email", Type: tChar, String: "Email"},
				{Name: "phone", Type: tChar, String: "Phone"},
				{Name: "vat", Type: tChar, String: "Tax ID"},
				activeField(),
			},
			Uniques: []unique{{Name: "res_company_name_uniq", Fields: []string{"name"}, Message: "The company name must be unique !"}},
		},
		&model{
			Name: "res.users", Description: "User", Order: "name, login",
			Inherits: map[string]string{"res.partner": "partner_id"},
			Fields: []*field{
				{Name: "login", Type: tChar, String: "Login", Required: true},
				{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Related Partner", Required: true, OnDelete: "restrict"},
				companyField(),
				activeField(),
				{Name: "tz", Type: tChar, String: "Timezone"},
			},
			Uniques: []unique{{Name: "res_users_login_key", Fields: []string{"login"}, Message: "You can not have two users with the same login !"}},
		},
		&model{
			Name: "res.partner", Description: "Contact", Order: "complete_name ASC, id DESC",
			DisplayName: partnerDisplayName,
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Name", Index: true},
				{Name: "complete_name", Type: tChar, String: "Complete Name", Store: true,
					Compute: func(e *env, id int64) any { return partnerDisplayName(e, id) }},
				{Name: "is_company", Type: tBoolean, String: "Is a Company"},
				{Name: "parent_id", Type: tMany2one, Relation: "res.partner", String: "Related Company", Index: true},
				{Name: "child_ids", Type: tOne2many, Relation: "res.partner", InverseOf: "parent_id", String: "Contact"},
				{Name: "commercial_partner_id", Type: tMany2one, Relation: "res.partner", String: "Commercial Entity", Store: true,
					Compute: commercialPartner},
				{Name: "type", Type: tSelection, String: "Address Type", Default: constant("contact"), Selection: []selOption{
					{Value: "contact", Label: "Contact"}, {Value: "invoice", Label: "Invoice Address"},
					{Value: "delivery", Label: "Delivery Address"}, {Value: "other", Label: "Other Address"},
					{Value: "private", Label: "Private Address", Until: 16}}},
				{Name: "email", Type: tChar, String: "Email", Index: true},
				{Name: "phone", Type: tChar, String: "Phone"},
				{Name: "mobile", Type: tChar, String: "Mobile"},
				{Name: "street", Type: tChar, String: "Street"},
				{Name: "street2", Type: tChar, String: "Street2"},
				{Name: "city", Type: tChar, String: "City"},
				{Name: "zip", Type: tChar, String: "Zip"},
				{Name: "state_id", Type: tMany2one, Relation: "res.country.state", String: "State", OnDelete: "restrict"},
				{Name: "country_id", Type: tMany2one, Relation: "res.country", String: "Country", OnDelete: "restrict"},
				{Name: "vat", Type: tChar, String: "Tax ID"},
				{Name: "ref", Type: tChar, String: "Reference", Index: true},
				{Name: "lang", Type: tChar, String: "Language", Default: constant("en_US")},
				{Name: "tz", Type: tChar, String: "Timezone"},
				{Name: "website", Type: tChar, String: "Website Link"},
				{Name: "function", Type: tChar, String: "Job Position"},
				{Name: "comment", Type: tHTML, String: "Notes"},
				{Name: "company_name", Type: tChar, String: "Company Name"},
				{Name: "customer_rank", Type: tInteger, String: "Customer Rank"},
				{Name: "supplier_rank", Type: tInteger, String: "Supplier Rank"},
				{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company"},
				activeField(),
			},
			Checks: []check{{Name: "check_name", Message: "Contacts require a name",
				OK: func(e *env, m *model, r row) bool {
					return r[m.field("type").pos] != "contact" || r[m.field("name").pos] != nil
				}}},
		},
		&model{
			Name: "res.country", Description: "Country", Order: "name",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Country Name", Required: true, Translate: true},
				{Name: "code", Type: tChar, String: "Country Code", Index: true},
				{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency"},
				{Name: "phone_code", Type: tInteger, String: "Country Calling Code"},
				{Name: "state_ids", Type: tOne2many, Relation: "res.country.state", InverseOf: "country_id", String: "States"},
			},
			BeforeCreate: upperCode, BeforeWrite: func(e *env, _ []int64, vals map[string]any) error { return upperCode(e, vals) },
			Uniques: []unique{
				{Name: "res_country_name_uniq", Fields: []string{"name"}, Message: "The name of the country must be unique!"},
				{Name: "res_country_code_uniq", Fields: []string{"code"}, Message: "The code of the country must be unique!"},
			},
		},
		&model{
			Name: "res.country.state", Description: "Country state", Order: "code",
			DisplayName: func(e *env, id int64) string {
				return e.str("res.country.state", id, "name") + " (" + e.str("res.country", e.ref("res.country.state", id, "country_id"), "code") + ")"
			},
			Fields: []*field{
				{Name: "country_id", Type: tMany2one, Relation: "res.country", String: "Country", Required: true},
				{Name: "name", Type: tChar, String: "State Name", Required: true},
				{Name: "code", Type: tChar, String: "State Code", Required: true, Index: true},
			},
			Uniques: []unique{{Name: "res_country_state_name_code_uniq", Fields: []string{"country_id", "code"}, Message: "The code of the state must be unique by country !"}},
		},
		&model{
			Name: "res.currency", Description: "Currency", Order: "active desc, name",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Currency", Required: true, Index: true},
				{Name: "symbol", Type: tChar, String: "Symbol", Required: true},
				{Name: "rate", Type: tFloat, String: "Current Rate", Default: constant(1.0)},
				{Name: "rounding", Type: tFloat, String: "Rounding Factor", Default: constant(0.01)},
				{Name: "decimal_places", Type: tInteger, String: "Decimal Places", Default: constant(int64(2))},
				{Name: "position", Type: tSelection, String: "Symbol Position", Default: constant("after"), Selection: []selOption{
					{Value: "after", Label: "After Amount"}, {Value: "before", Label: "Before Amount"}}},
				{Name: "currency_unit_label", Type: tChar, String: "Currency Unit"},
				activeField(),
			},
			Uniques: []unique{{Name: "res_currency_unique_name", Fields: []string{"name"}, Message: "The currency code must be unique!"}},
		},
		&model{
			Name: "uom.category", Description: "Product UoM Categories", Order: "id",
			Fields: []*field{{Name: "name", Type: tChar, String: "Unit of Measure Category", Required: true, Translate: true}},
		},
		&model{
			Name: "uom.uom", Description: "Product Unit of Measure", Order: "factor DESC, id",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Unit of Measure", Required: true, Translate: true},
				{Name: "category_id", Type: tMany2one, Relation: "uom.category", String: "Category", Required: true, OnDelete: "restrict"},
				{Name: "factor", Type: tFloat, String: "Ratio", Default: constant(1.0)},
				{Name: "rounding", Type: tFloat, String: "Rounding Precision", Default: constant(0.01)},
				{Name: "uom_type", Type: tSelection, String: "Type", Default: constant("reference"), Selection: []selOption{
					{Value: "bigger", Label: "Bigger than the reference Unit of Measure"},
					{Value: "reference", Label: "Reference Unit of Measure for this category"},
					{Value: "smaller", Label: "Smaller than the reference Unit of Measure"}}},
				activeField(),
			},
		},
		&model{
			Name: "ir.model.data", Description: "Model Data", Order: "module, model, name",
			RecName: "complete_name",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "External Identifier", Required: true, Index: true},
				{Name: "module", Type: tChar, String: "Module", Required: true, Default: constant("")},
				{Name: "model", Type: tChar, String: "Model Name", Required: true},
				{Name: "res_id", Type: tInteger, String: "Record ID"},
				{Name: "noupdate", Type: tBoolean, String: "Non Updatable"},
				{Name: "complete_name", Type: tChar, String: "Complete ID",
					Compute: func(e *env, id int64) any {
						return e.str("ir.model.data", id, "module") + "." + e.str("ir.model.data", id, "name")
					}},
			},
			Uniques: []unique{
				{Name: "ir_model_data_module_name_uniq", Fields: []string{"module", "name"}, Until: 13,
					Message: "You cannot have multiple records with the same external ID in the same module!"},
				{Name: "ir_model_data_module_name_uniq_index", Fields: []string{"module", "name"}, Since: 14},
			},
			Checks: []check{{Name: "ir_model_data_name_nospaces", Message: "External IDs cannot contain spaces",
				OK: func(e *env, m *model, r row) bool {
					s, _ := r[m.field("name").pos].(string)
					return !strings.Contains(s, " ")
				}}},
			Methods: map[string]*method{
				// Public until 14; 15+ only has the private _xmlid_to_res_id.
				"xmlid_to_res_id": {ReadOnly: true, Until: 14, Fn: func(e *env, m *model, args []any, kw map[string]any) (any, error) {
					a, err := bindArgs("xmlid_to_res_id", args, kw, req("xmlid"), opt("raise_if_not_found"))
					if err != nil {
						return nil, err
					}
					xmlid, _ := a[0].(string)
					_, resID, found := e.xmlidLookup(xmlid)
					if !found {
						if truthy(a[1]) {
							return nil, valueError("External ID not found in the system: %s", xmlid)
						}
						return false, nil
					}
					return resID, nil
				}},
			},
		},
	)
}

func upperCode(_ *env, vals map[string]any) error {
	if s, ok := vals["code"].(string); ok {
		vals["code"] = strings.ToUpper(s)
	}
	return nil
}

// partnerDisplayName: "Company, Contact" for child contacts, like Odoo.
func partnerDisplayName(e *env, id int64) string {
	name := e.str("res.partner", id, "name")
	parent := e.ref("res.partner", id, "parent_id")
	if parent == 0 || e.flag("res.partner", id, "is_company") {
		return name
	}
	if name == "" {
		t := e.str("res.partner", id, "type")
		for _, o := range e.mustModel("res.partner").field("type").Selection {
			if o.Value == t {
				name = o.Label
			}
		}
	}
	return partnerDisplayName(e, parent) + ", " + name
}

func commercialPartner(e *env, id int64) any {
	for {
		parent := e.ref("res.partner", id, "parent_id")
		if e.flag("res.partner", id, "is_company") || parent == 0 {
			return id
		}
		id = parent
	}
}

// xmlidLookup resolves "module.name" to (model, res_id).
func (e *env) xmlidLookup(xmlid string) (string, int64, bool) {
	module, name, ok := strings.Cut(xmlid, ".")
	if !ok {
		return "", 0, false
	}
	for _, id := range e.searchIDs("ir.model.data", []any{"name", "=", name}, []any{"module", "=", module}) {
		return e.str("ir.model.data", id, "model"), e.ref("ir.model.data", id, "res_id"), true
	}
	return "", 0, false
}

// ref resolves an xmlid seeded by the simulator (panics when absent: a bug).
func (e *env) xmlid(xmlid string) int64 {
	_, id, ok := e.xmlidLookup(xmlid)
	if !ok {
		panic("odoosim: unknown xmlid " + xmlid)
	}
	return id
}
