package activities

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Customers and addresses.
//
// Matching a customer to a res.partner (mapping kind "customer"; never by name):
//   - a registered customer by its mapping, else by e-mail: the one top-level Odoo contact with that
//     e-mail (case-insensitive), when exactly one exists; else a new partner;
//   - a guest by the mapping of "guest:<e-mail>", else by e-mail as above, else a new partner. A guest
//     whose e-mail belongs to a registered customer's partner orders as that partner.
//
// Addresses are child contacts of the partner, one per slot (mapping kind "address"): an order's
// invoice and delivery addresses ("<customer>/invoice", "<customer>/delivery"), an address-book entry
// ("<customer>/address/<address_id>"). A slot follows its address: when the address changes, an existing
// child contact of the same type with exactly the new address is reused; otherwise the slot's contact is
// updated in place if no confirmed sales order uses it (only quotations, whose addresses may follow),
// or a new contact is added and the old one is kept for the confirmed orders and invoices that print it.
// A change is never ignored: the slot's fingerprint is the address as last written.

// partnerFields are the fields a customer's partner gets from the shop.
func partnerValues(c customerDraft) odoo.Values {
	return odoo.Values{"name": c.Name, "email": c.Email, "phone": c.Phone}
}

// customerFingerprint is the shop side of a customer mapping.
func customerFingerprint(c customerDraft) string {
	return mapping.Fingerprint(map[string]string{"name": c.Name, "email": c.Email, "phone": c.Phone})
}

// ensurePartner returns the partner of a customer. When no partner matches it creates one together with
// the given contacts (one call) and returns the new contacts by slot; otherwise created is nil.
func (a *Activities) ensurePartner(ctx context.Context, c customerDraft, contacts []contactDraft) (partner int64, created map[string]int64, err error) {
	m, err := a.Store.ByOpenCartID(ctx, mapping.KindCustomer, c.Key)
	if err == nil {
		return m.OdooID, nil, nil
	}
	if !errors.Is(err, mapping.ErrNotFound) {
		return 0, nil, err
	}
	// The e-mail is also what makes creation idempotent: a partner created by an attempt whose answer
	// was lost is found here by the retry.
	if c.Email != "" {
		found, err := a.searchIDs(ctx, "res.partner", odoo.Domain{odoo.Leaf("email", "=ilike", c.Email), odoo.Leaf("parent_id", "=", false)})
		if err != nil {
			return 0, nil, err
		}
		if len(found) == 1 {
			return found[0], nil, a.putCustomer(ctx, c, found[0])
		}
	}
	values := partnerValues(c)
	values["customer_rank"] = 1
	var children []any
	for _, d := range uniqueSlots(contacts) {
		v, err := a.contactValues(ctx, d)
		if err != nil {
			return 0, nil, err
		}
		children = append(children, odoo.CmdCreate(v))
	}
	values["child_ids"] = children
	partner, err = a.createOnce(ctx, "partner/"+c.Key, concurrentRetry, func(ctx context.Context) (int64, error) {
		return a.createOne(ctx, "res.partner", values)
	})
	if err != nil {
		return 0, nil, err
	}
	if err := a.putCustomer(ctx, c, partner); err != nil {
		return 0, nil, err
	}
	created, err = a.mapNewContacts(ctx, partner, contacts)
	return partner, created, err
}

// putCustomer maps a customer to a partner. A partner already mapped to another customer key (a guest
// buying with a registered customer's e-mail) is used without a mapping of its own.
func (a *Activities) putCustomer(ctx context.Context, c customerDraft, partner int64) error {
	err := a.Store.Put(ctx, mapping.Mapping{Kind: mapping.KindCustomer, OdooID: partner, OpenCartID: c.Key,
		OpenCartFingerprint: customerFingerprint(c), SyncedAt: time.Now().UTC()})
	var conflict *mapping.ConflictError
	if errors.As(err, &conflict) && conflict.Existing.OdooID == partner {
		return nil
	}
	return err
}

// mapNewContacts maps the slots of contacts just created with their partner (one per type) and
// returns them by slot.
func (a *Activities) mapNewContacts(ctx context.Context, partner int64, contacts []contactDraft) (map[string]int64, error) {
	children, err := a.childContacts(ctx, partner)
	if err != nil {
		return nil, err
	}
	bySlot := map[string]int64{}
	for _, d := range uniqueSlots(contacts) {
		for _, child := range children {
			if child.String("type") == d.Type {
				bySlot[d.Slot] = child.ID()
				if err := a.putContact(ctx, d, child.ID(), 0); err != nil {
					return nil, err
				}
				break
			}
		}
		if bySlot[d.Slot] == 0 {
			return nil, fmt.Errorf("partner %d was created with a %s contact, but Odoo does not list it among its children", partner, d.Type)
		}
	}
	return bySlot, nil
}

// uniqueSlots drops repeated slots (an order shipping to its invoice address uses one contact).
func uniqueSlots(contacts []contactDraft) []contactDraft {
	var out []contactDraft
	seen := map[string]bool{}
	for _, d := range contacts {
		if !seen[d.Slot] {
			seen[d.Slot] = true
			out = append(out, d)
		}
	}
	return out
}

// ensureContact returns the child contact of partner for a slot, following address changes.
func (a *Activities) ensureContact(ctx context.Context, partner int64, d contactDraft) (int64, error) {
	fp := addressFingerprint(d)
	prior, err := a.Store.ByOpenCartID(ctx, mapping.KindAddress, d.Slot)
	switch {
	case err == nil && prior.OpenCartFingerprint == fp:
		return prior.OdooID, nil
	case err != nil && !errors.Is(err, mapping.ErrNotFound):
		return 0, err
	}
	values, err := a.contactValues(ctx, d)
	if err != nil {
		return 0, err
	}
	children, err := a.childContacts(ctx, partner)
	if err != nil {
		return 0, err
	}
	for _, child := range children {
		if sameContact(child, values) {
			return child.ID(), a.putContact(ctx, d, child.ID(), prior.OdooID)
		}
	}
	if prior.OdooID != 0 {
		inUse, err := a.ERP.SearchCount(ctx, "sale.order", odoo.Domain{"|",
			odoo.Leaf("partner_invoice_id", "=", prior.OdooID), odoo.Leaf("partner_shipping_id", "=", prior.OdooID),
			odoo.Leaf("state", "in", []any{"sale", "done"})}, nil)
		if err != nil {
			return 0, err
		}
		if inUse == 0 {
			if err := a.ERP.Write(ctx, "res.partner", []int64{prior.OdooID}, values, nil); err != nil {
				return 0, err
			}
			return prior.OdooID, a.putContact(ctx, d, prior.OdooID, 0)
		}
	}
	values["parent_id"] = partner
	child, err := a.createOnce(ctx, "contact/"+d.Slot, concurrentRetry, func(ctx context.Context) (int64, error) {
		return a.createOne(ctx, "res.partner", values)
	})
	if err != nil {
		return 0, err
	}
	return child, a.putContact(ctx, d, child, prior.OdooID)
}

// putContact points a slot at a contact, replacing the slot's previous contact (replaced, 0 if none).
// A contact that already serves another slot is used without a mapping of this slot.
func (a *Activities) putContact(ctx context.Context, d contactDraft, contact, replaced int64) error {
	if replaced != 0 && replaced != contact {
		if err := a.Store.Delete(ctx, mapping.KindAddress, replaced); err != nil && !errors.Is(err, mapping.ErrNotFound) {
			return err
		}
	}
	err := a.Store.Put(ctx, mapping.Mapping{Kind: mapping.KindAddress, OdooID: contact, OpenCartID: d.Slot,
		OpenCartFingerprint: addressFingerprint(d), SyncedAt: time.Now().UTC()})
	var conflict *mapping.ConflictError
	if errors.As(err, &conflict) && conflict.Existing.OpenCartID != d.Slot {
		return nil
	}
	return err
}

// childContacts reads a partner's active child contacts with the fields sameContact compares.
func (a *Activities) childContacts(ctx context.Context, partner int64) ([]odoo.Record, error) {
	return a.ERP.SearchRead(ctx, "res.partner", odoo.Query{Domain: odoo.Domain{odoo.Leaf("parent_id", "=", partner)},
		Fields: contactFields, Order: "id"})
}

var contactFields = []string{"type", "name", "company_name", "street", "street2", "city", "zip", "country_id", "state_id"}

// sameContact reports whether an Odoo contact holds exactly the wanted address, of the same type.
func sameContact(r odoo.Record, want odoo.Values) bool {
	for _, f := range contactFields {
		switch v := want[f].(type) {
		case string:
			if r.String(f) != v {
				return false
			}
		case int64:
			if r.Int(f) != v {
				return false
			}
		case bool: // false: empty many2one
			if r.Int(f) != 0 {
				return false
			}
		}
	}
	return true
}

// contactValues are the res.partner values of an address; country and state are looked up by ISO code.
func (a *Activities) contactValues(ctx context.Context, d contactDraft) (odoo.Values, error) {
	addr := d.Address
	name := personName(addr.FirstName, addr.LastName)
	if name == "" {
		name = addr.Company
	}
	v := odoo.Values{"type": d.Type, "name": name, "company_name": addr.Company, "street": addr.Address1, "street2": addr.Address2,
		"city": addr.City, "zip": addr.Postcode, "country_id": false, "state_id": false}
	country, state, err := a.geoIDs(ctx, addr)
	if err != nil {
		return nil, err
	}
	if country != 0 {
		v["country_id"] = country
	}
	if state != 0 {
		v["state_id"] = state
	}
	return v, nil
}

// geoIDs finds the Odoo country (ISO 3166-1 alpha-2) and state (the zone code, which is the ISO 3166-2
// suffix in most OpenCart countries) of an address; 0 when Odoo has none.
func (a *Activities) geoIDs(ctx context.Context, addr opencart.PostalAddress) (country, state int64, err error) {
	iso := strings.ToUpper(addr.CountryISO2)
	if iso == "" {
		return 0, 0, nil
	}
	country, err = a.Orders.memo.remembered(ctx, "country:"+iso, func(ctx context.Context) (int64, error) {
		ids, err := a.searchIDs(ctx, "res.country", odoo.Domain{odoo.Leaf("code", "=", iso)})
		return firstID(ids), err
	})
	if err != nil || country == 0 || addr.ZoneCode == "" {
		return country, 0, err
	}
	state, err = a.Orders.memo.remembered(ctx, "state:"+iso+"/"+addr.ZoneCode, func(ctx context.Context) (int64, error) {
		ids, err := a.searchIDs(ctx, "res.country.state", odoo.Domain{odoo.Leaf("country_id", "=", country), odoo.Leaf("code", "=", addr.ZoneCode)})
		return firstID(ids), err
	})
	return country, state, err
}

// addressFingerprint is the shop side of an address slot: the address as written.
func addressFingerprint(d contactDraft) string {
	a := d.Address
	return mapping.Fingerprint([]string{d.Type, a.FirstName, a.LastName, a.Company, a.Address1, a.Address2, a.City, a.Postcode,
		a.CountryISO2, a.ZoneCode})
}

// partnerContacts resolves a customer and the contacts of an order in Odoo.
func (a *Activities) partnerContacts(ctx context.Context, c customerDraft, contacts ...contactDraft) (partner int64, ids []int64, err error) {
	partner, created, err := a.ensurePartner(ctx, c, contacts)
	if err != nil {
		return 0, nil, err
	}
	for _, d := range contacts {
		id, ok := created[d.Slot]
		if !ok {
			if id, err = a.ensureContact(ctx, partner, d); err != nil {
				return 0, nil, err
			}
		}
		ids = append(ids, id)
	}
	return partner, ids, nil
}

// customerSlotPrefix is the start of every address slot of a customer key.
func customerSlotPrefix(key string) string { return key + "/" }

// addressBookSlot is the slot of an address-book entry.
func addressBookSlot(customerID, addressID int) string {
	return customerSlotPrefix(strconv.Itoa(customerID)) + "address/" + strconv.Itoa(addressID)
}
