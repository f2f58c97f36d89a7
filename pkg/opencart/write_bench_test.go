package opencart

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

// benchProducts is how many products one benchmark operation writes.
const benchProducts = 10000

// BenchmarkUpsertProducts writes 10,000 products per operation (every third
// one configurable: an option with three values) into a fresh shop of each
// version, first as new products, then as updates of the same products.
// It reports products and rows per second and SQL statements per product,
// counted with the session's Questions status on a pool of one connection.
//
//	go test ./pkg/opencart -run '^$' -bench UpsertProducts -benchtime 1x
func BenchmarkUpsertProducts(b *testing.B) {
	for _, version := range octest.Versions {
		b.Run(version, func(b *testing.B) {
			ctx := context.Background()
			db := openShop(b, version)
			db.conn.SetMaxOpenConns(1) // one session, so its Questions count every statement
			lang := db.DefaultLanguageID()
			size, err := db.UpsertOption(ctx, Option{Type: "select", Names: map[int]string{lang: "Size"}, Values: []OptionValue{
				{Names: map[int]string{lang: "S"}}, {Names: map[int]string{lang: "M"}}, {Names: map[int]string{lang: "L"}}}})
			if err != nil {
				b.Fatal(err)
			}
			var written []WrittenProduct
			var createdRows int
			for _, phase := range []string{"create", "update"} {
				b.Run(phase, func(b *testing.B) {
					var statements, rowsWritten int
					var elapsed time.Duration
					for i := 0; i < b.N; i++ {
						b.StopTimer()
						products := benchCatalog(db, size, fmt.Sprintf("%s-%d", phase, i))
						if phase == "update" {
							for j := range products {
								products[j].ID = written[j].ProductID
							}
						}
						rowsBefore, q0 := catalogRows(b, db), questions(b, db)
						start := time.Now()
						b.StartTimer()
						w, err := db.UpsertProducts(ctx, products)
						b.StopTimer()
						elapsed += time.Since(start)
						if err != nil {
							b.Fatal(err)
						}
						statements += statementsSince(b, db, q0)
						if phase == "create" {
							createdRows = catalogRows(b, db) - rowsBefore
							written = w
						}
						rowsWritten += createdRows // an update rewrites the same rows
					}
					n := float64(b.N * benchProducts)
					b.ReportMetric(n/elapsed.Seconds(), "products/s")
					b.ReportMetric(float64(rowsWritten)/elapsed.Seconds(), "rows/s")
					b.ReportMetric(float64(statements)/n, "stmts/product")
				})
			}
		})
	}
}

// BenchmarkSetStock sets 10,000 absolute quantities (products and option
// values) per operation and reports SQL statements per level.
//
//	go test ./pkg/opencart -run '^$' -bench SetStock -benchtime 1x
func BenchmarkSetStock(b *testing.B) {
	for _, version := range octest.Versions {
		b.Run(version, func(b *testing.B) {
			ctx := context.Background()
			db := openShop(b, version)
			db.conn.SetMaxOpenConns(1)
			lang := db.DefaultLanguageID()
			size, err := db.UpsertOption(ctx, Option{Type: "select", Names: map[int]string{lang: "Size"}, Values: []OptionValue{
				{Names: map[int]string{lang: "S"}}, {Names: map[int]string{lang: "M"}}, {Names: map[int]string{lang: "L"}}}})
			if err != nil {
				b.Fatal(err)
			}
			written, err := db.UpsertProducts(ctx, benchCatalog(db, size, "stock"))
			if err != nil {
				b.Fatal(err)
			}
			var levels []StockLevel
			for i, w := range written {
				if i%3 == 0 {
					levels = append(levels, StockLevel{ProductID: w.ProductID, OptionValueID: size.Values[i%2].ID, Quantity: i})
				} else {
					levels = append(levels, StockLevel{ProductID: w.ProductID, Quantity: i})
				}
			}
			statements := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				q0 := questions(b, db)
				b.StartTimer()
				missing, err := db.SetStock(ctx, levels)
				b.StopTimer()
				if err != nil || len(missing) > 0 {
					b.Fatalf("SetStock: %d missing, %v", len(missing), err)
				}
				statements += questions(b, db) - q0
			}
			b.ReportMetric(float64(statements)/float64(b.N*len(levels)), "stmts/level")
			b.ReportMetric(float64(b.N*len(levels))/b.Elapsed().Seconds(), "levels/s")
		})
	}
}

// benchCatalog builds benchProducts products; every third offers three sizes.
func benchCatalog(db *DB, size Option, tag string) []Product {
	lang := db.DefaultLanguageID()
	products := make([]Product, benchProducts)
	for i := range products {
		model := tag + "-" + strconv.Itoa(i)
		p := Product{
			Model: model, Codes: ProductCodes{SKU: model, EAN: "4006381333931"}, Quantity: 10, StockStatusID: 7,
			Image: "catalog/odoo/" + model + ".jpg", Images: []ProductImage{{Path: "catalog/odoo/" + model + "-2.jpg"}},
			Shipping: true, Price: 9.99 + float64(i), TaxClassID: 9, Weight: 1, WeightClassID: 1, LengthClassID: 1,
			Subtract: true, Minimum: 1, Status: true, Categories: []int{20, 28}, Keyword: "bench-" + model,
			Descriptions: map[int]ProductDescription{lang: {Name: "Product " + model, Description: "<p>Benchmark product " + model + "</p>"}},
		}
		if i%3 == 0 {
			o := ProductOption{OptionID: size.ID, Required: true}
			for j, v := range size.Values {
				o.Values = append(o.Values, ProductOptionValue{OptionValueID: v.ID, Quantity: 5, Subtract: true, Price: float64(j)})
			}
			p.Options = []ProductOption{o}
		}
		products[i] = p
	}
	return products
}

// questions is the session's count of statements received.
func questions(b testing.TB, db *DB) int {
	var name string
	var n int
	if err := db.conn.QueryRow("SHOW SESSION STATUS LIKE 'Questions'").Scan(&name, &n); err != nil {
		b.Fatal(err)
	}
	return n
}

// statementsSince is how many statements the session received since q0 was
// read, not counting the two SHOW STATUS statements.
func statementsSince(b testing.TB, db *DB, q0 int) int { return questions(b, db) - q0 - 1 }

// catalogRows counts the rows of every table a product write fills.
func catalogRows(b *testing.B, db *DB) int {
	tables := append(db.productChildTables(), "product", "seo_url")
	total := 0
	for _, table := range tables {
		var n int
		if err := db.conn.QueryRow("SELECT COUNT(*) FROM " + db.quoted(table)).Scan(&n); err != nil {
			b.Fatal(err)
		}
		total += n
	}
	return total
}
