package odoosim

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// convertIn turns a value received over XML-RPC into the stored form of a
// (non-x2many) field, failing the way Odoo's convert_to_cache does.
func (e *env) convertIn(f *field, v any) (any, error) {
	if b, ok := v.(bool); ok && !b && f.Type != tBoolean && f.Type != tInteger && f.Type != tFloat && f.Type != tMonetary {
		return nil, nil
	}
	switch f.Type {
	case tChar, tText, tHTML, tBinary:
		switch x := v.(type) {
		case nil:
			return nil, nil
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return pyFloatRepr(x), nil
		case bool:
			return "True", nil
		}
		return nil, e.wrongValue(f, v)
	case tSelection:
		s, ok := v.(string)
		if v == nil {
			return nil, nil
		}
		if ok {
			for _, o := range f.selectionFor(e.version()) {
				if o.Value == s {
					return s, nil
				}
			}
		}
		return nil, e.wrongValue(f, v)
	case tInteger:
		switch x := v.(type) {
		case nil:
			return int64(0), nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case int64:
			return x, nil
		case float64:
			return int64(math.Trunc(x)), nil
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, valueError("invalid literal for int() with base 10: %s", pyRepr(x))
			}
			return n, nil
		}
		return nil, e.wrongValue(f, v)
	case tFloat, tMonetary:
		switch x := v.(type) {
		case nil:
			return 0.0, nil
		case bool:
			if x {
				return 1.0, nil
			}
			return 0.0, nil
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		case string:
			n, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, valueError("could not convert string to float: %s", pyRepr(x))
			}
			return n, nil
		}
		return nil, e.wrongValue(f, v)
	case tBoolean:
		return truthy(v), nil
	case tDate:
		return convertDate(v, true)
	case tDatetime:
		return convertDate(v, false)
	case tMany2one:
		switch x := v.(type) {
		case nil:
			return nil, nil
		case int64:
			if x == 0 {
				return nil, nil
			}
			return x, nil
		}
		return nil, e.wrongValue(f, v)
	}
	return nil, e.wrongValue(f, v)
}

func (e *env) wrongValue(f *field, v any) error {
	return valueError("Wrong value for %s: %s", fieldRepr(f), pyValueRepr(v))
}

// convertDate parses Odoo's server formats. Like Odoo 13-18 it keeps the
// first 19 characters and applies strptime("%Y-%m-%d %H:%M:%S"), so a "T"
// separator is refused while a trailing offset or fraction is cut off
// silently; a bare date is midnight. Date fields keep the date part.
func convertDate(v any, dateOnly bool) (any, error) {
	var t time.Time
	switch x := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		t = x.UTC()
	case string:
		if x == "" {
			return nil, nil
		}
		var err error
		t, err = parseServerDate(x, dateOnly)
		if err != nil {
			return nil, err
		}
	default:
		return nil, valueError("%s is not a valid date", pyValueRepr(v))
	}
	if dateOnly {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	return t.Truncate(time.Microsecond), nil
}

func parseServerDate(s string, dateOnly bool) (time.Time, error) {
	if dateOnly || len(s) <= len(dateLayout) {
		d := s
		if len(d) > len(dateLayout) {
			d = d[:len(dateLayout)]
		}
		t, err := time.Parse(dateLayout, d)
		if err != nil {
			return t, valueError("time data %s does not match format '%%Y-%%m-%%d'", pyRepr(d))
		}
		return t, nil
	}
	d := s
	if len(d) > len(datetimeLayout) {
		d = d[:len(datetimeLayout)]
	}
	t, err := time.Parse(datetimeLayout, d)
	if err != nil {
		return t, valueError("time data %s does not match format '%%Y-%%m-%%d %%H:%%M:%%S'", pyRepr(d))
	}
	return t, nil
}

// asID reads an id argument (Python int) from XML-RPC input.
func asID(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) {
			return int64(x), true
		}
	}
	return 0, false
}

// asIDs reads "ids" as Odoo's browse() accepts them: an int or a list of ints.
func asIDs(v any) ([]int64, error) {
	return asList(v, func(x any) (int64, bool) {
		if _, isFloat := x.(float64); isFloat {
			return 0, false
		}
		return asID(x)
	}, func(item any) error {
		return typeError("unhashable type: %s", pyTypeName(item))
	})
}

// asList reads a Python argument that is False/None (empty), one value, or
// a list of values.
func asList[T any](v any, conv func(any) (T, bool), bad func(item any) error) ([]T, error) {
	if !truthy(v) {
		if _, isList := v.([]any); isList || v == nil || v == false {
			return nil, nil
		}
	}
	if one, ok := conv(v); ok {
		return []T{one}, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, bad(v)
	}
	out := make([]T, 0, len(list))
	for _, item := range list {
		x, ok := conv(item)
		if !ok {
			return nil, bad(item)
		}
		out = append(out, x)
	}
	return out, nil
}

func pyTypeName(v any) string {
	switch v.(type) {
	case []any:
		return "'list'"
	case map[string]any:
		return "'dict'"
	case string:
		return "'str'"
	}
	return "'object'"
}
