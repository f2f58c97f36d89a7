package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/replay"
)

// failureJSON is a failure as the api shows it.
type failureJSON struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	Direction    string    `json:"direction"`
	RecordID     string    `json:"record_id"`
	Reason       string    `json:"reason"`
	Field        string    `json:"field,omitempty"`
	Fix          string    `json:"fix,omitempty"`
	WorkflowID   string    `json:"workflow_id,omitempty"`
	Attempts     int       `json:"attempts"`
	LastFailedAt time.Time `json:"last_failed_at"`
	Resolved     bool      `json:"resolved"`
}

func toFailureJSON(f mapping.Failure) failureJSON {
	return failureJSON{ID: f.ID, Kind: string(f.Kind), Direction: string(f.Direction), RecordID: f.RecordID,
		Reason: f.Reason, Field: f.Field, Fix: f.Fix, WorkflowID: f.WorkflowID, Attempts: f.Attempts,
		LastFailedAt: f.LastFailedAt, Resolved: !f.ResolvedAt.IsZero()}
}

// failureFilter reads ?kind=&since=&limit= (since: RFC 3339 or a duration back from now, e.g. 24h).
func failureFilter(c echo.Context) (mapping.FailureFilter, error) {
	f := mapping.FailureFilter{Kind: mapping.Kind(c.QueryParam("kind")), Limit: 100}
	if f.Kind != "" && !f.Kind.Valid() {
		return f, echo.NewHTTPError(http.StatusBadRequest, "kind: must be one of "+kindList())
	}
	if s := c.QueryParam("since"); s != "" {
		if d, err := time.ParseDuration(s); err == nil {
			f.Since = time.Now().Add(-d)
		} else if t, err := time.Parse(time.RFC3339, s); err == nil {
			f.Since = t
		} else {
			return f, echo.NewHTTPError(http.StatusBadRequest, "since: use RFC 3339 or a duration such as 24h")
		}
	}
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 1000 {
			return f, echo.NewHTTPError(http.StatusBadRequest, "limit: a number from 1 to 1000")
		}
		f.Limit = n
	}
	return f, nil
}

func kindList() string {
	s := ""
	for i, k := range mapping.Kinds {
		if i > 0 {
			s += ", "
		}
		s += string(k)
	}
	return s
}

// filteredFailures returns the failures the request's ?kind=&since=&limit= select.
func (s *server) filteredFailures(c echo.Context) ([]mapping.Failure, error) {
	filter, err := failureFilter(c)
	if err != nil {
		return nil, err
	}
	return s.deps.store.Failures(c.Request().Context(), filter)
}

// GET /api/failures
func (s *server) listFailures(c echo.Context) error {
	fs, err := s.filteredFailures(c)
	if err != nil {
		return err
	}
	out := make([]failureJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, toFailureJSON(f))
	}
	return c.JSON(http.StatusOK, out)
}

// replayTimeout bounds how long one replay request waits for its syncs.
const replayTimeout = 2 * time.Minute

type replayResultJSON struct {
	Failure    failureJSON `json:"failure"`
	Outcome    string      `json:"outcome"`
	Reason     string      `json:"reason,omitempty"`
	WorkflowID string      `json:"workflow_id,omitempty"`
}

func (s *server) replay(ctx context.Context, failures []mapping.Failure) []replayResultJSON {
	ctx, cancel := context.WithTimeout(ctx, replayTimeout)
	defer cancel()
	results := s.replayer().Replay(ctx, failures, 4, nil)
	out := make([]replayResultJSON, 0, len(results))
	for _, r := range results {
		out = append(out, replayResultJSON{Failure: toFailureJSON(r.Failure), Outcome: r.Outcome, Reason: r.Reason, WorkflowID: r.WorkflowID})
	}
	return out
}

func (s *server) replayer() *replay.Replayer {
	return replay.New(s.deps.store, s.deps.temporal, s.cfg.TaskQueue)
}

// POST /api/failures/:id/replay
func (s *server) replayFailure(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "id: not a number")
	}
	f, err := s.deps.store.Failure(c.Request().Context(), id)
	if err == mapping.ErrNotFound {
		return echo.NewHTTPError(http.StatusNotFound, "no failure "+c.Param("id"))
	} else if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.replay(c.Request().Context(), []mapping.Failure{f})[0])
}

// POST /api/replay?kind=&since=&limit= replays every open failure matching the filter.
func (s *server) replayAll(c echo.Context) error {
	fs, err := s.filteredFailures(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.replay(c.Request().Context(), fs))
}
