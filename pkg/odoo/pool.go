package odoo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/rpc"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kolo/xmlrpc"
	"go.uber.org/zap"
)

// pool hands out kolo/xmlrpc clients for one endpoint. A kolo client runs one HTTP round
// trip at a time and dies for good after a decode error, so concurrency comes from several
// clients sharing one http.Transport, and dead ones are replaced.
type pool struct {
	endpoint string // full URL of /xmlrpc/2/common or /xmlrpc/2/object
	redacted string // endpoint safe to print
	base     http.RoundTripper
	timeout  time.Duration
	log      *zap.Logger
	// idle holds one entry per slot; nil means "build a client on next use".
	idle     chan *conn
	replaced atomic.Int64
}

func newPool(endpoint string, size int, base http.RoundTripper, timeout time.Duration, log *zap.Logger) (*pool, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("odoo: invalid URL %q: %w", endpoint, err)
	}
	p := &pool{endpoint: endpoint, redacted: u.Redacted(), base: base, timeout: timeout, log: log,
		idle: make(chan *conn, size)}
	for range size {
		p.idle <- nil
	}
	return p, nil
}

// conn is one kolo client plus the transport that binds its requests to a context.
type conn struct {
	rpc *xmlrpc.Client
	rt  *boundTransport
}

// boundTransport gives kolo's context-less requests the caller's context, so that
// cancellation and deadlines abort the HTTP exchange itself. ctx is set while the conn is
// checked out; RoundTrip runs on the caller's goroutine (rpc.Client.Go sends synchronously).
type boundTransport struct {
	base http.RoundTripper
	ctx  context.Context
}

func (t *boundTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(req.WithContext(t.ctx))
}

func (p *pool) newConn() (*conn, error) {
	rt := &boundTransport{base: p.base, ctx: context.Background()}
	c, err := xmlrpc.NewClient(p.endpoint, rt)
	if err != nil {
		return nil, fmt.Errorf("odoo: building XML-RPC client for %s: %w", p.redacted, err)
	}
	return &conn{rpc: c, rt: rt}, nil
}

// call runs one XML-RPC method and returns the generically decoded reply. model and method
// only label errors and logs.
func (p *pool) call(ctx context.Context, model, method, rpcMethod string, args []any) (any, error) {
	var c *conn
	select {
	case c = <-p.idle:
	case <-ctx.Done():
		return nil, fmt.Errorf("odoo %s.%s: waiting for a free connection: %w", model, method, ctx.Err())
	}
	if c == nil {
		var err error
		if c, err = p.newConn(); err != nil {
			p.idle <- nil
			return nil, err
		}
	}
	reply, err := p.exchange(ctx, c, rpcMethod, args)
	if isDeadClient(err) {
		p.discard(c)
		c = nil
	}
	p.idle <- c
	if err != nil {
		return nil, p.classify(ctx, model, method, err)
	}
	return reply, nil
}

func (p *pool) exchange(ctx context.Context, c *conn, rpcMethod string, args []any) (reply any, err error) {
	callCtx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	c.rt.ctx = callCtx
	defer func() { c.rt.ctx = context.Background() }()
	err = c.rpc.Call(rpcMethod, args, &reply)
	return reply, err
}

// isDeadClient recognises the errors after which a kolo client must not be reused: its
// read loop exits on a body it cannot decode ("reading body ..."), and any later call
// would get rpc.ErrShutdown or block forever.
func isDeadClient(err error) bool {
	return err != nil && (errors.Is(err, rpc.ErrShutdown) || strings.HasPrefix(err.Error(), "reading body"))
}

func (p *pool) discard(c *conn) {
	_ = c.rpc.Close() // closes only this client's codec; the shared transport stays open
	p.replaced.Add(1)
	p.log.Warn("odoo: replaced a dead XML-RPC client", zap.String("endpoint", p.redacted))
}

// close stops the read goroutine of every idle kolo client. Clients busy in a call are
// left alone; a later call would build fresh ones.
func (p *pool) close() {
	taken := 0
drain:
	for taken < cap(p.idle) {
		select {
		case c := <-p.idle:
			taken++
			if c != nil {
				_ = c.rpc.Close()
			}
		default:
			break drain
		}
	}
	for range taken {
		p.idle <- nil
	}
}

var (
	faultPattern  = regexp.MustCompile(`(?s)^Fault\((-?\d+)\): (.*)$`)
	statusPattern = regexp.MustCompile(`^request error: bad status code - (\d+)$`)
)

// classify turns kolo's error shapes (§11 of the reference) into *Fault, *TransportError or
// the caller's context error.
func (p *pool) classify(ctx context.Context, model, method string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("odoo %s.%s: %w", model, method, ctxErr)
	}
	transport := &TransportError{Model: model, Method: method, URL: p.redacted, Err: err}
	var serverErr rpc.ServerError
	var urlErr *url.Error
	switch {
	case errors.As(err, &serverErr):
		text := string(serverErr)
		if m := faultPattern.FindStringSubmatch(text); m != nil {
			code, _ := strconv.Atoi(m[1])
			return parseFault(model, method, code, m[2])
		}
		if m := statusPattern.FindStringSubmatch(text); m != nil {
			transport.StatusCode, _ = strconv.Atoi(m[1])
		}
		// Anything else is a failed body read (connection dropped mid-answer).
		transport.Timeout = strings.Contains(text, context.DeadlineExceeded.Error())
		return transport
	case errors.As(err, &urlErr):
		transport.Timeout = urlErr.Timeout()
		return transport
	case errors.Is(err, rpc.ErrShutdown):
		return transport
	case isDeadClient(err):
		transport.Err = fmt.Errorf("malformed XML-RPC answer: %w", err)
		return transport
	default:
		// Encoding errors ("xmlrpc encode error: unsupported type"): nothing was sent.
		return fmt.Errorf("odoo %s.%s: %w", model, method, err)
	}
}
