package server

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// Endpoint names, the "endpoint" label of the metrics.
const (
	epBusca   = "buscaBeneficiarios"
	epAuth    = "autorizacao"
	epHealthz = "healthz"
	epMetrics = "metrics"
	epOther   = "other" // unknown paths
)

// route is one pattern of the service's mux and what serves it.
type route struct {
	pattern  string // a http.ServeMux pattern
	endpoint string // its metrics label
	auth     bool   // the request must carry the secret or a token
	limited  bool   // the request spends its credential's search budget
	body     bool   // the handler reads the body, limited to MaxBodyBytes
	handler  http.HandlerFunc
}

// routes lists every route. Each path has a pattern without a method that answers the methods the path does not
// take with 405 and the failure body, and "/" answers every other path with 404 and the failure body, so the
// mux's own plain-text answers are never given.
func (s *Server) routes() []route {
	busca, auth := literal(s.BuscaPath()), literal(s.authPath())
	rs := []route{
		{pattern: "POST " + busca, endpoint: epBusca, auth: true, limited: true, body: true, handler: s.busca},
		{pattern: busca, endpoint: epBusca, handler: notAllowed(http.MethodPost)},
		{pattern: "GET /healthz", endpoint: epHealthz, handler: s.healthz}, // GET patterns match HEAD too
		{pattern: "/healthz", endpoint: epHealthz, handler: notAllowed(http.MethodGet, http.MethodHead)},
		{pattern: "GET /metrics", endpoint: epMetrics, auth: s.o.MetricsAuth, handler: s.m.handler.ServeHTTP},
		{pattern: "/metrics", endpoint: epMetrics, handler: notAllowed(http.MethodGet, http.MethodHead)},
		{pattern: "/", endpoint: epOther, handler: notFound},
	}
	if s.o.AuthUser == "" {
		return append(rs, route{pattern: auth, endpoint: epAuth, handler: authDisabled})
	}
	return append(rs,
		route{pattern: "POST " + auth, endpoint: epAuth, body: true, handler: s.autorizacao},
		route{pattern: auth, endpoint: epAuth, handler: notAllowed(http.MethodPost)})
}

// chain puts a route's handler behind the service's middleware, outermost first: recoverPanics, observe
// (metrics and the log line), requireAuth for the routes that need credentials, limitRate for the routes that
// spend a search budget, limitBody for the routes that read a body.
func (s *Server) chain(rt route) http.Handler {
	layers := []middleware{s.recoverPanics, s.observe(rt.endpoint)}
	if rt.auth {
		layers = append(layers, s.requireAuth)
	}
	if rt.limited {
		layers = append(layers, s.limitRate)
	}
	if rt.body {
		layers = append(layers, limitBody)
	}
	h := http.Handler(rt.handler)
	for i := len(layers) - 1; i >= 0; i-- {
		h = layers[i](h)
	}
	return h
}

// buildHandler registers every route behind the chain on a mux. The mux routes the decoded path, r.URL.Path,
// where an escaped slash ("%2F") is a slash. A path the mux would not route itself (it redirects an unclean path
// such as //healthz or /a/../healthz to its clean form; a CONNECT target is no path) is an unknown path,
// answered like any other.
func (s *Server) buildHandler() http.Handler {
	mux := http.NewServeMux()
	var unknown http.Handler
	for _, rt := range s.routes() {
		h := s.chain(rt)
		mux.Handle(rt.pattern, h)
		if rt.pattern == "/" {
			unknown = h
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = decodedPath(r)
		if !routable(r.URL.EscapedPath()) {
			unknown.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// decodedPath returns r, or a copy of it without r.URL.RawPath when it has one, so that routing reads the
// decoded r.URL.Path.
func decodedPath(r *http.Request) *http.Request {
	if r.URL.RawPath == "" {
		return r
	}
	u := *r.URL
	u.RawPath = ""
	r2 := r.WithContext(r.Context())
	r2.URL = &u
	return r2
}

// routable reports whether p is an absolute path in the clean form the mux routes without redirecting.
func routable(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/" // the mux keeps a trailing slash
	}
	return clean == p
}

// literal escapes each segment of path p so a mux pattern matches it literally: a '{' in a configured prefix
// is text, not a wildcard.
func literal(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return strings.Join(segs, "/")
}
