// Package metrics exposes the bridge's Prometheus metrics: the Temporal SDK's own (through a
// client.MetricsHandler adapter) and the bridge's (records synced per kind and direction, webhook results,
// order latency, XML-RPC calls per model). Each process (worker, api) serves its own registry.
package metrics

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
)

// Registry is one process's metrics.
type Registry struct {
	reg *prometheus.Registry

	// RecordsSynced counts catalog/customer/order records by kind, direction and outcome
	// (created, updated, unchanged, failed).
	RecordsSynced *prometheus.CounterVec
	// Webhooks counts webhook requests by endpoint and HTTP status code.
	Webhooks *prometheus.CounterVec
	// OrderLatency observes seconds from the order's creation in the shop to its confirmation in Odoo.
	OrderLatency prometheus.Histogram

	sdk sdkVecs
}

// New returns a registry with Go runtime and process collectors and the bridge's metrics.
func New() *Registry {
	r := &Registry{reg: prometheus.NewRegistry()}
	r.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r.RecordsSynced = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bridge_records_synced_total", Help: "Records synced, by kind, direction and outcome.",
	}, []string{"kind", "direction", "outcome"})
	r.Webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bridge_webhooks_total", Help: "Webhook requests, by endpoint and HTTP status code.",
	}, []string{"endpoint", "code"})
	r.OrderLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "bridge_order_latency_seconds",
		Help:    "Seconds from an order's arrival at the bridge to its confirmed sale order in Odoo.",
		Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300},
	})
	r.reg.MustRegister(r.RecordsSynced, r.Webhooks, r.OrderLatency)
	r.sdk = sdkVecs{reg: r.reg, counters: map[string]*prometheus.CounterVec{}, gauges: map[string]*prometheus.GaugeVec{},
		timers: map[string]*prometheus.HistogramVec{}, labels: map[string][]string{}}
	return r
}

// Handler serves the registry in Prometheus' text format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{Registry: r.reg})
}

// Register adds a collector (e.g. XMLRPCCollector) to the registry.
func (r *Registry) Register(c prometheus.Collector) error { return r.reg.Register(c) }

// RequestCounter is what XMLRPCCollector reads: the Odoo client's per "model.method" counts.
type RequestCounter interface {
	Requests() map[string]int64
}

// XMLRPCCollector reports an Odoo client's calls as bridge_xmlrpc_requests_total{model,method}, read from
// the client's own counters at scrape time (the client keeps counting without knowing about Prometheus).
func XMLRPCCollector(c RequestCounter) prometheus.Collector { return xmlrpcCollector{c} }

var xmlrpcDesc = prometheus.NewDesc("bridge_xmlrpc_requests_total", "XML-RPC calls made to Odoo, by model and method.", []string{"model", "method"}, nil)

type xmlrpcCollector struct{ c RequestCounter }

func (x xmlrpcCollector) Describe(ch chan<- *prometheus.Desc) { ch <- xmlrpcDesc }

func (x xmlrpcCollector) Collect(ch chan<- prometheus.Metric) {
	for key, n := range x.c.Requests() {
		model, method := key, ""
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			model, method = key[:i], key[i+1:]
		}
		ch <- prometheus.MustNewConstMetric(xmlrpcDesc, prometheus.CounterValue, float64(n), model, method)
	}
}

// Temporal returns the adapter that the SDK's client and workers report through.
func (r *Registry) Temporal() client.MetricsHandler { return sdkHandler{vecs: &r.sdk} }

// sdkVecs holds one vector per SDK metric name. Prometheus needs a fixed label set per name; the SDK
// tags each metric consistently, so the first set seen is kept (later extra tags dropped, missing ones
// empty).
type sdkVecs struct {
	reg      *prometheus.Registry
	mu       sync.Mutex
	counters map[string]*prometheus.CounterVec
	gauges   map[string]*prometheus.GaugeVec
	timers   map[string]*prometheus.HistogramVec
	labels   map[string][]string
}

var invalidNameChars = regexp.MustCompile(`[^a-zA-Z0-9_]`)

func promName(name string) string { return invalidNameChars.ReplaceAllString(name, "_") }

// labelsFor fixes the label names of a metric on first use and returns the values for tags.
func (v *sdkVecs) labelsFor(name string, tags map[string]string) (names, values []string) {
	names, ok := v.labels[name]
	if !ok {
		for k := range tags {
			names = append(names, promName(k))
		}
		sort.Strings(names)
		v.labels[name] = names
	}
	byName := make(map[string]string, len(tags))
	for k, val := range tags {
		byName[promName(k)] = val
	}
	values = make([]string, len(names))
	for i, n := range names {
		values[i] = byName[n]
	}
	return names, values
}

type sdkHandler struct {
	vecs *sdkVecs
	tags map[string]string
}

func (h sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	return sdkHandler{vecs: h.vecs, tags: merged}
}

// vecFor returns the vector of an SDK metric and the label values of the handler's tags, creating and
// registering the vector on first use. ok is false when the registry refuses it (a name clash): the
// metric is then dropped rather than the SDK failing.
func vecFor[V prometheus.Collector](h sdkHandler, vecs map[string]V, name string, create func(name string, labels []string) V) (vec V, values []string, ok bool) {
	v := h.vecs
	v.mu.Lock()
	defer v.mu.Unlock()
	labels, values := v.labelsFor(name, h.tags)
	vec, ok = vecs[name]
	if !ok {
		vec = create(name, labels)
		if v.reg.Register(vec) != nil {
			return vec, nil, false
		}
		vecs[name] = vec
	}
	return vec, values, true
}

func (h sdkHandler) Counter(name string) client.MetricsCounter {
	vec, values, ok := vecFor(h, h.vecs.counters, promName(name), func(n string, labels []string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: n, Help: "Temporal SDK counter " + n}, labels)
	})
	if !ok {
		return nopMetric{}
	}
	c := vec.WithLabelValues(values...)
	return counterFunc(func(d int64) { c.Add(float64(d)) })
}

func (h sdkHandler) Gauge(name string) client.MetricsGauge {
	vec, values, ok := vecFor(h, h.vecs.gauges, promName(name), func(n string, labels []string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: n, Help: "Temporal SDK gauge " + n}, labels)
	})
	if !ok {
		return nopMetric{}
	}
	return gaugeFunc(vec.WithLabelValues(values...).Set)
}

func (h sdkHandler) Timer(name string) client.MetricsTimer {
	vec, values, ok := vecFor(h, h.vecs.timers, promName(name)+"_seconds", func(n string, labels []string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: n, Help: "Temporal SDK timer " + n}, labels)
	})
	if !ok {
		return nopMetric{}
	}
	o := vec.WithLabelValues(values...)
	return timerFunc(func(d time.Duration) { o.Observe(d.Seconds()) })
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }

type nopMetric struct{}

func (nopMetric) Inc(int64)            {}
func (nopMetric) Update(float64)       {}
func (nopMetric) Record(time.Duration) {}
