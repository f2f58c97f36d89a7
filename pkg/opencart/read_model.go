package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// modelBatch bounds the models one lookup statement asks for.
const modelBatch = 1000

// ProductIDsByModel finds the products (4.x variant products included) whose
// model is one of models, as the shop's collation compares them: on
// OpenCart's tables that ignores case and trailing spaces. Ids are keyed by
// the model as the shop stores it (so "SKU-1" and "sku-1" may come back
// under two keys, or under one the caller did not ask for) and listed in
// ascending order; models nobody has are absent. Empty models are ignored.
func (db *DB) ProductIDsByModel(ctx context.Context, models []string) (map[string][]int, error) {
	var stored []string
	for _, m := range models {
		if strings.TrimSpace(m) != "" {
			stored = append(stored, db.storedText(m))
		}
	}
	slices.Sort(stored)
	stored = slices.Compact(stored)
	out := map[string][]int{}
	for start := 0; start < len(stored); start += modelBatch {
		batch := stored[start:min(start+modelBatch, len(stored))]
		in, args := inArgs(batch)
		err := eachRow(ctx, db.conn, "SELECT product_id, model FROM "+db.table("product")+" WHERE model IN ("+in+") ORDER BY product_id", args,
			func(rows *sql.Rows) error {
				var id int
				var model string
				if err := rows.Scan(&id, text(&model)); err != nil {
					return err
				}
				out[model] = append(out[model], id)
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("opencart: find products by model (%d models, starting with %q): %w", len(batch), batch[0], err)
		}
	}
	return out, nil
}
