// Package activities holds the bridge's side effects: every call to Odoo, to the shop database and to the
// mapping store that a workflow makes goes through a method of Activities. Each method is idempotent and
// keyed on business identity (an OpenCart id, an Odoo external id), so Temporal may retry it freely.
package activities

import (
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Activities holds the clients the activities use. One value is registered per worker; its methods run
// concurrently.
type Activities struct {
	Store *mapping.Store
	Shop  *opencart.DB
	ERP   *odoo.Client
}
