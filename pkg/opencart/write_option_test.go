package opencart

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// sizeOption creates a select option with values S, M, L for a test.
func sizeOption(t *testing.T, db *DB, name string) Option {
	t.Helper()
	lang := db.DefaultLanguageID()
	o, err := db.UpsertOption(context.Background(), Option{
		Type: "select", SortOrder: 7, Names: map[int]string{lang: name},
		Values: []OptionValue{
			{Names: map[int]string{lang: "S"}, SortOrder: 1},
			{Names: map[int]string{lang: "M & L"}, SortOrder: 2},
			{Names: map[int]string{lang: `XL "🎽"`}, SortOrder: 3},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func testOptionRoundTrip(t *testing.T, db *DB) {
	ctx := context.Background()
	lang := db.DefaultLanguageID()
	o := sizeOption(t, db, nasty)
	if o.ID == 0 || o.Values[0].ID == 0 || o.Values[1].ID == o.Values[0].ID {
		t.Fatalf("UpsertOption returned ids %d / %+v; want new ids", o.ID, o.Values)
	}
	wantRows(t, db, [][]string{{"select", "7"}}, "SELECT type, sort_order FROM oc_option WHERE option_id = ?", o.ID)
	if got := plainText(queryValue(t, db, "SELECT name FROM oc_option_description WHERE option_id = ?", o.ID)); got != nasty {
		t.Errorf("option name = %q, want %q", got, nasty)
	}
	got := plain(queryRows(t, db, "SELECT ov.option_value_id, ovd.name, ov.sort_order FROM oc_option_value ov JOIN oc_option_value_description ovd USING (option_value_id) WHERE ov.option_id = ? ORDER BY ov.sort_order", o.ID), 1)
	want := [][]string{{itoa(o.Values[0].ID), "S", "1"}, {itoa(o.Values[1].ID), "M & L", "2"}, {itoa(o.Values[2].ID), `XL "🎽"`, "3"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("option values = %q, want %q", got, want)
	}

	// Update in place: rename, drop S, rename M & L, add XXL. Kept values keep their ids.
	s, m, xl := o.Values[0].ID, o.Values[1].ID, o.Values[2].ID
	o.Names = map[int]string{lang: "Size"}
	o.Values = []OptionValue{
		{ID: m, Names: map[int]string{lang: "M"}, SortOrder: 2},
		{ID: xl, Names: map[int]string{lang: "XL"}, SortOrder: 3},
		{Names: map[int]string{lang: "XXL"}, SortOrder: 4},
	}
	o, err := db.UpsertOption(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, db, [][]string{{itoa(m), "M"}, {itoa(xl), "XL"}, {itoa(o.Values[2].ID), "XXL"}},
		"SELECT ov.option_value_id, ovd.name FROM oc_option_value ov JOIN oc_option_value_description ovd USING (option_value_id) WHERE ov.option_id = ? ORDER BY ov.sort_order", o.ID)
	wantRows(t, db, [][]string{{"0"}}, "SELECT COUNT(*) FROM oc_option_value_description WHERE option_value_id = ?", s)
	wantRows(t, db, [][]string{{"Size"}}, "SELECT name FROM oc_option_description WHERE option_id = ?", o.ID)

	// A value a product offers cannot be dropped; nothing is written.
	_, err = db.UpsertProducts(ctx, []Product{{Model: "opt-user", Status: true,
		Descriptions: map[int]ProductDescription{lang: {Name: "Uses XL"}},
		Options:      []ProductOption{{OptionID: o.ID, Values: []ProductOptionValue{{OptionValueID: xl, Quantity: 1}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	dropXL := o
	dropXL.SortOrder = 99
	dropXL.Values = []OptionValue{o.Values[0], o.Values[2]}
	if _, err := db.UpsertOption(ctx, dropXL); err == nil || !strings.Contains(err.Error(), "still offer") {
		t.Errorf("dropping a value a product offers: err = %v, want a refusal naming the products", err)
	}
	wantRows(t, db, [][]string{{"7", "3"}}, "SELECT o.sort_order, COUNT(*) FROM oc_option o JOIN oc_option_value ov USING (option_id) WHERE o.option_id = ? GROUP BY o.option_id", o.ID)

	if _, err := db.UpsertOption(ctx, Option{Type: "text", Names: map[int]string{lang: "Engraving"}}); err == nil {
		t.Errorf("UpsertOption accepted a text option; only choice lists are written")
	}
}
