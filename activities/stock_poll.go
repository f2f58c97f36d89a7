package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
)

// Stock changes in Odoo are found by write_date: a quant is written whenever its quantity or its
// reservation changes (receipts, deliveries, inventory adjustments, point of sale, manual counts,
// reservations of confirmed orders), and a move whenever it is confirmed, reserved, done or cancelled,
// which changes the forecast even where no quant moves.

const stockCursorName = "stock/odoo-changes"

// stockChangeModels are the models whose write_date the poll reads.
var stockChangeModels = []string{ModelQuant, ModelMove}

// stockEpoch is the watermark of an Odoo without any stock record yet.
const stockEpoch = "1970-01-01 00:00:00"

// stockCursor is where the stock poll stands. It is stored as JSON under stockCursorName.
type stockCursor struct {
	// Since is the newest write_date handed over (Odoo's naive UTC "YYYY-MM-DD HH:MM:SS").
	Since string `json:"since"`
	// FullSync is when a push of every mapped product was last asked for.
	FullSync time.Time `json:"full_sync"`
}

// StockChanges is what one poll found: the request to hand over to the push, and the cursor to store once
// it is handed over (From as read, "" before the first poll).
type StockChanges struct {
	Request StockRequest `json:"request"`
	From    string       `json:"from"`
	To      string       `json:"to"`
}

// DetectStockChanges reads which products' stock may have changed since the stored cursor, re-reading
// PollOverlap before it. The first poll, and every FullSyncInterval, asks for all mapped products. It
// writes nothing: SaveStockCursor moves the cursor once the request is safely handed over.
func (a *Activities) DetectStockChanges(ctx context.Context) (StockChanges, error) {
	s := a.Stock.withDefaults()
	raw, err := a.Store.Cursor(ctx, stockCursorName)
	if err != nil && !errors.Is(err, mapping.ErrNotFound) {
		return StockChanges{}, err
	}
	var cur stockCursor
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &cur); err != nil {
			return StockChanges{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("stock cursor %s = %q is not what the stock poll writes; delete it (the next poll then pushes every product)", stockCursorName, raw),
				ErrTypeInvalidRecord, err)
		}
	}
	changes := StockChanges{From: raw}
	next := cur
	if cur.Since == "" {
		next.Since, err = a.newestStockChange(ctx)
		changes.Request.All = true
	} else {
		var products []int64
		products, next.Since, err = a.stockChangesSince(ctx, cur.Since, s)
		_ = changes.Request.Add(ModelProduct, products...)
	}
	if err != nil {
		return StockChanges{}, temporalError(err)
	}
	now := time.Now().UTC()
	if s.FullSyncInterval > 0 && now.Sub(cur.FullSync) >= s.FullSyncInterval {
		changes.Request.All = true
	}
	if changes.Request.All {
		next.FullSync = now
	}
	to, err := json.Marshal(next)
	changes.To = string(to)
	return changes, err
}

// stockChangesSince returns the products of quants and moves written since the cursor minus the overlap,
// and the newest write_date among them (the cursor itself when there are none).
func (a *Activities) stockChangesSince(ctx context.Context, since string, s StockSettings) ([]int64, string, error) {
	from, err := time.Parse(odooDatetime, since)
	if err != nil {
		return nil, "", fmt.Errorf("stock cursor %s: since %q is not an Odoo datetime; delete the cursor to start again", stockCursorName, since)
	}
	newest := since
	var products []int64
	for _, model := range stockChangeModels {
		err := a.ERP.ForEachPage(ctx, model, odoo.Query{
			Domain: odoo.Domain{odoo.Leaf("write_date", ">=", odoo.FormatDatetime(from.Add(-s.overlap())))},
			Fields: []string{"product_id", "write_date"},
			Limit:  s.OdooBatch,
		}, func(page []odoo.Record) error {
			for _, r := range page {
				products = append(products, r.Int("product_id"))
				newest = max(newest, r.String("write_date"))
			}
			return nil
		})
		if err != nil {
			return nil, "", err
		}
	}
	return sortedUnique(products), newest, nil
}

// newestStockChange is the newest write_date of any quant or move (stockEpoch when there are none):
// where the first poll starts watching, after pushing every product.
func (a *Activities) newestStockChange(ctx context.Context) (string, error) {
	newest := stockEpoch
	for _, model := range stockChangeModels {
		records, err := a.ERP.SearchRead(ctx, model, odoo.Query{Fields: []string{"write_date"}, Order: "write_date desc", Limit: 1})
		if err != nil {
			return "", err
		}
		for _, r := range records {
			newest = max(newest, r.String("write_date"))
		}
	}
	return newest, nil
}

// SaveStockCursor moves the stock poll's cursor from what DetectStockChanges read to what it found,
// unless another poll moved it meanwhile (the cursor never goes back).
func (a *Activities) SaveStockCursor(ctx context.Context, from, to string) error {
	if from == to {
		return nil
	}
	moved, err := a.Store.SwapCursor(ctx, stockCursorName, from, to)
	if err == nil && !moved {
		warnStock(ctx, "stock cursor was moved by another poll; keeping its value", "cursor", stockCursorName)
	}
	return err
}

const odooDatetime = "2006-01-02 15:04:05"
