package activities

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// write syncs a sub-batch of planned products by the sync rule: unchanged ones are only counted, the
// others are matched with the shop and compared with what it holds; those to write are written with one
// UpsertProducts call, read back and paired, with the agreeing ones, in one PutMany.
func (s *productSync) write(ctx context.Context, plans []*productPlan) error {
	var todo []*productPlan
	for _, p := range plans {
		switch {
		case p.err != nil:
		case p.prior != nil && p.prior.OdooFingerprint == p.srcFP:
			p.result = recordResult{act: actNone, verdict: s.run.judge(p.prior, false, false)}
		case p.prior == nil && !p.tmpl.Bool("active"):
			// Archived and never synced: nothing belongs in the shop.
		default:
			todo = append(todo, p)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if err := s.resolve(ctx, todo); err != nil {
		return err
	}
	todo = slices.DeleteFunc(todo, func(p *productPlan) bool { return p.err != nil })
	if err := s.decide(ctx, todo); err != nil || s.run.page.DryRun {
		return err
	}
	var writes, ready []*productPlan
	for _, p := range todo {
		switch {
		case p.err != nil:
		case p.result.act.writes():
			writes = append(writes, p)
		case p.result.act == actStore:
			ready = append(ready, p)
		}
	}
	if err := s.upsert(ctx, writes); err != nil {
		return err
	}
	if err := s.readBack(ctx, writes); err != nil {
		return err
	}
	for _, p := range writes {
		if p.err == nil {
			ready = append(ready, p)
		}
	}
	return s.pair(ctx, ready)
}

// resolve finds each plan's product in the shop: its paired product if that still exists, else the one
// unpaired product with its model (adopted: a product the shop had, or one a crashed attempt wrote),
// else none (it is created). Several unpaired products with the model, or only products paired with
// other templates, fail the record: the bridge never guesses.
func (s *productSync) resolve(ctx context.Context, plans []*productPlan) error {
	d := s.run.d
	var ids []int
	var models []string
	for _, p := range plans {
		p.target, p.targetVariants, p.madeByRun = nil, nil, false
		if p.prior != nil {
			ids = append(ids, openCartID(*p.prior))
		}
		models = append(models, p.want.Model)
		for _, v := range p.want.Variants {
			models = append(models, v.Model)
		}
		for _, v := range s.parts.variants[p.tmpl.ID()] { // the variant products its variants are paired with
			if id, err := strconv.Atoi(s.variantPairs[v.ID()].OpenCartID); err == nil {
				ids = append(ids, id)
			}
		}
	}
	found, err := s.productsByModel(ctx, models)
	if err != nil {
		return err
	}
	var keys []string
	for _, list := range found {
		for _, id := range list {
			ids = append(ids, id)
			keys = append(keys, strconv.Itoa(id))
		}
	}
	records, err := d.Shop.ProductsByID(ctx, sortedUnique(ids))
	if err != nil {
		return err
	}
	current := map[int]opencart.ProductRecord{}
	for _, r := range records {
		current[r.ID] = r
	}
	paired, err := d.Store.ByOpenCartIDs(ctx, mapping.KindProduct, keys)
	if err != nil {
		return err
	}
	claimed := map[string]int64{} // model → template of this batch that takes it
	for _, p := range plans {
		if p.prior != nil {
			if cur, ok := current[openCartID(*p.prior)]; ok {
				s.target(p, cur, current, found)
				continue
			}
			p.prior = nil // deleted in the shop: made again
		}
		model := matchName(p.want.Model)
		if other, ok := claimed[model]; ok {
			p.err = duplicateModel(p, fmt.Sprintf("Odoo template %d (on the same page) has the same internal reference", other))
			continue
		}
		var free, taken []int
		for _, id := range found[model] {
			cur, ok := current[id]
			pair, isPaired := paired[strconv.Itoa(id)]
			switch {
			case !ok:
			case cur.MasterID != 0: // an OpenCart 4 variant product, never a template's product
			case isPaired && pair.OdooID != p.tmpl.ID():
				taken = append(taken, id)
			default:
				free = append(free, id)
			}
		}
		switch {
		case len(free) == 1:
			s.target(p, current[free[0]], current, found)
			p.madeByRun = madeSince(p.target.DateAdded, s.run.page.RunStarted)
		case len(free) > 1:
			slices.Sort(free)
			p.err = &syncerr.Invalid{Kind: string(mapping.KindProduct), RecordID: strconv.FormatInt(p.tmpl.ID(), 10), Field: "default_code",
				Reason: fmt.Sprintf("model %q matches several unpaired shop products (%s); the bridge does not guess", p.want.Model, candidateList("product_id", free)),
				Fix:    "give those products distinct models in OpenCart, or pair the template with one of them in the mapping store, then replay"}
		case len(taken) > 0:
			p.err = duplicateModel(p, fmt.Sprintf("shop product %d with that model is already paired with Odoo template %d", taken[0], paired[strconv.Itoa(taken[0])].OdooID))
		}
		if p.err == nil {
			claimed[model] = p.tmpl.ID()
		}
	}
	return nil
}

// productsByModel lists the shop's products by model, as matchName compares models.
func (s *productSync) productsByModel(ctx context.Context, models []string) (map[string][]int, error) {
	byModel, err := s.run.d.Shop.ProductIDsByModel(ctx, models)
	found := map[string][]int{}
	for model, ids := range byModel {
		found[matchName(model)] = append(found[matchName(model)], ids...)
	}
	return found, err
}

func duplicateModel(p *productPlan, why string) error {
	return &syncerr.Invalid{Kind: string(mapping.KindProduct), RecordID: strconv.FormatInt(p.tmpl.ID(), 10), Field: "default_code",
		Reason: fmt.Sprintf("duplicate SKU %q: %s", p.want.Model, why),
		Fix:    "give each product its own internal reference in Odoo (OpenCart's model must identify one product), then replay"}
}

// target sets a plan's product in the shop, its variant products among those read, and which of them
// each wanted variant is: paired ones, else those with the variant's model under that master.
func (s *productSync) target(p *productPlan, cur opencart.ProductRecord, current map[int]opencart.ProductRecord, found map[string][]int) {
	p.target = &cur
	for _, id := range slices.Sorted(maps.Keys(current)) {
		if current[id].MasterID == cur.ID {
			p.targetVariants = append(p.targetVariants, current[id])
		}
	}
	used := map[int]bool{}
	under := func(id int) bool {
		v, ok := current[id]
		return ok && v.MasterID == cur.ID && !used[id]
	}
	for i := range p.want.Variants {
		v := &p.want.Variants[i]
		v.ID = 0
		candidates := found[matchName(v.Model)]
		if m, ok := s.variantPairs[p.variantIDs[i]]; ok {
			candidates = append([]int{openCartID(m)}, candidates...)
		}
		if i := slices.IndexFunc(candidates, under); i >= 0 {
			v.ID = candidates[i]
			used[v.ID] = true
		}
	}
}

// decide applies the sync rule to each plan with what its product holds in the shop.
func (s *productSync) decide(ctx context.Context, plans []*productPlan) error {
	run := s.run
	var categories, options, values []int
	for _, p := range plans {
		categories = append(categories, p.want.Categories...)
		if p.target != nil {
			categories = append(categories, p.target.Categories...)
			for _, o := range p.target.Options {
				options = append(options, o.OptionID)
				for _, v := range o.Values {
					values = append(values, v.OptionValueID)
				}
			}
		}
	}
	if err := run.refs.loadCategories(ctx, run.d.Store, run.d.Shop, categories); err != nil {
		return err
	}
	if err := run.refs.loadShop(ctx, run.d.Store, mapping.KindAttribute, options); err != nil {
		return err
	}
	if err := run.refs.loadShop(ctx, run.d.Store, mapping.KindAttributeValue, values); err != nil {
		return err
	}
	for _, p := range plans {
		tgtFP := ""
		if p.target != nil {
			tgtFP = run.rules.fingerprint(shopProductContent(*p.target, p.targetVariants, run.refs, run.rules))
		}
		p.result = recordResult{act: run.rule.decide(p.prior, p.srcFP, tgtFP)}
		if p.prior != nil {
			p.result.target = int64(p.target.ID)
		}
		switch act := p.result.act; {
		case act == actYield:
			p.err = run.rule.lostChange(mapping.KindProduct, run.rule.dir, p.tmpl.ID())
		case act == actStore:
			p.final, p.finalVariants = p.target, p.targetVariants
			p.result.verdict = run.judge(p.prior, false, p.madeByRun)
		default:
			p.result.verdict = run.judge(p.prior, true, p.target == nil || p.madeByRun)
		}
	}
	return nil
}

// upsert writes products. When the shop refuses the batch, the products are written one at a time so
// that only the refused one fails.
func (s *productSync) upsert(ctx context.Context, plans []*productPlan) error {
	if len(plans) == 0 {
		return nil
	}
	products := make([]opencart.Product, len(plans))
	for i, p := range plans {
		products[i] = p.want
		if p.target != nil {
			s.keepShopExtras(&products[i], p)
		}
		if p.want.Image != "" {
			if err := s.saveImage(p); err != nil {
				return err
			}
		}
	}
	written, err := s.run.d.Shop.UpsertProducts(ctx, products)
	switch {
	case err == nil:
		for i, p := range plans {
			p.want = products[i]
			p.want.ID = written[i].ProductID
			for j := range p.want.Variants {
				p.want.Variants[j].ID = written[i].VariantIDs[j]
			}
		}
		return nil
	case isShopDown(err):
		return err
	case len(plans) == 1:
		plans[0].err = shopRecordError(mapping.KindProduct, plans[0].tmpl.ID(), err)
		return nil
	}
	for _, p := range plans {
		// Matched again: a MyISAM batch that failed half-way may have left new products behind.
		if err := s.resolve(ctx, []*productPlan{p}); err != nil {
			return err
		}
		if p.err == nil {
			if err := s.upsert(ctx, []*productPlan{p}); err != nil {
				return err
			}
		}
	}
	return nil
}

// keepShopExtras keeps on an existing product what the shop has and the catalog does not manage, and
// what the shop holds alike in other ways.
func (s *productSync) keepShopExtras(p *opencart.Product, plan *productPlan) {
	cur := *plan.target
	p.ID = cur.ID
	p.Location, p.StockStatusID, p.Images, p.ManufacturerID, p.Points = cur.Location, cur.StockStatusID, cur.Images, cur.ManufacturerID, cur.Points
	p.DateAvailable, p.Minimum, p.SortOrder, p.Stores = cur.DateAvailable, cur.Minimum, cur.SortOrder, cur.Stores
	p.Length, p.Width, p.Height, p.LengthClassID = cur.Length, cur.Width, cur.Height, cur.LengthClassID
	if cur.WeightClassID != 0 {
		p.WeightClassID = cur.WeightClassID
	}
	if cur.TaxClassID != 0 {
		p.TaxClassID = cur.TaxClassID
	}
	p.Codes.JAN, p.Codes.ISBN, p.Codes.MPN = cur.Codes.JAN, cur.Codes.ISBN, cur.Codes.MPN
	if p.Image == "" {
		p.Image = cur.Image
	}
	onVariants := func(l attributeLine) bool { return l.onVariants }
	if strings.TrimSpace(plan.tmpl.String("default_code")) == "" && slices.ContainsFunc(s.parts.lines(plan.tmpl.ID()), onVariants) {
		p.Model = cur.Model // a template with variants has no Internal Reference: the shop's model stands
	}
	// Categories the other direction reads as the same category (the deepest paired one).
	if deepest := s.run.refs.deepestCategory(cur.Categories); deepest.OpenCart == firstOr(p.Categories, 0) {
		p.Categories = cur.Categories
	}
	s.keepStock(p, plan)
	// Options that are no choice (text, date, file…) are the shop's.
	for i, o := range cur.Options {
		if !isChoiceOption(cur.OptionKeys[i].Type) {
			p.Options = append(p.Options, o)
		}
	}
	p.Descriptions = maps.Clone(p.Descriptions)
	for lang, d := range p.Descriptions {
		old := cur.Descriptions[lang]
		d.Tag, d.MetaDescription, d.MetaKeyword = old.Tag, old.MetaDescription, old.MetaKeyword
		if old.MetaTitle != old.Name { // a meta title of its own; one that was the name follows the name
			d.MetaTitle = old.MetaTitle
		}
		p.Descriptions[lang] = d
	}
}

// keepStock keeps the quantities of an existing product, its option values and variant products: the
// inventory sync keeps them, by its own rule. Option values of a product that had variant products kept
// no stock: they get it computed when the product goes back to options.
func (s *productSync) keepStock(p *opencart.Product, plan *productPlan) {
	cur := *plan.target
	p.Quantity = cur.Quantity
	if len(plan.targetVariants) > 0 && len(p.Variants) == 0 {
		return
	}
	p.Options = slices.Clone(p.Options)
	for i, o := range p.Options {
		j := slices.IndexFunc(cur.Options, func(c opencart.ProductOption) bool { return c.OptionID == o.OptionID })
		if j < 0 {
			continue
		}
		o.Values = slices.Clone(o.Values)
		for k, v := range o.Values {
			if l := slices.IndexFunc(cur.Options[j].Values, func(c opencart.ProductOptionValue) bool { return c.OptionValueID == v.OptionValueID }); l >= 0 {
				o.Values[k].Quantity = cur.Options[j].Values[l].Quantity
			}
		}
		p.Options[i] = o
	}
	p.Variants = slices.Clone(p.Variants)
	for i, v := range p.Variants {
		if j := slices.IndexFunc(plan.targetVariants, func(c opencart.ProductRecord) bool { return c.ID == v.ID }); v.ID != 0 && j >= 0 {
			p.Variants[i].Quantity = plan.targetVariants[j].Quantity
		}
	}
}

// readBack reads the written products and their variant products as the shop now holds them.
func (s *productSync) readBack(ctx context.Context, plans []*productPlan) error {
	var ids []int
	for _, p := range plans {
		if p.err == nil {
			ids = append(ids, p.want.ID)
			for _, v := range p.want.Variants {
				ids = append(ids, v.ID)
			}
		}
	}
	records, err := s.run.d.Shop.ProductsByID(ctx, ids)
	if err != nil {
		return err
	}
	byID := map[int]opencart.ProductRecord{}
	for _, r := range records {
		byID[r.ID] = r
	}
	for _, p := range plans {
		if p.err != nil {
			continue
		}
		final, ok := byID[p.want.ID]
		if !ok {
			return fmt.Errorf("product %d of Odoo template %d is not in the shop right after it was written (deleted meanwhile?)", p.want.ID, p.tmpl.ID())
		}
		p.final, p.finalVariants = &final, nil
		for _, v := range p.want.Variants {
			if r, ok := byID[v.ID]; ok {
				p.finalVariants = append(p.finalVariants, r)
			}
		}
	}
	return nil
}

// pair stores the pairs of synced products and their variants, with the fingerprints of both sides'
// content as the sync leaves it.
func (s *productSync) pair(ctx context.Context, plans []*productPlan) error {
	run := s.run
	var categories []int
	for _, p := range plans {
		categories = append(categories, p.final.Categories...)
	}
	if err := run.refs.loadCategories(ctx, run.d.Store, run.d.Shop, categories); err != nil {
		return err
	}
	perPlan := make([][]mapping.Mapping, len(plans))
	var all []mapping.Mapping
	for i, p := range plans {
		at := syncedAt(p.result.act)
		openCartFP := run.rules.fingerprint(shopProductContent(*p.final, p.finalVariants, run.refs, run.rules))
		perPlan[i] = append(perPlan[i], mapping.Mapping{Kind: mapping.KindProduct, OdooID: p.tmpl.ID(), OpenCartID: strconv.Itoa(p.final.ID),
			OdooFingerprint: p.srcFP, OpenCartFingerprint: openCartFP, SyncedAt: at})
		for j, variantID := range p.variantIDs {
			k := slices.IndexFunc(p.finalVariants, func(r opencart.ProductRecord) bool { return r.ID == p.want.Variants[j].ID })
			if k >= 0 {
				fp := variantRowFingerprint(p.finalVariants[k])
				perPlan[i] = append(perPlan[i], mapping.Mapping{Kind: mapping.KindVariant, OdooID: variantID,
					OpenCartID: strconv.Itoa(p.finalVariants[k].ID), OdooFingerprint: fp, OpenCartFingerprint: fp, SyncedAt: at})
			}
		}
		for variantID, key := range optionVariantKeys(p) {
			fp := optionVariantFingerprint(key)
			perPlan[i] = append(perPlan[i], mapping.Mapping{Kind: mapping.KindVariant, OdooID: variantID, OpenCartID: key,
				OdooFingerprint: fp, OpenCartFingerprint: fp, SyncedAt: at})
		}
		all = append(all, perPlan[i]...)
	}
	err := run.d.putMappings(ctx, all, s.products, s.variantPairs)
	var conflict *mapping.ConflictError
	if err == nil || !errors.As(err, &conflict) {
		return err
	}
	for i, p := range plans { // one pair conflicts: store them per product so that only that one fails
		if perr := run.d.putMappings(ctx, perPlan[i], s.products, s.variantPairs); perr != nil {
			if p.err = mappingError(mapping.KindProduct, p.tmpl.ID(), perr); !isRecordError(p.err) {
				return p.err
			}
		}
	}
	return nil
}

// optionVariantKeys keys each Odoo variant of a product offering its variants as option values
// "<product_id>:<product_option_value_id>[,…]" (ids ascending), from the product as the shop holds it.
func optionVariantKeys(p *productPlan) map[int64]string {
	if len(p.choices) == 0 || len(p.variantIDs) > 0 {
		return nil
	}
	offered := map[int]int{} // option_value_id → product_option_value_id
	for i, o := range p.final.Options {
		for j, v := range o.Values {
			offered[v.OptionValueID] = p.final.OptionKeys[i].ValueIDs[j]
		}
	}
	keys := map[int64]string{}
	for variantID, values := range p.choices {
		var povs []int
		for _, v := range values {
			if pov, ok := offered[v]; ok {
				povs = append(povs, pov)
			}
		}
		if len(povs) > 0 {
			keys[variantID] = optionVariantKey(p.final.ID, povs)
		}
	}
	return keys
}
