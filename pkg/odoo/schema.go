package odoo

// Schema holds every model, field, method and context key that differs between the Odoo
// versions this client supports. It is chosen once at Dial from the server version; code
// elsewhere asks the Schema instead of comparing versions. Sources: the rename matrix in
// shared/reference/odoo-xmlrpc.md §6–§8.
type Schema struct {
	Version Version

	// Accounting.
	MoveTypeField            string // account.move kind: "type" (13), "move_type" (14+)
	InvoicePaymentStateField string // "invoice_payment_state" (13), "payment_state" (14+)
	PaymentReferenceField    string // "invoice_payment_ref" (13), "payment_reference" (14+)
	// PaymentMethodModel/Field: how payments and the register wizard name their method:
	// account.payment.method via payment_method_id (13/14), account.payment.method.line via
	// payment_method_line_id (15+).
	PaymentMethodModel string
	PaymentMethodField string
	// RegisterPaymentMethod is the account.payment.register button:
	// "create_payments" (13), "action_create_payments" (14+).
	RegisterPaymentMethod string
	// RegisterPaymentAmount: the register wizard has an amount field (14+); 13 always pays
	// the full residual.
	RegisterPaymentAmount bool
	// PaymentProviderModel/CodeField: e-payment gateways, "payment.acquirer"/"provider" (≤15),
	// "payment.provider"/"code" (16+).
	PaymentProviderModel     string
	PaymentProviderCodeField string

	// Sales.
	// InvoiceWizardOrderIDs: sale.advance.payment.inv takes sale_order_ids (16+) besides
	// the active_ids context.
	InvoiceWizardOrderIDs   bool
	OrderLockedField        string // sale.order "locked" boolean (17+, replaces state "done"); "" before
	OrderLineTaxField       string // "tax_id" (13–18)
	OrderLineUoMField       string // "product_uom" (13–18)
	OrderLineAnalyticField  string // "analytic_tag_ids" (≤15), "analytic_distribution" (16+)
	OrderLinePackagingField string // "product_packaging" (13/14), "product_packaging_id" (15+)

	// Stock.
	PickingMovesField string // stock.picking: "move_lines" (≤15), "move_ids" (16+)
	MoveDoneQtyField  string // stock.move: "quantity_done" (≤16), "quantity" (17+)
	MovePickedField   string // stock.move "picked" flag (17+); "" before
	// ImmediateTransferWizard: button_validate with nothing done opens
	// stock.immediate.transfer (≤16); 17+ picks everything itself.
	ImmediateTransferWizard bool
	// QuantInventoryMode: stock is set on stock.quant with inventory_mode and
	// action_apply_inventory (15+); 13/14 use the stock.change.product.qty wizard.
	QuantInventoryMode bool
	// WarehouseContextKey scopes qty_available: "warehouse" (≤17), "warehouse_id" (18).
	// A wrong key is silently ignored by Odoo.
	WarehouseContextKey string

	// Products: see ProductTypeFields, ProductTypeValues and ProductKindOf.
	productType productTypeScheme
}

// productTypeScheme is how product.template encodes storable/consumable/service.
type productTypeScheme int

const (
	productTypeField    productTypeScheme = iota // 13/14: type ∈ product/consu/service
	productDetailedType                          // 15–17: detailed_type ∈ product/consu/service
	productIsStorable                            // 18 (saas~17.3+): type ∈ consu/service/combo + is_storable
)

// ProductKind is the inventory behaviour of a product, independent of version.
type ProductKind string

const (
	ProductStorable   ProductKind = "storable"   // stock is tracked with quants
	ProductConsumable ProductKind = "consumable" // moved but never counted
	ProductService    ProductKind = "service"
)

// SchemaFor returns the names for version v. Odoo Online minors are honoured where a rename
// landed in a saas release before the next major (is_storable in saas~17.3).
func SchemaFor(v Version) Schema {
	s := Schema{
		Version:                  v,
		MoveTypeField:            "move_type",
		InvoicePaymentStateField: "payment_state",
		PaymentReferenceField:    "payment_reference",
		PaymentMethodModel:       "account.payment.method.line",
		PaymentMethodField:       "payment_method_line_id",
		RegisterPaymentMethod:    "action_create_payments",
		RegisterPaymentAmount:    true,
		PaymentProviderModel:     "payment.provider",
		PaymentProviderCodeField: "code",
		InvoiceWizardOrderIDs:    true,
		OrderLockedField:         "locked",
		OrderLineTaxField:        "tax_id",
		OrderLineUoMField:        "product_uom",
		OrderLineAnalyticField:   "analytic_distribution",
		OrderLinePackagingField:  "product_packaging_id",
		PickingMovesField:        "move_ids",
		MoveDoneQtyField:         "quantity",
		MovePickedField:          "picked",
		QuantInventoryMode:       true,
		WarehouseContextKey:      "warehouse_id",
		productType:              productIsStorable,
	}
	if !v.AtLeast(18, 0) {
		s.WarehouseContextKey = "warehouse"
	}
	if !v.AtLeast(17, 3) {
		s.productType = productDetailedType
	}
	if !v.AtLeast(17, 0) {
		s.OrderLockedField = ""
		s.MoveDoneQtyField = "quantity_done"
		s.MovePickedField = ""
		s.ImmediateTransferWizard = true
	}
	if !v.AtLeast(16, 0) {
		s.PaymentProviderModel = "payment.acquirer"
		s.PaymentProviderCodeField = "provider"
		s.InvoiceWizardOrderIDs = false
		s.OrderLineAnalyticField = "analytic_tag_ids"
		s.PickingMovesField = "move_lines"
	}
	if !v.AtLeast(15, 0) {
		s.PaymentMethodModel = "account.payment.method"
		s.PaymentMethodField = "payment_method_id"
		s.OrderLinePackagingField = "product_packaging"
		s.QuantInventoryMode = false
		s.productType = productTypeField
	}
	if !v.AtLeast(14, 0) {
		s.MoveTypeField = "type"
		s.InvoicePaymentStateField = "invoice_payment_state"
		s.PaymentReferenceField = "invoice_payment_ref"
		s.RegisterPaymentMethod = "create_payments"
		s.RegisterPaymentAmount = false
	}
	return s
}

// ProductTypeFields are the product.template/product.product fields to read for ProductKindOf.
func (s Schema) ProductTypeFields() []string {
	switch s.productType {
	case productDetailedType:
		return []string{"detailed_type"}
	case productIsStorable:
		return []string{"type", "is_storable"}
	}
	return []string{"type"}
}

// ProductTypeValues are the create/write values that give a product kind k.
func (s Schema) ProductTypeValues(k ProductKind) Values {
	legacy := map[ProductKind]string{ProductStorable: "product", ProductConsumable: "consu", ProductService: "service"}[k]
	switch s.productType {
	case productDetailedType:
		return Values{"detailed_type": legacy}
	case productIsStorable:
		if k == ProductService {
			return Values{"type": "service"}
		}
		return Values{"type": "consu", "is_storable": k == ProductStorable}
	}
	return Values{"type": legacy}
}

// ProductKindOf reads the kind from a record holding ProductTypeFields. ok is false for
// kinds outside the three the bridge knows (event tickets, combos...).
func (s Schema) ProductKindOf(r Record) (kind ProductKind, ok bool) {
	var raw string
	switch s.productType {
	case productDetailedType:
		raw = r.String("detailed_type")
	case productIsStorable:
		raw = r.String("type")
		if raw == "consu" && r.Bool("is_storable") {
			return ProductStorable, true
		}
	default:
		raw = r.String("type")
	}
	switch raw {
	case "product":
		return ProductStorable, true
	case "consu":
		return ProductConsumable, true
	case "service":
		return ProductService, true
	}
	return "", false
}

// QtyContext scopes quantity fields (qty_available, virtual_available...) to a warehouse
// and/or location; zero ids are left out.
func (s Schema) QtyContext(warehouseID, locationID int64) Context {
	ctx := Context{}
	if warehouseID != 0 {
		ctx[s.WarehouseContextKey] = warehouseID
	}
	if locationID != 0 {
		ctx["location"] = locationID
	}
	return ctx
}
