package workflows_test

import (
	"context"
	"fmt"
	"math/rand"
	"strconv"
	"testing"
	"time"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// BenchmarkStockStorm: 5,000 point-of-sale sales spread over 2,000 variants (500 simple products and
// 300 products in 5 sizes, sold as option values) hit Odoo at once; the worker runs with the default
// settings against OpenCart 4.0, polling every 5 s (the default) or every second. Each iteration is one
// storm. It reports:
//
//	s-to-visible     seconds from the last sale until the shop shows every level
//	rpc/change       Odoo XML-RPC requests the sync made, per sale
//	sql/change       statements the sync sent to the shop database, per sale
//
// Run: scripts/test.sh -run '^$' -bench StockStorm -benchtime 2x ./workflows/
func BenchmarkStockStorm(b *testing.B) {
	for _, poll := range []time.Duration{activities.DefaultStockPollInterval, time.Second} {
		b.Run("poll="+poll.String(), func(b *testing.B) { stockStorm(b, poll) })
	}
}

func stockStorm(b *testing.B, poll time.Duration) {
	const simple, sized, changes = 500, 300, 5000
	sizes := []string{"XS", "S", "M", "L", "XL"}
	bed := newStockBed(b, "4.0.2.3", 17, activities.StockSettings{PollInterval: poll})
	ctx := context.Background()

	// Odoo: templates and their variants, created in the simulator's process (set-up, not measured).
	attr, err := bed.Sim.Create("product.attribute", map[string]any{"name": "Size", "create_variant": "always"})
	if err != nil {
		b.Fatal(err)
	}
	var sizeValues []int64
	for _, s := range sizes {
		id, err := bed.Sim.Create("product.attribute.value", map[string]any{"name": s, "attribute_id": attr})
		if err != nil {
			b.Fatal(err)
		}
		sizeValues = append(sizeValues, id)
	}
	kind := bed.ERP.Schema().ProductTypeValues(odoo.ProductStorable)
	var templates []int64
	for i := range simple + sized {
		vals := map[string]any{"name": fmt.Sprintf("Storm %d", i)}
		for k, v := range kind {
			vals[k] = v
		}
		if i >= simple {
			vals["attribute_line_ids"] = []any{[]any{0, 0, map[string]any{"attribute_id": attr, "value_ids": []any{[]any{6, 0, sizeValues}}}}}
		}
		id, err := bed.Sim.Create("product.template", vals)
		if err != nil {
			b.Fatal(err)
		}
		templates = append(templates, id)
	}
	variants, err := bed.Sim.SearchRead("product.product", []any{[]any{"product_tmpl_id", "in", templates}},
		[]string{"product_tmpl_id", "product_template_attribute_value_ids"})
	if err != nil {
		b.Fatal(err)
	}
	ptavs, err := bed.Sim.SearchRead("product.template.attribute.value", []any{[]any{"product_tmpl_id", "in", templates}}, []string{"name"})
	if err != nil {
		b.Fatal(err)
	}
	sizeOf := map[int64]string{}
	for _, p := range ptavs {
		sizeOf[p["id"].(int64)] = p["name"].(string)
	}

	// The shop: one product per template, sized ones offering the sizes with stock per value.
	optionID, values := bed.sizeOption("Size", sizes...)
	var products []opencart.Product
	for i := range templates {
		p := opencart.Product{Model: fmt.Sprintf("STORM-%d", i), Subtract: true, Status: true, Minimum: 1,
			Descriptions: map[int]opencart.ProductDescription{bed.lang: {Name: fmt.Sprintf("Storm %d", i)}}}
		if i >= simple {
			option := opencart.ProductOption{OptionID: optionID, Required: true}
			for _, s := range sizes {
				option.Values = append(option.Values, opencart.ProductOptionValue{OptionValueID: values[s], Subtract: true})
			}
			p.Options = []opencart.ProductOption{option}
		}
		products = append(products, p)
	}
	written, err := bed.Shop.UpsertProducts(ctx, products)
	if err != nil {
		b.Fatal(err)
	}
	shopOf := map[int64]int{}
	var pairs []mapping.Mapping
	for i, t := range templates {
		shopOf[t] = written[i].ProductID
		pairs = append(pairs, mapping.Mapping{Kind: mapping.KindProduct, OdooID: t, OpenCartID: strconv.Itoa(written[i].ProductID)})
	}
	povs := bed.optionValueRows()

	// Expected shop levels follow each variant's Odoo stock.
	stock := map[int64]int{}      // variant → on hand
	rowsOf := map[int64][]level{} // variant → the shop rows it counts in
	var ids []int64
	for _, v := range variants {
		id, tmpl := v["id"].(int64), v["product_tmpl_id"].([]any)[0].(int64)
		ids = append(ids, id)
		rowsOf[id] = []level{{product: shopOf[tmpl]}}
		if ptav := v["product_template_attribute_value_ids"].([]int64); len(ptav) == 1 {
			value := values[sizeOf[ptav[0]]]
			rowsOf[id] = append(rowsOf[id], level{product: shopOf[tmpl], value: value})
			pairs = append(pairs, mapping.Mapping{Kind: mapping.KindVariant, OdooID: id,
				OpenCartID: fmt.Sprintf("%d:%d", shopOf[tmpl], povs[[2]int{shopOf[tmpl], value}])})
		}
		stock[id] = 100
		if err := bed.Sim.MoveStock(id, 100, odoosim.MoveReceipt); err != nil {
			b.Fatal(err)
		}
	}
	if len(ids) != simple+sized*len(sizes) {
		b.Fatalf("%d variants, want %d", len(ids), simple+sized*len(sizes))
	}
	if err := bed.Store.PutMany(ctx, pairs); err != nil {
		b.Fatal(err)
	}
	expected := func() map[level]int {
		want := map[level]int{}
		for v, q := range stock {
			for _, l := range rowsOf[v] {
				want[l] += q
			}
		}
		return want
	}

	bed.startWorker()
	bed.startSchedule()
	bed.waitShop(expected())

	rng := rand.New(rand.NewSource(1))
	var visible time.Duration
	statements, requests := bed.sql.Count(), bed.erp.TotalRequests()
	b.ResetTimer()
	for range b.N {
		for range changes {
			v := ids[rng.Intn(len(ids))]
			if err := bed.Sim.MoveStock(v, 1, odoosim.MovePOS); err != nil {
				b.Fatal(err)
			}
			stock[v]--
		}
		last := time.Now()
		bed.waitShop(expected())
		visible += time.Since(last)
	}
	b.StopTimer()
	total := float64(b.N * changes)
	b.ReportMetric(visible.Seconds()/float64(b.N), "s-to-visible")
	b.ReportMetric(float64(bed.erp.TotalRequests()-requests)/total, "rpc/change")
	b.ReportMetric(float64(bed.sql.Count()-statements)/total, "sql/change")
}

// waitShop waits until every level has its quantity, reading them in bulk.
func (b *stockBed) waitShop(want map[level]int) {
	b.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got := map[level]int{}
		for _, q := range []string{"SELECT product_id, 0, quantity FROM oc_product", "SELECT product_id, option_value_id, quantity FROM oc_product_option_value"} {
			rows, err := b.db.Query(q)
			if err != nil {
				b.t.Fatal(err)
			}
			for rows.Next() {
				var l level
				var n int
				if err := rows.Scan(&l.product, &l.value, &n); err != nil {
					b.t.Fatal(err)
				}
				got[l] = n
			}
			rows.Close()
		}
		wrong := 0
		var example string
		for l, q := range want {
			if got[l] != q {
				wrong++
				example = fmt.Sprintf("%s is %d, want %d", l, got[l], q)
			}
		}
		if wrong == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%d shop levels still differ from Odoo after 2 minutes, e.g. %s", wrong, example)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
