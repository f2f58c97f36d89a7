package opencart

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ProductRecord is a product as read from the shop: the fields
// UpsertProducts writes (except Keyword, Keywords, Layouts and Variants,
// which are not read back; a 4.x variant is a ProductRecord of its own with
// MasterID set) plus what only the shop knows.
type ProductRecord struct {
	Product
	// OptionKeys[i] are the shop's ids for Options[i]: orders and 4.x
	// variants refer to product options and values by these ids.
	OptionKeys []ProductOptionKeys
	Attributes []ProductAttribute

	MasterID int // 4.x: the master product of a variant; 0 otherwise
	// Variant (4.x variants) is the master's product_option_id → chosen
	// values (one product_option_value_id for select/radio, several for
	// checkbox, the text for text-like options), by product_option_id.
	Variant []VariantChoice
	// Override (4.x variants) is the raw JSON of the fields the variant does
	// not inherit from its master, e.g. {"model":"1","price":"1"}.
	Override json.RawMessage

	DateAdded    time.Time
	DateModified time.Time
}

// ProductOptionKeys are the ids of one product option and its values.
type ProductOptionKeys struct {
	ProductOptionID int
	Type            string // the option's type: select, radio, checkbox, text, …
	// ValueIDs[j] is the product_option_value_id of Values[j].
	ValueIDs []int
}

// VariantChoice is one entry of a 4.x variant's `variant` JSON.
type VariantChoice struct {
	ProductOptionID int
	Values          []string
}

// ProductAttribute is an attribute value of a product, per language.
type ProductAttribute struct {
	AttributeID int
	Text        map[int]string // by language_id
}

// Products reads up to limit products with product_id > afterID, by id.
func (db *DB) Products(ctx context.Context, afterID, limit int) ([]ProductRecord, error) {
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("opencart: read products: %w", err)
	}
	list, err := db.readProducts(ctx, "p.product_id > ? ORDER BY p.product_id LIMIT ?", afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("opencart: read products after id %d: %w", afterID, err)
	}
	return list, nil
}

// ProductsByID reads the given products (missing ids are skipped), by id.
func (db *DB) ProductsByID(ctx context.Context, ids []int) ([]ProductRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inArgs(ids)
	list, err := db.readProducts(ctx, "p.product_id IN ("+in+") ORDER BY p.product_id", args...)
	if err != nil {
		return nil, fmt.Errorf("opencart: read %d products by id, starting with %d: %w", len(ids), ids[0], err)
	}
	return list, nil
}

// productCodeColumns are the identifier columns of oc_product up to 4.1.0.3.
var productCodeColumns = []string{"sku", "upc", "ean", "jan", "isbn", "mpn"}

// codeTarget is the field for an identifier code ("sku" or 4.1's "SKU").
func (c *ProductCodes) codeTarget(code string) *string {
	switch strings.ToUpper(code) {
	case "SKU":
		return &c.SKU
	case "UPC":
		return &c.UPC
	case "EAN":
		return &c.EAN
	case "JAN":
		return &c.JAN
	case "ISBN":
		return &c.ISBN
	case "MPN":
		return &c.MPN
	}
	return nil
}

func (db *DB) readProducts(ctx context.Context, cond string, args ...any) ([]ProductRecord, error) {
	codesInColumns := db.hasColumn("product", "sku")
	cols := []string{"p.product_id", db.columnOr("product", "p", "master_id", "0"), "p.model", "p.location", "p.price",
		"p.tax_class_id", "p.quantity", "p.subtract", "p.minimum", "p.stock_status_id", "p.shipping", "p.points", "p.weight",
		"p.weight_class_id", "p.length", "p.width", "p.height", "p.length_class_id", "p.manufacturer_id", "p.image",
		"p.sort_order", "p.status", "p.date_available", "p.date_added", "p.date_modified",
		db.columnOr("product", "p", "variant", "''"), db.columnOr("product", "p", "override", "''")}
	if codesInColumns {
		for _, c := range productCodeColumns {
			cols = append(cols, "p."+c)
		}
	}
	out, err := queryAll(ctx, db.conn, "SELECT "+strings.Join(cols, ", ")+" FROM "+db.table("product")+" p WHERE "+cond, args,
		func(rows *sql.Rows, p *ProductRecord) error {
			p.Descriptions = map[int]ProductDescription{}
			var variant, override string
			targets := []any{&p.ID, integer(&p.MasterID), text(&p.Model), text(&p.Location), decimal(&p.Price),
				integer(&p.TaxClassID), integer(&p.Quantity), boolean(&p.Subtract), integer(&p.Minimum), integer(&p.StockStatusID),
				boolean(&p.Shipping), integer(&p.Points), decimal(&p.Weight), integer(&p.WeightClassID), decimal(&p.Length),
				decimal(&p.Width), decimal(&p.Height), integer(&p.LengthClassID), integer(&p.ManufacturerID), str(&p.Image),
				integer(&p.SortOrder), boolean(&p.Status), timestamp(&p.DateAvailable), timestamp(&p.DateAdded),
				timestamp(&p.DateModified), str(&variant), str(&override)}
			if codesInColumns {
				for _, c := range productCodeColumns {
					targets = append(targets, text(p.Codes.codeTarget(c)))
				}
			}
			if err := rows.Scan(targets...); err != nil {
				return err
			}
			var err error
			if p.Variant, err = parseVariant(variant); err != nil {
				return fmt.Errorf("product %d: variant: %w", p.ID, err)
			}
			if strings.TrimSpace(override) != "" {
				p.Override = json.RawMessage(override)
			}
			return nil
		})
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids, at := indexByID(out, func(p *ProductRecord) int { return p.ID })
	children := []struct {
		what string
		load func() error
	}{
		{"descriptions", func() error {
			return db.eachDescription(ctx, "product_description", "product_id", ids, func(id, lang int, d description) {
				at(id).Descriptions[lang] = ProductDescription(d)
			})
		}},
		{"categories", func() error {
			return db.eachLink(ctx, "product_to_category", "product_id", "category_id", ids, func(id, other int) {
				at(id).Categories = append(at(id).Categories, other)
			})
		}},
		{"stores", func() error {
			return db.eachLink(ctx, "product_to_store", "product_id", "store_id", ids, func(id, other int) {
				at(id).Stores = append(at(id).Stores, other)
			})
		}},
		{"images", func() error { return db.readProductImages(ctx, ids, at) }},
		{"options", func() error { return db.readProductOptions(ctx, ids, at) }},
		{"attributes", func() error { return db.readProductAttributes(ctx, ids, at) }},
		{"codes", func() error {
			if codesInColumns || !db.hasTable("product_code") {
				return nil
			}
			return db.readProductCodes(ctx, ids, at)
		}},
	}
	for _, c := range children {
		if err := c.load(); err != nil {
			return nil, fmt.Errorf("%s: %w", c.what, err)
		}
	}
	return out, nil
}

// parseVariant reads a 4.x `variant` column: {"<product_option_id>":
// "<value>" | ["<value>", …]}.
func parseVariant(raw string) ([]VariantChoice, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "[]" || raw == "{}" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("not a JSON object: %q", raw)
	}
	out := make([]VariantChoice, 0, len(m))
	for key, val := range m {
		id, err := strconv.Atoi(key)
		if err != nil {
			return nil, fmt.Errorf("key %q is not a product_option_id", key)
		}
		c := VariantChoice{ProductOptionID: id}
		var one any
		if err := json.Unmarshal(val, &one); err != nil {
			return nil, err
		}
		switch v := one.(type) {
		case []any:
			for _, x := range v {
				c.Values = append(c.Values, jsonScalar(x))
			}
		default:
			c.Values = []string{jsonScalar(v)}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ProductOptionID < out[j].ProductOptionID })
	return out, nil
}

// jsonScalar renders a decoded JSON scalar as OpenCart would see it in PHP.
func jsonScalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func (db *DB) readProductImages(ctx context.Context, ids []int, at func(int) *ProductRecord) error {
	return eachIn(ctx, db.conn, "SELECT product_id, image, sort_order FROM "+db.table("product_image")+
		" WHERE product_id IN (%s) ORDER BY product_id, sort_order, product_image_id", ids, func(rows *sql.Rows) error {
		var id int
		var image ProductImage
		if err := rows.Scan(&id, str(&image.Path), integer(&image.SortOrder)); err != nil {
			return err
		}
		at(id).Images = append(at(id).Images, image)
		return nil
	})
}

func (db *DB) readProductOptions(ctx context.Context, ids []int, at func(int) *ProductRecord) error {
	type ref struct{ product, option int }
	where := map[int]ref{} // product_option_id → position
	err := eachIn(ctx, db.conn, "SELECT po.product_id, po.product_option_id, po.option_id, o.type, po.value, po.required FROM "+
		db.table("product_option")+" po LEFT JOIN "+db.table("option")+" o ON o.option_id = po.option_id"+
		" WHERE po.product_id IN (%s) ORDER BY po.product_id, o.sort_order, po.product_option_id", ids, func(rows *sql.Rows) error {
		var productID int
		var po ProductOption
		var keys ProductOptionKeys
		if err := rows.Scan(&productID, &keys.ProductOptionID, integer(&po.OptionID), str(&keys.Type), text(&po.Value), boolean(&po.Required)); err != nil {
			return err
		}
		p := at(productID)
		where[keys.ProductOptionID] = ref{productID, len(p.Options)}
		p.Options = append(p.Options, po)
		p.OptionKeys = append(p.OptionKeys, keys)
		return nil
	})
	if err != nil || len(where) == 0 {
		return err
	}
	return eachIn(ctx, db.conn, "SELECT pov.product_option_id, pov.product_option_value_id, pov.option_value_id, pov.quantity, pov.subtract,"+
		" pov.price, pov.price_prefix, pov.points, pov.points_prefix, pov.weight, pov.weight_prefix FROM "+db.table("product_option_value")+" pov"+
		" LEFT JOIN "+db.table("option_value")+" ov ON ov.option_value_id = pov.option_value_id"+
		" WHERE pov.product_id IN (%s) ORDER BY pov.product_option_id, ov.sort_order, pov.product_option_value_id", ids, func(rows *sql.Rows) error {
		var poID, povID int
		var v ProductOptionValue
		var pricePrefix, pointsPrefix, weightPrefix string
		if err := rows.Scan(integer(&poID), &povID, integer(&v.OptionValueID), integer(&v.Quantity), boolean(&v.Subtract), decimal(&v.Price),
			str(&pricePrefix), integer(&v.Points), str(&pointsPrefix), decimal(&v.Weight), str(&weightPrefix)); err != nil {
			return err
		}
		// The shop stores unsigned amounts with a '+'/'-' prefix.
		v.Price = withPrefix(pricePrefix, v.Price)
		v.Weight = withPrefix(weightPrefix, v.Weight)
		v.Points = int(withPrefix(pointsPrefix, float64(v.Points)))
		if r, ok := where[poID]; ok {
			p := at(r.product)
			p.Options[r.option].Values = append(p.Options[r.option].Values, v)
			p.OptionKeys[r.option].ValueIDs = append(p.OptionKeys[r.option].ValueIDs, povID)
		}
		return nil
	})
}

// withPrefix applies an OpenCart '+'/'-' prefix to an unsigned amount.
func withPrefix(prefix string, amount float64) float64 {
	if prefix == "-" {
		return -amount
	}
	return amount
}

func (db *DB) readProductAttributes(ctx context.Context, ids []int, at func(int) *ProductRecord) error {
	return eachIn(ctx, db.conn, "SELECT product_id, attribute_id, language_id, text FROM "+db.table("product_attribute")+
		" WHERE product_id IN (%s) ORDER BY product_id, attribute_id, language_id", ids, func(rows *sql.Rows) error {
		var id, attrID, lang int
		var value string
		if err := rows.Scan(&id, &attrID, &lang, text(&value)); err != nil {
			return err
		}
		p := at(id)
		if n := len(p.Attributes); n == 0 || p.Attributes[n-1].AttributeID != attrID {
			p.Attributes = append(p.Attributes, ProductAttribute{AttributeID: attrID, Text: map[int]string{}})
		}
		p.Attributes[len(p.Attributes)-1].Text[lang] = value
		return nil
	})
}

func (db *DB) readProductCodes(ctx context.Context, ids []int, at func(int) *ProductRecord) error {
	return eachIn(ctx, db.conn, "SELECT product_id, code, value FROM "+db.table("product_code")+
		" WHERE product_id IN (%s) ORDER BY product_id, product_code_id", ids, func(rows *sql.Rows) error {
		var id int
		var code, value string
		if err := rows.Scan(integer(&id), str(&code), text(&value)); err != nil {
			return err
		}
		if target := at(id).Codes.codeTarget(code); target != nil {
			*target = value
		}
		return nil
	})
}
