package odoo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/ocbridge/bridge/pkg/odoo"
)

func TestLogsNeverCarryThePassword(t *testing.T) {
	requireSimulator(t)
	core, logs := observer.New(zapcore.DebugLevel)
	_, url := startSim(t, 17, nil)
	c := dial(t, url, func(cfg *odoo.Config) { cfg.Logger = zap.New(core) })
	ctx := context.Background()
	if _, err := c.SearchCount(ctx, "res.partner", nil, nil); err != nil {
		t.Fatal(err)
	}
	_, _ = c.Read(ctx, "res.partner", []int64{999999}, []string{"name"}, nil) // a fault, logged at debug
	if _, err := odoo.Dial(ctx, odoo.Config{URL: url, DB: testDB, Login: testLogin, Password: "not-" + testPassword, Logger: zap.New(core)}); err == nil {
		t.Fatal("wrong password accepted")
	}

	if logs.Len() < 3 {
		t.Fatalf("expected connect and call logs, got %d entries", logs.Len())
	}
	for _, entry := range logs.All() {
		line := entry.Message + fmt.Sprint(entry.ContextMap())
		if strings.Contains(line, testPassword) {
			t.Fatalf("log entry leaks the password: %s", line)
		}
	}
}
