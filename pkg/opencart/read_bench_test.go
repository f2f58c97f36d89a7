package opencart

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

const (
	readBenchProducts = 10000
	readBenchPage     = 500
)

// BenchmarkReadProducts reads a 10,000-product catalog page by page (500 per
// page) and reports products per second and SQL statements per product.
//
//	go test ./pkg/opencart/ -run '^$' -bench ReadProducts -benchtime 5x
func BenchmarkReadProducts(b *testing.B) {
	for _, version := range octest.Versions {
		b.Run(version, func(b *testing.B) {
			ctx := context.Background()
			db := openShop(b, version)
			seedBenchProducts(b, db, readBenchProducts)
			// One connection, so that its session counter sees every statement.
			db.conn.SetMaxOpenConns(1)
			before := readBenchQuestions(b, db)
			b.ResetTimer()
			read := 0
			for i := 0; i < b.N; i++ {
				for after := 0; ; {
					page, err := db.Products(ctx, after, readBenchPage)
					if err != nil {
						b.Fatal(err)
					}
					if len(page) == 0 {
						break
					}
					read += len(page)
					after = page[len(page)-1].ID
				}
			}
			b.StopTimer()
			if want := b.N * (readBenchProducts + 19); read != want {
				b.Fatalf("read %d products, want %d", read, want)
			}
			statements := readBenchQuestions(b, db) - before - 1 // minus the SHOW STATUS itself
			b.ReportMetric(float64(read)/b.Elapsed().Seconds(), "products/s")
			b.ReportMetric(float64(statements)/float64(read), "statements/product")
		})
	}
}

func readBenchQuestions(b *testing.B, db *DB) int {
	var name string
	var n int
	if err := db.conn.QueryRow("SHOW SESSION STATUS LIKE 'Questions'").Scan(&name, &n); err != nil {
		b.Fatal(err)
	}
	return n
}

// seedBenchProducts bulk-inserts n enabled products, each with a description,
// store and two category links, an image, an attribute and a select option
// with three values (and, on 4.1, an SKU code row), in multi-row INSERTs.
func seedBenchProducts(b *testing.B, db *DB, n int) {
	b.Helper()
	ctx := context.Background()
	conn, err := db.conn.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	var first int
	if err := conn.QueryRowContext(ctx, "SELECT COALESCE(MAX(product_id), 0) + 1 FROM oc_product").Scan(&first); err != nil {
		b.Fatal(err)
	}
	lang := db.DefaultLanguageID()
	insert := func(head string, row func(id int) string) {
		const chunk = 1000
		for start := 0; start < n; start += chunk {
			var rows []string
			for id := first + start; id < first+min(start+chunk, n); id++ {
				rows = append(rows, row(id))
			}
			if _, err := conn.ExecContext(ctx, head+" VALUES "+strings.Join(rows, ",")); err != nil {
				b.Fatalf("seed: %s: %v", head, err)
			}
		}
	}
	insert("INSERT INTO oc_product (product_id, model, quantity, stock_status_id, image, manufacturer_id, shipping, price, tax_class_id,"+
		" date_available, weight, weight_class_id, length_class_id, subtract, minimum, status, date_added, date_modified)",
		func(id int) string {
			return fmt.Sprintf("(%d,'BENCH-%d',%d,7,'catalog/demo/x.jpg',5,1,%d.99,9,'2020-01-01',1.5,1,1,1,1,1,NOW(),NOW())", id, id, id%100, id%500)
		})
	insert("INSERT INTO oc_product_description (product_id, language_id, name, description, tag, meta_title, meta_description, meta_keyword)",
		func(id int) string {
			return fmt.Sprintf("(%d,%d,'Bench product %d','&lt;p&gt;Text %d&lt;/p&gt;','bench','Bench %d','','')", id, lang, id, id, id)
		})
	insert("INSERT INTO oc_product_to_store (product_id, store_id)", func(id int) string { return fmt.Sprintf("(%d,0)", id) })
	insert("INSERT INTO oc_product_to_category (product_id, category_id)", func(id int) string { return fmt.Sprintf("(%d,20),(%d,28)", id, id) })
	insert("INSERT INTO oc_product_image (product_id, image, sort_order)", func(id int) string { return fmt.Sprintf("(%d,'catalog/demo/y.jpg',0)", id) })
	insert("INSERT INTO oc_product_attribute (product_id, attribute_id, language_id, text)", func(id int) string { return fmt.Sprintf("(%d,4,%d,'8gb')", id, lang) })
	// Product option ids are offset from product ids so they cannot collide with the demo's.
	const poOffset = 100000
	insert("INSERT INTO oc_product_option (product_option_id, product_id, option_id, value, required)",
		func(id int) string { return fmt.Sprintf("(%d,%d,5,'',1)", poOffset+id, id) })
	insert("INSERT INTO oc_product_option_value (product_option_id, product_id, option_id, option_value_id, quantity, subtract, price, price_prefix, points, points_prefix, weight, weight_prefix)",
		func(id int) string {
			return fmt.Sprintf("(%[1]d,%[2]d,5,39,3,1,0,'+',0,'+',0,'+'),(%[1]d,%[2]d,5,40,3,1,2.5,'+',0,'+',0,'+'),(%[1]d,%[2]d,5,41,3,1,1,'-',0,'+',0,'+')", poOffset+id, id)
		})
	if db.hasTable("product_code") {
		insert("INSERT INTO oc_product_code (product_id, code, value)", func(id int) string { return fmt.Sprintf("(%d,'SKU','SKU-%d')", id, id) })
	}
}
