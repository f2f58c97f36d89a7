package opencart

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func testCachePurge(t *testing.T, db *DB) {
	ctx := context.Background()
	writeCacheFiles(t, db.cacheDir, "cache.product.0f1e2d.1893456000", "cache.product.bestseller.0.0.5.1893456000",
		"cache.category.1893456000", "cache.currency.1893456000", "cache.productx.1893456000", "index.html")
	if _, err := db.SetStock(ctx, []StockLevel{{ProductID: 40, Quantity: 3}}); err != nil {
		t.Fatal(err)
	}
	assertCacheFiles(t, db, "cache.category.1893456000", "cache.currency.1893456000", "cache.productx.1893456000", "index.html")

	writeCacheFiles(t, db.cacheDir, "cache.product.abc.1893456000")
	if _, err := db.UpsertCategory(ctx, Category{Descriptions: map[int]CategoryDescription{db.DefaultLanguageID(): {Name: "cached"}}}); err != nil {
		t.Fatal(err)
	}
	assertCacheFiles(t, db, "cache.currency.1893456000", "cache.productx.1893456000", "index.html")
}

func assertCacheFiles(t *testing.T, db *DB, want ...string) {
	t.Helper()
	got := listDir(t, db.cacheDir)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("cache files = %v, want %v", got, want)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// writeCacheFiles creates cache entries the way OpenCart's file cache names them.
func writeCacheFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("[]"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
