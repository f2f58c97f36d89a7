package main

import (
	"context"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/logging"
	"github.com/ocbridge/bridge/pkg/temporalclient"
)

// temporal loads the configuration a Temporal-only command needs and dials. The SDK's own log lines go
// to stderr at warn level, so that command output stays readable.
func (env *cli) temporal(ctx context.Context) (client.Client, config.Config, error) {
	cfg, err := config.Load(config.PartTemporal)
	if err != nil {
		return nil, cfg, err
	}
	logger, err := logging.New("console", "warn")
	if err != nil {
		logger = zap.NewNop()
	}
	c, err := temporalclient.Dial(ctx, cfg.Temporal, logger, nil)
	return c, cfg, err
}
