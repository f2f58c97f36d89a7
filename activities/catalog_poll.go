package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/ocbridge/bridge/pkg/mapping"
)

// The catalog poll syncs what changed on either side since the last poll, by the same per-record rules as
// a bulk sync (fingerprints skip what did not change; the sync rule suppresses echoes and settles
// conflicts). Each direction and stage the settings let poll (CatalogKindSettings.Poll) keeps a
// watermark: the time its last successful poll started. A poll syncs the records changed since the
// watermark less CATALOG_POLL_OVERLAP, then moves the watermark to its own start. The first poll of a
// direction and stage only sets the watermark: catalogs are brought in line by a bulk sync.
//
// What counts as changed: in Odoo, records whose write_date is in the window, templates whose variants
// or attribute values are, and attributes whose values are; in the shop, products and categories whose
// date_modified is (OpenCart 4.1 categories keep no date: all are read, and the fingerprints skip the
// unchanged ones; so are options, which keep none on any version).

// CatalogPollPlan is what one poll does, direction by direction.
type CatalogPollPlan struct {
	Connection string           `json:"connection"`
	Runs       []CatalogPollRun `json:"runs"`
}

// CatalogPollRun is one direction of a poll: the stages to sync, from when, and the watermarks to move
// once they are synced (those of stages polled for the first time included).
type CatalogPollRun struct {
	Direction  mapping.Direction      `json:"direction"`
	Stages     []Stage                `json:"stages,omitempty"`
	Since      time.Time              `json:"since,omitzero"`
	Watermarks []CatalogWatermarkMove `json:"watermarks"`
}

// CatalogWatermarkMove moves one watermark (mapping store cursor) from Old ("" when unset) to New.
type CatalogWatermarkMove struct {
	Name string `json:"name"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// CatalogWatermarkName is the cursor holding a direction's watermark for a stage.
func CatalogWatermarkName(dir mapping.Direction, stage Stage) string {
	return "catalog-poll/" + string(dir) + "/" + string(stage)
}

// catalogPollDirections is the order in which a poll runs the directions.
var catalogPollDirections = []mapping.Direction{mapping.OdooToOpenCart, mapping.OpenCartToOdoo}

// PlanCatalogPoll reads the settings and the watermarks and says what this poll syncs.
func (a *Activities) PlanCatalogPoll(ctx context.Context) (CatalogPollPlan, error) {
	settings, err := catalogSettings()
	if err != nil {
		return CatalogPollPlan{}, temporalError(err)
	}
	started := now().Format(time.RFC3339Nano)
	plan := CatalogPollPlan{Connection: a.Store.Connection()}
	for _, dir := range catalogPollDirections {
		run := CatalogPollRun{Direction: dir}
		for _, stage := range Stages {
			if !slices.Contains(settings.Kinds[stage].Poll, dir) {
				continue
			}
			name := CatalogWatermarkName(dir, stage)
			old, err := a.Store.Cursor(ctx, name)
			switch {
			case errors.Is(err, mapping.ErrNotFound):
				old = "" // first poll: it only sets the watermark
			case err != nil:
				return plan, err
			}
			run.Watermarks = append(run.Watermarks, CatalogWatermarkMove{Name: name, Old: old, New: started})
			if old == "" {
				continue
			}
			mark, err := time.Parse(time.RFC3339Nano, old)
			if err != nil {
				return plan, temporalError(fmt.Errorf("catalog poll watermark %s = %q is not an RFC 3339 time: delete the cursor (the next poll starts afresh) or correct it", name, old))
			}
			run.Stages = append(run.Stages, stage)
			if since := mark.Add(-settings.PollOverlap); run.Since.IsZero() || since.Before(run.Since) {
				run.Since = since
			}
		}
		if len(run.Watermarks) > 0 {
			plan.Runs = append(plan.Runs, run)
		}
	}
	return plan, nil
}

// AdvanceCatalogWatermarks moves a poll's watermarks. A watermark another poller moved meanwhile is left
// as that poller set it.
func (a *Activities) AdvanceCatalogWatermarks(ctx context.Context, moves []CatalogWatermarkMove) error {
	for _, m := range moves {
		moved, err := a.Store.SwapCursor(ctx, m.Name, m.Old, m.New)
		if err != nil {
			return err
		}
		if !moved && activity.IsActivity(ctx) {
			activity.GetLogger(ctx).Info("catalog poll watermark moved by another poll; keeping it", "cursor", m.Name)
		}
	}
	return nil
}
