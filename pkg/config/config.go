// Package config loads the bridge's settings from environment variables (and an optional .env file),
// validates them up front and prints them with every secret redacted.
//
// Each binary states which parts it needs (Load(PartTemporal, PartOdoo, ...)); a missing or malformed
// variable of a needed part fails start-up with an error naming the variable and what is wrong. Variables of
// parts a binary does not need are still checked when they are set, so a typo never waits for the next deploy.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/joho/godotenv"
)

// Part is a group of settings one binary may need.
type Part int

const (
	PartTemporal Part = iota // TEMPORAL_*, BRIDGE_TASK_QUEUE
	PartStore                // BRIDGE_DATABASE_URL (the mapping store)
	PartOpenCart             // OPENCART_*
	PartOdoo                 // ODOO_*
	PartAPI                  // API_ADDR, API_TOKEN, WEBHOOK_SECRET
)

// Config is every setting of the bridge. Secrets are kept in Secret values so that printing a Config (or
// logging it with zap) never shows them.
type Config struct {
	Temporal Temporal
	// Connection names the shop ⇄ ERP pair this process serves; the mapping store keys every row on it,
	// so several shops can share one PostgreSQL.
	Connection  string
	TaskQueue   string
	DatabaseURL Secret // PostgreSQL URL of the mapping store; may carry a password
	OpenCart    OpenCart
	Odoo        Odoo
	API         API
	Log         Log
	// MetricsAddr is where a worker serves /metrics (the api serves it on API_ADDR); "off" disables it.
	MetricsAddr string
}

// Temporal holds the client settings shared by worker, starter and api.
type Temporal struct {
	Address   string
	Namespace string
	APIKey    Secret // Temporal Cloud API key; implies TLS
	TLS       bool
	TLSCert   string // client certificate file (mTLS)
	TLSKey    string // client key file (mTLS)
	TLSCA     string // CA bundle file to trust instead of the system roots
	TLSServer string // server name override for TLS verification
	UIURL     string // base URL of the Temporal UI, for links in the dashboard and CLI
}

// OpenCart holds the shop database settings.
type OpenCart struct {
	DSN         Secret // go-sql-driver/mysql DSN; may carry a password
	TablePrefix string
	CacheDir    string // OpenCart's system/storage/cache folder, purged after catalog writes when set
	ImageDir    string // OpenCart's image/ folder, for product images; empty = images are not synced
}

// Odoo holds the ERP connection settings.
type Odoo struct {
	URL      string
	DB       string
	Username string
	Password Secret // password or API key
	// PoolSize is how many XML-RPC calls one process makes at once: the real bound on the load the bridge
	// puts on Odoo; keep it at or below Odoo's worker count.
	PoolSize int
}

// API holds the settings of the api process.
type API struct {
	Addr          string
	Token         Secret // bearer token of the admin endpoints
	WebhookSecret Secret // HMAC key shared with the OpenCart extension
}

// Log selects the log encoding and level.
type Log struct {
	Format string // "json" (production) or "console" (development)
	Level  string // debug, info, warn, error
}

// Secret is a string that never prints itself.
type Secret string

// String redacts the value; use Reveal where the secret is really needed.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString keeps %#v from leaking the value.
func (s Secret) GoString() string { return `config.Secret("` + s.String() + `")` }

// MarshalText keeps encoders (JSON, zap's reflection) from leaking the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

// Defaults used when a variable is unset.
const (
	DefaultTemporalAddress = "127.0.0.1:7233"
	DefaultNamespace       = "default"
	DefaultTaskQueue       = "odoo-opencart-bridge"
	DefaultConnection      = "default"
	DefaultTablePrefix     = "oc_"
	DefaultAPIAddr         = "127.0.0.1:8080"
	DefaultTemporalUI      = "http://127.0.0.1:8233"
	DefaultMetricsAddr     = "127.0.0.1:9090"
	DefaultOdooPoolSize    = 8
)

// Load reads the environment (after loading .env from the working directory, or the file named by
// BRIDGE_ENV_FILE, without overriding variables already set) and validates the parts given.
func Load(parts ...Part) (Config, error) {
	if err := loadEnvFile(); err != nil {
		return Config{}, err
	}
	return FromLookup(os.LookupEnv, parts...)
}

func loadEnvFile() error {
	path, explicit := os.LookupEnv("BRIDGE_ENV_FILE")
	if !explicit {
		path = ".env"
	}
	err := godotenv.Load(path)
	if err != nil && (explicit || !errors.Is(err, os.ErrNotExist)) {
		return fmt.Errorf("BRIDGE_ENV_FILE: cannot load %s: %w", path, err)
	}
	return nil
}

// FromLookup builds a Config from a lookup function (os.LookupEnv in production, a map in tests).
func FromLookup(lookup func(string) (string, bool), parts ...Part) (Config, error) {
	r := reader{lookup: lookup, need: map[Part]bool{}}
	for _, p := range parts {
		r.need[p] = true
	}
	c := Config{
		Connection:  r.str(PartTemporal, "BRIDGE_CONNECTION", DefaultConnection, false),
		TaskQueue:   r.str(PartTemporal, "BRIDGE_TASK_QUEUE", DefaultTaskQueue, false),
		DatabaseURL: Secret(r.str(PartStore, "BRIDGE_DATABASE_URL", "", true)),
		Temporal: Temporal{
			Address:   r.str(PartTemporal, "TEMPORAL_ADDRESS", DefaultTemporalAddress, false),
			Namespace: r.str(PartTemporal, "TEMPORAL_NAMESPACE", DefaultNamespace, false),
			APIKey:    Secret(r.str(PartTemporal, "TEMPORAL_API_KEY", "", false)),
			TLS:       r.boolean("TEMPORAL_TLS"),
			TLSCert:   r.file("TEMPORAL_TLS_CERT"),
			TLSKey:    r.file("TEMPORAL_TLS_KEY"),
			TLSCA:     r.file("TEMPORAL_TLS_CA"),
			TLSServer: r.str(PartTemporal, "TEMPORAL_TLS_SERVER_NAME", "", false),
			UIURL:     r.str(PartTemporal, "TEMPORAL_UI_URL", DefaultTemporalUI, false),
		},
		OpenCart: OpenCart{
			DSN:         Secret(r.str(PartOpenCart, "OPENCART_DSN", "", true)),
			TablePrefix: r.str(PartOpenCart, "OPENCART_TABLE_PREFIX", DefaultTablePrefix, false),
			CacheDir:    r.dir("OPENCART_CACHE_DIR"),
			ImageDir:    r.dir("OPENCART_IMAGE_DIR"),
		},
		Odoo: Odoo{
			URL:      r.str(PartOdoo, "ODOO_URL", "", true),
			DB:       r.str(PartOdoo, "ODOO_DB", "", true),
			Username: r.str(PartOdoo, "ODOO_USERNAME", "", true),
			Password: Secret(r.str(PartOdoo, "ODOO_PASSWORD", "", true)),
			PoolSize: r.positiveInt("ODOO_POOL_SIZE", DefaultOdooPoolSize),
		},
		API: API{
			Addr:          r.str(PartAPI, "API_ADDR", DefaultAPIAddr, false),
			Token:         Secret(r.str(PartAPI, "API_TOKEN", "", true)),
			WebhookSecret: Secret(r.str(PartAPI, "WEBHOOK_SECRET", "", true)),
		},
		Log: Log{
			Format: r.str(-1, "LOG_FORMAT", "json", false),
			Level:  r.str(-1, "LOG_LEVEL", "info", false),
		},
		MetricsAddr: r.str(-1, "WORKER_METRICS_ADDR", DefaultMetricsAddr, false),
	}
	c.validate(&r)
	if len(r.errs) > 0 {
		return Config{}, &Error{Problems: r.errs}
	}
	return c, nil
}

var (
	prefixPattern = regexp.MustCompile(`^[A-Za-z0-9_]*$`)
	queuePattern  = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
)

func (c *Config) validate(r *reader) {
	if c.Temporal.Address != "" {
		if _, _, err := net.SplitHostPort(c.Temporal.Address); err != nil {
			r.fail("TEMPORAL_ADDRESS", "must be host:port, e.g. 127.0.0.1:7233 (%v)", err)
		}
	}
	if (c.Temporal.TLSCert == "") != (c.Temporal.TLSKey == "") {
		r.fail("TEMPORAL_TLS_CERT", "and TEMPORAL_TLS_KEY must be set together for mTLS")
	}
	if !queuePattern.MatchString(c.TaskQueue) {
		r.fail("BRIDGE_TASK_QUEUE", "must be letters, digits, '.', '_' or '-'")
	}
	if !queuePattern.MatchString(c.Connection) {
		r.fail("BRIDGE_CONNECTION", "must be letters, digits, '.', '_' or '-'")
	}
	if c.DatabaseURL != "" {
		if _, err := pgx.ParseConfig(c.DatabaseURL.Reveal()); err != nil {
			r.fail("BRIDGE_DATABASE_URL", "is not a PostgreSQL URL such as postgres://user@127.0.0.1:5432/bridge (%s)", redactErr(err, c.DatabaseURL))
		}
	}
	if c.OpenCart.DSN != "" {
		if _, err := mysql.ParseDSN(c.OpenCart.DSN.Reveal()); err != nil {
			r.fail("OPENCART_DSN", "is not a MySQL DSN such as user:pass@tcp(127.0.0.1:3306)/opencart (%s)", redactErr(err, c.OpenCart.DSN))
		}
	}
	if !prefixPattern.MatchString(c.OpenCart.TablePrefix) {
		r.fail("OPENCART_TABLE_PREFIX", "must be letters, digits or '_' (got %q)", c.OpenCart.TablePrefix)
	}
	if c.Odoo.URL != "" {
		u, err := url.Parse(c.Odoo.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.fail("ODOO_URL", "must be an http(s) URL such as https://mycompany.odoo.com (got %q)", c.Odoo.URL)
		}
	}
	if c.MetricsAddr != "" && c.MetricsAddr != "off" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			r.fail("WORKER_METRICS_ADDR", "must be host:port or off (%v)", err)
		}
	}
	if c.API.Addr != "" {
		if _, _, err := net.SplitHostPort(c.API.Addr); err != nil {
			r.fail("API_ADDR", "must be host:port, e.g. 127.0.0.1:8080 (%v)", err)
		}
	}
	if s := c.API.WebhookSecret; s != "" && len(s) < 16 {
		r.fail("WEBHOOK_SECRET", "must be at least 16 characters long")
	}
	if t := c.API.Token; t != "" && len(t) < 16 {
		r.fail("API_TOKEN", "must be at least 16 characters long")
	}
	switch c.Log.Format {
	case "json", "console":
	default:
		r.fail("LOG_FORMAT", "must be json or console (got %q)", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		r.fail("LOG_LEVEL", "must be debug, info, warn or error (got %q)", c.Log.Level)
	}
}

// redactErr keeps a parser's error message from echoing the secret it was given.
func redactErr(err error, s Secret) string {
	msg := err.Error()
	if s != "" {
		msg = strings.ReplaceAll(msg, s.Reveal(), "[redacted]")
	}
	return msg
}

// Error lists every configuration problem at once, so an operator fixes them in one go.
type Error struct{ Problems []string }

func (e *Error) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

type reader struct {
	lookup func(string) (string, bool)
	need   map[Part]bool
	errs   []string
}

func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, name+" "+fmt.Sprintf(format, args...))
}

func (r *reader) str(part Part, name, def string, required bool) string {
	v, ok := r.lookup(name)
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		if required && r.need[part] {
			r.fail(name, "is required but not set")
		}
		return def
	}
	return v
}

func (r *reader) boolean(name string) bool {
	v, ok := r.lookup(name)
	if !ok || strings.TrimSpace(v) == "" {
		return false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		r.fail(name, "must be true or false (got %q)", v)
	}
	return b
}

func (r *reader) positiveInt(name string, def int) int {
	v := r.str(-1, name, "", false)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		r.fail(name, "must be a positive whole number (got %q)", v)
		return def
	}
	return n
}

func (r *reader) file(name string) string {
	v := r.str(-1, name, "", false)
	if v == "" {
		return ""
	}
	if st, err := os.Stat(v); err != nil || st.IsDir() {
		r.fail(name, "must name a readable file (%q: %v)", v, statProblem(err))
	}
	return v
}

func (r *reader) dir(name string) string {
	v := r.str(-1, name, "", false)
	if v == "" {
		return ""
	}
	if st, err := os.Stat(v); err != nil || !st.IsDir() {
		r.fail(name, "must name an existing folder (%q: %v)", v, statProblem(err))
	}
	return v
}

func statProblem(err error) string {
	if err == nil {
		return "wrong kind of file"
	}
	return err.Error()
}
