package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func lookupFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func validEnv() map[string]string {
	return map[string]string{
		"BRIDGE_DATABASE_URL": "postgres://bridge:pg-secret-pw@127.0.0.1:5432/bridge",
		"OPENCART_DSN":        "shop:mysql-secret-pw@tcp(127.0.0.1:3306)/opencart",
		"ODOO_URL":            "https://erp.example.com",
		"ODOO_DB":             "prod",
		"ODOO_USERNAME":       "bridge@example.com",
		"ODOO_PASSWORD":       "odoo-secret-pw",
		"WEBHOOK_SECRET":      "webhook-secret-0123456789",
		"API_TOKEN":           "api-token-0123456789abcdef",
		"TEMPORAL_API_KEY":    "temporal-secret-key",
	}
}

var allParts = []Part{PartTemporal, PartStore, PartOpenCart, PartOdoo, PartAPI}

func TestDefaults(t *testing.T) {
	c, err := FromLookup(lookupFrom(validEnv()), allParts...)
	if err != nil {
		t.Fatal(err)
	}
	if c.Temporal.Address != "127.0.0.1:7233" || c.Temporal.Namespace != "default" ||
		c.OpenCart.TablePrefix != "oc_" || c.API.Addr != "127.0.0.1:8080" || c.TaskQueue != DefaultTaskQueue ||
		c.Connection != "default" {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

func TestInvalidConfigNamesTheVariable(t *testing.T) {
	cases := []struct {
		name   string
		change map[string]string
		drop   string
		want   string
	}{
		{"missing odoo url", nil, "ODOO_URL", "ODOO_URL is required"},
		{"odoo url not http", map[string]string{"ODOO_URL": "ftp://x"}, "", "ODOO_URL must be an http(s) URL"},
		{"bad dsn", map[string]string{"OPENCART_DSN": "not a dsn"}, "", "OPENCART_DSN is not a MySQL DSN"},
		{"bad database url", map[string]string{"BRIDGE_DATABASE_URL": "postgres://x:y@[::1"}, "", "BRIDGE_DATABASE_URL is not a PostgreSQL URL"},
		{"bad temporal address", map[string]string{"TEMPORAL_ADDRESS": "localhost"}, "", "TEMPORAL_ADDRESS must be host:port"},
		{"bad prefix", map[string]string{"OPENCART_TABLE_PREFIX": "oc-;drop"}, "", "OPENCART_TABLE_PREFIX must be"},
		{"short secret", map[string]string{"WEBHOOK_SECRET": "short"}, "", "WEBHOOK_SECRET must be at least 16"},
		{"missing token", nil, "API_TOKEN", "API_TOKEN is required"},
		{"bad bool", map[string]string{"TEMPORAL_TLS": "perhaps"}, "", "TEMPORAL_TLS must be true or false"},
		{"cert without key", map[string]string{"TEMPORAL_TLS_CERT": "config.go"}, "", "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY"},
		{"missing cert file", map[string]string{"TEMPORAL_TLS_CA": "/nonexistent/ca.pem"}, "", "TEMPORAL_TLS_CA must name a readable file"},
		{"bad log format", map[string]string{"LOG_FORMAT": "xml"}, "", "LOG_FORMAT must be json or console"},
		{"bad pool size", map[string]string{"ODOO_POOL_SIZE": "0"}, "", "ODOO_POOL_SIZE must be a positive whole number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := validEnv()
			for k, v := range tc.change {
				env[k] = v
			}
			delete(env, tc.drop)
			_, err := FromLookup(lookupFrom(env), allParts...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
			for _, secret := range []string{"pg-secret-pw", "mysql-secret-pw", "odoo-secret-pw"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error leaks a secret: %v", err)
				}
			}
		})
	}
}

func TestOnlyNeededPartsAreRequired(t *testing.T) {
	// The starter needs Temporal only: no Odoo or OpenCart variables.
	if _, err := FromLookup(lookupFrom(map[string]string{}), PartTemporal); err != nil {
		t.Fatalf("temporal-only config should load from defaults: %v", err)
	}
	// But a malformed variable of an unneeded part is still reported.
	_, err := FromLookup(lookupFrom(map[string]string{"ODOO_URL": "nope"}), PartTemporal)
	if err == nil || !strings.Contains(err.Error(), "ODOO_URL") {
		t.Fatalf("want ODOO_URL error, got %v", err)
	}
	// All problems are listed together.
	_, err = FromLookup(lookupFrom(map[string]string{}), allParts...)
	for _, name := range []string{"BRIDGE_DATABASE_URL", "OPENCART_DSN", "ODOO_URL", "ODOO_DB", "ODOO_USERNAME", "ODOO_PASSWORD", "API_TOKEN", "WEBHOOK_SECRET"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	env := validEnv()
	c, err := FromLookup(lookupFrom(env), allParts...)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(c)
	core, logs := observer.New(zap.DebugLevel)
	zap.New(core).Info("config", zap.Any("config", c))
	logged, _ := json.Marshal(logs.All()[0].ContextMap())
	for _, rendered := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), string(js), string(logged)} {
		for _, k := range []string{"ODOO_PASSWORD", "WEBHOOK_SECRET", "API_TOKEN", "TEMPORAL_API_KEY"} {
			if strings.Contains(rendered, env[k]) {
				t.Fatalf("%s leaked in %s", k, rendered)
			}
		}
		if strings.Contains(rendered, "pg-secret-pw") || strings.Contains(rendered, "mysql-secret-pw") {
			t.Fatalf("a DSN password leaked in %s", rendered)
		}
	}
	if c.Odoo.Password.Reveal() != env["ODOO_PASSWORD"] {
		t.Fatal("Reveal must return the secret")
	}
}
