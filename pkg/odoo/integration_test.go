package odoo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/odoosim/odoosimtest"
)

// Integration tests: the client against the Odoo simulator over real HTTP, for every
// supported version.

var allVersions = []int{13, 14, 15, 16, 17, 18}

const (
	testDB       = "bridge"
	testLogin    = "admin"
	testPassword = "s3cret-Pa55"
)

func simConfig(version int) odoosim.Config {
	return odoosim.Config{Version: version, DB: testDB, Login: testLogin, Password: testPassword, Seed: 1}
}

func requireSimulator(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test against the Odoo simulator (pkg/odoosim); run without -short")
	}
}

// forEachVersion runs fn as a parallel subtest per Odoo version.
func forEachVersion(t *testing.T, fn func(t *testing.T, version int)) {
	t.Helper()
	requireSimulator(t)
	for _, version := range allVersions {
		t.Run(fmt.Sprintf("odoo%d", version), func(t *testing.T) {
			t.Parallel()
			fn(t, version)
		})
	}
}

func dial(t *testing.T, url string, tune ...func(*odoo.Config)) *odoo.Client {
	t.Helper()
	cfg := odoo.Config{URL: url, DB: testDB, Login: testLogin, Password: testPassword}
	for _, f := range tune {
		f(&cfg)
	}
	c, err := odoo.Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("dial simulator at %s: %v", url, err)
	}
	t.Cleanup(c.Close)
	return c
}

// startSim serves a simulator (wrapped by middleware, if any) on a loopback httptest server.
func startSim(t *testing.T, version int, middleware func(http.Handler) http.Handler) (*odoosim.Server, string) {
	t.Helper()
	if middleware == nil {
		return odoosimtest.Start(t, simConfig(version))
	}
	sim, err := odoosim.New(simConfig(version))
	if err != nil {
		t.Fatalf("odoosim.New(%d): %v", version, err)
	}
	srv := httptest.NewServer(middleware(sim))
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func startClient(t *testing.T, version int, tune ...func(*odoo.Config)) (*odoosim.Server, *odoo.Client) {
	t.Helper()
	sim, url := startSim(t, version, nil)
	return sim, dial(t, url, tune...)
}

func poolSize(n int) func(*odoo.Config) { return func(c *odoo.Config) { c.PoolSize = n } }

func TestDialDetectsVersionAndCounts(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		if got := c.Version(); got.Major != version || got.SaaS {
			t.Errorf("Version() = %+v, want major %d", got, version)
		}
		if c.Schema().Version != c.Version() || c.UID() <= 0 {
			t.Errorf("schema version %+v, uid %d", c.Schema().Version, c.UID())
		}
		if got := c.Requests(); got["common.version"] != 1 || got["common.authenticate"] != 1 || c.TotalRequests() != 2 {
			t.Errorf("after Dial: Requests() = %v, total %d", got, c.TotalRequests())
		}
	})
}

func TestDialBadCredentials(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, url := startSim(t, version, nil)
		_, err := odoo.Dial(context.Background(), odoo.Config{URL: url, DB: testDB, Login: testLogin, Password: "wrong-" + testPassword})
		var authErr *odoo.AuthError
		if !errors.As(err, &authErr) {
			t.Fatalf("err = %v, want *odoo.AuthError", err)
		}
		msg := err.Error()
		if !strings.Contains(msg, `bad credentials for user "admin" on database "bridge"`) || strings.Contains(msg, testPassword) {
			t.Errorf("message %q must name user and database and never the password", msg)
		}
		if odoo.IsRetryable(err) {
			t.Error("bad credentials are not retryable")
		}
	})
}

func TestDialUnknownDatabase(t *testing.T) {
	requireSimulator(t)
	_, url := startSim(t, 17, nil)
	_, err := odoo.Dial(context.Background(), odoo.Config{URL: url, DB: "nope", Login: testLogin, Password: testPassword})
	if err == nil {
		t.Fatal("Dial to an unknown database succeeded")
	}
	if odoo.IsRetryable(err) {
		t.Errorf("an unknown database is permanent: %v", err)
	}
	t.Log(err)
}

func TestPagingTenThousandRecords(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		sim, c := startClient(t, version)
		if err := sim.SeedCatalog(odoosim.CatalogSpec{Templates: 10_000}); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		total, err := c.SearchCount(ctx, "product.product", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if total < 10_000 {
			t.Fatalf("simulator holds %d variants, seeded 10000 templates", total)
		}
		const page = 1000
		var ids []int64
		err = c.ForEachPage(ctx, "product.product", odoo.Query{Fields: []string{"default_code", "product_tmpl_id"}, Limit: page},
			func(records []odoo.Record) error {
				if len(records) > page {
					return fmt.Errorf("page of %d records, limit %d", len(records), page)
				}
				for _, r := range records {
					if _, _, ok := r.Many2One("product_tmpl_id"); !ok {
						return fmt.Errorf("variant %d has no template", r.ID())
					}
					ids = append(ids, r.ID())
				}
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(ids)) != total {
			t.Fatalf("paged %d records, search_count says %d", len(ids), total)
		}
		if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Fatal("pages overlap or are out of id order")
		}
		wantPages := total/page + 1 // the last, short or empty, page ends the walk
		if got := c.Requests()["product.product.search_read"]; got != wantPages {
			t.Errorf("search_read calls = %d, want %d", got, wantPages)
		}
	})
}

func TestForEachPageStopsOnCallbackError(t *testing.T) {
	requireSimulator(t)
	sim, c := startClient(t, 16)
	if err := sim.SeedCatalog(odoosim.CatalogSpec{Templates: 50}); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	err := c.ForEachPage(context.Background(), "product.product", odoo.Query{Fields: []string{"id"}, Limit: 10},
		func([]odoo.Record) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err = %v after %d pages, want the callback's error after 1", err, calls)
	}
}

func TestBatchCreateReadWriteUnlink(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		ctx := context.Background()
		const n = 300
		rows := make([]odoo.Values, n)
		for i := range rows {
			rows[i] = odoo.Values{"name": fmt.Sprintf("Batch customer %03d", i), "email": fmt.Sprintf("c%03d@example.com", i), "customer_rank": 1}
		}
		ids, err := c.Create(ctx, "res.partner", rows, odoo.Context{"tracking_disable": true})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != n || !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != n {
			t.Fatalf("create returned %d ids (sorted=%v)", len(ids), slices.IsSorted(ids))
		}
		if got := c.Requests()["res.partner.create"]; got != 1 {
			t.Errorf("%d records took %d create calls, want 1", n, got)
		}

		// Read answers in the order asked, whatever order the server uses.
		asked := []int64{ids[5], ids[0], ids[299]}
		records, err := c.Read(ctx, "res.partner", asked, []string{"name", "email", "parent_id"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range records {
			if r.ID() != asked[i] {
				t.Fatalf("Read order: got id %d at %d, want %d", r.ID(), i, asked[i])
			}
			if _, _, ok := r.Many2One("parent_id"); ok {
				t.Errorf("partner %d has a parent; empty many2one must read as unset", r.ID())
			}
		}
		if records[0].String("name") != "Batch customer 005" || records[2].String("email") != "c299@example.com" {
			t.Errorf("read back %v", records)
		}

		if err := c.Write(ctx, "res.partner", ids[:10], odoo.Values{"city": "Berlin"}, nil); err != nil {
			t.Fatal(err)
		}
		berlin, err := c.Search(ctx, "res.partner", odoo.Query{Domain: odoo.Domain{odoo.Leaf("city", "=", "Berlin"), odoo.Leaf("id", "in", ids)}})
		if err != nil || !slices.Equal(berlin, ids[:10]) {
			t.Fatalf("Search after Write = %v, %v; want %v", berlin, err, ids[:10])
		}

		if err := c.Unlink(ctx, "res.partner", ids[:5], nil); err != nil {
			t.Fatal(err)
		}
		live, err := c.Exists(ctx, "res.partner", ids[:10])
		if err != nil || !slices.Equal(live, ids[5:10]) {
			t.Fatalf("Exists after Unlink = %v, %v; want %v", live, err, ids[5:10])
		}
	})
}

// faultCase provokes one kind of error and states how it must be classified.
type faultCase struct {
	name      string
	provoke   func(ctx context.Context, c *odoo.Client) error
	code      int    // 0: not a fault
	status    int    // expected TransportError.StatusCode when code is 0
	contains  string // in the error text
	retryable bool
}

var faultCases = []faultCase{
	{"unknown field is code 1", func(ctx context.Context, c *odoo.Client) error {
		_, err := c.SearchRead(ctx, "res.partner", odoo.Query{Fields: []string{"no_such_field"}, Limit: 1})
		return err
	}, 1, 0, "Invalid field 'no_such_field'", false},
	{"unknown public method is code 1", func(ctx context.Context, c *odoo.Client) error {
		_, err := c.Call(ctx, "res.partner", "fly_to_the_moon", []any{[]int64{1}}, nil)
		return err
	}, 1, 0, "fly_to_the_moon", false},
	{"unknown model is code 2", func(ctx context.Context, c *odoo.Client) error {
		_, err := c.Search(ctx, "x.no.model", odoo.Query{})
		return err
	}, 2, 0, "Object x.no.model doesn't exist", false},
	{"deleted record is code 2", func(ctx context.Context, c *odoo.Client) error {
		_, err := c.Read(ctx, "res.partner", []int64{987654}, []string{"name"}, nil)
		return err
	}, 2, 0, "does not exist or has been deleted", false},
	{"private method is code 4", func(ctx context.Context, c *odoo.Client) error {
		_, err := c.Call(ctx, "sale.order", "_create_invoices", []any{[]int64{1}}, nil)
		return err
	}, 4, 0, "Private methods (such as _create_invoices) cannot be called remotely", false},
}

func TestFaultClassification(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		_, c := startClient(t, version)
		for _, fc := range faultCases {
			t.Run(fc.name, func(t *testing.T) {
				checkClassification(t, fc, fc.provoke(context.Background(), c))
			})
		}
	})
}

func checkClassification(t *testing.T, fc faultCase, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if got := odoo.IsRetryable(err); got != fc.retryable {
		t.Errorf("IsRetryable = %v, want %v (%v)", got, fc.retryable, err)
	}
	if !strings.Contains(err.Error(), fc.contains) {
		t.Errorf("error %q lacks %q", err, fc.contains)
	}
	if fc.code != 0 {
		var fault *odoo.Fault
		if !errors.As(err, &fault) || fault.Code != fc.code {
			t.Fatalf("err = %#v, want fault code %d", err, fc.code)
		}
		return
	}
	var transport *odoo.TransportError
	if !errors.As(err, &transport) || transport.StatusCode != fc.status {
		t.Fatalf("err = %#v, want a transport error with status %d", err, fc.status)
	}
}

func TestInjectedFaults(t *testing.T) {
	injected := []struct {
		faults odoosim.Faults
		fc     faultCase
	}{
		{odoosim.Faults{SerializationRate: 1}, faultCase{name: "serialization failure", code: 1, contains: "could not serialize access", retryable: true}},
		{odoosim.Faults{Rate502: 1}, faultCase{name: "bad gateway", status: 502, contains: "HTTP 502", retryable: true}},
		{odoosim.Faults{DropRate: 1}, faultCase{name: "dropped connection", status: 0, contains: "transport failure", retryable: true}},
	}
	forEachVersion(t, func(t *testing.T, version int) {
		sim, c := startClient(t, version, poolSize(1))
		for _, in := range injected {
			t.Run(in.fc.name, func(t *testing.T) {
				sim.SetFaults(in.faults)
				_, err := c.SearchCount(context.Background(), "res.partner", nil, nil)
				sim.SetFaults(odoosim.Faults{})
				checkClassification(t, in.fc, err)
				// The single pooled client must still work.
				if _, err := c.SearchCount(context.Background(), "res.partner", nil, nil); err != nil {
					t.Fatalf("call after %s: %v", in.fc.name, err)
				}
			})
		}
		if n := c.ReplacedClients(); n != 0 {
			t.Errorf("faults, HTTP errors and drops must not kill clients; %d replaced", n)
		}
	})
}

// corruptObjectAnswers makes the next n /xmlrpc/2/object answers truncated XML, which kolo
// cannot decode (and which kills the kolo client that reads it).
func corruptObjectAnswers(n int32) (func(http.Handler) http.Handler, *atomic.Int32) {
	remaining := &atomic.Int32{}
	remaining.Store(n)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/xmlrpc/2/object" && remaining.Add(-1) >= 0 {
				w.Header().Set("Content-Type", "text/xml")
				fmt.Fprint(w, `<?xml version="1.0"?><methodResponse><params><param><value><array><data><value><int>1</int></value>`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}, remaining
}

func TestDeadClientIsReplaced(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		middleware, _ := corruptObjectAnswers(3)
		_, url := startSim(t, version, middleware)
		c := dial(t, url, poolSize(1))
		ctx := context.Background()
		for i := range 3 {
			_, err := c.SearchCount(ctx, "res.partner", nil, nil)
			var transport *odoo.TransportError
			if !errors.As(err, &transport) || !strings.Contains(err.Error(), "malformed") || !odoo.IsRetryable(err) {
				t.Fatalf("corrupt answer %d: err = %v, want a retryable malformed-answer TransportError", i, err)
			}
		}
		// Without replacement the only client would now answer "connection is shut down".
		if _, err := c.SearchCount(ctx, "res.partner", nil, nil); err != nil {
			t.Fatalf("after dead clients: %v", err)
		}
		if n := c.ReplacedClients(); n != 3 {
			t.Errorf("ReplacedClients = %d, want 3", n)
		}
	})
}

// inFlight counts concurrent requests reaching the simulator.
type inFlight struct {
	now, peak atomic.Int32
}

func (f *inFlight) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := f.now.Add(1)
		defer f.now.Add(-1)
		for {
			peak := f.peak.Load()
			if n <= peak || f.peak.CompareAndSwap(peak, n) {
				break
			}
		}
		next.ServeHTTP(w, r)
	})
}

func TestParallelCallsUseThePool(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		var flight inFlight
		cfg := simConfig(version)
		cfg.Latency = 40 * time.Millisecond
		sim, err := odoosim.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(flight.wrap(sim))
		t.Cleanup(srv.Close)
		const pool, calls = 4, 24
		c := dial(t, srv.URL, poolSize(pool))
		flight.peak.Store(0)

		var wg sync.WaitGroup
		errs := make(chan error, calls)
		for range calls {
			wg.Go(func() {
				if _, err := c.SearchCount(context.Background(), "res.partner", nil, nil); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if peak := flight.peak.Load(); peak != pool {
			t.Errorf("peak concurrent requests = %d, want the pool size %d", peak, pool)
		}
		if got := c.Requests()["res.partner.search_count"]; got != calls {
			t.Errorf("counted %d search_count calls, want %d", got, calls)
		}
	})
}

func TestContextCancellation(t *testing.T) {
	forEachVersion(t, func(t *testing.T, version int) {
		sim, c := startClient(t, version, poolSize(1), func(cfg *odoo.Config) { cfg.Timeout = time.Minute })
		const slow = 1500 * time.Millisecond
		sim.SetFaults(odoosim.Faults{SlowRate: 1, Slow: slow})

		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.SearchCount(ctx, "res.partner", nil, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want context.DeadlineExceeded", err)
		}
		if elapsed := time.Since(start); elapsed >= slow {
			t.Errorf("cancelled call returned after %v, i.e. only when the server answered", elapsed)
		}

		// A caller cancelled while waiting for the only pooled client gets its error too.
		busy, release := context.WithCancel(context.Background())
		occupied := make(chan error, 1)
		go func() { _, err := c.SearchCount(busy, "res.partner", nil, nil); occupied <- err }()
		time.Sleep(50 * time.Millisecond)
		waiting, cancelWaiting := context.WithCancel(context.Background())
		cancelWaiting()
		if _, err := c.SearchCount(waiting, "res.partner", nil, nil); !errors.Is(err, context.Canceled) || odoo.IsRetryable(err) {
			t.Errorf("waiting caller: err = %v, want non-retryable context.Canceled", err)
		}
		release()
		if err := <-occupied; !errors.Is(err, context.Canceled) {
			t.Errorf("occupying call: err = %v, want context.Canceled", err)
		}

		sim.SetFaults(odoosim.Faults{})
		if _, err := c.SearchCount(context.Background(), "res.partner", nil, nil); err != nil {
			t.Fatalf("client unusable after cancellations: %v", err)
		}
	})
}

func TestPerCallTimeoutIsRetryable(t *testing.T) {
	requireSimulator(t)
	sim, c := startClient(t, 18, func(cfg *odoo.Config) { cfg.Timeout = 100 * time.Millisecond })
	sim.SetFaults(odoosim.Faults{SlowRate: 1, Slow: time.Second})
	_, err := c.SearchCount(context.Background(), "res.partner", nil, nil)
	var transport *odoo.TransportError
	if !errors.As(err, &transport) || !transport.Timeout || !odoo.IsRetryable(err) {
		t.Fatalf("err = %#v, want a retryable TransportError with Timeout", err)
	}
}
