package opencart

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// HistoryEvent is an oc_order_history row: OpenCart inserts one for every
// order status change, including the first confirmation out of status 0.
type HistoryEvent struct {
	HistoryID  int // order_history_id: monotonic, the feed's cursor
	OrderID    int
	StatusID   int
	StatusName string // default language
	Notify     bool
	Comment    string
	DateAdded  time.Time
}

// OrderHistorySince returns up to limit history rows with order_history_id >
// afterHistoryID, oldest first. Rows of abandoned orders (status 0 now) and
// rows that set status 0 (3.0 voids an order before editing it) are left
// out; the order's next confirmation adds a new row.
//
// With concurrent checkouts on InnoDB a lower id can commit after a higher
// one was read: callers should re-read a small trailing window of ids (or
// time) and drop the events they already handled.
func (db *DB) OrderHistorySince(ctx context.Context, afterHistoryID, limit int) ([]HistoryEvent, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("opencart: read order history: %w", err)
	}
	statusExpr, joins := db.statusNameJoin("os", "h.order_status_id", fmt.Sprint(db.defLangID))
	query := "SELECT h.order_history_id, h.order_id, h.order_status_id, " + statusExpr + ", h.notify, h.comment, h.date_added" +
		" FROM " + db.table("order_history") + " h JOIN " + db.table("order") + " o ON o.order_id = h.order_id" + joins +
		" WHERE h.order_history_id > ? AND h.order_status_id > 0 AND o.order_status_id > 0" +
		" ORDER BY h.order_history_id LIMIT ?"
	out, err := queryAll(ctx, db.conn, query, []any{afterHistoryID, limit}, func(rows *sql.Rows, e *HistoryEvent) error {
		return rows.Scan(&e.HistoryID, integer(&e.OrderID), integer(&e.StatusID), text(&e.StatusName), boolean(&e.Notify),
			text(&e.Comment), timestamp(&e.DateAdded))
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: read order history after id %d: %w", afterHistoryID, err)
	}
	return out, nil
}

// ChangeQuery asks a date_modified feed for one page of changed ids.
//
// A poll starts with After zero and Since = the previous poll's watermark;
// rows modified from Since − Overlap on are returned (the overlap absorbs
// clock skew and transactions that committed late), ordered by
// (date_modified, id). Further pages of the same poll pass the previous
// page's Next as After, with Since and Overlap unchanged. At the end,
// the last page's Next.Modified is the next poll's watermark. Ids seen in
// the overlap come again: consumers must be idempotent.
type ChangeQuery struct {
	Since   time.Time
	Overlap time.Duration
	After   ChangeCursor
	Limit   int
}

// ChangeCursor is a position in a date_modified feed.
type ChangeCursor struct {
	Modified time.Time
	ID       int
}

// ChangePage is one page of a date_modified feed.
type ChangePage struct {
	IDs  []int        // in (date_modified, id) order
	Next ChangeCursor // position after the last id; After unchanged if none
	More bool         // the page was full: ask for the next one
}

// ErrNoModifiedDate is returned by a change feed whose table has no
// date_modified column in this shop (oc_category on 4.1.0.1+): compare
// full reads instead.
var ErrNoModifiedDate = errors.New("this OpenCart version keeps no date_modified for it")

// OrdersModifiedSince pages through orders by date_modified, leaving out
// abandoned orders (status 0). On 4.1 a status change does not touch
// date_modified: use OrderHistorySince for status changes.
func (db *DB) OrdersModifiedSince(ctx context.Context, q ChangeQuery) (ChangePage, error) {
	return db.modifiedSince(ctx, "order", "order_id", "order_status_id > 0", q)
}

// ProductsModifiedSince pages through products by date_modified. Stock
// changes made by orders do not touch date_modified (OpenCart updates the
// quantity only).
func (db *DB) ProductsModifiedSince(ctx context.Context, q ChangeQuery) (ChangePage, error) {
	return db.modifiedSince(ctx, "product", "product_id", "", q)
}

// CategoriesModifiedSince pages through categories by date_modified; it
// returns ErrNoModifiedDate on 4.1.0.1+.
func (db *DB) CategoriesModifiedSince(ctx context.Context, q ChangeQuery) (ChangePage, error) {
	return db.modifiedSince(ctx, "category", "category_id", "", q)
}

func (db *DB) modifiedSince(ctx context.Context, table, idColumn, filter string, q ChangeQuery) (ChangePage, error) {
	page := ChangePage{Next: q.After}
	if err := checkLimit(q.Limit); err != nil {
		return page, fmt.Errorf("opencart: %s changes: %w", table, err)
	}
	if !db.hasColumn(table, "date_modified") {
		return page, fmt.Errorf("opencart: %s changes: %w (%s has no date_modified column)", table, ErrNoModifiedDate, db.table(table))
	}
	from := q.Since
	if !from.IsZero() {
		from = from.Add(-q.Overlap)
	}
	query := "SELECT " + idColumn + ", date_modified FROM `" + db.table(table) + "` WHERE date_modified >= ?"
	args := []any{from}
	if q.After != (ChangeCursor{}) {
		query += " AND (date_modified > ? OR (date_modified = ? AND " + idColumn + " > ?))"
		args = append(args, q.After.Modified, q.After.Modified, q.After.ID)
	}
	if filter != "" {
		query += " AND " + filter
	}
	query += " ORDER BY date_modified, " + idColumn + " LIMIT ?"
	args = append(args, q.Limit)
	err := eachRow(ctx, db.conn, query, args, func(rows *sql.Rows) error {
		var c ChangeCursor
		if err := rows.Scan(&c.ID, timestamp(&c.Modified)); err != nil {
			return err
		}
		page.IDs = append(page.IDs, c.ID)
		page.Next = c
		return nil
	})
	if err != nil {
		return ChangePage{Next: q.After}, fmt.Errorf("opencart: %s changes since %s: %w", table, from.Format(time.DateTime), err)
	}
	page.More = len(page.IDs) == q.Limit
	return page, nil
}
