package opencart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// purgeCache deletes OpenCart's file-cache entries for the given keys
// (cache.<key>.* in Config.CacheDir), as OpenCart's admin does with
// $this->cache->delete('product') after a product edit. Writers call it after
// they commit.
//
// Without CacheDir nothing is purged, and shoppers see stale listings until
// the entries expire: OpenCart's file cache keeps them for cache_expire,
// 3600 s by default. On 4.x that covers every product listing (category,
// search, specials, latest, featured: cache.product.<md5>), which carry price,
// quantity, status and specials, while product pages are read live; on 3.0
// only the bestseller/latest/popular module lists are cached. Shops that use
// the redis or memcached cache engine (4.x) are not purged either way.
func (db *DB) purgeCache(keys ...string) error {
	if db.cacheDir == "" {
		return nil
	}
	entries, err := os.ReadDir(db.cacheDir)
	if err != nil {
		return fmt.Errorf("opencart: purge cache: %w; the write is done, but listings stay stale for up to an hour unless CacheDir points at OpenCart's system/storage/cache and the bridge may delete files there", err)
	}
	var errs []error
	for _, e := range entries {
		for _, key := range keys {
			if !e.IsDir() && strings.HasPrefix(e.Name(), "cache."+key+".") {
				if err := os.Remove(filepath.Join(db.cacheDir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
				break
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("opencart: purge cache: %w; the write is done, but these listings stay stale for up to an hour", err)
	}
	return nil
}
