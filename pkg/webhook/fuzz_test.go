package webhook

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// Parse must never panic, must classify every failure as one of its three kinds, and what it
// accepts must survive a marshal/parse round trip unchanged.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"event":"order.created","store_id":0,"order_id":123,"order_status_id":2,"customer_id":45,"occurred_at":"2024-05-06T07:08:09Z"}`,
		`{"event":"order.status_changed","store_id":1,"order_id":7,"order_status_id":5,"occurred_at":"2024-05-06T09:08:09+02:00"}`,
		`{"event":"customer.updated","customer_id":45,"occurred_at":"2024-05-06T07:08:09.123456789Z"}`,
		`{"event":"customer.updated","customer_id":"45","occurred_at":"x"}`,
		`{"event":"order.deleted"}`,
		`{"order_id":1e400}`,
		`{"event":"order.created","order_id":-1,"occurred_at":"2024-05-06T07:08:09Z"}`,
		`[]`, `null`, ``, `{`, "{\"event\":\"\xff\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := Parse(body)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) && !errors.Is(err, ErrMalformedBody) && !errors.Is(err, ErrUnknownEvent) {
				t.Fatalf("unclassified error %T: %v", err, err)
			}
			return
		}
		again, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("marshal accepted event: %v", err)
		}
		back, err := Parse(again)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", again, err)
		}
		if !back.OccurredAt.Equal(ev.OccurredAt) {
			t.Fatalf("occurred_at changed: %v -> %v", ev.OccurredAt, back.OccurredAt)
		}
		back.OccurredAt, ev.OccurredAt = time.Time{}, time.Time{}
		if back != ev {
			t.Fatalf("round trip changed %+v -> %+v", ev, back)
		}
	})
}

// Whatever headers arrive, Verify never panics, and it accepts exactly the signature Sign
// would have produced for that timestamp.
func FuzzVerify(f *testing.F) {
	ts, sig := Sign(testSecret, testNow, testBody)
	f.Add(ts, sig, testBody)
	f.Add(ts, sig, []byte{})
	f.Add("", "", testBody)
	f.Add("1700000000", "sha256=", testBody)
	f.Add("-1", sig, testBody)
	f.Add("99999999999999999999", sig, testBody)
	f.Add(ts, "sha256="+string(make([]byte, 64)), testBody)
	v := mustVerifier(f)
	f.Fuzz(func(t *testing.T, timestamp, signature string, body []byte) {
		err := v.Verify(timestamp, signature, body, testNow)
		var ve *VerifyError
		if err != nil && !errors.As(err, &ve) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		sent, perr := parseUnixSeconds(timestamp)
		if perr != nil {
			if err == nil {
				t.Fatalf("accepted malformed timestamp %q", timestamp)
			}
			return
		}
		// Re-signing at the parsed time must verify unless the time is out of tolerance.
		wantTS, wantSig := Sign(testSecret, sent, body)
		if wantTS != timestamp {
			return // leading zeros: a different string MACs differently; nothing more to check
		}
		if err == nil && signature != wantSig && !equalFoldHex(signature, wantSig) {
			t.Fatalf("accepted %q, the signature is %q", signature, wantSig)
		}
		if rerr := v.Verify(wantTS, wantSig, body, sent); rerr != nil {
			t.Fatalf("own signature rejected at its own time: %v", rerr)
		}
	})
}

func equalFoldHex(a, b string) bool {
	x, errA := parseSignature(a)
	y, errB := parseSignature(b)
	return errA == nil && errB == nil && string(x) == string(y)
}
