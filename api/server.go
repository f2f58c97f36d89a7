package main

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.uber.org/zap"

	"github.com/ocbridge/bridge/pkg/config"
)

// server holds what the handlers need.
type server struct {
	cfg  config.Config
	deps *deps
	log  *zap.Logger
}

func newServer(cfg config.Config, d *deps, logger *zap.Logger) *echo.Echo {
	s := &server{cfg: cfg, deps: d, log: logger}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(middleware.Recover(), middleware.RequestID(), s.accessLog)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(d.metrics.Handler()))
	e.POST("/webhooks/odoo/:token", s.odooWebhook())
	e.POST("/webhooks/opencart", s.openCartWebhook)

	admin := e.Group("/api", s.requireToken)
	admin.GET("/failures", s.listFailures)
	admin.POST("/failures/:id/replay", s.replayFailure)
	admin.POST("/replay", s.replayAll)
	admin.GET("/mappings/:kind", s.listMappings)
	admin.GET("/mappings/:kind/unmapped", s.unmappedRecords)
	admin.POST("/mappings/:kind", s.createMapping)
	admin.DELETE("/mappings/:kind/:odoo_id", s.deleteMapping)
	admin.POST("/orders/:id/sync", s.syncOrder)

	e.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/dashboard") })
	e.GET("/dashboard", s.dashboard, s.dashboardLogin, s.requireToken)
	e.POST("/dashboard/failures/:id/replay", s.dashboardReplay, s.requireToken)
	return e
}

// accessLog logs each request with zap; bodies and headers (which carry tokens and signatures) are never logged.
func (s *server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		if strings.HasPrefix(c.Path(), "/webhooks/") {
			s.deps.metrics.Webhooks.WithLabelValues(c.Path(), strconv.Itoa(res.Status)).Inc()
		}
		s.log.Info("http",
			zap.String("method", req.Method),
			zap.String("path", c.Path()),
			zap.Int("status", res.Status),
			zap.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
		)
		return nil
	}
}
