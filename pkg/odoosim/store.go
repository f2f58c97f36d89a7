package odoosim

import (
	"slices"
	"sync"
	"time"
)

// row holds the stored field values of one record, by field position.
// Rows are never modified in place once saved: a write stores a modified
// copy, so readers holding the shared lock always see whole records and the
// undo log can restore the previous row pointer.
type row []any

// table stores the records of one model. Ids are dense and never reused
// (like a PostgreSQL sequence, which is not rolled back either), so rows is
// indexed by id.
type table struct {
	m      *model
	rows   []row // rows[id]; nil = absent
	nextID int64
	count  int
	// indexes: value -> ascending ids, per indexed field position.
	indexes []fieldIndex
}

type fieldIndex struct {
	pos int
	ids map[any][]int64
}

func newTable(m *model) *table {
	t := &table{m: m, rows: make([]row, 1), nextID: 1}
	for _, f := range m.stored {
		if f.Index && (f.Type == tMany2one || f.Type.isString() || f.Type == tInteger) {
			t.indexes = append(t.indexes, fieldIndex{pos: f.pos, ids: map[any][]int64{}})
		}
	}
	return t
}

func (t *table) get(id int64) row {
	if id <= 0 || id >= int64(len(t.rows)) {
		return nil
	}
	return t.rows[id]
}

// allocID reserves the next id (or a fixed one for seeded master data).
func (t *table) allocID(fixed int64) int64 {
	id := t.nextID
	if fixed > 0 {
		id = fixed
	}
	if id >= t.nextID {
		t.nextID = id + 1
	}
	for int64(len(t.rows)) <= id {
		t.rows = append(t.rows, nil)
	}
	return id
}

// set replaces a row (nil deletes it) and maintains indexes.
func (t *table) set(id int64, r row) {
	old := t.rows[id]
	for _, fi := range t.indexes {
		pos, idx := fi.pos, fi.ids
		var ov, nv any
		if old != nil {
			ov = old[pos]
		}
		if r != nil {
			nv = r[pos]
		}
		if old != nil && r != nil && ov == nv {
			continue
		}
		if old != nil && ov != nil {
			idx[ov] = removeID(idx[ov], id)
			if len(idx[ov]) == 0 {
				delete(idx, ov)
			}
		}
		if r != nil && nv != nil {
			idx[nv] = insertID(idx[nv], id)
		}
	}
	switch {
	case old == nil && r != nil:
		t.count++
	case old != nil && r == nil:
		t.count--
	}
	t.rows[id] = r
}

// lookup returns the ids whose indexed field equals v, and whether the field
// is indexed at all.
func (t *table) lookup(pos int, v any) ([]int64, bool) {
	for _, fi := range t.indexes {
		if fi.pos == pos {
			return fi.ids[v], true
		}
	}
	return nil, false
}

func (t *table) indexed(pos int) bool {
	_, ok := t.lookup(pos, nil)
	return ok
}

func insertID(ids []int64, id int64) []int64 {
	i, found := slices.BinarySearch(ids, id)
	if found {
		return ids
	}
	return slices.Insert(ids, i, id)
}

func removeID(ids []int64, id int64) []int64 {
	i, found := slices.BinarySearch(ids, id)
	if !found {
		return ids
	}
	return slices.Delete(ids, i, i+1)
}

// database is the content of the simulated Odoo database.
type database struct {
	mu     sync.RWMutex // one writer or many readers: one call = one transaction
	tables map[string]*table
	clock  clock
}

func newDatabase(s *schema, now func() time.Time) *database {
	db := &database{tables: map[string]*table{}, clock: clock{now: now}}
	for name, m := range s.models {
		db.tables[name] = newTable(m)
	}
	return db
}

// undoEntry restores one row when a transaction rolls back.
type undoEntry struct {
	t   *table
	id  int64
	old row
}

// tx is the undo log of one write transaction.
type tx struct {
	undo []undoEntry
}

func (x *tx) put(t *table, id int64, r row) {
	x.undo = append(x.undo, undoEntry{t: t, id: id, old: t.rows[id]})
	t.set(id, r)
}

// rollback undoes every change in reverse order, like a failed Odoo call
// whose transaction PostgreSQL rolls back.
func (x *tx) rollback() {
	for i := len(x.undo) - 1; i >= 0; i-- {
		u := x.undo[i]
		u.t.set(u.id, u.old)
	}
	x.undo = nil
}

// clock hands out transaction timestamps.
//
// Odoo stamps create_date/write_date with the transaction's start time at
// microsecond precision and shows them truncated to seconds. The simulator
// does the same, with one guarantee added: every write transaction gets an
// instant strictly after the previous one (max(now, last+1µs)). Because
// write transactions are serialised, commit order equals timestamp order, so
// a poll on `write_date > last_seen` never misses a later commit; as in
// Odoo, records written in the same second as last_seen compare greater than
// the second-truncated string and are returned again (an overlap, not a gap).
type clock struct {
	mu   sync.Mutex
	now  func() time.Time
	last time.Time
}

func (c *clock) next() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now().UTC().Truncate(time.Microsecond)
	if !t.After(c.last) {
		t = c.last.Add(time.Microsecond)
	}
	c.last = t
	return t
}
