package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// send makes an authorised request with a JSON body and returns the status and body.
func (a *testAPI) send(t *testing.T, method, path string, body any) (int, string) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, a.URL+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	req.Header.Set(echo.HeaderAuthorization, "Bearer "+a.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

func odooTax(t *testing.T, f *ordertest.Fixture, name string, amount float64) int64 {
	t.Helper()
	ids, err := f.ERP.Create(context.Background(), "account.tax", []odoo.Values{{"name": name, "amount": amount, "amount_type": "percent", "type_tax_use": "sale"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

// The mapping API validates its input, names the field at fault, and wakes the order waiting for the
// mapping it adds, which then completes.
func TestMappingAPIWakesTheOrderWaitingForIt(t *testing.T) {
	t.Parallel()
	f := ordertest.New(t, "4.0.2.3", odoosim.Config{Version: 17})
	f.SeedCatalog(t)
	f.MapTax(t, ordertest.EcoTaxRate)
	settings := ordertest.Settings()
	settings.Policies[mapping.KindTax] = activities.PolicyMap
	settings.MappingRecheck = time.Hour // only the API's signal may wake it
	f.StartWorker(t, settings)
	api := startAPI(t, f.Bed)

	id := f.PlaceOrder(t, ordertest.DemoOrder("mapping-api@example.com", 1))
	f.Signal(t, id, activities.SourceWebhook)
	ctx := context.Background()
	wid := workflows.OrderSyncID(f.Config.Connection, id)
	testbed.Eventually(t, 60*time.Second, func() error {
		v, err := f.Temporal.QueryWorkflow(ctx, wid, "", workflows.QueryWaiting)
		if err != nil {
			return err
		}
		var missing []activities.MissingMapping
		if err := v.Get(&missing); err != nil {
			return err
		}
		if len(missing) == 0 || missing[0].Key() != "tax:"+strconv.Itoa(ordertest.VATRate) {
			return fmt.Errorf("waiting for %v", missing)
		}
		return nil
	})
	// The Odoo tax appears only now: had it existed, the order would have matched it by itself.
	vat := odooTax(t, f, "VAT 20%", 20)

	// Refused requests name the field and change nothing.
	for _, tc := range []struct {
		kind string
		body any
		code int
		want string
	}{
		{"tax", map[string]any{"opencart_id": "86"}, http.StatusBadRequest, `"field":"odoo_id"`},
		{"tax", map[string]any{"odoo_id": vat}, http.StatusBadRequest, `"field":"opencart_id"`},
		{"tax", map[string]any{"odoo_id": 999999, "opencart_id": "86"}, http.StatusUnprocessableEntity, `"field":"odoo_id"`},
		{"tax", map[string]any{"odoo_id": vat, "opencart_id": "999"}, http.StatusUnprocessableEntity, `"field":"opencart_id"`},
		{"order", map[string]any{"odoo_id": vat, "opencart_id": "86"}, http.StatusUnprocessableEntity, `"field":"kind"`},
	} {
		code, body := api.send(t, http.MethodPost, "/api/mappings/"+tc.kind, tc.body)
		if code != tc.code || !bytes.Contains([]byte(body), []byte(tc.want)) {
			t.Errorf("POST %s %v: %d %s, want %d with %s", tc.kind, tc.body, code, body, tc.code, tc.want)
		}
	}
	if code, _ := api.call(t, http.MethodGet, "/api/mappings/tax", ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if sos := f.SaleOrders(t, id); len(sos) != 0 {
		t.Fatalf("sale order created while waiting: %v", sos)
	}

	code, body := api.send(t, http.MethodPost, "/api/mappings/tax", map[string]any{"odoo_id": vat, "opencart_id": strconv.Itoa(ordertest.VATRate)})
	if code != http.StatusCreated {
		t.Fatalf("create mapping: %d %s", code, body)
	}
	if _, err := f.Wait(t, id); err != nil {
		t.Fatalf("order after the mapping: %v", err)
	}
	sos := f.SaleOrders(t, id)
	if len(sos) != 1 || sos[0].String("state") != "sale" {
		t.Fatalf("sale orders after the mapping: %v", sos)
	}
	code, body = api.send(t, http.MethodPost, "/api/mappings/tax", map[string]any{"odoo_id": vat, "opencart_id": strconv.Itoa(ordertest.VATRate)})
	if code != http.StatusCreated {
		t.Fatalf("the same pair again is accepted (idempotent): %d %s", code, body)
	}
	other := odooTax(t, f, "VAT 20% bis", 20)
	if code, body := api.send(t, http.MethodPost, "/api/mappings/tax", map[string]any{"odoo_id": other, "opencart_id": strconv.Itoa(ordertest.VATRate)}); code != http.StatusConflict {
		t.Fatalf("a second Odoo tax for the same rate: %d %s, want 409", code, body)
	}
}

// An order that failed because of a wrong mapping is replayed after the mapping is fixed: it syncs
// once, and a second replay does nothing.
func TestReplayAfterABadMappingIsFixed(t *testing.T) {
	t.Parallel()
	f := ordertest.New(t, "3.0.4.1", odoosim.Config{Version: 16})
	f.SeedCatalog(t)
	f.MapTax(t, ordertest.EcoTaxRate)
	wrong := odooTax(t, f, "7% (wrong)", 7)
	if err := f.Store.Put(context.Background(), mapping.Mapping{Kind: mapping.KindTax, OdooID: wrong, OpenCartID: strconv.Itoa(ordertest.VATRate)}); err != nil {
		t.Fatal(err)
	}
	f.StartWorker(t, ordertest.Settings())
	api := startAPI(t, f.Bed)

	id := f.PlaceOrder(t, ordertest.DemoOrder("bad-mapping@example.com", 1))
	f.Signal(t, id, activities.SourceWebhook)
	var failure failureJSON
	testbed.Eventually(t, 90*time.Second, func() error {
		var fs []failureJSON
		api.callJSON(t, http.MethodGet, "/api/failures?kind=order", &fs)
		for _, x := range fs {
			if x.RecordID == strconv.FormatInt(id, 10) {
				failure = x
				return nil
			}
		}
		return fmt.Errorf("no failure for order %d yet", id)
	})

	// The operator sees the wrong tax, replaces the mapping and replays.
	if code, body := api.send(t, http.MethodDelete, fmt.Sprintf("/api/mappings/tax/%d", wrong), nil); code != http.StatusNoContent {
		t.Fatalf("delete the wrong mapping: %d %s", code, body)
	}
	vat := odooTax(t, f, "VAT 20%", 20)
	if code, body := api.send(t, http.MethodPost, "/api/mappings/tax", map[string]any{"odoo_id": vat, "opencart_id": strconv.Itoa(ordertest.VATRate)}); code != http.StatusCreated {
		t.Fatalf("map the right tax: %d %s", code, body)
	}
	res := api.replayOne(t, failure.ID)
	if res.Outcome != "synced" {
		t.Fatalf("replay after the fix: %+v", res)
	}
	sos := f.SaleOrders(t, id, "amount_total")
	if len(sos) != 1 || sos[0].String("state") != "sale" {
		t.Fatalf("after the replay, want exactly one confirmed sale order: %v", sos)
	}
	if again := api.replayOne(t, failure.ID); again.Outcome != "already resolved" {
		t.Fatalf("second replay: %+v", again)
	}
	if sos := f.SaleOrders(t, id); len(sos) != 1 {
		t.Fatalf("a second replay made another sale order: %v", sos)
	}
}
