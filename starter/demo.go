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
		summary: "the demo's steps: demo shop --recreate | demo orders [--count N] | demo summary",
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
	case "summary":
		return demoSummary(ctx, env)
	}
	return fmt.Errorf("demo step %q: use shop, orders or summary: %w", args[0], errUsage)
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
// brought over, announces each with a signed webhook, and waits until the bridge has created their sale
// orders.
func demoOrders(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("demo orders", "[--count N] [--api URL]")
	count := fs.Int("count", 3, "how many orders")
	apiURL := fs.String("api", "", "the bridge api's base URL (default http://API_ADDR)")
	wait := fs.Duration("wait", 2*time.Minute, "how long to wait for the sale orders")
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
	var ids []int
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
		ids = append(ids, id)
	}
	deadline := time.Now().Add(*wait)
	view := newProgressView(env.stdout)
	for {
		done := 0
		for _, id := range ids {
			if _, err := store.ByOpenCartID(ctx, mapping.KindOrder, strconv.Itoa(id)); err == nil {
				done++
			}
		}
		view.drawCount("orders", done, len(ids))
		if done == len(ids) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d orders reached Odoo within %s; see `starter failures` and the Temporal UI", done, len(ids), *wait)
		}
		time.Sleep(500 * time.Millisecond)
	}
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
		applied, err := c.shop.TaxFor(ctx, p.TaxClassID, opencart.TaxContext{CustomerGroupID: 1, Shipping: &c.loc, Payment: &c.loc})
		if err != nil {
			return o, err
		}
		for _, t := range applied {
			amount := t.Rate
			if t.Type == "P" {
				amount = line.Price * t.Rate / 100
			}
			line.Tax += amount
			taxes[t.Name] += amount * float64(line.Quantity)
		}
		sub += line.Price * float64(line.Quantity)
		o.Lines = append(o.Lines, line)
	}
	o.Totals = append(o.Totals, checkout.Total{Code: "sub_total", Title: "Sub-Total", Value: round2(sub), SortOrder: 1},
		checkout.Total{Code: "shipping", Title: "Flat Shipping Rate", Value: 5, SortOrder: 3})
	total := sub + 5
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
		{"products", odooCount(ctx, erp, "product.template", odoo.Domain{odoo.Leaf("sale_ok", "=", true)}), "SELECT COUNT(*) FROM " + p + "product WHERE status = 1", mapping.KindProduct},
		{"orders (from the shop)", odooCount(ctx, erp, "sale.order", odoo.Domain{odoo.Leaf("client_order_ref", "=like", "OC-%")}), "SELECT COUNT(*) FROM " + p + "`order` WHERE order_status_id > 0", mapping.KindOrder},
		{"customers", odooCount(ctx, erp, "res.partner", odoo.Domain{odoo.Leaf("customer_rank", ">", 0)}), "SELECT COUNT(DISTINCT email) FROM " + p + "`order` WHERE order_status_id > 0", mapping.KindCustomer},
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
