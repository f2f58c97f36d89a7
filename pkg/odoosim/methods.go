package odoosim

import (
	"fmt"
	"slices"
	"strings"
)

// The ORM methods every model answers over XML-RPC (Odoo's BaseModel).
// Model files add or override entries through model.Methods.

// param is one Python parameter of a method signature.
type param struct {
	name     string
	required bool
}

// bindArgs maps positional and keyword arguments onto a Python signature,
// failing with the TypeErrors CPython raises.
func bindArgs(fn string, args []any, kwargs map[string]any, params ...param) ([]any, error) {
	out := make([]any, len(params))
	given := make([]bool, len(params))
	if len(args) > len(params) {
		return nil, typeError("%s() takes from 1 to %d positional arguments but %d were given", fn, len(params)+1, len(args)+1)
	}
	for i, a := range args {
		out[i], given[i] = a, true
	}
	for _, k := range sortedKeys(kwargs) {
		i := slices.IndexFunc(params, func(p param) bool { return p.name == k })
		if i < 0 {
			return nil, typeError("%s() got an unexpected keyword argument '%s'", fn, k)
		}
		if given[i] {
			return nil, typeError("%s() got multiple values for argument '%s'", fn, k)
		}
		out[i], given[i] = kwargs[k], true
	}
	for i, p := range params {
		if p.required && !given[i] {
			return nil, typeError("%s() missing 1 required positional argument: '%s'", fn, p.name)
		}
	}
	return out, nil
}

func opt(name string) param { return param{name: name} }
func req(name string) param { return param{name: name, required: true} }

// recordArgs splits a record method's arguments: args[0] holds the ids.
func recordArgs(fn string, args []any) ([]int64, []any, error) {
	if len(args) == 0 {
		return nil, nil, typeError("%s() missing 1 required positional argument: 'self'", fn)
	}
	ids, err := asIDs(args[0])
	return ids, args[1:], err
}

// bindRecordArgs is recordArgs followed by bindArgs on the rest.
func bindRecordArgs(fn string, args []any, kw map[string]any, params ...param) ([]int64, []any, error) {
	ids, rest, err := recordArgs(fn, args)
	if err != nil {
		return nil, nil, err
	}
	a, err := bindArgs(fn, rest, kw, params...)
	return ids, a, err
}

// existingRecords reads a record method's ids and checks they all exist.
func existingRecords(e *env, m *model, fn string, args []any) ([]int64, error) {
	ids, _, err := recordArgs(fn, args)
	if err != nil {
		return nil, err
	}
	return ids, e.ensureExist(m, ids)
}

func asInt(v any, def int) int {
	if n, ok := asID(v); ok {
		return int(n)
	}
	return def
}

func asStrings(v any) ([]string, error) {
	return asList(v, func(x any) (string, bool) { s, ok := x.(string); return s, ok }, func(item any) error {
		return typeError("field names must be strings, got %s", pyValueRepr(item))
	})
}

func asDomain(v any) ([]any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool:
		if !x {
			return nil, nil
		}
	case []any:
		return x, nil
	}
	return nil, valueError("Invalid domain %s", pyValueRepr(v))
}

func searchOptsFrom(offset, limit, order any) (searchOpts, error) {
	o := searchOpts{offset: asInt(offset, 0), limit: asInt(limit, 0)}
	switch x := order.(type) {
	case string:
		o.order = x
	case nil, bool:
	default:
		return o, typeError("order must be a string, got %s", pyValueRepr(order))
	}
	return o, nil
}

type methodFn = func(e *env, m *model, args []any, kwargs map[string]any) (any, error)

func readOnly(fn methodFn) *method { return &method{ReadOnly: true, Fn: fn} }
func writing(fn methodFn) *method  { return &method{Fn: fn} }

// baseMethods is looked up when a model does not define the method itself.
var baseMethods = map[string]*method{
	"create": writing(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		return createFromArgs(args, kw, func(vals map[string]any) (int64, error) { return e.create(m, vals) })
	}),
	"write": writing(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		ids, a, err := bindRecordArgs("write", args, kw, req("vals"))
		if err != nil {
			return nil, err
		}
		vals, ok := a[0].(map[string]any)
		if !ok {
			return nil, attributeError("'%s' object has no attribute 'items'", pyTypeNameBare(a[0]))
		}
		return true, e.write(m, ids, vals)
	}),
	"unlink": writing(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		ids, _, err := bindRecordArgs("unlink", args, kw)
		if err != nil {
			return nil, err
		}
		return true, e.unlink(m, ids)
	}),
	"read": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		ids, a, err := bindRecordArgs("read", args, kw, opt("fields"), opt("load"))
		if err != nil {
			return nil, err
		}
		fields, err := asStrings(a[0])
		if err != nil {
			return nil, err
		}
		rows, err := e.read(m, dedupe(ids), fields)
		if err != nil {
			return nil, err
		}
		return rows, nil
	}),
	"search": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		a, err := bindArgs("search", args, kw, req("domain"), opt("offset"), opt("limit"), opt("order"), opt("count"))
		if err != nil {
			return nil, err
		}
		ids, err := searchWith(e, m, a[0], a[1], a[2], a[3])
		if err != nil {
			return nil, err
		}
		if truthy(a[4]) && e.version() <= 16 {
			return int64(len(ids)), nil
		}
		return ids, nil
	}),
	"search_count": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		params := []param{req("domain")}
		if e.version() >= 16 {
			params = append(params, opt("limit"))
		}
		a, err := bindArgs("search_count", args, kw, params...)
		if err != nil {
			return nil, err
		}
		var limit any
		if len(a) > 1 {
			limit = a[1]
		}
		ids, err := searchWith(e, m, a[0], nil, limit, "id")
		if err != nil {
			return nil, err
		}
		return int64(len(ids)), nil
	}),
	"search_read": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		a, err := bindArgs("search_read", args, kw, opt("domain"), opt("fields"), opt("offset"), opt("limit"), opt("order"))
		if err != nil {
			return nil, err
		}
		fields, err := asStrings(a[1])
		if err != nil {
			return nil, err
		}
		fs, err := e.resolveFields(m, fields)
		if err != nil {
			return nil, err
		}
		ids, err := searchWith(e, m, a[0], a[2], a[3], a[4])
		if err != nil {
			return nil, err
		}
		return e.readRows(m, ids, fs), nil
	}),
	"exists": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		ids, _, err := recordArgs("exists", args)
		if err != nil {
			return nil, err
		}
		out := []int64{}
		for _, id := range dedupe(ids) {
			if e.exists(m, id) {
				out = append(out, id)
			}
		}
		return out, nil
	}),
	"fields_get": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		a, err := bindArgs("fields_get", args, kw, opt("allfields"), opt("attributes"))
		if err != nil {
			return nil, err
		}
		names, err := asStrings(a[0])
		if err != nil {
			return nil, err
		}
		attrs, err := asStrings(a[1])
		if err != nil {
			return nil, err
		}
		return e.fieldsGet(m, names, attrs), nil
	}),
	"name_search": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		a, err := bindArgs("name_search", args, kw, opt("name"), opt("args"), opt("operator"), opt("limit"))
		if err != nil {
			return nil, err
		}
		name, _ := a[0].(string)
		op, _ := a[2].(string)
		if op == "" {
			op = "ilike"
		}
		domain, err := asDomain(a[1])
		if err != nil {
			return nil, err
		}
		ids, err := e.nameSearch(m, name, domain, op, asInt(a[3], 100))
		if err != nil {
			return nil, err
		}
		return e.namePairs(m, ids), nil
	}),
	"name_get": {ReadOnly: true, Until: 17, Fn: func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		ids, err := existingRecords(e, m, "name_get", args)
		if err != nil {
			return nil, err
		}
		return e.namePairs(m, ids), nil
	}},
	"check_access_rights": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		a, err := bindArgs("check_access_rights", args, kw, req("operation"), opt("raise_exception"))
		if err != nil {
			return nil, err
		}
		switch a[0] {
		case "read", "write", "create", "unlink":
			return true, nil
		}
		return nil, valueError("Invalid access mode")
	}),
	"default_get": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		a, err := bindArgs("default_get", args, kw, req("fields_list"))
		if err != nil {
			return nil, err
		}
		names, err := asStrings(a[0])
		if err != nil {
			return nil, err
		}
		out := map[string]any{}
		for _, n := range names {
			if f := m.field(n); f != nil && f.Default != nil {
				out[n] = e.wireDefault(f, f.Default(e))
			}
		}
		return out, nil
	}),
	"copy": writing(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		ids, a, err := bindRecordArgs("copy", args, kw, opt("default"))
		if err != nil {
			return nil, err
		}
		if len(ids) != 1 {
			return nil, valueError("Expected singleton: %s", recordsetRepr(m.Name, ids))
		}
		defaults, _ := a[0].(map[string]any)
		return e.copyRecord(m, ids[0], defaults)
	}),
	"read_group": readOnly(func(e *env, m *model, args []any, kw map[string]any) (any, error) {
		a, err := bindArgs("read_group", args, kw, req("domain"), req("fields"), req("groupby"),
			opt("offset"), opt("limit"), opt("orderby"), opt("lazy"))
		if err != nil {
			return nil, err
		}
		return e.readGroup(m, a[0], a[1], a[2])
	}),
}

// createFromArgs binds create(vals_list): a dict creates one record and
// returns its id, a list of dicts returns the list of ids (batch create).
func createFromArgs(args []any, kw map[string]any, one func(map[string]any) (int64, error)) (any, error) {
	a, err := bindArgs("create", args, kw, req("vals_list"))
	if err != nil {
		return nil, err
	}
	switch v := a[0].(type) {
	case map[string]any:
		return one(v)
	case []any:
		ids := make([]int64, 0, len(v))
		for _, item := range v {
			vals, ok := item.(map[string]any)
			if !ok {
				return nil, valueError("create() expects a dict or a list of dicts, got %s", pyValueRepr(item))
			}
			id, err := one(vals)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	return nil, attributeError("'%s' object has no attribute 'items'", pyTypeNameBare(a[0]))
}

func attributeError(format string, args ...any) *Fault {
	return pyError("AttributeError", format, args...)
}

func pyTypeNameBare(v any) string {
	return strings.Trim(pyTypeName(v), "'")
}

func searchWith(e *env, m *model, domain, offset, limit, order any) ([]int64, error) {
	d, err := asDomain(domain)
	if err != nil {
		return nil, err
	}
	o, err := searchOptsFrom(offset, limit, order)
	if err != nil {
		return nil, err
	}
	return e.search(m, d, o)
}

func (e *env) namePairs(m *model, ids []int64) []any {
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, []any{id, e.displayName(m, id)})
	}
	return out
}

// nameSearch is Odoo's _name_search on the rec name (models may widen it).
func (e *env) nameSearch(m *model, name string, domain []any, op string, limit int) ([]int64, error) {
	if name != "" || (op != "ilike" && op != "like") {
		rn := m.recName()
		if rn == "" {
			rn = "display_name"
		}
		domain = append(slices.Clone(domain), []any{rn, op, name})
	}
	return e.search(m, domain, searchOpts{limit: limit})
}

func (e *env) wireDefault(f *field, v any) any {
	if f.Type == tMany2one {
		if id, ok := v.(int64); ok && id != 0 {
			return id
		}
		return false
	}
	return e.wire(f, v)
}

// fieldsGet describes fields; attributes limits the keys per field.
func (e *env) fieldsGet(m *model, names, attrs []string) map[string]any {
	out := map[string]any{}
	for _, f := range m.Fields {
		if len(names) > 0 && !slices.Contains(names, f.Name) {
			continue
		}
		desc := map[string]any{
			"type":              f.Type.String(),
			"string":            f.String,
			"required":          f.Required,
			"readonly":          f.Readonly || (f.Compute != nil && f.Inverse == nil),
			"store":             f.stored() || f.Store,
			"sortable":          f.sortable(),
			"searchable":        f.searchable(),
			"translate":         f.Translate,
			"manual":            false,
			"depends":           []any{},
			"company_dependent": false,
		}
		if f.String == "" {
			desc["string"] = humanize(f.Name)
		}
		if f.Help != "" {
			desc["help"] = f.Help
		}
		if f.Type.isRelational() {
			desc["relation"] = f.Relation
			desc["context"] = map[string]any{}
			desc["domain"] = []any{}
		}
		if f.Type == tOne2many {
			desc["relation_field"] = f.InverseOf
		}
		if f.Type == tSelection {
			sel := []any{}
			for _, o := range f.selectionFor(e.version()) {
				sel = append(sel, []any{o.Value, o.Label})
			}
			desc["selection"] = sel
		}
		if len(attrs) > 0 {
			for k := range desc {
				if !slices.Contains(attrs, k) {
					delete(desc, k)
				}
			}
		}
		out[f.Name] = desc
	}
	return out
}

func humanize(name string) string {
	s := strings.TrimSuffix(strings.TrimSuffix(name, "_id"), "_ids")
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return name
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// copyRecord duplicates a record's stored fields (not x2many, not unique
// barcode-like fields, which models exclude through defaults).
func (e *env) copyRecord(m *model, id int64, defaults map[string]any) (int64, error) {
	if err := e.ensureExist(m, []int64{id}); err != nil {
		return 0, err
	}
	vals := map[string]any{}
	for _, f := range m.stored {
		if isLogField(f.Name) || f.Type == tMany2many {
			continue
		}
		v := e.get(m, id, f)
		if v == nil {
			continue
		}
		vals[f.Name] = e.wireDefault(f, v)
	}
	if rn := m.recName(); rn != "" && m.field(rn).Type == tChar {
		if s, ok := vals[rn].(string); ok {
			vals[rn] = s + " (copy)"
		}
	}
	for k, v := range defaults {
		vals[k] = v
	}
	return e.create(m, vals)
}

// readGroup is a minimal read_group: one groupby field, counts and sums.
func (e *env) readGroup(m *model, domain, fields, groupby any) (any, error) {
	gbs, err := asStrings(groupby)
	if err != nil {
		return nil, err
	}
	fnames, err := asStrings(fields)
	if err != nil {
		return nil, err
	}
	if len(gbs) == 0 {
		return nil, valueError("read_group needs a groupby field")
	}
	gname := strings.SplitN(gbs[0], ":", 2)[0]
	gf := m.field(gname)
	if gf == nil {
		return nil, errInvalidField(m.Name, gname)
	}
	var sums []*field
	for _, n := range fnames {
		n = strings.SplitN(n, ":", 2)[0]
		f := m.field(n)
		if f == nil {
			return nil, errInvalidField(m.Name, n)
		}
		if (f.Type == tFloat || f.Type == tInteger || f.Type == tMonetary) && f.Name != "id" {
			sums = append(sums, f)
		}
	}
	d, err := asDomain(domain)
	if err != nil {
		return nil, err
	}
	ids, err := e.search(m, d, searchOpts{order: gname})
	if err != nil {
		return nil, err
	}
	var out []any
	var cur map[string]any
	var curKey any = struct{}{}
	for _, id := range ids {
		key := e.get(m, id, gf)
		if cur == nil || !sameGroup(key, curKey) {
			cur = map[string]any{gname: e.wire(gf, key), gname + "_count": int64(0),
				"__domain": append([]any{[]any{gname, "=", e.wireDefault(gf, key)}}, d...)}
			for _, f := range sums {
				cur[f.Name] = 0.0
			}
			out = append(out, cur)
			curKey = key
		}
		cur[gname+"_count"] = cur[gname+"_count"].(int64) + 1
		for _, f := range sums {
			cur[f.Name] = cur[f.Name].(float64) + toFloat(e.get(m, id, f))
		}
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}

func sameGroup(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return equalValues(a, b)
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	}
	return 0
}

// lookupMethod finds a public method of a model, or the Odoo error for an
// unknown one (AttributeError, code 1, wording per version).
func (e *env) lookupMethod(m *model, name string) (*method, error) {
	if md, ok := m.Methods[name]; ok {
		return md, nil
	}
	if md, ok := baseMethods[name]; ok && inRange(e.version(), md.Since, md.Until) {
		return md, nil
	}
	if e.version() >= 17 {
		return nil, attributeError("The method '%s' does not exist on the model '%s'", name, m.Name)
	}
	return nil, attributeError("type object '%s' has no attribute '%s'", m.Name, name)
}

// errorf is for model code: a UserError naming the record and the fix.
func errorf(format string, args ...any) error { return userError(format, args...) }

var _ = fmt.Sprintf
