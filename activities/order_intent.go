package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
)

// Create intents. Odoo offers no atomic "create unless a record with this key exists", so the bridge
// searches before it creates; two things can still defeat the search:
//   - a create whose answer never came (a lost reply, a stopped worker) may still be running in Odoo,
//     invisible to a search until it commits;
//   - two workflows (two orders of one new customer, of one new carrier...) may search at the same time
//     and both find nothing.
// So each create is announced first as an intent, a named marker in the mapping store holding the time,
// claimed with a compare-and-swap: one attempt at a time may create a given thing. A later attempt that
// finds the intent unanswered waits — briefly when a concurrent creator is probably at work, until the
// create has surely ended otherwise (createSettle) — and then searches again before it creates. A create
// that got an answer (success, or a fault: Odoo rolled the transaction back) settles its intent.

// createSettle is how long an unanswered create may still commit: Odoo's request time limit
// (limit_time_real, 120 s by default, which the Odoo client's 2-minute call timeout matches) plus a margin.
const createSettle = 150 * time.Second

// concurrentRetry is how soon an attempt that met another workflow's create of a shared record (a
// customer, a carrier, a tax...) looks again: by then that create is usually mapped.
const concurrentRetry = 2 * time.Second

// ErrTypeCreateBusy marks an attempt that waits for another, unanswered create of the same thing.
const ErrTypeCreateBusy = "CreateBusy"

// intentSettled is the value of an intent whose create was answered.
const intentSettled = "settled"

// createOnce runs create under the intent named what (e.g. "sale-order/42"). When another create of it
// is unanswered, it returns a retryable error asking to be retried after at most busyRetry.
func (a *Activities) createOnce(ctx context.Context, what string, busyRetry time.Duration, create func(context.Context) (int64, error)) (int64, error) {
	name := "create/" + what
	prior, err := a.Store.Cursor(ctx, name)
	if err != nil && !errors.Is(err, mapping.ErrNotFound) {
		return 0, err
	}
	if at, err := time.Parse(time.RFC3339Nano, prior); err == nil {
		if wait := createSettle - time.Since(at); wait > 0 {
			return 0, createBusy(what, at, min(wait, busyRetry))
		}
	}
	claimed, err := a.Store.SwapCursor(ctx, name, prior, time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return 0, err
	}
	if !claimed {
		return 0, createBusy(what, time.Now(), busyRetry)
	}
	id, err := create(ctx)
	var fault *odoo.Fault
	if err == nil || errors.As(err, &fault) {
		if settleErr := a.Store.SetCursor(ctx, name, intentSettled); settleErr != nil {
			return id, errors.Join(err, settleErr)
		}
	}
	return id, err
}

func createBusy(what string, since time.Time, retry time.Duration) error {
	return temporal.NewApplicationErrorWithOptions(
		fmt.Sprintf("a create of %s begun at %s has not been answered yet; looking again in %s", what, since.UTC().Format(time.RFC3339), retry.Round(time.Second)),
		ErrTypeCreateBusy, temporal.ApplicationErrorOptions{NextRetryDelay: retry, Category: temporal.ApplicationErrorCategoryBenign})
}
