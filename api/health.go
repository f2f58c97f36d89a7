package main

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/client"
)

// healthz says the process is alive; it checks nothing else, so an orchestrator never restarts the api
// because Odoo is down.
func (s *server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz checks every dependency in parallel and answers 200 only when all are ok; the body names each
// dependency with "ok" or its error.
func (s *server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 5*time.Second)
	defer cancel()
	checks := map[string]func(context.Context) error{
		"temporal": func(ctx context.Context) error {
			_, err := s.deps.temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		},
		"postgres": s.deps.store.Ping,
		"opencart": func(ctx context.Context) error {
			db, err := s.deps.shop.get(ctx)
			if err != nil {
				return err
			}
			return db.Ping(ctx)
		},
		"odoo": func(ctx context.Context) error {
			erp, err := s.deps.erp.get(ctx)
			if err != nil {
				return err
			}
			return erp.Ping(ctx)
		},
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	result := make(map[string]string, len(checks))
	status := http.StatusOK
	for name, check := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := "ok"
			if err := check(ctx); err != nil {
				msg = err.Error()
			}
			mu.Lock()
			defer mu.Unlock()
			result[name] = msg
			if msg != "ok" {
				status = http.StatusServiceUnavailable
			}
		}()
	}
	wg.Wait()
	return c.JSON(status, result)
}
