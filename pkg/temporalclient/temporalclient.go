// Package temporalclient dials Temporal the same way for worker, starter and api: a local dev server, a
// self-hosted cluster behind (m)TLS, or Temporal Cloud with an API key.
package temporalclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/logging"
)

// Options builds the SDK's client options from the configuration. metrics may be nil.
func Options(cfg config.Temporal, logger *zap.Logger, metrics client.MetricsHandler) (client.Options, error) {
	opts := client.Options{
		HostPort:       cfg.Address,
		Namespace:      cfg.Namespace,
		Logger:         logging.Temporal(logger),
		MetricsHandler: metrics,
	}
	tlsCfg, err := tlsConfig(cfg)
	if err != nil {
		return client.Options{}, err
	}
	opts.ConnectionOptions.TLS = tlsCfg
	if cfg.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(cfg.APIKey.Reveal())
	}
	return opts, nil
}

// tlsConfig returns nil for a plain connection. An API key implies TLS: Temporal Cloud refuses plaintext.
func tlsConfig(cfg config.Temporal) (*tls.Config, error) {
	if !cfg.TLS && cfg.APIKey == "" && cfg.TLSCert == "" && cfg.TLSCA == "" {
		return nil, nil
	}
	t := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: cfg.TLSServer}
	if cfg.TLSCert != "" {
		pair, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY: %w", err)
		}
		t.Certificates = []tls.Certificate{pair}
	}
	if cfg.TLSCA != "" {
		pem, err := os.ReadFile(cfg.TLSCA)
		if err != nil {
			return nil, fmt.Errorf("TEMPORAL_TLS_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TEMPORAL_TLS_CA: %s holds no PEM certificate", cfg.TLSCA)
		}
		t.RootCAs = pool
	}
	return t, nil
}

// Dial connects and checks that the namespace answers, so a wrong address fails at start, not on first use.
func Dial(ctx context.Context, cfg config.Temporal, logger *zap.Logger, metrics client.MetricsHandler) (client.Client, error) {
	opts, err := Options(cfg, logger, metrics)
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s (namespace %s): %w", cfg.Address, cfg.Namespace, err)
	}
	return c, nil
}
