package odoosim

import (
	"fmt"
	"sort"
)

// Models are declared as data: a *model value lists its fields, methods,
// hooks and constraints, and a file per model group registers its models with
// declare() from an init function. The engine (orm.go, domain.go, server.go)
// never names a business model, so adding sale.order or stock.picking means
// adding one file that calls declare().

// fieldType is the Odoo field type.
type fieldType int

const (
	tChar fieldType = iota
	tText
	tHTML
	tSelection
	tBinary
	tInteger
	tFloat
	tMonetary
	tBoolean
	tDate
	tDatetime
	tMany2one
	tOne2many
	tMany2many
)

var fieldTypeNames = [...]string{"char", "text", "html", "selection", "binary", "integer", "float",
	"monetary", "boolean", "date", "datetime", "many2one", "one2many", "many2many"}

func (t fieldType) String() string { return fieldTypeNames[t] }

func (t fieldType) isString() bool { return t <= tBinary }

func (t fieldType) isX2many() bool { return t == tOne2many || t == tMany2many }

func (t fieldType) isRelational() bool { return t >= tMany2one }

// selOption is one (value, label) pair of a selection field, optionally
// limited to a version range.
type selOption struct {
	Value, Label string
	Since, Until int
}

// field declares one model field. Values held in rows use these Go types:
// string (char, text, html, selection, binary), int64 (integer, many2one id),
// float64 (float, monetary), bool, time.Time (date, datetime), []int64
// (many2many); nil means "not set" (SQL NULL) and reads as false.
type field struct {
	Name      string
	Type      fieldType
	String    string // label, used in fields_get and NOT NULL messages
	Help      string
	Relation  string // comodel of relational fields
	InverseOf string // one2many: the many2one on the comodel pointing back
	Required  bool
	Readonly  bool
	Translate bool
	Selection []selOption
	// Default returns the value a create gets when vals omit the field.
	Default func(e *env) any
	// Compute makes the field computed: evaluated on every read and search.
	Compute func(e *env, id int64) any
	// Inverse makes a computed field writable; it receives the converted value.
	Inverse func(e *env, id int64, value any) error
	// Store tells whether Odoo stores the (computed) field: only stored
	// fields can be sorted on, and non-stored computed fields are only
	// searchable when Searchable is set (Odoo has a search method for them).
	Store      bool
	Searchable bool
	// OnDelete for many2one: "set null", "cascade" or "restrict" (default:
	// restrict when required, set null otherwise, as in Odoo 13+).
	OnDelete string
	// Index keeps an equality index (char/selection) or reverse index
	// (many2one) so searches and one2many reads stay fast on large catalogs.
	Index bool
	// Since/Until restrict the field to a version range (inclusive; 0 = open).
	Since, Until int

	// Filled when the schema is built.
	model    *model
	pos      int    // position in a row; -1 when not stored
	delegate *field // _inherits: the many2one leading to the parent holding the value
}

func (f *field) stored() bool { return f.pos >= 0 }

// sortable mirrors Odoo: stored columns (and stored computes) only.
func (f *field) sortable() bool {
	return (f.stored() || (f.Compute != nil && f.Store)) && f.Type != tOne2many && f.Type != tMany2many && f.Type != tBinary
}

func (f *field) searchable() bool {
	return f.Name == "id" || f.stored() || f.Type == tOne2many || f.Store || f.Searchable || f.delegate != nil
}

func (f *field) selectionFor(version int) []selOption {
	var out []selOption
	for _, o := range f.Selection {
		if inRange(version, o.Since, o.Until) {
			out = append(out, o)
		}
	}
	return out
}

// method is a public model method callable over XML-RPC.
type method struct {
	// ReadOnly methods run under the shared lock and cannot change data.
	ReadOnly bool
	Since    int
	Until    int
	Fn       func(e *env, m *model, args []any, kwargs map[string]any) (any, error)
}

// unique is an SQL uniqueness rule. With Message set it is an
// _sql_constraint (Odoo shows the message); without, it is a unique index
// whose PostgreSQL text Odoo passes through.
type unique struct {
	Name    string
	Fields  []string
	Message string
	Since   int
	Until   int
	// IgnoreNull: NULLs never collide (SQL semantics); always true in practice.
}

// check is an SQL CHECK constraint evaluated on each written row.
type check struct {
	Name    string
	Message string
	OK      func(e *env, m *model, r row) bool
}

// model declares one Odoo model.
type model struct {
	Name        string
	Description string
	Since       int
	Until       int
	Order       string // default _order ("id" when empty)
	RecName     string // field used as display name ("name" when present)
	ParentName  string // hierarchy field for child_of/parent_of ("parent_id" when present)
	// Inherits is Odoo's _inherits: model name -> many2one field. Fields of
	// the parent are readable, writable and searchable on this model.
	Inherits  map[string]string
	Transient bool

	Fields  []*field
	Methods map[string]*method
	// DisplayName overrides the default display name (RecName's value).
	DisplayName func(e *env, id int64) string

	// Hooks run inside the call's transaction. BeforeCreate/BeforeWrite may
	// rewrite vals (e.g. keep renamed fields in sync); After* see the saved rows.
	BeforeCreate func(e *env, vals map[string]any) error
	AfterCreate  func(e *env, id int64, vals map[string]any) error
	BeforeWrite  func(e *env, ids []int64, vals map[string]any) error
	AfterWrite   func(e *env, ids []int64, vals map[string]any) error
	BeforeUnlink func(e *env, ids []int64) error
	// AfterUnlink sees the deleted rows (by id), e.g. to resync parents.
	AfterUnlink func(e *env, deleted map[int64]row) error
	// Constrains are Python @api.constrains checks run after create/write.
	Constrains []func(e *env, ids []int64) error

	Uniques []unique
	Checks  []check

	// Filled when the schema is built.
	fieldByName map[string]*field
	stored      []*field
	schema      *schema
}

func (m *model) field(name string) *field { return m.fieldByName[name] }

func (m *model) recName() string {
	if m.RecName != "" {
		return m.RecName
	}
	if m.field("name") != nil {
		return "name"
	}
	return ""
}

func (m *model) parentName() string {
	if m.ParentName != "" {
		return m.ParentName
	}
	if f := m.field("parent_id"); f != nil && f.Relation == m.Name {
		return "parent_id"
	}
	return ""
}

func (m *model) hasActive() bool {
	f := m.field("active")
	return f != nil && f.Type == tBoolean
}

var declarations = map[string]*model{}

// declare registers models; called from init functions of model files.
func declare(models ...*model) {
	for _, m := range models {
		if _, dup := declarations[m.Name]; dup {
			panic("odoosim: model declared twice: " + m.Name)
		}
		declarations[m.Name] = m
	}
}

func inRange(v, since, until int) bool {
	return (since == 0 || v >= since) && (until == 0 || v <= until)
}

// schema is the set of models and fields of one Odoo version.
type schema struct {
	version int
	models  map[string]*model
}

// magicFields exist on every model, as Odoo's log access columns. "id" is
// not stored in rows, so create_date, create_uid, write_date and write_uid
// take row positions 0 to 3 (env.stamp relies on it).
func magicFields() []*field {
	return []*field{
		{Name: "id", Type: tInteger, String: "ID", Readonly: true},
		{Name: "create_date", Type: tDatetime, String: "Created on", Readonly: true},
		{Name: "create_uid", Type: tMany2one, Relation: "res.users", String: "Created by", Readonly: true},
		{Name: "write_date", Type: tDatetime, String: "Last Updated on", Readonly: true},
		{Name: "write_uid", Type: tMany2one, Relation: "res.users", String: "Last Updated by", Readonly: true},
	}
}

// buildSchema instantiates every declared model valid for the version,
// keeping only that version's fields, methods and constraints.
func buildSchema(version int) (*schema, error) {
	s := &schema{version: version, models: map[string]*model{}}
	names := make([]string, 0, len(declarations))
	for n := range declarations {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := declarations[n]
		if !inRange(version, d.Since, d.Until) {
			continue
		}
		m := *d
		m.schema = s
		m.fieldByName = map[string]*field{}
		m.Fields = nil
		m.stored = nil
		for _, fd := range append(magicFields(), d.Fields...) {
			if !inRange(version, fd.Since, fd.Until) {
				continue
			}
			if _, dup := m.fieldByName[fd.Name]; dup {
				return nil, fmt.Errorf("model %s declares field %s twice for version %d", m.Name, fd.Name, version)
			}
			f := *fd
			f.model = &m
			f.pos = -1
			if f.Compute == nil && f.Type != tOne2many && f.Name != "id" {
				f.pos = len(m.stored)
				m.stored = append(m.stored, &f)
			}
			m.Fields = append(m.Fields, &f)
			m.fieldByName[f.Name] = &f
		}
		if f := m.fieldByName["display_name"]; f == nil {
			dn := &field{Name: "display_name", Type: tChar, String: "Display Name", Readonly: true, pos: -1, model: &m,
				Compute: func(e *env, id int64) any { return e.displayName(&m, id) }}
			m.Fields = append(m.Fields, dn)
			m.fieldByName[dn.Name] = dn
		}
		m.Methods = map[string]*method{}
		for name, md := range d.Methods {
			if inRange(version, md.Since, md.Until) {
				m.Methods[name] = md
			}
		}
		m.Uniques = nil
		for _, u := range d.Uniques {
			if inRange(version, u.Since, u.Until) {
				m.Uniques = append(m.Uniques, u)
			}
		}
		s.models[m.Name] = &m
	}
	for _, m := range s.models {
		if err := s.link(m); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// link resolves relations and adds _inherits delegate fields.
func (s *schema) link(m *model) error {
	for parentModel, via := range m.Inherits {
		pm := s.models[parentModel]
		if pm == nil {
			return fmt.Errorf("model %s inherits missing model %s", m.Name, parentModel)
		}
		viaField := m.fieldByName[via]
		if viaField == nil {
			return fmt.Errorf("model %s: _inherits field %s missing", m.Name, via)
		}
		for _, pf := range pm.Fields {
			if _, own := m.fieldByName[pf.Name]; own {
				continue
			}
			f := *pf
			f.model = m
			f.pos = -1
			f.delegate = viaField
			f.Compute = nil
			m.Fields = append(m.Fields, &f)
			m.fieldByName[f.Name] = &f
		}
	}
	for _, f := range m.Fields {
		if f.Type.isRelational() {
			if s.models[f.Relation] == nil {
				return fmt.Errorf("field %s.%s relates to model %s, absent in version %d", m.Name, f.Name, f.Relation, s.version)
			}
		}
		if f.Type == tOne2many {
			inv := s.models[f.Relation].fieldByName[f.InverseOf]
			if inv == nil || inv.Type != tMany2one {
				return fmt.Errorf("one2many %s.%s: inverse %s.%s is not a many2one", m.Name, f.Name, f.Relation, f.InverseOf)
			}
			inv.Index = true
		}
	}
	if pn := m.parentName(); pn != "" {
		m.fieldByName[pn].Index = true
	}
	return nil
}
