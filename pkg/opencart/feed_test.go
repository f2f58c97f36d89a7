package opencart

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

func testChangeFeeds(t *testing.T, db *DB, version string) {
	ctx := context.Background()
	var watermark int // history of orders placed by earlier checks
	if err := db.conn.QueryRow("SELECT COALESCE(MAX(order_history_id), 0) FROM oc_order_history").Scan(&watermark); err != nil {
		t.Fatal(err)
	}
	spec := demoOrder(version)
	a := octest.PlaceOrder(t, db.conn, version, spec)
	spec.Status = 0 // abandoned at checkout
	abandoned := octest.PlaceOrder(t, db.conn, version, spec)
	spec.Status = statusPend
	c := octest.PlaceOrder(t, db.conn, version, spec)
	octest.AddHistory(t, db.conn, version, c, statusProc, "")
	octest.AddHistory(t, db.conn, version, a, statusDone, "")
	octest.AddHistory(t, db.conn, version, c, statusDone, "")
	d := octest.PlaceOrder(t, db.conn, version, spec)

	t.Run("order history", func(t *testing.T) {
		var got [][2]int
		for _, e := range allPages(t, watermark, 2, func(after, limit int) ([]HistoryEvent, error) { return db.OrderHistorySince(ctx, after, limit) },
			func(e HistoryEvent) int { return e.HistoryID }) {
			if e.DateAdded.IsZero() || e.StatusName == "" {
				t.Errorf("event %+v incomplete", e)
			}
			got = append(got, [2]int{e.OrderID, e.StatusID})
		}
		want := [][2]int{{a, statusPend}, {c, statusPend}, {c, statusProc}, {a, statusDone}, {c, statusDone}, {d, statusPend}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("history feed = %v, want %v (abandoned order %d left out)", got, want, abandoned)
		}
	})

	t.Run("orders by date_modified", func(t *testing.T) {
		base := time.Date(2030, 1, 1, 10, 0, 0, 0, db.Location())
		setModified(t, db, "order", "order_id", map[int]time.Time{a: base, c: base, d: base.Add(24 * time.Hour), abandoned: base})
		all := collectChanges(t, func(q ChangeQuery) (ChangePage, error) { return db.OrdersModifiedSince(ctx, q) },
			ChangeQuery{Since: base, Limit: 1})
		if want := []int{a, c, d}; !reflect.DeepEqual(all, want) {
			t.Errorf("orders modified since %v = %v, want %v (tie on date ordered by id, abandoned left out)", base, all, want)
		}
		later := collectChanges(t, func(q ChangeQuery) (ChangePage, error) { return db.OrdersModifiedSince(ctx, q) },
			ChangeQuery{Since: base.Add(time.Hour), Limit: 10})
		if want := []int{d}; !reflect.DeepEqual(later, want) {
			t.Errorf("orders modified since base+1h = %v, want %v", later, want)
		}
		overlap := collectChanges(t, func(q ChangeQuery) (ChangePage, error) { return db.OrdersModifiedSince(ctx, q) },
			ChangeQuery{Since: base.Add(time.Hour), Overlap: 2 * time.Hour, Limit: 2})
		if want := []int{a, c, d}; !reflect.DeepEqual(overlap, want) {
			t.Errorf("orders modified since base+1h with 2h overlap = %v, want %v", overlap, want)
		}
	})

	t.Run("products by date_modified", func(t *testing.T) {
		all := collectChanges(t, func(q ChangeQuery) (ChangePage, error) { return db.ProductsModifiedSince(ctx, q) },
			ChangeQuery{Limit: 4})
		if len(all) != 19 || len(uniqueInts(all)) != 19 {
			t.Errorf("products modified since the beginning = %v, want the 19 demo products once each", all)
		}
		tie := time.Date(2031, 6, 1, 0, 0, 0, 0, db.Location())
		setModified(t, db, "product", "product_id", map[int]time.Time{49: tie, 28: tie, 33: tie})
		changed := collectChanges(t, func(q ChangeQuery) (ChangePage, error) { return db.ProductsModifiedSince(ctx, q) },
			ChangeQuery{Since: tie, Limit: 2})
		if want := []int{28, 33, 49}; !reflect.DeepEqual(changed, want) {
			t.Errorf("products modified at %v = %v, want %v", tie, changed, want)
		}
	})

	t.Run("categories by date_modified", func(t *testing.T) {
		page, err := db.CategoriesModifiedSince(ctx, ChangeQuery{Limit: 100})
		if !db.hasColumn("category", "date_modified") {
			if !errors.Is(err, ErrNoModifiedDate) {
				t.Errorf("error = %v, want ErrNoModifiedDate on a schema without oc_category.date_modified", err)
			}
			return
		}
		if err != nil || len(page.IDs) != 38 || page.More {
			t.Errorf("categories since the beginning = %d ids (more %v), %v; want the 38 demo categories", len(page.IDs), page.More, err)
		}
	})
}

// collectChanges pages through one poll of a date_modified feed.
func collectChanges(t *testing.T, feed func(ChangeQuery) (ChangePage, error), q ChangeQuery) []int {
	t.Helper()
	var ids []int
	for {
		page, err := feed(q)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, page.IDs...)
		if !page.More {
			return ids
		}
		if len(ids) > 1000 {
			t.Fatalf("feed does not end: %v…", ids[:20])
		}
		q.After = page.Next
	}
}

func setModified(t *testing.T, db *DB, table, idColumn string, at map[int]time.Time) {
	t.Helper()
	for id, when := range at {
		if _, err := db.conn.Exec("UPDATE `"+db.table(table)+"` SET date_modified = ? WHERE "+idColumn+" = ?", when, id); err != nil {
			t.Fatal(err)
		}
	}
}

func uniqueInts(ids []int) map[int]bool {
	m := map[int]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}
