package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/testbed"
)

func TestWorkerProcessStartsAndStopsOnSIGTERM(t *testing.T) {
	bed := testbed.New(t, testbed.Options{OpenCart: "3.0.4.1", Odoo: odoosim.Config{Version: 14, Password: "odoo-secret-pw-4711"}})
	p := bed.Start(t, "worker", nil)
	testbed.Eventually(t, 60*time.Second, func() error {
		if out := p.Output(); !strings.Contains(out, "worker starting") {
			return fmt.Errorf("no start line yet:\n%s", out)
		}
		return nil
	})
	out := p.Output()
	// The start line says what it found: the Odoo version and the shop's schema flavour.
	if !strings.Contains(out, "14.0") || !strings.Contains(out, "3.0") {
		t.Fatalf("start line does not name Odoo 14 and OpenCart 3.0:\n%s", out)
	}
	p.Terminate(t, 30*time.Second)
	if strings.Contains(p.Output(), bed.Config.Odoo.Password.Reveal()) {
		t.Fatal("worker output shows the Odoo password")
	}
}

func TestWorkerRefusesInvalidConfigNamingTheVariable(t *testing.T) {
	bed := testbed.New(t, testbed.Options{})
	p := bed.Start(t, "worker", []string{"BRIDGE_DATABASE_URL=", "TEMPORAL_ADDRESS=nohostport"})
	err := p.Cmd.Wait()
	out := p.Output()
	if err == nil || !strings.Contains(out, "BRIDGE_DATABASE_URL is required") || !strings.Contains(out, "TEMPORAL_ADDRESS must be host:port") {
		t.Fatalf("want a config error naming both variables, got %v:\n%s", err, out)
	}
}
