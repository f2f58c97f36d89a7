package main

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

const testOdooToken = "odoo-webhook-token-for-tests"

func postOdoo(srv http.Handler, token, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/odoo/"+token, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	srv.ServeHTTP(rec, req)
	return rec
}

// pairedStock creates (in the simulator's process) a storable product with qty received into stock and a
// paired shop product with none, and returns the product's quant and shop id.
func pairedStock(t *testing.T, bed *testbed.Bed, qty float64) (quant int64, shopID int) {
	t.Helper()
	ctx := context.Background()
	values := map[string]any{"name": "Webhook mug"}
	maps.Copy(values, bed.ERP.Schema().ProductTypeValues(odoo.ProductStorable))
	tmpl, err := bed.Sim.Create("product.template", values)
	if err != nil {
		t.Fatal(err)
	}
	variants, err := bed.Sim.SearchRead("product.product", []any{[]any{"product_tmpl_id", "=", tmpl}}, nil)
	if err != nil || len(variants) != 1 {
		t.Fatalf("variants %v %v", variants, err)
	}
	variant := variants[0]["id"].(int64)
	if err := bed.Sim.MoveStock(variant, qty, odoosim.MoveReceipt); err != nil {
		t.Fatal(err)
	}
	quants, err := bed.Sim.SearchRead("stock.quant", []any{[]any{"product_id", "=", variant}}, nil)
	if err != nil || len(quants) != 1 {
		t.Fatalf("quants %v %v", quants, err)
	}
	written, err := bed.Shop.UpsertProducts(ctx, []opencart.Product{{Model: "WEBHOOK-MUG", Subtract: true, Status: true,
		Descriptions: map[int]opencart.ProductDescription{bed.Shop.DefaultLanguageID(): {Name: "Webhook mug"}}}})
	if err != nil {
		t.Fatal(err)
	}
	shopID = written[0].ProductID
	if err := bed.Store.Put(ctx, mapping.Mapping{Kind: mapping.KindProduct, OdooID: tmpl, OpenCartID: strconv.Itoa(shopID)}); err != nil {
		t.Fatal(err)
	}
	return quants[0]["id"].(int64), shopID
}

func TestOdooWebhookPushesTheRecordsStockAtOnce(t *testing.T) {
	t.Setenv(envOdooWebhookToken, testOdooToken)
	bed := testbed.New(t, testbed.Options{})
	bed.StartWorker(t) // no stock Schedule: only the webhook can move the shop's stock
	d, err := dialDeps(context.Background(), bed.Config, bed.Logger)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	srv := newServer(bed.Config, d, bed.Logger)
	quant, shopID := pairedStock(t, bed, 7)

	start := time.Now()
	rec := postOdoo(srv, testOdooToken, fmt.Sprintf(`{"_action": "Stock to shop(#3)", "_id": %d, "_model": "stock.quant"}`, quant))
	if rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), "stock-push/") {
		t.Fatalf("webhook answered %d %s, want 202 naming the stock push", rec.Code, rec.Body)
	}
	testbed.Eventually(t, 10*time.Second, func() error {
		p, err := bed.Shop.ProductsByID(context.Background(), []int{shopID})
		if err != nil {
			return err
		}
		if p[0].Quantity != 7 {
			return fmt.Errorf("shop quantity is %d, want Odoo's 7", p[0].Quantity)
		}
		return nil
	})
	t.Logf("webhook to shop stock: %s", time.Since(start).Round(time.Millisecond))
}

func TestOdooWebhookRefusals(t *testing.T) {
	t.Setenv(envOdooWebhookToken, testOdooToken)
	bed := testbed.New(t, testbed.Options{})
	d, err := dialDeps(context.Background(), bed.Config, bed.Logger)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	srv := newServer(bed.Config, d, bed.Logger)
	// An accepted request starts a stock push no worker serves here.
	t.Cleanup(func() {
		_ = bed.Temporal.TerminateWorkflow(context.Background(), workflows.StockPushID(bed.Config.Connection), "", "test over")
	})
	for _, tc := range []struct {
		token, body string
		code        int
		says        string
	}{
		{"wrong-token-wrong-token", `{"_model": "stock.quant", "_id": 1}`, http.StatusUnauthorized, "wrong webhook token"},
		{testOdooToken + "x", `{"_model": "stock.quant", "_id": 1}`, http.StatusUnauthorized, "wrong webhook token"},
		{testOdooToken, `{"_model": "res.partner", "_id": 1}`, http.StatusUnprocessableEntity, "stock.quant"},
		{testOdooToken, `not json`, http.StatusBadRequest, "_model"},
		{testOdooToken, `{"_model": "stock.move"}`, http.StatusBadRequest, "_id"},
	} {
		rec := postOdoo(srv, tc.token, tc.body)
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.says) {
			t.Errorf("%s with token %q: %d %s; want %d saying %q", tc.body, tc.token, rec.Code, rec.Body, tc.code, tc.says)
		}
	}
	// The record id may come as the rule's "id" field only.
	if rec := postOdoo(srv, testOdooToken, `{"_model": "product.template", "id": 5}`); rec.Code != http.StatusAccepted {
		t.Errorf("id without _id: %d %s", rec.Code, rec.Body)
	}

	// Temporal unreachable: 503, so that nothing pretends the request is held.
	down := *d
	down.temporal, err = client.NewLazyClient(client.Options{HostPort: deadAddress(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer down.temporal.Close()
	if rec := postOdoo(newServer(bed.Config, &down, bed.Logger), testOdooToken, `{"_model": "stock.quant", "_id": 1}`); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("Temporal down: %d %s, want 503", rec.Code, rec.Body)
	}

	// No token configured: the endpoint is off, whatever is sent.
	t.Setenv(envOdooWebhookToken, "")
	if rec := postOdoo(newServer(bed.Config, d, bed.Logger), testOdooToken, `{"_model": "stock.quant", "_id": 1}`); rec.Code != http.StatusServiceUnavailable ||
		!strings.Contains(rec.Body.String(), envOdooWebhookToken) {
		t.Errorf("no token: %d %s, want 503 naming %s", rec.Code, rec.Body, envOdooWebhookToken)
	}
}
