package workflows

import (
	"fmt"
	"strconv"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// RecordSyncName is the workflow type of a one-record catalog sync.
const RecordSyncName = "RecordSync"

// RecordSyncInput names one product, category or attribute on its source side.
type RecordSyncInput struct {
	Stage activities.Stage `json:"stage"` // attributes, categories or products
	From  Side             `json:"from"`  // odoo or opencart
	ID    int64            `json:"id"`
}

// Direction is where the record flows.
func (in RecordSyncInput) Direction() (mapping.Direction, error) {
	switch in.From {
	case SideOdoo:
		return mapping.OdooToOpenCart, nil
	case SideOpenCart:
		return mapping.OpenCartToOdoo, nil
	}
	return "", fmt.Errorf("from %q: use %q or %q", in.From, SideOdoo, SideOpenCart)
}

// ErrTypeRecordFailed marks a record sync whose record could not sync; the reason is in the mapping
// store's failures, from where it can be replayed.
const ErrTypeRecordFailed = "RecordFailed"

// RecordSync syncs one record with the same activity, and so the same rules, as a bulk sync. Its workflow
// ID comes from RecordSyncID, so two syncs of one record never run at once.
func RecordSync(ctx workflow.Context, in RecordSyncInput) (activities.PageResult, error) {
	dir, err := in.Direction()
	if err != nil {
		return activities.PageResult{}, invalidInput("%v", err)
	}
	if !in.Stage.Valid() || in.ID <= 0 {
		return activities.PageResult{}, invalidInput("record sync needs a stage of %v and a positive id (got %q, %d)", activities.Stages, in.Stage, in.ID)
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, RecordKind.ValueSet(string(in.Stage.Kind())))
	info := workflow.GetInfo(ctx)
	page := activities.CatalogPage{
		Direction:  dir,
		Stage:      in.Stage,
		Filter:     activities.CatalogFilter{IDs: []int64{in.ID}},
		Limit:      1,
		RunKey:     info.WorkflowExecution.ID + "/" + info.WorkflowExecution.RunID,
		RunStarted: workflow.Now(ctx).UTC(),
	}
	var res activities.PageResult
	actx := workflow.WithActivityOptions(ctx, catalogActivityOptions)
	if err := workflow.ExecuteActivity(actx, acts.SyncCatalogPage, page).Get(ctx, &res); err != nil {
		return res, err
	}
	if err := forgetRun(ctx, page.RunKey); err != nil {
		return res, err
	}
	switch {
	case res.Read == 0:
		return res, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s %s %d not found on the %s side", in.Stage.Kind(), in.From, in.ID, in.From), ErrTypeInvalidInput, nil)
	case res.Failed > 0:
		return res, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s %s could not sync; `starter failures --kind %s` shows why", in.Stage.Kind(), strconv.FormatInt(in.ID, 10), in.Stage.Kind()),
			ErrTypeRecordFailed, nil)
	}
	return res, nil
}
