package opencart

import (
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
// layout"; 4.1 skips stores without a layout.
func (db *DB) layoutRows(record string, stores []int, layouts map[int]int) ([][2]int, error) {
	var rows [][2]int
	for store := range layouts {
		if !slices.Contains(stores, store) {
			return nil, fmt.Errorf("%s: layout for store %d, which the record is not in (stores: %v)", record, store, stores)
		}
	}
	for _, store := range stores {
		layout := layouts[store]
		if layout == 0 && db.flavour == V41 {
			continue
		}
		rows = append(rows, [2]int{store, layout})
	}
	return rows, nil
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
