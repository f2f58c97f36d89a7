package odoosim

// Accounting and e-commerce configuration models: taxes, journals, payment
// methods, payment acquirers/providers per version, delivery carriers.

func init() {
	declare(
		&model{
			Name: "account.tax", Description: "Tax", Order: "sequence,id",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Tax Name", Required: true, Translate: true},
				{Name: "description", Type: tChar, String: "Label on Invoices"},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(1))},
				{Name: "amount", Type: tFloat, String: "Amount", Required: true},
				{Name: "amount_type", Type: tSelection, String: "Tax Computation", Required: true, Default: constant("percent"), Selection: []selOption{
					{Value: "group", Label: "Group of Taxes"}, {Value: "fixed", Label: "Fixed"},
					{Value: "percent", Label: "Percentage of Price"}, {Value: "division", Label: "Percentage of Price Tax Included"}}},
				{Name: "type_tax_use", Type: tSelection, String: "Tax Type", Required: true, Default: constant("sale"), Selection: []selOption{
					{Value: "sale", Label: "Sales"}, {Value: "purchase", Label: "Purchases"}, {Value: "none", Label: "None"}}},
				{Name: "tax_scope", Type: tSelection, String: "Tax Scope", Since: 17, Selection: []selOption{
					{Value: "service", Label: "Services"}, {Value: "consu", Label: "Goods"}}},
				{Name: "price_include", Type: tBoolean, String: "Included in Price", Until: 17},
				// 18: price_include follows price_include_override or the company default.
				{Name: "price_include_override", Type: tSelection, String: "Included in Price", Since: 18, Selection: []selOption{
					{Value: "tax_included", Label: "Tax Included"}, {Value: "tax_excluded", Label: "Tax Excluded"}}},
				{Name: "price_include", Type: tBoolean, String: "Included in Price", Since: 18, Searchable: true, Compute: func(e *env, id int64) any {
					return e.str("account.tax", id, "price_include_override") == "tax_included"
				}},
				{Name: "include_base_amount", Type: tBoolean, String: "Affect Base of Subsequent Taxes"},
				{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Required: true, Default: defaultCompany},
				{Name: "country_id", Type: tMany2one, Relation: "res.country", String: "Country", Since: 15, Required: true,
					Default: func(e *env) any { return e.ref("res.company", mainCompany, "country_id") }},
				activeField(),
			},
			Uniques: []unique{{Name: "account_tax_name_company_uniq", Fields: []string{"name", "company_id", "type_tax_use"}, Message: "Tax names must be unique !"}},
		},
		&model{
			Name: "account.payment.method", Description: "Payment Methods", Order: "id",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Name", Required: true, Translate: true},
				{Name: "code", Type: tChar, String: "Code", Required: true},
				{Name: "payment_type", Type: tSelection, String: "Payment Type", Required: true, Selection: []selOption{
					{Value: "inbound", Label: "Inbound"}, {Value: "outbound", Label: "Outbound"}}},
			},
		},
		&model{
			Name: "account.journal", Description: "Journal", Order: "sequence, type, code",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Journal Name", Required: true},
				{Name: "code", Type: tChar, String: "Short Code", Required: true},
				{Name: "type", Type: tSelection, String: "Type", Required: true, Selection: []selOption{
					{Value: "sale", Label: "Sales"}, {Value: "purchase", Label: "Purchase"}, {Value: "cash", Label: "Cash"},
					{Value: "bank", Label: "Bank"}, {Value: "general", Label: "Miscellaneous"}}},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
				activeField(),
				{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Required: true, Default: defaultCompany},
				{Name: "currency_id", Type: tMany2one, Relation: "res.currency", String: "Currency"},
				{Name: "inbound_payment_method_ids", Type: tMany2many, Relation: "account.payment.method", String: "Inbound Payment Methods", Until: 14},
				{Name: "outbound_payment_method_ids", Type: tMany2many, Relation: "account.payment.method", String: "Outbound Payment Methods", Until: 14},
			},
			Uniques: []unique{{Name: "account_journal_code_company_uniq", Fields: []string{"code", "company_id"},
				Message: "Journal codes must be unique per company."}},
		},
		&model{
			Name: "account.payment.method.line", Description: "Payment Methods", Since: 15, Order: "sequence, id",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Name"},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
				{Name: "payment_method_id", Type: tMany2one, Relation: "account.payment.method", String: "Payment Method", Required: true},
				{Name: "journal_id", Type: tMany2one, Relation: "account.journal", String: "Journal", OnDelete: "cascade", Index: true},
				{Name: "payment_type", Type: tSelection, String: "Payment Type", Searchable: true,
					Selection: []selOption{{Value: "inbound", Label: "Inbound"}, {Value: "outbound", Label: "Outbound"}},
					Compute: func(e *env, id int64) any {
						return e.val("account.payment.method", e.ref("account.payment.method.line", id, "payment_method_id"), "payment_type")
					}},
				{Name: "code", Type: tChar, String: "Code", Searchable: true, Compute: func(e *env, id int64) any {
					return e.val("account.payment.method", e.ref("account.payment.method.line", id, "payment_method_id"), "code")
				}},
			},
		},
		paymentGatewayModel("payment.acquirer", "provider", 0, 15),
		paymentGatewayModel("payment.provider", "code", 16, 0),
		&model{
			Name: "payment.method", Description: "Payment Method", Since: 17, Order: "active desc, sequence, name",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Name", Required: true},
				{Name: "code", Type: tChar, String: "Code", Required: true},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(1))},
				activeField(),
				{Name: "provider_ids", Type: tMany2many, Relation: "payment.provider", String: "Providers"},
			},
		},
		&model{
			Name: "delivery.carrier", Description: "Shipping Methods", Order: "sequence, id",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Delivery Method", Required: true, Translate: true},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
				activeField(),
				{Name: "delivery_type", Type: tSelection, String: "Provider", Required: true, Default: constant("fixed"), Selection: []selOption{
					{Value: "base_on_rule", Label: "Based on Rules"}, {Value: "fixed", Label: "Fixed Price"}}},
				{Name: "product_id", Type: tMany2one, Relation: "product.product", String: "Delivery Product", Required: true, OnDelete: "restrict"},
				{Name: "fixed_price", Type: tFloat, String: "Fixed Price"},
				{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company"},
				{Name: "free_over", Type: tBoolean, String: "Free if order amount is above"},
				{Name: "amount", Type: tFloat, String: "Amount"},
			},
		},
	)
}

// paymentGatewayModel declares payment.acquirer (13-15, "provider") and its
// 16+ rename payment.provider ("code").
func paymentGatewayModel(name, kindField string, since, until int) *model {
	return &model{
		Name: name, Description: "Payment Provider", Since: since, Until: until, Order: "module_state, state desc, sequence, name",
		Fields: []*field{
			{Name: "name", Type: tChar, String: "Name", Required: true, Translate: true},
			{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
			{Name: kindField, Type: tSelection, String: "Provider", Required: true, Default: constant("none"), Selection: []selOption{
				{Value: "none", Label: "No Provider Set"}, {Value: "manual", Label: "Custom Payment Form", Until: 15},
				{Value: "transfer", Label: "Wire Transfer", Until: 16}, {Value: "custom", Label: "Custom", Since: 17},
				{Value: "stripe", Label: "Stripe"}, {Value: "paypal", Label: "PayPal"}, {Value: "adyen", Label: "Adyen"}}},
			{Name: "state", Type: tSelection, String: "State", Required: true, Default: constant("disabled"), Selection: []selOption{
				{Value: "disabled", Label: "Disabled"}, {Value: "enabled", Label: "Enabled"}, {Value: "test", Label: "Test Mode"}}},
			{Name: "module_state", Type: tSelection, String: "Installed State", Default: constant("installed"), Selection: []selOption{
				{Value: "uninstalled", Label: "Not Installed"}, {Value: "installed", Label: "Installed"}}},
			{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Required: true, Default: defaultCompany},
			{Name: "journal_id", Type: tMany2one, Relation: "account.journal", String: "Payment Journal"},
			{Name: "is_published", Type: tBoolean, String: "Published"},
			{Name: "payment_method_ids", Type: tMany2many, Relation: "payment.method", String: "Supported Payment Methods", Since: 17},
		},
	}
}
