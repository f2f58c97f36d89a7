package activities

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// The rule both directions apply to every record they read from their source, whatever its kind:
//
//   - its source content is as its pair stored it: nothing to do (no read of the target);
//   - the target already holds the same content (both sides changed alike; a pair stored by an earlier
//     version, or under other settings): the fingerprints are stored and nothing is written;
//   - only the source changed: the target is written;
//   - both changed since the last sync (the source's fingerprint differs from the stored one and so does
//     the target's): the kind's master side wins. A direction from the master writes and records the
//     target's change as lost; a direction towards the master writes nothing and records its source's
//     change as lost. Both record the same failure: the losing record, in the direction its change would
//     have gone, with the fix "re-apply it on the <master> side".
//
// A recorded loss stays open until that record is synced again: its own side changes again (and
// syncs), or the master direction writes it over for another change (which is what re-applying the
// change there does).

// action is what the rule makes of a record.
type action int

const (
	actNone     action = iota // the source is as stored
	actStore                  // both sides hold the same content: store the fingerprints, write nothing
	actWrite                  // write the target
	actOverride               // both changed and the source is the master: write, record the target's change as lost
	actYield                  // both changed and the target is the master: write nothing, record the source's change as lost
)

// writes tells whether the action writes the target.
func (a action) writes() bool { return a == actWrite || a == actOverride }

// syncRule is the rule for the records of one page.
type syncRule struct {
	dir    mapping.Direction
	master Side
}

func (a *Activities) syncRule(dir mapping.Direction, stage Stage, s CatalogSettings) syncRule {
	return syncRule{dir: dir, master: s.masterOf(stage)}
}

// decide applies the rule. prior is the record's pair (nil: none yet), srcFP its source's content
// fingerprint now, tgtFP its target's ("" when it has no target).
func (rule syncRule) decide(prior *mapping.Mapping, srcFP, tgtFP string) action {
	agree := tgtFP != "" && tgtFP == srcFP
	if prior == nil {
		if agree {
			return actStore
		}
		return actWrite
	}
	storedSrc, storedTgt := prior.OdooFingerprint, prior.OpenCartFingerprint
	if rule.dir == mapping.OpenCartToOdoo {
		storedSrc, storedTgt = storedTgt, storedSrc
	}
	switch {
	case storedSrc == srcFP:
		return actNone
	case agree:
		return actStore
	case tgtFP == "" || storedTgt == tgtFP || !sameScheme(storedTgt, tgtFP):
		return actWrite // no target, the target as stored, or stored under other rules: no conflict to judge
	case sourceSide(rule.dir) == rule.master:
		return actOverride
	}
	return actYield
}

// pairFingerprints orders a record's source and target fingerprints as a pair stores them.
func (rule syncRule) pairFingerprints(srcFP, tgtFP string) (odooFP, openCartFP string) {
	if rule.dir == mapping.OpenCartToOdoo {
		return tgtFP, srcFP
	}
	return srcFP, tgtFP
}

// other is the opposite direction.
func (rule syncRule) other() mapping.Direction {
	if rule.dir == mapping.OdooToOpenCart {
		return mapping.OpenCartToOdoo
	}
	return mapping.OdooToOpenCart
}

// lostChange is the failure of a change that lost a conflict: the record on its losing side, in the
// direction its change would have gone.
func (rule syncRule) lostChange(kind mapping.Kind, loser mapping.Direction, recordID int64) error {
	return &syncerr.Invalid{Kind: string(kind), RecordID: strconv.FormatInt(recordID, 10),
		Reason: fmt.Sprintf("conflict: %s %d was changed in %s and in %s since the last sync; the %s change lost to the %s side's change",
			kind, recordID, SideOdoo.title(), SideOpenCart.title(), sourceSide(loser).title(), rule.master.title()),
		Fix: fmt.Sprintf("re-apply it on the %s side", rule.master.title())}
}

// settleWrite settles the other side of a record the direction wrote (or re-fingerprinted): after an
// override it records the target's change as lost (a yield is the record's own failure, which the
// caller records); after a plain write it resolves the other direction's open failure of the target
// record, which the write superseded (a loss re-applied on the master side ends this way).
func (a *Activities) settleWrite(ctx context.Context, rule syncRule, kind mapping.Kind, act action, targetID int64) error {
	if targetID == 0 {
		return nil
	}
	switch act {
	case actOverride:
		return a.recordOutcome(ctx, kind, rule.other(), targetID, rule.lostChange(kind, rule.other(), targetID))
	case actWrite, actStore:
		_, err := a.Store.ResolveFailure(ctx, kind, rule.other(), strconv.FormatInt(targetID, 10))
		return err
	}
	return nil
}
