package opencart

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

func testCategoryRoundTrip(t *testing.T, db *DB) {
	ctx := context.Background()
	lang := db.DefaultLanguageID()
	parentID, err := db.UpsertCategory(ctx, Category{
		Top: true, Column: 2, SortOrder: 3, Status: true, Image: "catalog/odoo/cat.png",
		Descriptions: map[int]CategoryDescription{lang: {Name: nasty, Description: "<p>Hello & welcome</p>", MetaDescription: "md"}},
		Keyword:      "odoo-parent",
	})
	if err != nil {
		t.Fatal(err)
	}
	childID, err := db.UpsertCategory(ctx, Category{
		ParentID: parentID, Status: true, Layouts: map[int]int{0: 3},
		Descriptions: map[int]CategoryDescription{lang: {Name: "Child"}},
		Keyword:      "odoo-child",
	})
	if err != nil {
		t.Fatal(err)
	}

	want := fmt.Sprint([][]string{{"0", "3", "1", "catalog/odoo/cat.png"}})
	if got := fmt.Sprint(queryRows(t, db, "SELECT parent_id, sort_order, status, image FROM oc_category WHERE category_id = ?", parentID)); got != want {
		t.Errorf("category row = %s, want %s", got, want)
	}
	if db.flavour != V41 {
		wantRows(t, db, [][]string{{"1", "2"}}, "SELECT top, `column` FROM oc_category WHERE category_id = ?", parentID)
	}
	d := queryRows(t, db, "SELECT name, description, meta_title, meta_description FROM oc_category_description WHERE category_id = ?", parentID)
	if len(d) != 1 || plainText(d[0][0]) != nasty || plainText(d[0][1]) != "<p>Hello & welcome</p>" || plainText(d[0][2]) != nasty || d[0][3] != "md" {
		t.Errorf("descriptions = %q; want one row with the name round-tripping and meta title defaulted to it", d)
	}
	if d[0][0] == nasty || strings.Contains(d[0][0], "<b>") {
		t.Errorf("name stored as %q; OpenCart stores HTML-escaped text", d[0][0])
	}
	wantRows(t, db, [][]string{{"0"}}, "SELECT store_id FROM oc_category_to_store WHERE category_id = ?", parentID)
	wantRows(t, db, [][]string{{itoa(parentID), "0"}}, "SELECT path_id, level FROM oc_category_path WHERE category_id = ? ORDER BY level", parentID)
	wantRows(t, db, [][]string{{itoa(parentID), "0"}, {itoa(childID), "1"}}, "SELECT path_id, level FROM oc_category_path WHERE category_id = ? ORDER BY level", childID)

	// Layout rows as the admin writes them: 3.0/4.0 one per store (0 = default), 4.1 only real layouts.
	wantLayouts := [][]string{{"0", "0"}}
	if db.flavour == V41 {
		wantLayouts = nil
	}
	wantRows(t, db, wantLayouts, "SELECT store_id, layout_id FROM oc_category_to_layout WHERE category_id = ?", parentID)
	wantRows(t, db, [][]string{{"0", "3"}}, "SELECT store_id, layout_id FROM oc_category_to_layout WHERE category_id = ?", childID)

	// SEO: 3.0 query=category_id=N; 4.x path values with the parent's keyword in front.
	wantRows(t, db, [][]string{{"0", itoa(lang), "odoo-parent"}}, "SELECT store_id, language_id, keyword FROM oc_seo_url WHERE keyword = 'odoo-parent'")
	childSEO := seoRows(t, db, "category_id="+itoa(childID))
	wantChild := "odoo-child"
	if db.flavour != V30 {
		wantChild = "odoo-parent/odoo-child"
		wantRows(t, db, [][]string{{itoa(parentID) + "_" + itoa(childID)}}, "SELECT `value` FROM oc_seo_url WHERE `key` = 'path' AND keyword = ?", wantChild)
	}
	if len(childSEO) != 1 || childSEO[0][2] != wantChild {
		t.Errorf("child SEO = %v, want keyword %q", childSEO, wantChild)
	}
	if !categoryVisible(t, db, childID) {
		t.Errorf("child category is not visible in the storefront")
	}

	// Update in place: rename, disable, new keyword; the subtree's SEO follows.
	_, err = db.UpsertCategory(ctx, Category{
		ID: parentID, Status: false, SortOrder: 9,
		Descriptions: map[int]CategoryDescription{lang: {Name: "Renamed"}},
		Keyword:      "odoo-renamed",
	})
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, db, [][]string{{"0", "9"}}, "SELECT status, sort_order FROM oc_category WHERE category_id = ?", parentID)
	wantRows(t, db, [][]string{{"Renamed", "Renamed"}}, "SELECT name, meta_title FROM oc_category_description WHERE category_id = ?", parentID)
	wantRows(t, db, [][]string{{"0", itoa(lang), "odoo-renamed"}}, "SELECT store_id, language_id, keyword FROM oc_seo_url WHERE keyword LIKE 'odoo-renamed%' AND keyword NOT LIKE '%/%'")
	if db.flavour != V30 {
		if got := seoRows(t, db, "category_id="+itoa(childID)); len(got) != 1 || got[0][2] != "odoo-renamed/odoo-child" {
			t.Errorf("child SEO after renaming the parent's keyword = %v, want odoo-renamed/odoo-child", got)
		}
	}
	if categoryVisible(t, db, parentID) {
		t.Errorf("disabled category is visible")
	}
	wantRows(t, db, [][]string{{"1"}}, "SELECT COUNT(*) FROM oc_category_description WHERE category_id = ?", parentID)
	if _, err := db.UpsertCategory(ctx, Category{ID: 999999, Descriptions: map[int]CategoryDescription{lang: {Name: "x"}}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("updating a deleted category: err = %v, want ErrNotFound", err)
	}
	if _, err := db.UpsertCategory(ctx, Category{ParentID: 999999, Descriptions: map[int]CategoryDescription{lang: {Name: "x"}}}); err == nil || !strings.Contains(err.Error(), "write the parent first") {
		t.Errorf("category under a missing parent: err = %v, want a hint to write the parent first", err)
	}
	if _, err := db.UpsertCategory(ctx, Category{Keyword: "desktops", Descriptions: map[int]CategoryDescription{lang: {Name: "x"}}}); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("category with the demo keyword 'desktops': err = %v, want a keyword conflict", err)
	}
}

// categoryVisible is the storefront's test for a category (catalog model
// getCategory): enabled, described in the language, in the store.
func categoryVisible(t *testing.T, db *DB, id int) bool {
	t.Helper()
	return queryValue(t, db, `SELECT COUNT(*) FROM oc_category c
		JOIN oc_category_description cd ON cd.category_id = c.category_id AND cd.language_id = ?
		JOIN oc_category_to_store c2s ON c2s.category_id = c.category_id AND c2s.store_id = 0
		WHERE c.category_id = ? AND c.status = 1`, db.DefaultLanguageID(), id) == "1"
}

func testCategoryMove(t *testing.T, db *DB) {
	ctx := context.Background()
	lang := db.DefaultLanguageID()
	checkClosure(t, db, "in the demo data")

	// Move the demo "Components" subtree (25 > 28 > 35, 36; 29; …) under
	// "Desktops" (20), then back to the root.
	components := Category{ID: 25, ParentID: 20, Status: true, SortOrder: 3,
		Descriptions: map[int]CategoryDescription{lang: {Name: "Components"}}, Keyword: "component"}
	if _, err := db.UpsertCategory(ctx, components); err != nil {
		t.Fatal(err)
	}
	checkClosure(t, db, "after moving 25 under 20")
	wantRows(t, db, [][]string{{"20"}, {"25"}, {"28"}, {"35"}}, "SELECT path_id FROM oc_category_path WHERE category_id = 35 ORDER BY level")
	if db.flavour != V30 {
		wantRows(t, db, [][]string{{"20_25_28_35", "desktops/component/monitor/test-1"}},
			"SELECT `value`, keyword FROM oc_seo_url WHERE `key` = 'path' AND `value` LIKE '%\\_35'")
	}

	components.ParentID = 0
	if _, err := db.UpsertCategory(ctx, components); err != nil {
		t.Fatal(err)
	}
	checkClosure(t, db, "after moving 25 back to the root")
	wantRows(t, db, [][]string{{"25"}, {"28"}, {"35"}}, "SELECT path_id FROM oc_category_path WHERE category_id = 35 ORDER BY level")
	if db.flavour != V30 {
		wantRows(t, db, [][]string{{"25_28_35", "component/monitor/test-1"}},
			"SELECT `value`, keyword FROM oc_seo_url WHERE `key` = 'path' AND `value` LIKE '%\\_35'")
	}

	// A category cannot move into its own subtree; nothing changes.
	_, err := db.UpsertCategory(ctx, Category{ID: 25, ParentID: 35, Status: true,
		Descriptions: map[int]CategoryDescription{lang: {Name: "Components"}}})
	if err == nil || !strings.Contains(err.Error(), "inside it") {
		t.Errorf("moving 25 under its descendant 35: err = %v, want a refusal", err)
	}
	checkClosure(t, db, "after the refused move")
}

// checkClosure compares oc_category_path with the closure recomputed from
// scratch out of oc_category.parent_id, as the admin's "Rebuild" does.
func checkClosure(t *testing.T, db *DB, when string) {
	t.Helper()
	parent := map[string]string{}
	for _, r := range queryRows(t, db, "SELECT category_id, parent_id FROM oc_category") {
		parent[r[0]] = r[1]
	}
	want := map[string][]string{}
	for id := range parent {
		var path []string
		for c := id; c != "0"; c = parent[c] {
			path = append([]string{c}, path...)
			if len(path) > len(parent) {
				t.Fatalf("%s: parent_id cycle through category %s", when, id)
			}
		}
		want[id] = path
	}
	got := map[string][]string{}
	levels := map[string][]string{}
	for _, r := range queryRows(t, db, "SELECT category_id, path_id, level FROM oc_category_path ORDER BY category_id, level") {
		got[r[0]] = append(got[r[0]], r[1])
		levels[r[0]] = append(levels[r[0]], r[2])
	}
	for id, lv := range levels {
		for i, l := range lv {
			if l != itoa(i) {
				t.Errorf("%s: category %s has levels %v, want 0..%d", when, id, lv, len(lv)-1)
				break
			}
		}
	}
	if !maps.EqualFunc(got, want, slices.Equal[[]string]) {
		for id := range want {
			if !slices.Equal(got[id], want[id]) {
				t.Errorf("%s: category %s path %v, recomputed %v", when, id, got[id], want[id])
			}
		}
		for id := range got {
			if _, ok := want[id]; !ok {
				t.Errorf("%s: path rows for category %s, which does not exist", when, id)
			}
		}
	}
}
