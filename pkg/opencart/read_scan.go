package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// OpenCart 4.1 made almost every column nullable, and 3.0/4.0 write '' into
// numeric columns under non-strict mode. These scan targets read NULL (and
// '' for numbers) as the zero value, so one query serves every flavour.

type nullableScanner func(src any) error

func (set nullableScanner) Scan(src any) error {
	if src == nil {
		return nil
	}
	return set(src)
}

// str scans a possibly NULL text column into *dst ("" for NULL).
func str(dst *string) sql.Scanner {
	*dst = ""
	return nullableScanner(func(src any) error {
		*dst = textOf(src)
		return nil
	})
}

// text scans a possibly NULL column holding OpenCart-escaped text (names,
// descriptions, addresses) into its plain value.
func text(dst *string) sql.Scanner {
	*dst = ""
	return nullableScanner(func(src any) error {
		*dst = plainText(textOf(src))
		return nil
	})
}

// integer scans a possibly NULL integer column into *dst (0 for NULL).
func integer(dst *int) sql.Scanner {
	return number(dst, func(s string) (int, error) {
		n, err := strconv.ParseInt(s, 10, 64)
		return int(n), err
	})
}

// boolean scans a possibly NULL tinyint(1) column into *dst.
func boolean(dst *bool) sql.Scanner {
	*dst = false
	var n int
	inner := integer(&n)
	return nullableScanner(func(src any) error {
		err := inner.Scan(src)
		*dst = n != 0
		return err
	})
}

// decimal scans a possibly NULL DECIMAL/DOUBLE column into *dst (0 for NULL).
func decimal(dst *float64) sql.Scanner {
	return number(dst, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
}

// number scans a numeric column that the driver may deliver as a native
// number or as text; NULL and the empty string leave *dst zero.
func number[T int | float64](dst *T, parse func(string) (T, error)) sql.Scanner {
	*dst = 0
	return nullableScanner(func(src any) error {
		switch v := src.(type) {
		case int64:
			*dst = T(v)
		case float64:
			*dst = T(v)
		case float32:
			*dst = T(v)
		default:
			s := textOf(v)
			if s == "" {
				return nil
			}
			n, err := parse(s)
			if err != nil {
				return fmt.Errorf("not a number: %q", s)
			}
			*dst = n
		}
		return nil
	})
}

// timestamp scans a possibly NULL or zero DATE/DATETIME into *dst; both
// become the zero time.Time ("no date" in OpenCart).
func timestamp(dst *time.Time) sql.Scanner {
	*dst = time.Time{}
	return nullableScanner(func(src any) error {
		v, ok := src.(time.Time)
		if !ok {
			return fmt.Errorf("not a date: %v (the connection needs parseTime=true)", src)
		}
		*dst = v
		return nil
	})
}

func textOf(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	}
	return fmt.Sprint(v)
}

// eachRow runs a query and calls scan once per row.
func eachRow(ctx context.Context, q queryer, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := scan(rows); err != nil {
			rows.Close()
			return err
		}
	}
	return closeRows(rows)
}

// queryAll runs a query and returns one T per row, filled by scan.
func queryAll[T any](ctx context.Context, q queryer, query string, args []any, scan func(*sql.Rows, *T) error) ([]T, error) {
	var out []T
	err := eachRow(ctx, q, query, args, func(rows *sql.Rows) error {
		var v T
		if err := scan(rows, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// indexByID returns the ids of records (in order) and a lookup from id to
// the record (nil if absent), for attaching child rows read in a second query.
func indexByID[T any](list []T, id func(*T) int) (ids []int, at func(int) *T) {
	index := make(map[int]int, len(list))
	ids = make([]int, len(list))
	for i := range list {
		ids[i] = id(&list[i])
		index[ids[i]] = i
	}
	return ids, func(id int) *T {
		if i, ok := index[id]; ok {
			return &list[i]
		}
		return nil
	}
}

// inArgs returns "?,?,…" and the arguments for an IN (…) list.
func inArgs[T any](values []T) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(values)), ","), args
}

// eachIn runs a query whose text has one "%s" for an IN (…) list of ids and
// calls scan once per row. No ids, no query.
func eachIn(ctx context.Context, q queryer, queryFmt string, ids []int, scan func(*sql.Rows) error) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := inArgs(ids)
	return eachRow(ctx, q, fmt.Sprintf(queryFmt, in), args, scan)
}

// columnOr is alias.column when the shop's table has the column, else the
// SQL fallback (a literal standing in for it in older/newer schemas).
func (db *DB) columnOr(table, alias, column, fallback string) string {
	if db.hasColumn(table, column) {
		return alias + ".`" + column + "`"
	}
	return fallback
}

// checkLimit rejects page sizes that would read nothing.
func checkLimit(limit int) error {
	if limit <= 0 {
		return fmt.Errorf("page limit must be positive, got %d", limit)
	}
	return nil
}
