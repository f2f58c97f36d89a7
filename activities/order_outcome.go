package activities

import (
	"context"
	"math"
	"strconv"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// RecordOutcomeInput reports how one order or customer sync ended: Problem nil for success.
type RecordOutcomeInput struct {
	Kind     mapping.Kind     `json:"kind"` // order or customer
	RecordID int64            `json:"record_id"`
	Problem  *syncerr.Invalid `json:"problem,omitempty"`
}

// RecordOutcome keeps the failure list in step with an order or customer workflow: a problem is kept
// for replay with its reason and fix (and the workflow that met it), a success resolves an earlier one.
func (a *Activities) RecordOutcome(ctx context.Context, in RecordOutcomeInput) error {
	var problem error
	if in.Problem != nil {
		if in.Problem.Kind == "" {
			in.Problem.Kind = string(in.Kind)
		}
		if in.Problem.RecordID == "" {
			in.Problem.RecordID = strconv.FormatInt(in.RecordID, 10)
		}
		problem = in.Problem
	}
	return a.recordOutcome(ctx, in.Kind, mapping.OpenCartToOdoo, in.RecordID, problem)
}

// recordInvalid is a record (order, customer) that cannot sync until someone changes it.
func recordInvalid(kind mapping.Kind, id int64, field, reason, fix string) error {
	return &syncerr.Invalid{Kind: string(kind), RecordID: strconv.FormatInt(id, 10), Field: field, Reason: reason, Fix: fix}
}

// roundDecimals rounds half away from zero to the given number of decimals.
func roundDecimals(v float64, decimals int) float64 {
	scale := math.Pow10(decimals)
	return math.Round(v*scale) / scale
}
