package main

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/workflows"
)

//go:embed dashboard.html
var dashboardFS embed.FS

var dashboardPage = template.Must(template.New("dashboard.html").Funcs(template.FuncMap{
	"percent": func(done, total int) int {
		if total <= 0 {
			return 0
		}
		return min(100, done*100/total)
	},
	"ago":        func(t time.Time) string { return time.Since(t).Round(time.Second).String() + " ago" },
	"pathEscape": url.PathEscape, // workflow IDs hold slashes; the Temporal UI wants them as one segment
}).ParseFS(dashboardFS, "dashboard.html"))

type dashboardData struct {
	Connection string
	Now        time.Time
	Flash      string
	Counts     []kindCount
	BulkSyncs  []bulkSyncView
	Failures   []mapping.Failure
	Waiting    []waitingView
	Problems   []string // parts of the page that could not be loaded, and why
	UIURL      string
	Namespace  string
}

type kindCount struct {
	Kind  mapping.Kind
	Count int
}

type bulkSyncView struct {
	ID            string
	Link          string
	Progress      workflows.BulkProgress
	ProgressError string // why the progress query did not answer
}

type waitingView struct {
	ID, Link, OrderID, WaitingFor string
}

// GET /dashboard: one server-rendered page; every part loads independently, so one dependency down
// still shows the rest, with the problem named.
func (s *server) dashboard(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 10*time.Second)
	defer cancel()
	d := dashboardData{Connection: s.cfg.Connection, Now: time.Now(), Flash: c.QueryParam("flash"), UIURL: s.cfg.Temporal.UIURL, Namespace: s.cfg.Temporal.Namespace}

	if counts, err := s.deps.store.Counts(ctx); err != nil {
		d.Problems = append(d.Problems, "mapping counts: "+err.Error())
	} else {
		for _, k := range mapping.Kinds {
			d.Counts = append(d.Counts, kindCount{k, counts[k]})
		}
	}
	if fs, err := s.deps.store.Failures(ctx, mapping.FailureFilter{Limit: 20}); err != nil {
		d.Problems = append(d.Problems, "failures: "+err.Error())
	} else {
		d.Failures = fs
	}
	if err := s.loadBulkSyncs(ctx, &d); err != nil {
		d.Problems = append(d.Problems, "bulk syncs: "+err.Error())
	}
	if err := s.loadWaiting(ctx, &d); err != nil {
		d.Problems = append(d.Problems, "orders waiting for a mapping: "+err.Error())
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(http.StatusOK)
	return dashboardPage.Execute(c.Response(), d)
}

func (s *server) workflowLink(id string) string {
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", s.cfg.Temporal.UIURL, url.PathEscape(s.cfg.Temporal.Namespace), url.PathEscape(id))
}

func (s *server) listOpen(ctx context.Context, query string) ([]string, error) {
	res, err := s.deps.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: s.cfg.Temporal.Namespace, Query: query, PageSize: 50,
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(res.Executions))
	for _, e := range res.Executions {
		ids = append(ids, e.Execution.WorkflowId)
	}
	sort.Strings(ids)
	return ids, nil
}

func (s *server) loadBulkSyncs(ctx context.Context, d *dashboardData) error {
	ids, err := s.listOpen(ctx, fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH '%s'",
		workflows.BulkSyncName, "bulk-sync/"+s.cfg.Connection+"/"))
	if err != nil {
		return err
	}
	for _, id := range ids {
		v := bulkSyncView{ID: id, Link: s.workflowLink(id)}
		var err error
		if v.Progress, err = s.queryProgress(ctx, id); err != nil {
			v.ProgressError = err.Error()
		}
		d.BulkSyncs = append(d.BulkSyncs, v)
	}
	return nil
}

// progressQueryTimeout bounds one progress query: a workflow that no worker serves answers only when the
// query times out, and that must not use up the whole page's time.
const progressQueryTimeout = 3 * time.Second

func (s *server) queryProgress(ctx context.Context, id string) (workflows.BulkProgress, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends a query still waiting
	type answer struct {
		p   workflows.BulkProgress
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		var a answer
		enc, err := s.deps.temporal.QueryWorkflow(ctx, id, "", workflows.QueryProgress)
		if a.err = err; err == nil {
			a.err = enc.Get(&a.p)
		}
		answered <- a
	}()
	// A timer of our own rather than a context deadline: at the deadline the server may end the call
	// first, with a transport error that does not say it timed out.
	select {
	case a := <-answered:
		return a.p, a.err
	case <-time.After(progressQueryTimeout):
		return workflows.BulkProgress{}, fmt.Errorf("no worker answered within %s; is a worker running on its task queue?", progressQueryTimeout)
	}
}

func (s *server) loadWaiting(ctx context.Context, d *dashboardData) error {
	res, err := s.deps.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: s.cfg.Temporal.Namespace, PageSize: 50,
		Query: fmt.Sprintf("ExecutionStatus = 'Running' AND %s IS NOT NULL AND WorkflowId STARTS_WITH 'order-sync/%s/'",
			workflows.WaitingForMapping.GetName(), s.cfg.Connection),
	})
	if err != nil {
		return err
	}
	for _, e := range res.Executions {
		w := waitingView{ID: e.Execution.WorkflowId, Link: s.workflowLink(e.Execution.WorkflowId)}
		if sa := e.GetSearchAttributes().GetIndexedFields(); sa != nil {
			w.WaitingFor = payloadText(sa[workflows.WaitingForMapping.GetName()].GetData())
			w.OrderID = payloadText(sa[workflows.OpenCartOrderID.GetName()].GetData())
		}
		d.Waiting = append(d.Waiting, w)
	}
	return nil
}

// payloadText reads a keyword search attribute's JSON string payload.
func payloadText(b []byte) string {
	if s, err := strconv.Unquote(string(b)); err == nil {
		return s
	}
	return string(b)
}

// POST /dashboard/failures/:id/replay: the dashboard's replay button.
func (s *server) dashboardReplay(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "id: not a number")
	}
	f, err := s.deps.store.Failure(c.Request().Context(), id)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("failure %d: %v", id, err))
	}
	r := s.replay(c.Request().Context(), []mapping.Failure{f})[0]
	flash := fmt.Sprintf("replay of %s %s: %s", f.Kind, f.RecordID, r.Outcome)
	if r.Reason != "" {
		flash += " (" + r.Reason + ")"
	}
	return c.Redirect(http.StatusSeeOther, "/dashboard?flash="+url.QueryEscape(flash))
}
