package opencart

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// StatusChange is an order status written back to the shop, e.g. "Shipped"
// once Odoo has delivered the order.
type StatusChange struct {
	OrderID  int
	StatusID int    // an oc_order_status id (3 Shipped, 5 Complete, 7 Canceled, … on fresh installs)
	Notify   bool   // shown as "customer notified" in the order history
	Comment  string // plain text; shown to the customer when Notify is set
}

// SetOrderStatus records a status change the way OpenCart's
// addOrderHistory/addHistory stores it: an oc_order_history row, then
// oc_order.order_status_id and date_modified (4.1's own addHistory leaves
// date_modified alone; the bridge sets it in every version). It is
// idempotent: when the order already has the status, nothing is written and
// changed is false.
//
// It runs none of OpenCart's side effects of a status change: no stock
// movement (the bridge sets stock from Odoo with SetStock), no customer mail
// even with Notify, no events for extensions, no fraud or voucher handling.
// When those matter, use OpenCart's API instead.
//
// The history row is written before the order row: on MyISAM (3.0) a
// failure in between leaves the old status on the order, so a retry writes
// the change again instead of skipping it.
func (db *DB) SetOrderStatus(ctx context.Context, c StatusChange) (changed bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var current int
		err := tx.QueryRowContext(ctx, "SELECT order_status_id FROM "+db.quoted("order")+" WHERE order_id = ? FOR UPDATE", c.OrderID).
			Scan(integer(&current))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: order %d does not exist in the shop", ErrNotFound, c.OrderID)
		}
		if err != nil {
			return err
		}
		switch {
		case current == 0:
			return fmt.Errorf("order %d is not confirmed (order_status_id 0: the customer never finished checkout); OpenCart does not list it, so leave it alone", c.OrderID)
		case current == c.StatusID:
			return nil
		}
		known, err := db.idSet(ctx, tx, "order_status", "order_status_id", []int{c.StatusID})
		if err != nil {
			return err
		}
		if !known[c.StatusID] {
			return fmt.Errorf("order status %d does not exist in the shop; map the Odoo state to one of the shop's order statuses", c.StatusID)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO "+db.quoted("order_history")+
			" (order_id, order_status_id, notify, comment, date_added) VALUES (?, ?, ?, ?, NOW())",
			c.OrderID, c.StatusID, c.Notify, db.storedText(c.Comment))
		if err != nil {
			return fmt.Errorf("add order history: %w", err)
		}
		_, err = tx.ExecContext(ctx, "UPDATE "+db.quoted("order")+" SET order_status_id = ?, date_modified = NOW() WHERE order_id = ?",
			c.StatusID, c.OrderID)
		if err != nil {
			return fmt.Errorf("update order: %w", err)
		}
		changed = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("opencart: set status of order %d to %d: %w", c.OrderID, c.StatusID, err)
	}
	return changed, nil
}
