package odoo_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/odoosim"
)

// The fields the bridge reads when comparing Odoo variants with OpenCart products.
var benchFields = []string{"name", "default_code", "barcode", "lst_price", "product_tmpl_id", "categ_id", "active", "write_date"}

const benchRows = 1000

// benchServer serves a simulator holding benchRows variants, optionally behind middleware.
func benchServer(b *testing.B, middleware func(http.Handler) http.Handler) string {
	b.Helper()
	sim, err := odoosim.New(simConfig(17))
	if err != nil {
		b.Fatal(err)
	}
	if err := sim.SeedCatalog(odoosim.CatalogSpec{Templates: benchRows}); err != nil {
		b.Fatal(err)
	}
	var h http.Handler = sim
	if middleware != nil {
		h = middleware(sim)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL
}

func benchRead(b *testing.B, url string) {
	b.Helper()
	c, err := odoo.Dial(context.Background(), odoo.Config{URL: url, DB: testDB, Login: testLogin, Password: testPassword})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	q := odoo.Query{Fields: benchFields, Limit: benchRows, Order: "id"}
	b.ReportAllocs()
	for b.Loop() {
		records, err := c.SearchRead(context.Background(), "product.product", q)
		if err != nil {
			b.Fatal(err)
		}
		if len(records) != benchRows || records[benchRows-1].String("default_code") == "" {
			b.Fatalf("read %d rows", len(records))
		}
	}
	perSecond := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(perSecond, "requests/s")
	b.ReportMetric(perSecond*benchRows, "rows/s")
}

// BenchmarkSearchRead1000Products: client + simulator in process, over loopback HTTP.
func BenchmarkSearchRead1000Products(b *testing.B) {
	benchRead(b, benchServer(b, nil))
}

// BenchmarkClientDecode1000Products replays one recorded simulator answer, so the figures
// are the client's own cost (encode, HTTP, kolo decode, conversion to Records).
func BenchmarkClientDecode1000Products(b *testing.B) {
	var recorded []byte
	replay := func(sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/xmlrpc/2/object" {
				sim.ServeHTTP(w, r)
				return
			}
			if recorded == nil {
				rec := httptest.NewRecorder()
				sim.ServeHTTP(rec, r)
				recorded = rec.Body.Bytes()
			}
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/xml")
			_, _ = io.Copy(w, bytes.NewReader(recorded))
		})
	}
	benchRead(b, benchServer(b, replay))
}
