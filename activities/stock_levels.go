package activities

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ocbridge/bridge/pkg/opencart"
)

// How one template's Odoo stock becomes shop quantities. q(v) is the configured quantity of variant v
// (StockQuantity) in whole units, rounded down and never below zero; held(x) is what shop orders not yet
// in Odoo took from row x (see heldStock), counted only where the shop subtracts stock (subtract = 1).
//
//   - the template's product (a simple product, a product with options, or a 4.x master):
//     Σ q(v) over the template's active variants − held(product);
//   - an option value the variants are paired with (options mode): Σ q(v) over the variants having
//     that value − held(value). Values no variant is paired with (attributes that make no variants)
//     are left alone;
//   - a 4.x variant product: q(v) − held(variant product).
//
// Each result is floored at zero: a shop showing −2 has sold stock it did not have, and writing 0 stops
// further sales without inventing stock.

// shopLevel is a level to write and the shop's quantity before.
type shopLevel struct {
	opencart.StockLevel
	current int
}

// changed reports whether writing the level changes the shop.
func (l shopLevel) changed() bool { return l.Quantity != l.current }

// variantKey is the shop side of a variant pair: a 4.x variant product ("123", values empty), or a
// product and the product_option_value ids of the option values standing for the variant ("42:7,9").
type variantKey struct {
	product int
	values  []int
}

func parseVariantKey(s string) (variantKey, error) {
	head, tail, options := strings.Cut(s, ":")
	var k variantKey
	var err error
	if k.product, err = strconv.Atoi(head); err != nil || k.product <= 0 {
		return k, fmt.Errorf("variant pair %q: %q is not a shop product id", s, head)
	}
	if !options {
		return k, nil
	}
	for _, part := range strings.Split(tail, ",") {
		id, err := strconv.Atoi(part)
		if err != nil || id <= 0 {
			return k, fmt.Errorf("variant pair %q: %q is not a product_option_value_id", s, part)
		}
		k.values = append(k.values, id)
	}
	return k, nil
}

// variantStock is one Odoo variant of a template.
type variantStock struct {
	qty int         // q(v)
	key *variantKey // its pair's shop side; nil when the variant is not paired
}

// templateStock is one template and the shop product it is paired with.
type templateStock struct {
	productID int // the shop product
	variants  []variantStock
}

// levels computes the template's shop levels from the shop's records of its product and 4.x variant
// products (by id); a pair pointing at a product or option value the shop no longer has is counted in
// missing and skipped.
func (t templateStock) levels(shop map[int]*opencart.ProductRecord, held heldStock) (levels []shopLevel, missing int) {
	p, ok := shop[t.productID]
	if !ok {
		return nil, 1 // the paired product was deleted in the shop
	}
	total := 0
	perValue := map[int]int{} // product_option_value_id → stock of the variants having it
	for _, v := range t.variants {
		total += v.qty
		switch {
		case v.key == nil:
		case len(v.key.values) > 0:
			if v.key.product != p.ID {
				missing++ // paired with another product's values: the pair is stale
				continue
			}
			for _, pov := range v.key.values {
				perValue[pov] += v.qty
			}
		default:
			vp, ok := shop[v.key.product]
			if !ok {
				missing++
				continue
			}
			levels = append(levels, productLevel(vp, v.qty, held))
		}
	}
	levels = append(levels, productLevel(p, total, held))
	offered := 0
	for i, option := range p.Options {
		for j, value := range option.Values {
			pov := p.OptionKeys[i].ValueIDs[j]
			stock, paired := perValue[pov]
			if !paired {
				continue
			}
			offered++
			levels = append(levels, shopLevel{
				StockLevel: opencart.StockLevel{ProductID: p.ID, OptionValueID: value.OptionValueID,
					Quantity: max(stock-held.forValue(pov, value), 0)},
				current: value.Quantity,
			})
		}
	}
	return levels, missing + len(perValue) - offered
}

func productLevel(p *opencart.ProductRecord, stock int, held heldStock) shopLevel {
	return shopLevel{
		StockLevel: opencart.StockLevel{ProductID: p.ID, Quantity: max(stock-held.forProduct(p), 0)},
		current:    p.Quantity,
	}
}

// heldStock is what shop orders that Odoo does not account for yet took from the shop's stock: per
// product (a 4.x order line counts for its variant product and its master, as OpenCart subtracts both)
// and per product_option_value.
type heldStock struct {
	products map[int]int
	values   map[int]int
}

func newHeldStock() heldStock { return heldStock{products: map[int]int{}, values: map[int]int{}} }

// hold records an order line the shop subtracted.
func (h heldStock) hold(line opencart.OrderLine) {
	h.products[line.ProductID] += line.Quantity
	if line.MasterID != 0 {
		h.products[line.MasterID] += line.Quantity
	}
	for _, o := range line.Options {
		if o.ProductOptionValueID != 0 {
			h.values[o.ProductOptionValueID] += line.Quantity
		}
	}
}

// forProduct is what is held back from a product row; OpenCart subtracted nothing where subtract is off.
func (h heldStock) forProduct(p *opencart.ProductRecord) int {
	if !p.Subtract {
		return 0
	}
	return h.products[p.ID]
}

// forValue is what is held back from an option value row.
func (h heldStock) forValue(pov int, v opencart.ProductOptionValue) int {
	if !v.Subtract {
		return 0
	}
	return h.values[pov]
}
