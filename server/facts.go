package server

import (
	"context"
	"net/http"
)

// facts are what one request leaves for its log line and metrics beyond its method, path and status. observe
// puts a fresh one in each request's context; the handlers and middleware inside note what they learn with
// note(r), and observe reads it once the request is answered. Only the goroutine serving the request touches
// it, so it needs no lock.
type facts struct {
	results    int      // rows a search answered (0 when it found nothing or refused); -1 when none was made
	criteria   []string // the search's criteria, masked
	unknown    int      // how many keys of the search body the service does not know (never the keys)
	credential string   // the credential the request authenticated with; "" before requireAuth
	errKind    string   // the failure's kind, counted in balcao_busca_errors_total; "" when none
	fallback   string   // what the TOTVS fallback gave (found, empty, error); "" when it was not asked
	err        error    // the failure's cause, for the log only
}

// factsKey is the context key of a request's *facts.
type factsKey struct{}

// withFacts returns r carrying f in its context.
func withFacts(r *http.Request, f *facts) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), factsKey{}, f))
}

// note returns the facts of r's request; outside observe (a handler called on its own) they go nowhere.
func note(r *http.Request) *facts {
	if f, ok := r.Context().Value(factsKey{}).(*facts); ok {
		return f
	}
	return &facts{results: -1}
}
