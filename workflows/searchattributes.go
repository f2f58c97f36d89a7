package workflows

import "go.temporal.io/sdk/temporal"

// Search attributes the bridge sets, so that operators find workflows in the Temporal UI. They must be
// registered on the server (scripts/lib.sh does it for the dev server; README explains it for a cluster).
var (
	// OpenCartOrderID is the shop's order id of an order workflow.
	OpenCartOrderID = temporal.NewSearchAttributeKeyKeyword("OpenCartOrderID")
	// OdooOrderName is the sale order's name in Odoo (S00042) once created.
	OdooOrderName = temporal.NewSearchAttributeKeyKeyword("OdooOrderName")
	// RecordKind is the mapping kind a record or bulk workflow handles.
	RecordKind = temporal.NewSearchAttributeKeyKeyword("RecordKind")
	// WaitingForMapping names the mapping ("tax:7") a workflow waits for; empty when it waits for nothing.
	WaitingForMapping = temporal.NewSearchAttributeKeyKeyword("WaitingForMapping")
)

// SearchAttributes lists every key, for registration and for the test that keeps scripts in step.
var SearchAttributes = []temporal.SearchAttributeKey{OpenCartOrderID, OdooOrderName, RecordKind, WaitingForMapping}
