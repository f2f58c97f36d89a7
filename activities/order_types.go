package activities

import (
	"fmt"
	"strings"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// OrderRef names an OpenCart order of the worker's shop connection.
type OrderRef struct {
	OrderID int64 `json:"order_id"`
	// CheckOdoo makes the first pass also write Odoo's progress back (set when a run continues as new
	// with an Odoo event pending).
	CheckOdoo bool `json:"check_odoo,omitempty"`
}

// Sources of change events.
const (
	SourceWebhook = "webhook" // the OpenCart extension's signed webhook
	SourcePoll    = "poll"    // the catch-up poll of oc_order_history
	SourceManual  = "manual"  // starter sync order, POST /api/orders/<id>/sync
	SourceOdoo    = "odoo"    // the poll of sale orders changed in Odoo
)

// ChangeEvent tells an order or customer workflow that something may have changed. It is a hint: the
// workflow reads the facts from the shop database and from Odoo.
type ChangeEvent struct {
	Source     string    `json:"source"`
	Event      string    `json:"event,omitempty"`     // the webhook's event name, when it came from one
	StatusID   int64     `json:"status_id,omitempty"` // the status the sender saw, for the history
	OccurredAt time.Time `json:"occurred_at,omitzero"`
}

// SyncOrderInput asks SyncOrder to look at one order. Synced lists the OpenCart products a RecordSync
// has just synced for it: still unmapped after that, they are the order's fault.
type SyncOrderInput struct {
	OrderID int64   `json:"order_id"`
	Synced  []int64 `json:"synced,omitempty"`
}

// OrderResult is what SyncOrder did, or what the order needs before it can go on.
type OrderResult struct {
	Connection string `json:"connection"`
	StatusID   int    `json:"status_id"`
	// Abandoned orders (status 0: checkout never confirmed) are not synced.
	Abandoned bool `json:"abandoned,omitempty"`
	// UnmappedProducts must be synced (RecordSync) before the sale order can be built, after their
	// UnmappedOptions (OpenCart option ids, synced as Odoo attributes).
	UnmappedProducts []int64 `json:"unmapped_products,omitempty"`
	UnmappedOptions  []int64 `json:"unmapped_options,omitempty"`
	// Missing are mappings someone must add (policy "map"); the order waits for them.
	Missing []MissingMapping `json:"missing,omitempty"`
	// Recheck is how long a wait for mappings lasts without a signal (workflows read no environment).
	Recheck time.Duration `json:"recheck,omitempty"`
	// SaleOrder is the order's sale order (Created when this call made it); zero when it needs something.
	SaleOrder SaleOrderRef `json:"sale_order"`
	// Status is what the order's shop status did in Odoo.
	Status StatusResult `json:"status"`
}

// orderPlan is what prepareOrder found: the existing sale order, or the draft of one, or what is missing.
type orderPlan struct {
	Connection       string
	OrderID          int64
	StatusID         int
	Abandoned        bool
	SaleOrderID      int64 // the existing sale order: it is created once, not rewritten from later shop edits
	UnmappedProducts []int64
	UnmappedOptions  []int64
	Missing          []MissingMapping
	Draft            *saleOrderDraft // the sale order to create, once nothing is unmapped or missing
}

// MissingMapping is a reference mapping an order waits for.
type MissingMapping struct {
	Kind       mapping.Kind `json:"kind"`
	OpenCartID string       `json:"opencart_id"`
	Name       string       `json:"name"` // what it is in the shop, e.g. "VAT (20%)"
	Fix        string       `json:"fix"`
}

// Key is the value of the WaitingForMapping search attribute, e.g. "tax:86".
func (m MissingMapping) Key() string { return string(m.Kind) + ":" + m.OpenCartID }

// saleOrderDraft is a sale order ready to be created, but for its customer and addresses, which
// createSaleOrder resolves (they are written to Odoo only when the order really is created).
type saleOrderDraft struct {
	Ref         string // client_order_ref, the idempotency key searched before create
	ExternalID  string // ir.model.data name in module "opencart"
	Origin      string
	DateOrder   string // Odoo datetime (UTC)
	PricelistID int64
	CarrierID   int64
	Lines       []saleLine
	Total       float64 // OpenCart's grand total in the order's currency
	Tax         float64 // OpenCart's tax total in the order's currency

	Customer customerDraft
	Invoice  contactDraft
	Shipping contactDraft // same as Invoice for orders that ship nothing
}

// saleLine is one sale order line with everything explicit (onchanges do not run over XML-RPC).
type saleLine struct {
	ProductID  int64
	Name       string
	Quantity   float64
	PriceUnit  float64 // tax excluded, in the order's currency
	TaxIDs     []int64
	IsDelivery bool
}

// customerDraft is the person an order belongs to.
type customerDraft struct {
	// Key is the customer mapping's OpenCart side: the customer id, or "guest:<e-mail>" for guests.
	Key   string
	Name  string
	Email string
	Phone string
}

// contactDraft is an address an order uses, in a slot of its customer ("<key>/invoice").
type contactDraft struct {
	Slot    string
	Type    string // res.partner type: invoice, delivery, other
	Address opencart.PostalAddress
}

// SaleOrderRef is a sale order as the order workflow knows it.
type SaleOrderRef struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	State       string  `json:"state"`
	AmountTotal float64 `json:"amount_total"`
	AmountTax   float64 `json:"amount_tax"`
	Created     bool    `json:"created"` // this call created it (false: found by its key)
}

// customerKey is the customer mapping's OpenCart side of an order's customer.
func customerKey(customerID int, email string) string {
	if customerID > 0 {
		return fmt.Sprint(customerID)
	}
	return "guest:" + strings.ToLower(strings.TrimSpace(email))
}

// orderRef is the client_order_ref of an OpenCart order: unique per shop connection.
func orderRef(connection string, orderID int64) string {
	return orderRefPrefix(connection) + fmt.Sprint(orderID)
}

// orderRefPrefix starts the client_order_ref of every order of a shop connection.
func orderRefPrefix(connection string) string { return "OC-" + connection + "-" }

// orderExternalName is the ir.model.data name (module opencart) of an order's sale order.
func orderExternalName(connection string, orderID int64) string {
	return fmt.Sprintf("%s_order_%d", strings.ReplaceAll(connection, ".", "_"), orderID)
}

// orderExternalModule is the ir.model.data module of the records the bridge creates.
const orderExternalModule = "opencart"
