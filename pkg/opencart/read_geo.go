package opencart

import (
	"fmt"
	"strings"
)

// PostalAddress is an address with its country and zone resolved to the
// codes an ERP needs (ISO 3166 alpha-2/alpha-3, OpenCart's zone code, which
// is the ISO 3166-2 subdivision suffix for most countries).
type PostalAddress struct {
	FirstName, LastName, Company string
	Address1, Address2           string
	City, Postcode               string
	CountryID                    int
	Country                      string // name
	CountryISO2, CountryISO3     string
	ZoneID                       int
	Zone                         string // name
	ZoneCode                     string
}

// geoJoin returns a select list and the LEFT JOINs that resolve a country
// and zone id pair (SQL expressions) under the alias a. The select list is
// ISO2, ISO3 and zone code, followed by the country and zone names when
// withNames is set; scan it with geoTargets.
func (db *DB) geoJoin(a, countryID, zoneID string, withNames bool) (cols, joins string) {
	c, z := a+"_c", a+"_z"
	joins = fmt.Sprintf(" LEFT JOIN %s %s ON %s.country_id = %s LEFT JOIN %s %s ON %s.zone_id = %s",
		db.table("country"), c, c, countryID, db.table("zone"), z, z, zoneID)
	cols = fmt.Sprintf("%s.iso_code_2, %s.iso_code_3, %s.code", c, c, z)
	if !withNames {
		return cols, joins
	}
	// 4.1.0.1+ moved the names into per-language description tables.
	countryName, zoneName := c+".name", z+".name"
	if !db.hasColumn("country", "name") {
		cd, zd := a+"_cd", a+"_zd"
		joins += fmt.Sprintf(" LEFT JOIN %s %s ON %s.country_id = %s AND %s.language_id = %d",
			db.table("country_description"), cd, cd, countryID, cd, db.defLangID)
		joins += fmt.Sprintf(" LEFT JOIN %s %s ON %s.zone_id = %s AND %s.language_id = %d",
			db.table("zone_description"), zd, zd, zoneID, zd, db.defLangID)
		countryName, zoneName = cd+".name", zd+".name"
	}
	return cols + ", " + countryName + ", " + zoneName, joins
}

// geoTargets are the scan targets for geoJoin's select list.
func geoTargets(p *PostalAddress, withNames bool) []any {
	t := []any{str(&p.CountryISO2), str(&p.CountryISO3), str(&p.ZoneCode)}
	if withNames {
		t = append(t, text(&p.Country), text(&p.Zone))
	}
	return t
}

// addressColumns lists the address columns of a table row, optionally with
// a column-name prefix such as "payment_" (oc_order).
func addressColumns(alias, prefix string) string {
	names := []string{"firstname", "lastname", "company", "address_1", "address_2", "city", "postcode", "country_id", "zone_id"}
	for i, n := range names {
		names[i] = alias + "." + prefix + n
	}
	return strings.Join(names, ", ")
}

// addressTargets are the scan targets for addressColumns.
func addressTargets(p *PostalAddress) []any {
	return []any{text(&p.FirstName), text(&p.LastName), text(&p.Company), text(&p.Address1), text(&p.Address2),
		text(&p.City), text(&p.Postcode), integer(&p.CountryID), integer(&p.ZoneID)}
}
