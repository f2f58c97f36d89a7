package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// Product is a catalog product as the bridge writes it: everything OpenCart's
// admin form writes for a product to be visible and purchasable.
//
// On update (ID set) a field left at its zero value keeps what the shop has,
// except for the fields the bridge always writes; UpsertProducts lists the
// rules. "On create" below means when the product is new.
type Product struct {
	ID             int // 0 creates a new product
	Model          string
	Codes          ProductCodes // SKU, UPC and EAN always written; JAN, ISBN and MPN when not empty
	Location       string
	Quantity       int
	StockStatusID  int // status label shown when quantity ≤ 0; 0 on create means the shop's default (config_stock_status_id)
	Image          string
	Images         []ProductImage // additional images; nil keeps them on update, non-nil (even empty) makes them exactly these
	ManufacturerID int
	Shipping       bool    // requires shipping (the admin's default is true)
	Price          float64 // in the default currency, without tax
	Points         int     // reward points needed to buy it
	TaxClassID     int
	// DateAvailable zero on create means today's date in the database, so
	// the product shows at once (4.1 would hide a NULL date).
	DateAvailable time.Time
	Weight        float64
	WeightClassID int // 0 on create means the shop's default (config_weight_class_id)
	Length        float64
	Width         float64
	Height        float64
	LengthClassID int  // 0 on create means the shop's default (config_length_class_id)
	Subtract      bool // orders subtract stock (the admin's default is true)
	Minimum       int  // minimum order quantity; below 1 means 1 on create
	SortOrder     int
	Status        bool

	// Descriptions by language_id. On create, languages without one get the
	// default language's and an empty MetaTitle becomes the name; on update
	// only the languages given change.
	Descriptions map[int]ProductDescription
	Stores       []int       // stores to list it in; nil means the default store 0 on create, none added on update
	Categories   []int       // category ids, each must exist; they replace the product's category links
	Layouts      map[int]int // store → layout_id; on create stores without one get the default layout

	// Keyword is the SEO keyword for every language of the Stores (store 0
	// if none) in which Keywords has no entry; one URL part, no '/'. Empty
	// keywords write nothing; an update changes only the slots given.
	Keyword  string
	Keywords map[StoreLanguage]string

	// Options offers choices from options (UpsertOption) with per-value
	// stock and price deltas: OpenCart's configurable products.
	Options []ProductOption
	// Variants (4.x only) are separate products for combinations of the
	// Options' values: OpenCart 4's variant products. The product itself is
	// their master. Use either per-value stock in Options or Variants.
	Variants []Variant
}

// ProductCodes are the product identifiers; on 4.1 they are oc_product_code rows.
type ProductCodes struct{ SKU, UPC, EAN, JAN, ISBN, MPN string }

// ProductImage is an additional image (path under OpenCart's image/).
type ProductImage struct {
	Path      string
	SortOrder int
}

// ProductDescription is the text of a product in one language. Description
// is HTML, as the admin's editor produces it; Tag is comma-separated.
type ProductDescription struct {
	Name, Description, Tag, MetaTitle, MetaDescription, MetaKeyword string
}

// ProductOption offers an option on a product. For select, radio and
// checkbox options, Values are the offered values; other option types
// (text, date, …) have a default Value instead.
type ProductOption struct {
	OptionID int
	Required bool
	Value    string
	Values   []ProductOptionValue
}

// ProductOptionValue is one offered value with its own stock and deltas.
// Negative deltas are stored as OpenCart's '-' prefix.
type ProductOptionValue struct {
	OptionValueID int
	Quantity      int
	Subtract      bool // orders subtract this value's quantity
	Price         float64
	Points        int
	Weight        float64
}

// Variant is an OpenCart 4 variant product: a product row of its own with its
// own id, model, codes, price, stock and status, standing for one choice of
// its master's option values. Everything else (descriptions, categories,
// stores, images, …) is the master's; the variant's own fields are listed in
// its override JSON so that saving the master in OpenCart's admin keeps them.
// An existing variant is updated by the rules of UpsertProducts, applied to
// the fields it takes from its master.
type Variant struct {
	ID        int // 0 creates a new variant product
	Model     string
	Codes     ProductCodes
	Price     float64
	Quantity  int
	Status    bool
	Image     string      // "" uses the master's
	Weight    float64     // 0 uses the master's
	Name      string      // "" uses the master's names
	Keyword   string      // its own SEO keyword (they must be unique), "" for none
	Selection map[int]int // option_id → option_value_id, among the master's Options
}

// WrittenProduct reports the ids of a written product.
type WrittenProduct struct {
	ProductID  int
	VariantIDs []int // in the order of Product.Variants
}

// productBatchSize is how many input products share one transaction and one
// set of multi-row statements.
const productBatchSize = 500

// UpsertProducts creates (ID 0) or updates products with every row
// OpenCart's admin writes: product, descriptions in every language, store,
// category and layout links, additional images, SEO URLs, options with their
// values, 4.1 product codes and 4.x variant products.
//
// Merchants keep editing the products the bridge writes (or adopts), so an
// update changes what the bridge manages and leaves the rest as it is:
//   - always written: Model, Quantity, Price, TaxClassID, Weight, Shipping,
//     Subtract, Status and codes SKU, UPC and EAN (an empty code is
//     removed). Location, StockStatusID, Image, ManufacturerID, Points,
//     DateAvailable, WeightClassID, Length, Width, Height, LengthClassID,
//     Minimum, SortOrder and codes JAN, ISBN and MPN are written when not
//     zero; zero keeps the shop's value (so an update cannot set them back
//     to zero).
//   - descriptions, for the languages given: the name; Description, Tag,
//     MetaDescription and MetaKeyword when not empty; an empty MetaTitle
//     keeps the shop's meta title unless that was the old name, which it
//     then follows. Languages not given keep their texts; one the product
//     lacks gets the default language's text, so it shows in every language.
//   - replaced: the category links (Categories) and the options (Options).
//     product_option and product_option_value rows keep their ids, so
//     orders and variants keep pointing at them. 4.x Variants are written;
//     variant products no longer listed are disabled.
//   - Stores are added, never removed; Layouts set the stores given;
//     Keyword and Keywords set the store/language slots they resolve to and
//     leave other slots, stores and languages alone.
//   - Images nil keeps the additional images, non-nil makes them exactly
//     those.
//   - never written: specials, discounts, related products, reward points,
//     attributes, filters, downloads and every other table.
//
// Rows that already hold what is wanted keep their ids and contents, so
// repeating an update changes nothing but oc_product.date_modified, which
// every update sets, as OpenCart's admin does on save.
//
// Every input is validated before anything is written. Products are then
// written in batches of 500, each in one transaction with a few multi-row
// statements per table. A product becomes visible (status 1) in the last
// statement of its batch: on MyISAM (3.0), which cannot roll back, a failure
// leaves the batch's products disabled rather than half-written. If a batch
// fails, the earlier batches stay written: their entries in the result are
// set, the others are zero.
//
// Afterwards OpenCart's cached product listings are deleted if
// Config.CacheDir is set. Without it, OpenCart 4.x keeps showing the old
// price, stock and status in category, search, special and latest listings
// until their cache entries expire (cache_expire, 1 hour by default); product
// pages show the change at once.
func (db *DB) UpsertProducts(ctx context.Context, products []Product) ([]WrittenProduct, error) {
	if len(products) == 0 {
		return nil, nil
	}
	defaults, err := db.productDefaults(ctx)
	if err != nil {
		return nil, err
	}
	writes := make([]*productWrite, len(products))
	for i := range products {
		p := products[i] // a copy: the defaults must not change the caller's products
		w, err := db.prepareProduct(&p, defaults)
		if err != nil {
			return nil, fmt.Errorf("opencart: %w", err)
		}
		writes[i] = w
	}
	results := make([]WrittenProduct, len(products))
	for start := 0; start < len(writes); start += productBatchSize {
		end := min(start+productBatchSize, len(writes))
		batch := writes[start:end]
		err := db.inTx(ctx, func(tx *sql.Tx) error { return db.writeProducts(ctx, tx, batch) })
		if err != nil {
			err = fmt.Errorf("opencart: write products %d-%d of %d: %w", start+1, end, len(writes), err)
			if start > 0 {
				err = fmt.Errorf("%w (products 1-%d were written)", err, start)
			}
			return results, db.purgeAfter(err, start > 0, "product")
		}
		for i, w := range batch {
			results[start+i] = w.result()
		}
	}
	return results, db.purgeCache("product")
}

// productDefaults are the shop's defaults for the fields of new products
// left 0, as OpenCart's product form preselects them.
type productDefaults struct {
	stockStatusID, weightClassID, lengthClassID int
}

func (db *DB) productDefaults(ctx context.Context) (productDefaults, error) {
	var d productDefaults
	for key, dst := range map[string]*int{
		"config_stock_status_id": &d.stockStatusID, // absent in fresh 3.0/4.0 installs until the settings are saved
		"config_weight_class_id": &d.weightClassID,
		"config_length_class_id": &d.lengthClassID,
	} {
		value, _, err := db.Setting(ctx, 0, key)
		if err != nil {
			return d, err
		}
		*dst, _ = strconv.Atoi(value)
	}
	return d, nil
}

func (d productDefaults) fill(p *Product) {
	if p.StockStatusID == 0 {
		p.StockStatusID = d.stockStatusID
	}
	if p.WeightClassID == 0 {
		p.WeightClassID = d.weightClassID
	}
	if p.LengthClassID == 0 {
		p.LengthClassID = d.lengthClassID
	}
}

// purgeAfter purges cache keys after a failed call that wrote something.
func (db *DB) purgeAfter(err error, wroteSome bool, keys ...string) error {
	if wroteSome {
		if perr := db.purgeCache(keys...); perr != nil {
			return fmt.Errorf("%w; also %w", err, perr)
		}
	}
	return err
}

// productWrite is one oc_product row on its way into the database: an input
// product, or a 4.x variant expanded into a product from its master.
type productWrite struct {
	p        *Product
	record   string
	id       int // set once inserted
	scope        // texts, stores, layouts, keywords; update: the product exists
	codes    ProductCodes
	model    string
	location string

	variants []*productWrite // of a master
	master   *productWrite   // of a variant
	selected map[int]int     // variant: option_id → option_value_id
	override map[string]any  // variant: fields it does not inherit

	optionIDs      map[int]int // option_id → product_option_id, once written
	optionValueIDs map[int]int // option_value_id → product_option_value_id, once written
}

func (w *productWrite) result() WrittenProduct {
	r := WrittenProduct{ProductID: w.id}
	for _, v := range w.variants {
		r.VariantIDs = append(r.VariantIDs, v.id)
	}
	return r
}

// prepareProduct validates a product and converts its texts to stored form.
func (db *DB) prepareProduct(p *Product, defaults productDefaults) (*productWrite, error) {
	name := defaultText(db, p.Descriptions).Name
	if name == "" {
		name = p.Model
	}
	w := &productWrite{p: p, id: p.ID, record: recordName("product", p.ID, name)}
	if err := db.prepareProductRow(w, defaults); err != nil {
		return nil, err
	}
	check := &fieldCheck{record: w.record}
	db.checkOptions(check, p.Options)
	if len(p.Variants) > 0 && !db.flavour.HasVariants() {
		check.fail("has variants, which need OpenCart 4 (this shop is %s); offer the choices as Options instead", db.flavour)
	}
	if check.err != nil {
		return nil, check.err
	}
	for i := range p.Variants {
		v, err := db.prepareVariant(w, &p.Variants[i], defaults)
		if err != nil {
			return nil, err
		}
		w.variants = append(w.variants, v)
	}
	return w, nil
}

// prepareProductRow checks and converts the fields of one product row; a
// new one gets the shop's defaults.
func (db *DB) prepareProductRow(w *productWrite, defaults productDefaults) error {
	p := w.p
	update := w.id != 0
	if !update {
		defaults.fill(p)
	}
	check := &fieldCheck{record: w.record}
	descs, err := storedDescriptions(db, check, p.Descriptions, func(d ProductDescription) description { return description(d) })
	if err != nil {
		return err
	}
	w.model, w.location = db.storedText(p.Model), db.storedText(p.Location)
	check.text("model", w.model, 64, true)
	check.text("location", w.location, 128, false)
	w.codes = db.storedCodes(check, p.Codes)
	check.text("image", p.Image, 255, false)
	for _, img := range p.Images {
		check.text("additional image", img.Path, 255, false)
	}
	check.number("price", p.Price, 1e11)
	check.number("weight", p.Weight, 1e7)
	check.number("length", p.Length, 1e7)
	check.number("width", p.Width, 1e7)
	check.number("height", p.Height, 1e7)
	check.quantity("quantity", p.Quantity)
	if check.err != nil {
		return check.err
	}
	w.scope, err = db.newScope(check, update, descs, keySet(p.Descriptions), placement{p.Stores, p.Layouts, p.Keyword, p.Keywords})
	return err
}

// storedCodes converts product codes and checks them against their columns
// (4.1 keeps them in oc_product_code.value, 255 characters).
func (db *DB) storedCodes(check *fieldCheck, c ProductCodes) ProductCodes {
	s := ProductCodes{
		SKU: db.storedText(c.SKU), UPC: db.storedText(c.UPC), EAN: db.storedText(c.EAN),
		JAN: db.storedText(c.JAN), ISBN: db.storedText(c.ISBN), MPN: db.storedText(c.MPN),
	}
	width := func(w int) int {
		if db.flavour == V41 {
			return 255
		}
		return w
	}
	check.text("SKU", s.SKU, width(64), false)
	check.text("UPC", s.UPC, width(12), false)
	check.text("EAN", s.EAN, width(14), false)
	check.text("JAN", s.JAN, width(13), false)
	check.text("ISBN", s.ISBN, width(17), false)
	check.text("MPN", s.MPN, width(64), false)
	return s
}

// codeRows lists the non-empty codes as 4.1 oc_product_code rows (code as in
// oc_identifier, upper case).
func (c ProductCodes) codeRows() [][2]string {
	var rows [][2]string
	for _, kv := range [][2]string{{"SKU", c.SKU}, {"UPC", c.UPC}, {"EAN", c.EAN}, {"JAN", c.JAN}, {"ISBN", c.ISBN}, {"MPN", c.MPN}} {
		if kv[1] != "" {
			rows = append(rows, kv)
		}
	}
	return rows
}

// writes reports whether a product write sets a code (upper case): SKU, UPC
// and EAN always, the others when given.
func (c ProductCodes) writes(code string) bool {
	switch code {
	case "SKU", "UPC", "EAN":
		return true
	}
	target := c.codeTarget(code)
	return target != nil && *target != ""
}

// checkOptions checks the shape of a product's options; that the options
// and values exist is checked against the database when writing.
func (db *DB) checkOptions(check *fieldCheck, options []ProductOption) {
	var seenOptions, seenValues []int
	for _, o := range options {
		if slices.Contains(seenOptions, o.OptionID) {
			check.fail("offers option %d twice; merge its values into one ProductOption", o.OptionID)
		}
		seenOptions = append(seenOptions, o.OptionID)
		check.text(fmt.Sprintf("value of option %d", o.OptionID), db.storedText(o.Value), (1<<16-1)/4, false)
		for _, v := range o.Values {
			if slices.Contains(seenValues, v.OptionValueID) {
				check.fail("offers option value %d twice", v.OptionValueID)
			}
			seenValues = append(seenValues, v.OptionValueID)
			check.quantity(fmt.Sprintf("quantity of option value %d", v.OptionValueID), v.Quantity)
			check.number(fmt.Sprintf("price of option value %d", v.OptionValueID), v.Price, 1e11)
			check.number(fmt.Sprintf("weight of option value %d", v.OptionValueID), v.Weight, 1e7)
		}
	}
}

// number checks that a decimal fits its column.
func (c *fieldCheck) number(field string, v, limit float64) {
	if c.err == nil && (math.IsNaN(v) || math.Abs(v) >= limit) {
		c.fail("%s %v does not fit OpenCart's column (less than %g)", field, v, limit)
	}
}

// quantity checks that a stock quantity fits OpenCart's int columns.
func (c *fieldCheck) quantity(field string, v int) {
	if c.err == nil && (v > math.MaxInt32 || v < math.MinInt32) {
		c.fail("%s %d does not fit OpenCart's int column", field, v)
	}
}
