package activities_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

// With CATALOG_OPENCART_VARIANTS=products an OpenCart 4 shop gets a master product per configurable
// template and one variant product per Odoo variant, with master_id, variant and override JSON as
// OpenCart's admin writes them, and the variant's own model, price and stock. (Not parallel: it sets
// the environment.)
func TestOdooToOpenCartVariantProducts(t *testing.T) {
	t.Setenv(activities.EnvCatalogVariantsMode, "products")
	b := newO2OCBed(t, "4.1.0.4", 18)
	if err := b.Sim.SeedCatalog(smallCatalog); err != nil {
		t.Fatal(err)
	}
	first := b.syncAll(t, newRun("first"))
	if r := first[activities.StageProducts]; r.Failed != 0 || r.Created != r.Read {
		t.Fatalf("products: %+v", r)
	}
	configurable := 0
	for _, tmpl := range b.odoo(t, "product.template", []any{[]any{"attribute_line_ids", "!=", false}}, "list_price") {
		configurable++
		master := b.product(t, id(tmpl["id"]))
		if master.MasterID != 0 || len(master.Options) != 2 {
			t.Fatalf("template %v: master %+v", tmpl["id"], master.Product)
		}
		povOption := map[string]int{} // product_option_value_id → option_id; product_option_id → option_id
		for i, o := range master.Options {
			povOption["po"+strconv.Itoa(master.OptionKeys[i].ProductOptionID)] = o.OptionID
			for j, v := range o.Values {
				povOption[strconv.Itoa(master.OptionKeys[i].ValueIDs[j])] = v.OptionValueID
				if v.Price != 0 || v.Quantity != 0 || v.Subtract {
					t.Errorf("master %d offers value %d with its own price or stock: %+v", master.ID, v.OptionValueID, v)
				}
			}
		}
		for _, variant := range b.odoo(t, "product.product", []any{[]any{"product_tmpl_id", "=", id(tmpl["id"])}},
			"default_code", "lst_price", "qty_available", "product_template_attribute_value_ids") {
			productID, _ := strconv.Atoi(b.mapped(t, mapping.KindVariant, id(variant["id"])))
			list, err := b.Shop.ProductsByID(t.Context(), []int{productID})
			if err != nil || len(list) != 1 {
				t.Fatalf("variant product %d: %v", productID, err)
			}
			v := list[0]
			if v.MasterID != master.ID || v.Model != variant["default_code"] || !near(v.Price, variant["lst_price"].(float64)) ||
				v.Quantity != int(variant["qty_available"].(float64)) || !v.Status {
				t.Errorf("variant %v: product %+v (master %d)", variant["id"], v.Product, v.MasterID)
			}
			var wantValues []int
			for _, ptav := range ids(variant["product_template_attribute_value_ids"]) {
				value := b.odoo(t, "product.template.attribute.value", []any{[]any{"id", "=", ptav}}, "product_attribute_value_id")[0]
				valueID, _ := strconv.Atoi(b.mapped(t, mapping.KindAttributeValue, id(value["product_attribute_value_id"])))
				wantValues = append(wantValues, valueID)
			}
			var gotValues []int
			for _, c := range v.Variant {
				if _, ok := povOption["po"+strconv.Itoa(c.ProductOptionID)]; !ok || len(c.Values) != 1 {
					t.Errorf("variant product %d: choice %+v is not one of the master's product options", v.ID, c)
					continue
				}
				gotValues = append(gotValues, povOption[c.Values[0]])
			}
			slices.Sort(wantValues)
			slices.Sort(gotValues)
			if !slices.Equal(gotValues, wantValues) {
				t.Errorf("variant product %d chooses option values %v, want %v", v.ID, gotValues, wantValues)
			}
			var override map[string]any
			if err := json.Unmarshal(v.Override, &override); err != nil || override["model"] != "1" || override["price"] != "1" || override["variant"] == nil {
				t.Errorf("variant product %d: override %s (%v)", v.ID, v.Override, err)
			}
		}
	}
	if configurable < 3 {
		t.Fatalf("%d configurable templates; too few to tell", configurable)
	}
	sum := b.checksum(t)
	again := b.syncAll(t, newRun("second"))
	if r := again[activities.StageProducts]; r.Unchanged != r.Read || b.checksum(t) != sum {
		t.Errorf("second run: %+v; the shop changed: %v", r, b.checksum(t) != sum)
	}

	// Back to options: the products are rewritten with per-value stock, the variants are re-paired.
	t.Setenv(activities.EnvCatalogVariantsMode, "options")
	back := b.syncStage(t, newRun("options"), activities.StageProducts)
	if back.Updated != configurable || back.Failed != 0 {
		t.Errorf("switching to options: %+v, want the %d configurable products updated", back, configurable)
	}
	b.checkProducts(t)
}

// With OPENCART_IMAGE_DIR set, a template's image is written under catalog/bridge/ and becomes the
// product image. (Not parallel: it sets the environment.)
func TestOdooToOpenCartImages(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(activities.EnvOpenCartImageDir, dir)
	b := newO2OCBed(t, "3.0.4.1", 16)
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	withImage := b.createOdoo(t, "product.template", map[string]any{"name": "Pictured", "default_code": "IMG-1", "list_price": 5.0,
		"image_1920": base64.StdEncoding.EncodeToString(buf.Bytes())})
	without := b.createTemplate(t, "Not pictured", "IMG-2", 5, "")
	if r := b.syncAll(t, newRun("images"))[activities.StageProducts]; r.Failed != 0 {
		t.Fatalf("products: %+v", r)
	}
	p := b.product(t, withImage)
	want := "catalog/bridge/" + strconv.FormatInt(withImage, 10) + ".png"
	if p.Image != want {
		t.Fatalf("product image %q, want %q", p.Image, want)
	}
	data, err := os.ReadFile(filepath.Join(dir, want))
	if err != nil || !bytes.Equal(data, buf.Bytes()) {
		t.Errorf("image file: %d bytes (%v), want the %d bytes of the Odoo image", len(data), err, buf.Len())
	}
	if p := b.product(t, without); p.Image != "" {
		t.Errorf("a product without image got %q", p.Image)
	}
}
