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
	if err := ins.exec(ctx, tx); err != nil {
		return fmt.Errorf("write SEO URLs: %w", err)
	}
	return nil
}

// deleteProductSEO removes the SEO URLs of products.
func (db *DB) deleteProductSEO(ctx context.Context, tx *sql.Tx, productIDs []int) error {
	if len(productIDs) == 0 {
		return nil
	}
	values := make([]any, len(productIDs))
	for i, id := range productIDs {
		values[i] = strconv.Itoa(id)
		if db.flavour == V30 {
			values[i] = "product_id=" + strconv.Itoa(id)
		}
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(values)), ",")
	query := "DELETE FROM " + db.quoted("seo_url") + " WHERE `query` IN (" + marks + ")"
	if db.flavour != V30 {
		query = "DELETE FROM " + db.quoted("seo_url") + " WHERE `key` = 'product_id' AND `value` IN (" + marks + ")"
	}
	if _, err := tx.ExecContext(ctx, query, values...); err != nil {
		return fmt.Errorf("delete product SEO URLs: %w", err)
	}
	return nil
}
