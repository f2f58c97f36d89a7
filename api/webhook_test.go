package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/pkg/metrics"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/pkg/webhook"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// fixtureAPI is the api's real handler, connected to a fixture's bed.
func fixtureAPI(t testing.TB, f *ordertest.Fixture) http.Handler {
	t.Helper()
	d, err := dialDeps(context.Background(), f.Config, f.Logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return newServer(f.Config, d, f.Logger)
}

// signedRequest builds POST /webhooks/opencart as the extension sends it, signed with secret at ts.
func signedRequest(secret string, ts time.Time, body []byte) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/opencart", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	tsHeader, sig := webhook.Sign([]byte(secret), ts, body)
	req.Header.Set(webhook.HeaderTimestamp, tsHeader)
	req.Header.Set(webhook.HeaderSignature, sig)
	return req
}

func eventBody(t testing.TB, ev webhook.Event) []byte {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWebhookAnswersEveryKindOfRequest is the webhook's contract, against the real handler and a real
// Temporal dev server.
func TestWebhookAnswersEveryKindOfRequest(t *testing.T) {
	bed := testbed.New(t, testbed.Options{})
	d, err := dialDeps(context.Background(), bed.Config, bed.Logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	srv := newServer(bed.Config, d, bed.Logger)
	secret := bed.Config.API.WebhookSecret.Reveal()
	conn := bed.Config.Connection
	now := time.Now()
	order := eventBody(t, webhook.Event{Event: webhook.OrderCreated, OrderID: 7, OrderStatusID: 1, OccurredAt: now})
	customer := eventBody(t, webhook.Event{Event: webhook.CustomerUpdated, CustomerID: 9, OccurredAt: now})
	unsigned := func(body []byte) *http.Request {
		return httptest.NewRequest(http.MethodPost, "/webhooks/opencart", bytes.NewReader(body))
	}
	cases := []struct {
		name     string
		req      *http.Request
		status   int
		contains string // in the answer body
	}{
		{"order event", signedRequest(secret, now, order), http.StatusAccepted, workflows.OrderSyncID(conn, 7)},
		{"customer event", signedRequest(secret, now, customer), http.StatusAccepted, workflows.CustomerSyncID(conn, 9)},
		{"no signature at all", unsigned(order), http.StatusUnauthorized, `"reason":"missing_timestamp"`},
		{"no signature header", func() *http.Request {
			r := signedRequest(secret, now, order)
			r.Header.Del(webhook.HeaderSignature)
			return r
		}(), http.StatusUnauthorized, `"reason":"missing_signature"`},
		{"wrong secret", signedRequest("not-the-shops-secret", now, order), http.StatusUnauthorized, `"reason":"bad_signature"`},
		{"body changed after signing", func() *http.Request {
			r := signedRequest(secret, now, order)
			r.Body = io.NopCloser(bytes.NewReader(bytes.Replace(order, []byte(`"order_id":7`), []byte(`"order_id":8`), 1)))
			return r
		}(), http.StatusUnauthorized, `"reason":"bad_signature"`},
		{"stale timestamp", signedRequest(secret, now.Add(-10*time.Minute), order), http.StatusUnauthorized, `"reason":"stale_timestamp"`},
		{"malformed JSON", signedRequest(secret, now, []byte(`{"event":`)), http.StatusBadRequest, "not a JSON object"},
		{"missing order_id", signedRequest(secret, now, eventBody(t, webhook.Event{Event: webhook.OrderStatusChanged, OccurredAt: now})),
			http.StatusBadRequest, `"field":"order_id"`},
		{"missing occurred_at", signedRequest(secret, now, []byte(`{"event":"order.created","order_id":7}`)), http.StatusBadRequest, `"field":"occurred_at"`},
		{"wrong type", signedRequest(secret, now, []byte(`{"event":"order.created","order_id":"seven","occurred_at":"2026-01-02T03:04:05Z"}`)),
			http.StatusBadRequest, `"field":"order_id"`},
		{"unknown event", signedRequest(secret, now, []byte(`{"event":"order.deleted","order_id":7,"occurred_at":"2026-01-02T03:04:05Z"}`)),
			http.StatusUnprocessableEntity, "unknown webhook event"},
		{"body over 1 MiB", signedRequest(secret, now, bytes.Repeat([]byte(" "), webhookBodyLimit+1)), http.StatusRequestEntityTooLarge, "limit"},
		{"body over 1 MiB without a length", func() *http.Request {
			r := signedRequest(secret, now, bytes.Repeat([]byte(" "), webhookBodyLimit+1))
			r.ContentLength = -1
			return r
		}(), http.StatusRequestEntityTooLarge, "limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, tc.req)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.contains) {
				t.Fatalf("got %d %s, want %d containing %q", rec.Code, rec.Body.String(), tc.status, tc.contains)
			}
			if tc.status != http.StatusAccepted {
				return
			}
			var accepted webhookAccepted
			if err := json.Unmarshal(rec.Body.Bytes(), &accepted); err != nil || accepted.RunID == "" {
				t.Fatalf("202 body %s: %v", rec.Body.String(), err)
			}
			// The workflow really exists (nobody serves this bed's queue, so it waits): end it.
			if err := bed.Temporal.TerminateWorkflow(context.Background(), accepted.WorkflowID, accepted.RunID, "test done"); err != nil {
				t.Fatalf("the accepted workflow %s does not exist: %v", accepted.WorkflowID, err)
			}
		})
	}
}

// With Temporal unreachable nothing is accepted: 503, so that the shop's outbox sends it again.
func TestWebhookAnswers503WhenTemporalIsUnreachable(t *testing.T) {
	bed := testbed.New(t, testbed.Options{})
	dead, err := client.NewLazyClient(client.Options{HostPort: deadAddress(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dead.Close)
	defer func(d time.Duration) { temporalAcceptTimeout = d }(temporalAcceptTimeout)
	temporalAcceptTimeout = 2 * time.Second
	srv := newServer(bed.Config, &deps{metrics: metrics.New(), temporal: dead, store: bed.Store}, bed.Logger)
	body := eventBody(t, webhook.Event{Event: webhook.OrderCreated, OrderID: 7, OccurredAt: time.Now()})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, signedRequest(bed.Config.API.WebhookSecret.Reveal(), time.Now(), body))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "retry later") {
		t.Fatalf("got %d %s, want 503 asking to retry", rec.Code, rec.Body.String())
	}
}

// A signed webhook for the demo order (configurable product, shipping, coupon), delivered three times at
// once, produces exactly one confirmed sale order with the right partner, addresses, lines, taxes and
// totals, on OpenCart 3.0 and 4.1.
func TestSignedWebhookProducesOneConfirmedSaleOrder(t *testing.T) {
	for _, version := range []string{"3.0.4.1", "4.1.0.4"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			f := ordertest.New(t, version, odoosim.Config{Version: 17})
			f.SeedCatalog(t)
			f.StartWorker(t, ordertest.Settings())
			api := httptest.NewServer(fixtureAPI(t, f))
			t.Cleanup(api.Close)

			email := "webhook@example.com"
			id := f.PlaceOrder(t, ordertest.DemoOrder(email, 1))
			ev := webhook.Event{Event: webhook.OrderCreated, OrderID: id, OrderStatusID: 1, OccurredAt: time.Now()}
			var wg sync.WaitGroup
			errs := make(chan error, 3)
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- webhook.Send(context.Background(), http.DefaultClient, api.URL+"/webhooks/opencart", []byte(f.Config.API.WebhookSecret.Reveal()), ev)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			p, err := f.Wait(t, id)
			if err != nil || p.Stage != workflows.OrderDone {
				t.Fatalf("order sync: %+v %v", p, err)
			}
			f.CheckDemoSaleOrder(t, id, email)
			if n := f.Sim.Calls()["sale.order.create"]; n != 1 {
				t.Fatalf("sale.order.create called %d times for three deliveries, want 1", n)
			}
		})
	}
}

// POST /api/orders/<id>/sync needs the API token and starts the order's workflow.
func TestManualOrderSyncEndpoint(t *testing.T) {
	f := ordertest.New(t, "4.0.2.3", odoosim.Config{})
	f.SeedCatalog(t)
	f.StartWorker(t, ordertest.Settings())
	srv := fixtureAPI(t, f)
	id := f.PlaceOrder(t, ordertest.DemoOrder("manual@example.com", 1))
	post := func(path, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	path := fmt.Sprintf("/api/orders/%d/sync", id)
	if rec := post(path, ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("without token: %d", rec.Code)
	}
	if rec := post("/api/orders/abc/sync", f.Config.API.Token.Reveal()); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad id: %d", rec.Code)
	}
	rec := post(path, f.Config.API.Token.Reveal())
	if rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), workflows.OrderSyncID(f.Config.Connection, id)) {
		t.Fatalf("manual sync: %d %s", rec.Code, rec.Body.String())
	}
	if p, err := f.Wait(t, id); err != nil || p.SaleOrderID == 0 {
		t.Fatalf("order sync: %+v %v", p, err)
	}
	f.CheckDemoSaleOrder(t, id, "manual@example.com")
}
