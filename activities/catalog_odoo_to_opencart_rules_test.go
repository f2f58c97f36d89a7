package activities

import (
	"testing"

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

// Content ignores what the shop does not keep: the order of lists, digits beyond its decimals, texts in
// other languages, options that are no choice, stock.
func TestShopProductContentIsNormalised(t *testing.T) {
	r := newRefs()
	rules := contentRules{lang: 1}
	keys := func(types ...string) []opencart.ProductOptionKeys {
		var out []opencart.ProductOptionKeys
		for i, typ := range types {
			out = append(out, opencart.ProductOptionKeys{ProductOptionID: i + 1, Type: typ, ValueIDs: []int{10 * (i + 1), 10*(i+1) + 1}})
		}
		return out
	}
	a := opencart.ProductRecord{Product: opencart.Product{Model: "M", Price: 10.00001, Categories: []int{3, 1}, Quantity: 5,
		Descriptions: map[int]opencart.ProductDescription{1: {Name: "Lamp"}, 2: {Name: "Lampe"}},
		Options:      []opencart.ProductOption{{OptionID: 2, Values: []opencart.ProductOptionValue{{OptionValueID: 5}, {OptionValueID: 4}}}, {OptionID: 1, Value: "engraving"}}},
		OptionKeys: keys("checkbox", "text")}
	b := opencart.ProductRecord{Product: opencart.Product{Model: "M", Price: 10, Categories: []int{1, 3}, Quantity: 7,
		Descriptions: map[int]opencart.ProductDescription{1: {Name: "Lamp"}, 2: {Name: "Lampe (de)"}},
		Options:      []opencart.ProductOption{{OptionID: 2, Values: []opencart.ProductOptionValue{{OptionValueID: 4}, {OptionValueID: 5}}}}},
		OptionKeys: keys("checkbox")}
	fp := func(p opencart.ProductRecord) string { return rules.fingerprint(shopProductContent(p, nil, r, rules)) }
	if fp(a) != fp(b) {
		t.Fatalf("same content, different fingerprints:\n%+v\n%+v", shopProductContent(a, nil, r, rules), shopProductContent(b, nil, r, rules))
	}
	b.Price = 10.01
	if fp(a) == fp(b) {
		t.Fatal("a price change keeps the fingerprint")
	}
}

// The fingerprints of other schemes (earlier versions, other settings) are told apart.
func TestFingerprintSchemes(t *testing.T) {
	plain, tagged := contentFingerprint("x"), schemeFingerprint("vi", "x")
	old := "c1a2b3c4d5e6f708192a3b4c5d6e7f80" // a 32-hex-digit digest of an earlier version, starting like the scheme
	switch {
	case !isContentFingerprint(plain) || !isContentFingerprint(tagged) || isContentFingerprint(old):
		t.Errorf("content fingerprints %q %q, old %q: recognised %v %v %v", plain, tagged, old,
			isContentFingerprint(plain), isContentFingerprint(tagged), isContentFingerprint(old))
	case !sameScheme(plain, contentFingerprint("y")) || sameScheme(plain, tagged) || sameScheme(old, old):
		t.Error("sameScheme must tell schemes apart, and never match an old digest")
	}
}
