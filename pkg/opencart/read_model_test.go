package opencart

import (
	"context"
	"reflect"
	"testing"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

// ProductIDsByModel finds products by model as the shop's collation compares them (case and trailing
// spaces aside), escaped text included, on every OpenCart version's real schema.
func TestProductIDsByModel(t *testing.T) {
	for _, version := range octest.Versions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openShop(t, version)
			lang := db.DefaultLanguageID()
			named := func(model string) Product {
				return Product{Model: model, Status: true, Descriptions: map[int]ProductDescription{lang: {Name: model}}}
			}
			written, err := db.UpsertProducts(ctx, []Product{named("SKU-1"), named("sku-1"), named(`A&B "x"`), named("Product 1 copy")})
			if err != nil {
				t.Fatal(err)
			}
			id := func(i int) int { return written[i].ProductID }

			got, err := db.ProductIDsByModel(ctx, []string{"SKU-1 ", "Product 1", `A&B "x"`, "nobody has this", "", "SKU-1"})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]int{
				"SKU-1":     {id(0)},
				"sku-1":     {id(1)},
				`A&B "x"`:   {id(2)},
				"Product 1": {28}, // the demo's HTC Touch HD; "Product 1 copy" is another model
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ProductIDsByModel = %v, want %v", got, want)
			}

			none, err := db.ProductIDsByModel(ctx, nil)
			if err != nil || len(none) != 0 {
				t.Errorf("no models: %v, %v; want an empty answer", none, err)
			}
		})
	}
}

// Lookups of more models than one statement takes are split, and still answer each model.
func TestProductIDsByModelSplitsLongLists(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openShop(t, "3.0.4.1")
	models := make([]string, modelBatch+5)
	for i := range models {
		models[i] = "missing-" + itoa(i)
	}
	models[modelBatch+3] = "Product 4" // the demo's Nikon D300, in the second statement
	got, err := db.ProductIDsByModel(ctx, models)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]int{"Product 4": {31}}; !reflect.DeepEqual(got, want) {
		t.Errorf("ProductIDsByModel over %d models = %v, want %v", len(models), got, want)
	}
}
