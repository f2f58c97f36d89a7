package odoosim

// In-process superuser access for tests of other packages: no XML-RPC, no
// call counters, no fault injection, no latency. Results have the wire
// shape (false for empty, [id, name] for many2one, id lists for x2many).

// SearchRead searches with archived records hidden (include them with an
// explicit ("active", "in", [true, false]) leaf) and reads fields ("id"
// always included; nil fields = all).
func (s *Server) SearchRead(modelName string, domain []any, fields []string) ([]map[string]any, error) {
	var out []map[string]any
	err := s.inRead(func(e *env) error {
		m, err := e.model(modelName)
		if err != nil {
			return err
		}
		fs, err := e.resolveFields(m, fields)
		if err != nil {
			return err
		}
		ids, err := e.search(m, normalizeDomain(domain), searchOpts{})
		if err != nil {
			return err
		}
		out = e.readRows(m, ids, fs)
		return nil
	})
	return out, err
}

// Create creates one record; vals use XML-RPC shapes (ints may be int).
func (s *Server) Create(modelName string, vals map[string]any) (int64, error) {
	var id int64
	err := s.inTx(func(e *env) error {
		m, err := e.model(modelName)
		if err != nil {
			return err
		}
		id, err = e.create(m, normalizeValue(vals).(map[string]any))
		return err
	})
	return id, err
}

// Write updates records.
func (s *Server) Write(modelName string, ids []int64, vals map[string]any) error {
	return s.inTx(func(e *env) error {
		m, err := e.model(modelName)
		if err != nil {
			return err
		}
		return e.write(m, ids, normalizeValue(vals).(map[string]any))
	})
}

func normalizeDomain(d []any) []any {
	if d == nil {
		return nil
	}
	return normalizeValue(d).([]any)
}

// normalizeValue converts Go-side literals (int, []int64, []string, nested
// slices) into the decoded XML-RPC types the engine works with.
func normalizeValue(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	case []int64:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = n
		}
		return out
	case []int:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = int64(n)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeValue(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeValue(e)
		}
		return out
	}
	return v
}
