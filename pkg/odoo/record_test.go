package odoo

import (
	"reflect"
	"testing"
	"time"
)

func TestRecordGetters(t *testing.T) {
	r := Record{
		"id":            int64(7),
		"name":          "Chair",
		"description":   false,
		"list_price":    12.5,
		"qty":           int64(3),
		"sale_ok":       true,
		"categ_id":      []any{int64(4), "All / Saleable"},
		"uom_id":        false,
		"taxes_id":      []any{int64(1), int64(2)},
		"tag_ids":       false,
		"write_date":    "2024-01-31 10:00:05",
		"date_order":    "2024-02-29",
		"bad_date":      "2024-01-31T10:00:00Z",
		"float_integer": float64(9),
	}
	if r.ID() != 7 || r.String("name") != "Chair" || r.String("description") != "" || r.String("missing") != "" {
		t.Error("id/string getters wrong")
	}
	if r.Float("list_price") != 12.5 || r.Float("qty") != 3 || r.Float("description") != 0 {
		t.Error("Float getter wrong")
	}
	if r.Int("qty") != 3 || r.Int("categ_id") != 4 || r.Int("float_integer") != 9 || r.Int("list_price") != 0 || r.Int("uom_id") != 0 {
		t.Error("Int getter wrong")
	}
	if !r.Bool("sale_ok") || r.Bool("description") || r.Bool("name") {
		t.Error("Bool getter wrong")
	}
	if id, name, ok := r.Many2One("categ_id"); !ok || id != 4 || name != "All / Saleable" {
		t.Errorf("Many2One = %d %q %v", id, name, ok)
	}
	if _, _, ok := r.Many2One("uom_id"); ok {
		t.Error("false many2one must read as empty")
	}
	if got := r.IDs("taxes_id"); !reflect.DeepEqual(got, []int64{1, 2}) {
		t.Errorf("IDs = %v", got)
	}
	if got := r.IDs("tag_ids"); len(got) != 0 {
		t.Errorf("false x2many = %v", got)
	}
	if ts, ok := r.Time("write_date"); !ok || !ts.Equal(time.Date(2024, 1, 31, 10, 0, 5, 0, time.UTC)) {
		t.Errorf("Time(datetime) = %v %v", ts, ok)
	}
	if ts, ok := r.Time("date_order"); !ok || !ts.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time(date) = %v %v", ts, ok)
	}
	for _, f := range []string{"bad_date", "description", "missing"} {
		if _, ok := r.Time(f); ok {
			t.Errorf("Time(%s) should not parse", f)
		}
	}
}

func TestFormatDatetimeIsNaiveUTC(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	if got := FormatDatetime(time.Date(2024, 1, 31, 11, 0, 0, 0, berlin)); got != "2024-01-31 10:00:00" {
		t.Fatalf("FormatDatetime = %q", got)
	}
}

func TestAsIDsRejectsNonIDs(t *testing.T) {
	if _, err := asIDs([]any{int64(1), "two"}); err == nil {
		t.Error("a string element must be refused")
	}
	if _, err := asIDs(true); err == nil {
		t.Error("true is not an id list")
	}
	if _, err := asRecords([]any{int64(1)}); err == nil {
		t.Error("a list of ints is not a list of records")
	}
}
