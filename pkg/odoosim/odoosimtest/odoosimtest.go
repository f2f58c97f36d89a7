// Package odoosimtest starts an Odoo simulator on a loopback test server.
package odoosimtest

import (
	"net/http/httptest"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoosim"
)

// Start builds a simulator and serves it on httptest; it returns the server
// and its base URL (e.g. http://127.0.0.1:41234, endpoints under /xmlrpc/2/).
// The HTTP server is closed by t.Cleanup.
func Start(t testing.TB, cfg odoosim.Config) (*odoosim.Server, string) {
	t.Helper()
	sim, err := odoosim.New(cfg)
	if err != nil {
		t.Fatalf("odoosimtest: %v", err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return sim, ts.URL
}
