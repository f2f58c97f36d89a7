package activities

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ocbridge/bridge/pkg/mapping"
)

// OrderAction is one step an OpenCart order status asks of the Odoo sale order.
type OrderAction string

const (
	ActionConfirm OrderAction = "confirm" // quotation → sales order (creates the delivery)
	ActionDeliver OrderAction = "deliver" // validate the open deliveries
	ActionInvoice OrderAction = "invoice" // invoice what is invoiceable and post it
	ActionPay     OrderAction = "pay"     // register the payment of the posted invoices
	ActionCancel  OrderAction = "cancel"  // cancel the sales order
)

// actionOrder is the order the actions of one status run in, whatever order the setting lists them:
// an order is confirmed before it is delivered, invoiced before it is paid.
var actionOrder = []OrderAction{ActionConfirm, ActionDeliver, ActionInvoice, ActionPay, ActionCancel}

// Milestone is how far an order has come in Odoo, as the OpenCart status write-back sees it.
type Milestone string

const (
	MilestoneNone      Milestone = ""
	MilestoneInvoiced  Milestone = "invoiced"  // a posted customer invoice exists
	MilestonePaid      Milestone = "paid"      // every posted invoice is paid (or in payment)
	MilestoneShipped   Milestone = "shipped"   // every delivery is done
	MilestoneDone      Milestone = "done"      // paid and shipped
	MilestoneCancelled Milestone = "cancelled" // the sales order is cancelled
)

var milestones = []Milestone{MilestoneInvoiced, MilestonePaid, MilestoneShipped, MilestoneDone, MilestoneCancelled}

// MissingPolicy says what an order does when a reference mapping (tax, carrier, payment method, currency)
// is missing and nothing in Odoo matches it unambiguously.
type MissingPolicy string

const (
	// PolicyCreate creates the record in Odoo (a currency is activated) and maps it.
	PolicyCreate MissingPolicy = "create"
	// PolicyMap makes the order wait until someone adds the mapping (the mapping API signals it).
	PolicyMap MissingPolicy = "map"
)

// policyKinds are the kinds a missing-mapping policy applies to.
var policyKinds = []mapping.Kind{mapping.KindTax, mapping.KindCarrier, mapping.KindPaymentMethod, mapping.KindCurrency}

// OrderSettings configure order and customer sync. Build them with DefaultOrderSettings or
// LoadOrderSettings: the zero value has no status map and no tolerance.
type OrderSettings struct {
	// StatusActions maps an OpenCart order status id to the Odoo actions it asks for (ORDER_STATUS_MAP).
	// Statuses absent from the map change nothing in Odoo.
	StatusActions map[int][]OrderAction
	// WriteBack maps an Odoo milestone to the OpenCart status written back (ODOO_STATUS_MAP). Milestones
	// absent from the map are not written back.
	WriteBack map[Milestone]int
	// Policies per reference kind (ORDER_MISSING_MAPPING); kinds absent use PolicyMap.
	Policies map[mapping.Kind]MissingPolicy
	// TotalTolerance is how far Odoo's total and tax may differ from OpenCart's before the order is held
	// for review (ORDER_TOTAL_TOLERANCE), in the order's currency.
	TotalTolerance float64
	// Products of the lines made from order totals: an Odoo external id (module.name) or a database id.
	// Empty ShippingProduct uses the carrier's own delivery product; the others default to service
	// products the bridge creates once (external ids opencart.product_coupon, _voucher, _fee).
	ShippingProduct string // ORDER_SHIPPING_PRODUCT
	CouponProduct   string // ORDER_COUPON_PRODUCT: coupon and reward-point discounts
	VoucherProduct  string // ORDER_VOUCHER_PRODUCT: gift vouchers and store credit
	FeeProduct      string // ORDER_FEE_PRODUCT: every other total (handling, low-order fee, ...)
	// PollInterval is how often the catch-up poll reads new OpenCart order history (ORDER_POLL_INTERVAL).
	PollInterval time.Duration
	// OdooPollInterval is how often sale orders changed in Odoo are polled (ODOO_ORDER_POLL_INTERVAL).
	OdooPollInterval time.Duration
	// PollStart is where the first catch-up poll starts: "latest" (only history written from then on) or
	// an order_history_id to start after (ORDER_POLL_START; "0" reads the whole history).
	PollStart string
	// MappingRecheck is how often an order waiting for a mapping looks again without being signalled
	// (ORDER_MAPPING_RECHECK): a safety net for a signal sent before the wait was visible.
	MappingRecheck time.Duration

	// memo keeps Odoo reference ids (pricelists, delivery products, single variants) for a few minutes
	// so that an order does not pay a lookup for each; nil disables it.
	memo *referenceMemo
}

// Defaults of the order settings, in the form of their environment variables.
const (
	DefaultStatusMap      = "1=confirm,2=confirm,15=confirm,3=confirm+deliver,5=confirm+deliver+invoice+pay,7=cancel,8=cancel,10=cancel,14=cancel,16=cancel"
	DefaultWriteBackMap   = "paid=15,shipped=3,done=5,cancelled=7"
	DefaultMissingMapping = "tax=map,carrier=create,payment_method=create,currency=create"
	DefaultTotalTolerance = 0.01
	DefaultPollInterval   = 30 * time.Second
	DefaultOdooPoll       = time.Minute
	DefaultMappingRecheck = 10 * time.Minute
)

// DefaultOrderSettings are the settings with every variable unset.
func DefaultOrderSettings() OrderSettings {
	s, err := LoadOrderSettings(func(string) (string, bool) { return "", false })
	if err != nil {
		panic("activities: default order settings do not parse: " + err.Error())
	}
	return s
}

// LoadOrderSettings reads the order settings from environment variables (lookup is os.LookupEnv in the
// worker). Every malformed variable is reported at once, by name.
func LoadOrderSettings(lookup func(string) (string, bool)) (OrderSettings, error) {
	env := func(name, def string) string {
		if v, ok := lookup(name); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	var problems []string
	fail := func(name string, err error) {
		if err != nil {
			problems = append(problems, name+" "+err.Error())
		}
	}
	s := OrderSettings{
		ShippingProduct: env("ORDER_SHIPPING_PRODUCT", ""),
		CouponProduct:   env("ORDER_COUPON_PRODUCT", ""),
		VoucherProduct:  env("ORDER_VOUCHER_PRODUCT", ""),
		FeeProduct:      env("ORDER_FEE_PRODUCT", ""),
		PollStart:       env("ORDER_POLL_START", "latest"),
		memo:            newReferenceMemo(5 * time.Minute),
	}
	var err error
	s.StatusActions, err = parseStatusMap(env("ORDER_STATUS_MAP", DefaultStatusMap))
	fail("ORDER_STATUS_MAP", err)
	s.WriteBack, err = parseWriteBackMap(env("ODOO_STATUS_MAP", DefaultWriteBackMap))
	fail("ODOO_STATUS_MAP", err)
	s.Policies, err = parsePolicies(env("ORDER_MISSING_MAPPING", DefaultMissingMapping))
	fail("ORDER_MISSING_MAPPING", err)
	s.TotalTolerance, err = strconv.ParseFloat(env("ORDER_TOTAL_TOLERANCE", strconv.FormatFloat(DefaultTotalTolerance, 'f', -1, 64)), 64)
	if err != nil || s.TotalTolerance < 0 {
		fail("ORDER_TOTAL_TOLERANCE", fmt.Errorf("must be a non-negative amount such as 0.01"))
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
		def  time.Duration
	}{
		{"ORDER_POLL_INTERVAL", &s.PollInterval, DefaultPollInterval},
		{"ODOO_ORDER_POLL_INTERVAL", &s.OdooPollInterval, DefaultOdooPoll},
		{"ORDER_MAPPING_RECHECK", &s.MappingRecheck, DefaultMappingRecheck},
	} {
		*d.dst, err = time.ParseDuration(env(d.name, d.def.String()))
		if err != nil || *d.dst < time.Second {
			fail(d.name, fmt.Errorf("must be a duration of at least 1s such as 30s or 5m"))
		}
	}
	if s.PollStart != "latest" {
		if n, err := strconv.Atoi(s.PollStart); err != nil || n < 0 {
			fail("ORDER_POLL_START", fmt.Errorf("must be latest or an order_history_id (0 reads the whole history)"))
		}
	}
	if len(problems) > 0 {
		return OrderSettings{}, fmt.Errorf("invalid order settings:\n  %s", strings.Join(problems, "\n  "))
	}
	return s, nil
}

// Policy returns the missing-mapping policy of a kind.
func (s OrderSettings) Policy(kind mapping.Kind) MissingPolicy {
	if p, ok := s.Policies[kind]; ok {
		return p
	}
	return PolicyMap
}

// Actions returns the actions of an OpenCart status, in the order they run.
func (s OrderSettings) Actions(statusID int) []OrderAction {
	return s.StatusActions[statusID]
}

// parseStatusMap reads "1=confirm,3=confirm+deliver,7=cancel".
func parseStatusMap(v string) (map[int][]OrderAction, error) {
	out := map[int][]OrderAction{}
	err := eachPair(v, func(key, value string) error {
		id, err := strconv.Atoi(key)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not an OpenCart order status id", key)
		}
		var acts []OrderAction
		for _, a := range strings.Split(value, "+") {
			act := OrderAction(strings.TrimSpace(a))
			if !slices.Contains(actionOrder, act) {
				return fmt.Errorf("status %d: action %q is not one of %v", id, act, actionOrder)
			}
			acts = append(acts, act)
		}
		sort.Slice(acts, func(i, j int) bool {
			return slices.Index(actionOrder, acts[i]) < slices.Index(actionOrder, acts[j])
		})
		out[id] = slices.Compact(acts)
		return nil
	})
	return out, err
}

// parseWriteBackMap reads "paid=15,shipped=3,done=5,cancelled=7".
func parseWriteBackMap(v string) (map[Milestone]int, error) {
	out := map[Milestone]int{}
	err := eachPair(v, func(key, value string) error {
		m := Milestone(key)
		if !slices.Contains(milestones, m) {
			return fmt.Errorf("%q is not one of %v", key, milestones)
		}
		id, err := strconv.Atoi(value)
		if err != nil || id <= 0 {
			return fmt.Errorf("%s: %q is not an OpenCart order status id", key, value)
		}
		out[m] = id
		return nil
	})
	return out, err
}

// parsePolicies reads "tax=map,carrier=create".
func parsePolicies(v string) (map[mapping.Kind]MissingPolicy, error) {
	out := map[mapping.Kind]MissingPolicy{}
	err := eachPair(v, func(key, value string) error {
		kind := mapping.Kind(key)
		if !slices.Contains(policyKinds, kind) {
			return fmt.Errorf("%q is not one of %v", key, policyKinds)
		}
		p := MissingPolicy(value)
		if p != PolicyCreate && p != PolicyMap {
			return fmt.Errorf("%s: policy %q is not %s or %s", key, value, PolicyCreate, PolicyMap)
		}
		out[kind] = p
		return nil
	})
	return out, err
}

// eachPair splits "k=v,k=v" and calls fn for each pair; "" is an empty list.
func eachPair(v string, fn func(key, value string) error) error {
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, value, ok := strings.Cut(item, "=")
		if !ok {
			return fmt.Errorf("%q is not key=value", item)
		}
		if err := fn(strings.TrimSpace(key), strings.TrimSpace(value)); err != nil {
			return err
		}
	}
	return nil
}
