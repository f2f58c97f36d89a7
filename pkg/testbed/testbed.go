// Package testbed assembles the real components for end-to-end tests: a Temporal dev server (the one
// scripts/test.sh starts, at TEMPORAL_ADDRESS), a fresh PostgreSQL mapping store, a fresh MariaDB loaded with
// a real OpenCart install, and the Odoo simulator over HTTP. Each bed gets its own shop connection name and
// task queue, so beds in parallel tests (and leftovers of earlier runs on the same server) never meet.
package testbed

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/connect"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/odoosim/odoosimtest"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/opencart/octest"
	"github.com/ocbridge/bridge/pkg/pgtest"
	"github.com/ocbridge/bridge/pkg/temporalclient"
	"github.com/ocbridge/bridge/workflows"
)

// Options choose the versions under test.
type Options struct {
	OpenCart string         // a version of octest.Versions; default "4.0.2.3"
	Odoo     odoosim.Config // simulator settings; Version 0 = 17
}

// Bed is one assembled environment.
type Bed struct {
	Config   config.Config // complete configuration pointing at this bed (for the api and for processes)
	Temporal client.Client
	Store    *mapping.Store
	Shop     *opencart.DB
	Sim      *odoosim.Server
	ERP      *odoo.Client
	Logger   *zap.Logger
}

// New assembles a bed; everything is closed when the test ends.
func New(t testing.TB, opts Options) *Bed {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test; skipped in -short mode")
	}
	if opts.OpenCart == "" {
		opts.OpenCart = "4.0.2.3"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	sim, odooURL := odoosimtest.Start(t, opts.Odoo)
	simCfg := opts.Odoo // the simulator's own defaults, for the fields left empty
	simCfg.DB = cmp.Or(simCfg.DB, "odoo")
	simCfg.Login = cmp.Or(simCfg.Login, "admin")
	simCfg.Password = cmp.Or(simCfg.Password, "admin")
	suffix := randomSuffix()
	env := map[string]string{
		"TEMPORAL_ADDRESS":    temporalAddress(),
		"TEMPORAL_NAMESPACE":  "default",
		"BRIDGE_CONNECTION":   "test-" + suffix,
		"BRIDGE_TASK_QUEUE":   "test-" + suffix,
		"BRIDGE_DATABASE_URL": pgtest.NewDatabase(t),
		"OPENCART_DSN":        octest.NewShop(t, opts.OpenCart),
		"ODOO_URL":            odooURL,
		"ODOO_DB":             simCfg.DB,
		"ODOO_USERNAME":       simCfg.Login,
		"ODOO_PASSWORD":       simCfg.Password,
		"WEBHOOK_SECRET":      "test-webhook-secret-" + suffix,
		"API_TOKEN":           "test-api-token-" + suffix,
		"LOG_FORMAT":          "console",
	}
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		config.PartTemporal, config.PartStore, config.PartOpenCart, config.PartOdoo, config.PartAPI)
	if err != nil {
		t.Fatalf("testbed config: %v", err)
	}
	b := &Bed{Config: cfg, Sim: sim, Logger: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))}

	if b.Store, err = connect.Store(ctx, cfg); err != nil {
		t.Fatalf("testbed mapping store: %v", err)
	}
	t.Cleanup(b.Store.Close)
	if b.Shop, err = connect.Shop(ctx, cfg); err != nil {
		t.Fatalf("testbed shop: %v", err)
	}
	t.Cleanup(func() { _ = b.Shop.Close() })
	if b.ERP, err = connect.ERP(ctx, cfg, b.Logger); err != nil {
		t.Fatalf("testbed odoo: %v", err)
	}
	t.Cleanup(b.ERP.Close)
	if b.Temporal, err = temporalclient.Dial(ctx, cfg.Temporal, b.Logger, nil); err != nil {
		t.Fatalf("Temporal dev server at %s is not reachable (scripts/test.sh starts one; or run scripts/stack.sh up and set TEMPORAL_ADDRESS): %v",
			cfg.Temporal.Address, err)
	}
	t.Cleanup(b.Temporal.Close)
	t.Cleanup(b.deleteSchedules) // runs before Close: workers of the bed create schedules on the shared server
	return b
}

// deleteSchedules removes the schedules this bed's workers created (their IDs carry the connection), so
// they do not keep starting workflows on a dev server that outlives the test.
func (b *Bed) deleteSchedules() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	it, err := b.Temporal.ScheduleClient().List(ctx, client.ScheduleListOptions{PageSize: 100})
	if err != nil {
		return
	}
	for it.HasNext() {
		s, err := it.Next()
		if err != nil {
			return
		}
		if strings.Contains(s.ID, b.Config.Connection) {
			_ = b.Temporal.ScheduleClient().GetHandle(ctx, s.ID).Delete(ctx)
		}
	}
}

// Activities returns the activities wired to this bed's components.
func (b *Bed) Activities() *activities.Activities {
	return &activities.Activities{Store: b.Store, Shop: b.Shop, ERP: b.ERP, Orders: activities.DefaultOrderSettings()}
}

// StartWorker runs an in-process worker on the bed's task queue, registered exactly like the worker
// binary, until the test ends.
func (b *Bed) StartWorker(t testing.TB) worker.Worker {
	t.Helper()
	w := worker.New(b.Temporal, b.Config.TaskQueue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(b.Activities())
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(w.Stop)
	return w
}

// Environ returns the environment a worker or api process needs to serve this bed.
func (b *Bed) Environ() []string {
	c := b.Config
	return append(os.Environ(),
		"TEMPORAL_ADDRESS="+c.Temporal.Address,
		"TEMPORAL_NAMESPACE="+c.Temporal.Namespace,
		"BRIDGE_CONNECTION="+c.Connection,
		"BRIDGE_TASK_QUEUE="+c.TaskQueue,
		"BRIDGE_DATABASE_URL="+c.DatabaseURL.Reveal(),
		"OPENCART_DSN="+c.OpenCart.DSN.Reveal(),
		"OPENCART_TABLE_PREFIX="+c.OpenCart.TablePrefix,
		"ODOO_URL="+c.Odoo.URL,
		"ODOO_DB="+c.Odoo.DB,
		"ODOO_USERNAME="+c.Odoo.Username,
		"ODOO_PASSWORD="+c.Odoo.Password.Reveal(),
		"WEBHOOK_SECRET="+c.API.WebhookSecret.Reveal(),
		"API_TOKEN="+c.API.Token.Reveal(),
		"LOG_FORMAT=console",
		"BRIDGE_ENV_FILE=/dev/null",
	)
}

func temporalAddress() string {
	if a := os.Getenv("TEMPORAL_ADDRESS"); a != "" {
		return a
	}
	return config.DefaultTemporalAddress
}

func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Eventually polls cond until it returns nil or the timeout passes, then fails with cond's last error.
func Eventually(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s: %v", timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
