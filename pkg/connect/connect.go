// Package connect turns the bridge's configuration into live connections, the same way in every binary.
package connect

import (
	"context"

	"go.uber.org/zap"

	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Store opens the mapping store of the configured shop connection (migrating it).
func Store(ctx context.Context, cfg config.Config) (*mapping.Store, error) {
	return mapping.Open(ctx, cfg.DatabaseURL.Reveal(), cfg.Connection)
}

// Shop opens the OpenCart database.
func Shop(ctx context.Context, cfg config.Config) (*opencart.DB, error) {
	return opencart.Open(ctx, opencart.Config{
		DSN:         cfg.OpenCart.DSN.Reveal(),
		TablePrefix: cfg.OpenCart.TablePrefix,
		CacheDir:    cfg.OpenCart.CacheDir,
	})
}

// ERP authenticates against Odoo and detects its version.
func ERP(ctx context.Context, cfg config.Config, logger *zap.Logger) (*odoo.Client, error) {
	return odoo.Dial(ctx, odoo.Config{
		URL:      cfg.Odoo.URL,
		DB:       cfg.Odoo.DB,
		Login:    cfg.Odoo.Username,
		Password: cfg.Odoo.Password.Reveal(),
		PoolSize: cfg.Odoo.PoolSize,
		Logger:   logger,
	})
}
