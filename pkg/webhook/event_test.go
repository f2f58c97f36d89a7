package webhook

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseValidEvents(t *testing.T) {
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	cases := []struct {
		body string
		want Event
	}{
		{`{"event":"order.created","store_id":0,"order_id":123,"order_status_id":2,"customer_id":45,"occurred_at":"2024-05-06T07:08:09Z"}`,
			Event{Event: OrderCreated, OrderID: 123, OrderStatusID: 2, CustomerID: 45, OccurredAt: at}},
		{`{"event":"order.status_changed","store_id":3,"order_id":7,"order_status_id":5,"occurred_at":"2024-05-06T09:08:09+02:00"}`,
			Event{Event: OrderStatusChanged, StoreID: 3, OrderID: 7, OrderStatusID: 5, OccurredAt: at}},
		// store_id may be left out (default store); unknown fields are ignored.
		{` {"event":"customer.updated","customer_id":45,"occurred_at":"2024-05-06T07:08:09Z","extra":[1,2]} `,
			Event{Event: CustomerUpdated, CustomerID: 45, OccurredAt: at}},
	}
	for _, c := range cases {
		got, err := Parse([]byte(c.body))
		if err != nil {
			t.Errorf("Parse(%s): %v", c.body, err)
			continue
		}
		if !got.OccurredAt.Equal(c.want.OccurredAt) {
			t.Errorf("Parse(%s).OccurredAt = %v, want %v", c.body, got.OccurredAt, c.want.OccurredAt)
		}
		got.OccurredAt, c.want.OccurredAt = time.Time{}, time.Time{}
		if got != c.want {
			t.Errorf("Parse(%s) = %+v, want %+v", c.body, got, c.want)
		}
	}
}

func TestParseRejections(t *testing.T) {
	const at = `"occurred_at":"2024-05-06T07:08:09Z"`
	cases := []struct {
		name, body string
		wantField  string // "" when the error is not a FieldError
		wantIs     error
	}{
		{"empty", ``, "", ErrMalformedBody},
		{"array", `[]`, "", ErrMalformedBody},
		{"null", `null`, "", ErrMalformedBody},
		{"truncated", `{"event":"order.created"`, "", ErrMalformedBody},
		{"two objects", `{"event":"order.created"}{}`, "", ErrMalformedBody},
		{"missing event", `{"order_id":1,` + at + `}`, "event", nil},
		{"unknown event", `{"event":"order.deleted","order_id":1,` + at + `}`, "", ErrUnknownEvent},
		{"order without id", `{"event":"order.created","order_status_id":1,` + at + `}`, "order_id", nil},
		{"status change without id", `{"event":"order.status_changed","order_id":0,` + at + `}`, "order_id", nil},
		{"customer without id", `{"event":"customer.updated","order_id":5,` + at + `}`, "customer_id", nil},
		{"missing occurred_at", `{"event":"customer.updated","customer_id":5}`, "occurred_at", nil},
		{"occurred_at not RFC 3339", `{"event":"customer.updated","customer_id":5,"occurred_at":"2024-05-06 07:08:09"}`, "occurred_at", nil},
		{"occurred_at a number", `{"event":"customer.updated","customer_id":5,"occurred_at":1715000000}`, "occurred_at", nil},
		{"order_id a string", `{"event":"order.created","order_id":"12",` + at + `}`, "order_id", nil},
		{"order_id a fraction", `{"event":"order.created","order_id":1.5,` + at + `}`, "order_id", nil},
		{"negative store", `{"event":"order.created","order_id":1,"store_id":-1,` + at + `}`, "store_id", nil},
		{"negative status", `{"event":"order.created","order_id":1,"order_status_id":-2,` + at + `}`, "order_status_id", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.body))
			if err == nil {
				t.Fatal("accepted")
			}
			var fe *FieldError
			isField := errors.As(err, &fe)
			if c.wantField != "" {
				if !isField || fe.Field != c.wantField {
					t.Fatalf("got %v, want a FieldError for %q", err, c.wantField)
				}
				if !strings.Contains(err.Error(), c.wantField) {
					t.Errorf("message %q does not name the field", err)
				}
				return
			}
			if isField || !errors.Is(err, c.wantIs) {
				t.Fatalf("got %v (%T), want %v", err, err, c.wantIs)
			}
		})
	}
}

func TestMarshalMatchesContract(t *testing.T) {
	ev := Event{Event: CustomerUpdated, CustomerID: 45, OccurredAt: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"event":"customer.updated","store_id":0,"customer_id":45,"occurred_at":"2024-05-06T07:08:09Z"}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	back, err := Parse(b)
	if err != nil || back != ev {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}

func TestIsOrderEvent(t *testing.T) {
	for name, want := range map[string]bool{OrderCreated: true, OrderStatusChanged: true, CustomerUpdated: false} {
		if got := (Event{Event: name}).IsOrderEvent(); got != want {
			t.Errorf("%s: IsOrderEvent = %v", name, got)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(testBody); err != nil {
			b.Fatal(err)
		}
	}
}
