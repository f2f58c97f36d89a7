package odoosim

// Stock models: warehouses, locations, quants, and the per-version ways of
// setting stock (quant inventory mode 15+, stock.change.product.qty and
// stock.inventory up to 14).

// forecastHooks let later models (stock.move) contribute incoming and
// outgoing quantities to virtual_available without touching this file.
var forecastHooks []func(e *env, product int64) (incoming, outgoing float64)

func init() {
	declare(
		&model{
			Name: "stock.location", Description: "Inventory Locations", Order: "complete_name, id",
			RecName: "complete_name", ParentName: "location_id",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Location Name", Required: true, Translate: true},
				{Name: "complete_name", Type: tChar, String: "Full Location Name", Store: true, Compute: locationCompleteName},
				{Name: "location_id", Type: tMany2one, Relation: "stock.location", String: "Parent Location", OnDelete: "cascade", Index: true},
				{Name: "child_ids", Type: tOne2many, Relation: "stock.location", InverseOf: "location_id", String: "Contains"},
				{Name: "usage", Type: tSelection, String: "Location Type", Required: true, Default: constant("internal"), Selection: []selOption{
					{Value: "supplier", Label: "Vendor Location"}, {Value: "view", Label: "View"}, {Value: "internal", Label: "Internal Location"},
					{Value: "customer", Label: "Customer Location"}, {Value: "inventory", Label: "Inventory Loss"},
					{Value: "production", Label: "Production"}, {Value: "transit", Label: "Transit Location"}}},
				activeField(),
				companyField(),
				{Name: "barcode", Type: tChar, String: "Barcode"},
			},
		},
		&model{
			Name: "stock.warehouse", Description: "Warehouse", Order: "sequence,id",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Warehouse", Required: true},
				{Name: "code", Type: tChar, String: "Short Name", Required: true},
				{Name: "sequence", Type: tInteger, String: "Sequence", Default: constant(int64(10))},
				activeField(),
				{Name: "company_id", Type: tMany2one, Relation: "res.company", String: "Company", Required: true, Default: defaultCompany},
				{Name: "partner_id", Type: tMany2one, Relation: "res.partner", String: "Address"},
				{Name: "view_location_id", Type: tMany2one, Relation: "stock.location", String: "View Location", Required: true},
				{Name: "lot_stock_id", Type: tMany2one, Relation: "stock.location", String: "Location Stock", Required: true},
			},
			Uniques: []unique{
				{Name: "stock_warehouse_warehouse_name_uniq", Fields: []string{"name", "company_id"}, Message: "The name of the warehouse must be unique per company!"},
				{Name: "stock_warehouse_warehouse_code_uniq", Fields: []string{"code", "company_id"}, Message: "The short name of the warehouse must be unique per company!"},
			},
		},
		stockQuantModel(),
		&model{
			Name: "stock.change.product.qty", Description: "Change Product Quantity", Until: 14, Transient: true,
			Fields: []*field{
				{Name: "product_id", Type: tMany2one, Relation: "product.product", String: "Product", Required: true},
				{Name: "product_tmpl_id", Type: tMany2one, Relation: "product.template", String: "Template", Required: true},
				{Name: "new_quantity", Type: tFloat, String: "New Quantity on Hand", Required: true, Default: constant(1.0)},
				{Name: "location_id", Type: tMany2one, Relation: "stock.location", String: "Location",
					Default: func(e *env) any { return e.xmlid("stock.stock_location_stock") }},
			},
			Methods: map[string]*method{
				"change_product_qty": writing(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
					ids, err := existingRecords(e, m, "change_product_qty", args)
					if err != nil {
						return nil, err
					}
					for _, id := range ids {
						product := e.ref(m.Name, id, "product_id")
						loc := e.ref(m.Name, id, "location_id")
						if err := e.setQuantity(product, loc, e.num(m.Name, id, "new_quantity")); err != nil {
							return nil, err
						}
					}
					return map[string]any{"type": "ir.actions.act_window_close"}, nil
				}),
			},
		},
		&model{
			Name: "stock.inventory", Description: "Inventory", Until: 14, Order: "date desc, id desc",
			Fields: []*field{
				{Name: "name", Type: tChar, String: "Inventory Reference", Required: true, Default: constant("Inventory")},
				{Name: "date", Type: tDatetime, String: "Inventory Date", Default: func(e *env) any { return e.now }},
				{Name: "state", Type: tSelection, String: "Status", Default: constant("draft"), Selection: []selOption{
					{Value: "draft", Label: "Draft"}, {Value: "cancel", Label: "Cancelled"}, {Value: "confirm", Label: "In Progress"}, {Value: "done", Label: "Validated"}}},
				{Name: "location_ids", Type: tMany2many, Relation: "stock.location", String: "Locations"},
				{Name: "product_ids", Type: tMany2many, Relation: "product.product", String: "Products"},
				{Name: "line_ids", Type: tOne2many, Relation: "stock.inventory.line", InverseOf: "inventory_id", String: "Inventories"},
				companyField(),
			},
			Methods: map[string]*method{
				"action_start":    writing(inventoryAction("confirm")),
				"action_validate": writing(inventoryAction("done")),
			},
		},
		&model{
			Name: "stock.inventory.line", Description: "Inventory Line", Until: 14,
			Fields: []*field{
				{Name: "inventory_id", Type: tMany2one, Relation: "stock.inventory", String: "Inventory", OnDelete: "cascade", Index: true},
				{Name: "product_id", Type: tMany2one, Relation: "product.product", String: "Product", Required: true},
				{Name: "location_id", Type: tMany2one, Relation: "stock.location", String: "Location", Required: true},
				{Name: "product_qty", Type: tFloat, String: "Counted Quantity"},
				{Name: "theoretical_qty", Type: tFloat, String: "Theoretical Quantity"},
			},
		},
	)
}

func locationCompleteName(e *env, id int64) any {
	name := e.str("stock.location", id, "name")
	parent := e.ref("stock.location", id, "location_id")
	if parent == 0 || e.str("stock.location", id, "usage") == "view" && e.ref("stock.location", parent, "location_id") == 0 {
		return name
	}
	return locationCompleteName(e, parent).(string) + "/" + name
}

func stockQuantModel() *model {
	return &model{
		Name: "stock.quant", Description: "Quants", Order: "id",
		DisplayName: func(e *env, id int64) string {
			return e.displayName(e.mustModel("stock.location"), e.ref("stock.quant", id, "location_id")) + " - " +
				e.displayName(e.mustModel("product.product"), e.ref("stock.quant", id, "product_id"))
		},
		Fields: []*field{
			{Name: "product_id", Type: tMany2one, Relation: "product.product", String: "Product", Required: true, OnDelete: "restrict", Index: true},
			{Name: "product_tmpl_id", Type: tMany2one, Relation: "product.template", String: "Product Template", Searchable: true,
				Compute: func(e *env, id int64) any {
					return e.ref("product.product", e.ref("stock.quant", id, "product_id"), "product_tmpl_id")
				}},
			{Name: "location_id", Type: tMany2one, Relation: "stock.location", String: "Location", Required: true, OnDelete: "restrict", Index: true},
			{Name: "quantity", Type: tFloat, String: "Quantity", Readonly: true},
			{Name: "reserved_quantity", Type: tFloat, String: "Reserved Quantity"},
			{Name: "available_quantity", Type: tFloat, String: "Available Quantity", Since: 17, Compute: func(e *env, id int64) any {
				return e.num("stock.quant", id, "quantity") - e.num("stock.quant", id, "reserved_quantity")
			}},
			// 13/14: inventory_quantity is computed; written in inventory mode it applies at once.
			{Name: "inventory_quantity", Type: tFloat, String: "Counted Quantity", Until: 14,
				Compute: func(e *env, id int64) any { return e.num("stock.quant", id, "quantity") },
				Inverse: func(e *env, id int64, v any) error {
					if !truthy(e.ctx["inventory_mode"]) {
						return nil
					}
					return e.setQuantity(e.ref("stock.quant", id, "product_id"), e.ref("stock.quant", id, "location_id"), v.(float64))
				}},
			{Name: "inventory_quantity", Type: tFloat, String: "Counted Quantity", Since: 15},
			{Name: "inventory_diff_quantity", Type: tFloat, String: "Difference", Since: 15, Searchable: true, Compute: func(e *env, id int64) any {
				if !e.flag("stock.quant", id, "inventory_quantity_set") {
					return 0.0
				}
				return e.num("stock.quant", id, "inventory_quantity") - e.num("stock.quant", id, "quantity")
			}},
			{Name: "inventory_quantity_set", Type: tBoolean, String: "Inventory Quantity Set", Since: 15},
			{Name: "in_date", Type: tDatetime, String: "Incoming Date", Default: func(e *env) any { return e.now }},
			companyField(),
		},
		BeforeWrite: func(e *env, _ []int64, vals map[string]any) error {
			if _, ok := vals["inventory_quantity"]; ok && e.version() >= 15 {
				if _, set := vals["inventory_quantity_set"]; !set {
					vals["inventory_quantity_set"] = true
				}
			}
			return nil
		},
		Constrains: []func(e *env, ids []int64) error{checkQuantProduct},
		Methods: map[string]*method{
			"create":                 writing(createQuants),
			"action_apply_inventory": {Since: 15, Fn: applyInventory},
		},
	}
}

func checkQuantProduct(e *env, ids []int64) error {
	for _, id := range ids {
		tmpl := e.ref("product.product", e.ref("stock.quant", id, "product_id"), "product_tmpl_id")
		if !isStorable(e, tmpl) {
			return errorf("Quants cannot be created for consumables or services.")
		}
	}
	return nil
}

// createQuants: in inventory mode (15+), creating a quant for an existing
// product/location pair sets the counted quantity on the existing quant and
// returns it, as Odoo does.
func createQuants(e *env, m *model, args []any, kw map[string]any) (any, error) {
	return createFromArgs(args, kw, func(vals map[string]any) (int64, error) {
		if e.version() >= 15 && truthy(e.ctx["inventory_mode"]) {
			if _, counted := vals["inventory_quantity"]; counted {
				product, _ := asID(vals["product_id"])
				loc, _ := asID(vals["location_id"])
				if existing := e.searchIDs("stock.quant", []any{"product_id", "=", product}, []any{"location_id", "=", loc}); len(existing) > 0 {
					return existing[0], e.write(m, existing[:1], map[string]any{"inventory_quantity": vals["inventory_quantity"]})
				}
				vals["inventory_quantity_set"] = true
			}
		}
		return e.create(m, vals)
	})
}

// applyInventory is action_apply_inventory (15+). Like Odoo it returns None
// (no wizard for untracked products), so the client gets the "cannot
// marshal None" fault after the commit and must re-read the quantity.
func applyInventory(e *env, m *model, args []any, kw map[string]any) (any, error) {
	ids, err := existingRecords(e, m, "action_apply_inventory", args)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if !e.flag("stock.quant", id, "inventory_quantity_set") {
			continue
		}
		if err := e.write(m, []int64{id}, map[string]any{
			"quantity": e.num("stock.quant", id, "inventory_quantity"), "inventory_quantity": 0.0, "inventory_quantity_set": false,
		}); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// inventoryAction implements stock.inventory start (lines from current
// quants) and validate (counted quantities become quants), 13/14.
func inventoryAction(state string) methodFn {
	return func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		ids, err := existingRecords(e, m, "action_"+state, args)
		if err != nil {
			return nil, err
		}
		lineModel := e.mustModel("stock.inventory.line")
		for _, id := range ids {
			if state == "confirm" && len(e.idList(m.Name, id, "line_ids")) == 0 {
				for _, p := range e.idList(m.Name, id, "product_ids") {
					loc := e.xmlid("stock.stock_location_stock")
					if _, err := e.create(lineModel, map[string]any{"inventory_id": id, "product_id": p, "location_id": loc,
						"theoretical_qty": e.quantAt(p, loc), "product_qty": e.quantAt(p, loc)}); err != nil {
						return nil, err
					}
				}
			}
			if state == "done" {
				for _, l := range e.idList(m.Name, id, "line_ids") {
					if err := e.setQuantity(e.ref(lineModel.Name, l, "product_id"), e.ref(lineModel.Name, l, "location_id"), e.num(lineModel.Name, l, "product_qty")); err != nil {
						return nil, err
					}
				}
			}
			if err := e.write(m, []int64{id}, map[string]any{"state": state}); err != nil {
				return nil, err
			}
		}
		return true, nil
	}
}

func (e *env) quantAt(product, location int64) float64 {
	total := 0.0
	for _, q := range e.searchIDs("stock.quant", []any{"product_id", "=", product}, []any{"location_id", "=", location}) {
		total += e.num("stock.quant", q, "quantity")
	}
	return total
}

// setQuantity sets the on-hand quantity of a product at a location (the
// outcome of an inventory adjustment).
func (e *env) setQuantity(product, location int64, qty float64) error {
	return e.moveStock(product, 0, location, qty-e.quantAt(product, location))
}

// moveStock is the hook for stock moves: qty leaves from (if an internal
// location) and arrives at to (if internal), updating quants and their
// write_date. from/to 0 mean "outside" (vendor, customer, inventory loss).
// stock.move / picking validation should call this when a move is done.
func (e *env) moveStock(product, from, to int64, qty float64) error {
	if qty == 0 {
		return nil
	}
	quants := e.mustModel("stock.quant")
	adjust := func(loc int64, delta float64) error {
		if loc == 0 || e.str("stock.location", loc, "usage") != "internal" {
			return nil
		}
		if existing := e.searchIDs("stock.quant", []any{"product_id", "=", product}, []any{"location_id", "=", loc}); len(existing) > 0 {
			return e.write(quants, existing[:1], map[string]any{"quantity": e.num("stock.quant", existing[0], "quantity") + delta})
		}
		_, err := e.create(quants, map[string]any{"product_id": product, "location_id": loc, "quantity": delta})
		return err
	}
	if err := adjust(from, -qty); err != nil {
		return err
	}
	return adjust(to, qty)
}

// stockScope returns the internal locations whose quants count for the
// quantity fields, following the context keys of the version: location,
// and warehouse (<=17) or warehouse_id (18); a key of another version is
// ignored, so the quantities come out unfiltered as in Odoo.
func (e *env) stockScope() map[int64]bool {
	roots := []any{}
	if loc, ok := asID(e.ctx["location"]); ok {
		roots = append(roots, loc)
	}
	whKey := "warehouse"
	if e.version() >= 18 {
		whKey = "warehouse_id"
	}
	if wh, ok := asID(e.ctx[whKey]); ok && e.exists(e.mustModel("stock.warehouse"), wh) {
		roots = append(roots, e.ref("stock.warehouse", wh, "view_location_id"))
	}
	all := e.withContext(map[string]any{"active_test": false})
	var ids []int64
	if len(roots) > 0 {
		ids = all.searchIDs("stock.location", []any{"id", "child_of", roots}, []any{"usage", "=", "internal"})
	} else {
		ids = all.searchIDs("stock.location", []any{"usage", "=", "internal"})
	}
	return idSet(ids)
}

func sumQuants(e *env, product int64, f func(q int64) float64) float64 {
	scope := e.stockScope()
	pos := e.mustModel("stock.quant").field("product_id").pos
	ids, _ := e.table(e.mustModel("stock.quant")).lookup(pos, product)
	total := 0.0
	for _, q := range ids {
		if scope[e.ref("stock.quant", q, "location_id")] {
			total += f(q)
		}
	}
	return total
}

func qtyOnHand(e *env, product int64) any {
	return sumQuants(e, product, func(q int64) float64 { return e.num("stock.quant", q, "quantity") })
}

func qtyFree(e *env, product int64) any {
	return sumQuants(e, product, func(q int64) float64 {
		return e.num("stock.quant", q, "quantity") - e.num("stock.quant", q, "reserved_quantity")
	})
}

func forecastMoves(e *env, product int64) (in, out float64) {
	for _, h := range forecastHooks {
		i, o := h(e, product)
		in, out = in+i, out+o
	}
	return in, out
}

func qtyIncoming(e *env, product int64) any {
	in, _ := forecastMoves(e, product)
	return in
}

func qtyOutgoing(e *env, product int64) any {
	_, out := forecastMoves(e, product)
	return out
}

func qtyForecast(e *env, product int64) any {
	in, out := forecastMoves(e, product)
	return qtyOnHand(e, product).(float64) + in - out
}

// templateQty sums a variant quantity over the template's active variants.
func templateQty(variantQty func(*env, int64) any) func(*env, int64) any {
	return func(e *env, tmpl int64) any {
		total := 0.0
		for _, v := range e.withContext(map[string]any{"active_test": true}).idList("product.template", tmpl, "product_variant_ids") {
			total += variantQty(e, v).(float64)
		}
		return total
	}
}
