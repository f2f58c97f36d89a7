package activities

import (
	"context"
	"errors"
	"strings"

	"go.temporal.io/sdk/activity"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Customer sync: a registered OpenCart customer becomes a res.partner (name, e-mail, phone) with one
// child contact (type "other") per address-book entry, matched and followed by the rules of
// order_partner.go. Orders use the same partner and add their own invoice/delivery contacts.

// CustomerRef names an OpenCart customer of the worker's shop connection.
type CustomerRef struct {
	CustomerID int64 `json:"customer_id"`
}

// CustomerResult says what a customer sync did.
type CustomerResult struct {
	PartnerID int64 `json:"partner_id"`
	Created   bool  `json:"created,omitempty"`
	Updated   bool  `json:"updated,omitempty"` // name, e-mail or phone written
	Addresses int   `json:"addresses"`
}

// SyncCustomer syncs one customer with its address book.
func (a *Activities) SyncCustomer(ctx context.Context, ref CustomerRef) (CustomerResult, error) {
	c, err := a.Shop.Customer(ctx, int(ref.CustomerID))
	if errors.Is(err, opencart.ErrNotFound) {
		return CustomerResult{}, temporalError(recordInvalid(mapping.KindCustomer, ref.CustomerID, "customer_id", "the customer does not exist in the shop database",
			"check the customer id; a deleted customer is not synced"))
	}
	if err != nil {
		return CustomerResult{}, temporalError(err)
	}
	res, err := a.syncCustomer(ctx, c)
	return res, temporalError(err)
}

// CustomerPage asks for the customers with ids after AfterID, at most Limit.
type CustomerPage struct {
	AfterID int64 `json:"after_id"`
	Limit   int   `json:"limit"`
}

// SyncCustomerPage syncs one page of customers (the bulk sync). A customer that cannot sync is recorded
// for replay and counted; the page goes on.
func (a *Activities) SyncCustomerPage(ctx context.Context, p CustomerPage) (PageResult, error) {
	list, err := a.Shop.Customers(ctx, int(p.AfterID), p.Limit)
	if err != nil {
		return PageResult{}, temporalError(err)
	}
	res := PageResult{LastID: p.AfterID, Done: len(list) < p.Limit}
	for i := range list {
		c := &list[i]
		one, err := a.syncCustomer(ctx, c)
		if err != nil && !isRecordError(err) {
			return res, temporalError(err)
		}
		if err := a.recordOutcome(ctx, mapping.KindCustomer, mapping.OpenCartToOdoo, int64(c.ID), err); err != nil {
			return res, temporalError(err)
		}
		res.Read++
		res.LastID = int64(c.ID)
		switch {
		case err != nil:
			res.Failed++
		case one.Created:
			res.Created++
		case one.Updated:
			res.Updated++
		default:
			res.Unchanged++
		}
		activity.RecordHeartbeat(ctx, res)
	}
	return res, nil
}

func (a *Activities) syncCustomer(ctx context.Context, c *opencart.Customer) (CustomerResult, error) {
	d := customerDraft{Key: customerKey(c.ID, c.Email), Name: personName(c.FirstName, c.LastName),
		Email: strings.TrimSpace(c.Email), Phone: strings.TrimSpace(c.Telephone)}
	if d.Name == "" {
		return CustomerResult{}, recordInvalid(mapping.KindCustomer, int64(c.ID), "firstname", "the customer has no name", "enter the customer's name in the shop admin, then replay")
	}
	var res CustomerResult
	prior, err := a.Store.ByOpenCartID(ctx, mapping.KindCustomer, d.Key)
	if err != nil && !errors.Is(err, mapping.ErrNotFound) {
		return res, err
	}
	contacts := make([]contactDraft, len(c.Addresses))
	for i, addr := range c.Addresses {
		contacts[i] = contactDraft{Slot: addressBookSlot(c.ID, addr.ID), Type: "other", Address: addr.PostalAddress}
	}
	partner, created, err := a.ensurePartner(ctx, d, contacts)
	if err != nil {
		return res, err
	}
	res.PartnerID, res.Created = partner, created != nil
	// The shop is the source of a registered customer's name, e-mail and phone: written when they
	// changed, and once when the customer was matched to an existing Odoo contact.
	matched := prior.OdooID == 0 && created == nil
	if matched || (prior.OdooID == partner && prior.OpenCartFingerprint != customerFingerprint(d)) {
		if err := a.ERP.Write(ctx, "res.partner", []int64{partner}, partnerValues(d), nil); err != nil {
			return res, err
		}
		if err := a.putCustomer(ctx, d, partner); err != nil {
			return res, err
		}
		res.Updated = true
	}
	for _, contact := range contacts {
		if created[contact.Slot] == 0 {
			if _, err := a.ensureContact(ctx, partner, contact); err != nil {
				return res, err
			}
		}
		res.Addresses++
	}
	return res, nil
}
