package opencartextension

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
	"github.com/ocbridge/bridge/pkg/webhook"
)

const (
	zipName    = "bridge_webhook.ocmod.zip"
	testSecret = "test-secret-0123456789-abcdef"
)

// requirePHP returns the php binary, failing with the install hint when it or one of the
// extensions the extension needs is missing.
func requirePHP(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs php-cli; skipped under -short")
	}
	php, err := exec.LookPath("php")
	if err != nil {
		t.Fatal("php not found on PATH; install it with `apt-get install -y php-cli php-mysql php-curl`")
	}
	out, err := exec.Command(php, "-m").Output()
	if err != nil {
		t.Fatalf("php -m: %v", err)
	}
	for _, ext := range []string{"curl", "mysqli", "json"} {
		if !bytes.Contains(out, []byte("\n"+ext+"\n")) {
			t.Fatalf("PHP extension %s is missing; install it with `apt-get install -y php-%s`", ext, map[string]string{"curl": "curl", "mysqli": "mysql", "json": "cli"}[ext])
		}
	}
	return php
}

// build runs build.sh into a fresh directory and returns it.
func build(t testing.TB) string {
	t.Helper()
	trackPHPSources(t)
	dist := t.TempDir()
	cmd := exec.Command("bash", "build.sh", dist)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	return dist
}

// trackPHPSources reads the files that only php and build.sh (child processes) read, so that
// go test's result cache is invalidated when they change.
func trackPHPSources(t testing.TB) {
	t.Helper()
	for _, dir := range []string{"src", "testdata", "build.sh"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				_, err = os.ReadFile(path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func packagePath(dist, version string) string {
	if strings.HasPrefix(version, "3.") {
		return filepath.Join(dist, "oc3", zipName)
	}
	return filepath.Join(dist, "oc4", zipName)
}

// readZip returns a package's entries in stored order and their contents by name.
func readZip(t testing.TB, path string) (entries []*zip.File, contents map[string][]byte) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { zr.Close() })
	contents = map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %s: %v", path, f.Name, err)
		}
		contents[f.Name] = data
	}
	return zr.File, contents
}

// unpack copies the package into an empty shop root the way each version's installer
// places it: 3.0 moves upload/* into the root (install.xml is stored in the database,
// not on disk); 4.x extracts everything to extension/<code>/, the code being the zip's name.
func unpack(t testing.TB, dist, version string) (root string) {
	t.Helper()
	root = t.TempDir()
	_, contents := readZip(t, packagePath(dist, version))
	for name, data := range contents {
		var dest string
		if strings.HasPrefix(version, "3.") {
			rest, ok := strings.CutPrefix(name, "upload/")
			if !ok {
				continue
			}
			dest = filepath.Join(root, rest)
		} else {
			dest = filepath.Join(root, "extension", strings.TrimSuffix(zipName, ".ocmod.zip"), name)
		}
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dest, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// libraryDir is where the unpacked extension's shared PHP library lives.
func libraryDir(root, version string) string {
	if strings.HasPrefix(version, "3.") {
		return filepath.Join(root, "system", "library", "bridge_webhook")
	}
	return filepath.Join(root, "extension", "bridge_webhook", "system", "library", "bridge_webhook")
}

// bridge is the receiving side over real HTTP: it verifies and parses each webhook with
// pkg/webhook, as the api does, and can play down or slow.
type bridge struct {
	srv      *httptest.Server
	mu       sync.Mutex
	mode     string // "up", "down" (503), "slow" (answers after the client gave up)
	received []webhook.Event
	rejected []string
}

func newBridge(t *testing.T) *bridge {
	b := &bridge{mode: "up"}
	v, err := webhook.NewVerifier([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		mode := b.mode
		b.mu.Unlock()
		switch mode {
		case "down":
			http.Error(w, "bridge is down for the test", http.StatusServiceUnavailable)
			return
		case "slow":
			select {
			case <-time.After(10 * time.Second):
			case <-r.Context().Done():
			case <-stop:
			}
			return
		}
		reject := func(code int, why string) {
			b.mu.Lock()
			b.rejected = append(b.rejected, r.URL.Path+": "+why)
			b.mu.Unlock()
			http.Error(w, why, code)
		}
		if r.Method != http.MethodPost || r.URL.Path != "/webhooks/opencart" || r.Header.Get("Content-Type") != "application/json" {
			reject(http.StatusNotFound, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type"))
			return
		}
		if err := v.VerifyRequest(r.Header, body, time.Now()); err != nil {
			reject(http.StatusUnauthorized, err.Error())
			return
		}
		ev, err := webhook.Parse(body)
		if err != nil {
			reject(http.StatusUnprocessableEntity, err.Error())
			return
		}
		b.mu.Lock()
		b.received = append(b.received, ev)
		b.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(func() {
		close(stop)
		b.srv.Close()
	})
	return b
}

func (b *bridge) set(mode string) {
	b.mu.Lock()
	b.mode = mode
	b.mu.Unlock()
}

// take returns and forgets what was received, failing the test on any rejected request.
func (b *bridge) take(t *testing.T) []webhook.Event {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.rejected) > 0 {
		t.Fatalf("bridge rejected webhooks: %v", b.rejected)
	}
	got := b.received
	b.received = nil
	return got
}

// shop is one OpenCart version's database with the unpacked extension.
type shop struct {
	t       *testing.T
	version string
	root    string
	db      *sql.DB
	cfg     *mysql.Config
	php     string
	bridge  *bridge
}

func newShop(t *testing.T, dist, version string) *shop {
	php := requirePHP(t)
	dsn := octest.NewShop(t, version)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &shop{t: t, version: version, root: unpack(t, dist, version), db: db, cfg: cfg, php: php, bridge: newBridge(t)}
}

// harnessResult is what testdata/harness.php reports.
type harnessResult struct {
	Handlers []string        `json:"handlers"`
	Log      []string        `json:"log"`
	Headers  []string        `json:"headers"`
	Output   *string         `json:"output"`
	View     json.RawMessage `json:"view"`
	Redirect *string         `json:"redirect"`
}

// run executes one step of testdata/harness.php in app ("admin" or "catalog"), with the
// extension's settings read from the database the way OpenCart loads its config.
func (s *shop) run(app string, step map[string]any) harnessResult {
	s.t.Helper()
	host, port, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil {
		s.t.Fatal(err)
	}
	in, _ := json.Marshal(map[string]any{
		"version": s.version, "root": s.root, "prefix": "oc_", "app": app, "step": step,
		"settings": s.settings(),
		"db":       map[string]any{"host": host, "port": port, "user": s.cfg.User, "password": s.cfg.Passwd, "name": s.cfg.DBName},
	})
	cmd := exec.Command(s.php, "testdata/harness.php")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		s.t.Fatalf("harness %s %v: %v\nstdout: %s\nstderr: %s", app, step, err, out, stderr.Bytes())
	}
	var res harnessResult
	if err := json.Unmarshal(out, &res); err != nil {
		s.t.Fatalf("harness output %q: %v", out, err)
	}
	return res
}

func (s *shop) settings() map[string]string {
	s.t.Helper()
	rows, err := s.db.Query("SELECT `key`, `value` FROM oc_setting WHERE store_id = 0 AND code = 'module_bridge_webhook'")
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			s.t.Fatal(err)
		}
		m[k] = v
	}
	return m
}

// route calls one of the extension's own routes (install, uninstall, index, save, flush).
func (s *shop) route(app, name string, get, post map[string]string) harnessResult {
	s.t.Helper()
	return s.run(app, map[string]any{"do": "route", "name": name, "get": get, "post": post, "post_request": post != nil})
}

// fire plays a model call's after-event through the event rows in the database and
// fails if a handler logged an error (handlers swallow errors to protect checkout).
func (s *shop) fire(app, route, method string, args []any, output any) harnessResult {
	s.t.Helper()
	res := s.run(app, map[string]any{"do": "fire", "route": route, "method": method, "args": args, "output": output})
	if len(res.Log) > 0 {
		s.t.Fatalf("%s %s.%s: handler logged errors: %v", app, route, method, res.Log)
	}
	if len(res.Handlers) == 0 {
		s.t.Fatalf("%s %s.%s: no registered event reached a handler", app, route, method)
	}
	return res
}

// saveSettings submits the settings form as the version's admin page does and returns the
// errors shown (none when saved).
func (s *shop) saveSettings(status, url, secret string) map[string]string {
	s.t.Helper()
	post := map[string]string{"module_bridge_webhook_status": status, "module_bridge_webhook_url": url, "module_bridge_webhook_secret": secret}
	if strings.HasPrefix(s.version, "3.") {
		res := s.route("admin", "index", nil, post)
		if res.Redirect != nil {
			return nil
		}
		var view struct {
			Data struct {
				Errors json.RawMessage `json:"errors"`
			} `json:"data"`
		}
		if err := json.Unmarshal(res.View, &view); err != nil {
			s.t.Fatalf("settings page data %s: %v", res.View, err)
		}
		return decodeErrors(s.t, view.Data.Errors)
	}
	res := s.route("admin", "save", nil, post)
	var reply struct {
		Error   json.RawMessage `json:"error"`
		Success string          `json:"success"`
	}
	if res.Output == nil || json.Unmarshal([]byte(*res.Output), &reply) != nil {
		s.t.Fatalf("save answered %v", res.Output)
	}
	if reply.Success != "" {
		return nil
	}
	errs := decodeErrors(s.t, reply.Error)
	delete(errs, "warning")
	return errs
}

// decodeErrors accepts PHP's encoding of an empty array ([]) as well as an object.
func decodeErrors(t *testing.T, raw json.RawMessage) map[string]string {
	errs := map[string]string{}
	if len(raw) == 0 || string(raw) == "[]" || string(raw) == "null" {
		return errs
	}
	if err := json.Unmarshal(raw, &errs); err != nil {
		t.Fatalf("errors %s: %v", raw, err)
	}
	return errs
}

// outboxRow is one row of oc_bridge_outbox.
type outboxRow struct {
	ID        int64
	Event     string
	Payload   string
	Attempts  int
	LastError string
	Sent      bool
}

func (s *shop) outbox() []outboxRow {
	s.t.Helper()
	rows, err := s.db.Query("SELECT id, event, payload, attempts, last_error, sent_at IS NOT NULL FROM oc_bridge_outbox ORDER BY id")
	if err != nil {
		s.t.Fatalf("read outbox: %v", err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.ID, &r.Event, &r.Payload, &r.Attempts, &r.LastError, &r.Sent); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func (s *shop) pending() []outboxRow {
	var p []outboxRow
	for _, r := range s.outbox() {
		if !r.Sent {
			p = append(p, r)
		}
	}
	return p
}

// opencartConfig writes a config.php like the shop's, for the CLI flush script.
func (s *shop) opencartConfig() string {
	s.t.Helper()
	host, port, _ := net.SplitHostPort(s.cfg.Addr)
	php := "<?php\n" +
		"define('DB_DRIVER', 'mysqli');\n" +
		"define('DB_HOSTNAME', " + strconv.Quote(host) + ");\n" +
		"define('DB_USERNAME', " + strconv.Quote(s.cfg.User) + ");\n" +
		"define('DB_PASSWORD', " + strconv.Quote(s.cfg.Passwd) + ");\n" +
		"define('DB_DATABASE', " + strconv.Quote(s.cfg.DBName) + ");\n" +
		"define('DB_PORT', " + strconv.Quote(port) + ");\n" +
		"define('DB_PREFIX', 'oc_');\n"
	path := filepath.Join(s.t.TempDir(), "config.php")
	if err := os.WriteFile(path, []byte(php), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return path
}
