package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// description is one row of a category_description/product_description
// table; the exported types are CategoryDescription and ProductDescription.
type description struct {
	Name, Description, Tag, MetaTitle, MetaDescription, MetaKeyword string
}

// CategoryRecord is a category as read from the shop: the fields
// UpsertCategory writes (except Keyword, Keywords and Layouts, which are not
// read back) plus what only the shop knows.
type CategoryRecord struct {
	Category
	// Path is the category's ancestors from the root down to itself, from
	// oc_category_path (e.g. [20, 27] for "Desktops > Mac").
	Path []int
	// DateAdded and DateModified are zero on 4.1.0.1+, which dropped them.
	DateAdded    time.Time
	DateModified time.Time
}

// Categories reads up to limit categories with category_id > afterID, by id.
func (db *DB) Categories(ctx context.Context, afterID, limit int) ([]CategoryRecord, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("opencart: read categories: %w", err)
	}
	list, err := db.readCategories(ctx, "c.category_id > ? ORDER BY c.category_id LIMIT ?", afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("opencart: read categories after id %d: %w", afterID, err)
	}
	return list, nil
}

// CategoriesByID reads the given categories (missing ids are skipped), by id.
func (db *DB) CategoriesByID(ctx context.Context, ids []int) ([]CategoryRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inArgs(ids)
	list, err := db.readCategories(ctx, "c.category_id IN ("+in+") ORDER BY c.category_id", args...)
	if err != nil {
		return nil, fmt.Errorf("opencart: read %d categories by id, starting with %d: %w", len(ids), ids[0], err)
	}
	return list, nil
}

func (db *DB) readCategories(ctx context.Context, cond string, args ...any) ([]CategoryRecord, error) {
	query := "SELECT c.category_id, c.parent_id, c.image, " + db.columnOr("category", "c", "top", "0") + ", " +
		db.columnOr("category", "c", "column", "0") + ", c.sort_order, c.status, " +
		db.columnOr("category", "c", "date_added", "NULL") + ", " + db.columnOr("category", "c", "date_modified", "NULL") +
		" FROM " + db.table("category") + " c WHERE " + cond
	out, err := queryAll(ctx, db.conn, query, args, func(rows *sql.Rows, c *CategoryRecord) error {
		c.Descriptions = map[int]CategoryDescription{}
		return rows.Scan(&c.ID, integer(&c.ParentID), str(&c.Image), boolean(&c.Top), integer(&c.Column), integer(&c.SortOrder),
			boolean(&c.Status), timestamp(&c.DateAdded), timestamp(&c.DateModified))
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids, at := indexByID(out, func(c *CategoryRecord) int { return c.ID })
	err = db.eachDescription(ctx, "category_description", "category_id", ids, func(id, lang int, d description) {
		at(id).Descriptions[lang] = CategoryDescription{Name: d.Name, Description: d.Description, MetaTitle: d.MetaTitle,
			MetaDescription: d.MetaDescription, MetaKeyword: d.MetaKeyword}
	})
	if err != nil {
		return nil, fmt.Errorf("descriptions: %w", err)
	}
	err = eachIn(ctx, db.conn, "SELECT category_id, path_id FROM "+db.table("category_path")+
		" WHERE category_id IN (%s) ORDER BY category_id, level", ids, func(rows *sql.Rows) error {
		var id, pathID int
		if err := rows.Scan(&id, &pathID); err != nil {
			return err
		}
		at(id).Path = append(at(id).Path, pathID)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	err = db.eachLink(ctx, "category_to_store", "category_id", "store_id", ids, func(id, storeID int) {
		at(id).Stores = append(at(id).Stores, storeID)
	})
	if err != nil {
		return nil, fmt.Errorf("stores: %w", err)
	}
	return out, nil
}

// eachDescription reads the per-language descriptions of the given ids from
// a category_description/product_description-style table.
func (db *DB) eachDescription(ctx context.Context, table, idColumn string, ids []int, put func(id, lang int, d description)) error {
	tag := db.columnOr(table, "d", "tag", "''")
	return eachIn(ctx, db.conn, "SELECT d."+idColumn+", d.language_id, d.name, d.description, "+tag+", d.meta_title, d.meta_description, d.meta_keyword FROM "+
		db.table(table)+" d WHERE d."+idColumn+" IN (%s)", ids, func(rows *sql.Rows) error {
		var id, lang int
		var d description
		if err := rows.Scan(&id, &lang, text(&d.Name), text(&d.Description), text(&d.Tag), text(&d.MetaTitle), text(&d.MetaDescription), text(&d.MetaKeyword)); err != nil {
			return err
		}
		put(id, lang, d)
		return nil
	})
}

// eachLink reads a two-column link table (product_to_category, …) for the
// given ids, ordered by both columns.
func (db *DB) eachLink(ctx context.Context, table, idColumn, otherColumn string, ids []int, put func(id, other int)) error {
	return eachIn(ctx, db.conn, "SELECT "+idColumn+", "+otherColumn+" FROM "+db.table(table)+" WHERE "+idColumn+
		" IN (%s) ORDER BY "+idColumn+", "+otherColumn, ids, func(rows *sql.Rows) error {
		var id, other int
		if err := rows.Scan(&id, &other); err != nil {
			return err
		}
		put(id, other)
		return nil
	})
}
