// Package checkout writes orders and customers the way OpenCart's own
// checkout and account pages do, for the demo and for tests; the bridge
// itself never writes orders or customers.
//
// Each function takes the shop's *sql.DB (OpenCart's tables with prefix oc_)
// and the shop's OpenCart version, and writes the rows that version's
// storefront writes: the same tables, columns and encodings (text escaped
// like OpenCart's request filter, NOW() dates). Stock, mail, fraud and
// voucher side effects are not reproduced.
//
// Everything a write refers to (currency, countries, zones, statuses, the
// order) is checked before the first row is written, so a bad reference
// writes nothing on any version. The rows themselves are written in one
// transaction: on 4.x (InnoDB) a failure part-way leaves nothing; on 3.0 the
// tables are MyISAM, which cannot roll back, so a failure part-way leaves
// the rows written so far (an order stays at status 0, where OpenCart
// itself leaves unpaid checkouts) and the error names the order id.
package checkout

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// flavour is the schema generation a version's storefront writes.
type flavour int

const (
	v30  flavour = iota + 1 // 3.0.x: MyISAM, payment_code/shipping_code columns
	v402                    // 4.0.2+: method columns hold {"name","code"} JSON
	v41                     // 4.1: country/zone names in description tables
)

// parseVersion maps an OpenCart release ("3.0.4.1", "4.0.2.3", "4.1.0.4")
// or a flavour name as opencart.Flavour prints it ("3.0", "4.0.2", "4.1")
// to the flavour the writers follow.
func parseVersion(version string) (flavour, error) {
	parts := strings.SplitN(version, ".", 4)
	if len(parts) >= 2 {
		switch parts[0] + "." + parts[1] {
		case "3.0":
			return v30, nil
		case "4.1":
			return v41, nil
		case "4.0":
			// 4.0.0–4.0.1 store methods as payment_code/payment_method
			// strings, which these writers do not reproduce.
			if len(parts) >= 3 {
				if patch, err := strconv.Atoi(parts[2]); err == nil && patch >= 2 {
					return v402, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("checkout: OpenCart version %q is not supported; give a 3.0.x, 4.0.2+ or 4.1.x release such as \"4.0.2.3\" "+
		"(opencart.DB's Flavour().String() works too)", version)
}

// sessionSQLMode is the sql_mode OpenCart's driver sets: the storefront's
// inserts leave out NOT NULL columns that have no default, which strict
// mode would refuse.
const sessionSQLMode = "SET SESSION sql_mode = 'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'"

// inTx runs fn in a transaction on one pinned connection with OpenCart's
// sql_mode (one connection at a time, so a pool limited to a single
// connection does not deadlock). The sql_mode stays on the connection when
// it returns to the pool; it is the mode every OpenCart connection has.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to the shop database: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, sessionSQLMode); err != nil {
		return fmt.Errorf("set OpenCart's sql_mode: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the error that matters is fn's
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// lookup scans one row into dst; what names the row for the errors.
func lookup(ctx context.Context, tx *sql.Tx, what, query string, args []any, dst ...any) error {
	err := tx.QueryRowContext(ctx, query, args...).Scan(dst...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("no %s in the shop", what)
	case err != nil:
		return fmt.Errorf("look up %s: %w", what, err)
	}
	return nil
}

// addressNames checks an address's country and zone and returns their
// names in the given language, as checkout copies them into an order. An
// address without a country (a guest order without shipping) has none.
func addressNames(ctx context.Context, tx *sql.Tx, f flavour, languageID int, a Address) (country, zone string, err error) {
	if a.CountryID == 0 {
		if a.ZoneID != 0 {
			return "", "", fmt.Errorf("zone %d is given without a country", a.ZoneID)
		}
		return "", "", nil
	}
	countryQ := "SELECT name FROM oc_country WHERE country_id = ?"
	zoneQ := "SELECT name FROM oc_zone WHERE country_id = ? AND zone_id = ?"
	if f == v41 {
		countryQ = "SELECT name FROM oc_country_description WHERE country_id = ? AND language_id = ?"
		zoneQ = `SELECT zd.name FROM oc_zone z JOIN oc_zone_description zd ON zd.zone_id = z.zone_id AND zd.language_id = ?
			WHERE z.country_id = ? AND z.zone_id = ?`
	}
	countryArgs, zoneArgs := []any{a.CountryID}, []any{a.CountryID, a.ZoneID}
	if f == v41 {
		countryArgs, zoneArgs = append(countryArgs, languageID), append([]any{languageID}, zoneArgs...)
	}
	if err := lookup(ctx, tx, fmt.Sprintf("country %d", a.CountryID), countryQ, countryArgs, &country); err != nil {
		return "", "", err
	}
	if a.ZoneID == 0 {
		return country, "", nil
	}
	what := fmt.Sprintf("zone %d in country %d (%s)", a.ZoneID, a.CountryID, country)
	if err := lookup(ctx, tx, what, zoneQ, zoneArgs, &zone); err != nil {
		return "", "", err
	}
	return country, zone, nil
}

// insertSet runs INSERT INTO table SET col = ?, … [, extra] and returns the
// new id. pairs alternate column names and values.
func insertSet(ctx context.Context, tx *sql.Tx, table string, pairs []any, extra string) (int, error) {
	var cols []string
	var args []any
	for i := 0; i < len(pairs); i += 2 {
		cols = append(cols, "`"+pairs[i].(string)+"` = ?")
		args = append(args, pairs[i+1])
	}
	if extra != "" {
		cols = append(cols, extra)
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO `"+table+"` SET "+strings.Join(cols, ", "), args...)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", table, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", table, err)
	}
	return int(id), nil
}

// partial explains, on 3.0, what a failure after the first insert leaves.
func partial(f flavour, err error) error {
	if err == nil || f != v30 {
		return err
	}
	return fmt.Errorf("%w (OpenCart 3.0's tables are MyISAM and cannot roll back: the rows written before the failure stay)", err)
}

// esc stores text as OpenCart's request filter leaves it (htmlspecialchars
// with ENT_COMPAT).
var esc = strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace
