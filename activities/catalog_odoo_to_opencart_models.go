package activities

import (
	"context"
	"sync"
	"time"

	"github.com/ocbridge/bridge/pkg/opencart"
)

// shopModels finds the shop's products by model, for matching templates by SKU.
//
// Workaround: pkg/opencart has no lookup of product ids by model, so each worker keeps an index per
// shop database, built from one full read of the products and kept current from the date_modified feed
// (edits in the shop admin) and from the bridge's own writes. Matches are always re-read by id before
// use, so an entry that went stale (a deleted product) costs a read, never a wrong match. To be replaced
// by one `SELECT product_id, model FROM oc_product WHERE model IN (…)` once pkg/opencart offers it.
type shopModels struct {
	mu      sync.Mutex
	built   bool
	byModel map[string]map[int]bool // matchName(model) → product ids
	modelOf map[int]string
	since   time.Time // the feed is read from here on (less feedOverlap)
	// ours holds when the bridge wrote products itself: the feed lists them, they need no reading back.
	ours map[int]time.Time
}

var shopModelIndexes sync.Map // *opencart.DB → *shopModels

func modelIndex(shop *opencart.DB) *shopModels {
	idx, _ := shopModelIndexes.LoadOrStore(shop, &shopModels{})
	return idx.(*shopModels)
}

// feedOverlap re-reads a little of the feed to catch edits that committed late.
const feedOverlap = 5 * time.Second

// find returns the ids of the products whose model matches each of models, after bringing the index
// up to date. keepAlive is called while a long first read goes on (to heartbeat).
func (x *shopModels) find(ctx context.Context, shop *opencart.DB, models []string, keepAlive func()) (map[string][]int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.refresh(ctx, shop, keepAlive); err != nil {
		return nil, err
	}
	return x.lookup(models), nil
}

// lookup lists the products of each model (once, however often the model is asked for).
func (x *shopModels) lookup(models []string) map[string][]int {
	out := map[string][]int{}
	for _, m := range models {
		key := matchName(m)
		if _, done := out[key]; done {
			continue
		}
		out[key] = []int{}
		for id := range x.byModel[key] {
			out[key] = append(out[key], id)
		}
	}
	return out
}

func (x *shopModels) refresh(ctx context.Context, shop *opencart.DB, keepAlive func()) error {
	started := time.Now()
	if !x.built {
		x.byModel, x.modelOf, x.ours = map[string]map[int]bool{}, map[int]string{}, map[int]time.Time{}
		const readSize = 500
		for after := 0; ; {
			page, err := shop.Products(ctx, after, readSize)
			if err != nil {
				return err
			}
			for _, p := range page {
				x.setLocked(p.ID, p.Model)
			}
			if len(page) < readSize {
				break
			}
			after = page[len(page)-1].ID
			keepAlive()
		}
		x.built, x.since = true, started
		return nil
	}
	q := opencart.ChangeQuery{Since: x.since, Overlap: feedOverlap, Limit: 1000}
	var changed []int
	for {
		page, err := shop.ProductsModifiedSince(ctx, q)
		if err != nil {
			return err
		}
		for _, id := range page.IDs {
			if _, ours := x.ours[id]; !ours {
				changed = append(changed, id)
			}
		}
		if !page.More {
			break
		}
		q.After = page.Next
	}
	if len(changed) > 0 {
		products, err := shop.ProductsByID(ctx, changed)
		if err != nil {
			return err
		}
		for _, p := range products {
			x.setLocked(p.ID, p.Model)
		}
	}
	for id, at := range x.ours {
		if at.Before(started.Add(-feedOverlap)) {
			delete(x.ours, id) // out of the next read's window
		}
	}
	x.since = started
	return nil
}

// set records the model the bridge has just written for a product.
func (x *shopModels) set(id int, model string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.built {
		x.setLocked(id, model)
		x.ours[id] = time.Now()
	}
}

// forget drops a product that is gone from the shop.
func (x *shopModels) forget(id int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.built {
		x.setLocked(id, "")
	}
}

func (x *shopModels) setLocked(id int, model string) {
	if old, ok := x.modelOf[id]; ok {
		delete(x.byModel[matchName(old)], id)
		delete(x.modelOf, id)
	}
	if model == "" {
		return
	}
	key := matchName(model)
	if x.byModel[key] == nil {
		x.byModel[key] = map[int]bool{}
	}
	x.byModel[key][id] = true
	x.modelOf[id] = model
}
