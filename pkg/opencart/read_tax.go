package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// TaxClass is an oc_tax_class row (e.g. 9 "Taxable Goods").
type TaxClass struct {
	ID          int
	Title       string
	Description string
}

// TaxRate is an oc_tax_rate row.
type TaxRate struct {
	ID        int
	GeoZoneID int
	Name      string
	Rate      float64 // percent for type P, an amount in the default currency for F
	Type      string  // "P" percent, "F" fixed amount
	// CustomerGroupIDs are the customer groups the rate applies to
	// (oc_tax_rate_to_customer_group).
	CustomerGroupIDs []int
}

// Amount is the tax this rate adds to a price excluding tax.
func (r TaxRate) Amount(price float64) float64 {
	switch r.Type {
	case "F":
		return r.Rate
	case "P":
		return price / 100 * r.Rate
	}
	return 0
}

// TaxRule links a tax class to a rate (oc_tax_rule).
type TaxRule struct {
	ID         int
	TaxClassID int
	TaxRateID  int
	Based      string // "shipping", "payment" or "store": which address selects the geo zone
	Priority   int
}

// TaxClasses lists all tax classes by id.
func (db *DB) TaxClasses(ctx context.Context) ([]TaxClass, error) {
	out, err := queryAll(ctx, db.conn, "SELECT tax_class_id, title, description FROM "+db.table("tax_class")+" ORDER BY tax_class_id", nil,
		func(rows *sql.Rows, c *TaxClass) error { return rows.Scan(&c.ID, text(&c.Title), text(&c.Description)) })
	if err != nil {
		return nil, fmt.Errorf("opencart: read tax classes: %w", err)
	}
	return out, nil
}

// TaxRates lists all tax rates by id.
func (db *DB) TaxRates(ctx context.Context) ([]TaxRate, error) {
	rates, err := db.taxRatesWhere(ctx, "1 = 1")
	if err != nil {
		return nil, fmt.Errorf("opencart: read tax rates: %w", err)
	}
	return rates, nil
}

// taxRatesWhere reads the rates matching a condition on oc_tax_rate, with
// their customer groups.
func (db *DB) taxRatesWhere(ctx context.Context, cond string, args ...any) ([]TaxRate, error) {
	out, err := queryAll(ctx, db.conn, "SELECT tax_rate_id, geo_zone_id, name, rate, type FROM "+db.table("tax_rate")+
		" WHERE "+cond+" ORDER BY tax_rate_id", args, func(rows *sql.Rows, r *TaxRate) error {
		err := rows.Scan(&r.ID, integer(&r.GeoZoneID), text(&r.Name), decimal(&r.Rate), str(&r.Type))
		r.Type = strings.ToUpper(r.Type)
		return err
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids, at := indexByID(out, func(r *TaxRate) int { return r.ID })
	err = eachIn(ctx, db.conn, "SELECT tax_rate_id, customer_group_id FROM "+db.table("tax_rate_to_customer_group")+
		" WHERE tax_rate_id IN (%s) ORDER BY tax_rate_id, customer_group_id", ids, func(rows *sql.Rows) error {
		var rateID, groupID int
		if err := rows.Scan(&rateID, &groupID); err != nil {
			return err
		}
		at(rateID).CustomerGroupIDs = append(at(rateID).CustomerGroupIDs, groupID)
		return nil
	})
	return out, err
}

// TaxRules lists all tax rules by class, then priority.
func (db *DB) TaxRules(ctx context.Context) ([]TaxRule, error) {
	out, err := queryAll(ctx, db.conn, "SELECT tax_rule_id, tax_class_id, tax_rate_id, based, priority FROM "+db.table("tax_rule")+
		" ORDER BY tax_class_id, priority, tax_rule_id", nil, func(rows *sql.Rows, r *TaxRule) error {
		return rows.Scan(&r.ID, integer(&r.TaxClassID), integer(&r.TaxRateID), str(&r.Based), integer(&r.Priority))
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: read tax rules: %w", err)
	}
	return out, nil
}

// Location is a country and zone (zone 0 = none) used to pick geo zones.
type Location struct {
	CountryID int
	ZoneID    int
}

// TaxContext says which addresses a sale has. A nil address contributes no
// rules of its "based" kind, as in OpenCart's cart when that address is unknown.
type TaxContext struct {
	CustomerGroupID int
	Shipping        *Location
	Payment         *Location
	Store           *Location // config_country_id / config_zone_id of the store
}

// AppliedTax is a rate that applies to a sale, in the order OpenCart
// applies them (rule priority).
type AppliedTax struct {
	TaxRate
	Priority int
}

// TaxFor returns the rates a tax class gets in a context, the way OpenCart's
// cart tax library picks them: rules of each "based" kind whose rate's geo
// zone contains that address (zone_id 0 = the whole country) and that apply
// to the customer group; each rate once.
func (db *DB) TaxFor(ctx context.Context, taxClassID int, tc TaxContext) ([]AppliedTax, error) {
	var conds []string
	var args []any
	for _, b := range []struct {
		based string
		loc   *Location
	}{{"shipping", tc.Shipping}, {"payment", tc.Payment}, {"store", tc.Store}} {
		if b.loc != nil {
			conds = append(conds, "(tr1.based = ? AND z2gz.country_id = ? AND (z2gz.zone_id = 0 OR z2gz.zone_id = ?))")
			args = append(args, b.based, b.loc.CountryID, b.loc.ZoneID)
		}
	}
	if len(conds) == 0 {
		return nil, nil
	}
	query := "SELECT DISTINCT tr2.tax_rate_id, tr2.geo_zone_id, tr2.name, tr2.rate, tr2.type, tr1.priority FROM " + db.table("tax_rule") + " tr1" +
		" JOIN " + db.table("tax_rate") + " tr2 ON tr1.tax_rate_id = tr2.tax_rate_id" +
		" JOIN " + db.table("tax_rate_to_customer_group") + " tr2cg ON tr2.tax_rate_id = tr2cg.tax_rate_id" +
		" JOIN " + db.table("zone_to_geo_zone") + " z2gz ON tr2.geo_zone_id = z2gz.geo_zone_id" +
		" WHERE tr1.tax_class_id = ? AND tr2cg.customer_group_id = ? AND (" + strings.Join(conds, " OR ") + ")" +
		" ORDER BY tr1.priority, tr2.tax_rate_id"
	args = append([]any{taxClassID, tc.CustomerGroupID}, args...)
	var out []AppliedTax
	seen := map[int]bool{}
	err := eachRow(ctx, db.conn, query, args, func(rows *sql.Rows) error {
		var a AppliedTax
		if err := rows.Scan(&a.ID, integer(&a.GeoZoneID), text(&a.Name), decimal(&a.Rate), str(&a.Type), integer(&a.Priority)); err != nil {
			return err
		}
		a.Type = strings.ToUpper(a.Type)
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: tax rates of tax class %d: %w", taxClassID, err)
	}
	return out, nil
}

// TaxAmount is the total tax the rates add to a price excluding tax.
func TaxAmount(rates []AppliedTax, price float64) float64 {
	var sum float64
	for _, r := range rates {
		sum += r.Amount(price)
	}
	return sum
}
