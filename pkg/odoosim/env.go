package odoosim

import (
	"fmt"
	"maps"
	"strings"
	"time"
)

// env is what model code works with during one call: the schema of the
// server's version, the database, the caller and context, and (for write
// calls) the transaction's undo log and timestamp.
type env struct {
	s   *Server
	sc  *schema
	db  *database
	tx  *tx // nil in read-only calls
	uid int64
	ctx map[string]any
	now time.Time
}

func (e *env) version() int { return e.sc.version }

// model returns a model by name or Odoo's "doesn't exist" UserError.
func (e *env) model(name string) (*model, error) {
	m := e.sc.models[name]
	if m == nil {
		return nil, userError("Object %s doesn't exist", name)
	}
	return m, nil
}

// mustModel is for model code naming models of its own version.
func (e *env) mustModel(name string) *model {
	m := e.sc.models[name]
	if m == nil {
		panic(fmt.Sprintf("odoosim: model %s not in version %d", name, e.version()))
	}
	return m
}

func (e *env) table(m *model) *table { return e.db.tables[m.Name] }

func (e *env) exists(m *model, id int64) bool { return e.table(m).get(id) != nil }

// withContext returns a copy of e whose context has the given keys set.
func (e *env) withContext(kv map[string]any) *env {
	c := *e
	c.ctx = maps.Clone(e.ctx)
	if c.ctx == nil {
		c.ctx = map[string]any{}
	}
	maps.Copy(c.ctx, kv)
	return &c
}

// activeTest tells whether archived records are hidden (context active_test).
func (e *env) activeTest() bool {
	v, ok := e.ctx["active_test"]
	return !ok || truthy(v)
}

func (e *env) ctxValue(key string) any { return e.ctx[key] }

// get returns the internal value of a field of a record: stored, computed,
// one2many (ids of the children) or delegated to an _inherits parent.
func (e *env) get(m *model, id int64, f *field) any {
	switch {
	case f.delegate != nil:
		pid, _ := e.get(m, id, f.delegate).(int64)
		if pid == 0 {
			return nil
		}
		pm := e.sc.models[f.delegate.Relation]
		return e.get(pm, pid, pm.field(f.Name))
	case f.Name == "id":
		return id
	case f.Compute != nil:
		return f.Compute(e, id)
	case f.Type == tOne2many:
		return e.children(f, id)
	}
	r := e.table(m).get(id)
	if r == nil {
		return nil
	}
	return r[f.pos]
}

// children lists the records of a one2many (archived ones hidden unless
// active_test is off, as Odoo does).
func (e *env) children(f *field, id int64) []int64 {
	cm := e.sc.models[f.Relation]
	inv := cm.field(f.InverseOf)
	ids, _ := e.table(cm).lookup(inv.pos, id)
	return e.filterActive(cm, ids)
}

func (e *env) filterActive(m *model, ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	if !m.hasActive() || !e.activeTest() {
		return append(out, ids...)
	}
	af := m.field("active")
	for _, id := range ids {
		if v, _ := e.get(m, id, af).(bool); v {
			out = append(out, id)
		}
	}
	return out
}

// Typed accessors for model code; they panic on a field name the model
// lacks, which is a bug in the model file, not a client error.

func (e *env) val(modelName string, id int64, fieldName string) any {
	m := e.mustModel(modelName)
	f := m.field(fieldName)
	if f == nil {
		panic(fmt.Sprintf("odoosim: %s has no field %s in version %d", modelName, fieldName, e.version()))
	}
	return e.get(m, id, f)
}

func (e *env) str(modelName string, id int64, fieldName string) string {
	s, _ := e.val(modelName, id, fieldName).(string)
	return s
}

func (e *env) num(modelName string, id int64, fieldName string) float64 {
	switch v := e.val(modelName, id, fieldName).(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

func (e *env) flag(modelName string, id int64, fieldName string) bool {
	b, _ := e.val(modelName, id, fieldName).(bool)
	return b
}

func (e *env) ref(modelName string, id int64, fieldName string) int64 {
	r, _ := e.val(modelName, id, fieldName).(int64)
	return r
}

func (e *env) idList(modelName string, id int64, fieldName string) []int64 {
	ids, _ := e.val(modelName, id, fieldName).([]int64)
	return ids
}

// displayName is Odoo's display_name: the model's override or its rec name.
func (e *env) displayName(m *model, id int64) string {
	if m.DisplayName != nil {
		return m.DisplayName(e, id)
	}
	rn := m.recName()
	if rn == "" {
		return fmt.Sprintf("%s,%d", m.Name, id)
	}
	switch v := e.get(m, id, m.field(rn)).(type) {
	case string:
		return v
	case int64:
		if f := m.field(rn); f.Type == tMany2one {
			return e.displayName(e.sc.models[f.Relation], v)
		}
		return fmt.Sprint(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// searchIDs is model code's search with a domain and default ordering.
func (e *env) searchIDs(modelName string, domain ...any) []int64 {
	ids, err := e.search(e.mustModel(modelName), domain, searchOpts{})
	if err != nil {
		panic(fmt.Sprintf("odoosim: internal search on %s failed: %v", modelName, err))
	}
	return ids
}

// wire converts an internal value to what Odoo sends over XML-RPC: false
// for every empty value, [id, name] for many2one, id lists for x2many,
// server-format strings for dates.
func (e *env) wire(f *field, v any) any {
	switch f.Type {
	case tMany2one:
		id, _ := v.(int64)
		if id == 0 {
			return false
		}
		cm := e.sc.models[f.Relation]
		if !e.exists(cm, id) {
			return false
		}
		return []any{id, e.displayName(cm, id)}
	case tOne2many, tMany2many:
		ids, _ := v.([]int64)
		if ids == nil {
			ids = []int64{}
		}
		return ids
	case tInteger:
		n, _ := v.(int64)
		return n
	case tFloat, tMonetary:
		switch x := v.(type) {
		case float64:
			return x
		case int64:
			return float64(x)
		}
		return 0.0
	case tBoolean:
		b, _ := v.(bool)
		return b
	case tDate:
		if t, ok := v.(time.Time); ok {
			return t.Format(dateLayout)
		}
		return false
	case tDatetime:
		if t, ok := v.(time.Time); ok {
			return formatDatetime(t)
		}
		return false
	}
	if s, ok := v.(string); ok {
		return s
	}
	return false
}

const (
	dateLayout     = "2006-01-02"
	datetimeLayout = "2006-01-02 15:04:05"
)

func formatDatetime(t time.Time) string { return t.UTC().Format(datetimeLayout) }

// truthy is Python's bool() on an XML-RPC value.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case []int64:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// fieldRepr is Odoo's str(field): "product.template.type".
func fieldRepr(f *field) string { return f.model.Name + "." + f.Name }

func tableName(modelName string) string { return strings.ReplaceAll(modelName, ".", "_") }
