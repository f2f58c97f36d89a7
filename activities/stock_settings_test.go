package activities

import (
	"strings"
	"testing"
	"time"
)

func lookupOf(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestStockSettingsDefaultsAreTheZeroValue(t *testing.T) {
	s, err := LoadStockSettings(lookupOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s != (StockSettings{}).withDefaults() || s != DefaultStockSettings() {
		t.Fatalf("unset variables give %+v, the zero value %+v", s, StockSettings{}.withDefaults())
	}
	want := StockSettings{Quantity: QuantityFree, PollInterval: 5 * time.Second, PollOverlap: 10 * time.Second,
		FullSyncInterval: time.Hour, OdooBatch: 500, ShopBatch: 500, PendingOrderMaxAge: 168 * time.Hour,
		Worker: WorkerLimits{ActivitiesPerSecond: 300, MaxConcurrentActivities: 32}}
	if s != want {
		t.Fatalf("defaults = %+v, want %+v", s, want)
	}
}

func TestStockSettingsFromEnvironment(t *testing.T) {
	s, err := LoadStockSettings(lookupOf(map[string]string{
		"STOCK_QUANTITY": "on_hand", "STOCK_WAREHOUSE_ID": "2", "STOCK_LOCATION_ID": " 8 ", "STOCK_POLL_INTERVAL": "2s",
		"STOCK_POLL_OVERLAP": "0s", "STOCK_FULL_SYNC_INTERVAL": "off", "STOCK_ODOO_BATCH": "1000", "STOCK_SHOP_BATCH": "250",
		"STOCK_PENDING_ORDER_MAX_AGE": "48h", "WORKER_ACTIVITIES_PER_SECOND": "12.5", "WORKER_MAX_CONCURRENT_ACTIVITIES": "3",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := StockSettings{Quantity: QuantityOnHand, WarehouseID: 2, LocationID: 8, PollInterval: 2 * time.Second, PollOverlap: -1,
		FullSyncInterval: -1, OdooBatch: 1000, ShopBatch: 250, PendingOrderMaxAge: 48 * time.Hour,
		Worker: WorkerLimits{ActivitiesPerSecond: 12.5, MaxConcurrentActivities: 3}}
	if s != want {
		t.Fatalf("settings = %+v, want %+v", s, want)
	}
	if s.overlap() != 0 {
		t.Fatalf("an explicit 0s overlap reads as %s", s.overlap())
	}
}

func TestStockSettingsNameEveryBadVariable(t *testing.T) {
	_, err := LoadStockSettings(lookupOf(map[string]string{
		"STOCK_QUANTITY": "available", "STOCK_LOCATION_ID": "WH/Stock", "STOCK_POLL_INTERVAL": "100ms",
		"STOCK_POLL_OVERLAP": "-1s", "STOCK_FULL_SYNC_INTERVAL": "10s", "STOCK_SHOP_BATCH": "0",
		"STOCK_PENDING_ORDER_MAX_AGE": "forever", "WORKER_ACTIVITIES_PER_SECOND": "-5", "WORKER_MAX_CONCURRENT_ACTIVITIES": "lots",
	}))
	if err == nil {
		t.Fatal("bad variables accepted")
	}
	for _, name := range []string{"STOCK_QUANTITY", "STOCK_LOCATION_ID", "STOCK_POLL_INTERVAL", "STOCK_POLL_OVERLAP",
		"STOCK_FULL_SYNC_INTERVAL", "STOCK_SHOP_BATCH", "STOCK_PENDING_ORDER_MAX_AGE", "WORKER_ACTIVITIES_PER_SECOND",
		"WORKER_MAX_CONCURRENT_ACTIVITIES"} {
		if !strings.Contains(err.Error(), name+" ") {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestStockRequestsMergeIntoSetsPerModel(t *testing.T) {
	var r StockRequest
	if !r.Empty() {
		t.Fatal("zero request is not empty")
	}
	if err := r.Add(ModelProduct, 3, 1, 3); err != nil {
		t.Fatal(err)
	}
	if err := r.Add("res.partner", 1); err == nil || !strings.Contains(err.Error(), "res.partner") {
		t.Fatalf("unknown model accepted: %v", err)
	}
	var o StockRequest
	_ = o.Add(ModelProduct, 2, 3)
	_ = o.Add(ModelPicking, 9)
	r.Merge(o)
	want := StockRequest{Products: []int64{1, 2, 3}, Pickings: []int64{9}}
	if !r.Equal(want) || r.Size() != 4 || r.Empty() {
		t.Fatalf("merged = %+v, want %+v", r, want)
	}
	r.Merge(StockRequest{All: true})
	if !r.All || r.Equal(want) {
		t.Fatalf("All lost in merge: %+v", r)
	}
}
