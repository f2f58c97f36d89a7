package odoo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/odoosim/odoosimtest"
)

// TestRevokedKeyIsAccessDenied: Odoo re-checks credentials on every execute_kw, so a key
// revoked after Dial gives fault 3 on the next call. The client is internal to swap the key.
func TestRevokedKeyIsAccessDenied(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test against the Odoo simulator (pkg/odoosim); run without -short")
	}
	for _, version := range []int{13, 18} {
		_, url := odoosimtest.Start(t, odoosim.Config{Version: version, DB: "bridge", Login: "admin", Password: "right-key"})
		c, err := Dial(context.Background(), Config{URL: url, DB: "bridge", Login: "admin", Password: "right-key"})
		if err != nil {
			t.Fatal(err)
		}
		c.password = "revoked-key"
		_, err = c.SearchCount(context.Background(), "res.partner", nil, nil)
		var fault *Fault
		if !errors.As(err, &fault) || fault.Code != FaultAccessDenied || fault.Message != "Access Denied" {
			t.Fatalf("Odoo %d: err = %#v, want fault 3 Access Denied", version, err)
		}
		if IsRetryable(err) || strings.Contains(err.Error(), "revoked-key") {
			t.Errorf("Odoo %d: %v must be permanent and must not show the key", version, err)
		}
		c.Close()
	}
}
