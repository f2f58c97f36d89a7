// Command odoosim serves the Odoo XML-RPC simulator for local runs and demos.
//
//	go run ./pkg/odoosim/cmd/odoosim -version 16 -products 500
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/ocbridge/bridge/pkg/odoosim"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "odoosim:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8069", "listen address")
	version := flag.Int("version", 17, "Odoo major version to simulate (13-18)")
	db := flag.String("db", "odoo", "database name")
	login := flag.String("login", "admin", "admin login")
	password := flag.String("password", "admin", "admin password")
	products := flag.Int("products", 0, "product templates to seed (0 = master data only)")
	seed := flag.Int64("seed", 1, "seed for the catalog and fault draws")
	latency := flag.Duration("latency", 0, "latency added to every object call, e.g. 100ms")
	faultRate := flag.Float64("fault-rate", 0, "probability of an HTTP 502 per object call")
	flag.Parse()

	log, err := zap.NewProduction()
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()

	sim, err := odoosim.New(odoosim.Config{Version: *version, DB: *db, Login: *login, Password: *password, Latency: *latency, Seed: *seed})
	if err != nil {
		return err
	}
	if *products > 0 {
		start := time.Now()
		spec := odoosim.DefaultCatalogSpec(*products)
		if err := sim.SeedCatalog(spec); err != nil {
			return fmt.Errorf("seeding %d products: %w", *products, err)
		}
		log.Info("catalog seeded", zap.Int("templates", spec.Templates), zap.Duration("took", time.Since(start)))
	}
	if *faultRate > 0 {
		sim.SetFaults(odoosim.Faults{Rate502: *faultRate})
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("odoo simulator listening", zap.String("url", "http://"+ln.Addr().String()), zap.Int("version", *version),
		zap.String("db", *db), zap.String("login", *login), zap.Duration("latency", *latency), zap.Float64("fault_rate", *faultRate))

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
