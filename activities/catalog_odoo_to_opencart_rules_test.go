package activities

import (
	"slices"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

func tax(amountType string, amount float64, included bool) odoo.Record {
	return odoo.Record{"id": int64(1), "name": "t", "amount_type": amountType, "amount": amount, "price_include": included}
}

// The price rule: OpenCart stores prices without tax; Odoo prices include only price-included taxes.
func TestOpenCartPriceDividesOutIncludedTaxes(t *testing.T) {
	cases := []struct {
		name         string
		taxes        []odoo.Record
		price, extra float64
		want, delta  float64
	}{
		{"no taxes", nil, 119, 10, 119, 10},
		{"excluded 19 %", []odoo.Record{tax("percent", 19, false)}, 119, 10, 119, 10},
		{"included 19 %", []odoo.Record{tax("percent", 19, true)}, 119, 11.9, 100, 10},
		{"included 19 % + 7 %", []odoo.Record{tax("percent", 19, true), tax("percent", 7, true)}, 126, 12.6, 100, 10},
		{"included fixed 2 + 19 %", []odoo.Record{tax("fixed", 2, true), tax("percent", 19, true)}, 121, 11.9, 100, 10},
		{"included division 20 %", []odoo.Record{tax("division", 20, true)}, 125, 12.5, 100, 10},
		{"rounded to 4 decimals", []odoo.Record{tax("percent", 19, true)}, 10, 1, 8.4034, 0.8403},
		{"group taxes are not looked into", []odoo.Record{tax("group", 19, true)}, 119, 10, 119, 10},
	}
	for _, c := range cases {
		incl := includedTaxOf(c.taxes)
		if got := incl.price(c.price); got != c.want {
			t.Errorf("%s: price(%v) = %v, want %v", c.name, c.price, got, c.want)
		}
		if got := incl.delta(c.extra); got != c.delta {
			t.Errorf("%s: delta(%v) = %v, want %v", c.name, c.extra, got, c.delta)
		}
	}
}

func TestBarcodesGoToUPCOrEAN(t *testing.T) {
	s := &productSync{notes: map[string]int{}}
	cases := map[string]opencart.ProductCodes{
		"":               {SKU: "X"},
		"036000291452":   {SKU: "X", UPC: "036000291452"},
		"4006381333931":  {SKU: "X", EAN: "4006381333931"},
		"96385074":       {SKU: "X", EAN: "96385074"},
		"10614141000415": {SKU: "X", EAN: "10614141000415"},
		"ABC-123":        {SKU: "X"},
		"12345":          {SKU: "X"},
	}
	for barcode, want := range cases {
		if got := s.codes("X", barcode); got != want {
			t.Errorf("barcode %q: %+v, want %+v", barcode, got, want)
		}
	}
	if len(s.notes) != 2 {
		t.Errorf("unusable barcodes noted %d times, want 2: %v", len(s.notes), s.notes)
	}
}

func TestMatchNameIgnoresCaseAndSpacing(t *testing.T) {
	if matchName("  Red   Wine ") != matchName("red wine") || matchName("Red") == matchName("Rot") {
		t.Fatal("matchName must compare names case- and space-insensitively, and nothing more")
	}
}

// Fingerprints ignore what the shop does not keep: order of lists, digits beyond its decimals.
func TestOpenCartProductFingerprintIsStable(t *testing.T) {
	a := opencart.Product{Model: "M", Price: 10.00001, Categories: []int{3, 1},
		Options: []opencart.ProductOption{{OptionID: 2, Values: []opencart.ProductOptionValue{{OptionValueID: 5}, {OptionValueID: 4}}}, {OptionID: 1}}}
	b := opencart.Product{Model: "M", Price: 10, Categories: []int{1, 3},
		Options: []opencart.ProductOption{{OptionID: 1}, {OptionID: 2, Values: []opencart.ProductOptionValue{{OptionValueID: 4}, {OptionValueID: 5}}}}}
	if openCartProductFingerprint(a) != openCartProductFingerprint(b) {
		t.Fatal("same content, different fingerprints")
	}
	b.Price = 10.01
	if openCartProductFingerprint(a) == openCartProductFingerprint(b) {
		t.Fatal("a price change keeps the fingerprint")
	}
}

// A model asked for twice is still one candidate per product (twice would look ambiguous).
func TestShopModelsFindsEachProductOnce(t *testing.T) {
	x := &shopModels{built: true, byModel: map[string]map[int]bool{}, modelOf: map[int]string{}, ours: map[int]time.Time{}}
	x.set(7, "SKU-1")
	x.set(8, "other")
	x.set(8, "sku-1 ") // renamed: the index follows
	found := x.lookup([]string{"SKU-1", "sku-1", "other"})
	slices.Sort(found["sku-1"])
	if !slices.Equal(found["sku-1"], []int{7, 8}) || len(found["other"]) != 0 {
		t.Fatalf("index: %v", found)
	}
}
