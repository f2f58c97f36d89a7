package odoo_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
)

// Per-version names and the helpers built on them, against the simulator.

func TestStorableProductAndStockPerVersion(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		ctx := context.Background()
		schema := c.Schema()

		values := odoo.Values{"name": "Bridge chair", "default_code": "BR-CHAIR", "list_price": 49.9}
		for k, v := range schema.ProductTypeValues(odoo.ProductStorable) {
			values[k] = v
		}
		ids, err := c.Create(ctx, "product.template", []odoo.Values{values}, nil)
		if err != nil {
			t.Fatalf("create storable product with %v: %v", schema.ProductTypeValues(odoo.ProductStorable), err)
		}
		templates, err := c.Read(ctx, "product.template", ids, append(schema.ProductTypeFields(), "product_variant_ids"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if kind, ok := schema.ProductKindOf(templates[0]); !ok || kind != odoo.ProductStorable {
			t.Fatalf("product reads back as %q (ok=%v) from %v", kind, ok, templates[0])
		}
		variants := templates[0].IDs("product_variant_ids")
		if len(variants) != 1 {
			t.Fatalf("template without attribute lines has variants %v", variants)
		}
		variant := variants[0]

		mainLocation, err := c.MainStockLocation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, qty := range []float64{7, 3} { // first creates the stock, second corrects it
			if err := c.SetStockQuantity(ctx, variant, 0, qty); err != nil {
				t.Fatalf("SetStockQuantity(%v): %v", qty, err)
			}
			products, err := c.Read(ctx, "product.product", []int64{variant}, []string{"qty_available"},
				schema.QtyContext(0, mainLocation))
			if err != nil {
				t.Fatal(err)
			}
			if got := products[0].Float("qty_available"); got != qty {
				t.Fatalf("qty_available = %v after setting %v", got, qty)
			}
		}
		wizardCall := "stock.quant.action_apply_inventory"
		if !schema.QuantInventoryMode {
			wizardCall = "stock.change.product.qty.change_product_qty"
		}
		if got := c.Requests()[wizardCall]; got != 2 {
			t.Errorf("%s called %d times, want 2 (requests: %v)", wizardCall, got, c.Requests())
		}
	})
}

// TestProductTypeNamesMatter writes the product type the way another version spells it and
// expects the server to refuse, proving the per-version names are not interchangeable.
func TestProductTypeNamesMatter(t *testing.T) {
	requireSimulator(t)
	for _, tt := range []struct {
		server, spelledAs int
		wantInError       string
	}{
		{13, 15, "Invalid field 'detailed_type'"},
		{14, 18, "Invalid field 'is_storable'"},
		{18, 13, "Wrong value for product.template.type"},
		{18, 16, "Invalid field 'detailed_type'"},
	} {
		_, c := startClient(t, tt.server)
		values := odoo.Values{"name": "Wrong type"}
		for k, v := range odoo.SchemaFor(odoo.Version{Major: tt.spelledAs}).ProductTypeValues(odoo.ProductStorable) {
			values[k] = v
		}
		_, err := c.Create(context.Background(), "product.template", []odoo.Values{values}, nil)
		if odoo.FaultCode(err) != odoo.FaultServerError || !strings.Contains(err.Error(), tt.wantInError) || odoo.IsRetryable(err) {
			t.Errorf("Odoo %d given %d's product type %v: err = %v, want non-retryable fault 1 with %q",
				tt.server, tt.spelledAs, values, err, tt.wantInError)
		}
	}
}

func TestSetStockQuantityOnOtherLocation(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		ctx := context.Background()
		values := odoo.Values{"name": "Shelf stock"}
		for k, v := range c.Schema().ProductTypeValues(odoo.ProductStorable) {
			values[k] = v
		}
		templateIDs, err := c.Create(ctx, "product.template", []odoo.Values{values}, nil)
		if err != nil {
			t.Fatal(err)
		}
		variantIDs, err := c.Search(ctx, "product.product", odoo.Query{Domain: odoo.Domain{odoo.Leaf("product_tmpl_id", "=", templateIDs[0])}})
		if err != nil || len(variantIDs) != 1 {
			t.Fatalf("variants %v, %v", variantIDs, err)
		}
		mainLocation, err := c.MainStockLocation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		shelves, err := c.Create(ctx, "stock.location", []odoo.Values{{"name": "Shelf 1", "location_id": mainLocation, "usage": "internal"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = c.SetStockQuantity(ctx, variantIDs[0], shelves[0], 5)
		if !c.Schema().QuantInventoryMode {
			if err == nil || !strings.Contains(err.Error(), "only updates the main stock location") {
				t.Fatalf("Odoo %d: err = %v, want the main-location limitation explained", version, err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		quants, err := c.SearchRead(ctx, "stock.quant", odoo.Query{
			Domain: odoo.Domain{odoo.Leaf("product_id", "=", variantIDs[0])},
			Fields: []string{"location_id", "quantity"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(quants) != 1 || quants[0].Int("location_id") != shelves[0] || quants[0].Float("quantity") != 5 {
			t.Fatalf("quants after setting 5 on the shelf: %v", quants)
		}
	})
}

func TestExternalIDs(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		ctx := context.Background()
		partners, err := c.Create(ctx, "res.partner", []odoo.Values{{"name": "First"}, {"name": "Second"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		first, second := partners[0], partners[1]

		if _, ok, err := c.LookupExternalID(ctx, "opencart", "customer_1"); err != nil || ok {
			t.Fatalf("lookup before creation: ok=%v err=%v", ok, err)
		}
		x, err := c.EnsureExternalID(ctx, "opencart", "customer_1", "res.partner", first)
		if err != nil {
			t.Fatal(err)
		}
		if x.ID == 0 || x.CompleteName() != "opencart.customer_1" || x.ResID != first {
			t.Fatalf("EnsureExternalID = %+v", x)
		}
		again, err := c.EnsureExternalID(ctx, "opencart", "customer_1", "res.partner", first)
		if err != nil || again.ID != x.ID {
			t.Fatalf("second Ensure = %+v, %v", again, err)
		}
		if got := c.Requests()["ir.model.data.create"]; got != 1 {
			t.Errorf("ir.model.data.create called %d times for one name", got)
		}

		// Pointing a live mapping elsewhere is a conflict.
		if _, err := c.EnsureExternalID(ctx, "opencart", "customer_1", "res.partner", second); err == nil || !strings.Contains(err.Error(), "already points at res.partner") {
			t.Fatalf("conflicting Ensure: err = %v", err)
		}
		// Once its record is deleted, the stale row is re-pointed.
		if err := c.Unlink(ctx, "res.partner", []int64{first}, nil); err != nil {
			t.Fatal(err)
		}
		moved, err := c.EnsureExternalID(ctx, "opencart", "customer_1", "res.partner", second)
		if err != nil || moved.ID != x.ID || moved.ResID != second {
			t.Fatalf("re-pointing a stale id: %+v, %v", moved, err)
		}

		found, err := c.ExternalIDs(ctx, "opencart", []string{"customer_1", "customer_404"})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 || found["customer_1"].ResID != second || found["customer_1"].Model != "res.partner" {
			t.Fatalf("ExternalIDs = %+v", found)
		}
	})
}

func TestEnsureExternalIDConcurrently(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version, poolSize(8))
		ctx := context.Background()
		partners, err := c.Create(ctx, "res.partner", []odoo.Values{{"name": "Raced"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		const writers = 8
		ids := make([]int64, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				x, err := c.EnsureExternalID(ctx, "opencart", "customer_raced", "res.partner", partners[0])
				if err != nil {
					t.Errorf("writer %d: %v", i, err)
				}
				ids[i] = x.ID
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] || id == 0 {
				t.Fatalf("writers got different rows: %v", ids)
			}
		}
		t.Logf("creates sent: %d", c.Requests()["ir.model.data.create"])
		rows, err := c.SearchCount(ctx, "ir.model.data", odoo.Domain{odoo.Leaf("module", "=", "opencart"), odoo.Leaf("name", "=", "customer_raced")}, nil)
		if err != nil || rows != 1 {
			t.Fatalf("%d rows for one external id (%v)", rows, err)
		}
	})
}

func TestPaymentMethodID(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		ctx := context.Background()
		banks, err := c.Search(ctx, "account.journal", odoo.Query{Domain: odoo.Domain{odoo.Leaf("type", "=", "bank")}, Limit: 1})
		if err != nil || len(banks) != 1 {
			t.Fatalf("bank journal: %v, %v", banks, err)
		}
		id, err := c.PaymentMethodID(ctx, banks[0], "manual")
		if err != nil {
			t.Fatal(err)
		}
		model := c.Schema().PaymentMethodModel
		methods, err := c.Read(ctx, model, []int64{id}, []string{"payment_type", "code"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if methods[0].String("payment_type") != "inbound" || methods[0].String("code") != "manual" {
			t.Errorf("%s %d = %v, want the inbound manual method", model, id, methods[0])
		}
		if _, err := c.PaymentMethodID(ctx, banks[0], "sepa_ct"); err == nil || !strings.Contains(err.Error(), "add it to the journal") {
			t.Errorf("unknown method: err = %v", err)
		}
	})
}

// TestNoneResultMeansCommitted: Call and Write surface the None-result fault, and the write
// is committed. (Button's tolerance of it is exercised by SetStockQuantity on 15+, where
// action_apply_inventory returns None.)
func TestNoneResultMeansCommitted(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		cfg := simConfig(version)
		cfg.ReturnsNone = []string{"res.partner.write"}
		sim, err := odoosim.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(sim)
		t.Cleanup(srv.Close)
		c := dial(t, srv.URL)
		ctx := context.Background()
		ids, err := c.Create(ctx, "res.partner", []odoo.Values{{"name": "Before"}}, nil)
		if err != nil {
			t.Fatal(err)
		}

		_, err = c.Call(ctx, "res.partner", "write", []any{ids, odoo.Values{"name": "During"}}, nil)
		if !odoo.IsNoneResult(err) || odoo.IsRetryable(err) {
			t.Fatalf("Call: err = %v, want a non-retryable None-result fault", err)
		}
		if err := c.Write(ctx, "res.partner", ids, odoo.Values{"name": "After"}, nil); !odoo.IsNoneResult(err) {
			t.Fatalf("Write: err = %v, want the None-result fault", err)
		}
		read, err := c.Read(ctx, "res.partner", ids, []string{"name"}, nil)
		if err != nil || read[0].String("name") != "After" {
			t.Fatalf("after None results the write must be committed: %v, %v", read, err)
		}
	})
}

// TestEnsureExternalIDAfterAmbiguousFailure: the create commits but the answer is lost
// (proxy 502); the retry must find the row instead of failing or duplicating it.
func TestEnsureExternalIDAfterAmbiguousFailure(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		sim, c := startClient(t, version)
		ctx := context.Background()
		partners, err := c.Create(ctx, "res.partner", []odoo.Values{{"name": "Ambiguous"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		sim.SetFaults(odoosim.Faults{CommitThenFail: []odoosim.CallMatch{{Model: "ir.model.data", Method: "create", Times: 1}}})
		_, err = c.EnsureExternalID(ctx, "opencart", "customer_7", "res.partner", partners[0])
		if !odoo.IsRetryable(err) {
			t.Fatalf("lost answer: err = %v, want retryable", err)
		}
		x, err := c.EnsureExternalID(ctx, "opencart", "customer_7", "res.partner", partners[0])
		if err != nil || x.ResID != partners[0] {
			t.Fatalf("retry: %+v, %v", x, err)
		}
		if got := c.Requests()["ir.model.data.create"]; got != 1 {
			t.Errorf("ir.model.data.create sent %d times; the retry must reuse the committed row", got)
		}
	})
}
