package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Customer is a registered customer with their address book. OpenCart keeps
// no modification date for customers or addresses.
type Customer struct {
	ID              int
	CustomerGroupID int
	StoreID         int
	LanguageID      int
	FirstName       string
	LastName        string
	Email           string
	Telephone       string
	Newsletter      bool
	Enabled         bool
	Safe            bool // skips anti-fraud checks
	DateAdded       time.Time
	// DefaultAddressID is oc_customer.address_id on 3.0 and the address with
	// `default` = 1 on 4.x; 0 if none.
	DefaultAddressID int
	Addresses        []Address // by address_id
}

// Address is one address book entry.
type Address struct {
	ID int
	PostalAddress
}

// DefaultAddress returns the default address, or nil.
func (c *Customer) DefaultAddress() *Address {
	for i := range c.Addresses {
		if c.Addresses[i].ID == c.DefaultAddressID {
			return &c.Addresses[i]
		}
	}
	return nil
}

// Customer reads one customer with addresses.
func (db *DB) Customer(ctx context.Context, id int) (*Customer, error) {
	list, err := db.readCustomers(ctx, "customer_id = ?", []any{id})
	if err != nil {
		return nil, fmt.Errorf("opencart: read customer %d: %w", id, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("opencart: read customer %d: %w", id, ErrNotFound)
	}
	return &list[0], nil
}

// Customers reads up to limit customers with customer_id > afterID, by id:
// page with afterID = the last ID of the previous page.
func (db *DB) Customers(ctx context.Context, afterID, limit int) ([]Customer, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("opencart: read customers: %w", err)
	}
	list, err := db.readCustomers(ctx, "customer_id > ? ORDER BY customer_id LIMIT ?", []any{afterID, limit})
	if err != nil {
		return nil, fmt.Errorf("opencart: read customers after id %d: %w", afterID, err)
	}
	return list, nil
}

// readCustomers reads the customers matching a condition (which may end in
// ORDER BY/LIMIT), then all their addresses in one query.
func (db *DB) readCustomers(ctx context.Context, cond string, args []any) ([]Customer, error) {
	defaultCol := db.columnOr("customer", "c", "address_id", "0")
	out, err := queryAll(ctx, db.conn, "SELECT customer_id, customer_group_id, store_id, language_id, firstname, lastname, email, telephone,"+
		" newsletter, status, safe, date_added, "+defaultCol+" FROM "+db.table("customer")+" c WHERE "+cond, args, func(rows *sql.Rows, c *Customer) error {
		return rows.Scan(&c.ID, integer(&c.CustomerGroupID), integer(&c.StoreID), integer(&c.LanguageID), text(&c.FirstName),
			text(&c.LastName), text(&c.Email), text(&c.Telephone), boolean(&c.Newsletter), boolean(&c.Enabled), boolean(&c.Safe),
			timestamp(&c.DateAdded), integer(&c.DefaultAddressID))
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids, at := indexByID(out, func(c *Customer) int { return c.ID })
	geoCols, geoJoins := db.geoJoin("g", "a.country_id", "a.zone_id", true)
	defaultFlag := db.columnOr("address", "a", "default", "0")
	err = eachIn(ctx, db.conn, "SELECT a.customer_id, a.address_id, "+defaultFlag+", "+addressColumns("a", "")+", "+geoCols+
		" FROM "+db.table("address")+" a"+geoJoins+" WHERE a.customer_id IN (%s) ORDER BY a.address_id", ids,
		func(rows *sql.Rows) error {
			var customerID int
			var isDefault bool
			var a Address
			targets := append([]any{&customerID, &a.ID, boolean(&isDefault)}, addressTargets(&a.PostalAddress)...)
			if err := rows.Scan(append(targets, geoTargets(&a.PostalAddress, true)...)...); err != nil {
				return err
			}
			c := at(customerID)
			c.Addresses = append(c.Addresses, a)
			if isDefault {
				c.DefaultAddressID = a.ID
			}
			return nil
		})
	return out, err
}
