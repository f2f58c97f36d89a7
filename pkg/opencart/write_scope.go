package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// StoreLanguage addresses one language of one store, e.g. for SEO keywords.
type StoreLanguage struct {
	StoreID    int
	LanguageID int
}

// forEveryLanguage completes per-language texts so that the record shows in
// every storefront language: languages without an entry get the default
// language's entry (or, failing that, the one with the lowest language id).
// Entries for languages the shop does not have are an error.
func forEveryLanguage[T any](db *DB, record, what string, given map[int]T) (map[int]T, error) {
	if len(given) == 0 {
		return nil, fmt.Errorf("%s: no %s; give at least the default language (%d)", record, what, db.DefaultLanguageID())
	}
	known := map[int]bool{}
	for _, l := range db.languages {
		known[l.ID] = true
	}
	for id := range given {
		if !known[id] {
			return nil, fmt.Errorf("%s: %s for language %d, which the shop does not have (languages: %v)", record, what, id, db.languageIDs())
		}
	}
	fallback := defaultText(db, given)
	out := make(map[int]T, len(db.languages))
	for _, l := range db.languages {
		if v, ok := given[l.ID]; ok {
			out[l.ID] = v
		} else {
			out[l.ID] = fallback
		}
	}
	return out, nil
}

func (db *DB) languageIDs() []int {
	ids := make([]int, len(db.languages))
	for i, l := range db.languages {
		ids[i] = l.ID
	}
	return ids
}

// storedDescriptions completes a record's per-language texts to every
// language (forEveryLanguage), converts them to stored form, makes an empty
// meta title the name (OpenCart's admin requires one) and checks them
// against their columns.
func storedDescriptions[T any](db *DB, check *fieldCheck, given map[int]T, text func(T) description) (map[int]description, error) {
	all, err := forEveryLanguage(db, check.record, "descriptions", given)
	if err != nil {
		return nil, err
	}
	out := make(map[int]description, len(all))
	for lang, given := range all {
		d := text(given)
		if d.MetaTitle == "" {
			d.MetaTitle = d.Name
		}
		s := description{
			Name: db.storedText(d.Name), Description: db.storedText(d.Description), Tag: db.storedText(d.Tag),
			MetaTitle: db.storedText(d.MetaTitle), MetaDescription: db.storedText(d.MetaDescription), MetaKeyword: db.storedText(d.MetaKeyword),
		}
		check.text("name", s.Name, 255, true)
		check.text("meta title", s.MetaTitle, 255, true)
		check.text("meta description", s.MetaDescription, 255, false)
		check.text("meta keywords", s.MetaKeyword, 255, false)
		check.text("tags", s.Tag, (1<<16-1)/4, false)
		check.text("description", s.Description, db.descriptionWidth(), false)
		out[lang] = s
	}
	return out, nil
}

// descriptionWidth is what a description column holds, in characters at
// worst: TEXT is 65,535 bytes (3.0, 4.0), 4.1 uses MEDIUMTEXT.
func (db *DB) descriptionWidth() int {
	if db.flavour == V41 {
		return (1<<24 - 1) / 4
	}
	return (1<<16 - 1) / 4
}

// storesFor checks a record's store list; none means the default store 0,
// as OpenCart's admin form preselects it. Duplicates are dropped.
func (db *DB) storesFor(record string, given []int) ([]int, error) {
	if len(given) == 0 {
		return []int{0}, nil
	}
	known := map[int]bool{}
	for _, s := range db.stores {
		known[s.ID] = true
	}
	var out []int
	for _, id := range given {
		if !known[id] {
			return nil, fmt.Errorf("%s: store %d does not exist in the shop (stores: %v)", record, id, db.storeIDs())
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

func (db *DB) storeIDs() []int {
	ids := make([]int, len(db.stores))
	for i, s := range db.stores {
		ids[i] = s.ID
	}
	return ids
}

// layoutRows returns the (store, layout) pairs OpenCart's admin writes into
// *_to_layout: 3.0 and 4.0 post one row per store, 0 meaning "default
// layout"; 4.1 skips stores without a layout. An update writes only the
// stores that layouts names; on 4.1 those it sets to 0 are returned as
// defaults, whose rows are deleted.
func (db *DB) layoutRows(record string, stores []int, layouts map[int]int, update bool) (rows [][2]int, defaults []int, err error) {
	for store := range layouts {
		if !slices.Contains(stores, store) {
			return nil, nil, fmt.Errorf("%s: layout for store %d, which the record is not in (stores: %v)", record, store, stores)
		}
	}
	for _, store := range stores {
		layout, given := layouts[store]
		switch {
		case update && !given:
		case layout == 0 && db.flavour == V41:
			if update {
				defaults = append(defaults, store)
			}
		default:
			rows = append(rows, [2]int{store, layout})
		}
	}
	return rows, defaults, nil
}

// scope is what products and categories have alike, in stored form: texts
// per language, store links, layouts and SEO keywords. For an update it
// holds only what the caller gives (see UpsertProducts for the rules).
type scope struct {
	update         bool                     // the record exists
	descs          map[int]description      // every language
	given          map[int]bool             // languages the caller gave texts for
	stores         []int                    // stores to link (an update never unlinks)
	layouts        [][2]int                 // (store, layout_id) rows to write
	defaultLayouts []int                    // 4.1 update: stores set back to the default layout
	keywords       map[StoreLanguage]string // stored leaf keywords to write
}

// placement is the caller's say on where a record shows.
type placement struct {
	stores   []int
	layouts  map[int]int
	keyword  string
	keywords map[StoreLanguage]string
}

// newScope checks and converts a record's texts (already in stored form)
// and placement. Layouts and keywords apply to the stores given, or to the
// default store 0 when none are.
func (db *DB) newScope(check *fieldCheck, update bool, descs map[int]description, given map[int]bool, at placement) (scope, error) {
	s := scope{update: update, descs: descs, given: given}
	stores, err := db.storesFor(check.record, at.stores)
	if err != nil {
		return s, err
	}
	if !update || len(at.stores) > 0 {
		s.stores = stores
	}
	if s.layouts, s.defaultLayouts, err = db.layoutRows(check.record, stores, at.layouts, update); err != nil {
		return s, err
	}
	s.keywords = db.resolveKeywords(check, stores, at.keyword, at.keywords)
	return s, check.err
}

// keySet is the set of a map's keys.
func keySet[V any](m map[int]V) map[int]bool {
	set := make(map[int]bool, len(m))
	for k := range m {
		set[k] = true
	}
	return set
}

// metaTitleFollowsName is the update of a stored meta title: a meta title
// the caller gives is written; one left empty arrives as the name (the
// create default) and replaces the stored meta title only if that was the
// old name, so a meta title of the shop's own stays. It comes before the
// name's assignment, so `name` is still the old name.
const metaTitleFollowsName = "`meta_title` = IF(CAST(VALUES(`meta_title`) AS BINARY) = CAST(VALUES(`name`) AS BINARY)" +
	" AND NOT (CAST(`meta_title` AS BINARY) <=> CAST(`name` AS BINARY)), `meta_title`, VALUES(`meta_title`))"

// scopeRows collects the scope rows of products or categories and writes
// them with one statement per table:
//   - texts: the languages given (every language for a new record); name
//     and meta title as metaTitleFollowsName says, the other texts only
//     when not empty;
//   - texts of languages an update does not give: only where the record has
//     none yet, so that it shows in every language;
//   - store links: added, never removed; layouts: set.
type scopeRows struct {
	db                  *DB
	kind                string // "product" or "category"
	texts, missingTexts *multiInsert
	stores, layouts     *multiInsert
	defaultLayouts      [][2]int // (record id, store) rows to delete
}

func (db *DB) newScopeRows(kind string) *scopeRows {
	id := kind + "_id"
	columns := []string{id, "language_id", "name", "description", "meta_title", "meta_description", "meta_keyword"}
	sets := []string{metaTitleFollowsName, setColumn("name")}
	optional := []string{"description", "meta_description", "meta_keyword"}
	if kind == "product" {
		columns = append(columns, "tag")
		optional = append(optional, "tag")
	}
	for _, c := range optional {
		sets = append(sets, setColumnUnlessEmpty(c))
	}
	return &scopeRows{
		db: db, kind: kind,
		texts:        db.insertInto(kind+"_description", columns...).onDuplicate(sets...),
		missingTexts: db.insertInto(kind+"_description", columns...).addingMissing(),
		stores:       db.insertInto(kind+"_to_store", id, "store_id").addingMissing(),
		layouts:      db.insertInto(kind+"_to_layout", id, "store_id", "layout_id").updatingOnDuplicate("layout_id"),
	}
}

// add queues the rows of one record.
func (r *scopeRows) add(id int, s *scope) {
	for _, lang := range r.db.languageIDs() {
		d := s.descs[lang]
		values := []any{id, lang, d.Name, d.Description, d.MetaTitle, d.MetaDescription, d.MetaKeyword}
		if r.kind == "product" {
			values = append(values, d.Tag)
		}
		if s.update && !s.given[lang] {
			r.missingTexts.add(values...)
		} else {
			r.texts.add(values...)
		}
	}
	for _, store := range s.stores {
		r.stores.add(id, store)
	}
	for _, l := range s.layouts {
		r.layouts.add(id, l[0], l[1])
	}
	for _, store := range s.defaultLayouts {
		r.defaultLayouts = append(r.defaultLayouts, [2]int{id, store})
	}
}

func (r *scopeRows) exec(ctx context.Context, tx *sql.Tx) error {
	for _, ins := range []*multiInsert{r.texts, r.missingTexts, r.stores, r.layouts} {
		if err := ins.exec(ctx, tx); err != nil {
			return fmt.Errorf("write %s texts, stores and layouts: %w", r.kind, err)
		}
	}
	return r.db.deletePairs(ctx, tx, r.kind+"_to_layout", r.kind+"_id", "store_id", r.defaultLayouts)
}

// recordName names a record in errors: `product 42 "iPhone"`,
// `new category "Mac"`.
func recordName(kind string, id int, name string) string {
	if id == 0 {
		return fmt.Sprintf("new %s %q", kind, name)
	}
	return fmt.Sprintf("%s %d %q", kind, id, name)
}

// defaultText picks the default language's entry of per-language texts, or
// else the lowest language id's.
func defaultText[T any](db *DB, texts map[int]T) T {
	if t, ok := texts[db.DefaultLanguageID()]; ok {
		return t
	}
	var zero T
	if len(texts) == 0 {
		return zero
	}
	ids := make([]int, 0, len(texts))
	for id := range texts {
		ids = append(ids, id)
	}
	return texts[slices.Min(ids)]
}
