package activities

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// shopProduct builds a shop product record; options are {product_option_value_id, option_value_id,
// quantity, subtract (0/1)} rows of one option.
func shopProduct(id, qty int, subtract bool, values ...[4]int) *opencart.ProductRecord {
	p := &opencart.ProductRecord{}
	p.ID, p.Quantity, p.Subtract = id, qty, subtract
	if len(values) > 0 {
		var option opencart.ProductOption
		var keys opencart.ProductOptionKeys
		for _, v := range values {
			option.Values = append(option.Values, opencart.ProductOptionValue{OptionValueID: v[1], Quantity: v[2], Subtract: v[3] == 1})
			keys.ValueIDs = append(keys.ValueIDs, v[0])
		}
		p.Options, p.OptionKeys = []opencart.ProductOption{option}, []opencart.ProductOptionKeys{keys}
	}
	return p
}

func variant(qty int, key string) variantStock {
	v := variantStock{qty: qty}
	if key != "" {
		k, err := parseVariantKey(key)
		if err != nil {
			panic(err)
		}
		v.key = &k
	}
	return v
}

func shopOf(products ...*opencart.ProductRecord) map[int]*opencart.ProductRecord {
	out := map[int]*opencart.ProductRecord{}
	for _, p := range products {
		out[p.ID] = p
	}
	return out
}

// render lists levels as "product/value=quantity(was current)", sorted.
func render(levels []shopLevel) string {
	var out []string
	for _, l := range levels {
		out = append(out, fmt.Sprintf("%d/%d=%d(was %d)", l.ProductID, l.OptionValueID, l.Quantity, l.current))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func TestLevelsOfASimpleProductHoldBackPendingOrdersOnlyWhereTheShopSubtracts(t *testing.T) {
	held := newHeldStock()
	held.hold(opencart.OrderLine{ProductID: 40, Quantity: 2})
	tmpl := templateStock{productID: 40, variants: []variantStock{variant(5, "")}}

	levels, missing := tmpl.levels(shopOf(shopProduct(40, 10, true)), held)
	if got := render(levels); got != "40/0=3(was 10)" || missing != 0 {
		t.Fatalf("subtracting product: %s, missing %d", got, missing)
	}
	// A product the shop does not subtract for lost nothing to the order: Odoo's quantity as it is.
	levels, _ = tmpl.levels(shopOf(shopProduct(40, 10, false)), held)
	if got := render(levels); got != "40/0=5(was 10)" {
		t.Fatalf("non-subtracting product: %s", got)
	}
	// More held back than Odoo has: zero, never negative.
	held.hold(opencart.OrderLine{ProductID: 40, Quantity: 9})
	levels, _ = tmpl.levels(shopOf(shopProduct(40, 10, true)), held)
	if got := render(levels); got != "40/0=0(was 10)" {
		t.Fatalf("oversold product: %s", got)
	}
}

func TestLevelsOfOptionValuesSumTheVariantsHavingThem(t *testing.T) {
	// Size S (pov 101 → value 11), M (102 → 12), L (103 → 13, no variant); colour red (201 → 21).
	p := shopProduct(42, 0, true, [4]int{101, 11, 0, 1}, [4]int{102, 12, 0, 0}, [4]int{103, 13, 7, 1}, [4]int{201, 21, 0, 1})
	tmpl := templateStock{productID: 42, variants: []variantStock{
		variant(4, "42:101,201"),
		variant(6, "42:102,201"),
		variant(3, ""), // not paired: counts for the product only
	}}
	held := newHeldStock()
	held.hold(opencart.OrderLine{ProductID: 42, Quantity: 1, Options: []opencart.OrderOption{{ProductOptionValueID: 101}, {ProductOptionValueID: 201}}})
	held.hold(opencart.OrderLine{ProductID: 42, Quantity: 2, Options: []opencart.OrderOption{{ProductOptionValueID: 102}, {ProductOptionValueID: 201}}})

	levels, missing := tmpl.levels(shopOf(p), held)
	// product 13 − 3 held; S 4 − 1; M 6 (value does not subtract); red 10 − 3; L untouched.
	want := "42/0=10(was 0) 42/11=3(was 0) 42/12=6(was 0) 42/21=7(was 0)"
	if got := render(levels); got != want || missing != 0 {
		t.Fatalf("levels = %s (missing %d), want %s", got, missing, want)
	}
}

func TestLevelsOfVariantProductsAndTheirMaster(t *testing.T) {
	master := shopProduct(50, 9, true)
	v1, v2 := shopProduct(51, 9, true), shopProduct(52, 9, false)
	tmpl := templateStock{productID: 50, variants: []variantStock{variant(5, "51"), variant(2, "52")}}
	held := newHeldStock()
	// OpenCart 4 subtracts a variant's order from the variant and from its master.
	held.hold(opencart.OrderLine{ProductID: 51, MasterID: 50, Quantity: 1})
	held.hold(opencart.OrderLine{ProductID: 52, MasterID: 50, Quantity: 1})

	levels, missing := tmpl.levels(shopOf(master, v1, v2), held)
	want := "50/0=5(was 9) 51/0=4(was 9) 52/0=2(was 9)"
	if got := render(levels); got != want || missing != 0 {
		t.Fatalf("levels = %s (missing %d), want %s", got, missing, want)
	}
	if changed := slices.IndexFunc(levels, func(l shopLevel) bool { return !l.changed() }); changed >= 0 {
		t.Fatalf("level %+v reported unchanged", levels[changed])
	}
}

func TestLevelsSkipWhatTheShopNoLongerHas(t *testing.T) {
	p := shopProduct(60, 1, true, [4]int{601, 61, 1, 1})
	tmpl := templateStock{productID: 60, variants: []variantStock{
		variant(1, "60:601"),
		variant(1, "60:699"), // value no longer offered
		variant(1, "77:601"), // another product's value: a stale pair
		variant(1, "78"),     // variant product deleted
	}}
	levels, missing := tmpl.levels(shopOf(p), newHeldStock())
	if got := render(levels); got != "60/0=4(was 1) 60/61=1(was 1)" || missing != 3 {
		t.Fatalf("levels = %s, missing %d; want the product and its one offered value, 3 missing", got, missing)
	}
	if levels[1].changed() {
		t.Fatalf("value level %+v equals the shop and must not count as a change", levels[1])
	}
	if levels, missing := tmpl.levels(shopOf(), newHeldStock()); levels != nil || missing != 1 {
		t.Fatalf("deleted product: %v, missing %d", levels, missing)
	}
}

func TestParseVariantKey(t *testing.T) {
	for in, want := range map[string]string{"42:7,9": "{42 [7 9]}", "51": "{51 []}"} {
		k, err := parseVariantKey(in)
		if err != nil || fmt.Sprint(k) != want {
			t.Errorf("parseVariantKey(%q) = %v, %v; want %s", in, k, err, want)
		}
	}
	for _, bad := range []string{"", "x", "0", "42:", "42:7,x", "-3"} {
		if _, err := parseVariantKey(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("parseVariantKey(%q) error = %v, want one naming the pair", bad, err)
		}
	}
}

func TestQuantityRules(t *testing.T) {
	v := odoo.Record{"qty_available": 10.0, "free_qty": 7.0, "virtual_available": 5.0}
	for q, want := range map[StockQuantity]float64{QuantityOnHand: 10, QuantityForecast: 5, QuantityFree: 5} {
		if got := q.of(v); got != want {
			t.Errorf("%s of %v = %v, want %v", q, v, got, want)
		}
	}
	// Reserved stock: free is below the forecast and wins.
	v = odoo.Record{"qty_available": 10.0, "free_qty": 3.0, "virtual_available": 8.0}
	if got := QuantityFree.of(v); got != 3 {
		t.Errorf("free of %v = %v, want 3", v, got)
	}
	for _, q := range stockQuantities {
		for _, f := range q.odooFields() {
			if _, ok := v[f]; !ok {
				t.Errorf("%s reads %s, which the test record lacks", q, f)
			}
		}
	}
}
