package opencart

import (
	"context"
	"fmt"
	"testing"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

func testOrderStatus(t *testing.T, db *DB) {
	ctx := context.Background()
	version := map[Flavour]string{V30: "3.0.4.1", V402: "4.0.2.3", V41: "4.1.0.4"}[db.flavour]
	order := octest.Order{
		FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
		Payment:       octest.Address{FirstName: "Ada", LastName: "Lovelace", Address1: "1 Street", City: "London", CountryID: 222, ZoneID: 3563},
		PaymentMethod: octest.Method{Name: "Cash On Delivery", Code: "cod.cod"},
		Lines:         []octest.Line{{ProductID: 40, Name: "iPhone", Model: "product 11", Quantity: 1, Price: 101}},
		Totals:        []octest.Total{{Code: "total", Title: "Total", Value: 101}},
		Status:        1,
	}
	orderID := octest.PlaceOrder(t, db.conn, version, order)
	history := func() string {
		return queryValue(t, db, "SELECT COUNT(*) FROM oc_order_history WHERE order_id = ?", orderID)
	}
	before := history()
	execSQL(t, db, "UPDATE oc_order SET date_modified = '2001-02-03 04:05:06' WHERE order_id = ?", orderID)

	changed, err := db.SetOrderStatus(ctx, StatusChange{OrderID: orderID, StatusID: 3, Notify: true, Comment: nasty})
	if err != nil || !changed {
		t.Fatalf("SetOrderStatus = %v, %v; want a change", changed, err)
	}
	wantRows(t, db, [][]string{{"3", "1"}}, "SELECT order_status_id, date_modified > '2001-02-03 04:05:06' FROM oc_order WHERE order_id = ?", orderID)
	last := queryRows(t, db, "SELECT order_status_id, notify, comment, date_added IS NOT NULL FROM oc_order_history WHERE order_id = ? ORDER BY order_history_id DESC LIMIT 1", orderID)[0]
	if last[0] != "3" || last[1] != "1" || plainText(last[2]) != nasty || last[3] != "1" {
		t.Errorf("history row = %q, want status 3, notified, the comment round-tripping", last)
	}
	if h := history(); h != itoa(atoi(t, before)+1) {
		t.Errorf("history rows %s → %s, want one more", before, h)
	}

	// The same status again changes nothing.
	changed, err = db.SetOrderStatus(ctx, StatusChange{OrderID: orderID, StatusID: 3})
	if err != nil || changed {
		t.Errorf("repeating status 3: changed = %v, err = %v; want an idempotent no-op", changed, err)
	}
	if h := history(); h != itoa(atoi(t, before)+1) {
		t.Errorf("repeating the status added a history row")
	}

	if _, err := db.SetOrderStatus(ctx, StatusChange{OrderID: orderID, StatusID: 999}); err == nil {
		t.Errorf("unknown status 999 was accepted")
	}
	abandoned := order
	abandoned.Status = 0
	missingID := octest.PlaceOrder(t, db.conn, version, abandoned)
	if _, err := db.SetOrderStatus(ctx, StatusChange{OrderID: missingID, StatusID: 3}); err == nil {
		t.Errorf("status written to an unconfirmed (status 0) order")
	}
	wantRows(t, db, [][]string{{"0", "0"}}, "SELECT order_status_id, (SELECT COUNT(*) FROM oc_order_history WHERE order_id = ?) FROM oc_order WHERE order_id = ?", missingID, missingID)
	if _, err := db.SetOrderStatus(ctx, StatusChange{OrderID: 999999, StatusID: 3}); err == nil {
		t.Errorf("status written to a missing order")
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
