package odoo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

const invalidFieldTraceback = `Traceback (most recent call last):
  File "/odoo/odoo/addons/base/controllers/rpc.py", line 165, in xmlrpc_2
    response = self._xmlrpc(service)
  File "/odoo/odoo/models.py", line 3015, in _read_format
ValueError: Invalid field 'colour' on model 'product.product'
`

const serializationTraceback = `Traceback (most recent call last):
  File "/odoo/odoo/service/model.py", line 94, in retrying
    result = func()
psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update
`

func TestParseFault(t *testing.T) {
	f := parseFault("product.product", "read", 1, invalidFieldTraceback)
	if f.Exception != "ValueError" || f.Message != "Invalid field 'colour' on model 'product.product'" {
		t.Fatalf("traceback parsed as %q / %q", f.Exception, f.Message)
	}
	if f.String != invalidFieldTraceback {
		t.Fatal("the raw fault string must be kept")
	}
	if got := f.Error(); got != "odoo product.product.read: fault 1: ValueError: Invalid field 'colour' on model 'product.product'" {
		t.Fatalf("Error() = %q", got)
	}

	multiLine := "The operation cannot be completed:\n- Create/update: a mandatory field is not set."
	f = parseFault("sale.order.line", "create", 2, multiLine)
	if f.Exception != "" || f.Message != multiLine {
		t.Fatalf("user error parsed as %q / %q", f.Exception, f.Message)
	}
}

func TestFaultRetryable(t *testing.T) {
	tests := []struct {
		code      int
		text      string
		retryable bool
	}{
		{1, serializationTraceback, true},
		{1, "Traceback ...\npsycopg2.errors.DeadlockDetected: deadlock detected\n", true},
		{1, "Traceback ...\npsycopg2.errors.LockNotAvailable: could not obtain lock on row in relation \"stock_quant\"\n", true},
		{1, invalidFieldTraceback, false},
		{1, "Traceback ...\nAttributeError: type object 'sale.order' has no attribute 'fly'\n", false},
		{1, "Traceback ...\nTypeError: cannot marshal None unless allow_none is enabled\n", false},
		{2, "Record does not exist or has been deleted.", false},
		{2, "could not serialize access", false}, // user errors never retry, whatever the text
		{3, "Access Denied", false},
		{4, "Private methods (such as _create_invoices) cannot be called remotely.", false},
	}
	for _, tt := range tests {
		err := fmt.Errorf("wrapped: %w", parseFault("m", "x", tt.code, tt.text))
		if got := IsRetryable(err); got != tt.retryable {
			t.Errorf("fault %d %q: IsRetryable = %v, want %v", tt.code, lastNonEmptyLine(tt.text), got, tt.retryable)
		}
		if FaultCode(err) != tt.code {
			t.Errorf("FaultCode = %d, want %d", FaultCode(err), tt.code)
		}
	}
}

func TestReturnedNone(t *testing.T) {
	err := parseFault("account.move", "action_post", 1, "Traceback ...\nTypeError: cannot marshal None unless allow_none is enabled\n")
	if !IsNoneResult(err) {
		t.Fatal("marshal-None fault not recognised")
	}
	if IsNoneResult(parseFault("m", "x", 1, invalidFieldTraceback)) {
		t.Fatal("an invalid-field fault is not a None result")
	}
}

func TestTransportErrorRetryable(t *testing.T) {
	for status, want := range map[int]bool{0: true, 502: true, 503: true, 504: true, 429: true, 404: false, 500: false, 401: false} {
		err := &TransportError{Model: "m", Method: "x", StatusCode: status, Err: errors.New("boom")}
		if got := IsRetryable(err); got != want {
			t.Errorf("status %d: IsRetryable = %v, want %v", status, got, want)
		}
	}
	if msg := (&TransportError{Model: "common", Method: "version", URL: "http://h/xmlrpc/2/common", StatusCode: 404, Err: errors.New("x")}).Error(); !strings.Contains(msg, "database name") {
		t.Errorf("404 message should point at the URL/database: %q", msg)
	}
}

func TestContextErrorsRetryable(t *testing.T) {
	if IsRetryable(fmt.Errorf("odoo m.x: %w", context.Canceled)) {
		t.Error("a cancelled caller must not be retried")
	}
	if !IsRetryable(fmt.Errorf("odoo m.x: %w", context.DeadlineExceeded)) {
		t.Error("a deadline is transient")
	}
	if IsRetryable(errors.New("odoo m.x: xmlrpc encode error: unsupported type")) {
		t.Error("unknown errors default to permanent")
	}
	if IsRetryable(&AuthError{Login: "admin", DB: "prod"}) {
		t.Error("bad credentials are permanent")
	}
}
