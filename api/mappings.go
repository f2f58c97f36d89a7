package main

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/mappingadmin"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/workflows"
)

func (s *server) mappingAdmin() *mappingadmin.Admin {
	return &mappingadmin.Admin{
		Store: s.deps.store,
		ERP:   func(ctx context.Context) (*odoo.Client, error) { return s.deps.erp.get(ctx) },
		Shop:  func(ctx context.Context) (*opencart.DB, error) { return s.deps.shop.get(ctx) },
		MappingAdded: func(ctx context.Context, kind mapping.Kind) error {
			_, err := workflows.SignalMappingAdded(ctx, s.deps.temporal, s.cfg.Connection, kind)
			return err
		},
	}
}

type mappingJSON struct {
	Kind       mapping.Kind `json:"kind"`
	OdooID     int64        `json:"odoo_id"`
	OpenCartID string       `json:"opencart_id"`
	SyncedAt   string       `json:"synced_at,omitempty"`
}

func toMappingJSON(m mapping.Mapping) mappingJSON {
	j := mappingJSON{Kind: m.Kind, OdooID: m.OdooID, OpenCartID: m.OpenCartID}
	if !m.SyncedAt.IsZero() {
		j.SyncedAt = m.SyncedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	return j
}

// mappingError turns the admin's errors into answers that name the field at fault.
func mappingError(err error) error {
	var in *mappingadmin.InputError
	var conflict *mapping.ConflictError
	switch {
	case errors.As(err, &in):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, map[string]string{"field": in.Field, "error": in.Error()})
	case errors.As(err, &conflict):
		return echo.NewHTTPError(http.StatusConflict, map[string]string{"error": conflict.Error()})
	case errors.Is(err, mapping.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, map[string]string{"error": "no such mapping"})
	}
	return err
}

// GET /api/mappings/:kind
func (s *server) listMappings(c echo.Context) error {
	ms, err := s.mappingAdmin().List(c.Request().Context(), mapping.Kind(c.Param("kind")))
	if err != nil {
		return mappingError(err)
	}
	out := make([]mappingJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, toMappingJSON(m))
	}
	return c.JSON(http.StatusOK, out)
}

// GET /api/mappings/:kind/unmapped
func (s *server) unmappedRecords(c echo.Context) error {
	u, err := s.mappingAdmin().Unmapped(c.Request().Context(), mapping.Kind(c.Param("kind")))
	if err != nil {
		return mappingError(err)
	}
	return c.JSON(http.StatusOK, u)
}

// POST /api/mappings/:kind {"odoo_id": 7, "opencart_id": "3"}
func (s *server) createMapping(c echo.Context) error {
	var body struct {
		OdooID     *int64  `json:"odoo_id"`
		OpenCartID *string `json:"opencart_id"`
	}
	if err := c.Bind(&body); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, map[string]string{"error": "body: a JSON object {\"odoo_id\": 7, \"opencart_id\": \"3\"} is expected"})
	}
	switch {
	case body.OdooID == nil:
		return echo.NewHTTPError(http.StatusBadRequest, map[string]string{"field": "odoo_id", "error": "odoo_id is required"})
	case body.OpenCartID == nil:
		return echo.NewHTTPError(http.StatusBadRequest, map[string]string{"field": "opencart_id", "error": "opencart_id is required (a string)"})
	}
	m, err := s.mappingAdmin().Create(c.Request().Context(), mapping.Kind(c.Param("kind")), *body.OdooID, *body.OpenCartID)
	if err != nil {
		return mappingError(err)
	}
	return c.JSON(http.StatusCreated, toMappingJSON(m))
}

// DELETE /api/mappings/:kind/:odoo_id
func (s *server) deleteMapping(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("odoo_id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, map[string]string{"field": "odoo_id", "error": "odoo_id: not a number"})
	}
	if err := s.mappingAdmin().Delete(c.Request().Context(), mapping.Kind(c.Param("kind")), id); err != nil {
		return mappingError(err)
	}
	return c.NoContent(http.StatusNoContent)
}
