package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// StockLevel is an absolute on-hand quantity: of a product (OptionValueID 0;
// 4.x variant products are products too) or of one option value the product
// offers (oc_product_option_value, addressed by the shop's option_value_id).
type StockLevel struct {
	ProductID     int
	OptionValueID int
	Quantity      int
}

// stockBatchSize bounds the levels set by one pair of UPDATE statements.
const stockBatchSize = 1000

// SetStock sets absolute quantities in batches: per 1,000 levels, one
// transaction with one UPDATE for products and one for option values. Levels
// whose product or option value no longer exists are skipped and returned in
// missing; the others are written. When a product appears twice, the last
// level wins.
//
// Like OpenCart's own order-driven stock changes, it leaves date_modified
// alone: a stock sync is not a product edit. (On 4.x, orders of a variant
// subtract from its master's quantity too.) Caches are purged as after
// UpsertProducts, because 4.x listings show quantities.
func (db *DB) SetStock(ctx context.Context, levels []StockLevel) (missing []StockLevel, err error) {
	if len(levels) == 0 {
		return nil, nil
	}
	check := &fieldCheck{record: "stock levels"}
	for _, l := range levels {
		check.quantity(fmt.Sprintf("quantity of product %d option value %d", l.ProductID, l.OptionValueID), l.Quantity)
	}
	if check.err != nil {
		return nil, fmt.Errorf("opencart: %w", check.err)
	}
	levels = lastLevels(levels)
	for start := 0; start < len(levels); start += stockBatchSize {
		batch := levels[start:min(start+stockBatchSize, len(levels))]
		var skipped []StockLevel
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			skipped, err = db.setStock(ctx, tx, batch)
			return err
		})
		if err != nil {
			err = fmt.Errorf("opencart: set stock: %w", err)
			return missing, db.purgeAfter(err, start > 0, "product")
		}
		missing = append(missing, skipped...)
	}
	return missing, db.purgeCache("product")
}

// lastLevels drops all but the last level for each product / option value.
func lastLevels(levels []StockLevel) []StockLevel {
	type key struct{ product, value int }
	last := map[key]int{}
	for i, l := range levels {
		last[key{l.ProductID, l.OptionValueID}] = i
	}
	out := make([]StockLevel, 0, len(last))
	for i, l := range levels {
		if last[key{l.ProductID, l.OptionValueID}] == i {
			out = append(out, l)
		}
	}
	return out
}

func (db *DB) setStock(ctx context.Context, tx *sql.Tx, levels []StockLevel) (missing []StockLevel, err error) {
	var products, values []StockLevel
	for _, l := range levels {
		if l.OptionValueID == 0 {
			products = append(products, l)
		} else {
			values = append(values, l)
		}
	}
	if len(products) > 0 {
		ids := make([]int, len(products))
		for i, l := range products {
			ids[i] = l.ProductID
		}
		found, err := db.idSet(ctx, tx, "product", "product_id", ids)
		if err != nil {
			return nil, err
		}
		var cases strings.Builder
		var args []any
		var where []int
		for _, l := range products {
			if !found[l.ProductID] {
				missing = append(missing, l)
				continue
			}
			cases.WriteString(" WHEN ? THEN ?")
			args = append(args, l.ProductID, l.Quantity)
			where = append(where, l.ProductID)
		}
		if len(where) > 0 {
			marks, whereArgs := inArgs(where)
			_, err := tx.ExecContext(ctx, "UPDATE "+db.quoted("product")+" SET quantity = CASE product_id"+cases.String()+
				" END WHERE product_id IN ("+marks+")", append(args, whereArgs...)...)
			if err != nil {
				return nil, fmt.Errorf("update product quantities: %w", err)
			}
		}
	}
	if len(values) > 0 {
		skipped, err := db.setOptionValueStock(ctx, tx, values)
		if err != nil {
			return nil, err
		}
		missing = append(missing, skipped...)
	}
	return missing, nil
}

// setOptionValueStock updates product_option_value quantities addressed by
// (product_id, option_value_id).
func (db *DB) setOptionValueStock(ctx context.Context, tx *sql.Tx, values []StockLevel) (missing []StockLevel, err error) {
	pairs := strings.TrimSuffix(strings.Repeat("(?,?),", len(values)), ",")
	keyArgs := make([]any, 0, 2*len(values))
	for _, l := range values {
		keyArgs = append(keyArgs, l.ProductID, l.OptionValueID)
	}
	found := map[[2]int]bool{}
	err = eachRow(ctx, tx, "SELECT product_id, option_value_id FROM "+db.quoted("product_option_value")+
		" WHERE (product_id, option_value_id) IN ("+pairs+") FOR UPDATE", keyArgs, func(rows *sql.Rows) error {
		var k [2]int
		err := rows.Scan(&k[0], &k[1])
		found[k] = true
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("look up product option values: %w", err)
	}
	var cases strings.Builder
	var args, where []any
	for _, l := range values {
		if !found[[2]int{l.ProductID, l.OptionValueID}] {
			missing = append(missing, l)
			continue
		}
		cases.WriteString(" WHEN product_id = ? AND option_value_id = ? THEN ?")
		args = append(args, l.ProductID, l.OptionValueID, l.Quantity)
		where = append(where, l.ProductID, l.OptionValueID)
	}
	if len(where) == 0 {
		return missing, nil
	}
	_, err = tx.ExecContext(ctx, "UPDATE "+db.quoted("product_option_value")+" SET quantity = CASE"+cases.String()+
		" ELSE quantity END WHERE (product_id, option_value_id) IN ("+strings.TrimSuffix(strings.Repeat("(?,?),", len(where)/2), ",")+")",
		append(args, where...)...)
	if err != nil {
		return nil, fmt.Errorf("update option value quantities: %w", err)
	}
	return missing, nil
}
