package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the service's Prometheus series.
type metrics struct {
	requests    *prometheus.CounterVec   // by endpoint and HTTP code
	latency     *prometheus.HistogramVec // by endpoint
	results     prometheus.Histogram     // rows per successful search
	errors      *prometheus.CounterVec   // by kind
	loginChecks prometheus.Counter       // /autorizacao passwords compared (admitted by the guard)
	fallback    *prometheus.CounterVec   // TOTVS fallback searches, by outcome (found, empty, error)
	handler     http.Handler             // serves /metrics

	byEndpoint map[string]*endpointMetrics // the series of each endpoint, resolved once
}

// endpointMetrics are one endpoint's series, looked up once instead of per request.
type endpointMetrics struct {
	latency prometheus.Observer
	byCode  map[int]prometheus.Counter // the usual codes; others are looked up per request
}

// metricEndpoints and metricCodes are the label values whose series are resolved up front.
var (
	metricEndpoints = []string{"buscaBeneficiarios", "autorizacao", "healthz", "metrics", "other"}
	metricCodes     = []int{200, 400, 401, 404, 405, 413, 429, 500, 503}
)

// observe counts one answered request of endpoint with its status code and duration in seconds.
func (m *metrics) observe(endpoint string, code int, seconds float64) {
	if e, ok := m.byEndpoint[endpoint]; ok {
		e.latency.Observe(seconds)
		if c, ok := e.byCode[code]; ok {
			c.Inc()
			return
		}
	} else {
		m.latency.WithLabelValues(endpoint).Observe(seconds)
	}
	m.requests.WithLabelValues(endpoint, strconv.Itoa(code)).Inc()
}

// Error kinds counted in balcao_busca_errors_total.
const (
	errBadRequest   = "bad_request"
	errUnauthorized = "unauthorized"
	errTooLarge     = "too_large"
	errMethod       = "method"
	errNotFound     = "not_found_path"
	errDirectory    = "directory"
	errPanic        = "panic"
	errLogin        = "login"
	errThrottled    = "throttled"    // a credential check refused while its address (or user) waits
	errRateLimited  = "rate_limited" // a credential past its search budget
	errAudit        = "audit"        // the access record could not be written: nothing was shown
)

func newMetrics(reg prometheus.Registerer) *metrics {
	var gather prometheus.Gatherer
	if reg == nil {
		r := prometheus.NewRegistry()
		r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		reg, gather = r, r
	} else if g, ok := reg.(prometheus.Gatherer); ok {
		gather = g
	} else {
		gather = prometheus.DefaultGatherer
	}
	m := &metrics{
		requests: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "balcao_busca_requests_total",
			Help: "HTTP requests served by the buscaBeneficiarios service, by endpoint and status code.",
		}, []string{"endpoint", "code"})),
		latency: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "balcao_busca_request_duration_seconds",
			Help:    "Time to answer a request, by endpoint.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"endpoint"})),
		results: register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "balcao_busca_results",
			Help:    "Rows returned by a buscaBeneficiarios search (0 when nothing was found).",
			Buckets: []float64{0, 1, 2, 5, 10, 20, 50, 100},
		})),
		errors: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "balcao_busca_errors_total",
			Help: "Requests that failed, by kind.",
		}, []string{"kind"})),
	}
	m.loginChecks = register(reg, prometheus.NewCounter(prometheus.CounterOpts{
		Name: "balcao_busca_login_checks_total",
		Help: "Passwords /autorizacao compared; attempts the failed-login guard held back are not compared (see balcao_busca_errors_total{kind=\"throttled\"}).",
	}))
	m.fallback = register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "balcao_busca_totvs_fallback_total",
		Help: "Searches asked of TOTVS because the directory found nobody (server.totvs_fallback), by outcome.",
	}, []string{"outcome"}))
	m.handler = promhttp.HandlerFor(gather, promhttp.HandlerOpts{})
	m.byEndpoint = make(map[string]*endpointMetrics, len(metricEndpoints))
	for _, ep := range metricEndpoints {
		e := &endpointMetrics{latency: m.latency.WithLabelValues(ep), byCode: make(map[int]prometheus.Counter, len(metricCodes))}
		for _, c := range metricCodes {
			e.byCode[c] = m.requests.WithLabelValues(ep, strconv.Itoa(c))
		}
		m.byEndpoint[ep] = e
	}
	return m
}

// register registers c, or returns the collector already registered under the same description (so several
// servers may share one registry). A conflicting collector under one of our names leaves c unregistered.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}
