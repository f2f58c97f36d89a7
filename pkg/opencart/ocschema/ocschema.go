// Package ocschema creates the project's own OpenCart shop schema: the tables
// the bridge uses, as an OpenCart 4.0.2.x install has them, plus minimal seed
// data (one language, store settings, statuses, currencies, a few countries,
// UK VAT, Cash On Delivery and Flat Rate shipping). The demo and fast tests
// use it where the real install dumps (kept outside the repository) are not
// at hand.
package ocschema

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-sql-driver/mysql"
)

//go:embed sql/schema-4.0.2.sql sql/seed-4.0.2.sql
var files embed.FS

// Version is the OpenCart release whose schema Create writes.
const Version = "4.0.2.3"

var validPrefix = regexp.MustCompile(`^[A-Za-z0-9_]*$`)

// Create creates the tables (named prefix + table, e.g. "oc_product") and
// the seed data in the DSN's database, which must hold no table with that
// prefix yet.
func Create(ctx context.Context, dsn, prefix string) error {
	if !validPrefix.MatchString(prefix) {
		return fmt.Errorf("ocschema: table prefix %q: use letters, digits and _ only", prefix)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return fmt.Errorf("ocschema: parse DSN: %w", err)
	}
	if cfg.DBName == "" {
		return fmt.Errorf("ocschema: the DSN names no database; add /dbname after the address")
	}
	// One connection, running each file as one multi-statement batch, with
	// OpenCart's session sql_mode.
	cfg.MultiStatements = true
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["sql_mode"] = "'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'"
	if err := cfg.Apply(mysql.Charset("utf8mb4", "utf8mb4_general_ci")); err != nil {
		return err
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return fmt.Errorf("ocschema: %w", err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("ocschema: connect to %s database %q: %w", cfg.Addr, cfg.DBName, err)
	}
	defer conn.Close()

	var existing int
	err = conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()
		AND TABLE_NAME LIKE CONCAT(REPLACE(?, '_', '\_'), '%')`, prefix).Scan(&existing)
	if err != nil {
		return fmt.Errorf("ocschema: database %q: %w", cfg.DBName, err)
	}
	if existing > 0 {
		return fmt.Errorf("ocschema: database %q already has %d tables named %s…; use an empty database or another prefix", cfg.DBName, existing, prefix)
	}
	for _, name := range []string{"sql/schema-4.0.2.sql", "sql/seed-4.0.2.sql"} {
		script, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, strings.ReplaceAll(string(script), "{p}", prefix)); err != nil {
			return fmt.Errorf("ocschema: run %s in database %q: %w", name, cfg.DBName, err)
		}
	}
	return nil
}
