package odoosim

import (
	"fmt"
	"io"
	"maps"
	"math/rand"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Config selects the simulated Odoo.
type Config struct {
	Version             int           // Odoo major version 13..18 (0 → 17)
	DB, Login, Password string        // defaults "odoo", "admin", "admin"
	Latency             time.Duration // added to every object call; 0 = none
	Seed                int64         // makes seeding and fault draws deterministic
	// APIKey is accepted in place of the password (Odoo 14+ API keys);
	// empty = "simulated-api-key".
	APIKey string
	// ReturnsNone lists "model.method" calls that, like some Odoo versions,
	// commit and then fail to marshal their None result (Fault 1).
	ReturnsNone []string
	// Now replaces the wall clock for create/write dates (tests).
	Now func() time.Time
}

// Faults injects transport-level failures into object calls.
type Faults struct {
	Rate502, DropRate, SerializationRate, SlowRate float64 // probabilities per object call
	Slow                                           time.Duration
	// CommitThenFail: the matching call is executed and committed, then the
	// reply is lost (502, or a dropped connection with Drop set).
	CommitThenFail []CallMatch
}

// CallMatch selects calls by model and method ("" matches any); Times
// matching calls are affected.
type CallMatch struct {
	Model, Method string
	Times         int
	Drop          bool // drop the connection instead of answering 502
}

// adminUID is the uid of the seeded administrator, as in Odoo 12+.
const adminUID = 2

// Server is a simulated Odoo reachable over XML-RPC.
type Server struct {
	cfg    Config
	schema *schema
	db     *database

	mu     sync.Mutex // guards calls, faults, rng
	calls  map[string]int64
	faults Faults
	rng    *rand.Rand

	returnsNone map[string]bool
}

// New builds a simulator for the configured version, seeded with master data.
func New(cfg Config) (*Server, error) {
	if cfg.Version == 0 {
		cfg.Version = 17
	}
	if cfg.Version < 13 || cfg.Version > 18 {
		return nil, fmt.Errorf("odoosim: Odoo version %d not simulated (13..18)", cfg.Version)
	}
	if cfg.DB == "" {
		cfg.DB = "odoo"
	}
	if cfg.Login == "" {
		cfg.Login = "admin"
	}
	if cfg.Password == "" {
		cfg.Password = "admin"
	}
	if cfg.APIKey == "" {
		cfg.APIKey = "simulated-api-key"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	sc, err := buildSchema(cfg.Version)
	if err != nil {
		return nil, fmt.Errorf("odoosim: schema for version %d: %w", cfg.Version, err)
	}
	s := &Server{
		cfg:         cfg,
		schema:      sc,
		db:          newDatabase(sc, cfg.Now),
		calls:       map[string]int64{},
		rng:         rand.New(rand.NewSource(cfg.Seed)),
		returnsNone: map[string]bool{},
	}
	for _, mm := range cfg.ReturnsNone {
		s.returnsNone[mm] = true
	}
	if err := s.inTx(func(e *env) error { return seedMasterData(e) }); err != nil {
		return nil, fmt.Errorf("odoosim: seeding master data: %w", err)
	}
	return s, nil
}

// Version is the simulated Odoo major version.
func (s *Server) Version() int { return s.cfg.Version }

// inTx runs fn as one write transaction: committed on success, rolled back
// on error.
func (s *Server) inTx(fn func(e *env) error) error {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	e := &env{s: s, sc: s.schema, db: s.db, tx: &tx{}, uid: adminUID, ctx: map[string]any{}, now: s.db.clock.next()}
	err := protect(func() error { return fn(e) })
	if err != nil {
		e.tx.rollback()
	}
	return err
}

// inRead runs fn under the shared lock.
func (s *Server) inRead(fn func(e *env) error) error {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	e := &env{s: s, sc: s.schema, db: s.db, uid: adminUID, ctx: map[string]any{}}
	return protect(func() error { return fn(e) })
}

// protect turns a panic in model code into an error so one bad call cannot
// take the server down (the transaction is then rolled back).
func protect(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return fn()
}

// SetFaults replaces the fault injection settings.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.CommitThenFail = append([]CallMatch(nil), f.CommitThenFail...)
	s.faults = f
}

// Calls returns the number of calls per "model.method" (object service) and
// "common.<method>". Every received call counts, including injected failures.
func (s *Server) Calls() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// ResetCalls zeroes the call counters.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int64{}
}

func (s *Server) count(key string) {
	s.mu.Lock()
	s.calls[key]++
	s.mu.Unlock()
}

// ServeHTTP answers /xmlrpc/2/common, /xmlrpc/2/object and /xmlrpc/2/db.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	service, ok := strings.CutPrefix(r.URL.Path, "/xmlrpc/2/")
	if !ok || (service != "common" && service != "object" && service != "db") {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	call, err := decodeCall(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		// Python's parser raises ExpatError, which Odoo reports as Fault 1.
		writeXML(w, encodeFault(codeApplicationError, traceback("xml.parsers.expat.ExpatError", err.Error())))
		return
	}
	var result any
	switch service {
	case "common":
		s.count("common." + call.Method)
		result, err = s.common(call)
	case "db":
		result, err = s.dbService(call)
	case "object":
		s.serveObject(w, call)
		return
	}
	writeResult(w, result, err)
}

func writeResult(w http.ResponseWriter, result any, err error) {
	if err != nil {
		f := asFault(err)
		writeXML(w, encodeFault(f.Code, f.String))
		return
	}
	body, err := encodeResponse(result)
	if err != nil {
		writeXML(w, encodeFault(codeApplicationError, traceback("TypeError", err.Error())))
		return
	}
	writeXML(w, body)
}

func writeXML(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (s *Server) versionInfo() map[string]any {
	v := fmt.Sprintf("%d.0", s.cfg.Version)
	return map[string]any{
		"server_version":      v,
		"server_version_info": []any{int64(s.cfg.Version), int64(0), int64(0), "final", int64(0), ""},
		"server_serie":        v,
		"protocol_version":    int64(1),
	}
}

func (s *Server) common(call rpcCall) (any, error) {
	switch call.Method {
	case "version":
		return s.versionInfo(), nil
	case "about":
		return "See http://openerp.com", nil
	case "login", "authenticate":
		if len(call.Params) < 3 {
			return nil, typeError("exp_%s() missing required positional arguments", call.Method)
		}
		db, _ := call.Params[0].(string)
		login, _ := call.Params[1].(string)
		pw, _ := call.Params[2].(string)
		if db != s.cfg.DB {
			return nil, pyError("psycopg2.OperationalError", "connection to server failed: FATAL:  database \"%s\" does not exist", db)
		}
		if login == s.cfg.Login && s.passwordOK(pw) {
			return int64(adminUID), nil
		}
		return false, nil // Odoo swallows AccessDenied here
	}
	return nil, pyError("NameError", "Method not available %s", call.Method)
}

func (s *Server) passwordOK(pw string) bool {
	return pw != "" && (pw == s.cfg.Password || (s.cfg.Version >= 14 && pw == s.cfg.APIKey))
}

func (s *Server) dbService(call rpcCall) (any, error) {
	switch call.Method {
	case "list":
		return []any{s.cfg.DB}, nil
	case "server_version":
		return fmt.Sprintf("%d.0", s.cfg.Version), nil
	case "db_exist":
		if len(call.Params) == 1 {
			return call.Params[0] == s.cfg.DB, nil
		}
	}
	return nil, accessError("Access Denied")
}

// privateMethod is Odoo's check_method_name: leading underscore or "init".
var privateMethod = regexp.MustCompile(`^(_.*|init)$`)

// objectCall is a decoded execute/execute_kw.
type objectCall struct {
	db, password  string
	uid           int64
	model, method string
	args          []any
	kwargs        map[string]any
}

func parseObjectCall(call rpcCall) (objectCall, error) {
	var oc objectCall
	p := call.Params
	switch call.Method {
	case "execute_kw":
		if len(p) < 6 || len(p) > 7 {
			return oc, typeError("execute_kw() takes from 6 to 7 positional arguments but %d were given", len(p))
		}
		args, ok := p[5].([]any)
		if !ok {
			return oc, typeError("execute() argument after * must be an iterable, not %s", pyTypeNameBare(p[5]))
		}
		oc.args = args
		if len(p) == 7 {
			switch kw := p[6].(type) {
			case map[string]any:
				oc.kwargs = kw
			case string, bool, nil:
				if truthy(kw) {
					return oc, typeError("execute() argument after ** must be a mapping, not str")
				}
			default:
				return oc, typeError("execute() argument after ** must be a mapping, not %s", pyTypeNameBare(kw))
			}
		}
	case "execute":
		if len(p) < 5 {
			return oc, typeError("execute() missing required positional arguments")
		}
		oc.args = p[5:]
	default:
		return oc, pyError("NameError", "Method not available %s", call.Method)
	}
	oc.db, _ = p[0].(string)
	oc.uid, _ = asID(p[1])
	oc.password, _ = p[2].(string)
	oc.model, _ = p[3].(string)
	oc.method, _ = p[4].(string)
	if oc.kwargs == nil {
		oc.kwargs = map[string]any{}
	}
	return oc, nil
}

// serveObject runs one object call with latency and fault injection.
func (s *Server) serveObject(w http.ResponseWriter, call rpcCall) {
	oc, err := parseObjectCall(call)
	if err != nil {
		writeResult(w, nil, err)
		return
	}
	s.count(oc.model + "." + oc.method)
	if s.cfg.Latency > 0 {
		time.Sleep(s.cfg.Latency)
	}
	plan := s.drawFaults(oc)
	if plan.slow > 0 {
		time.Sleep(plan.slow)
	}
	switch {
	case plan.drop:
		dropConnection(w)
		return
	case plan.bad502:
		writeBadGateway(w)
		return
	case plan.serialization:
		writeResult(w, nil, pyError("psycopg2.errors.SerializationFailure", "could not serialize access due to concurrent update"))
		return
	}
	result, err := s.execute(oc)
	if plan.commitThenFail != nil {
		if plan.commitThenFail.Drop {
			dropConnection(w)
		} else {
			writeBadGateway(w)
		}
		return
	}
	writeResult(w, result, err)
}

type faultPlan struct {
	drop, bad502, serialization bool
	slow                        time.Duration
	commitThenFail              *CallMatch
}

func (s *Server) drawFaults(oc objectCall) faultPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	var p faultPlan
	f := &s.faults
	for i := range f.CommitThenFail {
		cm := &f.CommitThenFail[i]
		if cm.Times > 0 && (cm.Model == "" || cm.Model == oc.model) && (cm.Method == "" || cm.Method == oc.method) {
			cm.Times--
			c := *cm
			p.commitThenFail = &c
			return p
		}
	}
	if f.SlowRate > 0 && s.rng.Float64() < f.SlowRate {
		p.slow = f.Slow
	}
	switch {
	case f.DropRate > 0 && s.rng.Float64() < f.DropRate:
		p.drop = true
	case f.Rate502 > 0 && s.rng.Float64() < f.Rate502:
		p.bad502 = true
	case f.SerializationRate > 0 && s.rng.Float64() < f.SerializationRate:
		p.serialization = true
	}
	return p
}

const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

func writeBadGateway(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = io.WriteString(w, badGatewayPage)
}

// dropConnection closes the TCP connection without any reply, like a
// worker killed by limit_time_real.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// execute authenticates and runs an object call in its own transaction.
func (s *Server) execute(oc objectCall) (any, error) {
	if oc.db != s.cfg.DB {
		return nil, pyError("psycopg2.OperationalError", "connection to server failed: FATAL:  database \"%s\" does not exist", oc.db)
	}
	if oc.uid != adminUID || !s.passwordOK(oc.password) {
		return nil, errAccessDenied
	}
	if privateMethod.MatchString(oc.method) {
		return nil, accessError("Private methods (such as %s) cannot be called remotely.", oc.method)
	}
	m := s.schema.models[oc.model]
	if m == nil {
		return nil, userError("Object %s doesn't exist", oc.model)
	}
	ctx, _ := oc.kwargs["context"].(map[string]any)
	kwargs := maps.Clone(oc.kwargs)
	delete(kwargs, "context")
	probe := &env{s: s, sc: s.schema}
	md, err := probe.lookupMethod(m, oc.method)
	if err != nil {
		return nil, err
	}
	var result any
	run := func(e *env) error {
		e.ctx = ctx
		if e.ctx == nil {
			e.ctx = map[string]any{}
		}
		var err error
		result, err = md.Fn(e, m, oc.args, kwargs)
		return err
	}
	if md.ReadOnly {
		err = s.inRead(run)
	} else {
		err = s.inTx(run)
	}
	if err != nil {
		return nil, err
	}
	if s.returnsNone[oc.model+"."+oc.method] {
		result = nil
	}
	if result == nil {
		return nil, typeError("cannot marshal None unless allow_none is enabled")
	}
	return result, nil
}
