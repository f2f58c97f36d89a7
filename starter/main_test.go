package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/pgtest"
)

func runStarter(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), &cli{stdout: &out, stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

func TestUsageAndUnknownCommands(t *testing.T) {
	code, out, _ := runStarter(t, "help")
	for _, cmd := range []string{"bulk-sync", "sync", "failures", "replay", "status", "healthcheck"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("help does not list %s", cmd)
		}
	}
	if code != 0 {
		t.Fatalf("help exit %d", code)
	}
	if code, _, errOut := runStarter(t, "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
	if code, _, errOut := runStarter(t, "bulk-sync", "--direction", "sideways"); code != 1 || !strings.Contains(errOut, "odoo-to-opencart or opencart-to-odoo") {
		t.Fatalf("bad direction: %d %q", code, errOut)
	}
	if code, _, _ := runStarter(t, "sync", "product"); code != 2 {
		t.Fatalf("sync without id: exit %d, want 2", code)
	}
	if code, _, errOut := runStarter(t, "sync", "product", "7", "--from", "erp"); code != 1 || !strings.Contains(errOut, `from "erp"`) {
		t.Fatalf("sync from erp: %d %q", code, errOut)
	}
}

func TestFailuresListsReasonAndFix(t *testing.T) {
	url := pgtest.NewDatabase(t)
	t.Setenv("BRIDGE_ENV_FILE", "/dev/null")
	t.Setenv("BRIDGE_DATABASE_URL", url)
	t.Setenv("BRIDGE_CONNECTION", "shop7")
	ctx := context.Background()
	store, err := mapping.Open(ctx, url, "shop7")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.RecordFailure(ctx, mapping.Failure{Kind: mapping.KindProduct, Direction: mapping.OdooToOpenCart,
		RecordID: "42", Reason: "name is empty", Field: "name", Fix: "give product 42 a name in Odoo"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RecordFailure(ctx, mapping.Failure{Kind: mapping.KindCategory, Direction: mapping.OpenCartToOdoo,
		RecordID: "9", Reason: "two Odoo categories are named Chairs", Fix: "map it by hand"}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runStarter(t, "failures", "--kind", "product")
	if code != 0 || !strings.Contains(out, "name: name is empty") || !strings.Contains(out, "give product 42 a name in Odoo") || strings.Contains(out, "Chairs") {
		t.Fatalf("failures --kind product: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := runStarter(t, "failures", "--since", "1h"); code != 0 || !strings.Contains(out, "Chairs") {
		t.Fatalf("failures --since 1h: %d\n%s", code, out)
	}
	if code, out, _ := runStarter(t, "failures", "--since", time.Now().Add(time.Hour).Format(time.RFC3339)); code != 0 || !strings.Contains(out, "no failed syncs") {
		t.Fatalf("failures in the future: %d\n%s", code, out)
	}
	if code, _, errOut := runStarter(t, "failures", "--kind", "gadget"); code != 1 || !strings.Contains(errOut, `--kind "gadget"`) {
		t.Fatalf("bad kind: %d %q", code, errOut)
	}
	if code, _, errOut := runStarter(t, "replay"); code != 2 || !strings.Contains(errOut, "give failure ids or --all") {
		t.Fatalf("replay without ids: %d %q", code, errOut)
	}
}
