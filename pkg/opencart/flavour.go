package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Flavour is the schema generation of a shop database. It is detected from
// information_schema, because the database does not store OpenCart's version.
type Flavour int

const (
	// V30 is OpenCart 3.0.x: MyISAM, utf8, payment_code/shipping_code columns,
	// options instead of variants.
	V30 Flavour = iota + 1
	// V40 is OpenCart 4.0.0–4.0.1: InnoDB, variants, payment_code column.
	V40
	// V402 is OpenCart 4.0.2+: payment_method/shipping_method are JSON
	// objects with name and code.
	V402
	// V41 is OpenCart 4.1: specials folded into oc_product_discount; from
	// 4.1.0.1 country/zone names in description tables, product codes in
	// oc_product_code (authoritative once oc_product.sku is gone, 4.1.0.4).
	// Reads check those columns themselves, so every 4.1.0.x works.
	V41
)

func (f Flavour) String() string {
	switch f {
	case V30:
		return "3.0"
	case V40:
		return "4.0.0-4.0.1"
	case V402:
		return "4.0.2"
	case V41:
		return "4.1"
	}
	return fmt.Sprintf("Flavour(%d)", int(f))
}

// HasVariants reports whether products carry master_id/variant/override (4.x).
func (f Flavour) HasVariants() bool { return f >= V40 }

// charset is the connection character set OpenCart itself uses.
func (f Flavour) charset() string {
	if f == V30 {
		return "utf8"
	}
	return "utf8mb4"
}

// schemaFacts holds what detectFlavour reads from information_schema.
type schemaFacts struct {
	columns map[string]bool   // "table.column" without prefix
	engines map[string]string // table without prefix → ENGINE
}

// hasColumn reports whether the schema has table.column (unprefixed table);
// reads use it for differences inside a flavour.
func (s schemaFacts) hasColumn(table, column string) bool { return s.columns[table+"."+column] }

// hasTable reports whether the schema has the (unprefixed) table.
func (s schemaFacts) hasTable(table string) bool { _, ok := s.engines[table]; return ok }

// readSchemaFacts lists the prefixed tables and columns of the current database.
func readSchemaFacts(ctx context.Context, q queryer, prefix string) (schemaFacts, error) {
	facts := schemaFacts{columns: map[string]bool{}, engines: map[string]string{}}
	err := eachRow(ctx, q, `SELECT TABLE_NAME, COALESCE(ENGINE, '') FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE CONCAT(?, '%')`, []any{likeEscape(prefix)}, func(rows *sql.Rows) error {
		var name, engine string
		err := rows.Scan(&name, &engine)
		facts.engines[strings.TrimPrefix(name, prefix)] = engine
		return err
	})
	if err != nil {
		return facts, fmt.Errorf("list tables: %w", err)
	}
	err = eachRow(ctx, q, `SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE CONCAT(?, '%')`, []any{likeEscape(prefix)}, func(rows *sql.Rows) error {
		var table, column string
		err := rows.Scan(&table, &column)
		facts.columns[strings.TrimPrefix(table, prefix)+"."+column] = true
		return err
	})
	if err != nil {
		return facts, fmt.Errorf("list columns: %w", err)
	}
	return facts, nil
}

// detectFlavour maps schema facts to a Flavour (see reference §1).
func detectFlavour(s schemaFacts, prefix string) (Flavour, error) {
	switch {
	case !s.hasColumn("product", "product_id") || !s.hasColumn("order", "order_id"):
		return 0, fmt.Errorf("no OpenCart tables with prefix %q in this database (is the DSN's database name right, and is TablePrefix the DB_PREFIX from OpenCart's config.php?)", prefix)
	case !s.hasColumn("product", "master_id"):
		return V30, nil
	case !s.hasTable("product_special"): // 4.1.0.0 folded specials into discounts
		return V41, nil
	case s.hasColumn("order", "payment_code"):
		return V40, nil
	default:
		return V402, nil
	}
}

// likeEscape escapes LIKE wildcards; "oc_" would otherwise match "ocX…".
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
