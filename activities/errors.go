package activities

import (
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// Error types workflows match on (temporal.ApplicationError.Type()).
const (
	// ErrTypeInvalidRecord: the record must be changed before it can sync; details carry *syncerr.Invalid.
	ErrTypeInvalidRecord = "InvalidRecord"
	// ErrTypeOdooRejected: Odoo refused the call in a way a retry repeats (validation, access, bad field).
	ErrTypeOdooRejected = "OdooRejected"
)

// temporalError tells Temporal which failures are worth retrying. Invalid records and Odoo's refusals
// become non-retryable application errors (the workflow records them for replay); transport errors,
// timeouts and database contention stay retryable under the activity's bounded retry policy.
func temporalError(err error) error {
	if err == nil {
		return nil
	}
	if inv, ok := syncerr.AsInvalid(err); ok {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidRecord, err, *inv)
	}
	var fault *odoo.Fault
	if errors.As(err, &fault) && !odoo.IsRetryable(err) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeOdooRejected, err)
	}
	return err
}

// InvalidFromError recovers the invalid record carried by a non-retryable activity error, for workflows
// that record the failure.
func InvalidFromError(err error) (syncerr.Invalid, bool) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != ErrTypeInvalidRecord || !appErr.HasDetails() {
		return syncerr.Invalid{}, false
	}
	var inv syncerr.Invalid
	if appErr.Details(&inv) != nil {
		return syncerr.Invalid{}, false
	}
	return inv, true
}
