package main

import (
	"context"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/connect"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/metrics"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/temporalclient"
)

// deps are the api's connections. Temporal and the mapping store are required at start (without them the
// api can accept nothing); the shop database and Odoo are connected on first use.
type deps struct {
	metrics  *metrics.Registry // the api's own metrics; the SDK's client metrics report here too
	temporal client.Client
	store    *mapping.Store
	shop     *lazy[*opencart.DB]
	erp      *lazy[*odoo.Client]
}

func dialDeps(ctx context.Context, cfg config.Config, logger *zap.Logger) (*deps, error) {
	reg := metrics.New()
	tc, err := temporalclient.Dial(ctx, cfg.Temporal, logger, reg.Temporal())
	if err != nil {
		return nil, err
	}
	store, err := connect.Store(ctx, cfg)
	if err != nil {
		tc.Close()
		return nil, err
	}
	return &deps{
		metrics:  reg,
		temporal: tc,
		store:    store,
		shop: newLazy(func(ctx context.Context) (*opencart.DB, error) {
			return connect.Shop(ctx, cfg)
		}, func(db *opencart.DB) { _ = db.Close() }),
		erp: newLazy(func(ctx context.Context) (*odoo.Client, error) {
			return connect.ERP(ctx, cfg, logger)
		}, (*odoo.Client).Close),
	}, nil
}

func (d *deps) Close() {
	d.erp.Close()
	d.shop.Close()
	d.store.Close()
	d.temporal.Close()
}
