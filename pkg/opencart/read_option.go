package opencart

import (
	"context"
	"database/sql"
	"fmt"
)

// Options reads every option (of every type: select, radio, checkbox, text,
// textarea, file, date, time, datetime) with its values, by sort order then
// id. Only choice lists (select, radio, checkbox) have values.
func (db *DB) Options(ctx context.Context) ([]Option, error) {
	options, err := queryAll(ctx, db.conn, "SELECT option_id, type, sort_order FROM "+db.table("option")+
		" ORDER BY sort_order, option_id", nil, func(rows *sql.Rows, o *Option) error {
		return rows.Scan(&o.ID, str(&o.Type), integer(&o.SortOrder))
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: read options: %w", err)
	}
	type valueRow struct {
		OptionValue
		optionID int
	}
	values, err := queryAll(ctx, db.conn, "SELECT option_value_id, option_id, image, sort_order FROM "+db.table("option_value")+
		" ORDER BY option_id, sort_order, option_value_id", nil, func(rows *sql.Rows, v *valueRow) error {
		return rows.Scan(&v.ID, integer(&v.optionID), str(&v.Image), integer(&v.SortOrder))
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: read option values: %w", err)
	}
	names, err := db.names(ctx, "option_description", "option_id")
	if err != nil {
		return nil, fmt.Errorf("opencart: read option names: %w", err)
	}
	valueNames, err := db.names(ctx, "option_value_description", "option_value_id")
	if err != nil {
		return nil, fmt.Errorf("opencart: read option value names: %w", err)
	}
	_, option := indexByID(options, func(o *Option) int { return o.ID })
	for i := range options {
		options[i].Names = names.of(options[i].ID)
	}
	for _, v := range values {
		if o := option(v.optionID); o != nil {
			v.Names = valueNames.of(v.ID)
			o.Values = append(o.Values, v.OptionValue)
		}
	}
	return options, nil
}

// AttributeGroup is an attribute group (e.g. "Memory") with its attributes.
type AttributeGroup struct {
	ID         int
	SortOrder  int
	Names      map[int]string // by language_id
	Attributes []Attribute    // by sort order
}

// Attribute is a product attribute (e.g. "test 1") in a group.
type Attribute struct {
	ID        int
	SortOrder int
	Names     map[int]string // by language_id
}

// Attributes reads every attribute group with its attributes, by sort order.
func (db *DB) Attributes(ctx context.Context) ([]AttributeGroup, error) {
	groups, err := queryAll(ctx, db.conn, "SELECT attribute_group_id, sort_order FROM "+db.table("attribute_group")+
		" ORDER BY sort_order, attribute_group_id", nil, func(rows *sql.Rows, g *AttributeGroup) error {
		return rows.Scan(&g.ID, integer(&g.SortOrder))
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: read attribute groups: %w", err)
	}
	type attributeRow struct {
		Attribute
		groupID int
	}
	attrs, err := queryAll(ctx, db.conn, "SELECT attribute_id, attribute_group_id, sort_order FROM "+db.table("attribute")+
		" ORDER BY attribute_group_id, sort_order, attribute_id", nil, func(rows *sql.Rows, a *attributeRow) error {
		return rows.Scan(&a.ID, integer(&a.groupID), integer(&a.SortOrder))
	})
	if err != nil {
		return nil, fmt.Errorf("opencart: read attributes: %w", err)
	}
	names, err := db.names(ctx, "attribute_group_description", "attribute_group_id")
	if err != nil {
		return nil, fmt.Errorf("opencart: read attribute group names: %w", err)
	}
	attrNames, err := db.names(ctx, "attribute_description", "attribute_id")
	if err != nil {
		return nil, fmt.Errorf("opencart: read attribute names: %w", err)
	}
	_, group := indexByID(groups, func(g *AttributeGroup) int { return g.ID })
	for i := range groups {
		groups[i].Names = names.of(groups[i].ID)
	}
	for _, a := range attrs {
		if g := group(a.groupID); g != nil {
			a.Names = attrNames.of(a.ID)
			g.Attributes = append(g.Attributes, a.Attribute)
		}
	}
	return groups, nil
}

// nameTable is a whole (id, language_id, name) description table.
type nameTable map[int]map[int]string

// of returns the names of one id by language (never nil).
func (t nameTable) of(id int) map[int]string {
	if names := t[id]; names != nil {
		return names
	}
	return map[int]string{}
}

// names reads a whole (id, language_id, name) description table.
func (db *DB) names(ctx context.Context, table, idColumn string) (nameTable, error) {
	out := nameTable{}
	err := eachRow(ctx, db.conn, "SELECT "+idColumn+", language_id, name FROM "+db.table(table), nil, func(rows *sql.Rows) error {
		var id, lang int
		var name string
		if err := rows.Scan(&id, &lang, text(&name)); err != nil {
			return err
		}
		if out[id] == nil {
			out[id] = map[int]string{}
		}
		out[id][lang] = name
		return nil
	})
	return out, err
}
