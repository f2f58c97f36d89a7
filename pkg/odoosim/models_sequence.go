package odoosim

import (
	"fmt"
	"strings"
)

// ir.sequence numbers sales orders (S00001), transfers (WH/OUT/00001),
// invoices (INV/2024/00001) and payments. Counters are rows written through
// the ORM, so a failed call rolls its number back (Odoo's "no_gap"
// behaviour; "standard" sequences may leave gaps, which clients must not
// rely on either way).

func init() {
	declare(&model{
		Name: "ir.sequence", Description: "Sequence", Order: "name",
		Fields: []*field{
			{Name: "name", Type: tChar, String: "Name", Required: true},
			{Name: "code", Type: tChar, String: "Sequence Code", Index: true},
			{Name: "implementation", Type: tSelection, String: "Implementation", Required: true, Default: constant("standard"),
				Selection: []selOption{{Value: "standard", Label: "Standard"}, {Value: "no_gap", Label: "No gap"}}},
			{Name: "prefix", Type: tChar, String: "Prefix"},
			{Name: "suffix", Type: tChar, String: "Suffix"},
			{Name: "padding", Type: tInteger, String: "Sequence Size", Required: true, Default: constant(int64(0))},
			{Name: "number_next", Type: tInteger, String: "Next Number", Required: true, Default: constant(int64(1))},
			{Name: "number_increment", Type: tInteger, String: "Step", Required: true, Default: constant(int64(1))},
			activeField(),
			companyField(),
		},
	})
}

// nextByCode is ir.sequence.next_by_code; the sequence is created on first
// use when missing (Odoo's journals and warehouses do the same for theirs).
func (e *env) nextByCode(code, prefix string, padding int64) (string, error) {
	seqs := e.searchIDs("ir.sequence", []any{"code", "=", code})
	if len(seqs) == 0 {
		id, err := e.create(e.mustModel("ir.sequence"), map[string]any{
			"name": code, "code": code, "prefix": prefix, "padding": padding,
		})
		if err != nil {
			return "", err
		}
		seqs = []int64{id}
	}
	return e.nextByID(seqs[0])
}

// nextByID is ir.sequence.next_by_id: the interpolated prefix, the padded
// number and the suffix.
func (e *env) nextByID(seq int64) (string, error) {
	n := e.val("ir.sequence", seq, "number_next").(int64)
	if err := e.write(e.mustModel("ir.sequence"), []int64{seq}, map[string]any{
		"number_next": n + e.val("ir.sequence", seq, "number_increment").(int64),
	}); err != nil {
		return "", err
	}
	pad := e.val("ir.sequence", seq, "padding").(int64)
	return e.interpolate(e.str("ir.sequence", seq, "prefix")) + fmt.Sprintf("%0*d", int(pad), n) +
		e.interpolate(e.str("ir.sequence", seq, "suffix")), nil
}

// interpolate expands the date placeholders Odoo allows in prefixes.
func (e *env) interpolate(s string) string {
	if !strings.Contains(s, "%(") {
		return s
	}
	t := e.now
	return strings.NewReplacer(
		"%(range_year)s", t.Format("2006"), "%(year)s", t.Format("2006"), "%(y)s", t.Format("06"),
		"%(month)s", t.Format("01"), "%(day)s", t.Format("02"),
	).Replace(s)
}
