package activities

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
)

// Side names one of the two systems as a catalog kind's master.
type Side string

const (
	SideOdoo     Side = "odoo"
	SideOpenCart Side = "opencart"
)

// sourceSide is the side a direction reads.
func sourceSide(dir mapping.Direction) Side {
	if dir == mapping.OpenCartToOdoo {
		return SideOpenCart
	}
	return SideOdoo
}

// title names a side in messages.
func (s Side) title() string {
	if s == SideOpenCart {
		return "OpenCart"
	}
	return "Odoo"
}

// CatalogKindSettings configure one stage's kind of record.
type CatalogKindSettings struct {
	// Master is the side whose change wins when both sides changed a record since it was last synced
	// (CATALOG_MASTER_<KIND>; default odoo). The other side's change is recorded as a failure.
	Master Side
	// Poll lists the directions the catalog poll runs for the kind (CATALOG_POLL_<KIND>: both (default),
	// odoo_to_opencart, opencart_to_odoo or off).
	Poll []mapping.Direction
}

// CatalogSettings configure the catalog sync. Activities read them from the environment for every page
// (they are a few variable look-ups), so bulk syncs, record syncs and polls always follow the same rules.
type CatalogSettings struct {
	Kinds map[Stage]CatalogKindSettings
	// PollInterval is how often the catalog poll runs (CATALOG_POLL_INTERVAL, default 1m).
	PollInterval time.Duration
	// PollOverlap re-reads changes this far before the last poll (CATALOG_POLL_OVERLAP, default 2m): it
	// absorbs clock differences between the worker, Odoo and the shop database, and transactions that
	// commit after they stamped their changes.
	PollOverlap time.Duration
	// VariantProducts writes configurable products as OpenCart 4 variant products
	// (CATALOG_OPENCART_VARIANTS=products; default options). It has no effect on OpenCart 3.
	VariantProducts bool
	// ImageDir is OpenCart's image/ folder (OPENCART_IMAGE_DIR); empty: images are not synced.
	ImageDir string
}

// Names of the catalog settings' environment variables.
const (
	envVariantsMode      = "CATALOG_OPENCART_VARIANTS"
	envImageDir          = "OPENCART_IMAGE_DIR"
	envPollInterval      = "CATALOG_POLL_INTERVAL"
	envPollOverlap       = "CATALOG_POLL_OVERLAP"
	envMasterPrefix      = "CATALOG_MASTER_"
	envPollPrefix        = "CATALOG_POLL_"
	defaultPollInterval  = time.Minute
	defaultPollOverlap   = 2 * time.Minute
	minimumPollInterval  = 5 * time.Second
	pollBothDirections   = "both"
	pollNoDirection      = "off"
	variantsModeOptions  = "options"
	variantsModeProducts = "products"
)

// envName is a stage's part of the variable names: CATALOG_MASTER_PRODUCTS and so on.
func (s Stage) envName() string { return strings.ToUpper(string(s)) }

// LoadCatalogSettings reads the catalog settings (lookup is os.LookupEnv in the worker). Every malformed
// variable is reported at once, by name.
func LoadCatalogSettings(lookup func(string) (string, bool)) (CatalogSettings, error) {
	var problems []string
	env := func(name string) (string, bool) {
		v, ok := lookup(name)
		v = strings.TrimSpace(v)
		return v, ok && v != ""
	}
	fail := func(name, format string, args ...any) {
		problems = append(problems, name+" "+fmt.Sprintf(format, args...))
	}
	s := CatalogSettings{Kinds: map[Stage]CatalogKindSettings{}, PollInterval: defaultPollInterval, PollOverlap: defaultPollOverlap}
	for _, stage := range Stages {
		k := CatalogKindSettings{Master: SideOdoo, Poll: []mapping.Direction{mapping.OdooToOpenCart, mapping.OpenCartToOdoo}}
		if v, ok := env(envMasterPrefix + stage.envName()); ok {
			k.Master = Side(strings.ToLower(v))
			if k.Master != SideOdoo && k.Master != SideOpenCart {
				fail(envMasterPrefix+stage.envName(), "must be %s or %s (got %q)", SideOdoo, SideOpenCart, v)
			}
		}
		if v, ok := env(envPollPrefix + stage.envName()); ok {
			switch dir := mapping.Direction(strings.ToLower(v)); {
			case dir == pollBothDirections:
			case dir == pollNoDirection:
				k.Poll = nil
			case dir.Valid():
				k.Poll = []mapping.Direction{dir}
			default:
				fail(envPollPrefix+stage.envName(), "must be %s, %s, %s or %s (got %q)", pollBothDirections,
					mapping.OdooToOpenCart, mapping.OpenCartToOdoo, pollNoDirection, v)
			}
		}
		s.Kinds[stage] = k
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
		min  time.Duration
	}{{envPollInterval, &s.PollInterval, minimumPollInterval}, {envPollOverlap, &s.PollOverlap, 0}} {
		if v, ok := env(d.name); ok {
			dur, err := time.ParseDuration(v)
			if err != nil || dur < d.min {
				fail(d.name, "must be a duration of at least %s such as 30s, 1m or 1h (got %q)", d.min, v)
			}
			*d.dst = dur
		}
	}
	switch v, _ := env(envVariantsMode); v {
	case "", variantsModeOptions:
	case variantsModeProducts:
		s.VariantProducts = true
	default:
		fail(envVariantsMode, "must be %s or %s (got %q)", variantsModeOptions, variantsModeProducts, v)
	}
	s.ImageDir, _ = env(envImageDir)
	if len(problems) > 0 {
		return CatalogSettings{}, fmt.Errorf("invalid catalog settings:\n  %s", strings.Join(problems, "\n  "))
	}
	return s, nil
}

// catalogSettings reads the settings for one page.
func catalogSettings() (CatalogSettings, error) { return LoadCatalogSettings(os.LookupEnv) }

// masterOf is the master side of a stage's records.
func (s CatalogSettings) masterOf(stage Stage) Side { return s.Kinds[stage].Master }
