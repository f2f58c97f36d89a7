// Package activities holds the bridge's side effects: every call to Odoo, to the shop database and to the
// mapping store that a workflow makes goes through a method of Activities. Each method is idempotent and
// keyed on business identity (an OpenCart id, an Odoo external id), so Temporal may retry it freely.
package activities

import (
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/metrics"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Activities holds the clients the activities use. One value is registered per worker; its methods run
// concurrently.
type Activities struct {
	Store   *mapping.Store
	Shop    *opencart.DB
	ERP     *odoo.Client
	Metrics *metrics.Registry // nil in tests that do not look at metrics
	// Orders configures order and customer sync (order_settings.go).
	Orders OrderSettings
	// Stock configures the Odoo → shop stock sync (stock_settings.go); the zero value is the defaults.
	Stock StockSettings
}

// countRecords adds a page's outcomes to the records-synced metric.
func (a *Activities) countRecords(kind mapping.Kind, dir mapping.Direction, r PageResult) {
	if a.Metrics == nil {
		return
	}
	for outcome, n := range map[string]int{"created": r.Created, "updated": r.Updated, "unchanged": r.Unchanged, "failed": r.Failed} {
		if n > 0 {
			a.Metrics.RecordsSynced.WithLabelValues(string(kind), string(dir), outcome).Add(float64(n))
		}
	}
}
