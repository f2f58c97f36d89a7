// Command worker runs the bridge's workflows and activities. Start as many as the load needs, on any
// machines: they share the task queue and the mapping store, and nothing here assumes a single worker.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/connect"
	"github.com/ocbridge/bridge/pkg/logging"
	"github.com/ocbridge/bridge/pkg/metrics"
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
	stock, err := activities.LoadStockSettings(os.LookupEnv)
	if err != nil {
		return err
	}
	orders, err := activities.LoadOrderSettings(os.LookupEnv)
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
	reg := metrics.New()
	if err := reg.Register(metrics.XMLRPCCollector(erp)); err != nil {
		return err
	}
	tc, err := temporalclient.Dial(ctx, cfg.Temporal, logger, reg.Temporal())
	if err != nil {
		return err
	}
	defer tc.Close()
	if cfg.MetricsAddr != "off" {
		go serveMetrics(cfg.MetricsAddr, reg, logger)
	}

	w := worker.New(tc, cfg.TaskQueue, worker.Options{
		// Every activity counts, so that no storm of work (stock changes, a bulk sync, an order backlog)
		// overloads Odoo or the shop database.
		TaskQueueActivitiesPerSecond:       stock.Worker.ActivitiesPerSecond,
		MaxConcurrentActivityExecutionSize: stock.Worker.MaxConcurrentActivities,
		// More pollers than the SDK's two: an order burst is many short tasks (measured: p50 of 7-11 s
		// at 50 orders/s with two pollers, well under a second with eight).
		MaxConcurrentWorkflowTaskPollers: 8,
		MaxConcurrentActivityTaskPollers: 8,
	})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: store, Shop: shop, ERP: erp, Metrics: reg, Stock: stock, Orders: orders})
	if err := workflows.EnsureStockSchedule(ctx, tc, cfg.Connection, cfg.TaskQueue, stock.PollInterval); err != nil {
		return err
	}
	if err := workflows.EnsureOrderSchedules(ctx, tc, cfg.TaskQueue, cfg.Connection, orders); err != nil {
		return err
	}
	catalog, err := activities.LoadCatalogSettings(os.LookupEnv)
	if err != nil {
		return err
	}
	if err := workflows.EnsureCatalogSchedule(ctx, tc, cfg.Connection, cfg.TaskQueue, catalog.PollInterval); err != nil {
		return err
	}

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

// serveMetrics serves /metrics for Prometheus. A worker without it still works, so a failure is logged,
// not fatal (e.g. two workers on one machine with the same WORKER_METRICS_ADDR).
func serveMetrics(addr string, reg *metrics.Registry, logger *zap.Logger) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", reg.Handler())
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	logger.Info("metrics listening", zap.String("addr", addr))
	if err := srv.ListenAndServe(); err != nil {
		logger.Warn("metrics server stopped; set WORKER_METRICS_ADDR to a free host:port or off", zap.Error(err))
	}
}
