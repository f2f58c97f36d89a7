package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// receiver is the receiving side as the api implements it, over real HTTP.
func receiver(t *testing.T, got chan<- Event) *httptest.Server {
	v := mustVerifier(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "content type "+r.Header.Get("Content-Type"), http.StatusUnsupportedMediaType)
			return
		}
		if err := v.VerifyRequest(r.Header, body, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		ev, err := Parse(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnprocessableEntity)
			return
		}
		got <- ev
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSendIsVerifiedAndParsedByReceiver(t *testing.T) {
	got := make(chan Event, 1)
	srv := receiver(t, got)
	ev := Event{Event: OrderStatusChanged, StoreID: 1, OrderID: 99, OrderStatusID: 5, OccurredAt: time.Now().UTC().Truncate(time.Second)}
	if err := Send(context.Background(), srv.Client(), srv.URL+"/webhooks/opencart", testSecret, ev); err != nil {
		t.Fatal(err)
	}
	if r := <-got; r != ev {
		t.Fatalf("received %+v, sent %+v", r, ev)
	}
}

func TestSendReportsRefusal(t *testing.T) {
	srv := receiver(t, make(chan Event, 1))
	ev := Event{Event: CustomerUpdated, CustomerID: 3, OccurredAt: time.Now()}
	err := Send(context.Background(), srv.Client(), srv.URL, []byte("not-the-receivers-secret"), ev)
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || !strings.Contains(err.Error(), string(ReasonBadSignature)) {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestSendValidatesBeforePosting(t *testing.T) {
	posted := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { posted = true }))
	defer srv.Close()
	err := Send(context.Background(), srv.Client(), srv.URL, testSecret, Event{Event: OrderCreated, OccurredAt: time.Now()})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "order_id" || posted {
		t.Fatalf("err=%v posted=%v", err, posted)
	}
}
