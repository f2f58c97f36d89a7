package webhook

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"
)

const phpLibrary = "../../opencart-extension/src/library/bridge_webhook/"

// phpCase is one input of testdata/php_sign.php.
type phpCase struct {
	Secret     string           `json:"secret"`
	Timestamp  int64            `json:"timestamp"`
	BodyBase64 string           `json:"body_base64,omitempty"`
	Event      string           `json:"event,omitempty"`
	IDs        map[string]int64 `json:"ids,omitempty"`
	OccurredAt int64            `json:"occurred_at,omitempty"`
}

type phpSigned struct {
	Headers    map[string]string `json:"headers"`
	BodyBase64 []byte            `json:"body_base64"` // encoding/json decodes base64 into []byte
}

// signWithPHP runs the extension's real PHP signer (and body encoder) on cases.
func signWithPHP(t *testing.T, cases []phpCase) []phpSigned {
	t.Helper()
	if testing.Short() {
		t.Skip("cross-language test needs php; skipped under -short")
	}
	php, err := exec.LookPath("php")
	if err != nil {
		t.Fatal("php not found on PATH: the cross-language signature test runs the extension's PHP signer; install it with `apt-get install -y php-cli`")
	}
	// Read here what the PHP child reads, so go test's cache notices when the PHP changes.
	for _, f := range []string{"testdata/php_sign.php", phpLibrary + "signer.php", phpLibrary + "notifier.php"} {
		if _, err := os.ReadFile(f); err != nil {
			t.Fatalf("%v (the extension's PHP is expected in opencart-extension/ of this repository)", err)
		}
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command(php, "testdata/php_sign.php")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("php testdata/php_sign.php: %v\n%s", err, stderr.Bytes())
	}
	var signed []phpSigned
	if err := json.Unmarshal(out, &signed); err != nil || len(signed) != len(cases) {
		t.Fatalf("php output %q: %v", out, err)
	}
	return signed
}

func headerOf(s phpSigned) http.Header {
	h := http.Header{}
	for k, v := range s.Headers {
		h.Set(k, v)
	}
	return h
}

func TestPHPSignaturesVerifyInGo(t *testing.T) {
	now := time.Now()
	secret := "shop-secret-√-with-utf8-and-quotes-\"'"
	bodies := [][]byte{
		testBody,
		[]byte(`{"event":"customer.updated","customer_id":1,"occurred_at":"2024-01-01T00:00:00Z","name":"Zoë – 東京"}`),
		{},
		{0x00, 0xff, '.', '\n', 0x80},
	}
	var cases []phpCase
	for _, b := range bodies {
		cases = append(cases, phpCase{Secret: secret, Timestamp: now.Unix(), BodyBase64: base64.StdEncoding.EncodeToString(b)})
	}
	v, err := NewVerifier([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range signWithPHP(t, cases) {
		if !bytes.Equal(s.BodyBase64, bodies[i]) {
			t.Fatalf("case %d: php changed the body", i)
		}
		h := headerOf(s)
		if err := v.VerifyRequest(h, s.BodyBase64, now); err != nil {
			t.Errorf("case %d: PHP signature rejected: %v (headers %v)", i, err, s.Headers)
		}
		// Same inputs, same bytes: Go's Sign must agree with PHP exactly.
		ts, sig := Sign([]byte(secret), now, bodies[i])
		if h.Get(HeaderTimestamp) != ts || h.Get(HeaderSignature) != sig {
			t.Errorf("case %d: PHP %v, Go %s %s", i, s.Headers, ts, sig)
		}
		tampered := append(append([]byte(nil), s.BodyBase64...), ' ')
		if err := v.VerifyRequest(h, tampered, now); !errors.Is(err, ErrBadSignature) {
			t.Errorf("case %d: tampered body: %v, want ErrBadSignature", i, err)
		}
	}
}

func TestPHPStaleAndFutureTimestampsAreRefused(t *testing.T) {
	now := time.Now()
	body := base64.StdEncoding.EncodeToString(testBody)
	signed := signWithPHP(t, []phpCase{
		{Secret: string(testSecret), Timestamp: now.Add(-DefaultTolerance - time.Minute).Unix(), BodyBase64: body},
		{Secret: string(testSecret), Timestamp: now.Add(DefaultTolerance + time.Minute).Unix(), BodyBase64: body},
	})
	v := mustVerifier(t)
	if err := v.VerifyRequest(headerOf(signed[0]), testBody, now); !errors.Is(err, ErrStaleTimestamp) {
		t.Errorf("6 minutes old: %v, want ErrStaleTimestamp", err)
	}
	if err := v.VerifyRequest(headerOf(signed[1]), testBody, now); !errors.Is(err, ErrFutureTimestamp) {
		t.Errorf("6 minutes ahead: %v, want ErrFutureTimestamp", err)
	}
}

// The extension's body encoder produces what Parse accepts, with ids that do not apply left out.
func TestPHPEncodedEventsParse(t *testing.T) {
	occurred := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	cases := []phpCase{
		{Event: OrderCreated, IDs: map[string]int64{"store_id": 0, "order_id": 123, "order_status_id": 2, "customer_id": 45}},
		{Event: OrderStatusChanged, IDs: map[string]int64{"store_id": 2, "order_id": 9, "order_status_id": 5, "customer_id": 0}},
		{Event: CustomerUpdated, IDs: map[string]int64{"store_id": 1, "customer_id": 45}},
	}
	want := []Event{
		{Event: OrderCreated, OrderID: 123, OrderStatusID: 2, CustomerID: 45, OccurredAt: occurred},
		{Event: OrderStatusChanged, StoreID: 2, OrderID: 9, OrderStatusID: 5, OccurredAt: occurred},
		{Event: CustomerUpdated, StoreID: 1, CustomerID: 45, OccurredAt: occurred},
	}
	for i := range cases {
		cases[i].Secret, cases[i].Timestamp, cases[i].OccurredAt = string(testSecret), occurred.Unix(), occurred.Unix()
	}
	v := mustVerifier(t)
	for i, s := range signWithPHP(t, cases) {
		if err := v.VerifyRequest(headerOf(s), s.BodyBase64, occurred); err != nil {
			t.Errorf("case %d: %v", i, err)
		}
		got, err := Parse(s.BodyBase64)
		if err != nil {
			t.Errorf("case %d: Parse(%s): %v", i, s.BodyBase64, err)
			continue
		}
		if got != want[i] {
			t.Errorf("case %d: Parse(%s) = %+v, want %+v", i, s.BodyBase64, got, want[i])
		}
		// Go encodes the same event to the same bytes, so both sides agree on the contract.
		goBody, _ := json.Marshal(want[i])
		if !bytes.Equal(goBody, s.BodyBase64) {
			t.Errorf("case %d: PHP body %s, Go body %s", i, s.BodyBase64, goBody)
		}
	}
}
