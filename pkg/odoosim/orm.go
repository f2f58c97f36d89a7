package odoosim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ctxInheritsChild marks the creation of an _inherits parent on behalf of a
// child record (Odoo's create_product_product=False for templates).
const ctxInheritsChild = "odoosim_inherits_child"

// ctxInCreateOf marks records created by x2many commands inside the create
// of a parent record, so hooks can leave the work to the parent's create.
const ctxInCreateOf = "odoosim_in_create_of"

// create inserts one record the way Odoo's create does: unknown fields
// fault, defaults fill the gaps, _inherits parents are created first,
// NOT NULL and foreign keys are checked, then x2many commands, inverses,
// SQL and Python constraints run.
func (e *env) create(m *model, vals map[string]any) (int64, error) {
	return e.createWithID(m, vals, 0)
}

func (e *env) createWithID(m *model, vals map[string]any, fixedID int64) (int64, error) {
	if e.tx == nil {
		return 0, fmt.Errorf("create on %s outside a write transaction", m.Name)
	}
	vals = maps.Clone(vals)
	if vals == nil {
		vals = map[string]any{}
	}
	if err := e.checkFieldNames(m, vals); err != nil {
		return 0, err
	}
	if m.BeforeCreate != nil {
		if err := m.BeforeCreate(e, vals); err != nil {
			return 0, err
		}
	}
	for _, f := range m.Fields {
		if _, given := vals[f.Name]; !given && f.Default != nil && f.delegate == nil {
			vals[f.Name] = f.Default(e)
		}
	}
	r := make(row, len(m.stored))
	for _, f := range m.stored {
		switch f.Type {
		case tInteger:
			r[f.pos] = int64(0)
		case tFloat, tMonetary:
			r[f.pos] = 0.0
		case tBoolean:
			r[f.pos] = false
		}
	}
	deferred, parentVals, err := e.assign(m, r, vals)
	if err != nil {
		return 0, err
	}
	for pmName, via := range m.Inherits {
		viaF := m.field(via)
		pid, _ := r[viaF.pos].(int64)
		pm := e.sc.models[pmName]
		if pid == 0 {
			parentEnv := e.withContext(map[string]any{ctxInheritsChild: m.Name})
			if pid, err = parentEnv.create(pm, parentVals[via]); err != nil {
				return 0, err
			}
			r[viaF.pos] = pid
		} else if len(parentVals[via]) > 0 {
			if err := e.write(pm, []int64{pid}, parentVals[via]); err != nil {
				return 0, err
			}
		}
	}
	e.stamp(m, r, true)
	if err := e.checkRow(m, r, nil); err != nil {
		return 0, err
	}
	t := e.table(m)
	id := t.allocID(fixedID)
	e.tx.put(t, id, r)
	if len(deferred) > 0 {
		if err := e.withContext(map[string]any{ctxInCreateOf: m.Name}).applyDeferred(m, id, deferred); err != nil {
			return 0, err
		}
	}
	if err := e.checkSQLConstraints(m, []int64{id}, nil); err != nil {
		return 0, err
	}
	if m.AfterCreate != nil {
		if err := m.AfterCreate(e, id, vals); err != nil {
			return 0, err
		}
	}
	return id, e.runConstrains(m, []int64{id})
}

func (e *env) checkFieldNames(m *model, vals map[string]any) error {
	for _, k := range sortedKeys(vals) {
		if m.field(k) == nil {
			return errInvalidField(m.Name, k)
		}
	}
	return nil
}

// assign converts vals into r; x2many commands and inverse fields are
// returned to run once the record exists, delegated values per parent link.
func (e *env) assign(m *model, r row, vals map[string]any) (deferred map[string]any, parents map[string]map[string]any, err error) {
	deferred = map[string]any{}
	parents = map[string]map[string]any{}
	for _, name := range sortedKeys(vals) {
		v := vals[name]
		f := m.field(name)
		switch {
		case isLogField(name):
			// Odoo overwrites log access columns itself.
		case f.delegate != nil:
			if parents[f.delegate.Name] == nil {
				parents[f.delegate.Name] = map[string]any{}
			}
			parents[f.delegate.Name][name] = v
		case f.Type.isX2many() || f.Compute != nil:
			deferred[name] = v
		default:
			cv, err := e.convertIn(f, v)
			if err != nil {
				return nil, nil, err
			}
			r[f.pos] = cv
		}
	}
	return deferred, parents, nil
}

func isLogField(name string) bool {
	switch name {
	case "id", "create_date", "create_uid", "write_date", "write_uid", "display_name", "__last_update":
		return true
	}
	return false
}

// stamp sets Odoo's log access columns.
func (e *env) stamp(m *model, r row, created bool) {
	// The log columns are the first stored fields (see magicFields).
	if created {
		r[0] = e.now
		r[1] = e.uid
	}
	r[2] = e.now
	r[3] = e.uid
}

// applyDeferred runs x2many commands and inverses in declaration order.
func (e *env) applyDeferred(m *model, id int64, deferred map[string]any) error {
	if len(deferred) == 0 {
		return nil
	}
	for _, f := range m.Fields {
		v, ok := deferred[f.Name]
		if !ok {
			continue
		}
		switch {
		case f.Type.isX2many() && f.Compute == nil:
			if err := e.applyX2many(m, id, f, v); err != nil {
				return err
			}
		case f.Inverse != nil:
			var cv any = v
			if !f.Type.isX2many() {
				var err error
				if cv, err = e.convertIn(f, v); err != nil {
					return err
				}
			}
			if err := f.Inverse(e, id, cv); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRow enforces NOT NULL on required columns and foreign keys on
// many2one columns (only the given fields when only is non-nil).
func (e *env) checkRow(m *model, r row, only map[string]bool) error {
	for _, f := range m.stored {
		if only != nil && !only[f.Name] {
			continue
		}
		if f.Required && r[f.pos] == nil {
			return errNotNull(e.version(), m, f)
		}
		if f.Type == tMany2one && !isLogField(f.Name) {
			if id, ok := r[f.pos].(int64); ok && !e.exists(e.sc.models[f.Relation], id) {
				return errForeignKey(e.version(), m, tableName(m.Name)+"_"+f.Name+"_fkey")
			}
		}
	}
	return nil
}

// write updates records like Odoo's write: missing ids fault, values are
// converted once, log columns updated, delegated fields written on parents.
func (e *env) write(m *model, ids []int64, vals map[string]any) error {
	if e.tx == nil {
		return fmt.Errorf("write on %s outside a write transaction", m.Name)
	}
	ids = dedupe(ids)
	if err := e.ensureExist(m, ids); err != nil {
		return err
	}
	vals = maps.Clone(vals)
	if err := e.checkFieldNames(m, vals); err != nil {
		return err
	}
	if m.BeforeWrite != nil {
		if err := m.BeforeWrite(e, ids, vals); err != nil {
			return err
		}
	}
	template := make(row, len(m.stored))
	deferred, parentVals, err := e.assign(m, template, vals)
	if err != nil {
		return err
	}
	set := make([]bool, len(m.stored)) // positions assigned from vals
	changed := map[string]bool{}
	for name := range vals {
		f := m.field(name)
		if !f.stored() || isLogField(name) {
			continue
		}
		changed[name] = true
		if _, later := deferred[name]; !later {
			set[f.pos] = true
		}
	}
	t := e.table(m)
	for _, id := range ids {
		r := slices.Clone(t.get(id))
		for pos, mark := range set {
			if mark {
				r[pos] = template[pos]
			}
		}
		e.stamp(m, r, false)
		if err := e.checkRow(m, r, changed); err != nil {
			return err
		}
		e.tx.put(t, id, r)
	}
	for via, pv := range parentVals {
		viaF := m.field(via)
		pm := e.sc.models[viaF.Relation]
		var pids []int64
		for _, id := range ids {
			if pid, ok := e.get(m, id, viaF).(int64); ok {
				pids = append(pids, pid)
			}
		}
		if err := e.write(pm, pids, pv); err != nil {
			return err
		}
	}
	for _, id := range ids {
		if err := e.applyDeferred(m, id, deferred); err != nil {
			return err
		}
	}
	if err := e.checkSQLConstraints(m, ids, changed); err != nil {
		return err
	}
	if m.AfterWrite != nil {
		if err := m.AfterWrite(e, ids, vals); err != nil {
			return err
		}
	}
	return e.runConstrains(m, ids)
}

func (e *env) ensureExist(m *model, ids []int64) error {
	var missing []int64
	for _, id := range ids {
		if !e.exists(m, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return errMissingRecords(m.Name, missing, e.uid)
	}
	return nil
}

// unlink deletes records, applying each referencing many2one's ondelete
// rule (cascade, set null, restrict -> foreign key fault) and dropping
// many2many links.
func (e *env) unlink(m *model, ids []int64) error {
	ids = dedupe(ids)
	if err := e.ensureExist(m, ids); err != nil {
		return err
	}
	if m.BeforeUnlink != nil {
		if err := m.BeforeUnlink(e, ids); err != nil {
			return err
		}
	}
	t := e.table(m)
	deleted := map[int64]row{}
	for _, id := range ids {
		if r := t.get(id); r != nil {
			deleted[id] = r
			e.tx.put(t, id, nil)
		}
	}
	doomed := map[int64]bool{}
	for _, id := range ids {
		doomed[id] = true
	}
	for _, om := range sortedModels(e.sc) {
		for _, f := range om.stored {
			if f.Relation != m.Name {
				continue
			}
			if err := e.dropReferences(om, f, doomed); err != nil {
				return err
			}
		}
	}
	if m.AfterUnlink != nil {
		return m.AfterUnlink(e, deleted)
	}
	return nil
}

func (e *env) dropReferences(om *model, f *field, doomed map[int64]bool) error {
	ot := e.table(om)
	switch f.Type {
	case tMany2one:
		var refs []int64
		for target := range doomed {
			if ids, indexed := ot.lookup(f.pos, target); indexed {
				refs = append(refs, ids...)
			}
		}
		if !ot.indexed(f.pos) {
			for id, r := range ot.rows {
				if r != nil && r[f.pos] != nil && doomed[r[f.pos].(int64)] {
					refs = append(refs, int64(id))
				}
			}
		}
		if len(refs) == 0 {
			return nil
		}
		slices.Sort(refs)
		switch f.onDelete() {
		case "cascade":
			var live []int64
			for _, id := range refs {
				if ot.get(id) != nil {
					live = append(live, id)
				}
			}
			if len(live) > 0 {
				return e.unlink(om, live)
			}
		case "restrict":
			return errForeignKey(e.version(), om, tableName(om.Name)+"_"+f.Name+"_fkey")
		default:
			for _, id := range refs {
				r := slices.Clone(ot.get(id))
				r[f.pos] = nil
				if f.Required {
					return errNotNull(e.version(), om, f)
				}
				e.tx.put(ot, id, r)
			}
		}
	case tMany2many:
		for id, r := range ot.rows {
			if r == nil {
				continue
			}
			cur, _ := r[f.pos].([]int64)
			kept := slices.DeleteFunc(slices.Clone(cur), func(x int64) bool { return doomed[x] })
			if len(kept) != len(cur) {
				nr := slices.Clone(r)
				nr[f.pos] = kept
				e.tx.put(ot, int64(id), nr)
			}
		}
	}
	return nil
}

// isReferenced tells whether any many2one of another record points to id
// (log columns aside).
func (e *env) isReferenced(m *model, id int64) bool {
	for _, om := range sortedModels(e.sc) {
		ot := e.table(om)
		for _, f := range om.stored {
			if f.Type != tMany2one || f.Relation != m.Name || isLogField(f.Name) {
				continue
			}
			if refs, indexed := ot.lookup(f.pos, id); indexed {
				if len(refs) > 0 && !(om == m && len(refs) == 1 && refs[0] == id) {
					return true
				}
				continue
			}
			for rid, r := range ot.rows {
				if r != nil && r[f.pos] == id && (om != m || int64(rid) != id) {
					return true
				}
			}
		}
	}
	return false
}

func (f *field) onDelete() string {
	if f.OnDelete != "" {
		return f.OnDelete
	}
	if f.Required {
		return "restrict"
	}
	return "set null"
}

// applyX2many executes x2many commands (or a plain id list, or false) on
// one record, with the shape checks Odoo's write_batch performs.
func (e *env) applyX2many(m *model, id int64, f *field, value any) error {
	cmds, err := normalizeCommands(f, value)
	if err != nil {
		return err
	}
	cm := e.sc.models[f.Relation]
	for _, c := range cmds {
		if err := e.applyCommand(m, id, f, cm, c); err != nil {
			return err
		}
	}
	return nil
}

type x2command struct {
	op   int64
	id   int64
	vals map[string]any
	ids  []int64
}

func normalizeCommands(f *field, value any) ([]x2command, error) {
	var list []any
	switch v := value.(type) {
	case nil:
		return []x2command{{op: 5}}, nil
	case bool:
		if !v {
			return []x2command{{op: 5}}, nil
		}
		return nil, valueError("Wrong value for %s: %s", fieldRepr(f), pyValueRepr(value))
	case []any:
		list = v
	default:
		return nil, valueError("Wrong value for %s: %s", fieldRepr(f), pyValueRepr(value))
	}
	if len(list) > 0 {
		if _, isCmd := list[0].([]any); !isCmd {
			ids, err := asIDs(list)
			if err != nil {
				return nil, err
			}
			return []x2command{{op: 6, ids: ids}}, nil
		}
	}
	out := make([]x2command, 0, len(list))
	for _, item := range list {
		c, ok := item.([]any)
		if !ok || len(c) == 0 {
			return nil, valueError("Wrong value for %s: %s", fieldRepr(f), pyValueRepr(value))
		}
		op, ok := asID(c[0])
		if !ok {
			return nil, valueError("Wrong value for %s: %s", fieldRepr(f), pyValueRepr(value))
		}
		cmd := x2command{op: op}
		arg := func(i int) any {
			if i < len(c) {
				return c[i]
			}
			return nil
		}
		bad := func() error {
			return valueError("Wrong value for %s: %s", fieldRepr(f), pyValueRepr(item))
		}
		switch op {
		case 0, 1:
			if len(c) != 3 {
				return nil, bad()
			}
			vals, ok := c[2].(map[string]any)
			if !ok {
				return nil, bad()
			}
			cmd.vals = vals
			if op == 1 {
				if cmd.id, ok = asID(c[1]); !ok {
					return nil, bad()
				}
			}
		case 2, 3, 4:
			if len(c) < 2 {
				return nil, typeError("'int' object is not subscriptable")
			}
			if cmd.id, ok = asID(arg(1)); !ok {
				return nil, bad()
			}
		case 5:
		case 6:
			if len(c) != 3 {
				return nil, bad()
			}
			ids, err := asIDs(c[2])
			if err != nil {
				return nil, err
			}
			cmd.ids = ids
		default:
			return nil, bad()
		}
		out = append(out, cmd)
	}
	return out, nil
}

func (e *env) applyCommand(m *model, id int64, f *field, cm *model, c x2command) error {
	if f.Type == tOne2many {
		return e.applyO2mCommand(id, f, cm, c)
	}
	current := e.idList(m.Name, id, f.Name)
	next := slices.Clone(current)
	switch c.op {
	case 0:
		nid, err := e.create(cm, c.vals)
		if err != nil {
			return err
		}
		next = append(next, nid)
	case 1:
		if err := e.write(cm, []int64{c.id}, c.vals); err != nil {
			return err
		}
	case 2:
		if err := e.unlink(cm, []int64{c.id}); err != nil {
			return err
		}
		next = slices.DeleteFunc(e.idList(m.Name, id, f.Name), func(x int64) bool { return x == c.id })
	case 3:
		next = slices.DeleteFunc(next, func(x int64) bool { return x == c.id })
	case 4:
		if !e.exists(cm, c.id) {
			return errForeignKey(e.version(), m, relTable(m, f)+"_"+f.Relation[strings.LastIndex(f.Relation, ".")+1:]+"_id_fkey")
		}
		if !slices.Contains(next, c.id) {
			next = append(next, c.id)
		}
	case 5:
		next = nil
	case 6:
		next = nil
		for _, x := range dedupe(c.ids) {
			if !e.exists(cm, x) {
				return errForeignKey(e.version(), m, relTable(m, f)+"_"+f.Relation[strings.LastIndex(f.Relation, ".")+1:]+"_id_fkey")
			}
			next = append(next, x)
		}
	}
	t := e.table(m)
	r := slices.Clone(t.get(id))
	r[f.pos] = next
	e.tx.put(t, id, r)
	return nil
}

// relTable approximates Odoo's generated many2many relation table name.
func relTable(m *model, f *field) string {
	a, b := tableName(m.Name), tableName(f.Relation)
	if a > b {
		a, b = b, a
	}
	return a + "_" + b + "_rel"
}

func (e *env) applyO2mCommand(id int64, f *field, cm *model, c x2command) error {
	inv := cm.field(f.InverseOf)
	detach := func(child int64) error {
		if inv.Required || inv.onDelete() == "cascade" {
			return e.unlink(cm, []int64{child})
		}
		return e.write(cm, []int64{child}, map[string]any{inv.Name: false})
	}
	switch c.op {
	case 0:
		vals := maps.Clone(c.vals)
		vals[inv.Name] = id
		_, err := e.create(cm, vals)
		return err
	case 1:
		return e.write(cm, []int64{c.id}, c.vals)
	case 2:
		return e.unlink(cm, []int64{c.id})
	case 3:
		return detach(c.id)
	case 4:
		return e.write(cm, []int64{c.id}, map[string]any{inv.Name: id})
	case 5, 6:
		keep := map[int64]bool{}
		for _, x := range c.ids {
			keep[x] = true
		}
		for _, child := range e.withContext(map[string]any{"active_test": false}).children(f, id) {
			if !keep[child] {
				if err := detach(child); err != nil {
					return err
				}
			}
		}
		for _, x := range c.ids {
			if err := e.write(cm, []int64{x}, map[string]any{inv.Name: id}); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSQLConstraints enforces unique rules and CHECK constraints touched
// by the changed fields (all of them on create).
func (e *env) checkSQLConstraints(m *model, ids []int64, changed map[string]bool) error {
	t := e.table(m)
	for _, u := range m.Uniques {
		if changed != nil && !slices.ContainsFunc(u.Fields, func(n string) bool { return changed[n] }) {
			continue
		}
		for _, id := range ids {
			if other, dup := e.duplicateOf(t, u, id); dup {
				return e.uniqueFault(m, u, other)
			}
		}
	}
	for _, c := range m.Checks {
		for _, id := range ids {
			if !c.OK(e, m, t.get(id)) {
				return errConstraint(c.Message)
			}
		}
	}
	return nil
}

// duplicateOf finds another record with the same key (NULLs never collide).
func (e *env) duplicateOf(t *table, u unique, id int64) (row, bool) {
	r := t.get(id)
	key := make([]any, len(u.Fields))
	for i, n := range u.Fields {
		key[i] = r[t.m.field(n).pos]
		if key[i] == nil {
			return nil, false
		}
	}
	candidates := func(yield func(int64) bool) {
		for _, n := range u.Fields {
			if ids, indexed := t.lookup(t.m.field(n).pos, r[t.m.field(n).pos]); indexed {
				for _, c := range ids {
					if !yield(c) {
						return
					}
				}
				return
			}
		}
		for c := range t.rows {
			if !yield(int64(c)) {
				return
			}
		}
	}
	for c := range candidates {
		if c == id {
			continue
		}
		o := t.get(c)
		if o == nil {
			continue
		}
		same := true
		for i, n := range u.Fields {
			if o[t.m.field(n).pos] != key[i] {
				same = false
				break
			}
		}
		if same {
			return o, true
		}
	}
	return nil, false
}

func (e *env) uniqueFault(m *model, u unique, dup row) error {
	if u.Message != "" {
		return errConstraint(u.Message)
	}
	vals := make([]string, len(u.Fields))
	for i, n := range u.Fields {
		vals[i] = fmt.Sprint(dup[m.field(n).pos])
	}
	return errConstraint(fmt.Sprintf("duplicate key value violates unique constraint %q\nDETAIL:  Key (%s)=(%s) already exists.\n",
		u.Name, strings.Join(u.Fields, ", "), strings.Join(vals, ", ")))
}

func (e *env) runConstrains(m *model, ids []int64) error {
	for _, c := range m.Constrains {
		if err := c(e, ids); err != nil {
			return err
		}
	}
	return nil
}

// read returns Odoo's read() rows: "id" always, then the requested fields.
func (e *env) read(m *model, ids []int64, fieldNames []string) ([]map[string]any, error) {
	fs, err := e.resolveFields(m, fieldNames)
	if err != nil {
		return nil, err
	}
	if err := e.ensureExist(m, ids); err != nil {
		return nil, err
	}
	return e.readRows(m, ids, fs), nil
}

func (e *env) resolveFields(m *model, names []string) ([]*field, error) {
	if len(names) == 0 {
		out := make([]*field, 0, len(m.Fields))
		for _, f := range m.Fields {
			if f.Name != "id" {
				out = append(out, f)
			}
		}
		return out, nil
	}
	out := make([]*field, 0, len(names))
	for _, n := range names {
		f := m.field(n)
		if f == nil {
			return nil, errInvalidField(m.Name, n)
		}
		if n != "id" {
			out = append(out, f)
		}
	}
	return out, nil
}

func (e *env) readRows(m *model, ids []int64, fs []*field) []map[string]any {
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		rec := make(map[string]any, len(fs)+1)
		rec["id"] = id
		for _, f := range fs {
			rec[f.Name] = e.wire(f, e.get(m, id, f))
		}
		out = append(out, rec)
	}
	return out
}

func dedupe(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sortedModels(s *schema) []*model {
	out := make([]*model, 0, len(s.models))
	for _, n := range sortedKeys(s.models) {
		out = append(out, s.models[n])
	}
	return out
}
