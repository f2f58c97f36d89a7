// Command worker runs the bridge's workflows and activities. Start as many as the load needs, on any
// machines: they share the task queue and the mapping store, and nothing here assumes a single worker.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/connect"
	"github.com/ocbridge/bridge/pkg/logging"
	"github.com/ocbridge/bridge/pkg/temporalclient"
	"github.com/ocbridge/bridge/workflows"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load(config.PartTemporal, config.PartStore, config.PartOpenCart, config.PartOdoo)
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

	store, err := connect.Store(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	shop, err := connect.Shop(ctx, cfg)
	if err != nil {
		return err
	}
	defer shop.Close()
	erp, err := connect.ERP(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer erp.Close()
	tc, err := temporalclient.Dial(ctx, cfg.Temporal, logger, nil)
	if err != nil {
		return err
	}
	defer tc.Close()

	w := worker.New(tc, cfg.TaskQueue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: store, Shop: shop, ERP: erp})

	logger.Info("worker starting",
		zap.String("task_queue", cfg.TaskQueue), zap.String("connection", cfg.Connection),
		zap.String("odoo_version", erp.Version().String()), zap.String("opencart_schema", shop.Flavour().String()))
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker on task queue %s: %w", cfg.TaskQueue, err)
	}
	<-ctx.Done()
	logger.Info("worker stopping: finishing running activities")
	w.Stop()
	return nil
}
