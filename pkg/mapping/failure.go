package mapping

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Direction says which way a record flows.
type Direction string

const (
	OdooToOpenCart Direction = "odoo_to_opencart"
	OpenCartToOdoo Direction = "opencart_to_odoo"
)

// Valid reports whether d is one of the two directions.
func (d Direction) Valid() bool { return d == OdooToOpenCart || d == OpenCartToOdoo }

// Failure is a record that did not sync, kept until a later sync of the same record succeeds.
type Failure struct {
	ID        int64
	Kind      Kind
	Direction Direction
	RecordID  string // the record's id on its source side
	Reason    string // what went wrong, with the source system's own message
	Field     string // the field at fault, when known
	Fix       string // what an operator should do
	// The workflow that failed, to reset or re-run on replay.
	WorkflowID    string
	RunID         string
	Attempts      int
	FirstFailedAt time.Time
	LastFailedAt  time.Time
	ResolvedAt    time.Time // zero while open
}

// RecordFailure keeps a failed record for replay. A record already failing in the same direction gets its
// reason and workflow updated and its attempt count raised, so the list shows one row per broken record.
func (s *Store) RecordFailure(ctx context.Context, f Failure) (int64, error) {
	switch {
	case !f.Kind.Valid():
		return 0, fmt.Errorf("failure kind %q is not one of %v", f.Kind, Kinds)
	case !f.Direction.Valid():
		return 0, fmt.Errorf("failure of %s %s: direction %q is not %s or %s", f.Kind, f.RecordID, f.Direction, OdooToOpenCart, OpenCartToOdoo)
	case f.RecordID == "" || f.Reason == "":
		return 0, fmt.Errorf("failure of %s: record id and reason are required", f.Kind)
	}
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO failures (connection, kind, direction, record_id, reason, field, fix, workflow_id, run_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (connection, kind, direction, record_id) WHERE resolved_at IS NULL DO UPDATE
		SET reason = EXCLUDED.reason, field = EXCLUDED.field, fix = EXCLUDED.fix, workflow_id = EXCLUDED.workflow_id,
		    run_id = EXCLUDED.run_id, attempts = failures.attempts + 1, last_failed_at = now()
		RETURNING id`,
		s.connection, f.Kind, f.Direction, f.RecordID, f.Reason, f.Field, f.Fix, f.WorkflowID, f.RunID).Scan(&id)
	return id, err
}

// ResolveFailure closes the open failure of a record, if any, after it synced. It reports whether one was open.
func (s *Store) ResolveFailure(ctx context.Context, kind Kind, dir Direction, recordID string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE failures SET resolved_at = now()
		WHERE connection = $1 AND kind = $2 AND direction = $3 AND record_id = $4 AND resolved_at IS NULL`,
		s.connection, kind, dir, recordID)
	return tag.RowsAffected() > 0, err
}

// FailureFilter narrows Failures; zero fields match everything.
type FailureFilter struct {
	Kind            Kind
	Since           time.Time // last failed at or after
	IncludeResolved bool
	Limit           int // 0 = 100
}

const failureColumns = `id, kind, direction, record_id, reason, field, fix, workflow_id, run_id, attempts,
	first_failed_at, last_failed_at, resolved_at`

func scanFailure(row pgx.Row) (Failure, error) {
	var f Failure
	var resolved *time.Time
	err := row.Scan(&f.ID, &f.Kind, &f.Direction, &f.RecordID, &f.Reason, &f.Field, &f.Fix, &f.WorkflowID, &f.RunID,
		&f.Attempts, &f.FirstFailedAt, &f.LastFailedAt, &resolved)
	if errors.Is(err, pgx.ErrNoRows) {
		return Failure{}, ErrNotFound
	}
	if resolved != nil {
		f.ResolvedAt = *resolved
	}
	return f, err
}

// Failures lists failures, newest first.
func (s *Store) Failures(ctx context.Context, filter FailureFilter) ([]Failure, error) {
	if filter.Limit <= 0 {
		filter.Limit = 100
	}
	rows, err := s.pool.Query(ctx, `SELECT `+failureColumns+` FROM failures
		WHERE connection = $1 AND ($2 = '' OR kind = $2) AND last_failed_at >= $3 AND ($4 OR resolved_at IS NULL)
		ORDER BY last_failed_at DESC, id DESC LIMIT $5`,
		s.connection, string(filter.Kind), filter.Since, filter.IncludeResolved, filter.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Failure
	for rows.Next() {
		f, err := scanFailure(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Failure returns one failure by id, or ErrNotFound.
func (s *Store) Failure(ctx context.Context, id int64) (Failure, error) {
	return scanFailure(s.pool.QueryRow(ctx, `SELECT `+failureColumns+` FROM failures WHERE connection = $1 AND id = $2`,
		s.connection, id))
}

// OpenFailureCounts counts the open failures per kind (kinds without any are absent).
func (s *Store) OpenFailureCounts(ctx context.Context) (map[Kind]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, count(*) FROM failures WHERE connection = $1 AND resolved_at IS NULL GROUP BY kind`, s.connection)
	if err != nil {
		return nil, err
	}
	return countsByKind(rows)
}

// OpenFailure returns the open failure of one record, or ErrNotFound when it has none.
func (s *Store) OpenFailure(ctx context.Context, kind Kind, dir Direction, recordID string) (Failure, error) {
	return scanFailure(s.pool.QueryRow(ctx, `SELECT `+failureColumns+` FROM failures
		WHERE connection = $1 AND kind = $2 AND direction = $3 AND record_id = $4 AND resolved_at IS NULL`,
		s.connection, kind, dir, recordID))
}
