package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// seoURL is one oc_seo_url row. OpenCart 3.0 stores the target as
// query = "product_id=42"; 4.x as key = "product_id", value = "42", and
// categories as key = "path", value = "20_27" with the parent's keyword in
// front of their own ("desktops/mac").
type seoURL struct {
	at      StoreLanguage
	owner   string // "product_id=42" or "category_id=27", whatever the flavour stores
	key     string // 4.x key
	value   string // 4.x value
	keyword string // stored form, full path for 4.x categories
	sort    int    // 4.x sort_order: URL parts are ordered by it (category path 0, product 1)
}

// leaf is the keyword's own segment, which storefront URLs are matched by.
func (u seoURL) leaf() string { return lastSegment(u.keyword, "/") }

func lastSegment(s, sep string) string { return s[strings.LastIndex(s, sep)+1:] }

// keywordWidth is the seo_url.keyword column width.
func (db *DB) keywordWidth() int {
	if db.flavour == V30 {
		return 255
	}
	return 768
}

// resolveKeywords returns the stored leaf keyword for every store and
// language of a record: keywords[at] if given, else keyword; empty means no
// SEO URL there.
func (db *DB) resolveKeywords(check *fieldCheck, stores []int, keyword string, keywords map[StoreLanguage]string) map[StoreLanguage]string {
	out := map[StoreLanguage]string{}
	for at := range keywords {
		if !slices.Contains(stores, at.StoreID) || !slices.Contains(db.languageIDs(), at.LanguageID) {
			check.fail("SEO keyword for store %d language %d, which the record is not in (stores %v, languages %v)",
				at.StoreID, at.LanguageID, stores, db.languageIDs())
		}
	}
	for _, store := range stores {
		for _, lang := range db.languageIDs() {
			at := StoreLanguage{store, lang}
			kw, ok := keywords[at]
			if !ok {
				kw = keyword
			}
			if kw == "" {
				continue
			}
			if strings.Contains(kw, "/") {
				check.fail("SEO keyword %q contains '/', which OpenCart uses between URL parts; use '-' instead", kw)
			}
			stored := db.storedText(kw)
			check.text("SEO keyword", stored, db.keywordWidth(), false)
			out[at] = stored
		}
	}
	return out
}

// checkKeywordConflicts refuses keywords another record already uses in the
// same store: the storefront resolves a URL part by keyword alone (4.x also
// by the last segment of category paths), and compares case-insensitively,
// so a duplicate would send one of the two pages to the other.
func (db *DB) checkKeywordConflicts(ctx context.Context, q queryer, urls []seoURL) error {
	type slot struct {
		store int
		leaf  string // lower case
	}
	owners := map[slot]string{}
	var leaves []any
	for _, u := range urls {
		s := slot{u.at.StoreID, strings.ToLower(u.leaf())}
		if other, ok := owners[s]; ok && other != u.owner {
			return fmt.Errorf("SEO keyword %q is wanted by both %s and %s in store %d; give one of them another keyword", plainText(s.leaf), other, u.owner, s.store)
		}
		if _, ok := owners[s]; !ok {
			leaves = append(leaves, s.leaf)
		}
		owners[s] = u.owner
	}
	if len(leaves) == 0 {
		return nil
	}
	target := "`query`"
	if db.flavour != V30 {
		target = "CONCAT(`key`, '=', `value`)"
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(leaves)), ",")
	query := "SELECT store_id, " + target + ", keyword FROM " + db.quoted("seo_url") +
		" WHERE SUBSTRING_INDEX(keyword, '/', -1) IN (" + marks + ")"
	return eachRow(ctx, q, query, leaves, func(rows *sql.Rows) error {
		var store int
		var target, keyword string
		if err := rows.Scan(&store, &target, &keyword); err != nil {
			return err
		}
		owner := seoOwner(target)
		want, ok := owners[slot{store, strings.ToLower(lastSegment(keyword, "/"))}]
		if ok && want != owner {
			return fmt.Errorf("SEO keyword %q for %s is already used by %s in store %d; give one of them another keyword",
				plainText(lastSegment(keyword, "/")), want, owner, store)
		}
		return nil
	})
}

// seoOwner names the record a stored seo_url target points at, the same way
// in every flavour: 4.x "path=20_27" is category 27.
func seoOwner(target string) string {
	if path, ok := strings.CutPrefix(target, "path="); ok {
		return "category_id=" + lastSegment(path, "_")
	}
	return target
}

// insertSEO writes seo_url rows.
func (db *DB) insertSEO(ctx context.Context, tx *sql.Tx, urls []seoURL) error {
	if err := db.seoInsert(urls).exec(ctx, tx); err != nil {
		return fmt.Errorf("write SEO URLs: %w", err)
	}
	return nil
}

// seoInsert queues seo_url rows.
func (db *DB) seoInsert(urls []seoURL) *multiInsert {
	var ins *multiInsert
	if db.flavour == V30 {
		ins = db.insertInto("seo_url", "store_id", "language_id", "query", "keyword")
	} else {
		ins = db.insertInto("seo_url", "store_id", "language_id", "key", "value", "keyword", "sort_order")
	}
	for _, u := range urls {
		if db.flavour == V30 {
			ins.add(u.at.StoreID, u.at.LanguageID, u.owner, u.keyword)
		} else {
			ins.add(u.at.StoreID, u.at.LanguageID, u.key, u.value, u.keyword, u.sort)
		}
	}
	return ins
}

// seoSlot is the content an SEO URL of a record is matched by.
type seoSlot struct {
	at      StoreLanguage
	keyword string
}

// writeKeywords writes the SEO URLs of products (key "product_id") or of
// 3.0 categories ("category_id"): every URL of a new record; of an updated
// one (updated lists their ids) only the store/language slots it has a
// keyword for. In such a slot a stored row with the same keyword stays as
// it is and the slot's other rows are replaced; other slots, stores and
// languages keep their rows.
func (db *DB) writeKeywords(ctx context.Context, tx *sql.Tx, key string, urls []seoURL, updated []int) error {
	stored, err := db.storedKeywords(ctx, tx, key, updated)
	if err != nil {
		return err
	}
	wanted := map[string]map[StoreLanguage]seoURL{} // by owner and slot
	for _, u := range urls {
		if wanted[u.owner] == nil {
			wanted[u.owner] = map[StoreLanguage]seoURL{}
		}
		wanted[u.owner][u.at] = u
	}
	var add []seoURL
	var drop []int
	for owner, slots := range wanted {
		want := make([]seoSlot, 0, len(slots))
		for at, u := range slots {
			want = append(want, seoSlot{at, u.keyword})
		}
		added, dropped := reconcile(stored[owner], want, func(s seoSlot) bool { _, ok := slots[s.at]; return ok })
		for _, s := range added {
			add = append(add, slots[s.at])
		}
		drop = append(drop, dropped...)
	}
	return db.replaceRows(ctx, tx, db.seoInsert(add), "seo_url", "seo_url_id", drop)
}

// storedKeywords reads the SEO URLs of records by owner ("product_id=42").
func (db *DB) storedKeywords(ctx context.Context, tx *sql.Tx, key string, ids []int) (map[string][]storedRow[seoSlot], error) {
	stored := map[string][]storedRow[seoSlot]{}
	if len(ids) == 0 {
		return stored, nil
	}
	marks, args := inArgs(ids)
	owner, where := "`query`", "`query` IN ("+marks+")"
	for i, id := range ids {
		args[i] = key + "=" + strconv.Itoa(id)
	}
	if db.flavour != V30 {
		owner, where = "CONCAT(`key`, '=', `value`)", "`key` = ? AND `value` IN ("+marks+")"
		for i, id := range ids {
			args[i] = strconv.Itoa(id)
		}
		args = append([]any{key}, args...)
	}
	err := eachRow(ctx, tx, "SELECT seo_url_id, "+owner+", store_id, language_id, keyword FROM "+db.quoted("seo_url")+" WHERE "+where, args,
		func(rows *sql.Rows) error {
			var r storedRow[seoSlot]
			var owner string
			err := rows.Scan(&r.id, str(&owner), integer(&r.key.at.StoreID), integer(&r.key.at.LanguageID), str(&r.key.keyword))
			stored[owner] = append(stored[owner], r)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read %s SEO URLs: %w", key, err)
	}
	return stored, nil
}
