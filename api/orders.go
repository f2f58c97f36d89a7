package main

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/client"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/workflows"
)

// syncOrder is POST /api/orders/:id/sync: sync one order now (the shop's order id), through the same
// workflow as its webhooks. It answers 202 with the workflow once Temporal accepted it, without waiting
// for the sync; `GET` the workflow in the Temporal UI (or query "order") to follow it.
func (s *server) syncOrder(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "id: the OpenCart order id, a positive number")
	}
	run, err := s.accept(c.Request().Context(), func(ctx context.Context) (client.WorkflowRun, error) {
		return workflows.SignalOrderSync(ctx, s.deps.temporal, s.cfg.TaskQueue, s.cfg.Connection, id,
			activities.ChangeEvent{Source: activities.SourceManual})
	})
	if err != nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, err.Error())
	}
	return c.JSON(http.StatusAccepted, webhookAccepted{WorkflowID: run.GetID(), RunID: run.GetRunID()})
}
