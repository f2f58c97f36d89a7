// Package workflows holds the bridge's deterministic Temporal workflows. Workflow IDs come from the named
// helpers below, derived from business identity (shop connection + record), never from time or randomness:
// two starts for the same record meet at the same ID, which is what makes order sync exactly-once and keeps
// two bulk syncs of one direction from running together.
package workflows

import (
	"fmt"

	"github.com/ocbridge/bridge/pkg/mapping"
)

// Side names a system as the source of a record.
type Side string

const (
	SideOdoo     Side = "odoo"
	SideOpenCart Side = "opencart"
)

// BulkSyncID is the fixed ID of the bulk sync of one direction for one shop connection.
func BulkSyncID(connection string, dir mapping.Direction) string {
	return fmt.Sprintf("bulk-sync/%s/%s", connection, dir)
}

// RecordSyncID is the ID of the sync of one record from its source side.
func RecordSyncID(connection string, kind mapping.Kind, from Side, id string) string {
	return fmt.Sprintf("record-sync/%s/%s/%s/%s", connection, kind, from, id)
}

// OrderSyncID is the ID of the workflow that carries one OpenCart order into Odoo and follows its status.
func OrderSyncID(connection string, openCartOrderID int64) string {
	return fmt.Sprintf("order-sync/%s/%d", connection, openCartOrderID)
}

// CustomerSyncID is the ID of the sync of one OpenCart customer into Odoo.
func CustomerSyncID(connection string, openCartCustomerID int64) string {
	return fmt.Sprintf("customer-sync/%s/%d", connection, openCartCustomerID)
}
