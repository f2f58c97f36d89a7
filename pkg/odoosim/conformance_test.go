package odoosim_test

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/odoosim/odoosimtest"
)

// TestPythonConformance runs testdata/conformance.py, which speaks to the
// simulator with Python's standard xmlrpc.client only, against every
// simulated version. python3 is required: the test fails without it.
func TestPythonConformance(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 not found on PATH (install it, e.g. apt-get install python3): %v", err)
	}
	for v := 13; v <= 18; v++ {
		t.Run(fmt.Sprintf("odoo%d", v), func(t *testing.T) {
			t.Parallel()
			_, url := odoosimtest.Start(t, odoosim.Config{Version: v, Password: "s3cret"})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, python, "testdata/conformance.py", url, "odoo", "admin", "s3cret", fmt.Sprint(v)).CombinedOutput()
			if err != nil {
				t.Fatalf("conformance.py failed for Odoo %d: %v\n%s", v, err, out)
			}
			t.Logf("%s", out)
		})
	}
}
