package odoosim_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/odoosim"
)

func TestDomains(t *testing.T) {
	_, c := start(t, odoosim.Config{Version: 17})
	de := c.searchRead("res.country", []any{[]any{"code", "=", "DE"}}, []string{"name"}, nil)[0]["id"].(int64)
	parent := c.create("res.partner", map[string]any{"name": "Acme Corp", "is_company": true, "country_id": de, "customer_rank": 3})
	for _, v := range []map[string]any{
		{"name": "alice", "parent_id": parent, "type": "invoice", "email": "alice@acme.example"},
		{"name": "Bob", "parent_id": parent, "type": "delivery", "city": "Munich"},
		{"name": "Carol", "active": false},
	} {
		c.create("res.partner", v)
	}
	names := func(domain []any, kw map[string]any) []string {
		var out []string
		for _, r := range c.searchRead("res.partner", domain, []string{"name"}, kw) {
			out = append(out, r["name"].(string))
		}
		slices.Sort(out)
		return out
	}
	cases := []struct {
		name   string
		domain []any
		kw     map[string]any
		want   []string
	}{
		{"ilike is case-insensitive", []any{[]any{"name", "ilike", "ALI"}}, nil, []string{"alice"}},
		{"like is case-sensitive", []any{[]any{"name", "like", "ali"}, []any{"name", "!=", "My Company"}}, nil, []string{"alice"}},
		{"=like pattern", []any{[]any{"name", "=like", "_ob"}}, nil, []string{"Bob"}},
		{"or", []any{"|", []any{"name", "=", "Bob"}, []any{"type", "=", "invoice"}}, nil, []string{"Bob", "alice"}},
		{"not", []any{[]any{"parent_id", "=", parent}, "!", []any{"name", "=", "Bob"}}, nil, []string{"alice"}},
		{"in", []any{[]any{"type", "in", []any{"invoice", "delivery"}}}, nil, []string{"Bob", "alice"}},
		{"not in includes nulls", []any{[]any{"parent_id", "=", parent}, []any{"city", "not in", []any{"Munich"}}}, nil, []string{"alice"}},
		{"= False is null", []any{[]any{"parent_id", "=", parent}, []any{"email", "=", false}}, nil, []string{"Bob"}},
		{"dotted many2one path", []any{[]any{"parent_id.country_id.code", "=", "DE"}}, nil, []string{"Bob", "alice"}},
		{"many2one by name", []any{[]any{"parent_id", "ilike", "acme"}}, nil, []string{"Bob", "alice"}},
		{"archived hidden by default", []any{[]any{"name", "=", "Carol"}}, nil, nil},
		{"active_test false shows archived", []any{[]any{"name", "=", "Carol"}}, map[string]any{"context": map[string]any{"active_test": false}}, []string{"Carol"}},
		{"explicit active leaf", []any{[]any{"active", "=", false}, []any{"name", "=", "Carol"}}, nil, []string{"Carol"}},
		{"child_of", []any{[]any{"id", "child_of", parent}}, nil, []string{"Acme Corp", "Bob", "alice"}},
		{"parent_of", []any{[]any{"id", "parent_of", c.searchRead("res.partner", []any{[]any{"name", "=", "Bob"}}, []string{"id"}, nil)[0]["id"]}}, nil, []string{"Acme Corp", "Bob"}},
		{"comparison", []any{[]any{"customer_rank", ">=", 3}}, nil, []string{"Acme Corp"}},
		{"x2many = False", []any{[]any{"child_ids", "!=", false}}, nil, []string{"Acme Corp"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(tc.domain, tc.kw); !slices.Equal(got, tc.want) {
				t.Errorf("domain %v: got %v, want %v", tc.domain, got, tc.want)
			}
		})
	}
	_, f := c.exec("res.partner", "search", []any{[]any{[]any{"nope", "=", 1}}}, nil)
	expectFault(t, f, 1, "Invalid field res.partner.nope in leaf")
	_, f = c.exec("res.partner", "search", []any{[]any{[]any{"name", "~~", 1}}}, nil)
	expectFault(t, f, 1, "Invalid leaf")
}

func TestOrderOffsetLimit(t *testing.T) {
	_, c := start(t, odoosim.Config{Version: 16})
	for _, n := range []string{"b", "a", "c", "a"} {
		c.create("res.partner", map[string]any{"name": "order-" + n, "ref": "ord"})
	}
	rows := c.searchRead("res.partner", []any{[]any{"ref", "=", "ord"}}, []string{"name"}, map[string]any{"order": "name desc, id asc", "offset": 1, "limit": 2})
	if len(rows) != 2 || rows[0]["name"] != "order-b" || rows[1]["name"] != "order-a" {
		t.Fatalf("order/offset/limit: %v", rows)
	}
	first := c.searchRead("res.partner", []any{[]any{"ref", "=", "ord"}, []any{"name", "=", "order-a"}}, []string{"id"}, map[string]any{"order": "id desc"})
	if first[0]["id"].(int64) < first[1]["id"].(int64) {
		t.Fatalf("id desc not honoured: %v", first)
	}
	_, f := c.exec("res.partner", "search", []any{[]any{}}, map[string]any{"order": "bogus desc"})
	expectFault(t, f, 1, "Invalid field 'bogus' on model 'res.partner'")
}

func TestX2manyCommands(t *testing.T) {
	_, c := start(t, odoosim.Config{Version: 17})
	tax := func(name string) int64 {
		return c.create("account.tax", map[string]any{"name": name, "amount": 5.0, "type_tax_use": "sale"})
	}
	t1, t2, t3 := tax("T1"), tax("T2"), tax("T3")
	tmpl := c.create("product.template", map[string]any{"name": "Taxed", "taxes_id": []any{[]any{6, 0, []any{t1, t2}}}})
	taxes := func() []int64 {
		v := ids(c.searchRead("product.template", []any{[]any{"id", "=", tmpl}}, []string{"taxes_id"}, nil)[0]["taxes_id"])
		slices.Sort(v)
		return v
	}
	steps := []struct {
		cmd  []any
		want []int64
	}{
		{[]any{[]any{3, t1, 0}}, []int64{t2}},
		{[]any{[]any{4, t3, 0}}, []int64{t2, t3}},
		{[]any{[]any{5, 0, 0}}, []int64{}},
		{[]any{t1, t3}, []int64{t1, t3}}, // a plain id list means (6, 0, ids)
		{[]any{[]any{2, t3, 0}}, []int64{t1}},
	}
	for _, s := range steps {
		c.must("product.template", "write", []any{[]any{tmpl}, map[string]any{"taxes_id": s.cmd}}, nil)
		if got := taxes(); !slices.Equal(got, s.want) {
			t.Fatalf("after %v: taxes %v, want %v", s.cmd, got, s.want)
		}
	}
	if _, f := c.exec("account.tax", "read", []any{[]any{t3}, []any{"name"}}, nil); f == nil {
		t.Fatal("(2, id) must delete the record")
	}
	_, f := c.exec("product.template", "write", []any{[]any{tmpl}, map[string]any{"taxes_id": []any{[]any{4, 999999, 0}}}}, nil)
	expectFault(t, f, 2, "The operation cannot be completed")
	_, f = c.exec("product.template", "write", []any{[]any{tmpl}, map[string]any{"taxes_id": "nope"}}, nil)
	expectFault(t, f, 1, "Wrong value for product.template.taxes_id")

	// one2many: create (0), update (1), unlink (2) children.
	p := c.create("res.partner", map[string]any{"name": "Parent", "is_company": true,
		"child_ids": []any{[]any{0, 0, map[string]any{"name": "Kid 1"}}, []any{0, 0, map[string]any{"name": "Kid 2"}}}})
	kids := ids(c.searchRead("res.partner", []any{[]any{"id", "=", p}}, []string{"child_ids"}, nil)[0]["child_ids"])
	if len(kids) != 2 {
		t.Fatalf("(0,0,vals) on one2many: %v", kids)
	}
	c.must("res.partner", "write", []any{[]any{p}, map[string]any{"child_ids": []any{[]any{1, kids[0], map[string]any{"name": "Kid One"}}, []any{3, kids[1], 0}}}}, nil)
	r := c.searchRead("res.partner", []any{[]any{"id", "in", kids}}, []string{"name", "parent_id"}, nil)
	for _, k := range r {
		switch k["id"] {
		case kids[0]:
			if k["name"] != "Kid One" {
				t.Errorf("(1, id, vals) not applied: %v", k)
			}
		case kids[1]:
			if k["parent_id"] != false {
				t.Errorf("(3, id) on one2many must detach: %v", k)
			}
		}
	}
}

func TestVariantGeneration(t *testing.T) {
	sim, c := start(t, odoosim.Config{Version: 16})
	attr := func(name string, values ...string) (int64, []int64) {
		a := c.create("product.attribute", map[string]any{"name": name})
		var vs []int64
		for _, v := range values {
			vs = append(vs, c.create("product.attribute.value", map[string]any{"name": v, "attribute_id": a}))
		}
		return a, vs
	}
	color, colors := attr("Color", "Red", "Blue")
	size, sizes := attr("Size", "S", "M", "L")
	plain := c.create("product.template", map[string]any{"name": "Plain", "default_code": "PLAIN", "barcode": "4006381333931"})
	pv := c.searchRead("product.product", []any{[]any{"product_tmpl_id", "=", plain}}, []string{"default_code", "barcode", "combination_indices"}, nil)
	if len(pv) != 1 || pv[0]["default_code"] != "PLAIN" || pv[0]["barcode"] != "4006381333931" {
		t.Fatalf("template without lines must have one variant carrying code and barcode: %v", pv)
	}

	tmpl := c.create("product.template", map[string]any{"name": "Shirt", "list_price": 10.0, "attribute_line_ids": []any{
		[]any{0, 0, map[string]any{"attribute_id": color, "value_ids": []any{[]any{6, 0, colors}}}},
		[]any{0, 0, map[string]any{"attribute_id": size, "value_ids": []any{[]any{6, 0, sizes}}}},
	}})
	variants := func() []map[string]any {
		return c.searchRead("product.product", []any{[]any{"product_tmpl_id", "=", tmpl}}, []string{"combination_indices", "lst_price", "display_name", "product_template_attribute_value_ids"}, nil)
	}
	if got := variants(); len(got) != 6 {
		t.Fatalf("2 colors x 3 sizes must give 6 variants, got %d", len(got))
	}
	// Price extra on "L" raises lst_price of the L variants only.
	ptavL := c.searchRead("product.template.attribute.value", []any{[]any{"product_tmpl_id", "=", tmpl}, []any{"product_attribute_value_id", "=", sizes[2]}}, []string{"id"}, nil)[0]["id"]
	c.must("product.template.attribute.value", "write", []any{[]any{ptavL}, map[string]any{"price_extra": 2.5}}, nil)
	for _, v := range variants() {
		want := 10.0
		if strings.Contains(v["display_name"].(string), ", L)") {
			want = 12.5
		}
		if v["lst_price"] != want {
			t.Errorf("variant %v: lst_price %v, want %v", v["display_name"], v["lst_price"], want)
		}
		combo := ids(v["product_template_attribute_value_ids"])
		slices.Sort(combo)
		var parts []string
		for _, id := range combo {
			parts = append(parts, strconv.FormatInt(id, 10))
		}
		if v["combination_indices"] != strings.Join(parts, ",") {
			t.Errorf("combination_indices %v, want %v", v["combination_indices"], strings.Join(parts, ","))
		}
	}
	// Removing a value deletes its variants, or archives those other records
	// point to (here: stock); re-adding the value revives the archived one.
	c.must("product.template", "write", []any{[]any{tmpl}, map[string]any{"type": "product"}}, nil)
	var stockedL int64
	for _, v := range variants() {
		if strings.Contains(v["display_name"].(string), ", L)") {
			stockedL = v["id"].(int64)
			break
		}
	}
	if _, err := sim.Create("stock.quant", map[string]any{"product_id": stockedL, "location_id": 8, "quantity": 1.0}); err != nil {
		t.Fatal(err)
	}
	line := c.searchRead("product.template.attribute.line", []any{[]any{"product_tmpl_id", "=", tmpl}, []any{"attribute_id", "=", size}}, []string{"id"}, nil)[0]["id"]
	c.must("product.template.attribute.line", "write", []any{[]any{line}, map[string]any{"value_ids": []any{[]any{3, sizes[2], 0}}}}, nil)
	if got := variants(); len(got) != 4 {
		t.Fatalf("after removing L: %d active variants, want 4", len(got))
	}
	archived, err := sim.SearchRead("product.product", []any{[]any{"product_tmpl_id", "=", tmpl}, []any{"active", "=", false}}, []string{"id"})
	if err != nil || len(archived) != 1 || archived[0]["id"] != stockedL {
		t.Fatalf("only the stocked removed variant must be archived: %v %v", archived, err)
	}
	c.must("product.template.attribute.line", "write", []any{[]any{line}, map[string]any{"value_ids": []any{[]any{4, sizes[2], 0}}}}, nil)
	if got := variants(); len(got) != 6 {
		t.Fatalf("re-adding L must revive variants: %d", len(got))
	}
	// Barcodes are unique across variants (16+: Python constraint wording).
	vs := variants()
	c.must("product.product", "write", []any{[]any{vs[0]["id"]}, map[string]any{"barcode": "111"}}, nil)
	_, f := c.exec("product.product", "write", []any{[]any{vs[1]["id"]}, map[string]any{"barcode": "111"}}, nil)
	expectFault(t, f, 2, "Barcode(s) already assigned")
	// default_code is not unique.
	c.must("product.product", "write", []any{[]any{vs[0]["id"], vs[1]["id"]}, map[string]any{"default_code": "SAME"}}, nil)
	// Quants need a storable product; the template sums its variants' quants.
	if _, err := sim.Create("stock.quant", map[string]any{"product_id": pv[0]["id"], "location_id": 8, "quantity": 4.0}); err == nil {
		t.Fatal("quants for a consumable must be refused")
	}
	for _, v := range vs[:2] {
		if _, err := sim.Create("stock.quant", map[string]any{"product_id": v["id"], "location_id": 8, "quantity": 4.0}); err != nil {
			t.Fatal(err)
		}
	}
	q := c.searchRead("product.template", []any{[]any{"id", "=", tmpl}}, []string{"qty_available"}, nil)[0]["qty_available"]
	if q != 9.0 {
		t.Fatalf("template qty_available %v, want 4+4+1", q)
	}
}

func TestFaultWording(t *testing.T) {
	for _, v := range []int{13, 17} {
		_, c := start(t, odoosim.Config{Version: v})
		_, f := c.exec("product.template", "_create_variant_ids", []any{[]any{1}}, nil)
		expectFault(t, f, 4, "Private methods (such as _create_variant_ids) cannot be called remotely.")
		_, f = c.exec("sale.nothing", "search", []any{[]any{}}, nil)
		expectFault(t, f, 2, "Object sale.nothing doesn't exist")
		_, f = c.exec("res.partner", "write", []any{[]any{999999}, map[string]any{"name": "x"}}, nil)
		expectFault(t, f, 2, "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)")
		_, f = c.exec("res.partner", "frobnicate", []any{[]any{1}}, nil)
		if v >= 17 {
			expectFault(t, f, 1, "AttributeError: The method 'frobnicate' does not exist on the model 'res.partner'")
		} else {
			expectFault(t, f, 1, "AttributeError: type object 'res.partner' has no attribute 'frobnicate'")
		}
		_, f = c.exec("res.partner", "create", []any{map[string]any{"name": false}}, nil)
		expectFault(t, f, 2, "The operation cannot be completed: Contacts require a name")
		_, f = c.exec("ir.model.data", "create", []any{map[string]any{"module": "opencart", "name": "has space", "model": "res.partner", "res_id": 1}}, nil)
		expectFault(t, f, 2, "External IDs cannot contain spaces")
		c.create("ir.model.data", map[string]any{"module": "opencart", "name": "product_1", "model": "product.template", "res_id": 1})
		_, f = c.exec("ir.model.data", "create", []any{map[string]any{"module": "opencart", "name": "product_1", "model": "product.template", "res_id": 2}}, nil)
		if v == 13 {
			expectFault(t, f, 2, "You cannot have multiple records with the same external ID in the same module!")
		} else {
			expectFault(t, f, 2, `duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"`)
		}
		_, f = c.exec("res.partner", "write", []any{[]any{1}, map[string]any{"create_date": "x", "date_nope": 1}}, nil)
		expectFault(t, f, 1, "ValueError: Invalid field 'date_nope' on model 'res.partner'")
	}
}

func TestPerVersionNames(t *testing.T) {
	type probe struct {
		model, field string
		present      bool
	}
	cases := map[int][]probe{
		13: {{"payment.acquirer", "provider", true}, {"payment.provider", "", false}, {"stock.inventory", "name", true}, {"stock.change.product.qty", "new_quantity", true},
			{"product.template", "detailed_type", false}, {"stock.quant", "inventory_quantity_set", false}},
		15: {{"payment.acquirer", "provider", true}, {"stock.inventory", "", false}, {"product.template", "detailed_type", true}, {"account.payment.method.line", "journal_id", true}},
		16: {{"payment.provider", "code", true}, {"payment.acquirer", "", false}, {"payment.method", "", false}},
		17: {{"payment.method", "code", true}, {"stock.quant", "available_quantity", true}, {"stock.change.product.qty", "", false}},
		18: {{"product.template", "is_storable", true}, {"product.template", "detailed_type", false}, {"account.tax", "price_include_override", true}},
	}
	for v, probes := range cases {
		_, c := start(t, odoosim.Config{Version: v})
		for _, p := range probes {
			fields := []string{"id"}
			if p.field != "" {
				fields = append(fields, p.field)
			}
			_, f := c.exec(p.model, "search_read", []any{[]any{}}, map[string]any{"fields": fields, "limit": 1})
			switch {
			case p.present && f != nil:
				t.Errorf("v%d: %s.%s should exist: %v", v, p.model, p.field, f)
			case !p.present && p.field == "" && (f == nil || f.Code != 2):
				t.Errorf("v%d: model %s should not exist: %v", v, p.model, f)
			case !p.present && p.field != "" && (f == nil || f.Code != 1 || !strings.Contains(f.String, "Invalid field")):
				t.Errorf("v%d: field %s.%s should not exist: %v", v, p.model, p.field, f)
			}
		}
	}
}

func TestStockPerVersion(t *testing.T) {
	// 15+: quant inventory mode, then action_apply_inventory (returns None:
	// Fault 1 after the commit).
	sim, c := start(t, odoosim.Config{Version: 16})
	p := c.create("product.product", map[string]any{"name": "Stocked", "type": "product"})
	q := c.must("stock.quant", "create", []any{map[string]any{"product_id": p, "location_id": 8, "inventory_quantity": 7.0}},
		map[string]any{"context": map[string]any{"inventory_mode": true}}).(int64)
	_, f := c.exec("stock.quant", "action_apply_inventory", []any{[]any{q}}, nil)
	expectFault(t, f, 1, "cannot marshal None unless allow_none is enabled")
	rows, _ := sim.SearchRead("product.product", []any{[]any{"id", "=", p}}, []string{"qty_available"})
	if rows[0]["qty_available"] != 7.0 {
		t.Fatalf("applied inventory must be committed despite the fault: %v", rows)
	}
	// ≤14: stock.change.product.qty wizard.
	_, c14 := start(t, odoosim.Config{Version: 14})
	p14 := c14.create("product.product", map[string]any{"name": "Stocked", "type": "product"})
	tmpl := c14.searchRead("product.product", []any{[]any{"id", "=", p14}}, []string{"product_tmpl_id"}, nil)[0]["product_tmpl_id"].([]any)[0]
	w := c14.create("stock.change.product.qty", map[string]any{"product_id": p14, "product_tmpl_id": tmpl, "new_quantity": 12.0})
	c14.must("stock.change.product.qty", "change_product_qty", []any{[]any{w}}, nil)
	got := c14.searchRead("product.product", []any{[]any{"id", "=", p14}}, []string{"qty_available"}, nil)[0]["qty_available"]
	if got != 12.0 {
		t.Fatalf("v14 qty_available %v, want 12", got)
	}
	// The warehouse context key is per version: 18 only knows warehouse_id.
	sim18, c18 := start(t, odoosim.Config{Version: 18})
	p18 := c18.create("product.product", map[string]any{"name": "S", "is_storable": true})
	if _, err := sim18.Create("stock.quant", map[string]any{"product_id": p18, "location_id": 8, "quantity": 3.0}); err != nil {
		t.Fatal(err)
	}
	other := c18.create("stock.location", map[string]any{"name": "Elsewhere", "usage": "internal"})
	wh2 := c18.create("stock.warehouse", map[string]any{"name": "Second", "code": "WH2", "view_location_id": other, "lot_stock_id": other})
	for key, want := range map[string]float64{"warehouse": 3, "warehouse_id": 0} {
		got := c18.searchRead("product.product", []any{[]any{"id", "=", p18}}, []string{"qty_available"},
			map[string]any{"context": map[string]any{key: wh2}})[0]["qty_available"]
		if got != want {
			t.Errorf("18 with context %s: qty %v, want %v (wrong key = unfiltered)", key, got, want)
		}
	}
}

func TestWriteDateAdvancesAndRollback(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	frozen := func() time.Time { return now } // a stopped clock must still give distinct instants
	sim, c := start(t, odoosim.Config{Version: 17, Now: frozen})
	p := c.create("res.partner", map[string]any{"name": "Clock"})
	first := c.searchRead("res.partner", []any{[]any{"id", "=", p}}, []string{"write_date", "create_date"}, nil)[0]
	if first["write_date"] != "2024-05-01 12:00:00" {
		t.Fatalf("write_date %v", first["write_date"])
	}
	c.must("res.partner", "write", []any{[]any{p}, map[string]any{"name": "Clock 2"}}, nil)
	// Same second, later microsecond: '>' on the second-truncated string finds it.
	found := c.searchRead("res.partner", []any{[]any{"write_date", ">", first["write_date"]}, []any{"id", "=", p}}, []string{"id"}, nil)
	if len(found) != 1 {
		t.Fatal("a later write in the same second must compare greater than the truncated write_date")
	}
	// A failing batch create leaves nothing behind.
	before, _ := sim.SearchRead("res.partner", []any{[]any{"ref", "=", "batch"}}, []string{"id"})
	_, f := c.exec("res.partner", "create", []any{[]any{map[string]any{"name": "ok", "ref": "batch"}, map[string]any{"ref": "batch", "country_id": 424242}}}, nil)
	expectFault(t, f, 2, "res_partner_country_id_fkey")
	after, _ := sim.SearchRead("res.partner", []any{[]any{"ref", "=", "batch"}}, []string{"id"})
	if len(after) != len(before) {
		t.Fatalf("failed call must roll back: %d rows before, %d after", len(before), len(after))
	}
	_, f = c.exec("res.partner", "write", []any{[]any{p}, map[string]any{"name": "x"}}, map[string]any{"context": map[string]any{"tz": "Europe/Berlin", "lang": "de_DE"}})
	if f != nil {
		t.Fatalf("context keys must be accepted: %v", f)
	}
	_, f = c.exec("res.partner", "search", []any{[]any{[]any{"write_date", ">", "2024-05-01T12:00:00"}}}, nil)
	expectFault(t, f, 1, "does not match format '%Y-%m-%d %H:%M:%S'")
}

func TestFaultInjection(t *testing.T) {
	sim, c := start(t, odoosim.Config{Version: 17, Seed: 7})
	post := func() (*http.Response, error) {
		body := `<?xml version='1.0'?><methodCall><methodName>execute_kw</methodName><params>` +
			`<param><value>odoo</value></param><param><value><int>2</int></value></param><param><value>admin</value></param>` +
			`<param><value>res.partner</value></param><param><value>search_count</value></param>` +
			`<param><value><array><data><value><array><data/></array></value></data></array></value></param></params></methodCall>`
		return http.Post(c.base+"/xmlrpc/2/object", "text/xml", strings.NewReader(body))
	}
	sim.SetFaults(odoosim.Faults{Rate502: 1})
	resp, err := post()
	if err != nil || resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("Rate502=1: %v %v", resp, err)
	}
	resp.Body.Close()

	sim.SetFaults(odoosim.Faults{DropRate: 1})
	if resp, err := post(); err == nil {
		resp.Body.Close()
		t.Fatal("DropRate=1 must close the connection without a reply")
	}

	sim.SetFaults(odoosim.Faults{SerializationRate: 1})
	_, f := c.exec("res.partner", "search_count", []any{[]any{}}, nil)
	expectFault(t, f, 1, "could not serialize access due to concurrent update")

	sim.SetFaults(odoosim.Faults{SlowRate: 1, Slow: 150 * time.Millisecond})
	began := time.Now()
	c.must("res.partner", "search_count", []any{[]any{}}, nil)
	if time.Since(began) < 150*time.Millisecond {
		t.Fatal("SlowRate=1 must delay the reply")
	}

	// CommitThenFail: the create is saved, the client sees a 502 once.
	sim.SetFaults(odoosim.Faults{CommitThenFail: []odoosim.CallMatch{{Model: "res.partner", Method: "create", Times: 1}}})
	_, err = c.call("object", "execute_kw", "odoo", c.uid, "admin", "res.partner", "create", []any{map[string]any{"name": "Ghost order"}}, map[string]any{})
	if err == nil || !strings.Contains(err.Error(), "HTTP 502") {
		t.Fatalf("CommitThenFail must answer 502, got %v", err)
	}
	if got := c.searchRead("res.partner", []any{[]any{"name", "=", "Ghost order"}}, []string{"id"}, nil); len(got) != 1 {
		t.Fatalf("CommitThenFail must keep the change: %v", got)
	}
	c.create("res.partner", map[string]any{"name": "Second works"})
	sim.SetFaults(odoosim.Faults{})

	calls := sim.Calls()
	if calls["res.partner.create"] != 2 || calls["common.authenticate"] != 1 {
		t.Fatalf("call counters: %v", calls)
	}
	sim.ResetCalls()
	if len(sim.Calls()) != 0 {
		t.Fatal("ResetCalls must clear the counters")
	}
}

func TestConcurrentClients(t *testing.T) {
	sim, c := start(t, odoosim.Config{Version: 17})
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan string, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				res, err := c.call("object", "execute_kw", "odoo", c.uid, "admin", "res.partner", "create",
					[]any{map[string]any{"name": "conc", "ref": "conc"}}, map[string]any{})
				if err != nil {
					errs <- err.Error()
					continue
				}
				if _, err := c.call("object", "execute_kw", "odoo", c.uid, "admin", "res.partner", "search_read",
					[]any{[]any{[]any{"id", "=", res}}}, map[string]any{"fields": []any{"name", "write_date"}}); err != nil {
					errs <- err.Error()
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	rows, _ := sim.SearchRead("res.partner", []any{[]any{"ref", "=", "conc"}}, []string{"id"})
	if len(rows) != workers*each {
		t.Fatalf("%d partners, want %d", len(rows), workers*each)
	}
}

func TestCatalogSeeding(t *testing.T) {
	spec := odoosim.CatalogSpec{Templates: 300, ConfigurableShare: 0.3, Attributes: 4, ValuesPerAttribute: 3,
		AttributesPerConfigurable: 3, Categories: 12, CategoryDepth: 3}
	a, _ := start(t, odoosim.Config{Version: 17, Seed: 42})
	b, _ := start(t, odoosim.Config{Version: 17, Seed: 42})
	for _, s := range []*odoosim.Server{a, b} {
		if err := s.SeedCatalog(spec); err != nil {
			t.Fatal(err)
		}
	}
	fields := []string{"name", "default_code", "barcode", "lst_price", "qty_available", "categ_id"}
	pa, _ := a.SearchRead("product.product", nil, fields)
	pb, _ := b.SearchRead("product.product", nil, fields)
	if len(pa) != len(pb) || len(pa) < 300 {
		t.Fatalf("catalog sizes %d vs %d", len(pa), len(pb))
	}
	barcodes, codes := map[any]bool{}, map[any]bool{}
	variants27 := 0
	for i := range pa {
		for _, f := range fields {
			if fmt.Sprint(pa[i][f]) != fmt.Sprint(pb[i][f]) {
				t.Fatalf("same seed must give the same catalog: %v vs %v", pa[i], pb[i])
			}
		}
		if pa[i]["barcode"] != false {
			if barcodes[pa[i]["barcode"]] {
				t.Fatalf("duplicate barcode %v", pa[i]["barcode"])
			}
			barcodes[pa[i]["barcode"]] = true
		}
		codes[pa[i]["default_code"]] = true
	}
	tmpls, _ := a.SearchRead("product.template", []any{[]any{"attribute_line_ids", "!=", false}}, []string{"product_variant_count"})
	for _, t := range tmpls {
		if t["product_variant_count"] == int64(27) {
			variants27++
		}
	}
	if variants27 == 0 || variants27 != len(tmpls) {
		t.Fatalf("configurable templates must have 3x3x3 = 27 variants: %d of %d", variants27, len(tmpls))
	}
	cats, _ := a.SearchRead("product.category", []any{[]any{"id", "child_of", 2}}, []string{"complete_name"})
	deep := 0
	for _, c := range cats {
		if strings.Count(c["complete_name"].(string), " / ") == 4 {
			deep++
		}
	}
	if deep == 0 {
		t.Fatalf("category tree must reach depth 3 below All / Saleable: %v", cats)
	}
}
