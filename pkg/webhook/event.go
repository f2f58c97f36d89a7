package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Event names the extension sends.
const (
	OrderCreated       = "order.created"        // first history row with a status > 0
	OrderStatusChanged = "order.status_changed" // every later history row
	CustomerUpdated    = "customer.updated"     // customer or address added or edited
)

// Event is a webhook body. It carries ids only: the bridge treats it as a hint and reads the
// shop's database for the facts. Zero ids mean "does not apply" and are left out of the JSON;
// StoreID 0 is the default store and is always sent.
type Event struct {
	Event         string    `json:"event"`
	StoreID       int64     `json:"store_id"`
	OrderID       int64     `json:"order_id,omitempty"`
	OrderStatusID int64     `json:"order_status_id,omitempty"`
	CustomerID    int64     `json:"customer_id,omitempty"`
	OccurredAt    time.Time `json:"occurred_at"`
}

// IsOrderEvent reports whether the event is about an order (and so names one).
func (e Event) IsOrderEvent() bool {
	return e.Event == OrderCreated || e.Event == OrderStatusChanged
}

// ErrMalformedBody wraps bodies that are not one JSON object (the api answers 400).
var ErrMalformedBody = errors.New("webhook body is not a JSON object")

// ErrUnknownEvent wraps an event name outside the contract (the api answers 422).
var ErrUnknownEvent = errors.New("unknown webhook event")

// FieldError names a field that is missing or invalid (the api answers 422).
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("webhook field %q %s", e.Field, e.Problem)
}

// wireEvent decodes occurred_at as text so that a bad date is reported as a FieldError
// naming the field instead of a generic JSON error.
type wireEvent struct {
	Event         string `json:"event"`
	StoreID       int64  `json:"store_id"`
	OrderID       int64  `json:"order_id"`
	OrderStatusID int64  `json:"order_status_id"`
	CustomerID    int64  `json:"customer_id"`
	OccurredAt    string `json:"occurred_at"`
}

// Parse decodes and validates a webhook body. Errors are ErrMalformedBody (wrapped),
// *FieldError, or ErrUnknownEvent (wrapped). Unknown fields are ignored so the extension
// can add fields without breaking older bridges.
func Parse(body []byte) (Event, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Event{}, fmt.Errorf("%w: it must start with '{'", ErrMalformedBody)
	}
	var w wireEvent
	if err := json.Unmarshal(trimmed, &w); err != nil {
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
			return Event{}, &FieldError{Field: te.Field, Problem: "has type " + te.Value + ", want " + te.Type.String()}
		}
		return Event{}, fmt.Errorf("%w: %v", ErrMalformedBody, err)
	}
	ev := Event{
		Event:         w.Event,
		StoreID:       w.StoreID,
		OrderID:       w.OrderID,
		OrderStatusID: w.OrderStatusID,
		CustomerID:    w.CustomerID,
	}
	if w.OccurredAt == "" {
		return Event{}, &FieldError{Field: "occurred_at", Problem: "is missing"}
	}
	at, err := time.Parse(time.RFC3339, w.OccurredAt)
	if err != nil {
		return Event{}, &FieldError{Field: "occurred_at", Problem: fmt.Sprintf("is %q, not an RFC 3339 time", truncate(w.OccurredAt))}
	}
	ev.OccurredAt = at
	return ev, ev.Validate()
}

// Validate checks the contract's required fields; Send calls it before signing.
func (e Event) Validate() error {
	switch e.Event {
	case "":
		return &FieldError{Field: "event", Problem: "is missing"}
	case OrderCreated, OrderStatusChanged:
		if e.OrderID <= 0 {
			return &FieldError{Field: "order_id", Problem: "is missing (required for " + e.Event + ")"}
		}
	case CustomerUpdated:
		if e.CustomerID <= 0 {
			return &FieldError{Field: "customer_id", Problem: "is missing (required for " + e.Event + ")"}
		}
	default:
		return fmt.Errorf("%w %q; known events are %s, %s, %s", ErrUnknownEvent, truncate(e.Event), OrderCreated, OrderStatusChanged, CustomerUpdated)
	}
	for _, f := range []struct {
		name  string
		value int64
	}{{"store_id", e.StoreID}, {"order_status_id", e.OrderStatusID}, {"customer_id", e.CustomerID}, {"order_id", e.OrderID}} {
		if f.value < 0 {
			return &FieldError{Field: f.name, Problem: fmt.Sprintf("is %d, must not be negative", f.value)}
		}
	}
	if e.OccurredAt.IsZero() {
		return &FieldError{Field: "occurred_at", Problem: "is missing"}
	}
	return nil
}
