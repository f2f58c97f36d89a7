package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/ocbridge/bridge/pkg/mapping"
)

// Stage is one step of a catalog sync; bulk syncs always run them in the order of Stages, because products
// refer to categories and attribute values.
type Stage string

const (
	StageAttributes Stage = "attributes" // product.attribute + values ⇄ option + option values
	StageCategories Stage = "categories" // product.category ⇄ category
	StageProducts   Stage = "products"   // product.template + variants ⇄ product (+ options / variants)
)

// Stages lists every stage in the order they must run.
var Stages = []Stage{StageAttributes, StageCategories, StageProducts}

// Kind is the mapping kind of the stage's main records.
func (s Stage) Kind() mapping.Kind {
	switch s {
	case StageAttributes:
		return mapping.KindAttribute
	case StageCategories:
		return mapping.KindCategory
	default:
		return mapping.KindProduct
	}
}

// Valid reports whether s is one of Stages.
func (s Stage) Valid() bool {
	return s == StageAttributes || s == StageCategories || s == StageProducts
}

// CatalogFilter narrows which source records a sync reads. Zero fields match everything.
type CatalogFilter struct {
	ChangedSince time.Time `json:"changed_since,omitzero"` // source write_date / date_modified at or after
	CategoryID   int64     `json:"category_id,omitempty"`  // source category subtree (categories and products)
	IDs          []int64   `json:"ids,omitempty"`          // only these source records
}

// CatalogPage asks for one page of source records to be synced: those with id > AfterID, at most Limit.
type CatalogPage struct {
	Direction mapping.Direction
	Stage     Stage
	Filter    CatalogFilter
	AfterID   int64
	Limit     int
	DryRun    bool // compute what would change, write nothing
	// RunKey identifies the bulk run (its workflow ID + first run's start), so that a page retried after a
	// worker crash counts each record once.
	RunKey string
	// RunStarted is when the bulk run began; records created on the target since then by this run count
	// as created even when a retry finds them already there.
	RunStarted time.Time
}

// PageResult counts what a page did. LastID is the cursor for the next page; Done means the source has
// no records after it.
type PageResult struct {
	Read      int   `json:"read"`
	Created   int   `json:"created"`
	Updated   int   `json:"updated"`
	Unchanged int   `json:"unchanged"`
	Failed    int   `json:"failed"`
	LastID    int64 `json:"last_id"`
	Done      bool  `json:"done"`
}

// Add accumulates another result's counts (not its cursor).
func (r *PageResult) Add(o PageResult) {
	r.Read += o.Read
	r.Created += o.Created
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
	r.Failed += o.Failed
}

// catalogDirection is one direction of catalog sync. Records that cannot sync are recorded as failures in
// the mapping store and counted, never returned as the page's error: one bad record never fails a run.
// An error is returned only for what a retry may cure (Odoo or a database unreachable).
type catalogDirection interface {
	count(ctx context.Context, stage Stage, filter CatalogFilter) (int, error)
	// syncPage syncs the page, resuming after progress.LastID when a heartbeat of an earlier attempt
	// recorded progress (progress is then the counts so far).
	syncPage(ctx context.Context, page CatalogPage, progress PageResult) (PageResult, error)
}

func (a *Activities) direction(d mapping.Direction) (catalogDirection, error) {
	switch d {
	case mapping.OdooToOpenCart:
		return odooToOpenCart{a}, nil
	case mapping.OpenCartToOdoo:
		return openCartToOdoo{a}, nil
	}
	return nil, temporalError(fmt.Errorf("unknown direction %q: use %s or %s", d, mapping.OdooToOpenCart, mapping.OpenCartToOdoo))
}

// CountCatalog counts the source records a stage will read, for progress reporting.
func (a *Activities) CountCatalog(ctx context.Context, dir mapping.Direction, stage Stage, filter CatalogFilter) (int, error) {
	d, err := a.direction(dir)
	if err != nil {
		return 0, err
	}
	n, err := d.count(ctx, stage, filter)
	return n, temporalError(err)
}

// SyncCatalogPage syncs one page of source records to the other side. It heartbeats its progress (cursor
// and counts) and, when retried after a crash, resumes from the last heartbeat.
func (a *Activities) SyncCatalogPage(ctx context.Context, page CatalogPage) (PageResult, error) {
	d, err := a.direction(page.Direction)
	if err != nil {
		return PageResult{}, err
	}
	var progress PageResult
	if activity.HasHeartbeatDetails(ctx) {
		if activity.GetHeartbeatDetails(ctx, &progress) != nil {
			progress = PageResult{}
		}
	}
	if progress.LastID < page.AfterID {
		progress.LastID = page.AfterID
	}
	res, err := d.syncPage(ctx, page, progress)
	if err == nil && !page.DryRun {
		// The whole page, including counts carried over from a failed attempt's heartbeat: an attempt
		// reports only when it succeeds, so nothing is counted twice.
		a.countRecords(page.Stage.Kind(), page.Direction, res)
	}
	return res, temporalError(err)
}

// ForgetCatalogRun drops what a finished bulk or record sync kept for its own crash recovery (the
// per-run marks stored as cursors ending in its run key).
func (a *Activities) ForgetCatalogRun(ctx context.Context, runKey string) error {
	if runKey == "" {
		return nil
	}
	_, err := a.Store.DeleteCursors(ctx, "/"+runKey)
	return err
}
