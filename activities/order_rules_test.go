package activities

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Rules of order sync that need no server.

func TestOrderSettingsParseAndNameTheBadVariable(t *testing.T) {
	env := map[string]string{
		"ORDER_STATUS_MAP":      "2=deliver+confirm, 7=cancel",
		"ODOO_STATUS_MAP":       "shipped=3",
		"ORDER_MISSING_MAPPING": "tax=create,carrier=map",
		"ORDER_TOTAL_TOLERANCE": "0.05",
		"ORDER_POLL_INTERVAL":   "10s",
	}
	s, err := LoadOrderSettings(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	// Actions run in their natural order whatever order the setting lists them in.
	if got := s.Actions(2); !slices.Equal(got, []OrderAction{ActionConfirm, ActionDeliver}) {
		t.Fatalf("actions of 2: %v", got)
	}
	if s.Actions(1) != nil || s.WriteBack[MilestoneShipped] != 3 || s.WriteBack[MilestonePaid] != 0 {
		t.Fatalf("maps %v %v", s.StatusActions, s.WriteBack)
	}
	if s.Policy(mapping.KindTax) != PolicyCreate || s.Policy(mapping.KindCarrier) != PolicyMap || s.Policy(mapping.KindCurrency) != PolicyMap {
		t.Fatalf("policies %v", s.Policies)
	}
	if s.TotalTolerance != 0.05 || s.PollInterval.Seconds() != 10 || s.PollStart != "latest" {
		t.Fatalf("settings %+v", s)
	}

	bad := map[string]string{
		"ORDER_STATUS_MAP":      "1=ship",
		"ODOO_STATUS_MAP":       "delivered=3",
		"ORDER_MISSING_MAPPING": "tax=ask",
		"ORDER_TOTAL_TOLERANCE": "-1",
		"ORDER_POLL_INTERVAL":   "soon",
		"ORDER_POLL_START":      "yesterday",
	}
	_, err = LoadOrderSettings(func(k string) (string, bool) { v, ok := bad[k]; return v, ok })
	if err == nil {
		t.Fatal("bad settings accepted")
	}
	for name := range bad {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestDefaultOrderSettingsConfirmPendingOrders(t *testing.T) {
	s := DefaultOrderSettings()
	if !slices.Equal(s.Actions(1), []OrderAction{ActionConfirm}) || s.Policy(mapping.KindTax) != PolicyMap || s.TotalTolerance != 0.01 {
		t.Fatalf("defaults %+v", s)
	}
}

func TestLineVariantKeysFollowTheCatalogSync(t *testing.T) {
	cases := []struct {
		line opencart.OrderLine
		key  string
	}{
		{opencart.OrderLine{ProductID: 30}, ""},
		{opencart.OrderLine{ProductID: 31, MasterID: 30}, "31"}, // a 4.x variant product: its own id
		{opencart.OrderLine{ProductID: 42, Options: []opencart.OrderOption{
			{ProductOptionValueID: 7, Type: "select"}, {ProductOptionValueID: 3, Type: "radio"},
			{ProductOptionValueID: 9, Type: "checkbox"}, {Type: "text", Value: "engraving"}}}, "42:3,7"},
	}
	for _, c := range cases {
		if got := lineVariantKey(c.line); got != c.key {
			t.Errorf("line %+v: key %q, want %q", c.line, got, c.key)
		}
	}
}

func TestDiscountIsSplitOverThePercentTaxSets(t *testing.T) {
	vat := opencart.AppliedTax{TaxRate: opencart.TaxRate{ID: 1, Type: "P", Rate: 20}}
	reduced := opencart.AppliedTax{TaxRate: opencart.TaxRate{ID: 2, Type: "P", Rate: 5}}
	eco := opencart.AppliedTax{TaxRate: opencart.TaxRate{ID: 3, Type: "F", Rate: 2}}
	b := &orderBuilder{
		o: &opencart.Order{Lines: []opencart.OrderLine{{Total: 300}, {Total: 100}, {Total: 100}}},
		taxes: &orderTaxes{
			lines: [][]opencart.AppliedTax{{vat, eco}, {reduced}, {vat}},
			odoo:  map[int]int64{1: 11, 2: 12, 3: 13},
		},
		rate: 1,
	}
	b.discountLines(99, opencart.OrderTotal{Title: "Coupon", Value: -10})
	if len(b.draft.Lines) != 2 {
		t.Fatalf("lines %+v, want one per percent tax set", b.draft.Lines)
	}
	vatShare, reducedShare := b.draft.Lines[0], b.draft.Lines[1]
	// The fixed eco tax is not reduced by a coupon (as in OpenCart): the first share carries VAT only.
	if !slices.Equal(vatShare.TaxIDs, []int64{11}) || vatShare.PriceUnit != -8 {
		t.Errorf("VAT share %+v, want -8.00 with tax 11", vatShare)
	}
	if !slices.Equal(reducedShare.TaxIDs, []int64{12}) || reducedShare.PriceUnit != -2 {
		t.Errorf("reduced share %+v, want -2.00 with tax 12", reducedShare)
	}
}

func TestOdooTaxesMatchOnAmountTypeAndPriceInclude(t *testing.T) {
	taxes := []odoo.Record{
		{"id": int64(1), "amount": 20.0, "amount_type": "percent", "price_include": false},
		{"id": int64(2), "amount": 20.0, "amount_type": "percent", "price_include": true},
		{"id": int64(3), "amount": 2.0, "amount_type": "fixed", "price_include": false},
		{"id": int64(4), "amount": 19.0, "amount_type": "percent", "price_include": false},
	}
	if got := matchingTaxes(taxes, opencart.TaxRate{Type: "P", Rate: 20}); !slices.Equal(got, []int64{1}) {
		t.Errorf("20%%: %v", got)
	}
	if got := matchingTaxes(taxes, opencart.TaxRate{Type: "F", Rate: 2}); !slices.Equal(got, []int64{3}) {
		t.Errorf("2.00 fixed: %v", got)
	}
	if got := matchingTaxes(taxes, opencart.TaxRate{Type: "P", Rate: 2}); len(got) != 0 {
		t.Errorf("2%%: %v", got)
	}
}

func TestTotalsCheckHonoursTheTolerance(t *testing.T) {
	so := SaleOrderRef{Name: "S00001", AmountTotal: 363.21, AmountTax: 67.2}
	if p := CheckTotals(1, so, 363.2, 67.2, 0.01); p != nil {
		t.Fatalf("a cent within tolerance was flagged: %v", p)
	}
	p := CheckTotals(1, so, 363.2, 67.2, 0.005)
	if p == nil || p.Field != "amount_total" || !strings.Contains(p.Reason, "363.21") || !strings.Contains(p.Fix, "S00001") {
		t.Fatalf("problem %+v", p)
	}
}

func TestExpectedTotalsAreInTheOrdersCurrency(t *testing.T) {
	o := &opencart.Order{CurrencyValue: 0.5, Totals: []opencart.OrderTotal{{Code: "total", Value: 363.2}},
		Taxes: []opencart.OrderTax{{Amount: 59.2}, {Amount: 8}}}
	total, tax := expectedTotals(o)
	if math.Abs(total-181.6) > 1e-9 || math.Abs(tax-33.6) > 1e-9 {
		t.Fatalf("total %v tax %v", total, tax)
	}
}

func TestJournalCodesAreShort(t *testing.T) {
	for code, want := range map[string]string{"cod": "OCCOD", "bank_transfer.bank_transfer": "OCBAN", "pp": "OCPP"} {
		if got := journalCode(code); got != want {
			t.Errorf("%s: %s, want %s", code, got, want)
		}
	}
}

// Every milestone the status write-back knows has its id in order_status pairs.
func TestMilestonesHaveMappingIDs(t *testing.T) {
	for _, m := range milestones {
		if mapping.MilestoneID(string(m)) == 0 {
			t.Errorf("milestone %q has no id in mapping.OrderMilestones", m)
		}
	}
}
