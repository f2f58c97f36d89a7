package octest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/ocbridge/bridge/pkg/opencart/checkout"
)

// The order types are package checkout's; these names keep tests short.
type (
	Order      = checkout.Order
	Address    = checkout.Address
	Method     = checkout.Method
	Line       = checkout.Line
	LineOption = checkout.LineOption
	Total      = checkout.Total
)

// PlaceOrder is checkout.PlaceOrder failing the test on error.
func PlaceOrder(t testing.TB, db *sql.DB, version string, o Order) int {
	t.Helper()
	id, err := checkout.PlaceOrder(context.Background(), db, version, o)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// AddHistory is checkout.AddHistory failing the test on error.
func AddHistory(t testing.TB, db *sql.DB, version string, orderID, statusID int, comment string) {
	t.Helper()
	if err := checkout.AddHistory(context.Background(), db, version, orderID, statusID, comment); err != nil {
		t.Fatal(err)
	}
}
