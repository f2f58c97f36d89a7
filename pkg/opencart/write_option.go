package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Option is a choice list shown on product pages (e.g. "Colour"). Products
// offer some of its values through ProductOption.
type Option struct {
	ID        int    // 0 creates a new option
	Type      string // "select", "radio" or "checkbox"
	SortOrder int
	Names     map[int]string // by language_id; missing languages get the default language's
	Values    []OptionValue
}

// OptionValue is one entry of an option's list. Values are updated in place
// (their ids stay), so products and past orders keep pointing at them.
type OptionValue struct {
	ID        int // 0 creates a new value
	Names     map[int]string
	Image     string
	SortOrder int
}

// UpsertOption creates or updates an option and its values and returns it
// with every ID set. Values of the option missing from o.Values are deleted,
// unless a product still offers them: then nothing is written and the error
// names the products.
func (db *DB) UpsertOption(ctx context.Context, o Option) (Option, error) {
	o.Values = slices.Clone(o.Values)
	record := recordName("option", o.ID, defaultText(db, o.Names))
	names, values, err := db.prepareOption(record, o)
	if err != nil {
		return o, fmt.Errorf("opencart: %w", err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error { return db.writeOption(ctx, tx, &o, names, values) })
	if err != nil {
		return o, fmt.Errorf("opencart: write %s: %w", record, err)
	}
	return o, db.purgeCache("product")
}

// prepareOption validates an option and returns its names and its values'
// names in every language, in stored form.
func (db *DB) prepareOption(record string, o Option) (map[int]string, []map[int]string, error) {
	switch o.Type {
	case "select", "radio", "checkbox":
	default:
		return nil, nil, fmt.Errorf("%s: type %q is not a choice list; use select, radio or checkbox", record, o.Type)
	}
	check := &fieldCheck{record: record}
	names, err := db.storedNames(check, record, "names", o.Names)
	if err != nil {
		return nil, nil, err
	}
	values := make([]map[int]string, len(o.Values))
	for i, v := range o.Values {
		what := fmt.Sprintf("names of value %d", i+1)
		if values[i], err = db.storedNames(check, record, what, v.Names); err != nil {
			return nil, nil, err
		}
		check.text("image of value "+fmt.Sprint(i+1), v.Image, 255, false)
		if o.ID == 0 && v.ID != 0 {
			check.fail("is new but its value %d has an ID; values of a new option are new too (ID 0)", i+1)
		}
	}
	return names, values, check.err
}

// storedNames completes names to every language and checks them against the
// name columns of options and option values (128 characters).
func (db *DB) storedNames(check *fieldCheck, record, what string, given map[int]string) (map[int]string, error) {
	all, err := forEveryLanguage(db, record, what, given)
	if err != nil {
		return nil, err
	}
	for lang, name := range all {
		all[lang] = db.storedText(name)
		check.text(what, all[lang], 128, true)
	}
	return all, nil
}

func (db *DB) writeOption(ctx context.Context, tx *sql.Tx, o *Option, names map[int]string, valueNames []map[int]string) error {
	cols := []string{"type", "sort_order"} // 4.1's validation (a regex for text options) stays NULL, as in the demo data
	vals := []any{o.Type, o.SortOrder}
	// Everything that can refuse the write is checked before the first
	// statement, as MyISAM (3.0) cannot roll back.
	var dropped []int
	if o.ID != 0 {
		if err := db.requireRecord(ctx, tx, "option", "option_id", o.ID); err != nil {
			return err
		}
		var err error
		if dropped, err = db.droppedOptionValues(ctx, tx, o); err != nil {
			return err
		}
	}
	row := db.rowsWithIDs("option", "option_id", cols, nil)
	row.add(o.ID, func(id int) { o.ID = id }, vals...)
	if err := row.exec(ctx, tx); err != nil {
		return err
	}
	if err := db.deleteWhereIn(ctx, tx, "option_value", "option_value_id", dropped); err != nil {
		return err
	}
	if err := db.writeOptionValues(ctx, tx, o); err != nil {
		return err
	}
	for _, table := range []string{"option_description", "option_value_description"} {
		if err := db.deleteWhereIn(ctx, tx, table, "option_id", []int{o.ID}); err != nil {
			return err
		}
	}
	descs := db.insertInto("option_description", "option_id", "language_id", "name")
	valueDescs := db.insertInto("option_value_description", "option_value_id", "language_id", "option_id", "name")
	for _, lang := range db.languageIDs() {
		descs.add(o.ID, lang, names[lang])
		for i, v := range o.Values {
			valueDescs.add(v.ID, lang, o.ID, valueNames[i][lang])
		}
	}
	if err := descs.exec(ctx, tx); err != nil {
		return err
	}
	return valueDescs.exec(ctx, tx)
}

// droppedOptionValues returns the option's values that o.Values no longer
// lists. It refuses values that are not the option's, and dropping values
// that a product still offers.
func (db *DB) droppedOptionValues(ctx context.Context, tx *sql.Tx, o *Option) ([]int, error) {
	existing := map[int]bool{}
	err := eachRow(ctx, tx, "SELECT option_value_id FROM "+db.quoted("option_value")+" WHERE option_id = ?", []any{o.ID},
		func(rows *sql.Rows) error {
			var id int
			err := rows.Scan(&id)
			existing[id] = true
			return err
		})
	if err != nil {
		return nil, err
	}
	for _, v := range o.Values {
		if v.ID == 0 {
			continue
		}
		if !existing[v.ID] {
			return nil, fmt.Errorf("option value %d is not a value of this option (or listed twice); leave ID 0 to create a value", v.ID)
		}
		delete(existing, v.ID)
	}
	dropped := slices.Sorted(maps.Keys(existing))
	if len(dropped) == 0 {
		return nil, nil
	}
	marks, args := inArgs(dropped)
	var usedBy []string
	err = eachRow(ctx, tx, "SELECT option_value_id, GROUP_CONCAT(DISTINCT product_id ORDER BY product_id) FROM "+
		db.quoted("product_option_value")+" WHERE option_value_id IN ("+marks+") GROUP BY option_value_id", args,
		func(rows *sql.Rows) error {
			var id int
			var products string
			err := rows.Scan(&id, &products)
			usedBy = append(usedBy, fmt.Sprintf("value %d by products %s", id, products))
			return err
		})
	if err != nil {
		return nil, err
	}
	if len(usedBy) > 0 {
		return nil, fmt.Errorf("cannot drop option values that products still offer (%s); remove them from those products first",
			strings.Join(usedBy, "; "))
	}
	return dropped, nil
}

// writeOptionValues updates the listed values in place and inserts the new
// ones, setting their IDs.
func (db *DB) writeOptionValues(ctx context.Context, tx *sql.Tx, o *Option) error {
	values := db.rowsWithIDs("option_value", "option_value_id", []string{"option_id", "image", "sort_order"}, nil)
	for i, v := range o.Values {
		values.add(v.ID, func(id int) { o.Values[i].ID = id }, o.ID, v.Image, v.SortOrder)
	}
	return values.exec(ctx, tx)
}
