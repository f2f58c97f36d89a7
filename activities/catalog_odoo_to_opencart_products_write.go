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
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// write syncs a sub-batch of planned products: unchanged ones are only counted, the others are matched
// with the shop, written with one UpsertProducts call and paired with one PutMany.
func (s *productSync) write(ctx context.Context, plans []*productPlan) error {
	var todo []*productPlan
	for _, p := range plans {
		switch {
		case p.err != nil:
		case p.prior != nil && p.prior.OdooFingerprint == p.odooFP && p.prior.OpenCartFingerprint == p.openCartFP:
			p.verdict = s.run.judge(p.prior, false, false)
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
	ready := slices.DeleteFunc(todo, func(p *productPlan) bool { return p.err != nil })
	if s.run.page.DryRun {
		for _, p := range ready {
			p.verdict = s.run.judge(p.prior, true, p.target == nil || p.madeByRun)
		}
		return nil
	}
	return s.upsert(ctx, ready)
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
		p.target, p.madeByRun = nil, false
		if p.prior != nil {
			ids = append(ids, openCartID(*p.prior))
		}
		models = append(models, p.want.Model)
		for i, v := range p.want.Variants {
			models = append(models, v.Model)
			if m, ok := s.variantPairs[p.variantIDs[i]]; ok {
				ids = append(ids, openCartID(m))
			}
		}
	}
	index := modelIndex(d.Shop)
	found, err := index.find(ctx, d.Shop, models, func() { s.run.heartbeat(ctx) })
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
	slices.Sort(ids)
	records, err := d.Shop.ProductsByID(ctx, slices.Compact(ids))
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
				p.target = &cur
				s.resolveVariants(p, current, found)
				continue
			}
			index.forget(openCartID(*p.prior))
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
				index.forget(id)
			case cur.MasterID != 0: // an OpenCart 4 variant product, never a template's product
			case isPaired && pair.OdooID != p.tmpl.ID():
				taken = append(taken, id)
			default:
				free = append(free, id)
			}
		}
		switch {
		case len(free) == 1:
			cur := current[free[0]]
			p.target, p.madeByRun = &cur, madeSince(cur.DateAdded, s.run.page.RunStarted)
			s.resolveVariants(p, current, found)
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

func duplicateModel(p *productPlan, why string) error {
	return &syncerr.Invalid{Kind: string(mapping.KindProduct), RecordID: strconv.FormatInt(p.tmpl.ID(), 10), Field: "default_code",
		Reason: fmt.Sprintf("duplicate SKU %q: %s", p.want.Model, why),
		Fix:    "give each product its own internal reference in Odoo (OpenCart's model must identify one product), then replay"}
}

// resolveVariants finds the existing variant products of an existing master: paired ones, else those
// with the variant's model under that master.
func (s *productSync) resolveVariants(p *productPlan, current map[int]opencart.ProductRecord, found map[string][]int) {
	used := map[int]bool{}
	under := func(id int) bool {
		cur, ok := current[id]
		return ok && cur.MasterID == p.target.ID && !used[id]
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

// upsert writes products and pairs them. When the shop refuses the batch, the products are written one
// at a time so that only the refused one fails.
func (s *productSync) upsert(ctx context.Context, plans []*productPlan) error {
	if len(plans) == 0 {
		return nil
	}
	products := make([]opencart.Product, len(plans))
	for i, p := range plans {
		products[i] = p.want
		if p.target != nil {
			keepShopExtras(&products[i], *p.target)
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
		return s.pair(ctx, plans, written)
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

// keepShopExtras keeps what the shop has and the bridge does not manage on an existing product.
func keepShopExtras(p *opencart.Product, cur opencart.ProductRecord) {
	p.ID = cur.ID
	p.Location, p.StockStatusID, p.Images, p.ManufacturerID, p.Points = cur.Location, cur.StockStatusID, cur.Images, cur.ManufacturerID, cur.Points
	p.DateAvailable, p.Minimum, p.SortOrder, p.Stores = cur.DateAvailable, cur.Minimum, cur.SortOrder, cur.Stores
	p.Length, p.Width, p.Height, p.LengthClassID = cur.Length, cur.Width, cur.Height, cur.LengthClassID
	if cur.WeightClassID != 0 {
		p.WeightClassID = cur.WeightClassID
	}
	p.Codes.JAN, p.Codes.ISBN, p.Codes.MPN = cur.Codes.JAN, cur.Codes.ISBN, cur.Codes.MPN
	if p.Image == "" {
		p.Image = cur.Image
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

// pair stores the pairs of written products and their variants and settles their verdicts.
func (s *productSync) pair(ctx context.Context, plans []*productPlan, written []opencart.WrittenProduct) error {
	keys, err := s.variantKeys(ctx, plans, written)
	if err != nil {
		return err
	}
	index := modelIndex(s.run.d.Shop)
	perPlan := make([][]mapping.Mapping, len(plans))
	var all []mapping.Mapping
	for i, p := range plans {
		w := written[i]
		index.set(w.ProductID, p.want.Model)
		perPlan[i] = append(perPlan[i], mapping.Mapping{Kind: mapping.KindProduct, OdooID: p.tmpl.ID(), OpenCartID: strconv.Itoa(w.ProductID),
			OdooFingerprint: p.odooFP, OpenCartFingerprint: p.openCartFP, SyncedAt: now()})
		for j, variantID := range p.variantIDs {
			index.set(w.VariantIDs[j], p.want.Variants[j].Model)
			perPlan[i] = append(perPlan[i], s.variantPair(p, variantID, strconv.Itoa(w.VariantIDs[j]), p.want.Variants[j]))
		}
		for variantID, key := range keys[p.tmpl.ID()] {
			perPlan[i] = append(perPlan[i], s.variantPair(p, variantID, key, key))
		}
		all = append(all, perPlan[i]...)
	}
	err = s.run.d.putMappings(ctx, all, s.products, s.variantPairs)
	var conflict *mapping.ConflictError
	if err != nil && !errors.As(err, &conflict) {
		return err
	}
	for i, p := range plans {
		if err != nil { // one pair conflicts: store them per product so that only that one fails
			if perr := s.run.d.putMappings(ctx, perPlan[i], s.products, s.variantPairs); perr != nil {
				if p.err = mappingError(mapping.KindProduct, p.tmpl.ID(), perr); !isRecordError(p.err) {
					return p.err
				}
				continue
			}
		}
		p.verdict = s.run.judge(p.prior, true, p.target == nil || p.madeByRun)
	}
	return nil
}

// variantPair pairs an Odoo variant with its OpenCart side (a variant product, or a product with option
// values); openCart is the content its fingerprint covers.
func (s *productSync) variantPair(p *productPlan, variantID int64, key string, openCart any) mapping.Mapping {
	i := slices.IndexFunc(s.variants[p.tmpl.ID()], func(v odoo.Record) bool { return v.ID() == variantID })
	return mapping.Mapping{Kind: mapping.KindVariant, OdooID: variantID, OpenCartID: key,
		OdooFingerprint: mapping.Fingerprint(stable(s.variants[p.tmpl.ID()][i])), OpenCartFingerprint: mapping.Fingerprint(openCart), SyncedAt: now()}
}

// variantKeys reads back the product option value ids of written products that offer their variants as
// option values, and keys each variant "<product_id>:<product_option_value_id>[,…]" (ids ascending).
func (s *productSync) variantKeys(ctx context.Context, plans []*productPlan, written []opencart.WrittenProduct) (map[int64]map[int64]string, error) {
	var ids []int
	for i, p := range plans {
		if len(p.choices) > 0 && len(p.variantIDs) == 0 {
			ids = append(ids, written[i].ProductID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	records, err := s.run.d.Shop.ProductsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	offered := map[int]map[int]int{} // product → option_value_id → product_option_value_id
	for _, r := range records {
		offered[r.ID] = map[int]int{}
		for i, o := range r.Options {
			for j, v := range o.Values {
				offered[r.ID][v.OptionValueID] = r.OptionKeys[i].ValueIDs[j]
			}
		}
	}
	keys := map[int64]map[int64]string{}
	for i, p := range plans {
		product, ok := offered[written[i].ProductID]
		if !ok || len(p.variantIDs) > 0 {
			continue
		}
		keys[p.tmpl.ID()] = map[int64]string{}
		for variantID, values := range p.choices {
			var povs []int
			for _, v := range values {
				povs = append(povs, product[v])
			}
			if len(povs) == 0 {
				continue
			}
			slices.Sort(povs)
			parts := make([]string, len(povs))
			for k, id := range povs {
				parts[k] = strconv.Itoa(id)
			}
			keys[p.tmpl.ID()][variantID] = strconv.Itoa(written[i].ProductID) + ":" + strings.Join(parts, ",")
		}
	}
	return keys, nil
}
