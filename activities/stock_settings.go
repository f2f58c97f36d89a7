package activities

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ocbridge/bridge/pkg/odoo"
)

// StockQuantity names the Odoo quantity the shop shows (STOCK_QUANTITY). The rule behind each is in
// docs/inventory.md; the default, QuantityFree, neither oversells nor counts a shop order twice.
type StockQuantity string

const (
	// QuantityFree is what Odoo can still promise: on hand minus reserved (free_qty), and never more than
	// the forecast (virtual_available), so that confirmed orders Odoo has not reserved yet (Odoo ≤ 14
	// reserves on availability checks, 15+ by date when so configured) are not sold twice.
	QuantityFree StockQuantity = "free"
	// QuantityOnHand is qty_available: physically in stock, reservations included.
	QuantityOnHand StockQuantity = "on_hand"
	// QuantityForecast is virtual_available: on hand plus incoming minus outgoing moves.
	QuantityForecast StockQuantity = "forecast"
)

var stockQuantities = []StockQuantity{QuantityFree, QuantityOnHand, QuantityForecast}

// odooFields are the product.product quantity fields the rule reads.
func (q StockQuantity) odooFields() []string {
	switch q {
	case QuantityOnHand:
		return []string{"qty_available"}
	case QuantityForecast:
		return []string{"virtual_available"}
	}
	return []string{"free_qty", "virtual_available"}
}

// of reads the quantity of the rule from a variant record holding odooFields.
func (q StockQuantity) of(v odoo.Record) float64 {
	switch q {
	case QuantityOnHand:
		return v.Float("qty_available")
	case QuantityForecast:
		return v.Float("virtual_available")
	}
	return min(v.Float("free_qty"), v.Float("virtual_available"))
}

// StockSettings configure the Odoo → OpenCart stock sync. Zero fields mean their defaults, so an
// Activities value built without LoadStockSettings (the test bed's) behaves as with every variable unset.
type StockSettings struct {
	Quantity StockQuantity // STOCK_QUANTITY: free (default), on_hand or forecast
	// Where quantities are counted: a warehouse (STOCK_WAREHOUSE_ID) and/or a location and its children
	// (STOCK_LOCATION_ID); 0 = every internal location of the company.
	WarehouseID int64
	LocationID  int64
	// PollInterval is how often the schedule looks for stock changes in Odoo (STOCK_POLL_INTERVAL).
	PollInterval time.Duration
	// PollOverlap re-reads changes this far behind the last one seen (STOCK_POLL_OVERLAP): Odoo stamps
	// write_date when a transaction starts, so a long transaction commits changes "in the past".
	PollOverlap time.Duration
	// FullSyncInterval is how often every mapped product is compared with Odoo and corrected
	// (STOCK_FULL_SYNC_INTERVAL): products the catalog sync created or rewrote since, and any drift.
	// Negative ("off") disables it.
	FullSyncInterval time.Duration
	// OdooBatch is how many records one Odoo read returns: changed quants and moves per page, product
	// templates per quantity read (STOCK_ODOO_BATCH).
	OdooBatch int
	// ShopBatch is how many products one shop read covers and how many levels one shop transaction
	// writes (STOCK_SHOP_BATCH).
	ShopBatch int
	// PendingOrderMaxAge bounds how long a shop order that never reached Odoo keeps its quantities held
	// back (STOCK_PENDING_ORDER_MAX_AGE); older ones are reported and no longer held.
	PendingOrderMaxAge time.Duration
	// Worker limits every activity of the worker, stock or not.
	Worker WorkerLimits
}

// WorkerLimits keep a storm of work (stock changes, a bulk sync, an order backlog) from overloading Odoo
// and the shop database. They are worker options, so they cover every activity on the task queue.
type WorkerLimits struct {
	// ActivitiesPerSecond is enforced by Temporal across all workers of the task queue
	// (WORKER_ACTIVITIES_PER_SECOND, worker.Options.TaskQueueActivitiesPerSecond).
	ActivitiesPerSecond float64
	// MaxConcurrentActivities is per worker (WORKER_MAX_CONCURRENT_ACTIVITIES,
	// worker.Options.MaxConcurrentActivityExecutionSize).
	MaxConcurrentActivities int
}

// Defaults of the stock settings.
const (
	DefaultStockPollInterval     = 5 * time.Second
	DefaultStockPollOverlap      = 10 * time.Second
	DefaultStockFullSyncInterval = time.Hour
	DefaultStockOdooBatch        = 500
	DefaultStockShopBatch        = 500
	DefaultPendingOrderMaxAge    = 7 * 24 * time.Hour
	// The worker limits leave room for an order burst (about five activities per order at 50 orders/s);
	// what keeps Odoo itself from overload is the client's pool (ODOO_POOL_SIZE calls at once per worker).
	DefaultWorkerActivitiesPerSec     = 300
	DefaultWorkerConcurrentActivities = 32
	maxStockBatch                     = 5000
)

// DefaultStockSettings are the settings with every variable unset.
func DefaultStockSettings() StockSettings { return StockSettings{}.withDefaults() }

// withDefaults fills the zero fields.
func (s StockSettings) withDefaults() StockSettings {
	if s.Quantity == "" {
		s.Quantity = QuantityFree
	}
	if s.PollInterval <= 0 {
		s.PollInterval = DefaultStockPollInterval
	}
	if s.PollOverlap == 0 {
		s.PollOverlap = DefaultStockPollOverlap
	}
	if s.FullSyncInterval == 0 {
		s.FullSyncInterval = DefaultStockFullSyncInterval
	}
	if s.OdooBatch <= 0 {
		s.OdooBatch = DefaultStockOdooBatch
	}
	if s.ShopBatch <= 0 {
		s.ShopBatch = DefaultStockShopBatch
	}
	if s.PendingOrderMaxAge <= 0 {
		s.PendingOrderMaxAge = DefaultPendingOrderMaxAge
	}
	if s.Worker.ActivitiesPerSecond <= 0 {
		s.Worker.ActivitiesPerSecond = DefaultWorkerActivitiesPerSec
	}
	if s.Worker.MaxConcurrentActivities <= 0 {
		s.Worker.MaxConcurrentActivities = DefaultWorkerConcurrentActivities
	}
	return s
}

// LoadStockSettings reads the stock settings from environment variables (lookup is os.LookupEnv in the
// worker). Every malformed variable is reported at once, by name.
func LoadStockSettings(lookup func(string) (string, bool)) (StockSettings, error) {
	var problems []string
	env := func(name string) (string, bool) {
		v, ok := lookup(name)
		v = strings.TrimSpace(v)
		return v, ok && v != ""
	}
	fail := func(name, format string, args ...any) {
		problems = append(problems, name+" "+fmt.Sprintf(format, args...))
	}
	var s StockSettings
	if v, ok := env("STOCK_QUANTITY"); ok {
		s.Quantity = StockQuantity(v)
		if !slices.Contains(stockQuantities, s.Quantity) {
			fail("STOCK_QUANTITY", "must be one of %v (got %q)", stockQuantities, v)
		}
	}
	for _, id := range []struct {
		name string
		dst  *int64
	}{{"STOCK_WAREHOUSE_ID", &s.WarehouseID}, {"STOCK_LOCATION_ID", &s.LocationID}} {
		if v, ok := env(id.name); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				fail(id.name, "must be the positive database id of the Odoo record (got %q)", v)
			}
			*id.dst = n
		}
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
		min  time.Duration
	}{
		{"STOCK_POLL_INTERVAL", &s.PollInterval, time.Second},
		{"STOCK_FULL_SYNC_INTERVAL", &s.FullSyncInterval, time.Minute},
		{"STOCK_PENDING_ORDER_MAX_AGE", &s.PendingOrderMaxAge, time.Hour},
	} {
		v, ok := env(d.name)
		switch {
		case !ok:
		case v == "off" && d.dst == &s.FullSyncInterval:
			s.FullSyncInterval = -1
		default:
			dur, err := time.ParseDuration(v)
			if err != nil || dur < d.min {
				fail(d.name, "must be a duration of at least %s such as 5s, 10m or 168h (got %q)", d.min, v)
			}
			*d.dst = dur
		}
	}
	if v, ok := env("STOCK_POLL_OVERLAP"); ok {
		dur, err := time.ParseDuration(v)
		if err != nil || dur < 0 {
			fail("STOCK_POLL_OVERLAP", "must be a duration such as 10s, or 0s for none (got %q)", v)
		}
		s.PollOverlap = dur
		if dur == 0 {
			s.PollOverlap = -1 // zero would mean "default"
		}
	}
	for _, n := range []struct {
		name string
		dst  *int
		max  int
	}{
		{"STOCK_ODOO_BATCH", &s.OdooBatch, maxStockBatch},
		{"STOCK_SHOP_BATCH", &s.ShopBatch, maxStockBatch},
		{"WORKER_MAX_CONCURRENT_ACTIVITIES", &s.Worker.MaxConcurrentActivities, 1000},
	} {
		if v, ok := env(n.name); ok {
			i, err := strconv.Atoi(v)
			if err != nil || i < 1 || i > n.max {
				fail(n.name, "must be a whole number from 1 to %d (got %q)", n.max, v)
			}
			*n.dst = i
		}
	}
	if v, ok := env("WORKER_ACTIVITIES_PER_SECOND"); ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			fail("WORKER_ACTIVITIES_PER_SECOND", "must be a positive number such as 50 or 0.5 (got %q)", v)
		}
		s.Worker.ActivitiesPerSecond = f
	}
	if len(problems) > 0 {
		return StockSettings{}, fmt.Errorf("invalid stock settings:\n  %s", strings.Join(problems, "\n  "))
	}
	return s.withDefaults(), nil
}

// overlap is PollOverlap with "none" (-1) as zero.
func (s StockSettings) overlap() time.Duration { return max(s.PollOverlap, 0) }
