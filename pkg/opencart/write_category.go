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
//
// On update (ID set) a field left at its zero value keeps what the shop has,
// except for ParentID, Status and the names; UpsertCategory lists the rules.
type Category struct {
	ID        int // 0 creates a new category
	ParentID  int // 0 for a top-level category; the parent must exist
	Image     string
	Top       bool // 3.0/4.0: listed in the header menu (with its children); 4.1 lists every top-level category
	Column    int  // 3.0/4.0: menu columns of a Top category's children
	SortOrder int
	Status    bool

	// Descriptions by language_id. On create, languages without one get the
	// default language's and an empty MetaTitle becomes the name; on update
	// only the languages given change.
	Descriptions map[int]CategoryDescription
	Stores       []int       // stores to list it in; nil means the default store 0 on create, none added on update
	Layouts      map[int]int // store → layout_id; on create stores without one get the default layout

	// Keyword is the SEO keyword for every language of the Stores (store 0
	// if none) in which Keywords has no entry. Keywords are one URL part: no
	// '/'. On 4.x the stored keyword is prefixed with the parent's
	// ("desktops/mac"), as OpenCart's admin does. Empty keywords write
	// nothing; an update changes only the slots given.
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
// An update changes what the bridge manages and leaves the rest as the shop
// has it, with the rules of UpsertProducts:
//   - always written: ParentID and Status; Image, Top, Column and
//     SortOrder when not zero (zero keeps the shop's value);
//   - descriptions, for the languages given: the name; Description,
//     MetaDescription and MetaKeyword when not empty; an empty MetaTitle
//     keeps the shop's meta title unless that was the old name, which it
//     then follows. Languages not given keep their texts;
//   - Stores are added, never removed; Layouts set the stores given;
//     Keyword and Keywords set the store/language slots they resolve to,
//     other SEO URLs keep their keywords (on 4.x a move still rewrites the
//     path and parent prefix of the category's and its subtree's URLs);
//   - never written: category filters and every other table.
//
// Repeating an update changes nothing but oc_category.date_modified (3.0,
// 4.0), which every update sets.
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
	db     *DB
	c      Category
	record string
	id     int
	scope  // texts, stores, layouts, keywords; update: the category exists
}

func (db *DB) prepareCategory(c Category) (*categoryWrite, error) {
	w := &categoryWrite{db: db, c: c, id: c.ID, record: recordName("category", c.ID, defaultText(db, c.Descriptions).Name)}
	check := &fieldCheck{record: w.record}
	descs, err := storedDescriptions(db, check, c.Descriptions, func(d CategoryDescription) description {
		return description{Name: d.Name, Description: d.Description, MetaTitle: d.MetaTitle, MetaDescription: d.MetaDescription, MetaKeyword: d.MetaKeyword}
	})
	if err != nil {
		return nil, err
	}
	check.text("image", c.Image, 255, false)
	if c.ParentID == c.ID && c.ID != 0 {
		check.fail("is its own parent")
	}
	if check.err != nil {
		return nil, check.err
	}
	w.scope, err = db.newScope(check, c.ID != 0, descs, keySet(c.Descriptions), placement{c.Stores, c.Layouts, c.Keyword, c.Keywords})
	return w, err
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
	common := db.newScopeRows("category")
	common.add(w.id, &w.scope)
	if err := common.exec(ctx, tx); err != nil {
		return err
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

// categoryKeptWhenZero are the oc_category columns an update writes only
// when the category gives them (column → holds text).
var categoryKeptWhenZero = map[string]bool{"image": true, "sort_order": false, "top": false, "column": false}

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
	row := db.rowsWithIDs("category", "category_id", cols, categoryKeptWhenZero, createOnly...)
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

// writeSEO writes the category's SEO URLs: on 3.0 like a product's
// (writeKeywords); on 4.x with writePathSEO.
func (w *categoryWrite) writeSEO(ctx context.Context, tx *sql.Tx, oldPaths, newPaths map[int][]int) error {
	if w.db.flavour != V30 {
		return w.writePathSEO(ctx, tx, oldPaths, newPaths)
	}
	var urls []seoURL
	for at, kw := range w.keywords {
		urls = append(urls, seoURL{at: at, owner: "category_id=" + strconv.Itoa(w.id), keyword: kw})
	}
	var updated []int
	if w.update {
		updated = []int{w.id}
	}
	return w.db.writeKeywords(ctx, tx, "category_id", urls, updated)
}

// writePathSEO writes 4.x category SEO URLs, which carry the category's path
// ("20_27") and the parent's keyword in front of their own
// ("desktops/mac"). The category's keyword changes in the slots given; a
// move rewrites the path and prefix of the category's and its subtree's
// URLs, and a new keyword the prefix of its subtree's URLs in that slot.
// Nothing else is rewritten.
func (w *categoryWrite) writePathSEO(ctx context.Context, tx *sql.Tx, oldPaths, newPaths map[int][]int) error {
	db := w.db
	path := newPaths[w.id]
	value := joinIDs(path)
	moved := !slices.Equal(oldPaths[w.id], path)
	parent := map[StoreLanguage]pathKeyword{}
	if parentValue := joinIDs(path[:len(path)-1]); parentValue != "" {
		rows, err := db.pathKeywords(ctx, tx, []string{parentValue})
		if err != nil {
			return err
		}
		parent = rows[parentValue]
	}
	prefixed := func(at StoreLanguage, leaf string) string {
		if p, ok := parent[at]; ok {
			return p.keyword + "/" + leaf
		}
		return leaf
	}

	// The category's own rows: every path ending in its id, which also
	// catches rows another tool left with a stale path.
	id := strconv.Itoa(w.id)
	own, err := db.pathRows(ctx, tx, "`value` = ? OR `value` LIKE ?", id, "%\\_"+id)
	if err != nil {
		return err
	}
	full := map[int]map[StoreLanguage]string{w.id: {}} // resulting keywords by category
	renamed := map[StoreLanguage]bool{}
	for _, r := range own {
		kw := r.keyword
		if leaf, ok := w.keywords[r.at]; ok {
			kw = prefixed(r.at, leaf)
		} else if moved || r.value != value {
			kw = prefixed(r.at, lastSegment(r.keyword, "/"))
		}
		renamed[r.at] = renamed[r.at] || kw != r.keyword
		full[w.id][r.at] = kw
		if err := db.rewritePathURL(ctx, tx, r, value, kw); err != nil {
			return err
		}
	}
	var urls []seoURL
	for at, leaf := range w.keywords {
		if _, ok := full[w.id][at]; !ok {
			full[w.id][at], renamed[at] = prefixed(at, leaf), true
			urls = append(urls, seoURL{at: at, owner: "category_id=" + id, key: "path", value: value, keyword: full[w.id][at]})
		}
	}
	if err := db.insertSEO(ctx, tx, urls); err != nil {
		return err
	}
	if !moved && len(renamed) == 0 {
		return nil
	}

	// Descendants, parents before children.
	desc := make([]int, 0, len(newPaths))
	var oldValues []string
	for cat := range newPaths {
		if cat != w.id {
			desc = append(desc, cat)
			oldValues = append(oldValues, joinIDs(oldPaths[cat]))
		}
	}
	existing, err := db.pathKeywords(ctx, tx, oldValues)
	if err != nil {
		return err
	}
	slices.SortFunc(desc, func(a, b int) int { return len(newPaths[a]) - len(newPaths[b]) })
	for _, cat := range desc {
		path := newPaths[cat]
		parent := path[len(path)-2]
		full[cat] = map[StoreLanguage]string{}
		for at, row := range existing[joinIDs(oldPaths[cat])] {
			kw := row.keyword
			if moved || renamed[at] {
				kw = lastSegment(row.keyword, "/")
				if prefix, ok := full[parent][at]; ok {
					kw = prefix + "/" + kw
				}
			}
			full[cat][at] = kw
			if err := db.rewritePathURL(ctx, tx, row, joinIDs(path), kw); err != nil {
				return fmt.Errorf("sub-category %d: %w", cat, err)
			}
		}
	}
	return nil
}

// rewritePathURL sets the path and keyword of a 4.x category SEO URL, if
// they differ.
func (db *DB) rewritePathURL(ctx context.Context, tx *sql.Tx, r pathKeyword, value, keyword string) error {
	if r.value == value && r.keyword == keyword {
		return nil
	}
	_, err := tx.ExecContext(ctx, "UPDATE "+db.quoted("seo_url")+" SET `value` = ?, keyword = ? WHERE seo_url_id = ?", value, keyword, r.id)
	if err != nil {
		return fmt.Errorf("rewrite SEO URL %d: %w", r.id, err)
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

// pathKeyword is a stored 4.x category SEO URL.
type pathKeyword struct {
	id      int
	at      StoreLanguage
	value   string // the path, "20_27"
	keyword string
}

// pathRows reads 4.x category SEO URLs matching a condition.
func (db *DB) pathRows(ctx context.Context, q queryer, where string, args ...any) ([]pathKeyword, error) {
	rows, err := queryAll(ctx, q, "SELECT seo_url_id, store_id, language_id, `value`, keyword FROM "+db.quoted("seo_url")+
		" WHERE `key` = 'path' AND ("+where+")", args, func(rows *sql.Rows, r *pathKeyword) error {
		return rows.Scan(&r.id, &r.at.StoreID, &r.at.LanguageID, &r.value, &r.keyword)
	})
	if err != nil {
		return nil, fmt.Errorf("read category SEO URLs: %w", err)
	}
	return rows, nil
}

// pathKeywords reads 4.x category SEO URLs by path value, by store and
// language.
func (db *DB) pathKeywords(ctx context.Context, q queryer, values []string) (map[string]map[StoreLanguage]pathKeyword, error) {
	out := map[string]map[StoreLanguage]pathKeyword{}
	if len(values) == 0 {
		return out, nil
	}
	marks, args := inArgs(values)
	rows, err := db.pathRows(ctx, q, "`value` IN ("+marks+")", args...)
	for _, r := range rows {
		if out[r.value] == nil {
			out[r.value] = map[StoreLanguage]pathKeyword{}
		}
		out[r.value][r.at] = r
	}
	return out, err
}

func joinIDs(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, "_")
}
