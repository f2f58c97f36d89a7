package odoosim

import (
	"errors"
	"fmt"
	"strings"
)

// Odoo's integer fault codes on /xmlrpc/2 (odoo/addons/base/controllers/rpc.py).
const (
	codeApplicationError = 1 // any Python exception that is not an Odoo one: traceback
	codeUserError        = 2 // UserError, ValidationError, MissingError, RedirectWarning
	codeAccessDenied     = 3 // bad uid/password/API key
	codeAccessError      = 4 // ACLs, record rules, private methods
)

// Fault is an XML-RPC fault as Odoo reports it.
type Fault struct {
	Code   int
	String string
}

func (f *Fault) Error() string { return fmt.Sprintf("Fault(%d): %s", f.Code, f.String) }

// userError is Odoo's UserError/ValidationError/MissingError: code 2, message only.
func userError(format string, args ...any) *Fault {
	return &Fault{Code: codeUserError, String: fmt.Sprintf(format, args...)}
}

// accessError is Odoo's AccessError: code 4, message only.
func accessError(format string, args ...any) *Fault {
	return &Fault{Code: codeAccessError, String: fmt.Sprintf(format, args...)}
}

var errAccessDenied = &Fault{Code: codeAccessDenied, String: "Access Denied"}

// pyError is any other Python exception: Odoo answers code 1 with the full
// formatted traceback, whose last line is "<ExcType>: <message>".
func pyError(excType, format string, args ...any) *Fault {
	msg := fmt.Sprintf(format, args...)
	return &Fault{Code: codeApplicationError, String: traceback(excType, msg)}
}

func valueError(format string, args ...any) *Fault { return pyError("ValueError", format, args...) }

func typeError(format string, args ...any) *Fault { return pyError("TypeError", format, args...) }

// traceback renders a Python traceback shaped like the ones Odoo sends, so
// clients that parse the last line (or grep the text) see the real layout.
func traceback(excType, msg string) string {
	var b strings.Builder
	b.WriteString("Traceback (most recent call last):\n")
	b.WriteString("  File \"/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py\", line 150, in xmlrpc_2\n")
	b.WriteString("    response = self._xmlrpc(service)\n")
	b.WriteString("  File \"/usr/lib/python3/dist-packages/odoo/service/model.py\", line 156, in execute_kw\n")
	b.WriteString("    return execute(db, uid, obj, method, *args, **kw or {})\n")
	b.WriteString(excType)
	b.WriteString(": ")
	b.WriteString(msg)
	b.WriteString("\n")
	return b.String()
}

// asFault turns any error raised while serving a call into the fault Odoo
// would send; errors that are not faults are simulator bugs and surface as a
// Python-style exception so the client still gets a well-formed reply.
func asFault(err error) *Fault {
	var f *Fault
	if errors.As(err, &f) {
		return f
	}
	return pyError("RuntimeError", "odoosim internal error: %v", err)
}

// Wording helpers shared by the engine and models. Texts are byte-compatible
// with Odoo 13-18 (see ../shared/reference/odoo-xmlrpc.md §2).

func errInvalidField(model, field string) *Fault {
	return valueError("Invalid field %s on model %s", pyRepr(field), pyRepr(model))
}

func errMissingRecords(model string, ids []int64, uid int64) *Fault {
	return userError("Record does not exist or has been deleted.\n(Record: %s, User: %d)", recordsetRepr(model, ids), uid)
}

func errNotNull(version int, m *model, f *field) *Fault {
	head := "The operation cannot be completed:\n" +
		"- Create/update: a mandatory field is not set.\n" +
		"- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
	if version <= 13 {
		return userError("%sModel: %s (%s), Field: %s (%s)", head, m.Description, m.Name, f.String, f.Name)
	}
	return userError("%sModel: %s (%s)\nField: %s (%s)\n", head, m.Description, m.Name, f.String, f.Name)
}

// errForeignKey is what a many2one to a missing id (or a restricted delete)
// produces: PostgreSQL's FOREIGN KEY violation converted by Odoo.
func errForeignKey(version int, m *model, constraint string) *Fault {
	head := "The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n"
	if version <= 13 {
		return userError("%sModel: %s (%s), Constraint: %s", head, m.Description, m.Name, constraint)
	}
	return userError("%sModel: %s (%s)\nConstraint: %s\n", head, m.Description, m.Name, constraint)
}

func errConstraint(message string) *Fault {
	return userError("The operation cannot be completed: %s", message)
}

// pyRepr quotes a string the way Python's repr() does for plain text.
func pyRepr(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, "\"") {
		return "\"" + s + "\""
	}
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, "\\", "\\\\"), "'", "\\'") + "'"
}

// recordsetRepr renders "product.template(4, 7)" / "product.template(4,)".
func recordsetRepr(model string, ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	s := strings.Join(parts, ", ")
	if len(ids) == 1 {
		s += ","
	}
	return model + "(" + s + ")"
}

// pyValueRepr renders an XML-RPC decoded value as Python's repr would, for
// messages that echo user input.
func pyValueRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return pyRepr(x)
	case float64:
		return pyFloatRepr(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyValueRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyRepr(k) + ": " + pyValueRepr(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}
