package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Shop orders Odoo does not account for yet. OpenCart subtracts an order's quantities when the order
// enters a processing or complete status (config_processing_status ∪ config_complete_status); Odoo
// accounts for it once the order is imported and its sale order confirmed (the confirmed order reserves,
// or at least forecasts, the stock). In between, pushing Odoo's quantity would give the order's units
// back to the shop, so they are held back: an order is pending while its latest status subtracts stock
// and it has no order pair in the mapping store, or its paired sale order is not confirmed.
//
// Pending orders are found through oc_order_history from a watermark: every status change (the first
// confirmation included) adds a row there. The watermark moves past rows whose orders are settled (not
// pending, or placed longer than StockSettings.PendingOrderMaxAge ago) once they are a minute old, so
// that a row committed late with a lower id is not skipped; each push reads from the oldest pending
// order on.

const (
	orderHistoryCursor = "stock/opencart-order-history"
	historyPage        = 1000
	historySettleDelay = time.Minute
)

// confirmedOrderStates are the sale.order states in which Odoo accounts for an order's stock ("done"
// until 16; 17+ locks confirmed orders instead).
var confirmedOrderStates = []string{"sale", "done"}

// pendingOrders is what a history scan found.
type pendingOrders struct {
	held heldStock
	ids  map[int]bool // the orders held back
}

// pendingShopOrders finds the shop orders Odoo does not account for yet and what they took from the
// shop's stock, and moves the watermark. The first scan only places the watermark after the history as
// it stands: orders placed before the bridge ran are neither imported by the order sync
// (ORDER_POLL_START=latest) nor held back.
func (a *Activities) pendingShopOrders(ctx context.Context, s StockSettings) (pendingOrders, error) {
	markText, err := a.Store.Cursor(ctx, orderHistoryCursor)
	if err != nil && !errors.Is(err, mapping.ErrNotFound) {
		return pendingOrders{}, err
	}
	mark := 0
	if markText != "" {
		if mark, err = strconv.Atoi(markText); err != nil {
			return pendingOrders{}, fmt.Errorf("stock: cursor %s = %q is not an order_history_id; delete it to start again from the latest order", orderHistoryCursor, markText)
		}
	}
	rows, err := a.orderHistoryAfter(ctx, mark)
	if err != nil {
		return pendingOrders{}, err
	}
	if markText == "" {
		return pendingOrders{held: newHeldStock()}, a.moveOrderWatermark(ctx, markText, rows, nil)
	}
	pending, err := a.holdPendingOrders(ctx, s, rows)
	if err != nil {
		return pending, err
	}
	return pending, a.moveOrderWatermark(ctx, markText, rows, pending.ids)
}

// holdPendingOrders reads the orders of the history rows that are pending and holds their lines back.
func (a *Activities) holdPendingOrders(ctx context.Context, s StockSettings, rows []opencart.HistoryEvent) (pendingOrders, error) {
	out := pendingOrders{held: newHeldStock(), ids: map[int]bool{}}
	subtracting, err := a.subtractingStatuses(ctx)
	if err != nil {
		return out, err
	}
	cutoff := time.Now().Add(-s.PendingOrderMaxAge)
	latest := map[int]opencart.HistoryEvent{} // order → its latest history row
	for _, r := range rows {
		latest[r.OrderID] = r
	}
	var candidates []int
	for order, r := range latest {
		// An order last changed before the cutoff was placed before it too: stale, no need to read it.
		if subtracting[r.StatusID] && r.DateAdded.After(cutoff) {
			candidates = append(candidates, order)
		}
	}
	unaccounted, err := a.unaccountedOrders(ctx, sortedUnique(candidates))
	if err != nil {
		return out, err
	}
	for _, id := range unaccounted {
		o, err := a.Shop.Order(ctx, id)
		if errors.Is(err, opencart.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return out, err
		}
		if o.DateAdded.Before(cutoff) {
			warnStock(ctx, "shop order subtracted stock but never reached Odoo; its units are no longer held back",
				"order", id, "placed", o.DateAdded, "max_age", s.PendingOrderMaxAge.String(),
				"fix", "import the order into Odoo (see the order sync's failures) or correct the stock in Odoo")
			continue
		}
		out.ids[id] = true
		for _, line := range o.Lines {
			out.held.hold(line)
		}
	}
	return out, nil
}

// moveOrderWatermark moves the watermark (read as markText) over the rows of settled orders that are a
// minute old, up to the first row of a pending order; on the first scan (markText "") to the last row.
func (a *Activities) moveOrderWatermark(ctx context.Context, markText string, rows []opencart.HistoryEvent, pending map[int]bool) error {
	next, settled := 0, time.Now().Add(-historySettleDelay)
	for _, r := range rows {
		if markText != "" && (pending[r.OrderID] || r.DateAdded.After(settled)) {
			break
		}
		next = r.HistoryID
	}
	if markText != "" && next == 0 {
		return nil
	}
	_, err := a.Store.SwapCursor(ctx, orderHistoryCursor, markText, strconv.Itoa(next))
	return err
}

// orderHistoryAfter reads every order history row after id, oldest first.
func (a *Activities) orderHistoryAfter(ctx context.Context, id int) ([]opencart.HistoryEvent, error) {
	var rows []opencart.HistoryEvent
	for {
		page, err := a.Shop.OrderHistorySince(ctx, id, historyPage)
		if err != nil {
			return nil, err
		}
		rows = append(rows, page...)
		if len(page) < historyPage {
			return rows, nil
		}
		id = page[len(page)-1].HistoryID
	}
}

// unaccountedOrders returns the shop orders among ids that Odoo does not account for: no order pair, or a
// sale order that is not confirmed (a draft, or cancelled while the shop still subtracts).
func (a *Activities) unaccountedOrders(ctx context.Context, ids []int) ([]int, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pairs, err := a.Store.ByOpenCartIDs(ctx, mapping.KindOrder, idStrings(ids))
	if err != nil {
		return nil, err
	}
	var saleOrders []int64
	for _, p := range pairs {
		saleOrders = append(saleOrders, p.OdooID)
	}
	confirmed := map[int64]bool{}
	if len(saleOrders) > 0 {
		records, err := a.ERP.SearchRead(ctx, "sale.order", odoo.Query{
			Domain: odoo.Domain{odoo.Leaf("id", "in", sortedUnique(saleOrders)), odoo.Leaf("state", "in", confirmedOrderStates)},
			Fields: []string{"state"},
		})
		if err != nil {
			return nil, err
		}
		for _, r := range records {
			confirmed[r.ID()] = true
		}
	}
	var out []int
	for _, id := range ids {
		if p, ok := pairs[ocID(id)]; !ok || !confirmed[p.OdooID] {
			out = append(out, id)
		}
	}
	return out, nil
}

// subtractingStatuses are the order statuses in which OpenCart has subtracted an order's stock (store 0's
// settings, which a multi-store shop normally shares).
func (a *Activities) subtractingStatuses(ctx context.Context) (map[int]bool, error) {
	out := map[int]bool{}
	for _, key := range []string{"config_processing_status", "config_complete_status"} {
		var ids []json.RawMessage
		if _, err := a.Shop.SettingJSON(ctx, 0, key, &ids); err != nil {
			return nil, err
		}
		for _, raw := range ids {
			id, err := strconv.Atoi(strings.Trim(string(raw), `"`))
			if err != nil {
				return nil, fmt.Errorf("opencart setting %s holds %s, not an order status id; fix it in System > Settings > Option", key, raw)
			}
			out[id] = true
		}
	}
	return out, nil
}
