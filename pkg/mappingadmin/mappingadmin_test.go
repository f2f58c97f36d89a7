package mappingadmin_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/mappingadmin"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/testbed"
)

func newAdmin(t *testing.T) (*mappingadmin.Admin, *testbed.Bed, *[]mapping.Kind) {
	bed := testbed.New(t, testbed.Options{OpenCart: "4.0.2.3"})
	var woken []mapping.Kind
	return &mappingadmin.Admin{
		Store: bed.Store,
		ERP:   func(context.Context) (*odoo.Client, error) { return bed.ERP, nil },
		Shop:  func(context.Context) (*opencart.DB, error) { return bed.Shop, nil },
		MappingAdded: func(_ context.Context, k mapping.Kind) error {
			woken = append(woken, k)
			return nil
		},
	}, bed, &woken
}

func odooID(t *testing.T, bed *testbed.Bed, model, field, value string) int64 {
	t.Helper()
	rows, err := bed.Sim.SearchRead(model, []any{[]any{field, "=", value}, []any{"active", "in", []any{true, false}}}, []string{"id"})
	if err != nil || len(rows) != 1 {
		t.Fatalf("%s %s=%s: %v %v", model, field, value, rows, err)
	}
	switch id := rows[0]["id"].(type) {
	case int64:
		return id
	case int:
		return int64(id)
	}
	t.Fatalf("id of %v", rows[0])
	return 0
}

func TestCreateChecksBothSidesAndWakesWaitingOrders(t *testing.T) {
	admin, bed, woken := newAdmin(t)
	ctx := context.Background()
	// EUR is active in the simulated Odoo and exists in the shop.
	eur := odooID(t, bed, "res.currency", "name", "EUR")
	currencies, err := bed.Shop.Currencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ocEUR string
	for _, c := range currencies {
		if c.Code == "EUR" {
			ocEUR = strconv.Itoa(c.ID)
		}
	}

	var in *mappingadmin.InputError
	if _, err := admin.Create(ctx, mapping.KindCurrency, 999999, ocEUR); !errors.As(err, &in) || in.Field != "odoo_id" {
		t.Fatalf("unknown Odoo id: want odoo_id error, got %v", err)
	}
	if _, err := admin.Create(ctx, mapping.KindCurrency, eur, "424242"); !errors.As(err, &in) || in.Field != "opencart_id" {
		t.Fatalf("unknown OpenCart id: want opencart_id error, got %v", err)
	}
	if _, err := admin.Create(ctx, mapping.KindOrder, eur, ocEUR); !errors.As(err, &in) || in.Field != "kind" {
		t.Fatalf("order kind is not editable by hand: got %v", err)
	}
	if len(*woken) != 0 {
		t.Fatalf("refused requests woke orders: %v", *woken)
	}

	m, err := admin.Create(ctx, mapping.KindCurrency, eur, ocEUR)
	if err != nil || m.OdooID != eur || m.OpenCartID != ocEUR {
		t.Fatalf("create: %+v %v", m, err)
	}
	if len(*woken) != 1 || (*woken)[0] != mapping.KindCurrency {
		t.Fatalf("waiting orders not woken: %v", *woken)
	}
	var conflict *mapping.ConflictError
	gbp := odooID(t, bed, "res.currency", "name", "GBP")
	if _, err := admin.Create(ctx, mapping.KindCurrency, gbp, ocEUR); !errors.As(err, &in) || in.Field != "odoo_id" {
		t.Fatalf("an archived Odoo currency cannot be paired: got %v", err)
	}
	if err := bed.Sim.Write("res.currency", []int64{gbp}, map[string]any{"active": true}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Create(ctx, mapping.KindCurrency, gbp, ocEUR); !errors.As(err, &conflict) {
		t.Fatalf("second pair for OpenCart USD: want conflict, got %v", err)
	}
	list, err := admin.List(ctx, mapping.KindCurrency)
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	if err := admin.Delete(ctx, mapping.KindCurrency, eur); err != nil {
		t.Fatal(err)
	}
	if err := admin.Delete(ctx, mapping.KindCurrency, eur); !errors.Is(err, mapping.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestUnmappedSuggestsOnlyUnambiguousNames(t *testing.T) {
	admin, bed, _ := newAdmin(t)
	ctx := context.Background()
	u, err := admin.Unmapped(ctx, mapping.KindCurrency)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Odoo) == 0 || len(u.OpenCart) == 0 {
		t.Fatalf("unmapped currencies: %+v", u)
	}
	eur := odooID(t, bed, "res.currency", "name", "EUR")
	found := false
	for _, s := range u.Suggestions {
		if s.OdooID == eur && s.Name == "EUR" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no EUR suggestion in %+v", u.Suggestions)
	}

	// Two Odoo carriers with one name: no suggestion for that name, whatever the shop has.
	for range 2 {
		if _, err := bed.Sim.Create("delivery.carrier", map[string]any{"name": "flat", "product_id": firstService(t, bed)}); err != nil {
			t.Fatal(err)
		}
	}
	u, err = admin.Unmapped(ctx, mapping.KindCarrier)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range u.Suggestions {
		if s.Name == "flat" {
			t.Fatalf("an ambiguous name was suggested: %+v", s)
		}
	}
	if len(u.OpenCart) == 0 || u.OpenCart[0].ID != "flat.flat" {
		t.Fatalf("shop carriers: %+v", u.OpenCart)
	}
}

func firstService(t *testing.T, bed *testbed.Bed) int64 {
	t.Helper()
	rows, err := bed.Sim.SearchRead("product.product", []any{}, []string{"id"})
	if err != nil || len(rows) == 0 {
		// No product yet: make one for the carriers to deliver with.
		id, err := bed.Sim.Create("product.product", map[string]any{"name": "Delivery"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	return rows[0]["id"].(int64)
}

func TestOrderStatusPairsMilestonesWithShopStatuses(t *testing.T) {
	admin, _, _ := newAdmin(t)
	ctx := context.Background()
	var in *mappingadmin.InputError
	if _, err := admin.Create(ctx, mapping.KindOrderStatus, 99, "5"); !errors.As(err, &in) || in.Field != "odoo_id" {
		t.Fatalf("unknown milestone: %v", err)
	}
	if _, err := admin.Create(ctx, mapping.KindOrderStatus, mapping.MilestoneID("paid"), "999"); !errors.As(err, &in) || in.Field != "opencart_id" {
		t.Fatalf("unknown shop status: %v", err)
	}
	if _, err := admin.Create(ctx, mapping.KindOrderStatus, mapping.MilestoneID("paid"), "15"); err != nil {
		t.Fatal(err)
	}
	u, err := admin.Unmapped(ctx, mapping.KindOrderStatus)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Odoo) != len(mapping.OrderMilestones)-1 {
		t.Fatalf("unmapped milestones: %v", u.Odoo)
	}
	for _, r := range u.OpenCart {
		if r.ID == "15" {
			t.Fatalf("paired shop status listed as unmapped: %v", u.OpenCart)
		}
	}
}
