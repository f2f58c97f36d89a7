package odoo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Config describes one Odoo database and how to talk to it.
type Config struct {
	URL      string // base URL, e.g. "https://erp.example.com" (no /xmlrpc suffix)
	DB       string
	Login    string
	Password string // password or API key (14+); never logged or put in errors

	// PoolSize is the number of calls that may run at once. Keep it at or below the
	// number of Odoo workers. Default 4.
	PoolSize int
	// Timeout bounds each call. Default 2 minutes, Odoo's own limit_time_real.
	Timeout time.Duration
	// Context is merged under every call's context, e.g. {"lang": "de_DE", "tracking_disable": true}.
	Context Context
	// Transport overrides the HTTP transport (proxies, TLS). Default: a tuned
	// *http.Transport owned and closed by the client.
	Transport http.RoundTripper
	Logger    *zap.Logger // nil disables logging
}

const (
	defaultPoolSize = 4
	defaultTimeout  = 2 * time.Minute
)

// Client talks to one Odoo database as one user over /xmlrpc/2. It is safe for concurrent
// use; up to Config.PoolSize calls run in parallel.
type Client struct {
	db, password string
	login        string
	uid          int64
	version      Version
	schema       Schema
	context      Context
	object       *pool
	common       *pool
	ownTransport *http.Transport
	log          *zap.Logger

	requests sync.Map // "model.method" → *atomic.Int64
	total    atomic.Int64
}

// Dial reads the server version, authenticates and returns a client whose Schema matches
// the server. Bad credentials give *AuthError; unsupported versions an error naming them.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.URL == "" || cfg.DB == "" || cfg.Login == "" {
		return nil, errors.New("odoo: Config needs URL, DB and Login")
	}
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = defaultPoolSize
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	c := &Client{db: cfg.DB, login: cfg.Login, password: cfg.Password, context: cfg.Context, log: log}
	transport := cfg.Transport
	if transport == nil {
		c.ownTransport = newTransport(cfg.PoolSize)
		transport = c.ownTransport
	}
	base := strings.TrimRight(cfg.URL, "/")
	var err error
	if c.common, err = newPool(base+"/xmlrpc/2/common", 1, transport, cfg.Timeout, log); err != nil {
		return nil, err
	}
	if c.object, err = newPool(base+"/xmlrpc/2/object", cfg.PoolSize, transport, cfg.Timeout, log); err != nil {
		return nil, err
	}
	if err := c.connect(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func newTransport(poolSize int) *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   poolSize + 1, // the default of 2 would reconnect on every call
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

func (c *Client) connect(ctx context.Context) error {
	payload, err := c.callCommon(ctx, "version")
	if err != nil {
		return err
	}
	info, ok := payload.(map[string]any)
	if !ok {
		return fmt.Errorf("odoo: version() at %s returned %T, not a struct", c.common.redacted, payload)
	}
	if c.version, err = ParseVersion(info); err != nil {
		return err
	}
	if err := c.version.supported(); err != nil {
		return err
	}
	c.schema = SchemaFor(c.version)

	uid, err := c.callCommon(ctx, "authenticate", c.db, c.login, c.password, map[string]any{})
	if err != nil {
		return err
	}
	if c.uid, ok = asInt(uid); !ok || c.uid <= 0 {
		return &AuthError{Login: c.login, DB: c.db}
	}
	c.log.Info("odoo: connected", zap.String("url", c.object.redacted), zap.String("db", c.db),
		zap.String("login", c.login), zap.Int64("uid", c.uid), zap.Stringer("version", c.version))
	return nil
}

func (c *Client) callCommon(ctx context.Context, method string, args ...any) (any, error) {
	c.count("common", method)
	return c.common.call(ctx, "common", method, method, args)
}

// Close stops the pooled XML-RPC clients and releases idle connections of the transport
// the client created itself. Call it once no call is running.
func (c *Client) Close() {
	c.object.close()
	c.common.close()
	if c.ownTransport != nil {
		c.ownTransport.CloseIdleConnections()
	}
}

// Version is the server version detected at Dial.
func (c *Client) Version() Version { return c.version }

// Schema holds the model/field names for the server's version.
func (c *Client) Schema() Schema { return c.schema }

// UID is the authenticated user id.
func (c *Client) UID() int64 { return c.uid }

// Call runs execute_kw(model, method, args, kwargs) and returns the decoded result.
// Config.Context is merged under kwargs["context"]. Use it for any public method; the
// helpers in this package cover the common ones.
func (c *Client) Call(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
	if args == nil {
		args = []any{}
	}
	kw := make(map[string]any, len(kwargs)+1)
	maps.Copy(kw, kwargs)
	callContext, _ := kw["context"].(Context)
	if plain, ok := kw["context"].(map[string]any); ok {
		callContext = plain
	}
	if merged := c.mergeContext(callContext); len(merged) > 0 {
		kw["context"] = merged
	}
	c.count(model, method)
	start := time.Now()
	result, err := c.object.call(ctx, model, method, "execute_kw",
		[]any{c.db, c.uid, c.password, model, method, args, kw})
	if ce := c.log.Check(zap.DebugLevel, "odoo: call"); ce != nil {
		ce.Write(zap.String("model", model), zap.String("method", method),
			zap.Duration("took", time.Since(start)), zap.Error(err))
	}
	return result, err
}

// mergeContext layers a call's context over Config.Context.
func (c *Client) mergeContext(call Context) Context {
	if len(c.context) == 0 {
		return call
	}
	merged := maps.Clone(c.context)
	maps.Copy(merged, call)
	return merged
}

func (c *Client) count(model, method string) {
	c.total.Add(1)
	key := model + "." + method
	counter, ok := c.requests.Load(key)
	if !ok {
		counter, _ = c.requests.LoadOrStore(key, new(atomic.Int64))
	}
	counter.(*atomic.Int64).Add(1)
}

// Requests counts the calls sent per "model.method" ("common.version" and
// "common.authenticate" for the common endpoint), failed ones included.
func (c *Client) Requests() map[string]int64 {
	out := map[string]int64{}
	c.requests.Range(func(key, counter any) bool {
		out[key.(string)] = counter.(*atomic.Int64).Load()
		return true
	})
	return out
}

// TotalRequests is the sum of Requests.
func (c *Client) TotalRequests() int64 { return c.total.Load() }

// ReplacedClients counts pooled XML-RPC clients rebuilt after an undecodable answer.
func (c *Client) ReplacedClients() int64 {
	return c.object.replaced.Load() + c.common.replaced.Load()
}
