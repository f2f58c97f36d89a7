// Package webhook is the bridge's side of the OpenCart extension's webhook contract: HMAC
// signing and verification of requests, and parsing of the event body.
//
// A webhook is POST {bridge}/webhooks/opencart with Content-Type application/json and two headers:
//
//	X-Bridge-Timestamp: <unix seconds>
//	X-Bridge-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with WEBHOOK_SECRET>
//
// The PHP signer in opencart-extension/src/library/bridge_webhook/signer.php produces exactly
// this; a cross-language test in this package runs it.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of the signed request.
const (
	HeaderTimestamp = "X-Bridge-Timestamp"
	HeaderSignature = "X-Bridge-Signature"
)

// DefaultTolerance is how far a request's timestamp may lie from the receiver's clock, in
// either direction, before it is refused as stale or from the future.
const DefaultTolerance = 5 * time.Minute

const signaturePrefix = "sha256="

// Sign returns the two header values for body sent at ts.
func Sign(secret []byte, ts time.Time, body []byte) (timestampHeader, signatureHeader string) {
	timestampHeader = strconv.FormatInt(ts.Unix(), 10)
	return timestampHeader, signaturePrefix + hex.EncodeToString(mac(secret, timestampHeader, body))
}

func mac(secret []byte, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Reason says in one word why a request was refused; the api puts it in its 401 body.
type Reason string

// Reasons a signature check fails.
const (
	ReasonMissingTimestamp   Reason = "missing_timestamp"
	ReasonMalformedTimestamp Reason = "malformed_timestamp"
	ReasonMissingSignature   Reason = "missing_signature"
	ReasonMalformedSignature Reason = "malformed_signature"
	ReasonBadSignature       Reason = "bad_signature"
	ReasonStaleTimestamp     Reason = "stale_timestamp"
	ReasonFutureTimestamp    Reason = "future_timestamp"
)

// VerifyError is every error Verify returns. Compare with errors.Is against the Err*
// values below, or read Reason with errors.As.
type VerifyError struct {
	Reason Reason
	Detail string // what was wrong and how to fix it; never contains the secret
}

func (e *VerifyError) Error() string {
	if e.Detail == "" {
		return "webhook refused: " + string(e.Reason)
	}
	return "webhook refused: " + string(e.Reason) + ": " + e.Detail
}

// Is makes errors.Is(err, ErrBadSignature) and friends match on Reason alone.
func (e *VerifyError) Is(target error) bool {
	var t *VerifyError
	return errors.As(target, &t) && t.Detail == "" && t.Reason == e.Reason
}

// Sentinels for errors.Is.
var (
	ErrMissingTimestamp   = &VerifyError{Reason: ReasonMissingTimestamp}
	ErrMalformedTimestamp = &VerifyError{Reason: ReasonMalformedTimestamp}
	ErrMissingSignature   = &VerifyError{Reason: ReasonMissingSignature}
	ErrMalformedSignature = &VerifyError{Reason: ReasonMalformedSignature}
	ErrBadSignature       = &VerifyError{Reason: ReasonBadSignature}
	ErrStaleTimestamp     = &VerifyError{Reason: ReasonStaleTimestamp}
	ErrFutureTimestamp    = &VerifyError{Reason: ReasonFutureTimestamp}
)

// Verifier checks signed requests against one shared secret.
type Verifier struct {
	secret    []byte
	tolerance time.Duration
}

// NewVerifier refuses an empty secret: an HMAC keyed with nothing is forgeable by anyone.
func NewVerifier(secret []byte) (*Verifier, error) {
	if len(secret) == 0 {
		return nil, errors.New("webhook: WEBHOOK_SECRET is empty; set it to the secret entered on the OpenCart extension's settings page")
	}
	return &Verifier{secret: append([]byte(nil), secret...), tolerance: DefaultTolerance}, nil
}

// WithTolerance returns a copy accepting timestamps up to d away from now.
func (v *Verifier) WithTolerance(d time.Duration) *Verifier {
	c := *v
	c.tolerance = d
	return &c
}

// VerifyRequest checks the signature headers of a request whose raw body is body.
func (v *Verifier) VerifyRequest(h http.Header, body []byte, now time.Time) error {
	return v.Verify(h.Get(HeaderTimestamp), h.Get(HeaderSignature), body, now)
}

// Verify checks the header values timestamp and signature against body. The MAC is checked
// before the clock, so a tampered request is reported as bad_signature even when it is also
// old, and a genuine but delayed one as stale_timestamp (which points at clock skew or a
// stuck outbox rather than at an attacker).
func (v *Verifier) Verify(timestamp, signature string, body []byte, now time.Time) error {
	if timestamp == "" {
		return &VerifyError{ReasonMissingTimestamp, "no " + HeaderTimestamp + " header; the sender must send unix seconds"}
	}
	sent, err := parseUnixSeconds(timestamp)
	if err != nil {
		return &VerifyError{ReasonMalformedTimestamp, fmt.Sprintf("%s %q is not unix seconds", HeaderTimestamp, truncate(timestamp))}
	}
	if signature == "" {
		return &VerifyError{ReasonMissingSignature, "no " + HeaderSignature + " header"}
	}
	got, err := parseSignature(signature)
	if err != nil {
		return &VerifyError{ReasonMalformedSignature, err.Error()}
	}
	if !hmac.Equal(got, mac(v.secret, timestamp, body)) {
		return &VerifyError{ReasonBadSignature, "HMAC does not match the body; check that WEBHOOK_SECRET equals the extension's secret"}
	}
	skew := now.Sub(sent)
	switch {
	case skew > v.tolerance:
		return &VerifyError{ReasonStaleTimestamp, fmt.Sprintf("signed %s ago, more than the %s allowed; check the shop's clock", skew.Truncate(time.Second), v.tolerance)}
	case -skew > v.tolerance:
		return &VerifyError{ReasonFutureTimestamp, fmt.Sprintf("signed %s in the future, more than the %s allowed; check the shop's clock", (-skew).Truncate(time.Second), v.tolerance)}
	}
	return nil
}

// parseUnixSeconds accepts only plain decimal digits: no sign, no spaces, no fraction.
func parseUnixSeconds(s string) (time.Time, error) {
	if len(s) > 12 {
		return time.Time{}, errors.New("too long")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, errors.New("not a digit")
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(n, 0), nil
}

func parseSignature(s string) ([]byte, error) {
	hexDigits, ok := strings.CutPrefix(s, signaturePrefix)
	if !ok {
		return nil, fmt.Errorf("%s must start with %q", HeaderSignature, signaturePrefix)
	}
	if len(hexDigits) != 2*sha256.Size {
		return nil, fmt.Errorf("%s must carry %d hex digits after %q, got %d", HeaderSignature, 2*sha256.Size, signaturePrefix, len(hexDigits))
	}
	sum, err := hex.DecodeString(hexDigits)
	if err != nil {
		return nil, fmt.Errorf("%s is not hex", HeaderSignature)
	}
	return sum, nil
}

// truncate keeps attacker-controlled header values short in error messages.
func truncate(s string) string {
	const keep = 32
	if len(s) > keep {
		return s[:keep] + "…"
	}
	return s
}
