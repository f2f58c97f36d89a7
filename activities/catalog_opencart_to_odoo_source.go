package activities

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/ocbridge/bridge/pkg/opencart"
)

// Reading the shop's side of a page: the source records with id > cursor, in id order, narrowed by the
// filter. pkg/opencart reads by id range or by id list; the category subtree filter is applied here after
// reading, and ChangedSince goes through the date_modified feeds, which list ids cheaply.

// scanLimit is the page size used when a whole table is walked (counting, the category tree).
const scanLimit = 1000

type productRecord = opencart.ProductRecord

func optionID(o opencart.Option) int64           { return int64(o.ID) }
func categoryID(c opencart.CategoryRecord) int64 { return int64(c.ID) }
func productID(p productRecord) int64            { return int64(p.ID) }
func inIDs(ids []int64, id int) bool             { return len(ids) == 0 || slices.Contains(ids, int64(id)) }

// choiceOptions lists the options that can define variants (select, radio, checkbox) by id. Text, file
// and date options carry a customer's input, not a choice among values: Odoo has no attribute for them.
// Options have no modification date, so ChangedSince does not narrow them (fingerprints skip the
// unchanged ones), and they belong to no category.
func (d openCartToOdoo) choiceOptions(ctx context.Context, filter CatalogFilter) ([]opencart.Option, error) {
	all, err := d.Shop.Options(ctx)
	if err != nil {
		return nil, err
	}
	var out []opencart.Option
	for _, o := range all {
		if isChoiceOption(o.Type) && inIDs(filter.IDs, o.ID) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b opencart.Option) int { return a.ID - b.ID })
	return out, nil
}

func (d openCartToOdoo) optionWindow(ctx context.Context, filter CatalogFilter, after int64, limit int) (sourceWindow[opencart.Option], error) {
	options, err := d.choiceOptions(ctx, filter)
	if err != nil {
		return sourceWindow[opencart.Option]{}, err
	}
	first := slices.IndexFunc(options, func(o opencart.Option) bool { return int64(o.ID) > after })
	if first < 0 {
		first = len(options)
	}
	rest := options[first:]
	win := sourceWindow[opencart.Option]{rows: rest[:min(limit, len(rest))], lastID: after, done: len(rest) <= limit}
	if n := len(win.rows); n > 0 {
		win.lastID = int64(win.rows[n-1].ID)
	}
	win.all = win.rows
	return win, nil
}

// candidateIDs is the id list a filter restricts a table to, or ok=false when every id qualifies.
// ChangedSince goes through the table's date_modified feed; a table without that column (categories on
// 4.1.0.1+) is not narrowed by it.
func candidateIDs(ctx context.Context, filter CatalogFilter, feed func(context.Context, opencart.ChangeQuery) (opencart.ChangePage, error)) (ids []int64, ok bool, err error) {
	if len(filter.IDs) > 0 {
		ids, ok = sortedUnique(filter.IDs), true
	}
	if filter.ChangedSince.IsZero() {
		return ids, ok, nil
	}
	changed, err := feedIDs(ctx, feed, filter.ChangedSince)
	if errors.Is(err, opencart.ErrNoModifiedDate) {
		return ids, ok, nil
	}
	if err != nil {
		return nil, false, err
	}
	if ok {
		changed = slices.DeleteFunc(changed, func(id int64) bool { return !slices.Contains(ids, id) })
	}
	return changed, true, nil
}

// feedIDs lists every id a date_modified feed returns since the given time (zero: every row with a date).
func feedIDs(ctx context.Context, feed func(context.Context, opencart.ChangeQuery) (opencart.ChangePage, error), since time.Time) ([]int64, error) {
	var ids []int64
	q := opencart.ChangeQuery{Since: since, Limit: 5000}
	for {
		page, err := feed(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, id := range page.IDs {
			ids = append(ids, int64(id))
		}
		if !page.More {
			return sortedUnique(ids), nil
		}
		q.After = page.Next
	}
}

// idPage takes the ids of one page from a sorted id list.
func idPage(ids []int64, after int64, limit int) (page []int, lastID int64, done bool) {
	i, _ := slices.BinarySearch(ids, after+1)
	rest := ids[i:]
	take := rest[:min(limit, len(rest))]
	page = make([]int, len(take))
	for j, id := range take {
		page[j] = int(id)
	}
	lastID = after
	if len(take) > 0 {
		lastID = take[len(take)-1]
	}
	return page, lastID, len(rest) <= limit
}

// categorySubtree is the set of categories under root (root included), from the shop's category paths.
func (d openCartToOdoo) categorySubtree(ctx context.Context, root int64) (map[int]bool, error) {
	tree := map[int]bool{}
	err := eachWindow(ctx, func(ctx context.Context, after int64, limit int) (sourceWindow[opencart.CategoryRecord], error) {
		return d.categoryWindow(ctx, CatalogFilter{CategoryID: root}, after, limit)
	}, func(rows []opencart.CategoryRecord) {
		for _, c := range rows {
			tree[c.ID] = true
		}
	})
	return tree, err
}

func inSubtree(c opencart.CategoryRecord, root int64) bool {
	return root == 0 || c.ID == int(root) || slices.Contains(c.Path, int(root))
}

// readWindow reads one page of a table by id: from the ids the filter restricts it to, or else by id
// range.
func readWindow[T any](ctx context.Context, ids []int64, restricted bool, after int64, limit int,
	byID func(context.Context, []int) ([]T, error), byRange func(context.Context, int, int) ([]T, error), idOf func(T) int64) (sourceWindow[T], error) {
	var win sourceWindow[T]
	var err error
	if restricted {
		var page []int
		page, win.lastID, win.done = idPage(ids, after, limit)
		win.all, err = byID(ctx, page)
	} else {
		win.all, err = byRange(ctx, int(after), limit)
		win.lastID, win.done = after, len(win.all) < limit
		if n := len(win.all); n > 0 {
			win.lastID = idOf(win.all[n-1])
		}
	}
	return win, err
}

// eachWindow walks a table window by window, from the first to the last, handing each window's rows to fn.
func eachWindow[T any](ctx context.Context, window func(ctx context.Context, after int64, limit int) (sourceWindow[T], error), fn func([]T)) error {
	for after := int64(0); ; {
		win, err := window(ctx, after, scanLimit)
		if err != nil {
			return err
		}
		fn(win.rows)
		if win.done {
			return nil
		}
		after = win.lastID
	}
}

// countWindows counts the records of every window.
func countWindows[T any](ctx context.Context, window func(ctx context.Context, after int64, limit int) (sourceWindow[T], error)) (int, error) {
	n := 0
	err := eachWindow(ctx, window, func(rows []T) { n += len(rows) })
	return n, err
}

func (d openCartToOdoo) categoryWindow(ctx context.Context, filter CatalogFilter, after int64, limit int) (sourceWindow[opencart.CategoryRecord], error) {
	ids, restricted, err := candidateIDs(ctx, filter, d.Shop.CategoriesModifiedSince)
	if err != nil {
		return sourceWindow[opencart.CategoryRecord]{}, err
	}
	win, err := readWindow(ctx, ids, restricted, after, limit, d.Shop.CategoriesByID, d.Shop.Categories, categoryID)
	for _, c := range win.all {
		if inSubtree(c, filter.CategoryID) {
			win.rows = append(win.rows, c)
		}
	}
	return win, err
}

func (d openCartToOdoo) countCategories(ctx context.Context, filter CatalogFilter) (int, error) {
	return countWindows(ctx, func(ctx context.Context, after int64, limit int) (sourceWindow[opencart.CategoryRecord], error) {
		return d.categoryWindow(ctx, filter, after, limit)
	})
}

// productWindow reads one page of products. On 4.x a variant product is a row of its own (master_id set):
// it is a source record too, synced as one variant of its master's template.
func (d openCartToOdoo) productWindow(ctx context.Context, filter CatalogFilter, after int64, limit int) (sourceWindow[productRecord], error) {
	ids, restricted, err := candidateIDs(ctx, filter, d.Shop.ProductsModifiedSince)
	if err != nil {
		return sourceWindow[productRecord]{}, err
	}
	win, err := readWindow(ctx, ids, restricted, after, limit, d.Shop.ProductsByID, d.Shop.Products, productID)
	if err != nil || filter.CategoryID == 0 {
		win.rows = win.all
		return win, err
	}
	tree, err := d.categorySubtree(ctx, filter.CategoryID)
	for _, p := range win.all {
		if slices.ContainsFunc(p.Categories, func(c int) bool { return tree[c] }) {
			win.rows = append(win.rows, p)
		}
	}
	return win, err
}

// countProducts counts product rows (masters and 4.x variants). Without a category filter the ids come
// from the date_modified feed, which reads no product data; rows without a modification date (possible
// on 4.1, where the column is nullable) are then not counted.
func (d openCartToOdoo) countProducts(ctx context.Context, filter CatalogFilter) (int, error) {
	if filter.CategoryID == 0 && len(filter.IDs) == 0 {
		ids, err := feedIDs(ctx, d.Shop.ProductsModifiedSince, filter.ChangedSince)
		return len(ids), err
	}
	return countWindows(ctx, func(ctx context.Context, after int64, limit int) (sourceWindow[productRecord], error) {
		return d.productWindow(ctx, filter, after, limit)
	})
}
