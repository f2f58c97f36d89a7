package octest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/ocbridge/bridge/pkg/opencart/checkout"
)

// Customer is checkout.Customer.
type Customer = checkout.Customer

// AddCustomer is checkout.AddCustomer failing the test on error.
func AddCustomer(t testing.TB, db *sql.DB, version string, c Customer) (customerID int, addressIDs []int) {
	t.Helper()
	customerID, addressIDs, err := checkout.AddCustomer(context.Background(), db, version, c)
	if err != nil {
		t.Fatal(err)
	}
	return customerID, addressIDs
}
