// Package opencart reads and writes an OpenCart 3.0 / 4.0 / 4.1 shop database
// directly (OpenCart has no API for catalog writes or order listing).
//
// Open detects the schema flavour from information_schema and configures every
// pooled connection the way OpenCart's own driver does (non-strict sql_mode,
// utf8 on 3.0 / utf8mb4 on 4.x, the shop's time zone on 4.x).
package opencart

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Config says where the shop database is.
type Config struct {
	// DSN is a go-sql-driver/mysql DSN, e.g. "user:pass@tcp(127.0.0.1:3306)/shop".
	DSN string
	// TablePrefix is DB_PREFIX from OpenCart's config.php; "" means "oc_".
	TablePrefix string
	// CacheDir is OpenCart's system/storage/cache directory (optional); writers
	// purge cache files there.
	CacheDir string
}

// Language is one oc_language row.
type Language struct {
	ID        int
	Code      string // e.g. "en-gb"
	Name      string
	Status    bool
	SortOrder int
}

// Store is a storefront. Store 0 is the default store; it has no oc_store
// row and its URL lives in OpenCart's config.php, so URL is empty for it.
type Store struct {
	ID   int
	Name string
	URL  string
}

// DB is an open shop database.
type DB struct {
	conn        *sql.DB
	prefix      string
	flavour     Flavour
	languages   []Language
	stores      []Store
	defLangID   int
	schemaFacts // tables (with ENGINE) and columns of the shop's schema
	cacheDir    string
	loc         *time.Location // zone of the DATETIME values the shop writes
}

// sessionSQLMode is what OpenCart's mysqli driver sets on every connection;
// OpenCart's data (zero dates, empty strings in int columns) relies on it.
const sessionSQLMode = "'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'"

// Open connects, detects the flavour and loads languages and stores.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	prefix := cfg.TablePrefix
	if prefix == "" {
		prefix = "oc_"
	}
	base, err := mysql.ParseDSN(cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("opencart: parse DSN: %w (expected user:pass@tcp(host:3306)/dbname)", err)
	}
	if base.DBName == "" {
		return nil, errors.New("opencart: the DSN names no database; add /dbname after the address")
	}
	base.ParseTime = true
	// Interpolation keeps every query to one round trip; the driver escapes
	// bound values itself, which is safe for utf8/utf8mb4.
	base.InterpolateParams = true
	if base.Params == nil {
		base.Params = map[string]string{}
	}
	base.Params["sql_mode"] = sessionSQLMode

	facts, serverLoc, shopZone, err := probe(ctx, base, prefix)
	if err != nil {
		return nil, err
	}
	flavour, err := detectFlavour(facts, prefix)
	if err != nil {
		return nil, fmt.Errorf("opencart: database %q: %w", base.DBName, err)
	}

	final := base.Clone()
	if err := final.Apply(mysql.Charset(flavour.charset(), "")); err != nil {
		return nil, err
	}
	final.Loc = serverLoc
	if flavour != V30 && shopZone != nil {
		// Like OpenCart 4.x (time_zone = PHP date('P')), so NOW() in SQL
		// writes the shop's local time. Recomputed per connection for DST.
		final.Loc = shopZone
		if err := final.Apply(mysql.BeforeConnect(func(_ context.Context, c *mysql.Config) error {
			c.Params["time_zone"] = "'" + time.Now().In(shopZone).Format("-07:00") + "'"
			return nil
		})); err != nil {
			return nil, err
		}
	}
	connector, err := mysql.NewConnector(final)
	if err != nil {
		return nil, fmt.Errorf("opencart: %w", err)
	}
	db := &DB{
		conn:        sql.OpenDB(connector),
		prefix:      prefix,
		flavour:     flavour,
		schemaFacts: facts,
		cacheDir:    cfg.CacheDir,
		loc:         final.Loc,
	}
	db.conn.SetConnMaxLifetime(time.Hour) // picks up DST changes of time_zone
	if err := db.loadLanguagesAndStores(ctx); err != nil {
		db.conn.Close()
		return nil, err
	}
	return db, nil
}

// probe reads schema facts, the server's zone and the shop's configured
// time zone over a short-lived connection, before the flavour (and so the
// charset) is known.
func probe(ctx context.Context, cfg *mysql.Config, prefix string) (facts schemaFacts, serverLoc, shopZone *time.Location, err error) {
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return facts, nil, nil, fmt.Errorf("opencart: %w", err)
	}
	conn := sql.OpenDB(connector)
	defer conn.Close()
	if err := conn.PingContext(ctx); err != nil {
		return facts, nil, nil, fmt.Errorf("opencart: connect to %s database %q: %w", cfg.Addr, cfg.DBName, err)
	}
	facts, err = readSchemaFacts(ctx, conn, prefix)
	if err != nil {
		return facts, nil, nil, fmt.Errorf("opencart: database %q: %w", cfg.DBName, err)
	}
	var offset int
	if err := conn.QueryRowContext(ctx, `SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW())`).Scan(&offset); err != nil {
		return facts, nil, nil, fmt.Errorf("opencart: read server time zone: %w", err)
	}
	serverLoc = time.FixedZone("server", offset)
	if !facts.hasTable("setting") {
		return facts, serverLoc, nil, nil
	}
	var tz string
	err = conn.QueryRowContext(ctx, "SELECT `value` FROM `"+prefix+"setting` WHERE store_id = 0 AND `key` = 'config_timezone'").Scan(&tz)
	if err == nil {
		shopZone, _ = time.LoadLocation(tz) // unknown zone: keep the server's
	}
	return facts, serverLoc, shopZone, nil
}

func (db *DB) loadLanguagesAndStores(ctx context.Context) error {
	var err error
	db.languages, err = queryAll(ctx, db.conn, "SELECT language_id, code, name, status, sort_order FROM "+db.table("language")+
		" ORDER BY sort_order, language_id", nil, func(rows *sql.Rows, l *Language) error {
		return rows.Scan(&l.ID, str(&l.Code), text(&l.Name), boolean(&l.Status), integer(&l.SortOrder))
	})
	if err != nil {
		return fmt.Errorf("opencart: load languages: %w", err)
	}
	if len(db.languages) == 0 {
		return fmt.Errorf("opencart: %s is empty; the shop needs at least one language", db.table("language"))
	}

	langKey := "config_language"
	if db.flavour == V41 {
		langKey = "config_language_catalog"
	}
	code, _, err := db.Setting(ctx, 0, langKey)
	if err != nil {
		return fmt.Errorf("opencart: load default language: %w", err)
	}
	db.defLangID = db.languages[0].ID
	for _, l := range db.languages {
		if strings.EqualFold(l.Code, code) {
			db.defLangID = l.ID
		}
	}

	name, _, err := db.Setting(ctx, 0, "config_name")
	if err != nil {
		return fmt.Errorf("opencart: load store name: %w", err)
	}
	others, err := queryAll(ctx, db.conn, "SELECT store_id, name, url FROM "+db.table("store")+" ORDER BY store_id", nil,
		func(rows *sql.Rows, s *Store) error { return rows.Scan(&s.ID, text(&s.Name), str(&s.URL)) })
	if err != nil {
		return fmt.Errorf("opencart: load stores: %w", err)
	}
	db.stores = append([]Store{{ID: 0, Name: plainText(name)}}, others...)
	return nil
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.conn.Close() }

// Ping checks that the database is reachable.
func (db *DB) Ping(ctx context.Context) error { return db.conn.PingContext(ctx) }

// Flavour is the detected schema flavour.
func (db *DB) Flavour() Flavour { return db.flavour }

// Languages lists every oc_language row (enabled or not), by sort order.
func (db *DB) Languages() []Language { return append([]Language(nil), db.languages...) }

// Stores lists store 0 and every oc_store row.
func (db *DB) Stores() []Store { return append([]Store(nil), db.stores...) }

// DefaultLanguageID is the storefront language (config_language on 3.0/4.0,
// config_language_catalog on 4.1).
func (db *DB) DefaultLanguageID() int { return db.defLangID }

// Location is the time zone of the DATETIME values the shop writes; times
// read from the database carry it.
func (db *DB) Location() *time.Location { return db.loc }

// table returns the prefixed, unquoted table name: table("product") → "oc_product".
func (db *DB) table(name string) string { return db.prefix + name }

// isMyISAM reports whether a table (unprefixed name, as for table) is MyISAM,
// i.e. not transactional: writers must order their statements so that a
// half-written entity stays invisible.
func (db *DB) isMyISAM(table string) bool {
	return strings.EqualFold(db.engines[strings.TrimPrefix(table, db.prefix)], "MyISAM")
}

// inTx runs fn in one transaction, committing if it returns nil. On MyISAM
// tables the statements still run but cannot be rolled back.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	return tx.Commit()
}

// queryer is what *sql.DB, *sql.Conn and *sql.Tx have in common for reads.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// closeRows closes rows and returns the iteration error, if any.
func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// OpenCart stores text as its request filter leaves it:
// htmlspecialchars(ENT_COMPAT), so `Cinema 30"` is stored as
// `Cinema 30&quot;`. Writers store shopText(v), readers return plainText(v),
// and a value round-trips unchanged.

var shopTextEscaper = strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;")

// shopText converts a plain value into OpenCart's stored form.
func shopText(s string) string { return shopTextEscaper.Replace(s) }

// plainText converts a stored value back into the plain value.
func plainText(s string) string { return html.UnescapeString(s) }
