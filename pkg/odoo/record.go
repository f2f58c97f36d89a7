package odoo

import (
	"fmt"
	"math"
	"time"
)

// Record is one row as Odoo returns it from read/search_read, decoded generically.
// Odoo sends false for every empty field whatever its type, so each getter treats false
// (and a missing key) as the zero value.
type Record map[string]any

// Values is a field→value map for create and write. Send false to clear a field, never nil
// (kolo encodes nil as the empty string).
type Values map[string]any

// Context is the Odoo context passed in kwargs (lang, active_test, active_ids...).
type Context map[string]any

// Domain is an Odoo search domain in prefix notation, e.g.
// Domain{"|", Leaf("default_code", "=", "A"), Leaf("barcode", "=", "A")}.
type Domain []any

// Leaf builds one domain condition.
func Leaf(field, operator string, value any) []any {
	return []any{field, operator, value}
}

// ID is the record id ("id" is always returned by read and search_read).
func (r Record) ID() int64 { return r.Int("id") }

// Int reads an integer field (or the id of a many2one).
func (r Record) Int(field string) int64 {
	if id, _, ok := r.Many2One(field); ok {
		return id
	}
	n, _ := asInt(r[field])
	return n
}

// Float reads a float/monetary field; integers are widened.
func (r Record) Float(field string) float64 {
	switch v := r[field].(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	case int:
		return float64(v)
	}
	return 0
}

// String reads a char/text/selection/date field; false reads as "".
func (r Record) String(field string) string {
	s, _ := r[field].(string)
	return s
}

// Bool reads a boolean field.
func (r Record) Bool(field string) bool {
	b, _ := r[field].(bool)
	return b
}

// Many2One reads a many2one sent as [id, "display name"] (or false when empty). A bare id,
// as some methods return, is accepted with an empty name.
func (r Record) Many2One(field string) (id int64, name string, ok bool) {
	switch v := r[field].(type) {
	case []any:
		if len(v) == 0 {
			return 0, "", false
		}
		id, ok = asInt(v[0])
		if len(v) > 1 {
			name, _ = v[1].(string)
		}
		return id, name, ok
	case int64, int:
		id, ok = asInt(v)
		return id, "", ok
	}
	return 0, "", false
}

// IDs reads a one2many/many2many field (a list of ids).
func (r Record) IDs(field string) []int64 {
	ids, _ := asIDs(r[field])
	return ids
}

// Time reads a datetime ("YYYY-MM-DD HH:MM:SS") or date ("YYYY-MM-DD") field. Odoo stores
// datetimes as naive UTC, so the result is in UTC. ok is false for empty or unparsable values.
func (r Record) Time(field string) (t time.Time, ok bool) {
	s, isText := r[field].(string)
	if !isText {
		return time.Time{}, false
	}
	for _, layout := range []string{datetimeLayout, dateLayout} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

const (
	datetimeLayout = "2006-01-02 15:04:05"
	dateLayout     = "2006-01-02"
)

// FormatDatetime renders t the way Odoo 13–18 accept datetimes: naive UTC, no "T", no zone.
func FormatDatetime(t time.Time) string { return t.UTC().Format(datetimeLayout) }

// FormatDate renders the calendar date of t in t's own location.
func FormatDate(t time.Time) string { return t.Format(dateLayout) }

// asInt accepts the integer shapes kolo produces (int64) and integral floats.
func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	}
	return 0, false
}

// asIDs converts a decoded array of ids; false (empty x2many) is an empty list.
func asIDs(v any) ([]int64, error) {
	switch list := v.(type) {
	case []any:
		ids := make([]int64, len(list))
		for i, item := range list {
			id, ok := asInt(item)
			if !ok {
				return nil, fmt.Errorf("expected a list of ids, element %d is %T %v", i, item, item)
			}
			ids[i] = id
		}
		return ids, nil
	case bool:
		if !list {
			return nil, nil
		}
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("expected a list of ids, got %T %v", v, v)
}

// asRecords converts a decoded list of structs.
func asRecords(v any) ([]Record, error) {
	list, ok := v.([]any)
	if !ok {
		if v == false || v == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("expected a list of records, got %T", v)
	}
	records := make([]Record, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("expected a record, element %d is %T", i, item)
		}
		records[i] = m
	}
	return records, nil
}

// x2many command triples, for one2many/many2many values in create and write.

// CmdCreate adds a new linked record: (0, 0, values).
func CmdCreate(values Values) []any { return []any{0, 0, values} }

// CmdUpdate writes values on a linked record: (1, id, values).
func CmdUpdate(id int64, values Values) []any { return []any{1, id, values} }

// CmdDelete removes a linked record and deletes it: (2, id, 0).
func CmdDelete(id int64) []any { return []any{2, id, 0} }

// CmdUnlink removes a link but keeps the record: (3, id, 0).
func CmdUnlink(id int64) []any { return []any{3, id, 0} }

// CmdLink adds a link to an existing record: (4, id, 0).
func CmdLink(id int64) []any { return []any{4, id, 0} }

// CmdClear removes all links: (5, 0, 0).
func CmdClear() []any { return []any{5, 0, 0} }

// CmdSet replaces all links with ids: (6, 0, ids).
func CmdSet(ids ...int64) []any {
	if ids == nil {
		ids = []int64{}
	}
	return []any{6, 0, ids}
}
