package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

var (
	testSecret = []byte("0123456789abcdef-test-secret")
	testNow    = time.Unix(1_700_000_000, 0)
	testBody   = []byte(`{"event":"order.created","store_id":0,"order_id":123,"order_status_id":2,"occurred_at":"2023-11-14T22:13:20Z"}`)
)

func mustVerifier(t testing.TB) *Verifier {
	t.Helper()
	v, err := NewVerifier(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The signature is computed independently here (not through mac()) so that a change to the
// wire format breaks this test.
func TestSignMatchesContract(t *testing.T) {
	ts, sig := Sign(testSecret, testNow, testBody)
	if ts != "1700000000" {
		t.Fatalf("timestamp header = %q, want 1700000000", ts)
	}
	m := hmac.New(sha256.New, testSecret)
	m.Write([]byte("1700000000." + string(testBody)))
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if sig != want {
		t.Fatalf("signature header = %q, want %q", sig, want)
	}
}

func TestVerifyAcceptsOwnSignatureWithinTolerance(t *testing.T) {
	v := mustVerifier(t)
	for _, skew := range []time.Duration{0, DefaultTolerance, -DefaultTolerance, time.Minute, -time.Minute} {
		ts, sig := Sign(testSecret, testNow.Add(-skew), testBody)
		if err := v.Verify(ts, sig, testBody, testNow); err != nil {
			t.Errorf("signed %v before now: %v", skew, err)
		}
	}
}

func TestVerifyRequestReadsHeaders(t *testing.T) {
	v := mustVerifier(t)
	ts, sig := Sign(testSecret, testNow, testBody)
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, sig)
	if err := v.VerifyRequest(h, testBody, testNow); err != nil {
		t.Fatal(err)
	}
	h.Del(HeaderSignature)
	if err := v.VerifyRequest(h, testBody, testNow); !errors.Is(err, ErrMissingSignature) {
		t.Fatalf("without signature header: %v, want ErrMissingSignature", err)
	}
}

func TestVerifyRejections(t *testing.T) {
	v := mustVerifier(t)
	ts, sig := Sign(testSecret, testNow, testBody)
	otherTS, otherSig := Sign([]byte("another-secret-of-16+"), testNow, testBody)
	staleTS, staleSig := Sign(testSecret, testNow.Add(-DefaultTolerance-time.Second), testBody)
	futureTS, futureSig := Sign(testSecret, testNow.Add(DefaultTolerance+time.Second), testBody)
	tampered := []byte(strings.Replace(string(testBody), `"order_id":123`, `"order_id":124`, 1))
	_, sigOfOtherTS := Sign(testSecret, testNow.Add(time.Second), testBody)

	cases := []struct {
		name      string
		ts, sig   string
		body      []byte
		want      error
		wantInMsg string
	}{
		{"no timestamp", "", sig, testBody, ErrMissingTimestamp, HeaderTimestamp},
		{"timestamp with sign", "+" + ts, sig, testBody, ErrMalformedTimestamp, "unix seconds"},
		{"timestamp with fraction", ts + ".5", sig, testBody, ErrMalformedTimestamp, ""},
		{"timestamp in RFC 3339", testNow.Format(time.RFC3339), sig, testBody, ErrMalformedTimestamp, ""},
		{"absurdly long timestamp", strings.Repeat("9", 40), sig, testBody, ErrMalformedTimestamp, "…"},
		{"no signature", ts, "", testBody, ErrMissingSignature, HeaderSignature},
		{"no prefix", ts, strings.TrimPrefix(sig, "sha256="), testBody, ErrMalformedSignature, `"sha256="`},
		{"other algorithm", ts, strings.Replace(sig, "sha256=", "sha1=", 1), testBody, ErrMalformedSignature, ""},
		{"short hex", ts, sig[:len(sig)-2], testBody, ErrMalformedSignature, "64 hex digits"},
		{"not hex", ts, sig[:len(sig)-1] + "g", testBody, ErrMalformedSignature, "not hex"},
		{"wrong secret", otherTS, otherSig, testBody, ErrBadSignature, "WEBHOOK_SECRET"},
		{"tampered body", ts, sig, tampered, ErrBadSignature, ""},
		{"timestamp swapped", ts, sigOfOtherTS, testBody, ErrBadSignature, ""},
		{"stale", staleTS, staleSig, testBody, ErrStaleTimestamp, "ago"},
		{"future", futureTS, futureSig, testBody, ErrFutureTimestamp, "in the future"},
		{"stale and tampered", staleTS, staleSig, tampered, ErrBadSignature, ""},
	}
	sentinels := []error{ErrMissingTimestamp, ErrMalformedTimestamp, ErrMissingSignature, ErrMalformedSignature, ErrBadSignature, ErrStaleTimestamp, ErrFutureTimestamp}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := v.Verify(c.ts, c.sig, c.body, testNow)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			for _, s := range sentinels {
				if s != c.want && errors.Is(err, s) {
					t.Errorf("%v also matches %v", err, s)
				}
			}
			var ve *VerifyError
			if !errors.As(err, &ve) || ve.Reason != c.want.(*VerifyError).Reason {
				t.Errorf("errors.As gave %+v", ve)
			}
			if !strings.Contains(err.Error(), c.wantInMsg) {
				t.Errorf("message %q does not mention %q", err, c.wantInMsg)
			}
			if strings.Contains(err.Error(), string(testSecret)) {
				t.Errorf("message %q leaks the secret", err)
			}
		})
	}
}

func TestVerifyAcceptsUpperCaseHex(t *testing.T) {
	ts, sig := Sign(testSecret, testNow, testBody)
	upper := "sha256=" + strings.ToUpper(strings.TrimPrefix(sig, "sha256="))
	if err := mustVerifier(t).Verify(ts, upper, testBody, testNow); err != nil {
		t.Fatal(err)
	}
}

func TestWithTolerance(t *testing.T) {
	v := mustVerifier(t).WithTolerance(10 * time.Second)
	ts, sig := Sign(testSecret, testNow.Add(-11*time.Second), testBody)
	if err := v.Verify(ts, sig, testBody, testNow); !errors.Is(err, ErrStaleTimestamp) {
		t.Fatalf("11s old with 10s tolerance: %v", err)
	}
	if err := mustVerifier(t).Verify(ts, sig, testBody, testNow); err != nil {
		t.Fatalf("default tolerance must be unchanged by WithTolerance: %v", err)
	}
}

func TestNewVerifierRefusesEmptySecretAndCopiesIt(t *testing.T) {
	if _, err := NewVerifier(nil); err == nil || !strings.Contains(err.Error(), "WEBHOOK_SECRET") {
		t.Fatalf("empty secret: %v", err)
	}
	secret := append([]byte(nil), testSecret...)
	v, err := NewVerifier(secret)
	if err != nil {
		t.Fatal(err)
	}
	secret[0] ^= 0xff
	ts, sig := Sign(testSecret, testNow, testBody)
	if err := v.Verify(ts, sig, testBody, testNow); err != nil {
		t.Fatalf("verifier must keep its own copy of the secret: %v", err)
	}
}

func BenchmarkVerify(b *testing.B) {
	v := mustVerifier(b)
	ts, sig := Sign(testSecret, testNow, testBody)
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(ts, sig, testBody, testNow); err != nil {
			b.Fatal(err)
		}
	}
}
