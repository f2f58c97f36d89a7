package odoosim

import (
	"fmt"
	"strings"
)

// seedMasterData creates what a fresh Odoo with sale, stock, account and
// delivery has: the company (EUR) and admin (uid 2), currencies (EUR active,
// others archived), countries and states with ISO codes, units, the "All"
// category tree, a warehouse WH whose stock location has id 8, sale taxes
// 19% excluded and included, journals with payment methods, payment
// providers (or acquirers), and a delivery carrier with its product. Every
// record gets the external id Odoo gives it.
func seedMasterData(e *env) error {
	sd := seeder{e: e}
	sd.currencies()
	sd.countries()
	sd.companyAndUsers()
	sd.units()
	sd.categories()
	sd.locations()
	sd.accounting()
	sd.delivery()
	for _, seed := range businessSeeds {
		seed(&sd)
	}
	return sd.err
}

// seeder records the first error so seeding code reads as a flat list.
type seeder struct {
	e   *env
	err error
}

// rec creates a record (with a fixed id when id > 0) and its external id.
func (sd *seeder) rec(xmlid, modelName string, id int64, vals map[string]any) int64 {
	if sd.err != nil {
		return 0
	}
	m := sd.e.mustModel(modelName)
	newID, err := sd.e.createWithID(m, normalizeValue(vals).(map[string]any), id)
	if err != nil {
		sd.err = fmt.Errorf("seeding %s (%s): %w", xmlid, modelName, err)
		return 0
	}
	if xmlid != "" {
		module, name, _ := strings.Cut(xmlid, ".")
		_, err = sd.e.create(sd.e.mustModel("ir.model.data"), map[string]any{
			"module": module, "name": name, "model": modelName, "res_id": newID, "noupdate": true,
		})
		if err != nil {
			sd.err = fmt.Errorf("seeding xmlid %s: %w", xmlid, err)
		}
	}
	return newID
}

func (sd *seeder) id(xmlid string) int64 {
	if sd.err != nil {
		return 0
	}
	return sd.e.xmlid(xmlid)
}

func (sd *seeder) currencies() {
	for _, c := range []struct {
		code, symbol, position string
		rate                   float64
		active                 bool
	}{
		{"EUR", "€", "after", 1.0, true}, {"USD", "$", "before", 1.08, false}, {"GBP", "£", "before", 0.86, false},
		{"CHF", "CHF", "after", 0.97, false}, {"PLN", "zł", "after", 4.32, false}, {"SEK", "kr", "after", 11.4, false},
		{"CZK", "Kč", "after", 25.2, false}, {"JPY", "¥", "before", 162.0, false}, {"CAD", "$", "before", 1.47, false},
	} {
		sd.rec("base."+c.code, "res.currency", 0, map[string]any{
			"name": c.code, "symbol": c.symbol, "position": c.position, "rate": c.rate, "active": c.active,
		})
	}
}

// seedCountries lists countries (ISO 3166-1) with a few states (ISO 3166-2
// subdivision suffixes, as Odoo stores them).
var seedCountries = []struct {
	code, name, currency string
	phone                int
	states               [][2]string
}{
	{"DE", "Germany", "EUR", 49, [][2]string{{"BW", "Baden-Württemberg"}, {"BY", "Bavaria"}, {"BE", "Berlin"}, {"HH", "Hamburg"}, {"NW", "North Rhine-Westphalia"}}},
	{"US", "United States", "USD", 1, [][2]string{{"CA", "California"}, {"NY", "New York"}, {"TX", "Texas"}, {"WA", "Washington"}, {"FL", "Florida"}}},
	{"GB", "United Kingdom", "GBP", 44, nil},
	{"FR", "France", "EUR", 33, nil},
	{"AT", "Austria", "EUR", 43, [][2]string{{"9", "Wien"}, {"7", "Tirol"}}},
	{"CH", "Switzerland", "CHF", 41, [][2]string{{"ZH", "Zürich"}, {"BE", "Bern"}}},
	{"NL", "Netherlands", "EUR", 31, nil},
	{"IT", "Italy", "EUR", 39, [][2]string{{"MI", "Milano"}, {"RM", "Roma"}}},
	{"ES", "Spain", "EUR", 34, [][2]string{{"M", "Madrid"}, {"B", "Barcelona"}}},
	{"PL", "Poland", "PLN", 48, nil},
	{"CA", "Canada", "CAD", 1, [][2]string{{"ON", "Ontario"}, {"QC", "Quebec"}, {"BC", "British Columbia"}}},
}

func (sd *seeder) countries() {
	for _, c := range seedCountries {
		cid := sd.rec("base."+strings.ToLower(c.code), "res.country", 0, map[string]any{
			"name": c.name, "code": c.code, "currency_id": sd.id("base." + c.currency), "phone_code": c.phone,
		})
		for _, s := range c.states {
			sd.rec(fmt.Sprintf("base.state_%s_%s", strings.ToLower(c.code), strings.ToLower(s[0])), "res.country.state", 0,
				map[string]any{"country_id": cid, "code": s[0], "name": s[1]})
		}
	}
}

func (sd *seeder) companyAndUsers() {
	partner := sd.rec("base.main_partner", "res.partner", 0, map[string]any{
		"name": "My Company", "is_company": true, "street": "Hauptstraße 1", "city": "Berlin", "zip": "10115",
		"country_id": sd.id("base.de"), "email": "info@example.com",
	})
	sd.rec("base.main_company", "res.company", mainCompany, map[string]any{
		"name": "My Company", "partner_id": partner, "currency_id": sd.id("base.EUR"), "country_id": sd.id("base.de"),
	})
	if sd.err == nil {
		sd.err = sd.e.write(sd.e.mustModel("res.partner"), []int64{partner}, map[string]any{"company_id": mainCompany})
	}
	sd.rec("base.user_root", "res.users", 1, map[string]any{"login": "__system__", "name": "OdooBot", "active": false})
	sd.rec("base.user_admin", "res.users", adminUID, map[string]any{"login": "admin", "name": "Mitchell Admin", "tz": "Europe/Berlin"})
	sd.rec("base.public_user", "res.users", 0, map[string]any{"login": "public", "name": "Public user", "active": false})
}

func (sd *seeder) units() {
	unitCat := sd.rec("uom.product_uom_categ_unit", "uom.category", 0, map[string]any{"name": "Unit"})
	kgCat := sd.rec("uom.product_uom_categ_kgm", "uom.category", 0, map[string]any{"name": "Weight"})
	sd.rec("uom.product_uom_unit", "uom.uom", 1, map[string]any{"name": "Units", "category_id": unitCat, "factor": 1.0, "rounding": 0.01, "uom_type": "reference"})
	sd.rec("uom.product_uom_dozen", "uom.uom", 0, map[string]any{"name": "Dozens", "category_id": unitCat, "factor": 1.0 / 12, "uom_type": "bigger"})
	sd.rec("uom.product_uom_kgm", "uom.uom", 0, map[string]any{"name": "kg", "category_id": kgCat, "factor": 1.0, "uom_type": "reference"})
	sd.rec("uom.product_uom_gram", "uom.uom", 0, map[string]any{"name": "g", "category_id": kgCat, "factor": 1000.0, "uom_type": "smaller"})
}

func (sd *seeder) categories() {
	all := sd.rec("product.product_category_all", "product.category", 1, map[string]any{"name": "All"})
	sd.rec("product.product_category_1", "product.category", 0, map[string]any{"name": "Saleable", "parent_id": all})
	if sd.e.version() <= 16 {
		sd.rec("product.cat_expense", "product.category", 0, map[string]any{"name": "Expenses", "parent_id": all})
	}
	sd.rec("delivery.product_category_deliveries", "product.category", 0, map[string]any{"name": "Deliveries", "parent_id": all})
}

// locations reproduces Odoo's default ids: WH/Stock is location 8.
func (sd *seeder) locations() {
	phys := sd.rec("stock.stock_location_locations", "stock.location", 1, map[string]any{"name": "Physical Locations", "usage": "view"})
	partners := sd.rec("stock.stock_location_locations_partner", "stock.location", 2, map[string]any{"name": "Partners", "usage": "view"})
	virtual := sd.rec("stock.stock_location_locations_virtual", "stock.location", 3, map[string]any{"name": "Virtual Locations", "usage": "view"})
	sd.rec("stock.stock_location_suppliers", "stock.location", 4, map[string]any{"name": "Vendors", "usage": "supplier", "location_id": partners})
	sd.rec("stock.stock_location_customers", "stock.location", 5, map[string]any{"name": "Customers", "usage": "customer", "location_id": partners})
	sd.rec("stock.stock_location_inventory", "stock.location", 6, map[string]any{"name": "Inventory adjustment", "usage": "inventory", "location_id": virtual})
	view := sd.rec("stock.warehouse0_view_location", "stock.location", 7, map[string]any{"name": "WH", "usage": "view", "location_id": phys})
	stock := sd.rec("stock.stock_location_stock", "stock.location", 8, map[string]any{"name": "Stock", "usage": "internal", "location_id": view})
	sd.rec("stock.stock_location_scrapped", "stock.location", 9, map[string]any{"name": "Scrap", "usage": "inventory", "location_id": virtual})
	sd.rec("stock.stock_location_output", "stock.location", 10, map[string]any{"name": "Output", "usage": "internal", "location_id": view, "active": false})
	sd.rec("stock.warehouse0", "stock.warehouse", 1, map[string]any{
		"name": "YourCompany", "code": "WH", "view_location_id": view, "lot_stock_id": stock, "partner_id": sd.id("base.main_partner"),
	})
}

func (sd *seeder) accounting() {
	taxes := []struct {
		xmlid, name string
		included    bool
		use         string
		amount      float64
	}{
		{"account.sale_tax_19", "19%", false, "sale", 19},
		{"account.sale_tax_19_incl", "19% incl.", true, "sale", 19},
		{"account.sale_tax_7", "7%", false, "sale", 7},
		{"account.purchase_tax_19", "19%", false, "purchase", 19},
	}
	for _, t := range taxes {
		vals := map[string]any{"name": t.name, "amount": t.amount, "amount_type": "percent", "type_tax_use": t.use}
		if sd.e.version() >= 18 {
			if t.included {
				vals["price_include_override"] = "tax_included"
			}
		} else {
			vals["price_include"] = t.included
		}
		sd.rec(t.xmlid, "account.tax", 0, vals)
	}
	manualIn := sd.rec("account.account_payment_method_manual_in", "account.payment.method", 0,
		map[string]any{"name": "Manual", "code": "manual", "payment_type": "inbound"})
	manualOut := sd.rec("account.account_payment_method_manual_out", "account.payment.method", 0,
		map[string]any{"name": "Manual", "code": "manual", "payment_type": "outbound"})
	journals := []struct{ xmlid, name, code, kind string }{
		{"account.sale_journal", "Customer Invoices", "INV", "sale"},
		{"account.purchase_journal", "Vendor Bills", "BILL", "purchase"},
		{"account.bank_journal", "Bank", "BNK1", "bank"},
		{"account.cash_journal", "Cash", "CSH1", "cash"},
	}
	for _, j := range journals {
		vals := map[string]any{"name": j.name, "code": j.code, "type": j.kind}
		if sd.e.version() <= 14 && (j.kind == "bank" || j.kind == "cash") {
			vals["inbound_payment_method_ids"] = []any{[]any{6, 0, []any{manualIn}}}
			vals["outbound_payment_method_ids"] = []any{[]any{6, 0, []any{manualOut}}}
		}
		jid := sd.rec(j.xmlid, "account.journal", 0, vals)
		if sd.e.version() >= 15 && (j.kind == "bank" || j.kind == "cash") {
			sd.rec("", "account.payment.method.line", 0, map[string]any{"name": "Manual", "journal_id": jid, "payment_method_id": manualIn})
			sd.rec("", "account.payment.method.line", 0, map[string]any{"name": "Manual", "journal_id": jid, "payment_method_id": manualOut})
		}
	}
	sd.paymentGateways()
}

func (sd *seeder) paymentGateways() {
	v := sd.e.version()
	model, kind, module := "payment.provider", "code", "payment.payment_provider_"
	if v <= 15 {
		model, kind, module = "payment.acquirer", "provider", "payment.payment_acquirer_"
	}
	transfer := "transfer"
	if v >= 17 {
		transfer = "custom"
	}
	bank := sd.id("account.bank_journal")
	gateways := []struct{ key, name, kind, state string }{
		{"transfer", "Wire Transfer", transfer, "enabled"},
		{"stripe", "Stripe", "stripe", "disabled"},
		{"paypal", "PayPal", "paypal", "disabled"},
	}
	for _, g := range gateways {
		sd.rec(module+g.key, model, 0, map[string]any{"name": g.name, kind: g.kind, "state": g.state, "journal_id": bank})
	}
	if v >= 17 {
		for _, pm := range [][2]string{{"card", "Card"}, {"paypal", "PayPal"}, {"sepa_direct_debit", "SEPA Direct Debit"}, {"bank_transfer", "Bank Transfer"}} {
			sd.rec("payment.payment_method_"+pm[0], "payment.method", 0, map[string]any{"name": pm[1], "code": pm[0]})
		}
	}
}

func (sd *seeder) delivery() {
	vals := map[string]any{
		"name": "Standard delivery", "list_price": 0.0, "sale_ok": false, "purchase_ok": false,
		"categ_id": sd.id("delivery.product_category_deliveries"), "default_code": "Delivery_007", "taxes_id": []any{[]any{6, 0, []any{sd.id("account.sale_tax_19")}}},
	}
	vals["type"] = "service"
	product := sd.rec("delivery.product_product_delivery", "product.product", 0, vals)
	sd.rec("delivery.free_delivery_carrier", "delivery.carrier", 0, map[string]any{
		"name": "Standard delivery", "product_id": product, "delivery_type": "fixed", "fixed_price": 0.0,
	})
	express := sd.rec("delivery.product_product_delivery_express", "product.product", 0, map[string]any{
		"name": "Express delivery", "type": "service", "list_price": 9.9, "sale_ok": false, "default_code": "Delivery_008",
		"categ_id": sd.id("delivery.product_category_deliveries"),
	})
	sd.rec("delivery.delivery_carrier_express", "delivery.carrier", 0, map[string]any{
		"name": "Express delivery", "product_id": express, "delivery_type": "fixed", "fixed_price": 9.9,
	})
}
