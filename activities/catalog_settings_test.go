package activities

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
)

func catalogEnv(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestCatalogSettingsDefaults(t *testing.T) {
	s, err := LoadCatalogSettings(catalogEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	both := []mapping.Direction{mapping.OdooToOpenCart, mapping.OpenCartToOdoo}
	for _, stage := range Stages {
		if k := s.Kinds[stage]; k.Master != SideOdoo || !slices.Equal(k.Poll, both) {
			t.Errorf("%s: %+v, want Odoo as master and both directions polled", stage, k)
		}
	}
	if s.PollInterval != time.Minute || s.PollOverlap != 2*time.Minute || s.VariantProducts || s.ImageDir != "" {
		t.Errorf("defaults %+v", s)
	}
}

func TestCatalogSettingsFromEnvironment(t *testing.T) {
	s, err := LoadCatalogSettings(catalogEnv(map[string]string{
		"CATALOG_MASTER_PRODUCTS": "OpenCart", "CATALOG_POLL_PRODUCTS": "opencart_to_odoo", "CATALOG_POLL_ATTRIBUTES": "off",
		"CATALOG_POLL_CATEGORIES": " both ", "CATALOG_POLL_INTERVAL": "30s", "CATALOG_POLL_OVERLAP": "0s",
		"CATALOG_OPENCART_VARIANTS": "products", "OPENCART_IMAGE_DIR": "/var/www/image",
	}))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case s.masterOf(StageProducts) != SideOpenCart || s.masterOf(StageCategories) != SideOdoo:
		t.Errorf("masters %+v", s.Kinds)
	case !slices.Equal(s.Kinds[StageProducts].Poll, []mapping.Direction{mapping.OpenCartToOdoo}) || len(s.Kinds[StageAttributes].Poll) != 0 ||
		len(s.Kinds[StageCategories].Poll) != 2:
		t.Errorf("polled directions %+v", s.Kinds)
	case s.PollInterval != 30*time.Second || s.PollOverlap != 0 || !s.VariantProducts || s.ImageDir != "/var/www/image":
		t.Errorf("settings %+v", s)
	}
}

// Every malformed variable is named at once, with what it must be.
func TestCatalogSettingsReportEveryProblem(t *testing.T) {
	_, err := LoadCatalogSettings(catalogEnv(map[string]string{
		"CATALOG_MASTER_CATEGORIES": "erp", "CATALOG_POLL_PRODUCTS": "sideways", "CATALOG_POLL_INTERVAL": "1s",
		"CATALOG_POLL_OVERLAP": "soon", "CATALOG_OPENCART_VARIANTS": "both",
	}))
	if err == nil {
		t.Fatal("malformed settings were accepted")
	}
	for _, name := range []string{"CATALOG_MASTER_CATEGORIES must be odoo or opencart", "CATALOG_POLL_PRODUCTS must be both",
		"CATALOG_POLL_INTERVAL must be a duration of at least 5s", "CATALOG_POLL_OVERLAP", "CATALOG_OPENCART_VARIANTS must be options or products"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not say %q", err, name)
		}
	}
}

// The sync rule: what a direction does with a record, from its pair's fingerprints and both sides'.
func TestSyncRuleDecides(t *testing.T) {
	src, tgt, other := contentFingerprint("source now"), contentFingerprint("target now"), contentFingerprint("as stored")
	old := mapping.Fingerprint("an earlier version's digest")
	pair := func(odooFP, openCartFP string) *mapping.Mapping {
		return &mapping.Mapping{OdooFingerprint: odooFP, OpenCartFingerprint: openCartFP}
	}
	fromOdoo := syncRule{dir: mapping.OdooToOpenCart, master: SideOdoo}
	fromShop := syncRule{dir: mapping.OpenCartToOdoo, master: SideOdoo}
	cases := []struct {
		name     string
		rule     syncRule
		prior    *mapping.Mapping
		src, tgt string
		want     action
	}{
		{"new, no target", fromOdoo, nil, src, "", actWrite},
		{"new, target agrees", fromOdoo, nil, src, src, actStore},
		{"new, target differs", fromOdoo, nil, src, tgt, actWrite},
		{"source as stored", fromOdoo, pair(src, other), src, tgt, actNone},
		{"source as stored (shop side)", fromShop, pair(other, src), src, tgt, actNone},
		{"only the source changed", fromOdoo, pair(other, tgt), src, tgt, actWrite},
		{"both changed alike", fromOdoo, pair(other, other), src, src, actStore},
		{"both changed, source is the master", fromOdoo, pair(other, other), src, tgt, actOverride},
		{"both changed, target is the master", fromShop, pair(other, other), src, tgt, actYield},
		{"target gone", fromOdoo, pair(other, other), src, "", actWrite},
		{"pair of an earlier version", fromOdoo, pair(old, old), src, tgt, actWrite},
		{"pair of an earlier version, sides agree", fromShop, pair(old, old), src, src, actStore},
		{"stored under other settings", fromOdoo, pair(other, schemeFingerprint("v", "x")), src, tgt, actWrite},
	}
	for _, c := range cases {
		if got := c.rule.decide(c.prior, c.src, c.tgt); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// Option types and attribute modes correspond both ways: checkbox ⇄ no_variant.
func TestOptionTypesRoundTrip(t *testing.T) {
	for _, typ := range []string{"select", "radio", "checkbox"} {
		for _, multi := range []bool{false, true} {
			createVariant, display := attributeMode(typ, multi)
			if back := optionType(display, createVariant); back != typ {
				t.Errorf("%s → %s/%s → %s", typ, createVariant, display, back)
			}
		}
	}
	if optionType("pills", "always") != "select" || optionType("multi", "no_variant") != "checkbox" || optionType("radio", "dynamic") != "radio" {
		t.Error("Odoo's other display types must map to select, and no_variant to checkbox")
	}
}
