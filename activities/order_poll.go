package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// The two polls that back the event-driven paths up: OpenCart order history (a webhook may be lost, and
// raw SQL or other extensions change statuses without events) and Odoo sale orders (Odoo sends nothing).
// Each reads a page after its cursor in the mapping store; the workflow signals the orders found and
// then moves the cursor with a compare-and-swap, so a crash in between re-sends a page (harmless)
// instead of losing it, and two pollers never move a cursor back.

// Cursor names in the mapping store.
const (
	CursorOrderHistory = "order-history"
	CursorOdooOrders   = "odoo-orders"
)

// historyWindow is how far behind the newest history id a poll re-reads: with concurrent checkouts a
// lower id can commit after a higher one was read. Ids already handled in the window are remembered.
const historyWindow = 100

// historyCursor is the value of CursorOrderHistory.
type historyCursor struct {
	After int   `json:"after"`          // every id up to it is handled
	Seen  []int `json:"seen,omitempty"` // handled ids above After
}

// PollPage is one page of a poll: the orders to signal and the cursor move.
type PollPage struct {
	Connection string        `json:"connection"`
	Cursor     string        `json:"cursor"` // as read; "" before the first poll
	Next       string        `json:"next"`
	Orders     []PolledOrder `json:"orders,omitempty"`
	More       bool          `json:"more,omitempty"` // another page is waiting
}

// PolledOrder is an order a poll found changed.
type PolledOrder struct {
	OrderID  int64 `json:"order_id"`
	StatusID int64 `json:"status_id,omitempty"`
}

// CursorMove moves a cursor from Old to New if nobody moved it meanwhile.
type CursorMove struct {
	Name string `json:"name"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// readCursor reads a poll cursor's JSON value into cur and notes it in the page (for the swap);
// found is false before the first poll.
func (a *Activities) readCursor(ctx context.Context, name string, page *PollPage, cur any) (found bool, err error) {
	raw, err := a.Store.Cursor(ctx, name)
	if errors.Is(err, mapping.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	page.Cursor = raw
	if err := json.Unmarshal([]byte(raw), cur); err != nil {
		return true, fmt.Errorf("cursor %s holds %q, not the JSON the poll writes: %w", name, raw, err)
	}
	return true, nil
}

// MoveCursor moves a poll cursor; false means another poller moved it first.
func (a *Activities) MoveCursor(ctx context.Context, m CursorMove) (bool, error) {
	if m.Old == m.New {
		return true, nil
	}
	return a.Store.SwapCursor(ctx, m.Name, m.Old, m.New)
}

// ReadOrderHistory reads up to limit oc_order_history rows after the catch-up cursor and returns each
// order once, with its latest status. The first poll starts where ORDER_POLL_START says.
func (a *Activities) ReadOrderHistory(ctx context.Context, limit int) (PollPage, error) {
	page, err := a.readOrderHistory(ctx, limit)
	return page, temporalError(err)
}

func (a *Activities) readOrderHistory(ctx context.Context, limit int) (PollPage, error) {
	page := PollPage{Connection: a.Store.Connection()}
	var cur historyCursor
	found, err := a.readCursor(ctx, CursorOrderHistory, &page, &cur)
	if err == nil && !found {
		cur.After, err = a.historyStart(ctx)
	}
	if err != nil {
		return page, err
	}
	rows, err := a.Shop.OrderHistorySince(ctx, cur.After, limit)
	if err != nil {
		return page, err
	}
	latest := map[int64]int{} // order → index in page.Orders
	next := historyCursor{After: cur.After}
	newest := cur.After
	for _, r := range rows {
		newest = max(newest, r.HistoryID)
		if slices.Contains(cur.Seen, r.HistoryID) {
			continue
		}
		if i, ok := latest[int64(r.OrderID)]; ok {
			page.Orders[i].StatusID = int64(r.StatusID)
			continue
		}
		latest[int64(r.OrderID)] = len(page.Orders)
		page.Orders = append(page.Orders, PolledOrder{OrderID: int64(r.OrderID), StatusID: int64(r.StatusID)})
	}
	next.After = max(cur.After, newest-historyWindow)
	for _, id := range append(cur.Seen, historyIDs(rows)...) {
		if id > next.After && !slices.Contains(next.Seen, id) {
			next.Seen = append(next.Seen, id)
		}
	}
	slices.Sort(next.Seen)
	b, err := json.Marshal(next)
	if err != nil {
		return page, err
	}
	page.Next = string(b)
	page.More = len(rows) == limit
	return page, nil
}

func historyIDs(rows []opencart.HistoryEvent) []int {
	ids := make([]int, len(rows))
	for i, r := range rows {
		ids[i] = r.HistoryID
	}
	return ids
}

// historyStart is where the first catch-up poll starts: after the newest history row ("latest"), or
// after the configured id.
func (a *Activities) historyStart(ctx context.Context) (int, error) {
	if a.Orders.PollStart != "latest" {
		return strconv.Atoi(a.Orders.PollStart)
	}
	const pageSize = 5000
	after := 0
	for {
		rows, err := a.Shop.OrderHistorySince(ctx, after, pageSize)
		if err != nil {
			return 0, err
		}
		if len(rows) > 0 {
			after = rows[len(rows)-1].HistoryID
		}
		if len(rows) < pageSize {
			return after, nil
		}
	}
}

// odooCursor is the value of CursorOdooOrders.
type odooCursor struct {
	Since string            `json:"since"`          // Odoo write_date (UTC) up to which changes are handled
	Seen  map[string]string `json:"seen,omitempty"` // "model:id" → write_date of changes handled in the overlap
}

// odooOverlap is how far before its watermark the Odoo poll looks again: write_date is the start of the
// writing transaction, so a change can commit with a date slightly before one already read.
const odooOverlap = 30 * time.Second

// odooPollLimit bounds each model's read per poll; the watermark only moves as far as what was read.
const odooPollLimit = 2000

// ReadOdooOrderChanges finds the bridge's sale orders changed in Odoo since the Odoo cursor: the order
// itself (cancelled...), its invoices (posted, paid) and its deliveries (done).
func (a *Activities) ReadOdooOrderChanges(ctx context.Context) (PollPage, error) {
	page, err := a.readOdooOrderChanges(ctx)
	return page, temporalError(err)
}

func (a *Activities) readOdooOrderChanges(ctx context.Context) (PollPage, error) {
	page := PollPage{Connection: a.Store.Connection()}
	var cur odooCursor
	found, err := a.readCursor(ctx, CursorOdooOrders, &page, &cur)
	if err != nil {
		return page, err
	}
	if !found {
		// The first poll starts now: orders are created from the shop, whose own history covers the past.
		cur.Since = odoo.FormatDatetime(time.Now().Add(-odooOverlap))
	}
	since, err := time.Parse(time.DateTime, cur.Since)
	if err != nil {
		return page, fmt.Errorf("cursor %s: since %q is not an Odoo datetime", CursorOdooOrders, cur.Since)
	}
	from := odoo.FormatDatetime(since.Add(-odooOverlap))
	next := odooCursor{Since: cur.Since, Seen: map[string]string{}}
	changed := map[int64]bool{} // sale orders
	var moves []int64
	sources := []struct {
		model  string
		domain odoo.Domain
		fields []string
		found  func(r odoo.Record)
	}{
		{"sale.order", odoo.Domain{odoo.Leaf("client_order_ref", "=like", orderRefPrefix(a.Store.Connection())+"%")},
			nil, func(r odoo.Record) { changed[r.ID()] = true }},
		{"account.move", odoo.Domain{odoo.Leaf(a.ERP.Schema().MoveTypeField, "=", "out_invoice")},
			nil, func(r odoo.Record) { moves = append(moves, r.ID()) }},
		{"stock.picking", odoo.Domain{odoo.Leaf("sale_id", "!=", false)},
			[]string{"sale_id"}, func(r odoo.Record) { changed[r.Int("sale_id")] = true }},
	}
	for _, src := range sources {
		rows, err := a.ERP.SearchRead(ctx, src.model, odoo.Query{
			Domain: append(src.domain, odoo.Leaf("write_date", ">=", from)),
			Fields: append([]string{"write_date"}, src.fields...), Order: "write_date, id", Limit: odooPollLimit,
		})
		if err != nil {
			return page, err
		}
		for _, r := range rows {
			key, at := src.model+":"+strconv.FormatInt(r.ID(), 10), r.String("write_date")
			if at > next.Since {
				next.Since = at
			}
			next.Seen[key] = at
			if cur.Seen[key] == at {
				continue // handled by the previous poll
			}
			src.found(r)
		}
		page.More = page.More || len(rows) == odooPollLimit
	}
	if len(moves) > 0 {
		ids, err := a.ERP.Search(ctx, "sale.order", odoo.Query{Domain: odoo.Domain{odoo.Leaf("invoice_ids", "in", moves)}})
		if err != nil {
			return page, err
		}
		for _, id := range ids {
			changed[id] = true
		}
	}
	// Keep only what the next poll's overlap can show again.
	floor, _ := time.Parse(time.DateTime, next.Since)
	for key, at := range next.Seen {
		if t, err := time.Parse(time.DateTime, at); err != nil || t.Before(floor.Add(-odooOverlap)) {
			delete(next.Seen, key)
		}
	}
	if err := a.mappedOrders(ctx, changed, &page); err != nil {
		return page, err
	}
	b, err := json.Marshal(next)
	if err != nil {
		return page, err
	}
	page.Next = string(b)
	return page, nil
}

// mappedOrders adds the OpenCart orders of the changed sale orders the bridge made, by order id.
func (a *Activities) mappedOrders(ctx context.Context, saleOrders map[int64]bool, page *PollPage) error {
	ids := make([]int64, 0, len(saleOrders))
	for id := range saleOrders {
		ids = append(ids, id)
	}
	pairs, err := a.Store.ByOdooIDs(ctx, mapping.KindOrder, ids)
	if err != nil {
		return err
	}
	for _, m := range pairs {
		id, err := strconv.ParseInt(m.OpenCartID, 10, 64)
		if err != nil {
			return fmt.Errorf("order mapping of sale order %d has OpenCart id %q, not a number", m.OdooID, m.OpenCartID)
		}
		page.Orders = append(page.Orders, PolledOrder{OrderID: id})
	}
	slices.SortFunc(page.Orders, func(x, y PolledOrder) int { return int(x.OrderID - y.OrderID) })
	return nil
}
