package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
)

// StockPushResult counts what a push did.
type StockPushResult struct {
	Templates     int `json:"templates"`      // templates whose stock was computed
	Levels        int `json:"levels"`         // product and option value levels computed
	Written       int `json:"written"`        // levels that differed from the shop and were written
	Missing       int `json:"missing"`        // paired products or option values the shop no longer has
	PendingOrders int `json:"pending_orders"` // shop orders whose units were held back
}

// Add accumulates another result.
func (r *StockPushResult) Add(o StockPushResult) {
	r.Templates += o.Templates
	r.Levels += o.Levels
	r.Written += o.Written
	r.Missing += o.Missing
	r.PendingOrders = max(r.PendingOrders, o.PendingOrders)
}

// PushStock sets the shop's stock of every product the request names (through its template: a variant's
// stock also changes its product's total and its option values) to the quantity of the stock rule, read
// from Odoo at once. It writes absolute quantities, so pushing twice, or pushing an older request after
// a newer one, always leaves the shop at Odoo's current stock; and it writes only levels that differ,
// in batches of StockSettings.ShopBatch, leaving date_modified alone (a stock change is no catalog edit).
//
// Templates are pushed in chunks of StockSettings.OdooBatch; a retried attempt resumes after the last
// chunk an earlier attempt finished (its heartbeat).
func (a *Activities) PushStock(ctx context.Context, req StockRequest) (StockPushResult, error) {
	s := a.Stock.withDefaults()
	var res StockPushResult
	templates, err := a.stockTemplates(ctx, req, s)
	if err != nil || len(templates) == 0 {
		return res, temporalError(err)
	}
	var done int64
	if activity.HasHeartbeatDetails(ctx) && activity.GetHeartbeatDetails(ctx, &done) == nil {
		for len(templates) > 0 && templates[0] <= done {
			templates = templates[1:]
		}
	}
	pending, err := a.pendingShopOrders(ctx, s)
	if err != nil {
		return res, temporalError(err)
	}
	res.PendingOrders = len(pending.ids)
	for start := 0; start < len(templates); start += s.OdooBatch {
		chunk := templates[start:min(start+s.OdooBatch, len(templates))]
		r, err := a.pushTemplates(ctx, s, chunk, pending.held)
		if err != nil {
			return res, temporalError(err)
		}
		res.Add(r)
		activity.RecordHeartbeat(ctx, chunk[len(chunk)-1])
	}
	return res, nil
}

// stockTemplates resolves a request to the product.template ids it concerns, ascending.
func (a *Activities) stockTemplates(ctx context.Context, req StockRequest, s StockSettings) ([]int64, error) {
	if req.All {
		return a.pairedTemplates(ctx, s.OdooBatch)
	}
	products := req.Products
	for _, src := range []struct {
		model, field string
		ids          []int64
	}{
		{ModelQuant, "id", req.Quants},
		{ModelMove, "id", req.Moves},
		{ModelMove, "picking_id", req.Pickings},
	} {
		records, err := a.searchReadIn(ctx, src.model, src.field, src.ids, []string{"product_id"}, nil, s.OdooBatch)
		if err != nil {
			return nil, err
		}
		for _, r := range records {
			products = append(products, r.Int("product_id"))
		}
	}
	// Archived variants still name their template.
	variants, err := a.searchReadIn(ctx, ModelProduct, "id", sortedUnique(products), []string{"product_tmpl_id"}, withArchived, s.OdooBatch)
	if err != nil {
		return nil, err
	}
	templates := req.Templates
	for _, v := range variants {
		templates = append(templates, v.Int("product_tmpl_id"))
	}
	return sortedUnique(templates), nil
}

// pairedTemplates lists every template paired with a shop product.
func (a *Activities) pairedTemplates(ctx context.Context, page int) ([]int64, error) {
	var out []int64
	for after := int64(0); ; {
		pairs, err := a.Store.List(ctx, mapping.KindProduct, after, page)
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			out = append(out, p.OdooID)
		}
		if len(pairs) < page {
			return out, nil
		}
		after = pairs[len(pairs)-1].OdooID
	}
}

// searchReadIn reads the records whose field is in ids, batch ids per call.
func (a *Activities) searchReadIn(ctx context.Context, model, field string, ids []int64, fields []string, cx odoo.Context, batch int) ([]odoo.Record, error) {
	var out []odoo.Record
	for start := 0; start < len(ids); start += batch {
		records, err := a.ERP.SearchRead(ctx, model, odoo.Query{
			Domain:  odoo.Domain{odoo.Leaf(field, "in", ids[start:min(start+batch, len(ids))])},
			Fields:  fields,
			Context: cx,
		})
		if err != nil {
			return nil, err
		}
		out = append(out, records...)
	}
	return out, nil
}

// pushTemplates computes and writes the levels of a chunk of templates: one Odoo read for the quantities
// of all their variants, two mapping store reads, and shop reads and writes per ShopBatch products.
func (a *Activities) pushTemplates(ctx context.Context, s StockSettings, templateIDs []int64, held heldStock) (StockPushResult, error) {
	var res StockPushResult
	stocks, err := a.templateStocks(ctx, s, templateIDs)
	if err != nil || len(stocks) == 0 {
		return res, err
	}
	shopIDs := make([]int, 0, len(stocks))
	for _, t := range stocks {
		shopIDs = append(shopIDs, t.productID)
		for _, v := range t.variants {
			if v.key != nil && len(v.key.values) == 0 {
				shopIDs = append(shopIDs, v.key.product)
			}
		}
	}
	shop := map[int]*opencart.ProductRecord{}
	shopIDs = sortedUnique(shopIDs)
	for start := 0; start < len(shopIDs); start += s.ShopBatch {
		records, err := a.Shop.ProductsByID(ctx, shopIDs[start:min(start+s.ShopBatch, len(shopIDs))])
		if err != nil {
			return res, err
		}
		for i := range records {
			shop[records[i].ID] = &records[i]
		}
	}
	var changed []opencart.StockLevel
	for _, t := range stocks {
		levels, missing := t.levels(shop, held)
		if levels != nil {
			res.Templates++
		}
		res.Levels += len(levels)
		res.Missing += missing
		for _, l := range levels {
			if l.changed() {
				changed = append(changed, l.StockLevel)
			}
		}
	}
	for start := 0; start < len(changed); start += s.ShopBatch {
		batch := changed[start:min(start+s.ShopBatch, len(changed))]
		gone, err := a.Shop.SetStock(ctx, batch)
		if err != nil {
			return res, err
		}
		res.Written += len(batch) - len(gone)
		res.Missing += len(gone)
	}
	return res, nil
}

// templateStocks reads the stock of every active variant of the templates and pairs them with the shop.
// Templates without a shop product, and templates that are not storable (whose quantity Odoo does not
// count: writing 0 would stop their sale), are left out.
func (a *Activities) templateStocks(ctx context.Context, s StockSettings, templateIDs []int64) ([]templateStock, error) {
	schema := a.ERP.Schema()
	fields := append(append([]string{"product_tmpl_id"}, schema.ProductTypeFields()...), s.Quantity.odooFields()...)
	variants, err := a.ERP.SearchRead(ctx, ModelProduct, odoo.Query{
		Domain:  odoo.Domain{odoo.Leaf("product_tmpl_id", "in", templateIDs)},
		Fields:  fields,
		Context: schema.QtyContext(s.WarehouseID, s.LocationID),
	})
	if err != nil {
		return nil, err
	}
	products, err := a.Store.ByOdooIDs(ctx, mapping.KindProduct, templateIDs)
	if err != nil {
		return nil, err
	}
	pairs, err := a.Store.ByOdooIDs(ctx, mapping.KindVariant, odooIDs(variants))
	if err != nil {
		return nil, err
	}
	index := map[int64]int{} // template → its position in out
	var out []templateStock
	for _, v := range variants {
		tmpl := v.Int("product_tmpl_id")
		product, paired := products[tmpl]
		if kind, _ := schema.ProductKindOf(v); !paired || kind != odoo.ProductStorable {
			continue
		}
		i, seen := index[tmpl]
		if !seen {
			i, index[tmpl] = len(out), len(out)
			out = append(out, templateStock{productID: openCartID(product)})
		}
		vs := variantStock{qty: max(wholeUnits(s.Quantity.of(v)), 0)}
		if pair, ok := pairs[v.ID()]; ok {
			key, err := parseVariantKey(pair.OpenCartID)
			if err != nil {
				warnStock(ctx, "variant pair is not understood; its stock is counted in its product only", "variant", v.ID(), "error", err.Error(),
					"fix", "delete the variant mapping and run the catalog sync to pair it again")
			} else {
				vs.key = &key
			}
		}
		out[i].variants = append(out[i].variants, vs)
	}
	return out, nil
}

// warnStock logs through the activity's logger.
func warnStock(ctx context.Context, msg string, keyvals ...any) {
	activity.GetLogger(ctx).Warn(msg, keyvals...)
}
