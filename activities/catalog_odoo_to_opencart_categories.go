package activities

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// Categories: each product.category becomes an OpenCart category in store 0 (enabled when it is made),
// named alike in every shop language, under the category its Odoo parent maps to. Pages go by id, so a parent may come after
// its child (a category moved under a newer one): a category whose parent is not paired yet brings its
// ancestors over first, root down, without counting them — they count on their own page, where the
// counting rules see that this run synced them. The shop's own extras of an existing category (status,
// image, sort order, menu flags, meta texts) are kept.

var categoryFields = []string{"name", "parent_id", "parent_path"}

// categorySync is what a page of categories needs besides the categories.
type categorySync struct {
	run     *pageRun
	records map[int64]odoo.Record // the page's categories and their unpaired ancestors
	shop    map[int]opencart.CategoryRecord
	highest int // highest category id in the shop
	mapped  map[int64]mapping.Mapping
	failed  map[int64]error // categories that could not sync in this attempt
}

func (d odooToOpenCart) syncCategories(ctx context.Context, run *pageRun) error {
	cats, err := run.read(ctx, categoryFields)
	if err != nil || len(cats) == 0 {
		return err
	}
	s := &categorySync{run: run, records: map[int64]odoo.Record{}, shop: map[int]opencart.CategoryRecord{}, failed: map[int64]error{}}
	for _, c := range cats {
		s.records[c.ID()] = c
	}
	if err := s.load(ctx, cats); err != nil {
		return err
	}
	for _, chunk := range chunks(cats) {
		for _, c := range chunk {
			o, syncErr := s.sync(ctx, c)
			if err := run.settle(ctx, mapping.KindCategory, c.ID(), o, syncErr); err != nil {
				return err
			}
		}
		run.advance(ctx, chunk[len(chunk)-1].ID())
	}
	return nil
}

// load reads the shop's categories, the pairs of the page's categories and ancestors, and the
// ancestors that are neither paired nor on the page.
func (s *categorySync) load(ctx context.Context, cats []odoo.Record) error {
	d := s.run.d
	const readSize = 1000
	for after := 0; ; {
		page, err := d.Shop.Categories(ctx, after, readSize)
		if err != nil {
			return err
		}
		for _, c := range page {
			s.shop[c.ID] = c
			s.highest = max(s.highest, c.ID)
		}
		if len(page) < readSize {
			break
		}
		after = page[len(page)-1].ID
	}
	var related []int64
	for _, c := range cats {
		related = append(related, ancestors(c)...)
	}
	related = append(related, odooIDs(cats)...)
	var err error
	if s.mapped, err = d.Store.ByOdooIDs(ctx, mapping.KindCategory, related); err != nil {
		return err
	}
	for _, m := range s.mapped {
		s.run.refs.add(m)
	}
	var missing []int64
	for _, id := range related {
		if _, ok := s.mapped[id]; !ok && s.records[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		found, err := d.ERP.Read(ctx, "product.category", missing, categoryFields, nil)
		if err != nil {
			return err
		}
		for _, c := range found {
			s.records[c.ID()] = c
		}
	}
	ids := make([]int, 0, len(s.shop))
	for id := range s.shop {
		ids = append(ids, id)
	}
	return s.run.refs.loadShop(ctx, d.Store, mapping.KindCategory, ids)
}

// ancestors lists a category's ancestors from its parent_path ("1/5/9/" for 9 under 5 under 1).
func ancestors(c odoo.Record) []int64 {
	var out []int64
	for _, part := range strings.Split(strings.Trim(c.String("parent_path"), "/"), "/") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil && id != c.ID() {
			out = append(out, id)
		}
	}
	if parent := c.Int("parent_id"); parent != 0 && !slices.Contains(out, parent) {
		out = append(out, parent)
	}
	return out
}

// sync brings one category over (after its parent, if that is not paired yet) and says how it counts.
func (s *categorySync) sync(ctx context.Context, c odoo.Record) (recordResult, error) {
	if err, ok := s.failed[c.ID()]; ok {
		return recordResult{}, err
	}
	o, err := s.syncOne(ctx, c)
	if err != nil {
		s.failed[c.ID()] = err
	}
	return o, err
}

func (s *categorySync) syncOne(ctx context.Context, c odoo.Record) (recordResult, error) {
	run, shop := s.run, s.run.d.Shop
	id := strconv.FormatInt(c.ID(), 10)
	if matchName(c.String("name")) == "" {
		return recordResult{}, &syncerr.Invalid{Kind: string(mapping.KindCategory), RecordID: id, Field: "name",
			Reason: "the category has no name; OpenCart categories need one", Fix: "name the category in Odoo, then replay"}
	}
	parentID, err := s.parent(ctx, c)
	if err != nil {
		return recordResult{}, err
	}
	prior := pairOf(s.mapped, c.ID())
	target, matched, err := s.target(c, parentID, prior)
	if err != nil {
		return recordResult{}, err
	}
	if prior != nil && target.ID != openCartID(*prior) {
		prior = nil // its shop record is gone: this is a new pair (the old one is replaced)
	}
	lang := shop.DefaultLanguageID()
	srcFP, tgtFP := contentFingerprint(odooCategoryContent(c.String("name"), c.Int("parent_id"), run.refs)), ""
	if target.ID != 0 {
		tgtFP = contentFingerprint(shopCategoryContent(target.Category, run.refs, lang))
	}
	o, err := run.prepare(ctx, prior, srcFP, tgtFP, shopTarget{table: "category", id: target.ID, matched: matched, highest: s.highest})
	switch {
	case err != nil:
		return o, err
	case o.act == actYield:
		return o, run.rule.lostChange(mapping.KindCategory, run.rule.dir, c.ID())
	case o.act == actNone, run.page.DryRun:
		return o, nil
	}
	want := target.Category
	if o.act.writes() {
		if want.ID == 0 {
			want.Top, want.Status = parentID == 0, true
		}
		want.ParentID = parentID
		want.Descriptions = map[int]opencart.CategoryDescription{}
		for lang := range languageTexts(shop, 0) {
			d := target.Descriptions[lang]
			d.Name = c.String("name")
			want.Descriptions[lang] = d
		}
		if want.ID, err = shop.UpsertCategory(ctx, want); err != nil {
			return o, shopRecordError(mapping.KindCategory, c.ID(), err)
		}
		s.shop[want.ID] = opencart.CategoryRecord{Category: want}
	}
	pair := mapping.Mapping{Kind: mapping.KindCategory, OdooID: c.ID(), OpenCartID: strconv.Itoa(want.ID), SyncedAt: syncedAt(o.act), CreatedAt: now()}
	run.refs.add(pair)
	pair.OdooFingerprint, pair.OpenCartFingerprint = srcFP, contentFingerprint(shopCategoryContent(want, run.refs, lang))
	if prior != nil {
		pair.CreatedAt = prior.CreatedAt
	}
	if err := run.d.putMappings(ctx, []mapping.Mapping{pair}, s.mapped); err != nil {
		return o, mappingError(mapping.KindCategory, c.ID(), err)
	}
	s.mapped[c.ID()] = pair
	return o, nil
}

// parent returns the shop id of a category's parent (0 at the top), syncing the parent first when it
// is not paired yet.
func (s *categorySync) parent(ctx context.Context, c odoo.Record) (int, error) {
	parent := c.Int("parent_id")
	if parent == 0 {
		return 0, nil
	}
	if m, ok := s.mapped[parent]; ok {
		return openCartID(m), nil
	}
	record, ok := s.records[parent]
	if !ok {
		return 0, &syncerr.Invalid{Kind: string(mapping.KindCategory), RecordID: strconv.FormatInt(c.ID(), 10), Field: "parent_id",
			Reason: fmt.Sprintf("parent category %d is not in Odoo any more", parent), Fix: "give the category an existing parent, then replay"}
	}
	if _, err := s.sync(ctx, record); err != nil {
		if !isRecordError(err) {
			return 0, err
		}
		return 0, &syncerr.Invalid{Kind: string(mapping.KindCategory), RecordID: strconv.FormatInt(c.ID(), 10), Field: "parent_id",
			Reason: fmt.Sprintf("its parent category %d could not sync: %v", parent, err), Fix: "fix the parent category first, then replay both"}
	}
	if s.run.page.DryRun {
		return -int(parent), nil // stands for the parent a real run would create
	}
	return openCartID(s.mapped[parent]), nil
}

// target is the shop category a category goes to: its paired one, else the one unpaired category of the
// same name under the same parent (adopted), else none yet (ID 0).
func (s *categorySync) target(c odoo.Record, parentID int, prior *mapping.Mapping) (opencart.CategoryRecord, bool, error) {
	if prior != nil {
		if found, ok := s.shop[openCartID(*prior)]; ok {
			return found, false, nil
		}
		// Deleted in the shop: made again (or matched) below, and the pair replaced.
	}
	name := matchName(c.String("name"))
	var found []int
	for id, sc := range s.shop {
		if !s.run.refs.taken(mapping.KindCategory, id) && sc.ParentID == parentID && matchName(sc.Descriptions[s.run.d.Shop.DefaultLanguageID()].Name) == name {
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return opencart.CategoryRecord{}, false, nil
	case 1:
		return s.shop[found[0]], true, nil
	}
	slices.Sort(found)
	return opencart.CategoryRecord{}, false, &syncerr.Invalid{Kind: string(mapping.KindCategory), RecordID: strconv.FormatInt(c.ID(), 10), Field: "name",
		Reason: fmt.Sprintf("category %q matches several unpaired shop categories under the same parent (%s); the bridge does not guess",
			c.String("name"), candidateList("category_id", found)),
		Fix: "rename or merge those categories in OpenCart, or pair the category by hand in the mapping store, then replay"}
}
