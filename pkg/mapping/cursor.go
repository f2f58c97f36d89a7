package mapping

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cursor returns the stored watermark of an incremental poll, or ErrNotFound before its first run.
func (s *Store) Cursor(ctx context.Context, name string) (string, error) {
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM cursors WHERE connection = $1 AND name = $2`, s.connection, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	return v, err
}

// SetCursor stores a watermark unconditionally.
func (s *Store) SetCursor(ctx context.Context, name, value string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO cursors (connection, name, value) VALUES ($1, $2, $3)
		ON CONFLICT (connection, name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
		s.connection, name, value)
	return err
}

// SwapCursor moves a watermark from old to value only if nobody moved it meanwhile (old "" means: not set
// yet). It reports whether it did, so two pollers racing on different workers never move a cursor back.
func (s *Store) SwapCursor(ctx context.Context, name, old, value string) (bool, error) {
	var tag interface{ RowsAffected() int64 }
	var err error
	if old == "" {
		tag, err = s.pool.Exec(ctx, `INSERT INTO cursors (connection, name, value) VALUES ($1, $2, $3)
			ON CONFLICT (connection, name) DO NOTHING`, s.connection, name, value)
	} else {
		tag, err = s.pool.Exec(ctx, `UPDATE cursors SET value = $4, updated_at = now()
			WHERE connection = $1 AND name = $2 AND value = $3`, s.connection, name, old, value)
	}
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// CursorValue is a stored watermark and when it last moved.
type CursorValue struct {
	Name      string
	Value     string
	UpdatedAt time.Time
}

// Cursors lists every watermark of the connection, by name.
func (s *Store) Cursors(ctx context.Context) ([]CursorValue, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, value, updated_at FROM cursors WHERE connection = $1 ORDER BY name`, s.connection)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CursorValue, error) {
		var c CursorValue
		err := r.Scan(&c.Name, &c.Value, &c.UpdatedAt)
		return c, err
	})
}

// DeleteCursors removes the cursors whose names end with suffix (e.g. the marks of one finished run) and
// says how many.
func (s *Store) DeleteCursors(ctx context.Context, suffix string) (int64, error) {
	if suffix == "" {
		return 0, errors.New("mapping: DeleteCursors needs a non-empty suffix")
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM cursors WHERE connection = $1 AND right(name, length($2)) = $2`, s.connection, suffix)
	return tag.RowsAffected(), err
}
