package opencartextension

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
	"github.com/ocbridge/bridge/pkg/webhook"
)

// expectedEvent is an oc_event row the extension must register, written out by hand from
// the OpenCart sources of each reference tag (loader.php trigger names, action.php routes,
// and the model methods' signatures).
type expectedEvent struct{ trigger, action string }

func expectedEvents(version string) []expectedEvent {
	type def struct{ app, route, method, handler string }
	defs := []def{
		{"catalog", "checkout/order", "addHistory", "onOrderHistory"},
		{"catalog", "account/customer", "addCustomer", "onCustomerAdd"},
		{"catalog", "account/customer", "editCustomer", "onCustomerEdit"},
		{"catalog", "account/address", "addAddress", "onCustomerEdit"},
		{"catalog", "account/address", "editAddress", "onAddressEdit"},
		{"admin", "customer/customer", "addCustomer", "onCustomerAdd"},
		{"admin", "customer/customer", "editCustomer", "onCustomerEdit"},
	}
	sep, action := "/", "extension/bridge_webhook/module/bridge_webhook."
	switch {
	case strings.HasPrefix(version, "3."):
		defs[0].method = "addOrderHistory"
		action = "extension/module/bridge_webhook/"
	case strings.HasPrefix(version, "4.1"):
		sep = "."
		defs[4].handler = "onCustomerEdit" // 4.1 editAddress(customer_id, address_id, data)
		defs = append(defs, def{"admin", "customer/customer", "addAddress", "onCustomerEdit"}, def{"admin", "customer/customer", "editAddress", "onCustomerEdit"})
	}
	var out []expectedEvent
	for _, d := range defs {
		out = append(out, expectedEvent{d.app + "/model/" + d.route + sep + d.method + "/after", action + d.handler})
	}
	return out
}

// coreTriggers reads the triggers of OpenCart's own event rows from the version's dump.
func coreTriggers(t *testing.T, version string) []string {
	f, err := os.Open(octest.DumpPath(t, version))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	re := regexp.MustCompile(`'((?:admin|catalog)/model/[^']+/(?:after|before))'`)
	var triggers []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "(") || strings.HasPrefix(sc.Text(), "INSERT INTO `oc_event`") {
			for _, m := range re.FindAllStringSubmatch(sc.Text(), -1) {
				triggers = append(triggers, m[1])
			}
		}
	}
	if len(triggers) == 0 {
		t.Fatalf("no event triggers found in the %s dump", version)
	}
	return triggers
}

// The triggers spelled by hand above must have the form OpenCart itself uses in that
// version: the same trigger on a core row (after or before), or at least a core trigger on
// the same model route with the same route/method separator.
func TestExpectedTriggersMatchCoreForm(t *testing.T) {
	for _, v := range octest.Versions {
		core := coreTriggers(t, v)
		for _, e := range expectedEvents(v) {
			base := strings.TrimSuffix(e.trigger, "/after")
			if slices.Contains(core, base+"/after") || slices.Contains(core, base+"/before") {
				continue
			}
			cut := strings.LastIndexAny(base, "/.")
			if !slices.ContainsFunc(core, func(c string) bool { return strings.HasPrefix(c, base[:cut+1]) }) {
				t.Errorf("%s: no core trigger has the form of %s", v, e.trigger)
			}
		}
	}
}

func (s *shop) registeredEvents() []expectedEvent {
	s.t.Helper()
	rows, err := s.db.Query("SELECT `trigger`, `action` FROM oc_event WHERE code LIKE 'bridge\\_webhook\\_%' AND status = 1 ORDER BY event_id")
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var got []expectedEvent
	for rows.Next() {
		var e expectedEvent
		if err := rows.Scan(&e.trigger, &e.action); err != nil {
			s.t.Fatal(err)
		}
		got = append(got, e)
	}
	return got
}

func (s *shop) tableExists(name string) bool {
	var n int
	if err := s.db.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", name).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n == 1
}

func flushToken() string {
	m := hmac.New(sha256.New, []byte(testSecret))
	m.Write([]byte("bridge_webhook/flush"))
	return hex.EncodeToString(m.Sum(nil))
}

// wantEvents compares received events with want, ignoring occurred_at except that it must be
// recent.
func wantEvents(t *testing.T, got []webhook.Event, want ...webhook.Event) {
	t.Helper()
	for i := range got {
		if age := time.Since(got[i].OccurredAt); age < -time.Minute || age > 5*time.Minute {
			t.Errorf("event %d occurred_at %v is not now", i, got[i].OccurredAt)
		}
		got[i].OccurredAt = time.Time{}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("received %+v\nwant     %+v", got, want)
	}
}

func TestExtensionFlow(t *testing.T) {
	dist := build(t)
	for _, v := range octest.Versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newShop(t, dist, v)
			is3, is41 := strings.HasPrefix(v, "3."), strings.HasPrefix(v, "4.1")

			// Install twice, as a shop owner retrying would: one set of event rows.
			s.route("admin", "install", nil, nil)
			s.route("admin", "install", nil, nil)
			if got, want := s.registeredEvents(), expectedEvents(v); !slices.Equal(got, want) {
				t.Fatalf("registered events:\n%v\nwant:\n%v", got, want)
			}
			if !s.tableExists("oc_bridge_outbox") {
				t.Fatal("install did not create oc_bridge_outbox")
			}

			// The settings form refuses bad input, then saves.
			if errs := s.saveSettings("1", "ftp://bridge.test", "short"); errs["url"] == "" || errs["secret"] == "" {
				t.Fatalf("bad url and short secret: errors %v", errs)
			}
			if errs := s.saveSettings("1", s.bridge.srv.URL, ""); errs["secret"] == "" {
				t.Fatalf("enabling without any secret: errors %v", errs)
			}
			if errs := s.saveSettings("1", s.bridge.srv.URL+"/", testSecret); len(errs) > 0 {
				t.Fatalf("valid settings refused: %v", errs)
			}
			// A blank secret field keeps the stored secret.
			if errs := s.saveSettings("1", s.bridge.srv.URL, ""); len(errs) > 0 {
				t.Fatalf("re-saving without retyping the secret: %v", errs)
			}
			if got := s.settings()["module_bridge_webhook_secret"]; got != testSecret {
				t.Fatalf("stored secret changed on a blank save (len %d)", len(got))
			}

			// A customer registers on the storefront, then edits an address; an admin edits them.
			customerID, addressIDs := octest.AddCustomer(t, s.db, v, octest.Customer{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com",
				Addresses: []octest.Address{{FirstName: "Ada", LastName: "Lovelace", Address1: "1 Analytical St", City: "London", CountryID: 222}}})
			s.fire("catalog", "account/customer", "addCustomer", []any{map[string]any{"email": "ada@example.com"}}, customerID)
			editAddressArgs := []any{addressIDs[0], map[string]any{}}
			if is41 {
				editAddressArgs = []any{customerID, addressIDs[0], map[string]any{}}
			}
			s.fire("catalog", "account/address", "editAddress", editAddressArgs, nil)
			s.fire("admin", "customer/customer", "editCustomer", []any{customerID, map[string]any{}}, nil)
			customerEvent := webhook.Event{Event: webhook.CustomerUpdated, CustomerID: int64(customerID)}
			wantEvents(t, s.bridge.take(t), customerEvent, customerEvent, customerEvent)

			// A guest order: abandoned at status 0 (no event), confirmed (created), then changed.
			orderID := octest.PlaceOrder(t, s.db, v, octest.Order{FirstName: "Guest", Email: "guest@example.com", Status: 0})
			historyMethod := "addHistory"
			if is3 {
				historyMethod = "addOrderHistory"
			}
			addHistory := func(orderID, asked, written int) {
				t.Helper()
				octest.AddHistory(t, s.db, v, orderID, written, "")
				s.fire("catalog", "checkout/order", historyMethod, []any{orderID, asked, "", false, false}, nil)
			}
			addHistory(orderID, 0, 0)
			if got := s.bridge.take(t); len(got) != 0 {
				t.Fatalf("status 0 history sent %+v", got)
			}
			addHistory(orderID, 1, 1)
			addHistory(orderID, 2, 8) // a fraud check replaced the asked status: the written one counts
			wantEvents(t, s.bridge.take(t),
				webhook.Event{Event: webhook.OrderCreated, OrderID: int64(orderID), OrderStatusID: 1},
				webhook.Event{Event: webhook.OrderStatusChanged, OrderID: int64(orderID), OrderStatusID: 8})

			// A registered customer's order carries the customer.
			ownOrder := octest.PlaceOrder(t, s.db, v, octest.Order{CustomerID: customerID, FirstName: "Ada", Email: "ada@example.com", Status: 1})
			s.fire("catalog", "checkout/order", historyMethod, []any{ownOrder, 1, "", false, false}, nil)
			wantEvents(t, s.bridge.take(t), webhook.Event{Event: webhook.OrderCreated, OrderID: int64(ownOrder), OrderStatusID: 1, CustomerID: int64(customerID)})

			// Bridge down: the event stays in the outbox with the reason; the next event retries it.
			s.bridge.set("down")
			addHistory(orderID, 3, 3)
			pending := s.pending()
			if len(pending) != 1 || pending[0].Attempts != 1 || !strings.Contains(pending[0].LastError, "HTTP 503") || pending[0].Event != webhook.OrderStatusChanged {
				t.Fatalf("after a failed post the outbox holds %+v", pending)
			}
			s.bridge.set("up")
			s.fire("admin", "customer/customer", "addCustomer", []any{map[string]any{}}, customerID)
			wantEvents(t, s.bridge.take(t), customerEvent,
				webhook.Event{Event: webhook.OrderStatusChanged, OrderID: int64(orderID), OrderStatusID: 3})
			if p := s.pending(); len(p) != 0 {
				t.Fatalf("backlog not flushed: %+v", p)
			}

			// The cron route: refused without the right token, then delivers what is pending.
			s.bridge.set("down")
			s.fire("catalog", "account/customer", "editCustomer", []any{customerID, map[string]any{}}, nil)
			s.bridge.set("up")
			res := s.route("catalog", "flush", map[string]string{"token": strings.Repeat("0", 64)}, nil)
			if !slices.Contains(res.Headers, "HTTP/1.1 403 Forbidden") || len(s.pending()) != 1 {
				t.Fatalf("flush with a wrong token: headers %v output %v, pending %d", res.Headers, *res.Output, len(s.pending()))
			}
			// It also prunes rows sent more than 30 days ago.
			if _, err := s.db.Exec("UPDATE oc_bridge_outbox SET sent_at = UTC_TIMESTAMP() - INTERVAL 31 DAY ORDER BY id LIMIT 1"); err != nil {
				t.Fatal(err)
			}
			rowsBefore := len(s.outbox())
			res = s.route("catalog", "flush", map[string]string{"token": flushToken()}, nil)
			if res.Output == nil || *res.Output != `{"sent":1,"failed":0,"pending":0,"pruned":1}` || len(s.outbox()) != rowsBefore-1 {
				t.Fatalf("flush answered %v", *res.Output)
			}
			wantEvents(t, s.bridge.take(t), customerEvent)

			// The CLI flush script, as a crontab runs it. While the bridge is down a failed post
			// does not go on to retry the backlog, and a flush stops at the first failure: each
			// run pays for one failed request, not one per row.
			s.bridge.set("down")
			s.fire("catalog", "account/address", "addAddress", []any{customerID, map[string]any{}}, addressIDs[0])
			addHistory(ownOrder, 5, 5)
			if p := s.pending(); len(p) != 2 || p[0].Attempts != 1 || p[1].Attempts != 1 {
				t.Fatalf("two events while down: %+v", p)
			}
			cli := filepath.Join(libraryDir(s.root, v), "flush_cli.php")
			out, err := exec.Command(s.php, cli, s.opencartConfig()).Output()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), `"pending":2`) || !strings.Contains(string(out), "HTTP 503") {
				t.Fatalf("CLI flush with the bridge down: %v, %s", err, out)
			}
			if p := s.pending(); p[0].Attempts != 2 || p[1].Attempts != 1 {
				t.Fatalf("a flush against a down bridge went past the first failure: %+v", p)
			}
			s.bridge.set("up")
			out, err = exec.Command(s.php, cli, s.opencartConfig()).Output()
			if err != nil || !strings.Contains(string(out), `"sent":2`) || !strings.Contains(string(out), `"pending":0`) {
				t.Fatalf("CLI flush: %v, %s", err, out)
			}
			wantEvents(t, s.bridge.take(t), customerEvent,
				webhook.Event{Event: webhook.OrderStatusChanged, OrderID: int64(ownOrder), OrderStatusID: 5, CustomerID: int64(customerID)})

			// The settings page shows delivery state and the cron URL, never the secret.
			res = s.route("admin", "index", nil, nil)
			var page struct {
				Data map[string]any `json:"data"`
			}
			if err := json.Unmarshal(res.View, &page); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(res.View), testSecret) {
				t.Fatal("the settings page data contains the secret")
			}
			if cron, _ := page.Data["cron_url"].(string); !strings.Contains(cron, "token="+flushToken()) || !strings.Contains(cron, "flush") {
				t.Errorf("cron_url = %q", cron)
			}
			if page.Data["endpoint"] != s.bridge.srv.URL+"/webhooks/opencart" || page.Data["pending"] != float64(0) || page.Data["secret_set"] != true {
				t.Errorf("page data %v", page.Data)
			}

			// Disabled: nothing is recorded or sent.
			before := len(s.outbox())
			if errs := s.saveSettings("0", s.bridge.srv.URL, ""); len(errs) > 0 {
				t.Fatal(errs)
			}
			s.fire("catalog", "account/customer", "editCustomer", []any{customerID, map[string]any{}}, nil)
			if after := len(s.outbox()); after != before || len(s.bridge.take(t)) != 0 {
				t.Fatalf("disabled extension recorded %d rows", after-before)
			}

			// Every row ever written was delivered exactly when the bridge was up.
			for _, r := range s.outbox() {
				if !r.Sent {
					t.Errorf("row %d never sent: %+v", r.ID, r)
				}
			}

			s.route("admin", "uninstall", nil, nil)
			if got := s.registeredEvents(); len(got) != 0 || s.tableExists("oc_bridge_outbox") {
				t.Fatalf("after uninstall: events %v, outbox table present %v", got, s.tableExists("oc_bridge_outbox"))
			}
		})
	}
}

// A bridge that accepts the connection but does not answer costs one short timeout, and
// the event waits in the outbox.
func TestSlowBridgeTimesOut(t *testing.T) {
	const v = "4.1.0.4"
	s := newShop(t, build(t), v)
	s.route("admin", "install", nil, nil)
	if errs := s.saveSettings("1", s.bridge.srv.URL, testSecret); len(errs) > 0 {
		t.Fatal(errs)
	}
	customerID, _ := octest.AddCustomer(t, s.db, v, octest.Customer{FirstName: "Slow", Email: "slow@example.com"})
	s.bridge.set("slow")
	s.fire("catalog", "account/customer", "editCustomer", []any{customerID, map[string]any{}}, nil)
	p := s.pending()
	if len(p) != 1 || !strings.Contains(p[0].LastError, "timed out") {
		t.Fatalf("outbox after a timeout: %+v", p)
	}
}
