package odoo

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoosim"
)

func TestPingIsOneAuthenticatedCallAndNoticesOdooGoingAway(t *testing.T) {
	sim, err := odoosim.New(odoosim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	ctx := context.Background()
	c, err := Dial(ctx, Config{URL: srv.URL, DB: "odoo", Login: "admin", Password: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	before := sim.Calls()["res.users.search_count"]
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if after := sim.Calls()["res.users.search_count"]; after != before+1 {
		t.Fatalf("a ping must be one authenticated object call; res.users.search_count went %d → %d", before, after)
	}
	srv.CloseClientConnections()
	srv.Close()
	if err := c.Ping(ctx); err == nil || !IsRetryable(err) {
		t.Fatalf("ping with Odoo gone: want a retryable transport error, got %v", err)
	}
}
