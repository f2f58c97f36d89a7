package activities

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"go.temporal.io/sdk/activity"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// Catalog sync Odoo → OpenCart: product.attribute (+ values) → option (+ values), product.category →
// category, product.template (+ variants) → product (+ options or OpenCart 4 variant products).
//
// Each record goes by the sync rule (catalog_changes.go) on the content both directions share
// (catalog_content.go): a record whose Odoo content is as its pair stored it is unchanged, and nothing
// is read from the shop for it. The Odoo content takes in what it maps to (the pairs of its category,
// options and values) and the settings that shape it (variant products, images), so a category synced
// since, or another variants mode, changes it.
//
// Counting exactly once. A page may be retried after a crash; the retry resumes after the last
// heartbeat (which carries the counts so far), and every record after it is synced again. Records the
// crashed attempt finished count as in an uninterrupted run because the counting looks at what this run
// (page.RunStarted on) has already done rather than at what the retry itself writes:
//   - a mapping created during this run → Created (the crashed attempt created the target);
//   - a mapping synced during this run → Updated, even when the retry finds nothing left to write;
//   - a target found by matching (no mapping: the crash came between the target write and the mapping
//     write) → Created when this run made it, Updated when it existed before. Products tell by their
//     date_added; options and categories, which carry no date on every version, by their id (see
//     markCreates).
//
// Counts of records whose mapping another workflow changed while the run was going are only as exact as
// the clocks of the worker, the Temporal server and PostgreSQL agree.
type odooToOpenCart struct{ *Activities }

// subBatch is how many records are written together between two heartbeats.
const subBatch = 100

// odooSource says where a stage reads in Odoo.
type odooSource struct {
	model string
	// categoryField holds the category a record belongs to, for CatalogFilter.CategoryID ("" = none).
	categoryField string
	// archived: archived records are read too (an archived product is disabled in the shop).
	archived bool
	// only narrows the records that belong in the shop at all.
	only odoo.Domain
	// parts are the records Odoo stamps when a part of a record changes (a template's variants and
	// attribute values, an attribute's values): with CatalogFilter.ChangedSince, a record counts as
	// changed when one of its parts is.
	parts []odooPart
}

// odooPart is a model whose records belong to a source record through field.
type odooPart struct{ model, field string }

// Products that cannot be sold (delivery fees, expenses) are no part of the shop's catalog. A synced
// product whose "Can be sold" is unticked later is not read any more, so it stays as it was in the
// shop: archive it in Odoo to disable it there.
var odooSources = map[Stage]odooSource{
	StageAttributes: {model: "product.attribute", parts: []odooPart{{"product.attribute.value", "attribute_id"}}},
	StageCategories: {model: "product.category", categoryField: "id"},
	StageProducts: {model: "product.template", categoryField: "categ_id", archived: true,
		only:  odoo.Domain{odoo.Leaf("sale_ok", "=", true)},
		parts: []odooPart{{"product.product", "product_tmpl_id"}, {"product.template.attribute.value", "product_tmpl_id"}}},
}

// domain selects the records of a filter with id > afterID.
func (d odooToOpenCart) domain(ctx context.Context, s odooSource, f CatalogFilter, afterID int64) (odoo.Domain, error) {
	dom := append(odoo.Domain{odoo.Leaf("id", ">", afterID)}, s.only...)
	if len(f.IDs) > 0 {
		dom = append(dom, odoo.Leaf("id", "in", f.IDs))
	}
	if !f.ChangedSince.IsZero() {
		since := odoo.Leaf("write_date", ">=", odoo.FormatDatetime(f.ChangedSince))
		changed, err := d.changedParts(ctx, s, f.ChangedSince)
		if err != nil {
			return nil, err
		}
		if len(changed) > 0 {
			dom = append(dom, "|", since, odoo.Leaf("id", "in", changed))
		} else {
			dom = append(dom, since)
		}
	}
	if f.CategoryID != 0 && s.categoryField != "" {
		dom = append(dom, odoo.Leaf(s.categoryField, "child_of", f.CategoryID))
	}
	return dom, nil
}

// changedParts lists the records whose parts Odoo stamped since the time.
func (d odooToOpenCart) changedParts(ctx context.Context, s odooSource, since time.Time) ([]int64, error) {
	var ids []int64
	for _, part := range s.parts {
		rows, err := d.ERP.SearchRead(ctx, part.model, odoo.Query{Domain: odoo.Domain{odoo.Leaf("write_date", ">=", odoo.FormatDatetime(since))},
			Fields: []string{part.field}, Context: withArchived})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			ids = append(ids, r.Int(part.field))
		}
	}
	return sortedUnique(ids), nil
}

func (s odooSource) context() odoo.Context {
	if s.archived {
		return withArchived
	}
	return nil
}

func (d odooToOpenCart) count(ctx context.Context, stage Stage, filter CatalogFilter) (int, error) {
	src, ok := odooSources[stage]
	if !ok {
		return 0, fmt.Errorf("unknown catalog stage %q: use one of %v", stage, Stages)
	}
	domain, err := d.domain(ctx, src, filter, 0)
	if err != nil {
		return 0, err
	}
	n, err := d.ERP.SearchCount(ctx, src.model, domain, src.context())
	return int(n), err
}

func (d odooToOpenCart) syncPage(ctx context.Context, page CatalogPage, progress PageResult) (PageResult, error) {
	src, ok := odooSources[page.Stage]
	if !ok {
		return progress, fmt.Errorf("unknown catalog stage %q: use one of %v", page.Stage, Stages)
	}
	settings, err := catalogSettings()
	if err != nil {
		return progress, err
	}
	run := &pageRun{d: d, page: page, src: src, res: progress, settings: settings, rule: d.syncRule(page.Direction, page.Stage, settings),
		rules: d.contentRules(settings), refs: newRefs()}
	switch page.Stage {
	case StageAttributes:
		return run.res, d.syncAttributes(ctx, run)
	case StageCategories:
		return run.res, d.syncCategories(ctx, run)
	default:
		return run.res, d.syncProducts(ctx, run)
	}
}

// pageRun is one attempt at one page: its counts and cursor so far and the rules that make a retried
// attempt count like an uninterrupted one.
type pageRun struct {
	d        odooToOpenCart
	page     CatalogPage
	src      odooSource
	res      PageResult
	settings CatalogSettings
	rule     syncRule
	rules    contentRules
	refs     *refs // the pairs the page's records refer to
}

// read reads the page's source records after the cursor, by id. An attempt resuming after a heartbeat
// reads only what the page has left.
func (r *pageRun) read(ctx context.Context, fields []string) ([]odoo.Record, error) {
	limit := max(r.page.Limit-r.res.Read, 1)
	domain, err := r.d.domain(ctx, r.src, r.page.Filter, r.res.LastID)
	if err != nil {
		return nil, err
	}
	records, err := r.d.ERP.SearchRead(ctx, r.src.model, odoo.Query{
		Domain: domain, Fields: fields, Limit: limit, Order: "id", Context: r.src.context(),
	})
	if err != nil {
		return nil, err
	}
	r.res.Done = len(records) < limit
	return records, nil
}

// verdict is how one record of the page counts.
type verdict int

const (
	verdictUnchanged verdict = iota
	verdictCreated
	verdictUpdated
)

// judge decides how a synced record counts (see odooToOpenCart). prior is its mapping before this
// attempt (nil: none), wrote whether this attempt wrote the target, madeByRun whether the target was
// created during this run (by this attempt or by a crashed one).
func (r *pageRun) judge(prior *mapping.Mapping, wrote, madeByRun bool) verdict {
	started := r.page.RunStarted
	switch {
	case prior == nil && madeByRun:
		return verdictCreated
	case prior == nil:
		return verdictUpdated
	case !started.IsZero() && !prior.CreatedAt.Before(started):
		return verdictCreated
	case wrote || (!started.IsZero() && !prior.SyncedAt.IsZero() && !prior.SyncedAt.Before(started)):
		return verdictUpdated
	}
	return verdictUnchanged
}

// settle counts one record and keeps the failure lists in step: a record's own fault is recorded and
// counted, a systems failure is returned so that the page is retried. A record this attempt synced (its
// pair stored) has its earlier failure resolved, and the other side of the rule settled (see
// settleWrite); a record found unchanged keeps whatever failure it has (a change it lost in a
// conflict). A dry run records nothing.
func (r *pageRun) settle(ctx context.Context, kind mapping.Kind, id int64, o recordResult, syncErr error) error {
	if syncErr != nil && !isRecordError(syncErr) {
		return syncErr
	}
	r.res.Read++
	switch {
	case syncErr != nil:
		r.res.Failed++
	case o.verdict == verdictCreated:
		r.res.Created++
	case o.verdict == verdictUpdated:
		r.res.Updated++
	default:
		r.res.Unchanged++
	}
	if r.page.DryRun || (syncErr == nil && !o.synced()) {
		return nil
	}
	if err := r.d.recordOutcome(ctx, kind, mapping.OdooToOpenCart, id, syncErr); err != nil || syncErr != nil {
		return err
	}
	return r.d.settleWrite(ctx, r.rule, kind, o.act, o.target)
}

// recordResult is how one record of a page came out.
type recordResult struct {
	verdict verdict
	act     action
	target  int64 // the target record (its id on the shop side)
}

// synced tells whether the attempt stored the record's pair.
func (o recordResult) synced() bool { return o.act == actStore || o.act.writes() }

// advance moves the cursor past a finished sub-batch and heartbeats the progress, so that a retried
// attempt resumes after it with these counts.
func (r *pageRun) advance(ctx context.Context, lastID int64) {
	r.res.LastID = lastID
	r.heartbeat(ctx)
}

// heartbeat reports the progress so far (also while a long read goes on).
func (r *pageRun) heartbeat(ctx context.Context) {
	if activity.IsActivity(ctx) {
		activity.RecordHeartbeat(ctx, r.res)
	}
}

// chunks splits records into the page's sub-batches.
func chunks(records []odoo.Record) [][]odoo.Record {
	var out [][]odoo.Record
	for start := 0; start < len(records); start += subBatch {
		out = append(out, records[start:min(start+subBatch, len(records))])
	}
	return out
}

// madeSince reports whether the shop's stored date (in the shop's zone, whole seconds) is at or after
// the run's start.
func madeSince(stored time.Time, started time.Time) bool {
	return !stored.IsZero() && !started.IsZero() && !stored.Before(started.Truncate(time.Second))
}

// shopTarget is the shop record (an option or a category) a source record goes to.
type shopTarget struct {
	table   string // its table, for the creation mark
	id      int    // 0: it is to be created
	matched bool   // found by matching, not by a pair
	highest int    // the table's highest id before this attempt wrote, for the creation mark
}

// prepare applies the sync rule to a record whose content and target are known and says how it counts.
// Before a write that creates, the run marks the table (see markCreates). A dry run writes nothing.
func (r *pageRun) prepare(ctx context.Context, prior *mapping.Mapping, srcFP, tgtFP string, t shopTarget) (recordResult, error) {
	o := recordResult{act: r.rule.decide(prior, srcFP, tgtFP)}
	if prior != nil {
		o.target = int64(t.id) // a new record has no failures of the other direction to settle
	}
	if o.act == actNone || o.act == actYield {
		o.verdict = r.judge(prior, false, false)
		return o, nil
	}
	madeByRun := t.id == 0
	if t.matched {
		var err error
		if madeByRun, err = r.madeByRun(ctx, t.table, t.id); err != nil {
			return o, err
		}
	}
	if o.act.writes() && !r.page.DryRun && t.id == 0 {
		if err := r.markCreates(ctx, t.table, t.highest); err != nil {
			return o, err
		}
	}
	o.verdict = r.judge(prior, o.act.writes(), madeByRun)
	return o, nil
}

// pairOf returns the pair of an Odoo record, nil when it has none.
func pairOf(pairs map[int64]mapping.Mapping, odooID int64) *mapping.Mapping {
	if m, ok := pairs[odooID]; ok {
		return &m
	}
	return nil
}

// Options and categories carry no creation date on every OpenCart version, so a run remembers, just
// before it first creates one of them, the highest id the shop table had: a record found later by
// matching was made by this run (a crashed attempt) exactly when its id is above that mark. The mark is
// a cursor per run and table, stored only by runs that create something.

// markCreates stores the mark before the run's first creation in a table (later calls keep it).
func (r *pageRun) markCreates(ctx context.Context, table string, highestID int) error {
	if r.page.DryRun || r.page.RunKey == "" {
		return nil
	}
	_, err := r.d.Store.SwapCursor(ctx, r.markName(table), "", strconv.Itoa(highestID))
	return err
}

// madeByRun reports whether a record of a table was created during this run (see markCreates).
func (r *pageRun) madeByRun(ctx context.Context, table string, id int) (bool, error) {
	if r.page.RunKey == "" {
		return false, nil
	}
	mark, err := r.d.Store.Cursor(ctx, r.markName(table))
	if errors.Is(err, mapping.ErrNotFound) {
		return false, nil // the run has created nothing there
	}
	if err != nil {
		return false, err
	}
	highest, err := strconv.Atoi(mark)
	return err == nil && id > highest, err
}

func (r *pageRun) markName(table string) string {
	return "catalog/" + string(mapping.OdooToOpenCart) + "/" + table + "-ids-before/" + r.page.RunKey
}

// putMappings stores pairs in one transaction. A pair whose OpenCart side changed (a variant key after
// its product options were rebuilt, a target deleted in the shop and made again) replaces the old pair
// found in priors.
func (d odooToOpenCart) putMappings(ctx context.Context, pairs []mapping.Mapping, priors ...map[int64]mapping.Mapping) error {
	for _, m := range pairs {
		for _, prior := range priors {
			old, ok := prior[m.OdooID]
			if !ok || old.Kind != m.Kind || old.OpenCartID == m.OpenCartID {
				continue
			}
			if err := d.Store.Delete(ctx, m.Kind, m.OdooID); err != nil && !errors.Is(err, mapping.ErrNotFound) {
				return err
			}
		}
	}
	return d.Store.PutMany(ctx, pairs)
}

// shopRecordError tells the shop's refusal of one record (a text too long, a missing parent) from a
// failure of the shop database itself: the first becomes an invalid record with the shop's reason, the
// second is returned as it is, so that the page is retried.
func shopRecordError(kind mapping.Kind, id int64, err error) error {
	if err == nil || isShopDown(err) {
		return err
	}
	return &syncerr.Invalid{Kind: string(kind), RecordID: strconv.FormatInt(id, 10), Reason: "OpenCart refused it: " + err.Error(),
		Fix: "correct the record in Odoo as the message says (or the shop record it names), then replay"}
}

// isShopDown reports failures a retry may cure: the connection, timeouts, lock waits and deadlocks.
func isShopDown(err error) bool {
	var netErr net.Error
	var myErr *mysql.MySQLError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, mysql.ErrInvalidConn), errors.Is(err, sql.ErrConnDone), errors.As(err, &netErr):
		return true
	case errors.As(err, &myErr):
		switch myErr.Number {
		case 1040, 1053, 1205, 1213, 1317, 2006, 2013: // too many connections, shutdown, lock wait, deadlock, interrupted, gone away, lost
			return true
		}
	}
	return false
}

// mappingError turns a refused pair into the record's failure; other store errors are returned as they are.
func mappingError(kind mapping.Kind, id int64, err error) error {
	var conflict *mapping.ConflictError
	if !errors.As(err, &conflict) {
		return err
	}
	return &syncerr.Invalid{Kind: string(kind), RecordID: strconv.FormatInt(id, 10), Reason: conflict.Error(),
		Fix: "delete the wrong pair in the mapping store, then replay"}
}

func now() time.Time { return time.Now().UTC() }

// languageTexts gives every shop language the same text: Odoo's names are read in one language.
func languageTexts[T any](shop *opencart.DB, text T) map[int]T {
	out := map[int]T{}
	for _, l := range shop.Languages() {
		out[l.ID] = text
	}
	return out
}

// candidateList names match candidates in an error message.
func candidateList(what string, ids []int) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(id)
	}
	return what + " " + strings.Join(parts, ", ")
}

// openCartID converts a mapped OpenCart id back to the shop's int id.
func openCartID(m mapping.Mapping) int {
	id, _ := strconv.Atoi(m.OpenCartID)
	return id
}

func odooIDs(records []odoo.Record) []int64 {
	ids := make([]int64, len(records))
	for i, r := range records {
		ids[i] = r.ID()
	}
	return ids
}
