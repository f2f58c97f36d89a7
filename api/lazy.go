package main

import (
	"context"
	"sync"
)

// lazy holds a connection that is made on first use and retried on later uses until it succeeds, so the
// api starts, and honestly reports not-ready, while the shop database or Odoo is down.
type lazy[T any] struct {
	dial  func(context.Context) (T, error)
	close func(T)

	mu sync.Mutex
	v  T
	ok bool
}

func newLazy[T any](dial func(context.Context) (T, error), close func(T)) *lazy[T] {
	return &lazy[T]{dial: dial, close: close}
}

func (l *lazy[T]) get(ctx context.Context) (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.ok {
		v, err := l.dial(ctx)
		if err != nil {
			return v, err
		}
		l.v, l.ok = v, true
	}
	return l.v, nil
}

func (l *lazy[T]) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ok {
		l.close(l.v)
		l.ok = false
	}
}
