package octest

import (
	"database/sql"
	"testing"
)

// Customer describes a registered customer for AddCustomer.
type Customer struct {
	CustomerGroupID int // 0 means 1 (Default)
	FirstName       string
	LastName        string
	Email           string
	Telephone       string
	Newsletter      bool
	Addresses       []Address
	// DefaultAddress is the index in Addresses of the default address.
	DefaultAddress int
}

// AddCustomer writes a customer and their addresses the way the storefront's
// account/customer addCustomer and account/address addAddress do, and marks
// the default address (oc_customer.address_id on 3.0, oc_address.default on
// 4.x). It returns the customer_id and the address ids in order.
func AddCustomer(t testing.TB, db *sql.DB, version string, c Customer) (customerID int, addressIDs []int) {
	t.Helper()
	conn := shopSession(t, db)
	defer conn.Close()
	v := major(version)
	if c.CustomerGroupID == 0 {
		c.CustomerGroupID = 1
	}
	newsletter := 0
	if c.Newsletter {
		newsletter = 1
	}
	row := []any{"customer_group_id", c.CustomerGroupID, "store_id", 0, "language_id", 1, "firstname", esc(c.FirstName),
		"lastname", esc(c.LastName), "email", esc(c.Email), "telephone", esc(c.Telephone), "custom_field", "[]",
		"newsletter", newsletter, "ip", "127.0.0.1", "status", 1}
	if v == "3.0" {
		row = append(row, "salt", "abcdefghi", "password", "0000000000000000000000000000000000000000")
	} else {
		row = append(row, "password", "$2y$10$octestoctestoctestoctestoctestoctestoctestoctestoctes")
	}
	customerID = insertSet(t, conn, "oc_customer", row, "date_added = NOW()")
	for i, a := range c.Addresses {
		row := []any{"customer_id", customerID, "firstname", esc(a.FirstName), "lastname", esc(a.LastName), "company", esc(a.Company),
			"address_1", esc(a.Address1), "address_2", esc(a.Address2), "postcode", esc(a.Postcode), "city", esc(a.City),
			"zone_id", a.ZoneID, "country_id", a.CountryID, "custom_field", "[]"}
		if v != "3.0" {
			isDefault := 0
			if i == c.DefaultAddress {
				isDefault = 1
			}
			row = append(row, "default", isDefault)
		}
		id := insertSet(t, conn, "oc_address", row, "")
		addressIDs = append(addressIDs, id)
		if v == "3.0" && i == c.DefaultAddress {
			mustExec(t, conn, "UPDATE oc_customer SET address_id = ? WHERE customer_id = ?", id, customerID)
		}
	}
	return customerID, addressIDs
}
