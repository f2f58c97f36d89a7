package opencart

import (
	"context"
	"fmt"
	"testing"
)

func testStock(t *testing.T, db *DB) {
	ctx := context.Background()
	size := sizeOption(t, db, "Size for stock")
	p := testProduct(db, "stock", size)
	p.Keyword = ""
	if db.flavour.HasVariants() {
		p.Variants = []Variant{{Model: "stock-S", Status: true, Selection: map[int]int{size.ID: size.Values[0].ID}}}
	}
	written, err := db.UpsertProducts(ctx, []Product{p})
	if err != nil {
		t.Fatal(err)
	}
	id := written[0].ProductID
	execSQL(t, db, "UPDATE oc_product SET date_modified = '2001-02-03 04:05:06' WHERE product_id = ?", id)

	levels := []StockLevel{
		{ProductID: id, Quantity: 1},
		{ProductID: id, OptionValueID: size.Values[0].ID, Quantity: 30},
		{ProductID: id, OptionValueID: size.Values[1].ID, Quantity: -2}, // oversold: OpenCart allows negatives
		{ProductID: 40, Quantity: 555},
		{ProductID: 999999, Quantity: 1},                               // deleted product
		{ProductID: id, OptionValueID: size.Values[2].ID, Quantity: 1}, // value the product does not offer
		{ProductID: id, Quantity: 70},                                  // the last level for a product wins
	}
	if db.flavour.HasVariants() {
		levels = append(levels, StockLevel{ProductID: written[0].VariantIDs[0], Quantity: 8})
	}
	missing, err := db.SetStock(ctx, levels)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(missing) != fmt.Sprint([]StockLevel{levels[4], levels[5]}) {
		t.Errorf("missing = %v, want the deleted product and the value not offered", missing)
	}
	wantRows(t, db, [][]string{{"70", "2001-02-03 04:05:06"}}, "SELECT quantity, CAST(date_modified AS CHAR) FROM oc_product WHERE product_id = ?", id)
	wantRows(t, db, [][]string{{"555"}}, "SELECT quantity FROM oc_product WHERE product_id = 40")
	wantRows(t, db, [][]string{{itoa(size.Values[0].ID), "30"}, {itoa(size.Values[1].ID), "-2"}},
		"SELECT option_value_id, quantity FROM oc_product_option_value WHERE product_id = ? ORDER BY option_value_id", id)
	if db.flavour.HasVariants() {
		wantRows(t, db, [][]string{{"8"}}, "SELECT quantity FROM oc_product WHERE product_id = ?", written[0].VariantIDs[0])
	}

	// Many levels go through in batches.
	var many []StockLevel
	for i := 0; i < 2*stockBatchSize+3; i++ {
		many = append(many, StockLevel{ProductID: 28 + i%22, Quantity: i})
	}
	if _, err := db.SetStock(ctx, many); err != nil {
		t.Fatal(err)
	}
	last := many[len(many)-1]
	wantRows(t, db, [][]string{{itoa(last.Quantity)}}, "SELECT quantity FROM oc_product WHERE product_id = ?", last.ProductID)
}
