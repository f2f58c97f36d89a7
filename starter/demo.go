package main

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/connect"
	"github.com/ocbridge/bridge/pkg/logging"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/opencart/checkout"
	"github.com/ocbridge/bridge/pkg/opencart/ocschema"
	"github.com/ocbridge/bridge/pkg/webhook"
)

func init() {
	commands["demo"] = command{
		summary: "the demo's steps: demo shop --recreate | orders [--count N] | map-taxes | wait | summary",
		run:     demo,
	}
}

func demo(ctx context.Context, env *cli, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("demo needs a step: shop, orders or summary: %w", errUsage)
	}
	switch args[0] {
	case "shop":
		return demoShop(ctx, env, args[1:])
	case "orders":
		return demoOrders(ctx, env, args[1:])
	case "map-taxes":
		return demoMapTaxes(ctx, env)
	case "wait":
		return demoWait(ctx, env, args[1:])
	case "summary":
		return demoSummary(ctx, env)
	}
	return fmt.Errorf("demo step %q: use shop, orders, map-taxes, wait or summary: %w", args[0], errUsage)
}

// demoShop (re)creates the demo shop database named by OPENCART_DSN from the project's own schema code.
func demoShop(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("demo shop", "--recreate")
	recreate := fs.Bool("recreate", false, "drop and create the database named by OPENCART_DSN (its name must contain \"demo\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(config.PartOpenCart)
	if err != nil {
		return err
	}
	dsn, err := mysql.ParseDSN(cfg.OpenCart.DSN.Reveal())
	if err != nil {
		return err
	}
	if !*recreate || !strings.Contains(dsn.DBName, "demo") {
		return fmt.Errorf("demo shop drops and recreates database %q: pass --recreate, and only for a database whose name contains \"demo\"", dsn.DBName)
	}
	server := *dsn
	server.DBName = ""
	db, err := sql.Open("mysql", server.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	name := "`" + strings.ReplaceAll(dsn.DBName, "`", "") + "`"
	for _, stmt := range []string{"DROP DATABASE IF EXISTS " + name, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("demo shop: %w", err)
		}
	}
	if err := ocschema.Create(ctx, cfg.OpenCart.DSN.Reveal(), cfg.OpenCart.TablePrefix); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "demo shop database %s created (OpenCart %s schema)\n", dsn.DBName, ocschema.Version)
	return nil
}

// demoOrders places orders in the demo shop the way its checkout would, with products the bulk sync
// brought over, and announces each with a signed webhook.
func demoOrders(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("demo orders", "[--count N] [--api URL]")
	count := fs.Int("count", 3, "how many orders")
	apiURL := fs.String("api", "", "the bridge api's base URL (default http://API_ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(config.PartStore, config.PartOpenCart, config.PartAPI)
	if err != nil {
		return err
	}
	if *apiURL == "" {
		*apiURL = "http://" + cfg.API.Addr
	}
	store, err := connect.Store(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	shop, err := connect.Shop(ctx, cfg)
	if err != nil {
		return err
	}
	defer shop.Close()
	raw, err := sql.Open("mysql", cfg.OpenCart.DSN.Reveal())
	if err != nil {
		return err
	}
	defer raw.Close()

	products, err := demoProducts(ctx, store, shop)
	if err != nil {
		return err
	}
	cart, err := newDemoCart(ctx, shop, raw, cfg.OpenCart.TablePrefix)
	if err != nil {
		return err
	}
	for i := range *count {
		o, err := cart.order(ctx, i, products)
		if err != nil {
			return err
		}
		id, err := checkout.PlaceOrder(ctx, raw, ocschema.Version, o)
		if err != nil {
			return err
		}
		ev := webhook.Event{Event: webhook.OrderCreated, OrderID: int64(id), OrderStatusID: int64(o.Status), OccurredAt: time.Now().UTC()}
		if err := webhook.Send(ctx, http.DefaultClient, *apiURL+"/webhooks/opencart", []byte(cfg.API.WebhookSecret.Reveal()), ev); err != nil {
			return fmt.Errorf("order %d placed, but its webhook failed (the catch-up poll will still find it): %w", id, err)
		}
		fmt.Fprintf(env.stdout, "placed order %d (%d lines, total %.2f) and sent its signed webhook\n", id, len(o.Lines), o.Totals[len(o.Totals)-1].Value)
	}
	return nil
}

// demoProducts returns enabled shop products that the bulk sync mapped to Odoo, configurable ones first.
func demoProducts(ctx context.Context, store *mapping.Store, shop *opencart.DB) ([]opencart.ProductRecord, error) {
	pairs, err := store.List(ctx, mapping.KindProduct, 0, 200)
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, p := range pairs {
		if id, err := strconv.Atoi(p.OpenCartID); err == nil {
			ids = append(ids, id)
		}
	}
	records, err := shop.ProductsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var withOptions, simple []opencart.ProductRecord
	for _, r := range records {
		switch {
		case !r.Status || r.MasterID != 0:
		case len(r.Options) > 0:
			withOptions = append(withOptions, r)
		default:
			simple = append(simple, r)
		}
	}
	out := append(withOptions, simple...)
	if len(out) == 0 {
		return nil, fmt.Errorf("no synced products in the shop yet: run `starter bulk-sync --wait` first")
	}
	return out, nil
}

// demoCart builds checkout-like orders: a UK address, Cash On Delivery, Flat Rate shipping, the shop's
// taxes, and a coupon on the first order.
type demoCart struct {
	shop    *opencart.DB
	address checkout.Address
	loc     opencart.Location
	names   map[int]string // option and option value names by id, default language
}

func newDemoCart(ctx context.Context, shop *opencart.DB, raw *sql.DB, prefix string) (*demoCart, error) {
	c := &demoCart{shop: shop, names: map[int]string{}}
	err := raw.QueryRowContext(ctx, "SELECT c.country_id, z.zone_id FROM "+prefix+"country c JOIN "+prefix+
		"zone z ON z.country_id = c.country_id WHERE c.iso_code_2 = 'GB' ORDER BY z.zone_id LIMIT 1").Scan(&c.loc.CountryID, &c.loc.ZoneID)
	if err != nil {
		return nil, fmt.Errorf("demo shop has no United Kingdom zone: %w", err)
	}
	c.address = checkout.Address{FirstName: "Ada", LastName: "Lovelace", Address1: "12 Analytical Row", City: "London",
		Postcode: "N1 9GU", CountryID: c.loc.CountryID, ZoneID: c.loc.ZoneID}
	opts, err := shop.Options(ctx)
	if err != nil {
		return nil, err
	}
	lang := shop.DefaultLanguageID()
	for _, o := range opts {
		c.names[-o.ID] = o.Names[lang] // options negative, values positive: the ids share no space
		for _, v := range o.Values {
			c.names[v.ID] = v.Names[lang]
		}
	}
	return c, nil
}

func (c *demoCart) order(ctx context.Context, n int, products []opencart.ProductRecord) (checkout.Order, error) {
	o := checkout.Order{
		FirstName: "Ada", LastName: "Lovelace", Email: fmt.Sprintf("ada+%d@example.com", n), Telephone: "+44 20 7946 0000",
		Payment: c.address, Shipping: c.address, Status: 1, CurrencyCode: "GBP",
		PaymentMethod:  checkout.Method{Name: "Cash On Delivery", Code: "cod.cod"},
		ShippingMethod: checkout.Method{Name: "Flat Shipping Rate", Code: "flat.flat"},
	}
	var sub float64
	taxes := map[string]float64{}
	for j := range 2 {
		p := products[(n*2+j)%len(products)]
		line := checkout.Line{ProductID: p.ID, Name: p.Descriptions[c.shop.DefaultLanguageID()].Name, Model: p.Model, Quantity: 1 + j, Price: p.Price}
		for i, opt := range p.Options {
			if len(opt.Values) == 0 || i >= len(p.OptionKeys) {
				continue
			}
			v := opt.Values[n%len(opt.Values)]
			keys := p.OptionKeys[i]
			line.Options = append(line.Options, checkout.LineOption{ProductOptionID: keys.ProductOptionID,
				ProductOptionValueID: keys.ValueIDs[n%len(opt.Values)], Name: c.names[-opt.OptionID], Value: c.names[v.OptionValueID], Type: keys.Type})
			line.Price += v.Price
		}
		before := sumTaxes(taxes)
		if err := c.addTaxes(ctx, p.TaxClassID, line.Price, line.Quantity, taxes); err != nil {
			return o, err
		}
		line.Tax = (sumTaxes(taxes) - before) / float64(line.Quantity)
		sub += line.Price * float64(line.Quantity)
		o.Lines = append(o.Lines, line)
	}
	// Flat Rate shipping costs 5.00 and is taxed by its own tax class, as checkout does.
	const shipping = 5.0
	if v, found, err := c.shop.Setting(ctx, 0, "shipping_flat_tax_class_id"); err != nil {
		return o, err
	} else if class, _ := strconv.Atoi(v); found && class > 0 {
		if err := c.addTaxes(ctx, class, shipping, 1, taxes); err != nil {
			return o, err
		}
	}
	o.Totals = append(o.Totals, checkout.Total{Code: "sub_total", Title: "Sub-Total", Value: round2(sub), SortOrder: 1},
		checkout.Total{Code: "shipping", Title: "Flat Shipping Rate", Value: shipping, SortOrder: 3})
	total := sub + shipping
	if n == 0 {
		o.Totals = append(o.Totals, checkout.Total{Code: "coupon", Title: "Coupon (DEMO10)", Value: -round2(sub * 0.1), SortOrder: 4})
		total -= round2(sub * 0.1)
	}
	for name, v := range taxes {
		o.Totals = append(o.Totals, checkout.Total{Code: "tax", Title: name, Value: round2(v), SortOrder: 5})
		total += round2(v)
	}
	o.Totals = append(o.Totals, checkout.Total{Code: "total", Title: "Total", Value: round2(total), SortOrder: 9})
	return o, nil
}

// addTaxes adds the taxes of quantity × price under a tax class to taxes (by rate name).
func (c *demoCart) addTaxes(ctx context.Context, class int, price float64, quantity int, taxes map[string]float64) error {
	applied, err := c.shop.TaxFor(ctx, class, opencart.TaxContext{CustomerGroupID: 1, Shipping: &c.loc, Payment: &c.loc})
	if err != nil {
		return err
	}
	for _, t := range applied {
		amount := t.Rate
		if t.Type == "P" {
			amount = price * t.Rate / 100
		}
		taxes[t.Name] += amount * float64(quantity)
	}
	return nil
}

func sumTaxes(taxes map[string]float64) float64 {
	sum := 0.0
	for _, v := range taxes {
		sum += v
	}
	return sum
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// demoSummary compares what the demo left in the shop, in Odoo and in the mapping store.
func demoSummary(ctx context.Context, env *cli) error {
	cfg, err := config.Load(config.PartStore, config.PartOpenCart, config.PartOdoo)
	if err != nil {
		return err
	}
	logger, _ := logging.New("console", "warn")
	store, err := connect.Store(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	erp, err := connect.ERP(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer erp.Close()
	raw, err := sql.Open("mysql", cfg.OpenCart.DSN.Reveal())
	if err != nil {
		return err
	}
	defer raw.Close()
	counts, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	failed, err := store.OpenFailureCounts(ctx)
	if err != nil {
		return err
	}
	p := cfg.OpenCart.TablePrefix
	rows := []struct {
		what     string
		odoo     func() (int64, error)
		openCart string
		kind     mapping.Kind
	}{
		{"attributes / options", odooCount(ctx, erp, "product.attribute", nil), "SELECT COUNT(*) FROM " + p + "option", mapping.KindAttribute},
		{"categories", odooCount(ctx, erp, "product.category", nil), "SELECT COUNT(*) FROM " + p + "category", mapping.KindCategory},
		{"products", odooCount(ctx, erp, "product.template", odoo.Domain{odoo.Leaf("sale_ok", "=", true), "!", odoo.Leaf("default_code", "=like", "OC-%")}), "SELECT COUNT(*) FROM " + p + "product WHERE status = 1", mapping.KindProduct},
		{"orders (from the shop)", odooCount(ctx, erp, "sale.order", odoo.Domain{odoo.Leaf("client_order_ref", "=like", "OC-%")}), "SELECT COUNT(*) FROM `" + p + "order` WHERE order_status_id > 0", mapping.KindOrder},
		{"customers", odooCount(ctx, erp, "res.partner", odoo.Domain{odoo.Leaf("customer_rank", ">", 0)}), "SELECT COUNT(DISTINCT email) FROM `" + p + "order` WHERE order_status_id > 0", mapping.KindCustomer},
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tOdoo\tOpenCart\tmapped\tfailed\t")
	for _, r := range rows {
		n, err := r.odoo()
		odooText := strconv.FormatInt(n, 10)
		if err != nil {
			odooText = "?"
		}
		var oc int64
		if err := raw.QueryRowContext(ctx, r.openCart).Scan(&oc); err != nil {
			return fmt.Errorf("count %s in the shop: %w", r.what, err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t\n", r.what, odooText, oc, counts[r.kind], failed[r.kind])
	}
	return tw.Flush()
}

func odooCount(ctx context.Context, erp *odoo.Client, model string, domain odoo.Domain) func() (int64, error) {
	return func() (int64, error) { return erp.SearchCount(ctx, model, domain, nil) }
}

// demoWait waits until every confirmed order of the shop has its sale order in Odoo.
func demoWait(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("demo wait", "[--timeout D]")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long to wait")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(config.PartStore, config.PartOpenCart)
	if err != nil {
		return err
	}
	store, err := connect.Store(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	raw, err := sql.Open("mysql", cfg.OpenCart.DSN.Reveal())
	if err != nil {
		return err
	}
	defer raw.Close()
	rows, err := raw.QueryContext(ctx, "SELECT order_id FROM "+"`"+cfg.OpenCart.TablePrefix+"order` WHERE order_status_id > 0 ORDER BY order_id")
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	deadline := time.Now().Add(*timeout)
	view := newProgressView(env.stdout)
	for {
		synced, err := store.ByOpenCartIDs(ctx, mapping.KindOrder, ids)
		if err != nil {
			return err
		}
		view.drawCount("orders", len(synced), len(ids))
		if len(synced) == len(ids) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d orders reached Odoo within %s; see `starter failures`, the dashboard and the Temporal UI", len(synced), len(ids), *timeout)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// demoMapTaxes plays the operator for the shop's tax rates that Odoo has no tax for: it creates a sale
// tax of the same rate in Odoo and pairs the two through the mapping admin, which wakes the orders
// waiting for them (the default policy for taxes is to wait for a person, never to guess).
func demoMapTaxes(ctx context.Context, env *cli) error {
	admin, closeAll, err := env.mappingAdmin(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	unmapped, err := admin.Unmapped(ctx, mapping.KindTax)
	if err != nil {
		return err
	}
	shop, err := admin.Shop(ctx)
	if err != nil {
		return err
	}
	erp, err := admin.ERP(ctx)
	if err != nil {
		return err
	}
	rates, err := shop.TaxRates(ctx)
	if err != nil {
		return err
	}
	byID := map[string]opencart.TaxRate{}
	for _, r := range rates {
		byID[strconv.Itoa(r.ID)] = r
	}
	for _, rec := range unmapped.OpenCart {
		r := byID[rec.ID]
		values := odoo.Values{"name": r.Name, "amount": r.Rate, "amount_type": "percent", "type_tax_use": "sale"}
		if r.Type == "F" {
			values["amount_type"] = "fixed"
		}
		ids, err := erp.Create(ctx, "account.tax", []odoo.Values{values}, nil)
		if err != nil {
			return fmt.Errorf("create Odoo tax for %q: %w", r.Name, err)
		}
		if _, err := admin.Create(ctx, mapping.KindTax, ids[0], rec.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "mapped shop tax rate %s %q to new Odoo tax %d (as: starter mappings add tax %d %s)\n", rec.ID, r.Name, ids[0], ids[0], rec.ID)
	}
	return nil
}
