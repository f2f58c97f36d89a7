// Package mappingadmin is the hand-editing side of the mapping store, shared by the api and the CLI:
// list pairs, pair two records after checking both exist, unpair, and list what is unmapped on each side
// with suggestions. Suggestions are only ever suggestions: a pair is made by a person (or by a sync's
// own unambiguous match), never silently by name here.
package mappingadmin

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// Record is one record on one side, as the admin lists it.
type Record struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Suggestion proposes a pair whose names match (case- and space-insensitive) one-to-one.
type Suggestion struct {
	OdooID     int64  `json:"odoo_id"`
	OpenCartID string `json:"opencart_id"`
	Name       string `json:"name"`
}

// Unmapped lists the records of a kind that no pair covers yet.
type Unmapped struct {
	Odoo        []Record     `json:"odoo"`
	OpenCart    []Record     `json:"opencart"`
	Suggestions []Suggestion `json:"suggestions"`
}

// InputError is a request the admin refuses; Field names the input at fault.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// Admin edits the mappings of one shop connection.
type Admin struct {
	Store *mapping.Store
	// ERP and Shop return the connections on demand (the api connects lazily).
	ERP  func(context.Context) (*odoo.Client, error)
	Shop func(context.Context) (*opencart.DB, error)
	// MappingAdded is told of every new pair, to wake order workflows waiting for it; may be nil.
	MappingAdded func(ctx context.Context, kind mapping.Kind) error
}

// side describes how one kind's records are found on each side.
type side struct {
	// odooFixed lists the Odoo side when it is not a model (order milestones); odooModel is then empty.
	odooFixed []Record
	odooModel string
	odooName  string      // field shown as the name
	odooWhere odoo.Domain // records that may be paired
	openCart  func(ctx context.Context, db *opencart.DB) ([]Record, error)
}

// Kinds are the kinds that may be edited by hand, with the record on each side.
var kinds = map[mapping.Kind]side{
	mapping.KindAttribute: {
		odooModel: "product.attribute", odooName: "name",
		openCart: func(ctx context.Context, db *opencart.DB) ([]Record, error) {
			opts, err := db.Options(ctx)
			return each(opts, err, func(o opencart.Option) Record {
				return Record{strconv.Itoa(o.ID), o.Names[db.DefaultLanguageID()]}
			})
		},
	},
	mapping.KindAttributeValue: {
		odooModel: "product.attribute.value", odooName: "display_name",
		openCart: func(ctx context.Context, db *opencart.DB) ([]Record, error) {
			opts, err := db.Options(ctx)
			if err != nil {
				return nil, err
			}
			var out []Record
			for _, o := range opts {
				for _, v := range o.Values {
					out = append(out, Record{strconv.Itoa(v.ID), o.Names[db.DefaultLanguageID()] + ": " + v.Names[db.DefaultLanguageID()]})
				}
			}
			return out, nil
		},
	},
	mapping.KindCategory: {
		odooModel: "product.category", odooName: "complete_name",
		openCart: func(ctx context.Context, db *opencart.DB) ([]Record, error) {
			var out []Record
			after := 0
			for {
				page, err := db.Categories(ctx, after, 500)
				if err != nil || len(page) == 0 {
					return out, err
				}
				for _, c := range page {
					out = append(out, Record{strconv.Itoa(c.ID), categoryName(c, db.DefaultLanguageID())})
					after = c.ID
				}
			}
		},
	},
	mapping.KindCurrency: {
		odooModel: "res.currency", odooName: "name", odooWhere: odoo.Domain{odoo.Leaf("active", "=", true)},
		openCart: func(ctx context.Context, db *opencart.DB) ([]Record, error) {
			cs, err := db.Currencies(ctx)
			return each(cs, err, func(c opencart.Currency) Record { return Record{strconv.Itoa(c.ID), c.Code} })
		},
	},
	mapping.KindTax: {
		odooModel: "account.tax", odooName: "name", odooWhere: odoo.Domain{odoo.Leaf("type_tax_use", "=", "sale")},
		openCart: func(ctx context.Context, db *opencart.DB) ([]Record, error) {
			rs, err := db.TaxRates(ctx)
			return each(rs, err, func(r opencart.TaxRate) Record { return Record{strconv.Itoa(r.ID), r.Name} })
		},
	},
	mapping.KindCarrier: {
		odooModel: "delivery.carrier", odooName: "name",
		openCart: extensionMethods("shipping"),
	},
	mapping.KindOrderStatus: {
		// Odoo milestones ⇄ the OpenCart status written back when an order reaches them.
		odooFixed: milestoneRecords(),
		openCart: func(ctx context.Context, db *opencart.DB) ([]Record, error) {
			ss, err := db.OrderStatuses(ctx)
			return each(ss, err, func(s opencart.OrderStatus) Record { return Record{strconv.Itoa(s.ID), s.Name} })
		},
	},
	mapping.KindPaymentMethod: {
		// Payments of an OpenCart method are registered in an Odoo bank or cash journal.
		odooModel: "account.journal", odooName: "name",
		odooWhere: odoo.Domain{odoo.Leaf("type", "in", []any{"bank", "cash"})},
		openCart:  extensionMethods("payment"),
	},
}

// Editable lists the kinds that may be edited by hand, sorted.
func Editable() []mapping.Kind {
	out := make([]mapping.Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func milestoneRecords() []Record {
	out := make([]Record, len(mapping.OrderMilestones))
	for i, m := range mapping.OrderMilestones {
		out[i] = Record{strconv.Itoa(i + 1), m}
	}
	return out
}

func each[T any](items []T, err error, f func(T) Record) ([]Record, error) {
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(items))
	for _, it := range items {
		out = append(out, f(it))
	}
	return out, nil
}

func categoryName(c opencart.CategoryRecord, lang int) string {
	if d, ok := c.Descriptions[lang]; ok {
		return d.Name
	}
	return "category " + strconv.Itoa(c.ID)
}

// extensionMethods lists installed payment or shipping extensions by the method code orders carry:
// "<extension>.<extension>" for shipping (flat.flat) and for 4.0.2+ payment (cod.cod), the bare code for
// older payment columns (cod).
func extensionMethods(typ string) func(ctx context.Context, db *opencart.DB) ([]Record, error) {
	return func(ctx context.Context, db *opencart.DB) ([]Record, error) {
		exts, err := db.Extensions(ctx, typ)
		if err != nil {
			return nil, err
		}
		var out []Record
		for _, e := range exts {
			code := e.Code + "." + e.Code
			if typ == "payment" && db.Flavour() < opencart.V402 {
				code = e.Code
			}
			name := e.Code
			if !e.Enabled {
				name += " (disabled)"
			}
			out = append(out, Record{code, name})
		}
		return out, nil
	}
}

func (a *Admin) side(kind mapping.Kind) (side, error) {
	s, ok := kinds[kind]
	if !ok {
		names := make([]string, 0, len(kinds))
		for _, k := range Editable() {
			names = append(names, string(k))
		}
		return side{}, &InputError{"kind", fmt.Sprintf("%q cannot be edited by hand; use one of %s", kind, strings.Join(names, ", "))}
	}
	return s, nil
}

// List returns the pairs of a kind.
func (a *Admin) List(ctx context.Context, kind mapping.Kind) ([]mapping.Mapping, error) {
	if _, err := a.side(kind); err != nil {
		return nil, err
	}
	var out []mapping.Mapping
	after := int64(0)
	for {
		page, err := a.Store.List(ctx, kind, after, 1000)
		if err != nil || len(page) == 0 {
			return out, err
		}
		out = append(out, page...)
		after = page[len(page)-1].OdooID
	}
}

// Create pairs two records after checking that both exist; a side already paired is refused with the
// existing pair named (a *mapping.ConflictError).
func (a *Admin) Create(ctx context.Context, kind mapping.Kind, odooID int64, openCartID string) (mapping.Mapping, error) {
	s, err := a.side(kind)
	if err != nil {
		return mapping.Mapping{}, err
	}
	openCartID = strings.TrimSpace(openCartID)
	switch {
	case odooID <= 0:
		return mapping.Mapping{}, &InputError{"odoo_id", "must be a positive Odoo record id"}
	case openCartID == "":
		return mapping.Mapping{}, &InputError{"opencart_id", "is required"}
	}
	if err := a.checkOdooSide(ctx, s, odooID); err != nil {
		return mapping.Mapping{}, err
	}
	shop, err := a.Shop(ctx)
	if err != nil {
		return mapping.Mapping{}, fmt.Errorf("opencart: %w", err)
	}
	records, err := s.openCart(ctx, shop)
	if err != nil {
		return mapping.Mapping{}, fmt.Errorf("opencart: %w", err)
	}
	if !containsID(records, openCartID) {
		return mapping.Mapping{}, &InputError{"opencart_id", fmt.Sprintf("the shop has no %s %q", kind, openCartID)}
	}
	m := mapping.Mapping{Kind: kind, OdooID: odooID, OpenCartID: openCartID}
	if err := a.Store.Put(ctx, m); err != nil {
		return mapping.Mapping{}, err
	}
	if a.MappingAdded != nil {
		if err := a.MappingAdded(ctx, kind); err != nil {
			return m, fmt.Errorf("the mapping is stored, but waiting orders were not woken (they look again on their own): %w", err)
		}
	}
	return a.Store.ByOdooID(ctx, kind, odooID)
}

// checkOdooSide refuses an Odoo id that names no pairable record.
func (a *Admin) checkOdooSide(ctx context.Context, s side, odooID int64) error {
	if s.odooModel == "" {
		if !containsID(s.odooFixed, strconv.FormatInt(odooID, 10)) {
			return &InputError{"odoo_id", fmt.Sprintf("must be one of %v", s.odooFixed)}
		}
		return nil
	}
	erp, err := a.ERP(ctx)
	if err != nil {
		return fmt.Errorf("odoo: %w", err)
	}
	found, err := erp.Search(ctx, s.odooModel, odoo.Query{Domain: append(odoo.Domain{odoo.Leaf("id", "=", odooID)}, s.odooWhere...),
		Context: odoo.Context{"active_test": false}})
	if err != nil {
		return fmt.Errorf("odoo: %w", err)
	}
	if len(found) == 0 {
		return &InputError{"odoo_id", fmt.Sprintf("Odoo has no %s %d that can be paired", s.odooModel, odooID)}
	}
	return nil
}

// odooRecords lists the Odoo side of a kind.
func (a *Admin) odooRecords(ctx context.Context, s side) ([]Record, error) {
	if s.odooModel == "" {
		return s.odooFixed, nil
	}
	erp, err := a.ERP(ctx)
	if err != nil {
		return nil, fmt.Errorf("odoo: %w", err)
	}
	var out []Record
	err = erp.ForEachPage(ctx, s.odooModel, odoo.Query{Domain: s.odooWhere, Fields: []string{s.odooName}, Limit: 500},
		func(page []odoo.Record) error {
			for _, r := range page {
				out = append(out, Record{strconv.FormatInt(r.ID(), 10), r.String(s.odooName)})
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("odoo: %w", err)
	}
	return out, nil
}

func containsID(records []Record, id string) bool {
	for _, r := range records {
		if r.ID == id {
			return true
		}
	}
	return false
}

// Delete removes the pair of an Odoo record.
func (a *Admin) Delete(ctx context.Context, kind mapping.Kind, odooID int64) error {
	if _, err := a.side(kind); err != nil {
		return err
	}
	return a.Store.Delete(ctx, kind, odooID)
}

// Unmapped lists the records of a kind that no pair covers, on both sides, and suggests pairs whose
// names match one-to-one.
func (a *Admin) Unmapped(ctx context.Context, kind mapping.Kind) (Unmapped, error) {
	s, err := a.side(kind)
	if err != nil {
		return Unmapped{}, err
	}
	pairs, err := a.List(ctx, kind)
	if err != nil {
		return Unmapped{}, err
	}
	odooTaken, ocTaken := map[int64]bool{}, map[string]bool{}
	for _, p := range pairs {
		odooTaken[p.OdooID], ocTaken[p.OpenCartID] = true, true
	}
	odooSide, err := a.odooRecords(ctx, s)
	if err != nil {
		return Unmapped{}, err
	}
	var out Unmapped
	for _, r := range odooSide {
		if id, _ := strconv.ParseInt(r.ID, 10, 64); !odooTaken[id] {
			out.Odoo = append(out.Odoo, r)
		}
	}
	shop, err := a.Shop(ctx)
	if err != nil {
		return Unmapped{}, fmt.Errorf("opencart: %w", err)
	}
	records, err := s.openCart(ctx, shop)
	if err != nil {
		return Unmapped{}, fmt.Errorf("opencart: %w", err)
	}
	for _, r := range records {
		if !ocTaken[r.ID] {
			out.OpenCart = append(out.OpenCart, r)
		}
	}
	out.Suggestions = suggest(out.Odoo, out.OpenCart)
	return out, nil
}

// suggest pairs names that match exactly one record on each side; a name shared by two records on
// either side suggests nothing, since it could be wrong.
func suggest(odooRecords, ocRecords []Record) []Suggestion {
	byName := func(rs []Record) map[string][]Record {
		m := map[string][]Record{}
		for _, r := range rs {
			k := normalize(r.Name)
			m[k] = append(m[k], r)
		}
		return m
	}
	left, right := byName(odooRecords), byName(ocRecords)
	var out []Suggestion
	for name, os := range left {
		cs := right[name]
		if name == "" || len(os) != 1 || len(cs) != 1 {
			continue
		}
		id, err := strconv.ParseInt(os[0].ID, 10, 64)
		if err != nil {
			continue
		}
		out = append(out, Suggestion{OdooID: id, OpenCartID: cs[0].ID, Name: os[0].Name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OdooID < out[j].OdooID })
	return out
}

func normalize(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// IsInputError reports whether err is a refused request (the api answers 400/422).
func IsInputError(err error) bool {
	var in *InputError
	return errors.As(err, &in)
}
