package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart/octest"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// `starter sync order <id>`, `sync customer <id>` and `customers sync --wait` run the same workflows as
// the webhook, against a real worker.
func TestSyncOrderAndCustomers(t *testing.T) {
	f := ordertest.New(t, "4.0.2.3", odoosim.Config{})
	f.SeedCatalog(t)
	f.StartWorker(t, ordertest.Settings())
	for k, v := range map[string]string{"BRIDGE_ENV_FILE": "/dev/null", "TEMPORAL_ADDRESS": f.Config.Temporal.Address,
		"BRIDGE_CONNECTION": f.Config.Connection, "BRIDGE_TASK_QUEUE": f.Config.TaskQueue} {
		t.Setenv(k, v)
	}
	id := f.PlaceOrder(t, ordertest.DemoOrder("cli@example.com", 1))
	code, out, errOut := runStarter(t, "sync", "order", strconv.FormatInt(id, 10))
	if code != 0 || !strings.Contains(out, "created; status 1, done in Odoo: confirm") {
		t.Fatalf("sync order: %d\n%s\n%s", code, out, errOut)
	}
	f.CheckDemoSaleOrder(t, id, "cli@example.com")
	if code, out, errOut := runStarter(t, "sync", "order", strconv.FormatInt(id, 10)); code != 0 || strings.Contains(out, "created") {
		t.Fatalf("second sync of the order: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runStarter(t, "sync", "order", "7", "--from", "odoo"); code != 1 || !strings.Contains(errOut, "orders come from opencart") {
		t.Fatalf("order from odoo: %d %s", code, errOut)
	}

	cid, _ := octest.AddCustomer(t, f.ShopSQL, f.Version, octest.Customer{FirstName: "Katherine", LastName: "Johnson",
		Email: "katherine@example.com", Addresses: []octest.Address{ordertest.UKAddress("Katherine", "Johnson", "1 Langley Way")}})
	code, out, errOut = runStarter(t, "sync", "customer", strconv.Itoa(cid))
	if code != 0 || !strings.Contains(out, "created, 1 addresses") {
		t.Fatalf("sync customer: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runStarter(t, "customers", "sync", "--wait")
	if code != 0 || !strings.Contains(out, "customers: 1 read, 0 created, 0 updated, 1 unchanged, 0 failed") {
		t.Fatalf("customers sync: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := runStarter(t, "customers"); code != 2 {
		t.Fatalf("customers without sync: exit %d, want 2", code)
	}
}
