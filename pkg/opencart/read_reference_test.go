package opencart

import (
	"context"
	"math"
	"reflect"
	"testing"
)

func checkDemoSettings(t *testing.T, db *DB, _ string) {
	ctx := context.Background()
	for key, want := range map[string]string{"config_currency": "USD", "config_tax": "1", "config_stock_checkout": "0", "config_customer_group_id": "1"} {
		got, found, err := db.Setting(ctx, 0, key)
		if err != nil || !found || got != want {
			t.Errorf("Setting(0, %s) = %q, %v, %v; want %q", key, got, found, err, want)
		}
	}
	// Store 1 has no settings of its own: OpenCart falls back to store 0's.
	if got, found, _ := db.Setting(ctx, 1, "config_currency"); !found || got != "USD" {
		t.Errorf("Setting(1, config_currency) = %q, %v; want store 0's USD", got, found)
	}
	if _, found, err := db.Setting(ctx, 0, "config_no_such_key"); found || err != nil {
		t.Errorf("Setting(missing) found = %v, err = %v; want not found, no error", found, err)
	}
	var processing []string
	if found, err := db.SettingJSON(ctx, 0, "config_processing_status", &processing); err != nil || !found ||
		!reflect.DeepEqual(processing, []string{"5", "1", "2", "12", "3"}) {
		t.Errorf("config_processing_status = %v, %v, %v", processing, found, err)
	}
}

func checkDemoStatusesAndCurrencies(t *testing.T, db *DB, _ string) {
	ctx := context.Background()
	statuses, err := db.OrderStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(statuses) != 14 || statuses[0] != (OrderStatus{ID: 1, Name: "Pending"}) {
		t.Errorf("order statuses = %+v, want the 14 defaults starting with 1 Pending", statuses)
	}
	currencies, err := db.Currencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]Currency{}
	for _, c := range currencies {
		byCode[c.Code] = c
	}
	usd, eur := byCode["USD"], byCode["EUR"]
	if usd.Value != 1 || !usd.Enabled || usd.SymbolLeft != "$" || usd.DecimalPlace != 2 || eur.SymbolRight != "€" || math.Abs(eur.Value-0.7846) > 1e-6 {
		t.Errorf("USD = %+v, EUR = %+v", usd, eur)
	}
}

func checkDemoExtensions(t *testing.T, db *DB, _ string) {
	ctx := context.Background()
	pkg := "opencart"
	if db.Flavour() == V30 {
		pkg = ""
	}
	for typ, code := range map[string]string{"payment": "cod", "shipping": "flat"} {
		exts, err := db.Extensions(ctx, typ)
		if err != nil {
			t.Fatal(err)
		}
		if got := findExtension(exts, code); got != (Extension{Type: typ, Code: code, Package: pkg, Enabled: true, SortOrder: got.SortOrder}) {
			t.Errorf("%s extensions = %+v, want %s installed and enabled", typ, exts, code)
		}
	}
	if _, err := db.conn.Exec("UPDATE oc_setting SET value = '0' WHERE `key` = 'payment_cod_status'"); err != nil {
		t.Fatal(err)
	}
	exts, err := db.Extensions(ctx, "payment")
	if cod := findExtension(exts, "cod"); err != nil || cod.Code != "cod" || cod.Enabled || cod.SortOrder != 5 {
		t.Errorf("after disabling cod: %+v, %v; want cod (sort order 5) listed as disabled", exts, err)
	}
}

func findExtension(exts []Extension, code string) Extension {
	for _, e := range exts {
		if e.Code == code {
			return e
		}
	}
	return Extension{}
}

func checkDemoTax(t *testing.T, db *DB, _ string) {
	ctx := context.Background()
	classes, err := db.TaxClasses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(classes) != 2 || classes[0] != (TaxClass{ID: 9, Title: "Taxable Goods", Description: "Taxed goods"}) {
		t.Errorf("tax classes = %+v", classes)
	}
	rates, err := db.TaxRates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantRates := []TaxRate{
		{ID: 86, GeoZoneID: 3, Name: "VAT (20%)", Rate: 20, Type: "P", CustomerGroupIDs: []int{1}},
		{ID: 87, GeoZoneID: 3, Name: "Eco Tax (-2.00)", Rate: 2, Type: "F", CustomerGroupIDs: []int{1}},
	}
	if !reflect.DeepEqual(rates, wantRates) {
		t.Errorf("tax rates = %+v\nwant %+v", rates, wantRates)
	}
	rules, err := db.TaxRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 4 || rules[0] != (TaxRule{ID: 128, TaxClassID: 9, TaxRateID: 86, Based: "shipping", Priority: 1}) {
		t.Errorf("tax rules = %+v", rules)
	}

	uk, us := &Location{CountryID: countryUK, ZoneID: zoneLancs}, &Location{CountryID: countryUS}
	cases := []struct {
		name      string
		class     int
		tc        TaxContext
		wantRates []int
		tax100    float64
	}{
		{"taxable goods shipped to the UK", 9, TaxContext{CustomerGroupID: 1, Shipping: uk}, []int{86, 87}, 22},
		{"taxable goods shipped to the US", 9, TaxContext{CustomerGroupID: 1, Shipping: us, Payment: uk}, nil, 0},
		{"downloads paid from the UK, UK store", 10, TaxContext{CustomerGroupID: 1, Payment: uk, Store: uk}, []int{87, 86}, 22},
		{"UK, customer group without rates", 9, TaxContext{CustomerGroupID: 2, Shipping: uk}, nil, 0},
		{"zone outside the geo zone", 9, TaxContext{CustomerGroupID: 1, Shipping: &Location{CountryID: countryUK, ZoneID: 1}}, nil, 0},
	}
	for _, c := range cases {
		got, err := db.TaxFor(ctx, c.class, c.tc)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		if !reflect.DeepEqual(ids, c.wantRates) || math.Abs(TaxAmount(got, 100)-c.tax100) > 1e-9 {
			t.Errorf("%s: rates %v, tax on 100 = %v; want %v and %v", c.name, ids, TaxAmount(got, 100), c.wantRates, c.tax100)
		}
	}
}
