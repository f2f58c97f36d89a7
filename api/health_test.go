package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/testbed"
)

func readyz(t *testing.T, cfg config.Config, bed *testbed.Bed) (int, map[string]string) {
	t.Helper()
	d, err := dialDeps(context.Background(), cfg, bed.Logger)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rec := httptest.NewRecorder()
	newServer(cfg, d, bed.Logger).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("readyz body %q: %v", rec.Body.String(), err)
	}
	return rec.Code, body
}

// deadAddress returns a loopback address nobody listens on.
func deadAddress(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestReadyzReportsEachDependencyHonestly(t *testing.T) {
	bed := testbed.New(t, testbed.Options{})

	code, body := readyz(t, bed.Config, bed)
	if code != http.StatusOK || len(body) != 4 {
		t.Fatalf("all up: %d %v", code, body)
	}
	for _, dep := range []string{"temporal", "postgres", "opencart", "odoo"} {
		if body[dep] != "ok" {
			t.Errorf("%s = %q, want ok", dep, body[dep])
		}
	}

	// Odoo down: only odoo is reported, with the reason.
	cfg := bed.Config
	cfg.Odoo.URL = "http://" + deadAddress(t)
	code, body = readyz(t, cfg, bed)
	if code != http.StatusServiceUnavailable || body["odoo"] == "ok" || !strings.Contains(body["odoo"], "refused") {
		t.Fatalf("odoo down: %d %v", code, body)
	}
	for _, dep := range []string{"temporal", "postgres", "opencart"} {
		if body[dep] != "ok" {
			t.Errorf("odoo down: %s = %q, want ok", dep, body[dep])
		}
	}

	// Shop database gone: only opencart is reported.
	cfg = bed.Config
	dsn, err := mysql.ParseDSN(cfg.OpenCart.DSN.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	dsn.DBName = "missing_" + dsn.DBName
	cfg.OpenCart.DSN = config.Secret(dsn.FormatDSN())
	code, body = readyz(t, cfg, bed)
	if code != http.StatusServiceUnavailable || body["opencart"] == "ok" || body["odoo"] != "ok" {
		t.Fatalf("shop down: %d %v", code, body)
	}
	if strings.Contains(body["opencart"], cfg.OpenCart.DSN.Reveal()) {
		t.Fatalf("readyz leaks the DSN: %v", body["opencart"])
	}
}

func TestAPIProcessServesHealthAndStopsOnSIGTERM(t *testing.T) {
	bed := testbed.New(t, testbed.Options{})
	addr := deadAddress(t)
	p := bed.Start(t, "api", []string{"API_ADDR=" + addr})
	testbed.Eventually(t, 30*time.Second, func() error {
		res, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("healthz: %s", res.Status)
		}
		return nil
	})
	p.Terminate(t, 20*time.Second)
	if out := p.Output(); !strings.Contains(out, "api shutting down") || strings.Contains(out, bed.Config.Odoo.Password.Reveal()) {
		t.Fatalf("unexpected output:\n%s", out)
	}
}

func TestAPIRefusesInvalidConfigNamingTheVariable(t *testing.T) {
	bed := testbed.New(t, testbed.Options{})
	p := bed.Start(t, "api", []string{"ODOO_URL=", "OPENCART_DSN=not a dsn"})
	err := p.Cmd.Wait()
	out := p.Output()
	if err == nil || !strings.Contains(out, "ODOO_URL is required") || !strings.Contains(out, "OPENCART_DSN is not a MySQL DSN") {
		t.Fatalf("want a config error naming ODOO_URL and OPENCART_DSN, got %v:\n%s", err, out)
	}
}
