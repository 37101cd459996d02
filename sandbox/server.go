package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
)

// Defaults of Options.
const (
	DefaultTOTVSUser     = "balcao"
	DefaultTOTVSPassword = "balcao"
	DefaultMosiaToken    = "sandbox-token"
	DefaultTokenTTL      = time.Hour
	DefaultPageSize      = 10
)

// Scope selects which requests a fault applies to.
type Scope string

// Fault scopes.
const (
	ScopeAll        Scope = "all"         // every request (the zero value means all too)
	ScopeTOTVS      Scope = "totvs"       // /rest/...
	ScopeMosia      Scope = "mosia"       // /clientes/...
	ScopeMosiaPost  Scope = "mosia-post"  // POST /clientes/ocorrencias only
	ScopeMosiaWrite Scope = "mosia-write" // every change: creations, notes, status changes and activations
)

// Faults is the fault injection state; rates are probabilities in [0, 1] drawn once per request.
type Faults struct {
	Latency         time.Duration // added to every in-scope request
	Jitter          time.Duration // plus a uniform random extra in [0, Jitter)
	FailRate        float64       // answer 500/502/503 with the vendor's error body
	HangRate        float64       // never answer until the client gives up
	DropRate        float64       // close the connection without answering
	DropAfterCreate float64       // create the occurrence (or apply the note, status change, activation), then close the connection (the lost answer)
	Down            bool          // ScopeAll: stop accepting (connection refused); narrower scopes: 503
	Scope           Scope
}

// CreateShape is where POST /clientes/ocorrencias puts the new protocol in its answer.
type CreateShape int

// Create answer shapes (Mosia does not publish the real one; see docs/upstreams.md, "Mosia: create an occurrence").
const (
	ShapeDataProtocolo  CreateShape = iota // {"data":{"protocolo":"…"}}
	ShapeDataOcorrencia                    // {"data":{"ocorrencia":{"protocolo":"…"}}}
	ShapeDataArray                         // {"data":[{"protocolo":"…"}]}
	ShapeTopLevel                          // {"protocolo":"…","data":{}}
	ShapeNone                              // no protocol: clients must ask ultimosProtocolos
)

// Options configures a Sandbox; zero values take the defaults.
type Options struct {
	Dataset       *Dataset // when nil, NewDataset(Seed, Beneficiaries)
	Seed          int64
	Beneficiaries int
	TOTVSUser     string
	TOTVSPassword string
	TenantID      string // when set, the tenantId header is required and must match
	MosiaToken    string
	TokenTTL      time.Duration // OAuth2 access-token lifetime
	Faults        Faults
	FaultSeed     int64 // seeds the fault draws, for reproducible runs
	CreateShape   CreateShape
	Catalogue     *Catalogue       // when nil, DefaultCatalogue()
	Clock         func() time.Time // when nil, time.Now; tests move it to expire tokens
	// ProtocolFloor is a protocol the sandbox must number above (the highest a kept outbox holds), so a restarted
	// demo never hands out a number an earlier run gave; "" for none.
	ProtocolFloor string
	// DetailWithoutNotes makes the occurrence detail say nothing about annotations (no anotacoes list), as the
	// vendor's published example shows it: a client must then not assume it can see whether a note arrived.
	DetailWithoutNotes bool
	Logger             *slog.Logger // when nil, discard
}

// CreatedOccurrence is one occurrence the sandbox created, for test introspection.
type CreatedOccurrence struct {
	Protocol   string
	ChaveUnica string          // the beneficiary's (or, without one, the requester's) key
	Body       json.RawMessage // the request body as received
	At         time.Time
}

// Sandbox is the TOTVS + Mosia emulator.
type Sandbox struct {
	opts    Options
	data    *Dataset
	cat     Catalogue
	clock   func() time.Time
	log     *slog.Logger
	handler http.Handler
	srv     *http.Server
	closing chan struct{}

	mu           sync.Mutex // guards everything below
	faults       Faults
	shape        CreateShape
	rnd          *rng
	ln           net.Listener
	addr         string
	started      bool
	closed       bool
	conns        map[net.Conn]struct{}
	tokens       map[string]time.Time // access token → expiry
	refresh      map[string]bool
	created      []CreatedOccurrence
	history      map[string][]mosia.Protocol // created protocols per chaveUnica, oldest first
	occurrences  map[string]*occState        // protocols served: created ones, and the history once touched
	seqDay       string                      // the day (YYYYMMDD) seq numbers
	seq          int
	script       []ScriptStep     // what the next POST /clientes/ocorrencias meet, in order, before the random faults
	followScript []ScriptStep     // what the next notes, status changes and activations meet
	requests     map[string]int64 // per path
}

// New builds a sandbox; it serves nothing until Start (or use Handler with your own server).
func New(opts Options) *Sandbox {
	if opts.Dataset == nil {
		opts.Dataset = NewDataset(opts.Seed, opts.Beneficiaries)
	}
	if opts.TOTVSUser == "" {
		opts.TOTVSUser = DefaultTOTVSUser
	}
	if opts.TOTVSPassword == "" {
		opts.TOTVSPassword = DefaultTOTVSPassword
	}
	if opts.MosiaToken == "" {
		opts.MosiaToken = DefaultMosiaToken
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	cat := DefaultCatalogue()
	if opts.Catalogue != nil {
		cat = *opts.Catalogue
	}
	s := &Sandbox{
		opts: opts, data: opts.Dataset, cat: cat, clock: opts.Clock, log: opts.Logger,
		closing: make(chan struct{}), faults: opts.Faults, shape: opts.CreateShape,
		rnd: newRNG(opts.FaultSeed, saltFaults, 0), conns: map[net.Conn]struct{}{},
		tokens: map[string]time.Time{}, refresh: map[string]bool{}, history: map[string][]mosia.Protocol{},
		requests: map[string]int64{}, occurrences: map[string]*occState{},
	}
	s.handler = s.routes()
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ConnState: s.trackConn,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	return s
}

// Dataset is the dataset the sandbox serves.
func (s *Sandbox) Dataset() *Dataset { return s.data }

// Catalogue is the occurrence catalogue the sandbox accepts.
func (s *Sandbox) Catalogue() Catalogue { return s.cat }

// Options returns the effective options (defaults applied).
func (s *Sandbox) Options() Options { return s.opts }

// Handler is the emulator's HTTP handler (faults included, except Down's refusal, which needs Start).
func (s *Sandbox) Handler() http.Handler { return s.handler }

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves in the background.
func (s *Sandbox) Start(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("sandbox: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox listen %s: %w", addr, err)
	}
	s.started, s.addr = true, ln.Addr().String()
	if s.faults.Down && scopeOf(s.faults.Scope) == ScopeAll {
		ln.Close()
		return nil
	}
	s.serveLocked(ln)
	return nil
}

func (s *Sandbox) serveLocked(ln net.Listener) {
	s.ln = ln
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			s.log.Warn("sandbox serve", "err", err)
		}
	}()
}

// Addr is the listening address (host:port), empty before Start.
func (s *Sandbox) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// URL is the base URL (http://host:port), empty before Start.
func (s *Sandbox) URL() string {
	if a := s.Addr(); a != "" {
		return "http://" + a
	}
	return ""
}

// TOTVSURL is the TOTVS REST base, including /rest.
func (s *Sandbox) TOTVSURL() string { return s.URL() + "/rest" }

// MosiaURL is the Mosia API base (paths start with /clientes).
func (s *Sandbox) MosiaURL() string { return s.URL() }

// Close stops serving, closes every connection and releases hanging requests.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.closing)
	s.mu.Unlock()
	return s.srv.Close()
}

// SetFaults replaces the fault injection state at runtime.
func (s *Sandbox) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wasDown := s.faults.Down && scopeOf(s.faults.Scope) == ScopeAll
	s.faults = f
	nowDown := f.Down && scopeOf(f.Scope) == ScopeAll
	if !s.started || s.closed || wasDown == nowDown {
		return
	}
	if nowDown {
		if s.ln != nil {
			s.ln.Close()
			s.ln = nil
		}
		for c := range s.conns {
			c.Close()
		}
		return
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.log.Error("sandbox relisten", "addr", s.addr, "err", err)
		return
	}
	s.serveLocked(ln)
}

// Faults returns the current fault injection state.
func (s *Sandbox) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// SetCreateShape changes where the create answer puts the protocol.
func (s *Sandbox) SetCreateShape(sh CreateShape) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shape = sh
}

// Created returns the occurrences created so far, oldest first.
func (s *Sandbox) Created() []CreatedOccurrence {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CreatedOccurrence(nil), s.created...)
}

// CreatedCount is how many occurrences were created.
func (s *Sandbox) CreatedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.created)
}

// Requests counts the requests received whose path starts with pathPrefix ("" counts all).
func (s *Sandbox) Requests(pathPrefix string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for p, c := range s.requests {
		if strings.HasPrefix(p, pathPrefix) {
			n += c
		}
	}
	return n
}

func (s *Sandbox) trackConn(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case http.StateNew:
		if s.faults.Down && scopeOf(s.faults.Scope) == ScopeAll {
			c.Close() // accepted just before going down
			return
		}
		s.conns[c] = struct{}{}
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	}
}

func scopeOf(sc Scope) Scope {
	if sc == "" {
		return ScopeAll
	}
	return sc
}

// inScope reports whether a request is subject to faults of scope sc.
func inScope(sc Scope, r *http.Request) bool {
	switch scopeOf(sc) {
	case ScopeTOTVS:
		return strings.HasPrefix(r.URL.Path, "/rest/")
	case ScopeMosia:
		return strings.HasPrefix(r.URL.Path, "/clientes/")
	case ScopeMosiaPost:
		return r.Method == http.MethodPost && strings.TrimSuffix(r.URL.Path, "/") == "/clientes/ocorrencias"
	case ScopeMosiaWrite:
		return (r.Method == http.MethodPost || r.Method == http.MethodPut) &&
			strings.HasPrefix(r.URL.Path, "/clientes/ocorrencias")
	}
	return true
}

// draw is one request's fault decision.
type draw struct {
	delay                  time.Duration
	down, hang, drop, fail bool
	failStatus             int
}

func (s *Sandbox) drawFaults(r *http.Request) draw {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[r.URL.Path]++
	f := s.faults
	if !inScope(f.Scope, r) {
		return draw{}
	}
	d := draw{delay: f.Latency, down: f.Down}
	if f.Jitter > 0 {
		d.delay += time.Duration(s.rnd.next() % uint64(f.Jitter))
	}
	u := float64(s.rnd.next()>>11) / (1 << 53)
	switch {
	case u < f.HangRate:
		d.hang = true
	case u < f.HangRate+f.DropRate:
		d.drop = true
	case u < f.HangRate+f.DropRate+f.FailRate:
		d.fail = true
		d.failStatus = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[s.rnd.intn(3)]
	}
	return d
}

// chance draws from the fault stream (for DropAfterCreate).
func (s *Sandbox) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rnd.chance(p)
}

// withFaults applies latency and faults before the real handler.
func (s *Sandbox) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.drawFaults(r)
		if d.down || d.hang || d.drop || d.fail {
			s.log.Debug("sandbox fault", "method", r.Method, "path", r.URL.Path, "down", d.down, "hang", d.hang,
				"drop", d.drop, "status", d.failStatus)
		}
		if d.delay > 0 && !s.wait(r.Context(), d.delay) {
			return
		}
		switch {
		case d.down:
			s.failWith(w, r, http.StatusServiceUnavailable)
		case d.hang:
			s.wait(r.Context(), -1)
		case d.drop:
			dropConn(w)
		case d.fail:
			s.failWith(w, r, d.failStatus)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// wait sleeps for d (forever when d < 0) unless the request or the sandbox ends first; it reports whether it slept fully.
func (s *Sandbox) wait(ctx context.Context, d time.Duration) bool {
	var timer <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-timer:
		return true
	case <-ctx.Done():
	case <-s.closing:
	}
	return false
}

// dropConn closes the connection without writing a response.
func dropConn(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // HTTP/2 or a wrapped writer: net/http aborts the stream without logging
}

// failWith answers an injected server error in the vendor's shape.
func (s *Sandbox) failWith(w http.ResponseWriter, r *http.Request, status int) {
	if strings.HasPrefix(r.URL.Path, "/clientes/") {
		s.mosiaError(w, status, msgMosiaUnavailable)
		return
	}
	writeJSON(w, status, totvs.ErrorModel{Code: fmt.Sprint(status), Message: msgTOTVSUnavailable,
		DetailedMessage: http.StatusText(status), Type: "error"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func (s *Sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	s.totvsRoutes(mux)
	s.mosiaRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/clientes/") {
			s.mosiaError(w, http.StatusNotFound, msgMosiaNotFound)
			return
		}
		writeJSON(w, http.StatusNotFound, totvs.ErrorModel{Code: "404", Message: msgTOTVSNotFound,
			DetailedMessage: r.Method + " " + r.URL.Path})
	})
	return s.withFaults(mux)
}
