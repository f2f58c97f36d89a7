// Package octest gives tests a fresh OpenCart shop database, loaded from the
// real clean-install dumps kept next to the repository (../shared/opencart),
// and builds orders the way OpenCart's checkout writes them.
//
// It does not import package opencart, so that package's internal tests can
// use it too.
package octest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Versions are the OpenCart releases with a dump; tests run against each.
var Versions = []string{"3.0.4.1", "4.0.2.3", "4.1.0.4"}

// Environment variables that change where octest looks.
const (
	// EnvServerDSN overrides the MariaDB server DSN (default root@127.0.0.1:3306).
	EnvServerDSN = "OCTEST_MYSQL_DSN"
	// EnvDumpsDir overrides the directory holding opencart-<version>.sql.
	EnvDumpsDir = "OPENCART_DUMPS_DIR"
	// EnvKeep=1 keeps the test databases for inspection instead of dropping them.
	EnvKeep = "OCTEST_KEEP"
)

const defaultServerDSN = "root@tcp(127.0.0.1:3306)/"

// ServerConfig returns the MariaDB server configuration (no database
// selected), skipping the test under -short.
func ServerConfig(t testing.TB) *mysql.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("needs MariaDB; skipped under -short")
	}
	dsn := os.Getenv(EnvServerDSN)
	if dsn == "" {
		dsn = defaultServerDSN
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("octest: %s is not a valid go-sql-driver DSN: %v", EnvServerDSN, err)
	}
	cfg.DBName = ""
	return cfg
}

// NewShop creates a database holding a fresh install of the given OpenCart
// version (one of Versions) with prefix oc_ and returns its DSN. The database
// is dropped when the test ends unless OCTEST_KEEP=1.
func NewShop(t testing.TB, version string) (dsn string) {
	t.Helper()
	path := DumpPath(t, version)
	dump, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("octest: read dump: %v", err)
	}
	dsn = NewDatabase(t, "octest_"+strings.ReplaceAll(version, ".", ""))
	// The dump sets its own session (sql_mode, time zone, charset) at the top,
	// so it must run in order on one connection: one multi-statement Exec.
	loader, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	loader.MultiStatements = true
	conn := openConfig(t, loader)
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := conn.ExecContext(ctx, string(dump)); err != nil {
		t.Fatalf("octest: load %s into %s: %v", filepath.Base(path), loader.DBName, err)
	}
	return dsn
}

// NewDatabase creates an empty database (utf8mb4) named after the test's
// purpose plus a unique suffix and returns its DSN. It is dropped when the
// test ends unless OCTEST_KEEP=1.
func NewDatabase(t testing.TB, purpose string) (dsn string) {
	t.Helper()
	server := ServerConfig(t)
	admin := openServer(t, server)
	name := uniqueName(purpose)
	if _, err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"); err != nil {
		t.Fatalf("octest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if os.Getenv(EnvKeep) == "1" {
			t.Logf("octest: kept database %s (%s=1)", name, EnvKeep)
			return
		}
		if _, err := admin.Exec("DROP DATABASE IF EXISTS `" + name + "`"); err != nil {
			t.Errorf("octest: drop database %s: %v", name, err)
		}
	})
	shop := server.Clone()
	shop.DBName = name
	return shop.FormatDSN()
}

// DumpPath is the path of opencart-<version>.sql: in $OPENCART_DUMPS_DIR, or
// else in ../shared/opencart next to the repository root (the directory with
// go.mod above the working directory).
func DumpPath(t testing.TB, version string) string {
	t.Helper()
	known := false
	for _, v := range Versions {
		known = known || v == version
	}
	if !known {
		t.Fatalf("octest: no dump for OpenCart %q; use one of %v", version, Versions)
	}
	dir := os.Getenv(EnvDumpsDir)
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatalf("octest: %v; set %s to the directory holding opencart-<version>.sql", err, EnvDumpsDir)
		}
		dir = filepath.Join(filepath.Dir(root), "shared", "opencart")
	}
	path := filepath.Join(dir, "opencart-"+version+".sql")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("octest: %v; set %s to the directory holding opencart-<version>.sql", err, EnvDumpsDir)
	}
	return path
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// uniqueName is a database name that cannot collide across parallel tests
// and test processes.
func uniqueName(purpose string) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	purpose = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, strings.ToLower(purpose))
	if len(purpose) > 40 {
		purpose = purpose[:40]
	}
	return fmt.Sprintf("%s_%d_%s", purpose, os.Getpid(), hex.EncodeToString(b[:]))
}

// openServer opens a pool to the server, closed when the test ends, failing
// the test with what to start if MariaDB is not reachable.
func openServer(t testing.TB, cfg *mysql.Config) *sql.DB {
	t.Helper()
	db := openConfig(t, cfg)
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("octest: MariaDB is not reachable at %s (%v); start it (e.g. `service mariadb start`) or set %s", cfg.Addr, err, EnvServerDSN)
	}
	return db
}

func openConfig(t testing.TB, cfg *mysql.Config) *sql.DB {
	t.Helper()
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatalf("octest: %v", err)
	}
	return sql.OpenDB(connector)
}
