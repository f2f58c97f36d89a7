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
)

// Reference data (currency, carrier, payment method; taxes in order_taxes.go) is resolved in the same
// three steps for every kind:
//  1. the mapping store;
//  2. an unambiguous match in Odoo on the record's natural key (ISO code, name; taxes: amount + type +
//     price-include), among Odoo records no other OpenCart record is mapped to — never a guess;
//  3. the kind's missing-mapping policy: create the record in Odoo, or wait for a human to map it.
// Matches and creations are stored as mappings, so each is done once.

// reference is one OpenCart reference record to resolve.
type reference struct {
	kind       mapping.Kind
	openCartID string
	name       string // shown to the operator while the order waits
	fix        string
	// match lists the Odoo records that may be it (step 2); create makes one (step 3, policy create).
	match  func(ctx context.Context) ([]int64, error)
	create func(ctx context.Context) (int64, error)
}

// resolveReference returns the Odoo id of a reference record, or 0 after recording that the order
// waits for its mapping.
func (b *orderBuilder) resolveReference(ctx context.Context, r reference) (int64, error) {
	id, err := b.a.resolveReference(ctx, r)
	if errors.Is(err, errMappingMissing) {
		b.missing(r.kind, r.openCartID, r.name, r.fix)
		return 0, nil
	}
	return id, err
}

// errMappingMissing: the policy is "map" and nothing matched.
var errMappingMissing = errors.New("mapping missing")

func (a *Activities) resolveReference(ctx context.Context, r reference) (int64, error) {
	m, err := a.Store.ByOpenCartID(ctx, r.kind, r.openCartID)
	if err == nil {
		return m.OdooID, nil
	}
	if !errors.Is(err, mapping.ErrNotFound) {
		return 0, err
	}
	candidates, err := r.match(ctx)
	if err != nil {
		return 0, err
	}
	free, err := a.unmappedOdooIDs(ctx, r.kind, candidates)
	if err != nil {
		return 0, err
	}
	var id int64
	switch {
	case len(free) == 1:
		id = free[0]
	case len(free) > 1 && a.Orders.Policy(r.kind) == PolicyCreate:
		id = free[0] // several equal candidates: under "create" the first (Odoo's own order) serves
	case a.Orders.Policy(r.kind) == PolicyMap || r.create == nil:
		return 0, errMappingMissing
	default:
		id, err = a.createOnce(ctx, "reference/"+string(r.kind)+"/"+r.openCartID, concurrentRetry, r.create)
		if odoo.FaultCode(err) == odoo.FaultUserError {
			// A unique constraint (journal code, carrier name, …) refused the create: a concurrent order
			// made the same record first. Its match is the record to use.
			if again, matchErr := r.match(ctx); matchErr == nil {
				if free, _ := a.unmappedOdooIDs(ctx, r.kind, again); len(free) == 1 {
					id, err = free[0], nil
				}
			}
		}
		if err != nil {
			return 0, err
		}
	}
	return a.putReference(ctx, r.kind, id, r.openCartID)
}

// unmappedOdooIDs keeps the candidates no mapping of the kind uses yet (mappings are one-to-one).
func (a *Activities) unmappedOdooIDs(ctx context.Context, kind mapping.Kind, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	taken, err := a.Store.ByOdooIDs(ctx, kind, ids)
	if err != nil {
		return nil, err
	}
	var free []int64
	for _, id := range ids {
		if _, ok := taken[id]; !ok {
			free = append(free, id)
		}
	}
	return free, nil
}

// putReference stores a reference mapping. When a concurrent order stored one first, that one wins; a
// conflict on the Odoo side (another record took the candidate meanwhile) is retried, and the retry's
// match leaves the taken record out.
func (a *Activities) putReference(ctx context.Context, kind mapping.Kind, odooID int64, openCartID string) (int64, error) {
	err := a.Store.Put(ctx, mapping.Mapping{Kind: kind, OdooID: odooID, OpenCartID: openCartID, SyncedAt: time.Now().UTC()})
	var conflict *mapping.ConflictError
	if errors.As(err, &conflict) {
		if m, lookupErr := a.Store.ByOpenCartID(ctx, kind, openCartID); lookupErr == nil {
			return m.OdooID, nil
		}
	}
	return odooID, err
}

// searchIDs runs a search (archived records excluded) and returns the ids.
func (a *Activities) searchIDs(ctx context.Context, model string, domain odoo.Domain) ([]int64, error) {
	return a.ERP.Search(ctx, model, odoo.Query{Domain: domain, Order: "id"})
}

// createOne creates one record.
func (a *Activities) createOne(ctx context.Context, model string, values odoo.Values) (int64, error) {
	ids, err := a.ERP.Create(ctx, model, []odoo.Values{values}, nil)
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// resolveCurrency maps the order's currency (ISO code) and finds the pricelist selling in it.
func (b *orderBuilder) resolveCurrency(ctx context.Context) error {
	o := b.o
	code := strings.ToUpper(o.CurrencyCode)
	var inactive []int64
	currency, err := b.resolveReference(ctx, reference{
		kind: mapping.KindCurrency, openCartID: strconv.Itoa(o.CurrencyID), name: code,
		fix: fmt.Sprintf("activate %s in Odoo (Accounting > Configuration > Currencies) and map it", code),
		match: func(ctx context.Context) ([]int64, error) {
			rows, err := b.a.ERP.SearchRead(ctx, "res.currency", odoo.Query{Domain: odoo.Domain{odoo.Leaf("name", "=", code)},
				Fields: []string{"active"}, Context: odoo.Context{"active_test": false}})
			if err != nil {
				return nil, err
			}
			if len(rows) == 0 {
				return nil, recordInvalid(mapping.KindOrder, int64(o.ID), "currency_code", fmt.Sprintf("Odoo has no currency %q", code),
					"create the currency in Odoo, or correct the shop's currency code, then replay")
			}
			var active []int64
			for _, r := range rows {
				if r.Bool("active") {
					active = append(active, r.ID())
				} else {
					inactive = append(inactive, r.ID())
				}
			}
			return active, nil
		},
		create: func(ctx context.Context) (int64, error) {
			// Odoo knows every ISO currency; "creating" one means activating it.
			if len(inactive) == 0 {
				return 0, errMappingMissing
			}
			return inactive[0], b.a.ERP.Write(ctx, "res.currency", inactive[:1], odoo.Values{"active": true}, nil)
		},
	})
	if err != nil || currency == 0 {
		return err
	}
	b.draft.PricelistID, err = b.a.Orders.memo.remembered(ctx, "pricelist:"+strconv.FormatInt(currency, 10), func(ctx context.Context) (int64, error) {
		return b.a.pricelistFor(ctx, currency, code)
	})
	return err
}

// pricelistFor returns the first active pricelist in a currency, creating "OpenCart <CODE>" if none.
func (a *Activities) pricelistFor(ctx context.Context, currency int64, code string) (int64, error) {
	ids, err := a.ERP.Search(ctx, "product.pricelist", odoo.Query{Domain: odoo.Domain{odoo.Leaf("currency_id", "=", currency)},
		Order: "sequence, id", Limit: 1})
	if err != nil || len(ids) > 0 {
		return firstID(ids), err
	}
	return a.createOnce(ctx, "pricelist/"+code, concurrentRetry, func(ctx context.Context) (int64, error) {
		return a.createOne(ctx, "product.pricelist", odoo.Values{"name": "OpenCart " + code, "currency_id": currency})
	})
}

func firstID(ids []int64) int64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// resolveCarrier maps the order's shipping method (its code, e.g. "flat.flat") to a delivery carrier.
func (b *orderBuilder) resolveCarrier(ctx context.Context) error {
	ship := b.o.Shipping
	if ship.Code == "" {
		return nil
	}
	var err error
	b.draft.CarrierID, err = b.resolveReference(ctx, reference{
		kind: mapping.KindCarrier, openCartID: ship.Code, name: ship.Name,
		fix: fmt.Sprintf("map shipping method %s (%s) to an Odoo delivery method", ship.Code, ship.Name),
		match: func(ctx context.Context) ([]int64, error) {
			return b.a.searchIDs(ctx, "delivery.carrier", odoo.Domain{odoo.Leaf("name", "=ilike", ship.Name)})
		},
		create: func(ctx context.Context) (int64, error) {
			return b.a.createCarrier(ctx, ship.Code, ship.Name)
		},
	})
	return err
}

// createCarrier creates a fixed-price delivery method with its own service product (Odoo requires one).
func (a *Activities) createCarrier(ctx context.Context, code, name string) (int64, error) {
	product, err := a.ensureServiceProduct(ctx, "OC-SHIP-"+code, "Shipping: "+name)
	if err != nil {
		return 0, err
	}
	return a.createOne(ctx, "delivery.carrier", odoo.Values{"name": name, "product_id": product, "delivery_type": "fixed", "fixed_price": 0.0})
}

// resolvePaymentMethod maps the order's payment method (its code, e.g. "cod") to the journal its
// payments are registered in.
func (b *orderBuilder) resolvePaymentMethod(ctx context.Context) error {
	pay := b.o.Payment
	if pay.Code == "" {
		return nil
	}
	_, err := b.resolveReference(ctx, b.a.paymentMethodReference(pay.Code, pay.Name))
	return err
}

func (a *Activities) paymentMethodReference(code, name string) reference {
	return reference{
		kind: mapping.KindPaymentMethod, openCartID: code, name: name,
		fix: fmt.Sprintf("map payment method %s (%s) to the Odoo bank or cash journal its payments go to", code, name),
		match: func(ctx context.Context) ([]int64, error) {
			return a.searchIDs(ctx, "account.journal", odoo.Domain{odoo.Leaf("type", "in", []any{"bank", "cash"}), odoo.Leaf("name", "=ilike", name)})
		},
		create: func(ctx context.Context) (int64, error) { return a.createPaymentJournal(ctx, code, name) },
	}
}

// createPaymentJournal creates a bank journal named after the payment method, able to receive payments
// by the "manual" method (Odoo 13/14: inbound methods on the journal; 15+: a payment method line).
func (a *Activities) createPaymentJournal(ctx context.Context, code, name string) (int64, error) {
	manual, err := a.searchIDs(ctx, "account.payment.method", odoo.Domain{odoo.Leaf("code", "=", "manual"), odoo.Leaf("payment_type", "=", "inbound")})
	if err != nil {
		return 0, err
	}
	if len(manual) == 0 {
		return 0, errors.New("odoo has no inbound payment method \"manual\"; install the account module's defaults")
	}
	values := odoo.Values{"name": name, "type": "bank", "code": journalCode(code)}
	lines := a.ERP.Schema().PaymentMethodModel == "account.payment.method.line"
	if !lines {
		values["inbound_payment_method_ids"] = []any{odoo.CmdSet(manual[0])}
	}
	journal, err := a.createOne(ctx, "account.journal", values)
	if err != nil || !lines {
		return journal, err
	}
	if _, err := a.ERP.PaymentMethodID(ctx, journal, "manual"); err == nil {
		return journal, nil // Odoo added the default method lines itself
	}
	_, err = a.createOne(ctx, "account.payment.method.line", odoo.Values{"name": "Manual", "journal_id": journal, "payment_method_id": manual[0]})
	return journal, err
}

// journalCode derives a 5-character journal code from a payment method code ("cod" → "OCCOD").
func journalCode(code string) string {
	var b strings.Builder
	b.WriteString("OC")
	for _, r := range strings.ToUpper(code) {
		if b.Len() == 5 {
			break
		}
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ensureServiceProduct finds the service product with an internal reference, or creates it. The
// reference is the key: a create whose answer was lost is found on the retry.
func (a *Activities) ensureServiceProduct(ctx context.Context, ref, name string) (int64, error) {
	found, err := a.ERP.Search(ctx, "product.product", odoo.Query{Domain: odoo.Domain{odoo.Leaf("default_code", "=", ref)},
		Order: "id", Limit: 1, Context: odoo.Context{"active_test": false}})
	if err != nil || len(found) > 0 {
		return firstID(found), err
	}
	values := odoo.Values{"name": name, "default_code": ref, "list_price": 0.0, "sale_ok": true, "purchase_ok": false,
		"taxes_id": []any{odoo.CmdSet()}}
	for k, v := range a.ERP.Schema().ProductTypeValues(odoo.ProductService) {
		values[k] = v
	}
	return a.createOnce(ctx, "service-product/"+ref, concurrentRetry, func(ctx context.Context) (int64, error) {
		return a.createOne(ctx, "product.product", values)
	})
}

// totalProduct returns the product of the lines made from one kind of order total: the setting's
// product (an external id module.name, or a database id), else the bridge's own service product.
func (a *Activities) totalProduct(ctx context.Context, setting, ref, name string) (int64, error) {
	key := "product:" + setting + "|" + ref
	return a.Orders.memo.remembered(ctx, key, func(ctx context.Context) (int64, error) {
		if setting == "" {
			return a.ensureServiceProduct(ctx, ref, name)
		}
		if id, err := strconv.ParseInt(setting, 10, 64); err == nil {
			return id, nil
		}
		module, xmlName, ok := strings.Cut(setting, ".")
		if !ok {
			return 0, fmt.Errorf("order settings: product %q is neither an external id (module.name) nor a database id", setting)
		}
		x, found, err := a.ERP.LookupExternalID(ctx, module, xmlName)
		if err != nil {
			return 0, err
		}
		if !found || x.Model != "product.product" {
			return 0, fmt.Errorf("order settings: %s does not name a product.product in Odoo; correct the setting", setting)
		}
		return x.ResID, nil
	})
}
