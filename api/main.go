// Command api is the bridge's HTTP service: webhooks from the shop, mapping admin, health and metrics.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/logging"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "api:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load(config.PartTemporal, config.PartStore, config.PartOpenCart, config.PartOdoo, config.PartAPI)
	if err != nil {
		return err
	}
	logger, err := logging.New(cfg.Log.Format, cfg.Log.Level)
	if err != nil {
		return err
	}
	defer func() { _ = logger.Sync() }()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	deps, err := dialDeps(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer deps.Close()

	srv := &http.Server{Addr: cfg.API.Addr, Handler: newServer(cfg, deps, logger), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("api listening", zap.String("addr", cfg.API.Addr), zap.String("connection", cfg.Connection))

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("api shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
