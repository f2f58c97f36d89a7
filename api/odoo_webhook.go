package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/workflows"
)

// Odoo's webhook: an automation rule (Odoo 17+: Settings > Technical > Automation Rules, action "Send
// Webhook Notification") on a stock record POSTs {"_model": "stock.quant", "_id": 42, "_action": …} to
// /webhooks/odoo/<ODOO_WEBHOOK_TOKEN>; Odoo signs nothing, so the secret is the URL. The handler asks the
// stock push for the record's products at once; it is a hint only: the poll finds every change anyway,
// also when Odoo sends the webhook before its transaction commits.

const (
	envOdooWebhookToken = "ODOO_WEBHOOK_TOKEN"
	minWebhookToken     = 16
	maxWebhookBody      = 64 << 10
)

// odooNotification is the part of Odoo's webhook body the bridge reads. `_id` is the record; `id` is
// there too when the rule sends the id field.
type odooNotification struct {
	Model   string `json:"_model"`
	ID      int64  `json:"_id"`
	IDField int64  `json:"id"`
}

// odooWebhook returns the handler of POST /webhooks/odoo/:token, reading ODOO_WEBHOOK_TOKEN once.
// Answers: 202 once Temporal holds the request, 401 for a wrong token, 400 for a body that is not Odoo's,
// 422 for a model that does not move stock, 503 when Temporal is unreachable or no token is set.
func (s *server) odooWebhook() echo.HandlerFunc {
	token := strings.TrimSpace(os.Getenv(envOdooWebhookToken))
	if token != "" && len(token) < minWebhookToken {
		s.log.Warn("Odoo webhook disabled: ODOO_WEBHOOK_TOKEN is shorter than 16 characters")
		token = ""
	}
	want := sha256.Sum256([]byte(token))
	return func(c echo.Context) error {
		if token == "" {
			return echo.NewHTTPError(http.StatusServiceUnavailable,
				fmt.Sprintf("the Odoo webhook is off: set %s (at least %d characters) on the api and use it in the webhook URL", envOdooWebhookToken, minWebhookToken))
		}
		// Comparing digests keeps the comparison constant-time whatever the length sent.
		if got := sha256.Sum256([]byte(c.Param("token"))); subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			return echo.NewHTTPError(http.StatusUnauthorized, "wrong webhook token: the URL must end in /webhooks/odoo/<"+envOdooWebhookToken+">")
		}
		body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxWebhookBody+1))
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "cannot read the body: "+err.Error())
		}
		var n odooNotification
		if len(body) > maxWebhookBody || json.Unmarshal(body, &n) != nil || n.Model == "" {
			return echo.NewHTTPError(http.StatusBadRequest, `the body must be Odoo's webhook JSON, e.g. {"_model": "stock.quant", "_id": 42}`)
		}
		id := n.ID
		if id == 0 {
			id = n.IDField
		}
		var req activities.StockRequest
		if err := req.Add(n.Model, id); err != nil {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, err.Error()+"; set the automation rule on one of these models")
		}
		if id <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "the body names no record: _id must be a positive record id")
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), 5*time.Second)
		defer cancel()
		if err := workflows.RequestStockPush(ctx, s.deps.temporal, s.cfg.Connection, s.cfg.TaskQueue, req); err != nil {
			s.log.Warn("Odoo webhook not accepted: Temporal unavailable", zap.String("model", n.Model), zap.Int64("id", id), zap.Error(err))
			return echo.NewHTTPError(http.StatusServiceUnavailable, "Temporal is unavailable; the stock poll will pick the change up")
		}
		return c.JSON(http.StatusAccepted, map[string]any{"model": n.Model, "id": id, "workflow_id": workflows.StockPushID(s.cfg.Connection)})
	}
}
