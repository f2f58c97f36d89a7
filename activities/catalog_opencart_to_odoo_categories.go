package activities

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// OpenCart categories → product.category, parents before children, named in the shop's default language.
// A category that moved in OpenCart moves in Odoo (parent_id is written). Matching adopts an unmapped
// Odoo category with the same name (case and spacing aside) under the same parent.

// odooCategoryWant is the product.category the sync wants.
type odooCategoryWant struct {
	Name     string
	ParentID int64 // 0: top level
}

type categoryTask struct {
	recordState
	rec     opencart.CategoryRecord
	counted bool // in the chunk; an ancestor synced ahead of its page is counted on its own page
	want    odooCategoryWant
	ocFP    string
}

func (s *oc2oSync) syncCategories(ctx context.Context, chunk []opencart.CategoryRecord) (PageResult, error) {
	tasks, prior, err := s.categoryTasks(ctx, chunk)
	if err != nil {
		return PageResult{}, err
	}
	refs := newRefs()
	for _, m := range prior {
		refs.add(m)
	}
	odooIDs := map[int]int64{} // OpenCart category → Odoo category, growing as levels are written
	for id, m := range prior {
		n, _ := strconv.Atoi(id)
		odooIDs[n] = m.OdooID
	}
	odooSide := &odooCategories{s: s, refs: refs}
	for _, level := range byDepth(tasks) {
		if err := s.syncCategoryLevel(ctx, level, odooIDs, odooSide, refs); err != nil {
			return PageResult{}, err
		}
	}
	var res PageResult
	for _, t := range tasks {
		if err := s.settle(ctx, mapping.KindCategory, int64(t.rec.ID), &t.recordState); err != nil {
			return PageResult{}, err
		}
		if t.counted {
			res.count(t.result)
		}
	}
	return res, nil
}

// categoryTasks returns the chunk's categories plus their ancestors that have no mapping yet (so that
// parents are written first), and the mappings of all of them and of their ancestors.
func (s *oc2oSync) categoryTasks(ctx context.Context, chunk []opencart.CategoryRecord) ([]*categoryTask, map[string]mapping.Mapping, error) {
	inChunk := map[int]bool{}
	var ids []int
	for _, c := range chunk {
		inChunk[c.ID] = true
		ids = append(ids, c.ID)
		ids = append(ids, c.Path...)
	}
	ids = sortedUnique(ids)
	prior, err := s.Store.ByOpenCartIDs(ctx, mapping.KindCategory, idStrings(ids))
	if err != nil {
		return nil, nil, err
	}
	var missing []int
	for _, id := range ids {
		if _, ok := prior[ocID(id)]; !ok && !inChunk[id] {
			missing = append(missing, id)
		}
	}
	ancestors, err := s.Shop.CategoriesByID(ctx, missing)
	if err != nil {
		return nil, nil, err
	}
	var tasks []*categoryTask
	add := func(c opencart.CategoryRecord, counted bool) {
		t := &categoryTask{rec: c, counted: counted}
		t.prior, t.isMapped = prior[ocID(c.ID)]
		tasks = append(tasks, t)
	}
	for _, c := range chunk {
		add(c, true)
	}
	for _, c := range ancestors {
		add(c, false)
	}
	return tasks, prior, nil
}

// byDepth groups tasks into levels, roots first, by id within a level.
func byDepth(tasks []*categoryTask) [][]*categoryTask {
	slices.SortFunc(tasks, func(a, b *categoryTask) int {
		return cmp.Or(cmp.Compare(len(a.rec.Path), len(b.rec.Path)), cmp.Compare(a.rec.ID, b.rec.ID))
	})
	var levels [][]*categoryTask
	for i, t := range tasks {
		if i == 0 || len(t.rec.Path) != len(tasks[i-1].rec.Path) {
			levels = append(levels, nil)
		}
		levels[len(levels)-1] = append(levels[len(levels)-1], t)
	}
	return levels
}

// syncCategoryLevel plans, matches and writes the categories of one depth, whose parents are written.
func (s *oc2oSync) syncCategoryLevel(ctx context.Context, level []*categoryTask, odooIDs map[int]int64, odooSide *odooCategories, refs *refs) error {
	var pending []*categoryTask // need Odoo: changed, or unmapped
	for _, t := range level {
		if !s.planCategory(t, odooIDs, refs) {
			continue
		}
		if t.isMapped && t.ocFP == t.prior.OpenCartFingerprint {
			t.odooID, t.result = t.prior.OdooID, s.settledOutcome(t.prior)
			continue
		}
		pending = append(pending, t)
	}
	if len(pending) == 0 {
		return nil
	}
	if err := odooSide.load(ctx); err != nil {
		return err
	}
	var creates []*categoryTask
	for _, t := range pending {
		create, err := s.resolveCategory(ctx, t, odooSide)
		if err != nil {
			return err
		}
		if create {
			creates = append(creates, t)
		}
	}
	if err := s.createCategories(ctx, creates, odooSide); err != nil {
		return err
	}
	var written []*recordState
	var pairs [][]mapping.Mapping
	for _, t := range pending {
		if t.err == nil {
			m := pair(mapping.KindCategory, t.odooID, ocID(t.rec.ID), t.ocFP, "", t.wrote || !t.isMapped)
			refs.add(m)
			m.OdooFingerprint = contentFingerprint(odooCategoryContent(t.want.Name, t.want.ParentID, refs))
			written, pairs = append(written, &t.recordState), append(pairs, []mapping.Mapping{m})
		}
	}
	if err := s.storePairs(ctx, written, pairs); err != nil {
		return err
	}
	for _, t := range pending {
		t.finish(s)
	}
	for _, t := range level {
		if t.err == nil && t.odooID != 0 {
			odooIDs[t.rec.ID] = t.odooID
		}
	}
	return nil
}

// planCategory works out what Odoo should hold; false when the category cannot sync.
func (s *oc2oSync) planCategory(t *categoryTask, odooIDs map[int]int64, refs *refs) bool {
	id := int64(t.rec.ID)
	name := strings.TrimSpace(t.rec.Descriptions[s.lang].Name)
	if name == "" {
		t.fail(invalid(mapping.KindCategory, id, "name", "the category has no name in the shop's default language",
			"give the category a name in OpenCart (Catalog > Categories) in the default language, then replay"))
		return false
	}
	var parent int64
	if t.rec.ParentID != 0 {
		var ok bool
		if parent, ok = odooIDs[t.rec.ParentID]; !ok {
			t.fail(invalid(mapping.KindCategory, id, "parent_id", fmt.Sprintf("its parent category %d is not synced to Odoo", t.rec.ParentID),
				fmt.Sprintf("fix OpenCart category %d first (see its own failure), then replay this one", t.rec.ParentID)))
			return false
		}
	}
	t.want = odooCategoryWant{Name: name, ParentID: parent}
	t.ocFP = contentFingerprint(shopCategoryContent(t.rec.Category, refs, s.lang))
	return true
}

// resolveCategory decides for a changed or unmapped category by the sync rule: keep or write the mapped
// one, adopt a match (written if it differs), or create (true).
func (s *oc2oSync) resolveCategory(ctx context.Context, t *categoryTask, odooSide *odooCategories) (create bool, err error) {
	if t.isMapped {
		if current, ok := odooSide.byID[t.prior.OdooID]; ok {
			t.odooID = t.prior.OdooID
			return false, s.writeCategory(ctx, t, current, odooSide)
		}
		// Deleted in Odoo: forget the pair and match or create again.
		if err := s.dropStaleMapping(ctx, mapping.KindCategory, t.prior.OdooID); err != nil {
			return false, err
		}
		t.isMapped = false
	}
	var candidates []int64
	for _, r := range odooSide.records {
		if !odooSide.taken[r.ID()] && matchName(r.String("name")) == matchName(t.want.Name) && r.Int("parent_id") == t.want.ParentID {
			candidates = append(candidates, r.ID())
		}
	}
	switch len(candidates) {
	case 0:
		t.act = actWrite
		return true, nil
	case 1:
		current := odooSide.byID[candidates[0]]
		odooSide.taken[candidates[0]] = true
		t.odooID, t.madeAt = candidates[0], createdAt(current)
		return false, s.writeCategory(ctx, t, current, odooSide)
	}
	t.fail(ambiguous(mapping.KindCategory, int64(t.rec.ID), fmt.Sprintf("category %q", t.want.Name), candidates, "product.category"))
	return false, nil
}

// writeCategory applies the sync rule to a category whose Odoo record is current and writes what
// differs. A refusal for the record's own sake fails the category; other errors are returned.
func (s *oc2oSync) writeCategory(ctx context.Context, t *categoryTask, current odoo.Record, odooSide *odooCategories) error {
	t.decide(s, mapping.KindCategory, int64(t.rec.ID), t.ocFP, contentFingerprint(odooCategoryContent(current.String("name"), current.Int("parent_id"), odooSide.refs)))
	if !t.act.writes() {
		return nil
	}
	values := odoo.Values{}
	if current.String("name") != t.want.Name {
		values["name"] = t.want.Name
	}
	if current.Int("parent_id") != t.want.ParentID {
		values["parent_id"] = odooRef(t.want.ParentID)
	}
	return s.writeRecord(ctx, &t.recordState, "product.category", current.ID(), values)
}

func (s *oc2oSync) createCategories(ctx context.Context, creates []*categoryTask, odooSide *odooCategories) error {
	rows := make([]odoo.Values, len(creates))
	records := make([]*recordState, len(creates))
	for i, t := range creates {
		rows[i], records[i] = odoo.Values{"name": t.want.Name, "parent_id": odooRef(t.want.ParentID)}, &t.recordState
	}
	if err := s.createRecords(ctx, "product.category", records, rows); err != nil {
		return err
	}
	for _, t := range creates {
		odooSide.taken[t.odooID] = t.err == nil
	}
	return nil
}

// odooRef is a many2one value: the id, or false for none.
func odooRef(id int64) any {
	if id == 0 {
		return false
	}
	return id
}

// odooCategories is Odoo's category list, read once per chunk when a category needs matching or
// writing (shops have hundreds of categories, not millions), with which of them are mapped already.
type odooCategories struct {
	s       *oc2oSync
	refs    *refs // the chunk's category pairs, and then every Odoo category's
	records []odoo.Record
	byID    map[int64]odoo.Record
	taken   map[int64]bool // mapped, or claimed in this chunk
}

func (c *odooCategories) load(ctx context.Context) error {
	if c.byID != nil {
		return nil
	}
	records, err := c.s.ERP.SearchRead(ctx, "product.category", odoo.Query{
		Fields: []string{"name", "parent_id", "create_date"}, Order: "id", Context: withArchived})
	if err != nil {
		return err
	}
	c.records, c.byID, c.taken = records, make(map[int64]odoo.Record, len(records)), map[int64]bool{}
	ids := make([]int64, len(records))
	for i, r := range records {
		c.byID[r.ID()], ids[i] = r, r.ID()
	}
	mapped, err := c.s.Store.ByOdooIDs(ctx, mapping.KindCategory, ids)
	if err != nil {
		return err
	}
	for id, m := range mapped {
		c.taken[id] = true
		c.refs.add(m)
	}
	return nil
}
