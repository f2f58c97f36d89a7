package odoosim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// cond is a compiled domain: it tells whether a record matches.
type cond func(id int64) bool

// compiled is a domain ready to run, with an optional candidate set taken
// from an index (an equality leaf at the top-level conjunction).
type compiled struct {
	match      cond
	candidates []int64
	indexed    bool
}

var domainOperators = map[string]bool{
	"=": true, "!=": true, ">": true, ">=": true, "<": true, "<=": true,
	"in": true, "not in": true, "like": true, "ilike": true, "not like": true, "not ilike": true,
	"=like": true, "=ilike": true, "child_of": true, "parent_of": true, "=?": true,
}

// compileDomain parses a Polish-notation domain ('&', '|', '!' prefix
// operators, implicit '&' between top-level terms).
func (e *env) compileDomain(m *model, domain []any) (compiled, error) {
	pos := 0
	var parse func() (cond, error)
	var topIndex []int64
	var topIndexed bool
	parse = func() (cond, error) {
		if pos >= len(domain) {
			return nil, valueError("Invalid domain %s: missing operand", pyValueRepr(domain))
		}
		item := domain[pos]
		pos++
		if op, ok := item.(string); ok {
			switch op {
			case "&", "|":
				a, err := parse()
				if err != nil {
					return nil, err
				}
				b, err := parse()
				if err != nil {
					return nil, err
				}
				if op == "&" {
					return func(id int64) bool { return a(id) && b(id) }, nil
				}
				return func(id int64) bool { return a(id) || b(id) }, nil
			case "!":
				a, err := parse()
				if err != nil {
					return nil, err
				}
				return func(id int64) bool { return !a(id) }, nil
			}
			return nil, valueError("Invalid leaf %s", pyRepr(op))
		}
		leaf, ok := item.([]any)
		if !ok || len(leaf) != 3 {
			return nil, valueError("Invalid leaf %s", pyValueRepr(item))
		}
		return e.compileLeaf(m, leaf)
	}
	var conds []cond
	for pos < len(domain) {
		start := pos
		c, err := parse()
		if err != nil {
			return compiled{}, err
		}
		if !topIndexed && pos == start+1 {
			topIndex, topIndexed = e.indexedCandidates(m, domain[start])
		}
		conds = append(conds, c)
	}
	match := func(int64) bool { return true }
	if len(conds) == 1 {
		match = conds[0]
	} else if len(conds) > 1 {
		match = func(id int64) bool {
			for _, c := range conds {
				if !c(id) {
					return false
				}
			}
			return true
		}
	}
	return compiled{match: match, candidates: topIndex, indexed: topIndexed}, nil
}

// indexedCandidates serves ('field', '=', value) on an indexed column.
func (e *env) indexedCandidates(m *model, item any) ([]int64, bool) {
	leaf, ok := item.([]any)
	if !ok || len(leaf) != 3 || leaf[1] != "=" {
		return nil, false
	}
	name, _ := leaf[0].(string)
	f := m.field(name)
	if f == nil || !f.stored() {
		return nil, false
	}
	key := leaf[2]
	switch {
	case f.Type == tMany2one || f.Type == tInteger:
		id, ok := asID(key)
		if !ok {
			return nil, false
		}
		key = id
	case f.Type.isString():
		if _, ok := key.(string); !ok {
			return nil, false
		}
	default:
		return nil, false
	}
	return e.table(m).lookup(f.pos, key)
}

func leafRepr(leaf []any) string {
	parts := make([]string, len(leaf))
	for i, p := range leaf {
		parts[i] = pyValueRepr(p)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (e *env) compileLeaf(m *model, leaf []any) (cond, error) {
	// (1, '=', 1) and (0, '=', 1) are Odoo's TRUE_LEAF / FALSE_LEAF.
	if n, ok := leaf[0].(int64); ok {
		return func(int64) bool { return n == 1 }, nil
	}
	left, ok := leaf[0].(string)
	opRaw, ok2 := leaf[1].(string)
	if !ok || !ok2 {
		return nil, valueError("Invalid leaf %s", leafRepr(leaf))
	}
	op := strings.ToLower(opRaw)
	switch op {
	case "<>":
		op = "!="
	case "==":
		op = "="
	}
	if !domainOperators[op] {
		return nil, valueError("Invalid leaf %s", leafRepr(leaf))
	}
	right := leaf[2]
	if op == "=?" {
		if !truthy(right) {
			return func(int64) bool { return true }, nil
		}
		op = "="
		if _, isList := right.([]any); isList {
			op = "in"
		}
	}
	path := strings.SplitN(left, ".", 2)
	f := m.field(path[0])
	if f == nil {
		return nil, e.invalidLeafField(m, path[0], leaf)
	}
	if f.delegate != nil {
		// _inherits: search the parent through the link field.
		return e.compileLeaf(m, []any{f.delegate.Name + "." + left, op, right})
	}
	if len(path) == 2 {
		return e.compilePath(m, f, path[1], op, right, leaf)
	}
	if !f.searchable() {
		if e.version() >= 17 {
			return nil, valueError("Non-stored field %s cannot be searched.", fieldRepr(f))
		}
		return func(int64) bool { return true }, nil // 13-16 log an error and ignore the leaf
	}
	switch {
	case op == "child_of" || op == "parent_of":
		return e.compileHierarchy(m, f, op, right)
	case f.Type == tMany2one && isNameMatch(right):
		return e.compileByName(m, f, op, right)
	case f.Type.isX2many():
		return e.compileX2many(m, f, op, right)
	}
	return e.compileScalar(m, f, op, right)
}

func (e *env) invalidLeafField(m *model, name string, leaf []any) error {
	if e.version() >= 17 {
		return valueError("Invalid field %s.%s in leaf %s", m.Name, name, leafRepr(leaf))
	}
	return valueError("Invalid field %s in leaf %s", pyRepr(name), pyRepr(leafRepr(leaf)))
}

// isNameMatch: a string (or list of strings) compared with a many2one
// searches the comodel by name, as Odoo does.
func isNameMatch(right any) bool {
	switch v := right.(type) {
	case string:
		return true
	case []any:
		if len(v) == 0 {
			return false
		}
		for _, x := range v {
			if _, ok := x.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// compilePath handles dotted paths: the rest of the path is searched on the
// comodel (archived records included for many2one, as Odoo does), then the
// relation must point into that set.
func (e *env) compilePath(m *model, f *field, rest, op string, right any, leaf []any) (cond, error) {
	if !f.Type.isRelational() {
		return nil, e.invalidLeafField(m, f.Name+"."+rest, leaf)
	}
	cm := e.sc.models[f.Relation]
	sub := e
	if f.Type == tMany2one {
		sub = e.withContext(map[string]any{"active_test": false})
	}
	ids, err := sub.search(cm, []any{[]any{rest, op, right}}, searchOpts{unordered: true})
	if err != nil {
		return nil, err
	}
	set := idSet(ids)
	return e.relationIn(m, f, set), nil
}

func idSet(ids []int64) map[int64]bool {
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set
}

// relationIn matches records whose relation points into set.
func (e *env) relationIn(m *model, f *field, set map[int64]bool) cond {
	if f.Type == tMany2one {
		return func(id int64) bool {
			v, _ := e.get(m, id, f).(int64)
			return set[v]
		}
	}
	return func(id int64) bool {
		ids, _ := e.get(m, id, f).([]int64)
		for _, x := range ids {
			if set[x] {
				return true
			}
		}
		return false
	}
}

func (e *env) compileByName(m *model, f *field, op string, right any) (cond, error) {
	cm := e.sc.models[f.Relation]
	negative := strings.HasPrefix(op, "not ") || op == "!="
	posOp := strings.TrimPrefix(op, "not ")
	if op == "!=" {
		posOp = "="
	}
	names, _ := right.([]any)
	if s, ok := right.(string); ok {
		names = []any{s}
	}
	sub := e.withContext(map[string]any{"active_test": false})
	set := map[int64]bool{}
	for _, id := range sub.allIDs(cm) {
		dn := sub.displayName(cm, id)
		for _, n := range names {
			if matchOp(posOp, dn, n, tChar) {
				set[id] = true
			}
		}
	}
	in := e.relationIn(m, f, set)
	if negative {
		return func(id int64) bool { return !in(id) }, nil
	}
	return in, nil
}

func (e *env) compileX2many(m *model, f *field, op string, right any) (cond, error) {
	switch op {
	case "=", "in", "!=", "not in":
		negative := op == "!=" || op == "not in"
		if !truthy(right) {
			// ('x_ids', '=', False): no linked record.
			return func(id int64) bool {
				ids, _ := e.get(m, id, f).([]int64)
				return (len(ids) == 0) != negative
			}, nil
		}
		ids, err := asIDs(right)
		if err != nil {
			return nil, err
		}
		in := e.relationIn(m, f, idSet(ids))
		if negative {
			return func(id int64) bool { return !in(id) }, nil
		}
		return in, nil
	}
	// like/ilike and comparisons apply to the comodel's name.
	cm := e.sc.models[f.Relation]
	rn := cm.recName()
	if rn == "" {
		return nil, valueError("Invalid leaf %s", leafRepr([]any{f.Name, op, right}))
	}
	return e.compilePath(m, f, rn, op, right, []any{f.Name, op, right})
}

// compileHierarchy implements child_of / parent_of on a many2one (or id)
// using the comodel's parent field.
func (e *env) compileHierarchy(m *model, f *field, op string, right any) (cond, error) {
	cm := m
	if f.Name != "id" {
		cm = e.sc.models[f.Relation]
	}
	var roots []int64
	if isNameMatch(right) {
		names, _ := right.([]any)
		if s, ok := right.(string); ok {
			names = []any{s}
		}
		for _, id := range e.allIDs(cm) {
			for _, n := range names {
				if matchOp("ilike", e.displayName(cm, id), n, tChar) {
					roots = append(roots, id)
				}
			}
		}
	} else {
		ids, err := asIDs(right)
		if err != nil {
			return nil, err
		}
		roots = ids
	}
	set := map[int64]bool{}
	pn := cm.parentName()
	pf := cm.field(pn)
	if pn == "" {
		for _, r := range roots {
			set[r] = true
		}
	} else if op == "child_of" {
		queue := slices.Clone(roots)
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			if set[id] || !e.exists(cm, id) {
				continue
			}
			set[id] = true
			kids, _ := e.table(cm).lookup(pf.pos, id)
			queue = append(queue, kids...)
		}
	} else {
		for _, id := range roots {
			for id != 0 && !set[id] && e.exists(cm, id) {
				set[id] = true
				id, _ = e.get(cm, id, pf).(int64)
			}
		}
	}
	if f.Name == "id" {
		return func(id int64) bool { return set[id] }, nil
	}
	return e.relationIn(m, f, set), nil
}

func (e *env) compileScalar(m *model, f *field, op string, right any) (cond, error) {
	rv := right
	if f.Type == tDate || f.Type == tDatetime {
		var err error
		if rv, err = normalizeDateOperand(f, right); err != nil {
			return nil, err
		}
	}
	if f.Name == "id" {
		return func(id int64) bool { return matchOp(op, id, rv, tInteger) }, nil
	}
	return func(id int64) bool { return matchOp(op, e.get(m, id, f), rv, f.Type) }, nil
}

func normalizeDateOperand(f *field, right any) (any, error) {
	conv := func(v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return v, nil
		}
		t, err := parseServerDate(s, f.Type == tDate)
		if err != nil {
			return nil, err
		}
		return t, nil
	}
	if list, ok := right.([]any); ok {
		out := make([]any, len(list))
		for i, v := range list {
			c, err := conv(v)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return conv(right)
}

// matchOp evaluates one comparison with PostgreSQL/Odoo semantics: NULL
// (nil) never compares, "!=" and negative operators include NULLs, and
// "= False" means IS NULL (or false for booleans).
func matchOp(op string, v, right any, ft fieldType) bool {
	isNull := v == nil || (ft == tMany2one && v == int64(0))
	rightFalse := right == nil || right == false
	switch op {
	case "=":
		if ft == tBoolean {
			return truthy(v) == truthy(right)
		}
		if rightFalse {
			return isNull
		}
		return !isNull && equalValues(v, right)
	case "!=":
		if ft == tBoolean {
			return truthy(v) != truthy(right)
		}
		if rightFalse {
			return !isNull
		}
		return isNull || !equalValues(v, right)
	case "in", "not in":
		list, ok := right.([]any)
		if !ok {
			list = []any{right}
		}
		found := false
		for _, x := range list {
			if (x == false || x == nil) && isNull && ft != tBoolean {
				found = true
			} else if ft == tBoolean && (x == false || x == true) {
				found = found || truthy(v) == x
			} else if !isNull && equalValues(v, x) {
				found = true
			}
		}
		if op == "in" {
			return found
		}
		return !found
	case ">", ">=", "<", "<=":
		if isNull || rightFalse {
			return false
		}
		c, ok := compareValues(v, right)
		if !ok {
			return false
		}
		switch op {
		case ">":
			return c > 0
		case ">=":
			return c >= 0
		case "<":
			return c < 0
		}
		return c <= 0
	case "like", "ilike", "=like", "=ilike", "not like", "not ilike":
		negative := strings.HasPrefix(op, "not ")
		if rightFalse {
			return isNull != negative
		}
		if isNull {
			return negative
		}
		pattern := fmt.Sprint(right)
		if s, ok := right.(string); ok {
			pattern = s
		}
		if !strings.HasPrefix(op, "=") {
			pattern = "%" + pattern + "%"
		}
		text := valueText(v)
		if strings.Contains(op, "ilike") {
			text, pattern = strings.ToLower(text), strings.ToLower(pattern)
		}
		return sqlLike(text, pattern) != negative
	}
	return false
}

func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return pyFloatRepr(x)
	case time.Time:
		return formatDatetime(x)
	}
	return fmt.Sprint(v)
}

func equalValues(a, b any) bool {
	c, ok := compareValues(a, b)
	return ok && c == 0
}

// compareValues orders two scalars of compatible kinds.
func compareValues(a, b any) (int, bool) {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, y), true
		case float64:
			return cmp.Compare(float64(x), y), true
		case bool:
			return cmp.Compare(x, boolInt(y)), true
		}
	case float64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, float64(y)), true
		case float64:
			return cmp.Compare(x, y), true
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
		if y, ok := b.(int64); ok {
			return strings.Compare(x, fmt.Sprint(y)), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmp.Compare(boolInt(x), boolInt(y)), true
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), true
		}
	}
	return 0, false
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// sqlLike matches SQL LIKE patterns: % any run, _ one rune, \ escapes.
func sqlLike(text, pattern string) bool {
	t, p := []rune(text), []rune(pattern)
	var match func(i, j int) bool
	memo := map[[2]int]bool{}
	match = func(i, j int) bool {
		if j == len(p) {
			return i == len(t)
		}
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		var res bool
		switch p[j] {
		case '%':
			res = match(i, j+1) || (i < len(t) && match(i+1, j))
		case '_':
			res = i < len(t) && match(i+1, j+1)
		case '\\':
			if j+1 < len(p) {
				res = i < len(t) && t[i] == p[j+1] && match(i+1, j+2)
			} else {
				res = i < len(t) && t[i] == '\\' && match(i+1, j+1)
			}
		default:
			res = i < len(t) && t[i] == p[j] && match(i+1, j+1)
		}
		memo[key] = res
		return res
	}
	// Fast path for the common "%word%" pattern.
	if len(p) >= 2 && p[0] == '%' && p[len(p)-1] == '%' && !strings.ContainsAny(string(p[1:len(p)-1]), "%_\\") {
		return strings.Contains(text, string(p[1:len(p)-1]))
	}
	return match(0, 0)
}

// searchOpts are the paging and ordering arguments of search().
type searchOpts struct {
	offset    int
	limit     int // 0 = no limit
	order     string
	unordered bool // internal sub-searches: skip sorting
}

// search runs a domain with active filtering, ordering and paging.
func (e *env) search(m *model, domain []any, o searchOpts) ([]int64, error) {
	if m.hasActive() && e.activeTest() && !mentionsActive(domain) {
		domain = append([]any{[]any{"active", "=", true}}, domain...)
	}
	c, err := e.compileDomain(m, domain)
	if err != nil {
		return nil, err
	}
	keys, err := e.parseOrder(m, o.order)
	if err != nil {
		return nil, err
	}
	byID := o.unordered || (len(keys) == 1 && keys[0].f.Name == "id")
	desc := byID && !o.unordered && keys[0].desc
	want := -1
	if byID && o.limit > 0 {
		want = o.offset + o.limit
	}
	var ids []int64
	visit := func(id int64) bool {
		if c.match(id) {
			ids = append(ids, id)
		}
		return want < 0 || len(ids) < want
	}
	if c.indexed {
		cand := c.candidates
		if desc {
			cand = slices.Clone(cand)
			slices.Reverse(cand)
		}
		for _, id := range cand {
			if !visit(id) {
				break
			}
		}
	} else {
		t := e.table(m)
		if desc {
			for id := int64(len(t.rows)) - 1; id > 0; id-- {
				if t.rows[id] != nil && !visit(id) {
					break
				}
			}
		} else {
			for id := int64(1); id < int64(len(t.rows)); id++ {
				if t.rows[id] != nil && !visit(id) {
					break
				}
			}
		}
	}
	if !byID {
		e.sortIDs(m, ids, keys)
	}
	return page(ids, o.offset, o.limit), nil
}

func page(ids []int64, offset, limit int) []int64 {
	if offset >= len(ids) {
		return []int64{}
	}
	ids = ids[offset:]
	if limit > 0 && limit < len(ids) {
		ids = ids[:limit]
	}
	return ids
}

// mentionsActive mirrors Odoo: active_test is skipped when any leaf is on "active".
func mentionsActive(domain []any) bool {
	for _, item := range domain {
		if leaf, ok := item.([]any); ok && len(leaf) == 3 && leaf[0] == "active" {
			return true
		}
	}
	return false
}

func (e *env) allIDs(m *model) []int64 {
	ids, _ := e.search(m, nil, searchOpts{unordered: true})
	return ids
}

type orderKey struct {
	f    *field
	desc bool
}

// parseOrder parses "name desc, id" (default: the model's _order, then id).
func (e *env) parseOrder(m *model, order string) ([]orderKey, error) {
	spec := strings.TrimSpace(order)
	if spec == "" {
		spec = m.Order
	}
	if spec == "" {
		spec = "id"
	}
	var keys []orderKey
	for _, part := range strings.Split(spec, ",") {
		words := strings.Fields(part)
		if len(words) == 0 {
			continue
		}
		f := m.field(words[0])
		if f == nil {
			return nil, errInvalidField(m.Name, words[0])
		}
		k := orderKey{f: f}
		if len(words) > 1 {
			switch strings.ToLower(words[1]) {
			case "desc":
				k.desc = true
			case "asc":
			default:
				return nil, valueError("Invalid \"order\" specified (%s). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)", order)
			}
		}
		if f.sortable() || f.Name == "id" || f.delegate != nil {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 || keys[len(keys)-1].f.Name != "id" {
		keys = append(keys, orderKey{f: m.field("id")})
	}
	return keys, nil
}

// sortIDs orders records by the keys; NULLs sort last ascending and first
// descending (PostgreSQL), many2one by the comodel's display name.
func (e *env) sortIDs(m *model, ids []int64, keys []orderKey) {
	vals := make(map[int64][]any, len(ids))
	for _, id := range ids {
		kv := make([]any, len(keys))
		for i, k := range keys {
			v := e.get(m, id, k.f)
			if k.f.Type == tMany2one {
				if rid, ok := v.(int64); ok && rid != 0 {
					v = e.displayName(e.sc.models[k.f.Relation], rid)
				} else {
					v = nil
				}
			}
			kv[i] = v
		}
		vals[id] = kv
	}
	slices.SortStableFunc(ids, func(a, b int64) int {
		va, vb := vals[a], vals[b]
		for i, k := range keys {
			x, y := va[i], vb[i]
			var c int
			switch {
			case x == nil && y == nil:
				c = 0
			case x == nil:
				c = 1
			case y == nil:
				c = -1
			default:
				c, _ = compareValues(x, y)
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}
