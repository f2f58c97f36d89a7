package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/webhook"
	"github.com/ocbridge/bridge/workflows"
)

// webhookBodyLimit is the largest webhook body accepted; the contract's events are a few hundred bytes.
const webhookBodyLimit = 1 << 20

// temporalAcceptTimeout bounds how long a request waits for Temporal to accept its workflow start or
// signal (a variable so that tests of an unreachable Temporal need not wait for it in full).
var temporalAcceptTimeout = 10 * time.Second

// webhookAccepted is the 202 body: the workflow that now carries the event.
type webhookAccepted struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
}

// webhookRefused is the body of every refusal; Reason (401) or Field (400) says what to fix.
type webhookRefused struct {
	Error  string `json:"error"`
	Reason string `json:"reason,omitempty"`
	Field  string `json:"field,omitempty"`
}

// openCartWebhook is POST /webhooks/opencart, the contract of pkg/webhook: the raw body is verified
// before it is parsed, and 202 is answered only once Temporal has durably accepted the event (so the
// shop's outbox may forget it). Every other answer tells the sender whether to retry: 401/400/413/422
// are the request's fault (do not retry unchanged), 503 means "retry later".
func (s *server) openCartWebhook(c echo.Context) error {
	req := c.Request()
	if req.ContentLength > webhookBodyLimit {
		return refuse(c, http.StatusRequestEntityTooLarge, webhookRefused{Error: fmt.Sprintf("body of %d bytes is over the %d-byte limit", req.ContentLength, webhookBodyLimit)})
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, webhookBodyLimit+1))
	if err != nil {
		return refuse(c, http.StatusBadRequest, webhookRefused{Error: "could not read the body: " + err.Error()})
	}
	if len(body) > webhookBodyLimit {
		return refuse(c, http.StatusRequestEntityTooLarge, webhookRefused{Error: fmt.Sprintf("body is over the %d-byte limit", webhookBodyLimit)})
	}
	verifier, err := webhook.NewVerifier([]byte(s.cfg.API.WebhookSecret.Reveal()))
	if err != nil {
		return err
	}
	if err := verifier.VerifyRequest(req.Header, body, time.Now()); err != nil {
		refusal := webhookRefused{Error: err.Error()}
		var ve *webhook.VerifyError
		if errors.As(err, &ve) {
			refusal.Reason = string(ve.Reason)
		}
		return refuse(c, http.StatusUnauthorized, refusal)
	}
	ev, err := webhook.Parse(body)
	var fieldErr *webhook.FieldError
	switch {
	case errors.Is(err, webhook.ErrUnknownEvent):
		return refuse(c, http.StatusUnprocessableEntity, webhookRefused{Error: err.Error(), Field: "event"})
	case errors.As(err, &fieldErr):
		return refuse(c, http.StatusBadRequest, webhookRefused{Error: err.Error(), Field: fieldErr.Field})
	case err != nil:
		return refuse(c, http.StatusBadRequest, webhookRefused{Error: err.Error()})
	}
	change := activities.ChangeEvent{Source: activities.SourceWebhook, Event: ev.Event, StatusID: ev.OrderStatusID, OccurredAt: ev.OccurredAt}
	run, err := s.accept(req.Context(), func(ctx context.Context) (client.WorkflowRun, error) {
		if ev.IsOrderEvent() {
			return workflows.SignalOrderSync(ctx, s.deps.temporal, s.cfg.TaskQueue, s.cfg.Connection, ev.OrderID, change)
		}
		return workflows.SignalCustomerSync(ctx, s.deps.temporal, s.cfg.TaskQueue, s.cfg.Connection, ev.CustomerID, change)
	})
	if err != nil {
		return refuse(c, http.StatusServiceUnavailable, webhookRefused{Error: err.Error()})
	}
	return c.JSON(http.StatusAccepted, webhookAccepted{WorkflowID: run.GetID(), RunID: run.GetRunID()})
}

// accept hands an event to Temporal within temporalAcceptTimeout. Its error is worded for a sender
// that should retry.
func (s *server) accept(ctx context.Context, start func(context.Context) (client.WorkflowRun, error)) (client.WorkflowRun, error) {
	ctx, cancel := context.WithTimeout(ctx, temporalAcceptTimeout)
	defer cancel()
	run, err := start(ctx)
	if err != nil {
		s.log.Warn("Temporal did not accept an event", zap.Error(err))
		return nil, fmt.Errorf("Temporal did not accept the event (%v); retry later", err)
	}
	return run, nil
}

func refuse(c echo.Context, status int, body webhookRefused) error {
	return c.JSON(status, body)
}
