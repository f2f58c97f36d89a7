package activities

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.temporal.io/sdk/activity"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// recordOutcome keeps the mapping store's failure list in step with one record's sync: a failure is
// recorded for replay (with the workflow that met it), a success resolves an earlier failure. It returns
// an error only when the store itself fails, which the caller must return (the page is then retried).
func (a *Activities) recordOutcome(ctx context.Context, kind mapping.Kind, dir mapping.Direction, recordID int64, syncErr error) error {
	id := strconv.FormatInt(recordID, 10)
	if syncErr == nil {
		_, err := a.Store.ResolveFailure(ctx, kind, dir, id)
		return err
	}
	f := mapping.Failure{Kind: kind, Direction: dir, RecordID: id, Reason: syncErr.Error()}
	if inv, ok := syncerr.AsInvalid(syncErr); ok {
		f.Reason, f.Field, f.Fix = inv.Reason, inv.Field, inv.Fix
	} else if fault := (*odoo.Fault)(nil); errors.As(syncErr, &fault) {
		f.Reason = "Odoo refused: " + fault.Message
		f.Fix = "correct the record in the source system (Odoo's message says what), then replay"
	}
	inActivity := activity.IsActivity(ctx)
	if inActivity {
		info := activity.GetInfo(ctx)
		f.WorkflowID, f.RunID = info.WorkflowExecution.ID, info.WorkflowExecution.RunID
	}
	if _, err := a.Store.RecordFailure(ctx, f); err != nil {
		return fmt.Errorf("record failure of %s %s: %w", kind, id, err)
	}
	if inActivity {
		activity.GetLogger(ctx).Warn("record failed; kept for replay", "kind", kind, "direction", dir, "record", id, "reason", f.Reason)
	}
	return nil
}

// isRecordError tells a record's own fault (kept, counted, the page goes on) from a failure of the
// systems (the page stops and is retried): an invalid record or a refusal from Odoo that a retry repeats.
func isRecordError(err error) bool {
	if _, ok := syncerr.AsInvalid(err); ok {
		return true
	}
	var fault *odoo.Fault
	return errors.As(err, &fault) && !odoo.IsRetryable(err)
}
