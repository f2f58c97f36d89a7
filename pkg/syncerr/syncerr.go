// Package syncerr names the one kind of sync error that retrying cannot cure: a record whose content the
// other side refuses (a missing name, a duplicate SKU, an unmapped tax under the "map" policy). Such a
// record is kept for replay with the reason, the field and the fix; everything else is retried.
package syncerr

import (
	"errors"
	"fmt"
)

// Invalid is a record that cannot sync until someone changes it (or a mapping).
type Invalid struct {
	Kind     string // mapping kind, e.g. "product"
	RecordID string // id on the record's source side
	Field    string // the field at fault, when known
	Reason   string // what is wrong, with the other system's own message when it gave one
	Fix      string // what an operator should do
}

func (e *Invalid) Error() string {
	msg := fmt.Sprintf("%s %s", e.Kind, e.RecordID)
	if e.Field != "" {
		msg += " field " + e.Field
	}
	msg += ": " + e.Reason
	if e.Fix != "" {
		msg += " (fix: " + e.Fix + ")"
	}
	return msg
}

// AsInvalid returns the *Invalid inside err, if any.
func AsInvalid(err error) (*Invalid, bool) {
	var inv *Invalid
	ok := errors.As(err, &inv)
	return inv, ok
}
