package activities

import (
	"fmt"
	"slices"
)

// Odoo models whose records can ask for a stock push: the poll names products, Odoo's "send webhook
// notification" automation names whatever record it is set on.
const (
	ModelProduct  = "product.product"
	ModelTemplate = "product.template"
	ModelQuant    = "stock.quant"
	ModelMove     = "stock.move"
	ModelPicking  = "stock.picking"
)

// StockModels lists the models a StockRequest accepts.
var StockModels = []string{ModelProduct, ModelTemplate, ModelQuant, ModelMove, ModelPicking}

// StockRequest names the Odoo records whose products' stock is to be pushed to the shop. Requests merge
// (a set of ids per model), which is how many changes of one product become one update. It is workflow
// state, so it is a struct of sorted id lists rather than a map: merging is deterministic.
type StockRequest struct {
	// All asks for every mapped product: the first poll and the periodic full sync.
	All       bool    `json:"all,omitempty"`
	Products  []int64 `json:"products,omitempty"`  // product.product
	Templates []int64 `json:"templates,omitempty"` // product.template
	Quants    []int64 `json:"quants,omitempty"`    // stock.quant
	Moves     []int64 `json:"moves,omitempty"`     // stock.move
	Pickings  []int64 `json:"pickings,omitempty"`  // stock.picking
}

func (r *StockRequest) ids(model string) *[]int64 {
	switch model {
	case ModelProduct:
		return &r.Products
	case ModelTemplate:
		return &r.Templates
	case ModelQuant:
		return &r.Quants
	case ModelMove:
		return &r.Moves
	case ModelPicking:
		return &r.Pickings
	}
	return nil
}

// Add names records of a model; a model outside StockModels is refused.
func (r *StockRequest) Add(model string, ids ...int64) error {
	list := r.ids(model)
	if list == nil {
		return fmt.Errorf("model %q does not move stock; use one of %v", model, StockModels)
	}
	*list = sortedUnique(append(*list, ids...))
	return nil
}

// Merge adds every record of o.
func (r *StockRequest) Merge(o StockRequest) {
	r.All = r.All || o.All
	for _, model := range StockModels {
		_ = r.Add(model, *o.ids(model)...)
	}
}

// Size counts the records named (All counts as none).
func (r StockRequest) Size() int {
	n := 0
	for _, model := range StockModels {
		n += len(*r.ids(model))
	}
	return n
}

// Empty reports whether the request asks for nothing.
func (r StockRequest) Empty() bool { return !r.All && r.Size() == 0 }

// Equal reports whether both requests name the same records.
func (r StockRequest) Equal(o StockRequest) bool {
	if r.All != o.All {
		return false
	}
	for _, model := range StockModels {
		if !slices.Equal(*r.ids(model), *o.ids(model)) {
			return false
		}
	}
	return true
}
