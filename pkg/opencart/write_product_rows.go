package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// productLookup is what a batch needs to know from the database before it
// writes: which products exist, the options and values it refers to, and
// the ids of the existing products' option rows (kept on update).
type productLookup struct {
	existing    map[int]bool
	optionTypes map[int]string // option_id → type
	valueOption map[int]int    // option_value_id → option_id
	oldOptions  map[[2]int]int // (product_id, option_id) → product_option_id
	oldValues   map[[2]int]int // (product_id, option_value_id) → product_option_value_id
}

// writeProducts writes one batch in one transaction: the products' rows and
// children, their options, then the variants (which refer to their masters'
// option ids), and finally enables the enabled ones.
func (db *DB) writeProducts(ctx context.Context, tx *sql.Tx, batch []*productWrite) error {
	var masters, variants []*productWrite
	for _, w := range batch {
		masters = append(masters, w)
		variants = append(variants, w.variants...)
	}
	all := append(append([]*productWrite(nil), masters...), variants...)
	look, err := db.lookUpProducts(ctx, tx, all)
	if err != nil {
		return err
	}
	if err := db.checkKeywordConflicts(ctx, tx, productSEO(all, true)); err != nil {
		return err
	}
	if err := db.writeProductRows(ctx, tx, masters, look); err != nil {
		return err
	}
	if err := db.writeProductOptions(ctx, tx, masters, look); err != nil {
		return err
	}
	if err := db.writeProductRows(ctx, tx, variants, look); err != nil {
		return err
	}
	if db.flavour.HasVariants() {
		if err := db.disableDroppedVariants(ctx, tx, masters); err != nil {
			return err
		}
	}
	var enabled []int
	for _, w := range all {
		if w.p.Status {
			enabled = append(enabled, w.id)
		}
	}
	if len(enabled) == 0 {
		return nil
	}
	marks, args := inArgs(enabled)
	if _, err := tx.ExecContext(ctx, "UPDATE "+db.quoted("product")+" SET status = 1 WHERE product_id IN ("+marks+")", args...); err != nil {
		return fmt.Errorf("enable products: %w", err)
	}
	return nil
}

// lookUpProducts reads what the batch refers to and checks that it exists.
func (db *DB) lookUpProducts(ctx context.Context, tx *sql.Tx, all []*productWrite) (*productLookup, error) {
	look := &productLookup{optionTypes: map[int]string{}, valueOption: map[int]int{}}
	var ids, categories, options, values []int
	owner := map[int]string{}
	for _, w := range all {
		if w.id != 0 {
			if other, dup := owner[w.id]; dup {
				return nil, fmt.Errorf("%s and %s are both product %d; write each product once", other, w.record, w.id)
			}
			owner[w.id] = w.record
			ids = append(ids, w.id)
		}
		categories = append(categories, w.p.Categories...)
		for _, o := range w.p.Options {
			options = append(options, o.OptionID)
			for _, v := range o.Values {
				values = append(values, v.OptionValueID)
			}
		}
	}
	var err error
	if look.existing, err = db.idSet(ctx, tx, "product", "product_id", ids); err != nil {
		return nil, err
	}
	knownCategories, err := db.idSet(ctx, tx, "category", "category_id", categories)
	if err != nil {
		return nil, err
	}
	if err := db.readOptionFacts(ctx, tx, options, values, look); err != nil {
		return nil, err
	}
	for _, w := range all {
		check := &fieldCheck{record: w.record}
		if w.id != 0 && !look.existing[w.id] {
			return nil, fmt.Errorf("%s: %w: it was deleted in the shop; drop its id so the bridge creates it again", w.record, ErrNotFound)
		}
		for _, c := range w.p.Categories {
			check.inSet("category", c, knownCategories, "write the category first or drop it from the product")
		}
		for _, o := range w.p.Options {
			look.checkOption(check, o)
		}
		if check.err != nil {
			return nil, check.err
		}
	}
	if look.oldOptions, err = db.idsByProduct(ctx, tx, "product_option", "product_option_id", "option_id", ids); err != nil {
		return nil, err
	}
	look.oldValues, err = db.idsByProduct(ctx, tx, "product_option_value", "product_option_value_id", "option_value_id", ids)
	return look, err
}

// readOptionFacts reads the types of options and the options of values.
func (db *DB) readOptionFacts(ctx context.Context, q queryer, options, values []int, look *productLookup) error {
	if len(options) > 0 {
		marks, args := inArgs(options)
		err := eachRow(ctx, q, "SELECT option_id, type FROM "+db.quoted("option")+" WHERE option_id IN ("+marks+")", args,
			func(rows *sql.Rows) error {
				var id int
				var typ string
				err := rows.Scan(&id, str(&typ))
				look.optionTypes[id] = typ
				return err
			})
		if err != nil {
			return fmt.Errorf("read options: %w", err)
		}
	}
	if len(values) > 0 {
		marks, args := inArgs(values)
		err := eachRow(ctx, q, "SELECT option_value_id, option_id FROM "+db.quoted("option_value")+" WHERE option_value_id IN ("+marks+")", args,
			func(rows *sql.Rows) error {
				var id, option int
				err := rows.Scan(&id, integer(&option))
				look.valueOption[id] = option
				return err
			})
		if err != nil {
			return fmt.Errorf("read option values: %w", err)
		}
	}
	return nil
}

// checkOption checks one offered option against the shop's options.
func (look *productLookup) checkOption(check *fieldCheck, o ProductOption) {
	typ, ok := look.optionTypes[o.OptionID]
	switch {
	case !ok:
		check.fail("option %d does not exist in the shop; write it with UpsertOption first", o.OptionID)
	case isListOption(typ) && len(o.Values) == 0:
		check.fail("offers %s option %d without values; OpenCart's admin drops such options, so give at least one", typ, o.OptionID)
	case !isListOption(typ) && len(o.Values) > 0:
		check.fail("offers values for %s option %d, which takes a typed value, not a list", typ, o.OptionID)
	}
	for _, v := range o.Values {
		if owner, ok := look.valueOption[v.OptionValueID]; !ok || owner != o.OptionID {
			check.fail("option value %d is not a value of option %d", v.OptionValueID, o.OptionID)
		}
	}
}

func isListOption(typ string) bool {
	switch typ {
	case "select", "radio", "checkbox", "image":
		return true
	}
	return false
}

// idsByProduct reads the ids of a table's rows for products, keyed by
// (product_id, keyColumn): the option rows of existing products, whose ids
// are kept when the rows are written again.
func (db *DB) idsByProduct(ctx context.Context, q queryer, table, idColumn, keyColumn string, products []int) (map[[2]int]int, error) {
	ids := map[[2]int]int{}
	if len(products) == 0 {
		return ids, nil
	}
	marks, args := inArgs(products)
	err := eachRow(ctx, q, "SELECT `"+idColumn+"`, product_id, `"+keyColumn+"` FROM "+db.quoted(table)+
		" WHERE product_id IN ("+marks+")", args, func(rows *sql.Rows) error {
		var id, product, key int
		err := rows.Scan(&id, integer(&product), integer(&key))
		ids[[2]int{product, key}] = id
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", db.table(table), err)
	}
	return ids, nil
}

// productChildTables are the per-product tables the writer writes.
func (db *DB) productChildTables() []string {
	tables := []string{"product_description", "product_to_store", "product_to_category", "product_to_layout",
		"product_image", "product_option", "product_option_value"}
	if db.flavour == V41 {
		tables = append(tables, "product_code")
	}
	return tables
}

// productReplacedTables are the per-product tables whose rows an update
// replaces: the bridge owns a product's category links and options.
var productReplacedTables = []string{"product_to_category", "product_option", "product_option_value"}

// writeProductRows writes the oc_product rows (disabled) and every child row
// except options: new products are inserted, existing ones updated as
// UpsertProducts says.
func (db *DB) writeProductRows(ctx context.Context, tx *sql.Tx, rows []*productWrite, look *productLookup) error {
	if len(rows) == 0 {
		return nil
	}
	products := db.rowsWithIDs("product", "product_id", db.productColumns(), productKeptWhenZero, db.productCreateColumns()...)
	var existing []int
	for _, w := range rows {
		vals, err := db.productValues(w)
		if err != nil {
			return fmt.Errorf("%s: %w", w.record, err)
		}
		if w.update {
			existing = append(existing, w.id)
		}
		products.add(w.id, func(id int) { w.id = id }, append(vals, db.productCreateValues()...)...)
	}
	if err := products.exec(ctx, tx); err != nil {
		return err
	}
	for _, table := range productReplacedTables {
		if err := db.deleteWhereIn(ctx, tx, table, "product_id", existing); err != nil {
			return err
		}
	}
	return db.writeProductChildren(ctx, tx, rows)
}

// productColumns are the oc_product columns written on insert and update,
// in the order of productValues.
func (db *DB) productColumns() []string {
	cols := []string{"model"}
	if db.flavour != V41 {
		cols = append(cols, "sku", "upc", "ean", "jan", "isbn", "mpn")
	}
	cols = append(cols, "location", "quantity", "stock_status_id", "image", "manufacturer_id", "shipping", "price",
		"points", "tax_class_id", "date_available", "weight", "weight_class_id", "length", "width", "height",
		"length_class_id", "subtract", "minimum", "sort_order", "status", "date_modified")
	if db.flavour.HasVariants() {
		cols = append(cols, "master_id", "variant", "override")
	}
	return cols
}

// productKeptWhenZero are the oc_product columns an update writes only when
// the product gives them (column → holds text): those the bridge does not
// always manage.
var productKeptWhenZero = map[string]bool{
	"jan": true, "isbn": true, "mpn": true, "location": true, "image": true,
	"stock_status_id": false, "manufacturer_id": false, "points": false, "date_available": false,
	"weight_class_id": false, "length": false, "width": false, "height": false, "length_class_id": false,
	"minimum": false, "sort_order": false,
}

// productValues are a row's values for productColumns. The status is 0: the
// batch enables products in its last statement. A new product's zero date
// and minimum get their defaults; an update passes zeros on, which keep the
// stored values (productKeptWhenZero).
func (db *DB) productValues(w *productWrite) ([]any, error) {
	p := w.p
	vals := []any{w.model}
	if db.flavour != V41 {
		c := w.codes
		vals = append(vals, c.SKU, c.UPC, c.EAN, c.JAN, c.ISBN, c.MPN)
	}
	var available any = p.DateAvailable.Format("2006-01-02")
	minimum := max(p.Minimum, 1)
	switch {
	case w.update:
		minimum = max(p.Minimum, 0)
		if p.DateAvailable.IsZero() {
			available = "0000-00-00"
		}
	case p.DateAvailable.IsZero():
		available = sqlExpr("CURDATE()")
	}
	vals = append(vals, w.location, p.Quantity, p.StockStatusID, p.Image, p.ManufacturerID, p.Shipping, p.Price,
		p.Points, p.TaxClassID, available, p.Weight, p.WeightClassID, p.Length, p.Width, p.Height,
		p.LengthClassID, p.Subtract, minimum, p.SortOrder, 0, sqlExpr("NOW()"))
	if db.flavour.HasVariants() {
		variant, override, err := w.variantJSON()
		if err != nil {
			return nil, err
		}
		vals = append(vals, w.masterID(), variant, override)
	}
	return vals, nil
}

// productCreateColumns are set on insert only.
func (db *DB) productCreateColumns() []string {
	if db.flavour.HasVariants() {
		return []string{"date_added", "rating"}
	}
	return []string{"date_added"}
}

func (db *DB) productCreateValues() []any {
	if db.flavour.HasVariants() {
		return []any{sqlExpr("NOW()"), 0}
	}
	return []any{sqlExpr("NOW()")}
}

// writeProductChildren writes descriptions, store, category and layout
// links, images, 4.1 codes and SEO URLs of written product rows.
func (db *DB) writeProductChildren(ctx context.Context, tx *sql.Tx, rows []*productWrite) error {
	common := db.newScopeRows("product")
	categories := db.insertInto("product_to_category", "product_id", "category_id")
	for _, w := range rows {
		common.add(w.id, &w.scope)
		seen := map[int]bool{}
		for _, c := range w.p.Categories {
			if !seen[c] {
				categories.add(w.id, c)
				seen[c] = true
			}
		}
	}
	if err := common.exec(ctx, tx); err != nil {
		return err
	}
	if err := categories.exec(ctx, tx); err != nil {
		return fmt.Errorf("write product categories: %w", err)
	}
	if err := db.writeProductImages(ctx, tx, rows); err != nil {
		return err
	}
	if db.flavour == V41 {
		if err := db.writeProductCodes(ctx, tx, rows); err != nil {
			return err
		}
	}
	var keywordsGiven []int
	for _, w := range rows {
		if w.update && len(w.keywords) > 0 {
			keywordsGiven = append(keywordsGiven, w.id)
		}
	}
	return db.writeKeywords(ctx, tx, "product_id", productSEO(rows, false), keywordsGiven)
}

// writeProductImages writes the additional images of new products and of
// updated ones that give Images (nil keeps the shop's). Stored images with
// the same path and sort order stay as they are.
func (db *DB) writeProductImages(ctx context.Context, tx *sql.Tx, rows []*productWrite) error {
	var replacing []int
	for _, w := range rows {
		if w.update && w.p.Images != nil {
			replacing = append(replacing, w.id)
		}
	}
	stored, err := storedByProduct(ctx, tx, db, "product_image", "product_image_id, product_id, image, sort_order", replacing,
		func(rows *sql.Rows, id, product *int, img *ProductImage) error {
			return rows.Scan(id, integer(product), str(&img.Path), integer(&img.SortOrder))
		})
	if err != nil {
		return err
	}
	insert := db.insertInto("product_image", "product_id", "image", "sort_order")
	var drop []int
	for _, w := range rows {
		if w.update && w.p.Images == nil {
			continue
		}
		add, gone := reconcile(stored[w.id], w.p.Images, func(ProductImage) bool { return true })
		for _, img := range add {
			insert.add(w.id, img.Path, img.SortOrder)
		}
		drop = append(drop, gone...)
	}
	return db.replaceRows(ctx, tx, insert, "product_image", "product_image_id", drop)
}

// writeProductCodes writes 4.1 oc_product_code rows: of an updated product
// only the codes ProductCodes.writes says; a stored row with the wanted
// value stays as it is.
func (db *DB) writeProductCodes(ctx context.Context, tx *sql.Tx, rows []*productWrite) error {
	var updated []int
	for _, w := range rows {
		if w.update {
			updated = append(updated, w.id)
		}
	}
	stored, err := storedByProduct(ctx, tx, db, "product_code", "product_code_id, product_id, code, `value`", updated,
		func(rows *sql.Rows, id, product *int, code *[2]string) error {
			err := rows.Scan(id, integer(product), str(&code[0]), str(&code[1]))
			code[0] = strings.ToUpper(code[0]) // 4.1 upgrades write lower-case codes
			return err
		})
	if err != nil {
		return err
	}
	insert := db.insertInto("product_code", "product_id", "code", "value")
	var drop []int
	for _, w := range rows {
		add, gone := reconcile(stored[w.id], w.codes.codeRows(), func(k [2]string) bool { return w.codes.writes(k[0]) })
		for _, c := range add {
			insert.add(w.id, c[0], c[1])
		}
		drop = append(drop, gone...)
	}
	return db.replaceRows(ctx, tx, insert, "product_code", "product_code_id", drop)
}

// storedByProduct reads the rows of a per-product table for the given
// products, by product: the columns are the row id, product_id and what
// scan makes the row's content of.
func storedByProduct[K comparable](ctx context.Context, tx *sql.Tx, db *DB, table, columns string, products []int,
	scan func(rows *sql.Rows, id, product *int, key *K) error) (map[int][]storedRow[K], error) {
	stored := map[int][]storedRow[K]{}
	err := eachIn(ctx, tx, "SELECT "+columns+" FROM "+db.quoted(table)+" WHERE product_id IN (%s)", products, func(rows *sql.Rows) error {
		var r storedRow[K]
		var product int
		err := scan(rows, &r.id, &product, &r.key)
		stored[product] = append(stored[product], r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", db.table(table), err)
	}
	return stored, nil
}

// productSEO lists the SEO URLs of product rows. Before the rows have ids
// (forConflictCheck), new products get a placeholder owner of their own.
func productSEO(rows []*productWrite, forConflictCheck bool) []seoURL {
	var urls []seoURL
	for i, w := range rows {
		owner := "product_id=" + strconv.Itoa(w.id)
		if w.id == 0 && forConflictCheck {
			owner = fmt.Sprintf("%s (#%d of the batch)", w.record, i+1)
		}
		for at, kw := range w.keywords {
			urls = append(urls, seoURL{at: at, owner: owner, key: "product_id", value: strconv.Itoa(w.id), keyword: kw, sort: 1})
		}
	}
	return urls
}

// writeProductOptions writes the option and option value rows of products,
// keeping the ids of rows that existed, and records the ids for variants.
func (db *DB) writeProductOptions(ctx context.Context, tx *sql.Tx, rows []*productWrite, look *productLookup) error {
	options := db.rowsWithIDs("product_option", "product_option_id", []string{"product_id", "option_id", "value", "required"}, nil)
	for _, w := range rows {
		w.optionIDs = map[int]int{}
		for _, o := range w.p.Options {
			value := ""
			if !isListOption(look.optionTypes[o.OptionID]) {
				value = db.storedText(o.Value)
			}
			options.add(look.oldOptions[[2]int{w.id, o.OptionID}], func(id int) { w.optionIDs[o.OptionID] = id },
				w.id, o.OptionID, value, o.Required)
		}
	}
	if err := options.exec(ctx, tx); err != nil {
		return err
	}
	values := db.rowsWithIDs("product_option_value", "product_option_value_id", []string{"product_option_id", "product_id",
		"option_id", "option_value_id", "quantity", "subtract", "price", "price_prefix", "points", "points_prefix", "weight", "weight_prefix"}, nil)
	for _, w := range rows {
		w.optionValueIDs = map[int]int{}
		for _, o := range w.p.Options {
			for _, v := range o.Values {
				price, pricePrefix := signed(v.Price)
				points, pointsPrefix := signed(float64(v.Points))
				weight, weightPrefix := signed(v.Weight)
				values.add(look.oldValues[[2]int{w.id, v.OptionValueID}], func(id int) { w.optionValueIDs[v.OptionValueID] = id },
					w.optionIDs[o.OptionID], w.id, o.OptionID, v.OptionValueID, v.Quantity, v.Subtract,
					price, pricePrefix, int(points), pointsPrefix, weight, weightPrefix)
			}
		}
	}
	return values.exec(ctx, tx)
}

// signed splits a delta into OpenCart's magnitude and '+'/'-' prefix.
func signed(v float64) (float64, string) {
	if v < 0 {
		return -v, "-"
	}
	return v, "+"
}

// disableDroppedVariants disables variant products of the masters that the
// input no longer lists (they stay, as orders refer to them).
func (db *DB) disableDroppedVariants(ctx context.Context, tx *sql.Tx, masters []*productWrite) error {
	var masterIDs, keep []int
	for _, m := range masters {
		masterIDs = append(masterIDs, m.id)
		for _, v := range m.variants {
			keep = append(keep, v.id)
		}
	}
	marks, args := inArgs(masterIDs)
	query := "UPDATE " + db.quoted("product") + " SET status = 0 WHERE master_id IN (" + marks + ")"
	if len(keep) > 0 {
		keepMarks, keepArgs := inArgs(keep)
		query += " AND product_id NOT IN (" + keepMarks + ")"
		args = append(args, keepArgs...)
	}
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("disable dropped variants: %w", err)
	}
	return nil
}
