// Package mapping is the bridge's memory, kept in PostgreSQL: which Odoo record is which OpenCart record,
// what was last synced, how far each incremental poll has read, and which records failed and why.
//
// Every row belongs to one shop connection (BRIDGE_CONNECTION), so several shops can share a database.
// Any number of worker and api processes may use one Store concurrently.
package mapping

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Kind names what a mapping pairs.
type Kind string

const (
	KindAttribute      Kind = "attribute"       // product.attribute ⇄ option
	KindAttributeValue Kind = "attribute_value" // product.attribute.value ⇄ option_value
	KindCategory       Kind = "category"        // product.category ⇄ category
	KindProduct        Kind = "product"         // product.template ⇄ product
	KindVariant        Kind = "variant"         // product.product ⇄ variant product or product + option values
	KindCustomer       Kind = "customer"        // res.partner ⇄ customer (or guest e-mail)
	KindAddress        Kind = "address"         // res.partner child contact ⇄ address
	KindOrder          Kind = "order"           // sale.order ⇄ order
	KindCurrency       Kind = "currency"        // res.currency ⇄ currency
	KindTax            Kind = "tax"             // account.tax ⇄ tax_rate
	KindCarrier        Kind = "carrier"         // delivery.carrier ⇄ shipping method code
	KindPaymentMethod  Kind = "payment_method"  // payment provider/journal ⇄ payment method code
	KindOrderStatus    Kind = "order_status"    // Odoo order state ⇄ order_status
)

// Kinds lists every kind, in the order a bulk sync treats them.
var Kinds = []Kind{
	KindAttribute, KindAttributeValue, KindCategory, KindProduct, KindVariant, KindCustomer, KindAddress,
	KindOrder, KindCurrency, KindTax, KindCarrier, KindPaymentMethod, KindOrderStatus,
}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

var (
	// ErrNotFound means no mapping (or cursor, or failure) exists for the key asked.
	ErrNotFound = errors.New("not found")
)

// ConflictError means a pair would break uniqueness: one side is already paired with something else.
type ConflictError struct {
	Kind     Kind
	Wanted   Mapping
	Existing Mapping
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s mapping Odoo %d ⇄ OpenCart %s conflicts with existing Odoo %d ⇄ OpenCart %s; delete the existing mapping first if it is wrong",
		e.Kind, e.Wanted.OdooID, e.Wanted.OpenCartID, e.Existing.OdooID, e.Existing.OpenCartID)
}

// Mapping pairs one Odoo record with one OpenCart record.
type Mapping struct {
	Kind       Kind
	OdooID     int64
	OpenCartID string
	// Fingerprints of the content as last synced on each side; empty when unknown.
	OdooFingerprint     string
	OpenCartFingerprint string
	SyncedAt            time.Time // zero when never synced (e.g. a hand-made mapping)
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// Store is the mapping store of one shop connection.
type Store struct {
	pool       *pgxpool.Pool
	connection string
}

// Open connects to PostgreSQL, applies pending migrations and returns the store of one connection.
func Open(ctx context.Context, databaseURL, connection string) (*Store, error) {
	pool, err := pgxpool.New(ctx, databaseURL)
	if err != nil {
		return nil, fmt.Errorf("mapping store: %w", err)
	}
	if err := Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("mapping store: migrate: %w", err)
	}
	return &Store{pool: pool, connection: connection}, nil
}

// Close releases the connections.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that PostgreSQL answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Connection returns the shop connection this store serves.
func (s *Store) Connection() string { return s.connection }

const mappingColumns = `kind, odoo_id, opencart_id, odoo_fingerprint, opencart_fingerprint, synced_at, created_at, updated_at`

func scanMapping(row pgx.Row) (Mapping, error) {
	var m Mapping
	var synced *time.Time
	err := row.Scan(&m.Kind, &m.OdooID, &m.OpenCartID, &m.OdooFingerprint, &m.OpenCartFingerprint, &synced, &m.CreatedAt, &m.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Mapping{}, ErrNotFound
	}
	if synced != nil {
		m.SyncedAt = *synced
	}
	return m, err
}

// Put records a pair, or refreshes the fingerprints and sync time of the same pair. A pair whose Odoo or
// OpenCart side is already paired with another record is refused with a *ConflictError: a mapping never
// changes silently.
func (s *Store) Put(ctx context.Context, m Mapping) error {
	return s.PutMany(ctx, []Mapping{m})
}

// PutMany is Put for a batch, in one transaction: either every pair is stored or none.
func (s *Store) PutMany(ctx context.Context, ms []Mapping) error {
	for _, m := range ms {
		if err := m.validate(); err != nil {
			return err
		}
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		batch := &pgx.Batch{}
		for _, m := range ms {
			var synced *time.Time
			if !m.SyncedAt.IsZero() {
				synced = &m.SyncedAt
			}
			// Only the identical pair may be updated; any other collision raises a unique violation.
			batch.Queue(`INSERT INTO mappings (connection, kind, odoo_id, opencart_id, odoo_fingerprint, opencart_fingerprint, synced_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (connection, kind, odoo_id) DO UPDATE
				SET odoo_fingerprint = EXCLUDED.odoo_fingerprint, opencart_fingerprint = EXCLUDED.opencart_fingerprint,
				    synced_at = COALESCE(EXCLUDED.synced_at, mappings.synced_at), updated_at = now()
				WHERE mappings.opencart_id = EXCLUDED.opencart_id
				RETURNING 1`,
				s.connection, m.Kind, m.OdooID, m.OpenCartID, m.OdooFingerprint, m.OpenCartFingerprint, synced)
		}
		results := tx.SendBatch(ctx, batch)
		for _, m := range ms {
			var one int
			err := results.QueryRow().Scan(&one)
			if err == nil {
				continue
			}
			results.Close()
			var pgErr *pgconn.PgError
			if errors.Is(err, pgx.ErrNoRows) || (errors.As(err, &pgErr) && pgErr.Code == "23505") {
				return s.conflict(ctx, m)
			}
			return err
		}
		return results.Close()
	})
}

// conflict builds the error for a refused pair, looked up outside the failed transaction.
func (s *Store) conflict(ctx context.Context, m Mapping) error {
	existing, err := s.ByOdooID(ctx, m.Kind, m.OdooID)
	if errors.Is(err, ErrNotFound) {
		existing, err = s.ByOpenCartID(ctx, m.Kind, m.OpenCartID)
	}
	if err != nil {
		return fmt.Errorf("%s mapping Odoo %d ⇄ OpenCart %s conflicts with an existing mapping (%v)", m.Kind, m.OdooID, m.OpenCartID, err)
	}
	return &ConflictError{Kind: m.Kind, Wanted: m, Existing: existing}
}

func (m Mapping) validate() error {
	switch {
	case !m.Kind.Valid():
		return fmt.Errorf("mapping kind %q is not one of %v", m.Kind, Kinds)
	case m.OdooID <= 0:
		return fmt.Errorf("%s mapping: Odoo id must be positive, got %d", m.Kind, m.OdooID)
	case m.OpenCartID == "":
		return fmt.Errorf("%s mapping of Odoo %d: OpenCart id is empty", m.Kind, m.OdooID)
	}
	return nil
}

// ByOdooID returns the pair of an Odoo record, or ErrNotFound.
func (s *Store) ByOdooID(ctx context.Context, kind Kind, odooID int64) (Mapping, error) {
	return scanMapping(s.pool.QueryRow(ctx, `SELECT `+mappingColumns+` FROM mappings
		WHERE connection = $1 AND kind = $2 AND odoo_id = $3`, s.connection, kind, odooID))
}

// ByOpenCartID returns the pair of an OpenCart record, or ErrNotFound.
func (s *Store) ByOpenCartID(ctx context.Context, kind Kind, openCartID string) (Mapping, error) {
	return scanMapping(s.pool.QueryRow(ctx, `SELECT `+mappingColumns+` FROM mappings
		WHERE connection = $1 AND kind = $2 AND opencart_id = $3`, s.connection, kind, openCartID))
}

// ByOdooIDs returns the pairs of many Odoo records at once, keyed by Odoo id; unmapped ids are absent.
func (s *Store) ByOdooIDs(ctx context.Context, kind Kind, ids []int64) (map[int64]Mapping, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+mappingColumns+` FROM mappings
		WHERE connection = $1 AND kind = $2 AND odoo_id = ANY($3)`, s.connection, kind, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Mapping, len(ids))
	return out, collect(rows, func(m Mapping) { out[m.OdooID] = m })
}

// ByOpenCartIDs returns the pairs of many OpenCart records at once, keyed by OpenCart id.
func (s *Store) ByOpenCartIDs(ctx context.Context, kind Kind, ids []string) (map[string]Mapping, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+mappingColumns+` FROM mappings
		WHERE connection = $1 AND kind = $2 AND opencart_id = ANY($3)`, s.connection, kind, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Mapping, len(ids))
	return out, collect(rows, func(m Mapping) { out[m.OpenCartID] = m })
}

// List pages through the pairs of one kind in Odoo id order, starting after afterOdooID.
func (s *Store) List(ctx context.Context, kind Kind, afterOdooID int64, limit int) ([]Mapping, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+mappingColumns+` FROM mappings
		WHERE connection = $1 AND kind = $2 AND odoo_id > $3 ORDER BY odoo_id LIMIT $4`,
		s.connection, kind, afterOdooID, limit)
	if err != nil {
		return nil, err
	}
	var out []Mapping
	return out, collect(rows, func(m Mapping) { out = append(out, m) })
}

func collect(rows pgx.Rows, add func(Mapping)) error {
	defer rows.Close()
	for rows.Next() {
		m, err := scanMapping(rows)
		if err != nil {
			return err
		}
		add(m)
	}
	return rows.Err()
}

// Delete removes the pair of an Odoo record; deleting a missing pair returns ErrNotFound.
func (s *Store) Delete(ctx context.Context, kind Kind, odooID int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM mappings WHERE connection = $1 AND kind = $2 AND odoo_id = $3`,
		s.connection, kind, odooID)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return err
}

// Counts returns how many pairs exist per kind (kinds without pairs are absent).
func (s *Store) Counts(ctx context.Context) (map[Kind]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, count(*) FROM mappings WHERE connection = $1 GROUP BY kind`, s.connection)
	if err != nil {
		return nil, err
	}
	return countsByKind(rows)
}

func countsByKind(rows pgx.Rows) (map[Kind]int, error) {
	defer rows.Close()
	out := map[Kind]int{}
	for rows.Next() {
		var k Kind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// Fingerprint is a stable digest of the content synced for a record: the same content gives the same
// fingerprint on every machine and in every run (encoding/json sorts map keys), so comparing it with the
// stored one tells "changed" from "unchanged" and recognises the bridge's own writes coming back.
func Fingerprint(content any) string {
	b, err := json.Marshal(content)
	if err != nil {
		panic(fmt.Sprintf("mapping.Fingerprint: content must be JSON-encodable: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// OrderMilestones are how far a sale order has come in Odoo, as the status write-back sees it. An
// order_status pair maps a milestone (Odoo side, numbered from 1 in this order) to the OpenCart order
// status written back when an order reaches it; such pairs override ODOO_STATUS_MAP.
var OrderMilestones = []string{"invoiced", "paid", "shipped", "done", "cancelled"}

// MilestoneID is the Odoo-side id of an order milestone in order_status pairs, 0 for an unknown one.
func MilestoneID(milestone string) int64 {
	for i, m := range OrderMilestones {
		if m == milestone {
			return int64(i + 1)
		}
	}
	return 0
}
