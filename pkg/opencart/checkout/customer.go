package checkout

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Customer describes a registered customer for AddCustomer.
type Customer struct {
	CustomerGroupID int // 0 means 1 (Default)
	FirstName       string
	LastName        string
	Email           string // must not be registered yet, as on the account page
	Telephone       string
	Newsletter      bool
	Addresses       []Address
	// DefaultAddress is the index in Addresses of the default address.
	DefaultAddress int
}

// AddCustomer writes a customer and their addresses the way the storefront's
// account/customer addCustomer and account/address addAddress do, and marks
// the default address (oc_customer.address_id on 3.0, oc_address.default on
// 4.x). It returns the customer_id and the address ids in order. The
// password is a fixed placeholder nobody can log in with.
func AddCustomer(ctx context.Context, db *sql.DB, version string, c Customer) (customerID int, addressIDs []int, err error) {
	f, err := parseVersion(version)
	if err != nil {
		return 0, nil, err
	}
	if c.CustomerGroupID == 0 {
		c.CustomerGroupID = 1
	}
	err = inTx(ctx, db, func(tx *sql.Tx) error {
		if err := checkNewCustomer(ctx, tx, f, c); err != nil {
			return err
		}
		newsletter := 0
		if c.Newsletter {
			newsletter = 1
		}
		row := []any{"customer_group_id", c.CustomerGroupID, "store_id", 0, "language_id", 1, "firstname", esc(c.FirstName),
			"lastname", esc(c.LastName), "email", esc(c.Email), "telephone", esc(c.Telephone), "custom_field", "[]",
			"newsletter", newsletter, "ip", "127.0.0.1", "status", 1}
		if f == v30 {
			row = append(row, "salt", "abcdefghi", "password", "0000000000000000000000000000000000000000")
		} else {
			row = append(row, "password", "$2y$10$octestoctestoctestoctestoctestoctestoctestoctestoctes")
		}
		if customerID, err = insertSet(ctx, tx, "oc_customer", row, "date_added = NOW()"); err != nil {
			return err
		}
		addressIDs, err = writeAddresses(ctx, tx, f, customerID, c)
		if err != nil {
			return partial(f, fmt.Errorf("customer %d: %w", customerID, err))
		}
		return nil
	})
	if err != nil {
		return 0, nil, fmt.Errorf("checkout: add customer %s: %w", who(c.FirstName, c.LastName, c.Email), err)
	}
	return customerID, addressIDs, nil
}

// checkNewCustomer refuses what the account pages refuse: an email already
// registered, an address in a country or zone the shop lacks.
func checkNewCustomer(ctx context.Context, tx *sql.Tx, f flavour, c Customer) error {
	var existing int
	err := tx.QueryRowContext(ctx, "SELECT customer_id FROM oc_customer WHERE LCASE(email) = LCASE(?) LIMIT 1", esc(c.Email)).Scan(&existing)
	switch {
	case err == nil:
		return fmt.Errorf("the email is already registered to customer %d; use another", existing)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("look up the email: %w", err)
	}
	for i, a := range c.Addresses {
		if _, _, err := addressNames(ctx, tx, f, 1, a); err != nil {
			return fmt.Errorf("address %d: %w", i+1, err)
		}
	}
	if len(c.Addresses) > 0 && (c.DefaultAddress < 0 || c.DefaultAddress >= len(c.Addresses)) {
		return fmt.Errorf("DefaultAddress %d is not an index into the %d addresses", c.DefaultAddress, len(c.Addresses))
	}
	return nil
}

// writeAddresses writes the address book and marks the default address.
func writeAddresses(ctx context.Context, tx *sql.Tx, f flavour, customerID int, c Customer) ([]int, error) {
	var ids []int
	for i, a := range c.Addresses {
		row := []any{"customer_id", customerID, "firstname", esc(a.FirstName), "lastname", esc(a.LastName), "company", esc(a.Company),
			"address_1", esc(a.Address1), "address_2", esc(a.Address2), "postcode", esc(a.Postcode), "city", esc(a.City),
			"zone_id", a.ZoneID, "country_id", a.CountryID, "custom_field", "[]"}
		isDefault := i == c.DefaultAddress
		if f != v30 {
			row = append(row, "default", isDefault)
		}
		id, err := insertSet(ctx, tx, "oc_address", row, "")
		if err != nil {
			return nil, fmt.Errorf("address %d: %w", i+1, err)
		}
		ids = append(ids, id)
		if f == v30 && isDefault {
			if _, err := tx.ExecContext(ctx, "UPDATE oc_customer SET address_id = ? WHERE customer_id = ?", id, customerID); err != nil {
				return nil, fmt.Errorf("mark address %d as the default: %w", id, err)
			}
		}
	}
	return ids, nil
}
