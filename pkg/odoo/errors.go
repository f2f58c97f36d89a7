package odoo

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Fault codes sent by Odoo's /xmlrpc/2 endpoints (odoo/addons/base/controllers/rpc.py).
const (
	// FaultServerError covers every exception Odoo does not map itself (ValueError, KeyError,
	// psycopg2 errors...). The fault string is a full Python traceback.
	FaultServerError = 1
	// FaultUserError covers UserError, ValidationError, MissingError, RedirectWarning,
	// SQL constraint violations and unknown models.
	FaultUserError = 2
	// FaultAccessDenied means the uid/password/API key pair was refused.
	FaultAccessDenied = 3
	// FaultAccessError covers ACLs, record rules and private methods.
	FaultAccessError = 4
)

// Fault is an XML-RPC fault returned by Odoo for one execute_kw call.
type Fault struct {
	Model  string // model the call targeted ("common" for the common endpoint)
	Method string
	Code   int
	// String is the fault string exactly as Odoo sent it (a traceback for code 1).
	String string
	// Exception is the Python exception class when String is a traceback,
	// e.g. "ValueError" or "psycopg2.errors.SerializationFailure"; empty otherwise.
	Exception string
	// Message is the human part: the traceback's final "Class: message" line without the
	// class for code 1, the whole fault string for the other codes.
	Message string
}

func (f *Fault) Error() string {
	msg := f.Message
	if f.Exception != "" {
		msg = f.Exception + ": " + msg
	}
	return fmt.Sprintf("odoo %s.%s: fault %d: %s", f.Model, f.Method, f.Code, msg)
}

// Retryable reports whether repeating the same call may succeed. Only code-1 faults caused
// by database contention (serialization failures, deadlocks, lock timeouts) qualify:
// user, access and programming errors repeat identically.
func (f *Fault) Retryable() bool {
	if f.Code != FaultServerError {
		return false
	}
	text := strings.ToLower(f.String)
	for _, marker := range transientServerErrors {
		if strings.Contains(text, marker) {
			return true
		}
	}
	return false
}

// ReturnedNone reports the fault Odoo raises when a public method returned None: the
// transaction was committed before marshalling failed, so the call most likely took effect.
// Re-read the records instead of repeating the call.
func (f *Fault) ReturnedNone() bool {
	return f.Code == FaultServerError && strings.Contains(f.String, "cannot marshal None")
}

// transientServerErrors are lower-case fragments of PostgreSQL/psycopg2 errors that Odoo
// reports as fault 1 once its own retries (MAX_TRIES_ON_CONCURRENCY_FAILURE) are exhausted.
var transientServerErrors = []string{
	"could not serialize access",
	"serializationfailure",
	"deadlock detected",
	"deadlockdetected",
	"could not obtain lock",
	"locknotavailable",
	"lock timeout",
	"the connection pool is full",
}

// parseFault splits an Odoo fault string into exception class and message.
func parseFault(model, method string, code int, faultString string) *Fault {
	f := &Fault{Model: model, Method: method, Code: code, String: faultString, Message: faultString}
	if !strings.Contains(faultString, "Traceback (most recent call last)") {
		return f
	}
	last := lastNonEmptyLine(faultString)
	if class, msg, ok := strings.Cut(last, ": "); ok && isPythonName(class) {
		f.Exception, f.Message = class, msg
	} else {
		f.Message = last
	}
	return f
}

func lastNonEmptyLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if line := strings.TrimSpace(lines[i]); line != "" {
			return line
		}
	}
	return ""
}

// isPythonName accepts dotted identifiers such as "psycopg2.errors.SerializationFailure".
func isPythonName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '.' && r != '_' && !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z') && !('0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// TransportError is a call that produced no usable XML-RPC answer: network failure,
// timeout, dropped connection, non-2xx HTTP status or an undecodable body. Whether the
// server committed is unknown; look records up by their idempotency key before re-creating.
type TransportError struct {
	Model, Method string
	URL           string // endpoint, with any userinfo redacted
	StatusCode    int    // HTTP status for non-2xx answers, 0 otherwise
	Timeout       bool   // the per-call timeout (Config.Timeout) fired
	Err           error
}

func (e *TransportError) Error() string {
	var what string
	switch {
	case e.StatusCode == 404:
		what = "HTTP 404 (check the URL and the database name)"
	case e.StatusCode != 0:
		what = fmt.Sprintf("HTTP %d", e.StatusCode)
	case e.Timeout:
		what = "timed out"
	default:
		what = "transport failure"
	}
	return fmt.Sprintf("odoo %s.%s at %s: %s: %v", e.Model, e.Method, e.URL, what, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// Retryable: network failures, timeouts, malformed answers and gateway statuses are
// transient; other HTTP statuses (404 wrong database, 401/403 proxy auth...) are not.
func (e *TransportError) Retryable() bool {
	switch e.StatusCode {
	case 0, 408, 429, 502, 503, 504:
		return true
	}
	return false
}

// AuthError is returned by Dial when authenticate answers false.
type AuthError struct {
	Login, DB string
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("odoo: bad credentials for user %q on database %q: check the login and the password or API key", e.Login, e.DB)
}

// IsRetryable reports whether err is worth retrying unchanged: transport failures,
// timeouts and database contention faults. Caller cancellation, bad credentials, user,
// access and programming faults are permanent.
func IsRetryable(err error) bool {
	var fault *Fault
	if errors.As(err, &fault) {
		return fault.Retryable()
	}
	var transport *TransportError
	if errors.As(err, &transport) {
		return transport.Retryable()
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// IsNoneResult reports whether err is the "method returned None" fault, which Odoo raises
// after committing: the call has most likely taken effect.
func IsNoneResult(err error) bool {
	var fault *Fault
	return errors.As(err, &fault) && fault.ReturnedNone()
}

// FaultCode returns the Odoo fault code carried by err, or 0 when err is not a fault.
func FaultCode(err error) int {
	var fault *Fault
	if errors.As(err, &fault) {
		return fault.Code
	}
	return 0
}
