package activities

import (
	"context"
	"sync"
	"time"
)

// referenceMemo remembers ids that orders look up again and again and that change rarely: in Odoo the
// pricelist of a currency, a carrier's delivery product, the variant of a single-variant template, the
// bridge's own service products, countries; in the shop a product's tax class and a few settings. Entries expire, so an id changed in Odoo is picked up within the TTL;
// a stale id at worst makes one create fail, and that is retried after the entry expired.
type referenceMemo struct {
	ttl time.Duration
	mu  sync.Mutex
	ids map[string]memoEntry
}

type memoEntry struct {
	id      int64
	expires time.Time
}

func newReferenceMemo(ttl time.Duration) *referenceMemo {
	return &referenceMemo{ttl: ttl, ids: map[string]memoEntry{}}
}

// lookup returns the id remembered under key, if it has not expired. A nil memo remembers nothing.
func (m *referenceMemo) lookup(key string) (int64, bool) {
	if m == nil {
		return 0, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.ids[key]
	if !ok || time.Now().After(e.expires) {
		return 0, false
	}
	return e.id, true
}

// remembered returns the id remembered under key, or finds it with find and remembers it.
func (m *referenceMemo) remembered(ctx context.Context, key string, find func(context.Context) (int64, error)) (int64, error) {
	if id, ok := m.lookup(key); ok {
		return id, nil
	}
	id, err := find(ctx)
	if err != nil {
		return 0, err
	}
	m.put(key, id)
	return id, nil
}

func (m *referenceMemo) put(key string, id int64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ids[key] = memoEntry{id: id, expires: time.Now().Add(m.ttl)}
}
