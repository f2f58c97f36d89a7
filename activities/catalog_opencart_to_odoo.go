package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// openCartToOdoo syncs the shop's catalog into Odoo: choice options become product.attribute with their
// values, categories become product.category, products become product.template with attribute lines,
// price extras and variants. OpenCart *attributes* (specification texts in attribute groups) define no
// variants and are not synced; neither is stock, which Odoo owns (the inventory sync pushes it the other way).
//
// Change detection and echo suppression. Each record goes by the sync rule (catalog_changes.go) on the
// content both directions share (catalog_content.go). A mapped record whose OpenCart content is as its
// pair stored it is unchanged, at no XML-RPC cost: records the Odoo → OpenCart direction wrote read
// back with the fingerprint it stored. Otherwise Odoo's record is read and its content compared: when
// it agrees already nothing is written and only the fingerprints are stored; when Odoo changed it too,
// the master side wins (a conflict); else what differs is written, and the Odoo record read back for
// the fingerprint of what Odoo now holds.
//
// Counting exactly once across retries. A page heartbeats its cursor and counts after every chunk, and a
// retried attempt resumes after the last heartbeat, so only the records of an unfinished chunk are seen
// twice. Their first attempt may have written Odoo and even the mapping before it died. Such a record is
// therefore counted by what this run did to it, not by what this attempt still has to do:
//   - no mapping, and the Odoo record the matching adopts was created after RunStarted → Created;
//   - mapped, unchanged, and the mapping was created after RunStarted → Created;
//   - mapped, unchanged, and the mapping was last synced after RunStarted → Updated.
//
// The same rule counts records that another chunk synced ahead of their turn (a category's ancestors, a
// 4.x variant synced with its master) exactly once, on their own page.
type openCartToOdoo struct{ *Activities }

// oc2oChunk is how many source records share one round of batched Odoo calls and one heartbeat. Larger
// chunks spend fewer requests per record (the per-chunk reads and grouped writes are shared); 250 keeps a
// retried chunk cheap and each batched create within Odoo's advice (see oc2oCreateBatch).
const oc2oChunk = 250

// oc2oCreateBatch bounds the templates (or categories, attributes) sent in one create call: Odoo generates
// variants inside that call, and published advice keeps creates at 50–200 rows so one call stays far below
// Odoo's 120 s request limit.
const oc2oCreateBatch = 125

func (d openCartToOdoo) count(ctx context.Context, stage Stage, filter CatalogFilter) (int, error) {
	switch stage {
	case StageAttributes:
		options, err := d.choiceOptions(ctx, filter)
		return len(options), err
	case StageCategories:
		return d.countCategories(ctx, filter)
	case StageProducts:
		return d.countProducts(ctx, filter)
	}
	return 0, fmt.Errorf("unknown catalog stage %q: use one of %v", stage, Stages)
}

func (d openCartToOdoo) syncPage(ctx context.Context, page CatalogPage, progress PageResult) (PageResult, error) {
	settings, err := catalogSettings()
	if err != nil {
		return progress, err
	}
	s := &oc2oSync{openCartToOdoo: d, page: page, lang: d.Shop.DefaultLanguageID(), odooWrites: odooWrites{erp: d.ERP, dry: page.DryRun},
		rule: d.syncRule(page.Direction, page.Stage, settings), rules: d.contentRules(settings)}
	switch page.Stage {
	case StageAttributes:
		win, err := d.optionWindow(ctx, page.Filter, progress.LastID, page.Limit)
		if err != nil {
			return progress, err
		}
		return syncInChunks(ctx, s, progress, win, optionID, s.syncOptions)
	case StageCategories:
		win, err := d.categoryWindow(ctx, page.Filter, progress.LastID, page.Limit)
		if err != nil {
			return progress, err
		}
		return syncInChunks(ctx, s, progress, win, categoryID, s.syncCategories)
	case StageProducts:
		win, err := d.productWindow(ctx, page.Filter, progress.LastID, page.Limit)
		if err != nil {
			return progress, err
		}
		s.window = win.all
		return syncInChunks(ctx, s, progress, win, productID, s.syncProducts)
	}
	return progress, fmt.Errorf("unknown catalog stage %q: use one of %v", page.Stage, Stages)
}

// sourceWindow is one page of source records in ascending id order.
type sourceWindow[T any] struct {
	rows   []T   // the records to sync
	lastID int64 // the cursor after the page (beyond the last row when filtered-out ids follow it)
	done   bool  // no source records after lastID
	all    []T   // every record read for the page, filtered out or not (4.x variants are looked up here)
}

// syncInChunks syncs the window chunk by chunk, heartbeating the cursor and the counts so far after each
// chunk so that a retried attempt resumes after it.
func syncInChunks[T any](ctx context.Context, s *oc2oSync, progress PageResult, win sourceWindow[T], idOf func(T) int64,
	sync func(context.Context, []T) (PageResult, error)) (PageResult, error) {
	s.beat = progress
	for start := 0; start < len(win.rows); start += oc2oChunk {
		chunk := win.rows[start:min(start+oc2oChunk, len(win.rows))]
		res, err := sync(ctx, chunk)
		if err != nil {
			return progress, err
		}
		progress.Add(res)
		progress.LastID = idOf(chunk[len(chunk)-1])
		s.beat = progress
		s.keepAlive(ctx)
	}
	progress.LastID = max(progress.LastID, win.lastID)
	progress.Done = win.done
	return progress, nil
}

// keepAlive heartbeats the progress of the last finished chunk. Besides after each chunk it is sent
// after each batched create, so that a slow Odoo never outlasts the activity's heartbeat timeout in
// the middle of a chunk.
func (s *oc2oSync) keepAlive(ctx context.Context) {
	if activity.IsActivity(ctx) {
		activity.RecordHeartbeat(ctx, s.beat)
	}
}

// oc2oSync is one attempt at one page.
type oc2oSync struct {
	openCartToOdoo
	page  CatalogPage
	lang  int // the shop's default language: names come from it
	rule  syncRule
	rules contentRules
	odooWrites
	window []productRecord // products stage: every row read for the page
	beat   PageResult      // the progress as of the last finished chunk
	newTax *includedTax    // products stage: what Odoo's default sale taxes include, once read
}

// outcome is what the sync did to one source record.
type outcome int

const (
	outcomeNone outcome = iota // not decided yet, or not counted (a record synced on behalf of another)
	outcomeCreated
	outcomeUpdated
	outcomeUnchanged
	outcomeFailed
)

func (r *PageResult) count(o outcome) {
	switch o {
	case outcomeCreated:
		r.Created++
	case outcomeUpdated:
		r.Updated++
	case outcomeUnchanged:
		r.Unchanged++
	case outcomeFailed:
		r.Failed++
	default:
		return
	}
	r.Read++
}

// recordState is what the sync tracks for every source record it syncs, whatever the stage.
type recordState struct {
	prior    mapping.Mapping // the record's pair before this attempt
	isMapped bool
	odooID   int64
	madeAt   time.Time // create_date of the Odoo record the matching adopted
	act      action    // what the sync rule made of it (actNone: unchanged, or not decided)
	wrote    bool      // this attempt wrote the Odoo record (or would have, in a dry run)
	result   outcome
	err      error
}

// decide applies the sync rule to a record whose OpenCart fingerprint is ocFP, given the fingerprint
// of its Odoo record's content ("" when it has none yet). A yield fails the record with the change it
// lost.
func (r *recordState) decide(s *oc2oSync, kind mapping.Kind, openCartID int64, ocFP, odooFP string) {
	var prior *mapping.Mapping
	if r.isMapped {
		prior = &r.prior
	}
	if r.act = s.rule.decide(prior, ocFP, odooFP); r.act == actYield {
		r.fail(s.rule.lostChange(kind, s.rule.dir, openCartID))
	}
}

// synced tells whether the attempt stored the record's pair (it wrote Odoo, or stored fingerprints).
func (r *recordState) synced() bool {
	return r.err == nil && (r.act == actStore || r.act.writes() || !r.isMapped)
}

func (r *recordState) fail(err error) { r.err, r.result = err, outcomeFailed }

func (r *recordState) created(odooID int64) {
	r.odooID, r.result, r.wrote = odooID, outcomeCreated, true
}

// finish decides how a synced record counts (see openCartToOdoo).
func (r *recordState) finish(s *oc2oSync) {
	switch {
	case r.err != nil, r.result == outcomeCreated:
	case !r.isMapped:
		r.result = s.adoptedOutcome(r.madeAt, r.wrote)
	case r.wrote:
		r.result = outcomeUpdated
	default:
		r.result = s.settledOutcome(r.prior)
	}
}

// writeRecord writes values on the Odoo record of r (nothing when values is empty). A refusal for the
// record's own sake fails r; other errors are returned.
func (s *oc2oSync) writeRecord(ctx context.Context, r *recordState, model string, id int64, values odoo.Values) error {
	if len(values) == 0 {
		return nil
	}
	err := s.write(ctx, model, []int64{id}, values)
	if isRecordError(err) {
		r.fail(err)
		return nil
	}
	r.wrote = r.wrote || err == nil
	return err
}

// createRecords creates one Odoo record per row and marks each record created, or failed.
func (s *oc2oSync) createRecords(ctx context.Context, model string, records []*recordState, rows []odoo.Values) error {
	ids, errs, err := s.createEach(ctx, model, rows)
	if err != nil {
		return err
	}
	for i, r := range records {
		if errs[i] != nil {
			r.fail(errs[i])
		} else {
			r.created(ids[i])
		}
	}
	return nil
}

// settledOutcome counts a mapped record that needs no write, by what this run already did to it (see
// openCartToOdoo).
func (s *oc2oSync) settledOutcome(m mapping.Mapping) outcome {
	started := s.page.RunStarted
	switch {
	case started.IsZero():
		return outcomeUnchanged
	case !m.CreatedAt.Before(started):
		return outcomeCreated
	case !m.SyncedAt.IsZero() && !m.SyncedAt.Before(started):
		return outcomeUpdated
	}
	return outcomeUnchanged
}

// adoptedOutcome counts a record matched to an existing Odoo record: one created by this run (an attempt
// that died before storing the mapping) is counted as created, any other as updated when it had to be
// written.
func (s *oc2oSync) adoptedOutcome(createDate time.Time, wrote bool) outcome {
	switch {
	case !s.page.RunStarted.IsZero() && !createDate.IsZero() && !createDate.Before(s.page.RunStarted.Truncate(time.Second)):
		return outcomeCreated
	case wrote:
		return outcomeUpdated
	}
	return outcomeUnchanged
}

// settle records a record's failure for replay, or, for a record this attempt synced, resolves an
// earlier one and settles the other side of the rule (settleWrite). A record found unchanged keeps
// whatever failure it has (a change it lost in a conflict). A dry run writes no failure rows.
func (s *oc2oSync) settle(ctx context.Context, kind mapping.Kind, id int64, r *recordState) error {
	if s.page.DryRun || (r.err == nil && !r.synced()) {
		return nil
	}
	if err := s.recordOutcome(ctx, kind, mapping.OpenCartToOdoo, id, r.err); err != nil || r.err != nil {
		return err
	}
	target := int64(0)
	if r.isMapped {
		target = r.odooID
	}
	return s.settleWrite(ctx, s.rule, kind, r.act, target)
}

// putMappings stores pairs (none in a dry run).
func (s *oc2oSync) putMappings(ctx context.Context, pairs []mapping.Mapping) error {
	if s.page.DryRun || len(pairs) == 0 {
		return nil
	}
	return s.Store.PutMany(ctx, pairs)
}

// pair builds a mapping to store. synced stamps the sync time: this run wrote the target. A pair stored
// only to record new fingerprints keeps its earlier sync time, so that a retry counts it as unchanged.
func pair(kind mapping.Kind, odooID int64, openCartID, openCartFP, odooFP string, synced bool) mapping.Mapping {
	m := mapping.Mapping{Kind: kind, OdooID: odooID, OpenCartID: openCartID, OpenCartFingerprint: openCartFP, OdooFingerprint: odooFP}
	if synced {
		m.SyncedAt = time.Now()
	}
	return m
}

// storePairs stores each record's group of pairs, all in one transaction when possible. When a pair
// conflicts with an existing mapping, the groups are stored one by one and the records whose group
// conflicts fail (the others are stored). Other errors are returned.
func (s *oc2oSync) storePairs(ctx context.Context, records []*recordState, groups [][]mapping.Mapping) error {
	var conflict *mapping.ConflictError
	err := s.putMappings(ctx, slices.Concat(groups...))
	if !errors.As(err, &conflict) {
		return err
	}
	for i, g := range groups {
		err := s.putMappings(ctx, g)
		if errors.As(err, &conflict) {
			records[i].fail(&syncerr.Invalid{Kind: string(conflict.Kind), RecordID: conflict.Wanted.OpenCartID, Reason: conflict.Error(),
				Fix: "check which pair is right; delete the wrong mapping, then replay"})
		} else if err != nil {
			return err
		}
	}
	return nil
}

// dropStaleMapping forgets a pair whose Odoo record no longer exists, so that the record is matched or
// created again.
func (s *oc2oSync) dropStaleMapping(ctx context.Context, kind mapping.Kind, odooID int64) error {
	if s.page.DryRun {
		return nil
	}
	if err := s.Store.Delete(ctx, kind, odooID); err != nil && !errors.Is(err, mapping.ErrNotFound) {
		return err
	}
	return nil
}

// invalid builds a record's validation failure.
func invalid(kind mapping.Kind, id int64, field, reason, fix string) error {
	return &syncerr.Invalid{Kind: string(kind), RecordID: strconv.FormatInt(id, 10), Field: field, Reason: reason, Fix: fix}
}

// ambiguous is the failure of a record that matches several Odoo records: the bridge never guesses.
func ambiguous(kind mapping.Kind, id int64, what string, candidates []int64, model string) error {
	return invalid(kind, id, "", fmt.Sprintf("%s matches %d Odoo %s records %v and none is mapped yet", what, len(candidates), model, candidates),
		"rename all but one of them in Odoo (or archive the duplicates), or map the right one by hand, then replay")
}

// ocID renders an OpenCart id as a mapping's OpenCart id.
func ocID[T ~int | ~int64](id T) string { return strconv.FormatInt(int64(id), 10) }

// idStrings renders ids as mapping OpenCart ids.
func idStrings[T ~int | ~int64](ids []T) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = ocID(id)
	}
	return out
}

// sortedUnique returns the ids sorted without repeats.
func sortedUnique[T ~int | ~int64](ids []T) []T {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// createdAt reads a record's create_date (zero when absent).
func createdAt(r odoo.Record) time.Time {
	t, _ := r.Time("create_date")
	return t
}

// activeTest off: lookups must see archived records too, or a retry would create a duplicate of an
// archived one.
var withArchived = odoo.Context{"active_test": false}

// quietWrites keeps Odoo from logging chatter messages for every record the bridge writes in bulk.
var quietWrites = odoo.Context{"tracking_disable": true, "mail_create_nolog": true, "mail_notrack": true}

// odooWrites sends the sync's writes to Odoo; in a dry run it only pretends, handing out negative ids.
type odooWrites struct {
	erp      *odoo.Client
	dry      bool
	lastFake int64
}

func (w *odooWrites) create(ctx context.Context, model string, rows []odoo.Values) ([]int64, error) {
	if !w.dry {
		return w.erp.Create(ctx, model, rows, quietWrites)
	}
	ids := make([]int64, len(rows))
	for i := range ids {
		w.lastFake--
		ids[i] = w.lastFake
	}
	return ids, nil
}

func (w *odooWrites) write(ctx context.Context, model string, ids []int64, values odoo.Values) error {
	if w.dry || len(ids) == 0 {
		return nil
	}
	return w.erp.Write(ctx, model, ids, values, quietWrites)
}

// createEach creates rows in batches of oc2oCreateBatch. When Odoo refuses a batch because of one
// record's content, that batch is created again record by record so that only the bad records fail:
// ids[i] is 0 and errs[i] says why. Any other error stops and is returned.
func (s *oc2oSync) createEach(ctx context.Context, model string, rows []odoo.Values) (ids []int64, errs []error, err error) {
	w := &s.odooWrites
	ids, errs = make([]int64, len(rows)), make([]error, len(rows))
	for start := 0; start < len(rows); start += oc2oCreateBatch {
		end := min(start+oc2oCreateBatch, len(rows))
		batch, err := w.create(ctx, model, rows[start:end])
		s.keepAlive(ctx)
		if err == nil {
			copy(ids[start:end], batch)
			continue
		}
		if !isRecordError(err) {
			return nil, nil, err
		}
		for i := start; i < end; i++ {
			one, err := w.create(ctx, model, rows[i:i+1])
			switch {
			case err == nil:
				ids[i] = one[0]
			case isRecordError(err):
				errs[i] = err
			default:
				return nil, nil, err
			}
		}
	}
	return ids, errs, nil
}

// writeGrouped sets field to want[id] on every record, with one write per distinct value.
func writeGrouped[V comparable](ctx context.Context, w *odooWrites, model, field string, want map[int64]V) error {
	groups := map[V][]int64{}
	for id, v := range want {
		groups[v] = append(groups[v], id)
	}
	// A stable order makes runs repeatable (and their request logs comparable).
	keys := make([]V, 0, len(groups))
	for v := range groups {
		keys = append(keys, v)
	}
	slices.SortFunc(keys, func(a, b V) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	for _, v := range keys {
		ids := groups[v]
		slices.Sort(ids)
		if err := w.write(ctx, model, ids, odoo.Values{field: v}); err != nil {
			return err
		}
	}
	return nil
}
