package odoosim_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoosim"
)

// BenchmarkSearchRead1000Products measures the server side of reading 1,000
// product.product rows (typical bridge fields) over XML-RPC on a seeded
// 10,000-template catalog: one op = one HTTP request answered.
func BenchmarkSearchRead1000Products(b *testing.B) {
	sim, err := odoosim.New(odoosim.Config{Version: 17, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	if err := sim.SeedCatalog(odoosim.CatalogSpec{Templates: 10000, ConfigurableShare: 0.3, Attributes: 4,
		ValuesPerAttribute: 3, AttributesPerConfigurable: 2, Categories: 30, CategoryDepth: 3}); err != nil {
		b.Fatal(err)
	}
	body := `<?xml version='1.0'?><methodCall><methodName>execute_kw</methodName><params>` +
		`<param><value><string>odoo</string></value></param><param><value><int>2</int></value></param>` +
		`<param><value><string>admin</string></value></param><param><value><string>product.product</string></value></param>` +
		`<param><value><string>search_read</string></value></param>` +
		`<param><value><array><data><value><array><data><value><array><data><value><string>id</string></value>` +
		`<value><string>&gt;</string></value><value><int>5000</int></value></data></array></value></data></array></value></data></array></value></param>` +
		`<param><value><struct><member><name>fields</name><value><array><data>` +
		`<value><string>default_code</string></value><value><string>barcode</string></value><value><string>name</string></value>` +
		`<value><string>lst_price</string></value><value><string>product_tmpl_id</string></value><value><string>write_date</string></value>` +
		`<value><string>combination_indices</string></value><value><string>active</string></value>` +
		`</data></array></value></member><member><name>limit</name><value><int>1000</int></value></member>` +
		`<member><name>order</name><value><string>id</string></value></member></struct></value></param></params></methodCall>`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodPost, "/xmlrpc/2/object", strings.NewReader(body))
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "<fault>") {
			b.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
		}
		_, _ = io.Copy(io.Discard, rec.Body)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSeedCatalog10k measures seeding 10,000 templates, 30 % of them
// configurable with 3 attributes x 3 values (27 variants each).
func BenchmarkSeedCatalog10k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sim, err := odoosim.New(odoosim.Config{Version: 17, Seed: int64(i)})
		if err != nil {
			b.Fatal(err)
		}
		if err := sim.SeedCatalog(odoosim.CatalogSpec{Templates: 10000, ConfigurableShare: 0.3, Attributes: 4,
			ValuesPerAttribute: 3, AttributesPerConfigurable: 3, Categories: 30, CategoryDepth: 3}); err != nil {
			b.Fatal(err)
		}
	}
}
