package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Category is a catalog category as the bridge writes it.
type Category struct {
	ID        int // 0 creates a new category
	ParentID  int // 0 for a top-level category; the parent must exist
	Image     string
	Top       bool // 3.0/4.0: listed in the header menu (with its children); 4.1 lists every top-level category
	Column    int  // 3.0/4.0: menu columns of a Top category's children
	SortOrder int
	Status    bool

	// Descriptions by language_id. Languages without one get the default
	// language's; an empty MetaTitle becomes the name.
	Descriptions map[int]CategoryDescription
	Stores       []int       // nil means the default store 0
	Layouts      map[int]int // store → layout_id; none means the default layout

	// Keyword is the SEO keyword for every store and language in which
	// Keywords has no entry. Keywords are one URL part: no '/'. On 4.x the
	// stored keyword is prefixed with the parent's ("desktops/mac"), as
	// OpenCart's admin does.
	Keyword  string
	Keywords map[StoreLanguage]string
}

// CategoryDescription is the text of a category in one language. Description
// is HTML, as the admin's editor produces it.
type CategoryDescription struct {
	Name, Description, MetaTitle, MetaDescription, MetaKeyword string
}

// UpsertCategory creates (ID 0) or updates a category with every row
// OpenCart's admin writes: category, descriptions in every language, store
// and layout links, SEO URLs and the category_path closure table. Moving a
// category to another parent rewrites the paths (and on 4.x the SEO paths)
// of all its descendants. It returns the category_id.
//
// A parent must be written before its children. On MyISAM (3.0) the
// category is enabled last, so a failure leaves it disabled, not half-built.
// Caches are purged as after UpsertProducts.
func (db *DB) UpsertCategory(ctx context.Context, c Category) (int, error) {
	w, err := db.prepareCategory(c)
	if err != nil {
		return 0, fmt.Errorf("opencart: %w", err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error { return w.write(ctx, tx) })
	if err != nil {
		return 0, fmt.Errorf("opencart: write %s: %w", w.record, err)
	}
	return w.id, db.purgeCache("category", "product")
}

// categoryWrite is a validated category on its way into the database.
type categoryWrite struct {
	db       *DB
	c        Category
	record   string
	id       int
	descs    map[int]description // stored form
	stores   []int
	layouts  [][2]int
	keywords map[StoreLanguage]string // stored leaf keywords
}

func (db *DB) prepareCategory(c Category) (*categoryWrite, error) {
	w := &categoryWrite{db: db, c: c, id: c.ID, record: recordName("category", c.ID, defaultText(db, c.Descriptions).Name)}
	check := &fieldCheck{record: w.record}
	var err error
	w.descs, err = storedDescriptions(db, check, c.Descriptions, func(d CategoryDescription) description {
		return description{Name: d.Name, Description: d.Description, MetaTitle: d.MetaTitle, MetaDescription: d.MetaDescription, MetaKeyword: d.MetaKeyword}
	})
	if err != nil {
		return nil, err
	}
	check.text("image", c.Image, 255, false)
	if c.ParentID == c.ID && c.ID != 0 {
		check.fail("is its own parent")
	}
	if w.stores, err = db.storesFor(w.record, c.Stores); err != nil {
		return nil, err
	}
	if w.layouts, err = db.layoutRows(w.record, w.stores, c.Layouts); err != nil {
		return nil, err
	}
	w.keywords = db.resolveKeywords(check, w.stores, c.Keyword, c.Keywords)
	return w, check.err
}

func (w *categoryWrite) write(ctx context.Context, tx *sql.Tx) error {
	db := w.db
	if w.id != 0 {
		if err := db.requireRecord(ctx, tx, "category", "category_id", w.id); err != nil {
			return err
		}
	}
	parentPath, err := w.parentPath(ctx, tx)
	if err != nil {
		return err
	}
	if err := db.checkKeywordConflicts(ctx, tx, w.leafSEO()); err != nil {
		return err
	}
	if err := w.writeRow(ctx, tx); err != nil {
		return err
	}
	created := w.c.ID == 0
	if !created {
		for _, table := range []string{"category_description", "category_to_store", "category_to_layout"} {
			if err := db.deleteWhereIn(ctx, tx, table, "category_id", []int{w.id}); err != nil {
				return err
			}
		}
	}
	descs := db.insertInto("category_description", "category_id", "language_id", "name", "description", "meta_title", "meta_description", "meta_keyword")
	for _, lang := range db.languageIDs() {
		d := w.descs[lang]
		descs.add(w.id, lang, d.Name, d.Description, d.MetaTitle, d.MetaDescription, d.MetaKeyword)
	}
	stores := db.insertInto("category_to_store", "category_id", "store_id")
	for _, s := range w.stores {
		stores.add(w.id, s)
	}
	layouts := db.insertInto("category_to_layout", "category_id", "store_id", "layout_id")
	for _, l := range w.layouts {
		layouts.add(w.id, l[0], l[1])
	}
	for _, ins := range []*multiInsert{descs, stores, layouts} {
		if err := ins.exec(ctx, tx); err != nil {
			return err
		}
	}
	oldPaths, newPaths, err := db.moveCategoryPaths(ctx, tx, w.id, parentPath)
	if err != nil {
		return err
	}
	if err := w.writeSEO(ctx, tx, oldPaths, newPaths); err != nil {
		return err
	}
	if w.c.Status {
		_, err := tx.ExecContext(ctx, "UPDATE "+db.quoted("category")+" SET status = 1 WHERE category_id = ?", w.id)
		return err
	}
	return nil
}

// parentPath returns the parent's closure path (root first), or nil for a
// top-level category.
func (w *categoryWrite) parentPath(ctx context.Context, tx *sql.Tx) ([]int, error) {
	parent := w.c.ParentID
	if parent == 0 {
		return nil, nil
	}
	found, err := w.db.idSet(ctx, tx, "category", "category_id", []int{parent})
	if err != nil {
		return nil, err
	}
	if !found[parent] {
		return nil, fmt.Errorf("parent category %d does not exist; write the parent first", parent)
	}
	paths, err := w.db.readPaths(ctx, tx, "category_id = ?", parent)
	if err != nil {
		return nil, err
	}
	path := paths[parent]
	if len(path) == 0 {
		return nil, fmt.Errorf("parent category %d has no %s rows; run Catalog > Categories > Rebuild in OpenCart's admin", parent, w.db.table("category_path"))
	}
	if w.id != 0 && slices.Contains(path, w.id) {
		return nil, fmt.Errorf("cannot move it under category %d, which is inside it", parent)
	}
	return path, nil
}

// writeRow inserts or updates the oc_category row, disabled until the end.
func (w *categoryWrite) writeRow(ctx context.Context, tx *sql.Tx) error {
	db, c := w.db, w.c
	cols := []string{"image", "parent_id", "sort_order", "status"}
	vals := []any{c.Image, c.ParentID, c.SortOrder, 0}
	var createOnly []string
	if db.flavour != V41 { // 4.1 dropped top, column and the dates
		cols = append(cols, "top", "column", "date_modified")
		vals = append(vals, c.Top, c.Column, sqlExpr("NOW()"), sqlExpr("NOW()"))
		createOnly = []string{"date_added"}
	}
	row := db.rowsWithIDs("category", "category_id", cols, createOnly...)
	row.add(w.id, func(id int) { w.id = id }, vals...)
	return row.exec(ctx, tx)
}

// readPaths reads category_path rows matching a condition, as each
// category's ancestor ids from the root down to itself.
func (db *DB) readPaths(ctx context.Context, q queryer, where string, args ...any) (map[int][]int, error) {
	paths := map[int][]int{}
	err := eachRow(ctx, q, "SELECT category_id, path_id FROM "+db.quoted("category_path")+
		" WHERE "+where+" ORDER BY category_id, `level`", args, func(rows *sql.Rows) error {
		var id, pathID int
		if err := rows.Scan(&id, &pathID); err != nil {
			return err
		}
		paths[id] = append(paths[id], pathID)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", db.table("category_path"), err)
	}
	return paths, nil
}

// moveCategoryPaths places category id (new or existing) under a parent in
// the closure table: every category in its subtree gets the parent's path
// followed by its own path from id down, as OpenCart's editCategory does.
// New rows are written before stale ones are deleted, so no category is ever
// without a path. It returns the subtree's paths before and after.
func (db *DB) moveCategoryPaths(ctx context.Context, tx *sql.Tx, id int, parentPath []int) (before, after map[int][]int, err error) {
	before, err = db.readPaths(ctx, tx, "category_id IN (SELECT category_id FROM "+db.quoted("category_path")+" WHERE path_id = ?)", id)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := before[id]; !ok {
		before[id] = nil // new, or written without paths by some other tool
	}
	after = map[int][]int{}
	upsert := db.insertInto("category_path", "category_id", "path_id", "level").updatingOnDuplicate("level")
	var keep []any
	for cat, old := range before {
		from := slices.Index(old, id)
		if from < 0 {
			old, from = []int{id}, 0
		}
		path := append(slices.Clone(parentPath), old[from:]...)
		after[cat] = path
		for level, pathID := range path {
			upsert.add(cat, pathID, level)
			keep = append(keep, cat, pathID)
		}
	}
	if err := upsert.exec(ctx, tx); err != nil {
		return nil, nil, fmt.Errorf("write %s: %w", db.table("category_path"), err)
	}
	cats := make([]int, 0, len(before))
	for cat := range before {
		cats = append(cats, cat)
	}
	marks, args := inArgs(cats)
	pairs := strings.TrimSuffix(strings.Repeat("(?,?),", len(keep)/2), ",")
	_, err = tx.ExecContext(ctx, "DELETE FROM "+db.quoted("category_path")+" WHERE category_id IN ("+marks+
		") AND (category_id, path_id) NOT IN ("+pairs+")", append(args, keep...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("prune %s: %w", db.table("category_path"), err)
	}
	return before, after, nil
}

// writeSEO replaces the category's SEO URLs. On 4.x the URLs of categories
// carry their path ("20_27") and the parent's keyword, so a moved or renamed
// category also rewrites the SEO URLs of its descendants.
func (w *categoryWrite) writeSEO(ctx context.Context, tx *sql.Tx, oldPaths, newPaths map[int][]int) error {
	db := w.db
	owner := "category_id=" + strconv.Itoa(w.id)
	var urls []seoURL
	if db.flavour == V30 {
		for at, kw := range w.keywords {
			urls = append(urls, seoURL{at: at, owner: owner, keyword: kw})
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+db.quoted("seo_url")+" WHERE `query` = ?", owner); err != nil {
			return err
		}
		return db.insertSEO(ctx, tx, urls)
	}

	// Full keywords by category, built top-down from the parent's.
	full := map[int]map[StoreLanguage]string{}
	parentValue := joinIDs(newPaths[w.id][:len(newPaths[w.id])-1])
	var parentKeywords map[string]map[StoreLanguage]pathKeyword
	if parentValue != "" {
		var err error
		if parentKeywords, err = db.pathKeywords(ctx, tx, []string{parentValue}); err != nil {
			return err
		}
	}
	full[w.id] = map[StoreLanguage]string{}
	value := joinIDs(newPaths[w.id])
	for at, kw := range w.keywords {
		if prefix, ok := parentKeywords[parentValue][at]; ok {
			kw = prefix.keyword + "/" + kw
		}
		full[w.id][at] = kw
		urls = append(urls, seoURL{at: at, owner: owner, key: "path", value: value, keyword: kw})
	}
	var oldValues []string
	for _, path := range oldPaths {
		if len(path) > 0 {
			oldValues = append(oldValues, joinIDs(path))
		}
	}
	existing, err := db.pathKeywords(ctx, tx, oldValues)
	if err != nil {
		return err
	}
	// The category's own rows: every path ending in its id, which also
	// catches rows another tool left with a stale path.
	_, err = tx.ExecContext(ctx, "DELETE FROM "+db.quoted("seo_url")+" WHERE `key` = 'path' AND (`value` = ? OR `value` LIKE ?)",
		strconv.Itoa(w.id), "%\\_"+strconv.Itoa(w.id))
	if err != nil {
		return err
	}
	if err := db.insertSEO(ctx, tx, urls); err != nil {
		return err
	}

	// Descendants, parents before children.
	desc := make([]int, 0, len(newPaths))
	for cat := range newPaths {
		if cat != w.id {
			desc = append(desc, cat)
		}
	}
	slices.SortFunc(desc, func(a, b int) int { return len(newPaths[a]) - len(newPaths[b]) })
	for _, cat := range desc {
		path := newPaths[cat]
		parent := path[len(path)-2]
		full[cat] = map[StoreLanguage]string{}
		for at, row := range existing[joinIDs(oldPaths[cat])] {
			kw := lastSegment(row.keyword, "/")
			if prefix, ok := full[parent][at]; ok {
				kw = prefix + "/" + kw
			}
			full[cat][at] = kw
			_, err := tx.ExecContext(ctx, "UPDATE "+db.quoted("seo_url")+" SET `value` = ?, keyword = ? WHERE seo_url_id = ?",
				joinIDs(path), kw, row.id)
			if err != nil {
				return fmt.Errorf("rewrite SEO URL of sub-category %d: %w", cat, err)
			}
		}
	}
	return nil
}

// leafSEO lists the category's SEO URLs by leaf keyword, for the conflict
// check before anything is written.
func (w *categoryWrite) leafSEO() []seoURL {
	owner := "category_id=" + strconv.Itoa(w.id)
	if w.id == 0 {
		owner = w.record
	}
	var urls []seoURL
	for at, kw := range w.keywords {
		urls = append(urls, seoURL{at: at, owner: owner, keyword: kw})
	}
	return urls
}

type pathKeyword struct {
	id      int
	keyword string
}

// pathKeywords reads 4.x category SEO rows by path value.
func (db *DB) pathKeywords(ctx context.Context, q queryer, values []string) (map[string]map[StoreLanguage]pathKeyword, error) {
	out := map[string]map[StoreLanguage]pathKeyword{}
	if len(values) == 0 {
		return out, nil
	}
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(values)), ",")
	err := eachRow(ctx, q, "SELECT seo_url_id, store_id, language_id, `value`, keyword FROM "+db.quoted("seo_url")+
		" WHERE `key` = 'path' AND `value` IN ("+marks+")", args, func(rows *sql.Rows) error {
		var r pathKeyword
		var at StoreLanguage
		var value string
		if err := rows.Scan(&r.id, &at.StoreID, &at.LanguageID, &value, &r.keyword); err != nil {
			return err
		}
		if out[value] == nil {
			out[value] = map[StoreLanguage]pathKeyword{}
		}
		out[value][at] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read category SEO URLs: %w", err)
	}
	return out, nil
}

func joinIDs(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, "_")
}
