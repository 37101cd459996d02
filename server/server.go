// Package server is balcão's inbound HTTP: the POST …/buscaBeneficiarios endpoint that Mosia Omnichannel's
// attendant panel calls to identify a caller (seed 000, API.md §9.1–9.3), Mosia's "Grupos de Autorização"
// endpoint …/autorizacao, and the unauthenticated operational endpoints GET /healthz and GET /metrics.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Directory is the beneficiary directory the service searches; *directory.Directory satisfies it.
type Directory interface {
	Search(ctx context.Context, q model.Query, limit int) ([]model.Match, error)
	Count(ctx context.Context) (int, error)
	Ping(ctx context.Context) error
}

// Defaults of Options.
const (
	DefaultSecretHeader    = "Authorization"
	DefaultTokenTTL        = time.Hour
	DefaultMaxResults      = 50
	DefaultSearchTimeout   = 10 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
	MaxBodyBytes           = 64 << 10 // request bodies over this are refused with 413
)

// HTTP server timeouts used by Serve.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 15 * time.Second
	IdleTimeout       = 60 * time.Second
)

// Options configures a Server; the zero value serves on the root path with no authentication.
type Options struct {
	Prefix          string        // path prefix such as "/mosia"; endpoints are <Prefix>/buscaBeneficiarios and <Prefix>/autorizacao
	SecretHeader    string        // header carrying the static secret or an issued token; default "Authorization"
	Secret          string        // static secret; "" disables it (then listen on loopback only: see CheckListenAddr)
	AuthUser        string        // /autorizacao usuario; "" disables /autorizacao and its tokens
	AuthPassword    string        // /autorizacao senha
	TokenTTL        time.Duration // lifetime of an issued token; default 1h
	MaxResults      int           // rows per answer at most; default 50
	Columns         []Column      // result columns; default DefaultColumns()
	SearchTimeout   time.Duration // bound of one directory search; default 10s
	ShutdownTimeout time.Duration // how long Serve waits for in-flight requests; default 10s
	Logger          *slog.Logger  // default slog.Default()
	Registry        prometheus.Registerer
	// Registry receives the metrics; nil → the server's own registry (with Go and process collectors). /metrics serves
	// Registry when it is also a prometheus.Gatherer, else prometheus.DefaultGatherer.
}

// Server answers Mosia's buscaBeneficiarios; it is safe for concurrent use.
type Server struct {
	dir     Directory
	o       Options
	log     *slog.Logger
	layout  layout
	tokens  *tokens
	m       *metrics
	handler http.Handler

	requests atomic.Int64
	bufs     sync.Pool
}

// New builds a Server over dir with o's defaults filled in.
func New(dir Directory, o Options) *Server {
	if o.SecretHeader == "" {
		o.SecretHeader = DefaultSecretHeader
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	if o.MaxResults <= 0 {
		o.MaxResults = DefaultMaxResults
	}
	if len(o.Columns) == 0 {
		o.Columns = DefaultColumns()
	}
	if o.SearchTimeout <= 0 {
		o.SearchTimeout = DefaultSearchTimeout
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	for len(o.Prefix) > 0 && o.Prefix[len(o.Prefix)-1] == '/' {
		o.Prefix = o.Prefix[:len(o.Prefix)-1]
	}
	if o.Prefix != "" && o.Prefix[0] != '/' {
		o.Prefix = "/" + o.Prefix
	}
	s := &Server{dir: dir, o: o, log: o.Logger, tokens: newTokens(o.TokenTTL, time.Now), m: newMetrics(o.Registry)}
	var unknown []string
	s.layout, unknown = newLayout(o.Columns)
	if len(unknown) > 0 {
		s.log.Warn("busca: unknown column ids render empty", "ids", unknown, "known", ColumnIDs())
	}
	s.bufs.New = func() any { b := make([]byte, 0, 16<<10); return &b }
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s
}

// Handler returns the service's HTTP handler (all four endpoints).
func (s *Server) Handler() http.Handler { return s.handler }

// Requests returns how many buscaBeneficiarios requests the server has received.
func (s *Server) Requests() int64 { return s.requests.Load() }

// BuscaPath is the search endpoint's path.
func (s *Server) BuscaPath() string { return s.o.Prefix + "/buscaBeneficiarios" }

// AuthPath is the Grupos de Autorização endpoint's path.
func (s *Server) AuthPath() string { return s.o.Prefix + "/autorizacao" }

// Serve answers on ln until ctx is done, then shuts down gracefully: in-flight requests finish, bounded by
// Options.ShutdownTimeout. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("busca serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.o.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc // http.ErrServerClosed
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("busca shutdown %s: %w", ln.Addr(), err)
	}
	return nil
}

// info is what one request leaves for its log line and metrics.
type info struct {
	endpoint string
	results  int
	criteria []string
	unknown  []string
	errKind  string
	err      error
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	in := &info{endpoint: "other", results: -1}
	rec := &recorder{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			in.errKind, in.err = errPanic, fmt.Errorf("panic: %v", p)
			s.log.Error("busca: panic serving request", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !rec.wrote {
				s.fail(rec, in, http.StatusInternalServerError, errPanic, i18n.ServerInternal)
			}
		}
		s.finish(r, rec, in, time.Since(start))
	}()

	switch r.URL.Path {
	case s.BuscaPath():
		in.endpoint = "buscaBeneficiarios"
		s.requests.Add(1)
		s.busca(rec, r, in)
	case s.AuthPath():
		in.endpoint = "autorizacao"
		s.autorizacao(rec, r, in)
	case "/healthz":
		in.endpoint = "healthz"
		s.healthz(rec, r, in)
	case "/metrics":
		in.endpoint = "metrics"
		if !s.method(rec, r, in, http.MethodGet, http.MethodHead) {
			return
		}
		s.m.handler.ServeHTTP(rec, r)
	default:
		s.fail(rec, in, http.StatusNotFound, errNotFound, i18n.ServerNotFoundPath)
	}
}

// finish records metrics and writes the request's log line (masked criteria only).
func (s *Server) finish(r *http.Request, rec *recorder, in *info, d time.Duration) {
	code := rec.status
	if code == 0 {
		code = http.StatusOK
	}
	s.m.observe(in.endpoint, code, d.Seconds())
	if in.errKind != "" {
		s.m.errors.WithLabelValues(in.errKind).Inc()
	}
	if in.endpoint == "buscaBeneficiarios" && in.results >= 0 {
		s.m.results.Observe(float64(in.results))
	}
	level := slog.LevelInfo
	switch {
	case in.endpoint == "healthz" || in.endpoint == "metrics":
		level = slog.LevelDebug
	case code >= 500:
		level = slog.LevelError
	case code >= 400:
		level = slog.LevelWarn
	}
	if !s.log.Enabled(r.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", truncate(r.URL.Path, 120)),
		slog.Int("status", code),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.String("remote", r.RemoteAddr),
	}
	if in.results >= 0 {
		attrs = append(attrs, slog.Int("results", in.results))
	}
	if len(in.criteria) > 0 {
		attrs = append(attrs, slog.Any("criteria", in.criteria))
	}
	if len(in.unknown) > 0 {
		attrs = append(attrs, slog.Any("unknown_keys", in.unknown))
	}
	if in.errKind != "" {
		attrs = append(attrs, slog.String("error_kind", in.errKind))
	}
	if in.err != nil {
		attrs = append(attrs, slog.String("error", in.err.Error()))
	}
	s.log.LogAttrs(r.Context(), level, "busca: request", attrs...)
}

// busca answers POST …/buscaBeneficiarios.
func (s *Server) busca(w http.ResponseWriter, r *http.Request, in *info) {
	if !s.method(w, r, in, http.MethodPost) || !s.authorized(w, r, in) {
		return
	}
	body, ok := s.readBody(w, r, in)
	if !ok {
		return
	}
	req, err := decodeSearch(body)
	if err != nil {
		var ie *inputError
		msg := i18n.ServerBadJSON
		if errors.As(err, &ie) {
			msg = ie.Msg
		}
		in.err = err
		s.fail(w, in, http.StatusBadRequest, errBadRequest, msg)
		return
	}
	in.criteria, in.unknown = req.Criteria, req.Unknown
	switch {
	case req.Refusal != "":
		in.results = 0
		s.fail(w, in, http.StatusOK, "", req.Refusal)
		return
	case req.Empty:
		in.results = 0
		s.fail(w, in, http.StatusOK, "", i18n.ServerNotFound)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.o.SearchTimeout)
	defer cancel()
	ms, err := s.dir.Search(ctx, req.Query, s.o.MaxResults)
	if err != nil {
		in.err = fmt.Errorf("directory search: %w", err)
		s.fail(w, in, http.StatusServiceUnavailable, errDirectory, i18n.ServerUnavailable)
		return
	}
	out := rows(ms, s.o.MaxResults)
	in.results = len(out)
	if len(out) == 0 {
		s.fail(w, in, http.StatusOK, "", i18n.ServerNotFound)
		return
	}
	bp := s.bufs.Get().(*[]byte)
	b := s.layout.appendBody((*bp)[:0], out)
	writeJSON(w, http.StatusOK, b)
	if cap(b) <= 1<<20 { // do not keep huge buffers
		*bp = b
		s.bufs.Put(bp)
	}
}

// authRequest is the body of /autorizacao (Mosia "Grupos de Autorização").
type authRequest struct {
	Usuario string `json:"usuario"`
	Senha   string `json:"senha"`
}

// authAnswer is /autorizacao's success body.
type authAnswer struct {
	Auth []authPair `json:"auth"`
}

type authPair struct {
	Token string `json:"token"`
	Chave string `json:"chave"`
}

// autorizacao answers POST …/autorizacao with a token Mosia then sends in the <chave> header.
func (s *Server) autorizacao(w http.ResponseWriter, r *http.Request, in *info) {
	if s.o.AuthUser == "" {
		s.fail(w, in, http.StatusNotFound, errNotFound, i18n.ServerAuthDisabled)
		return
	}
	if !s.method(w, r, in, http.MethodPost) {
		return
	}
	body, ok := s.readBody(w, r, in)
	if !ok {
		return
	}
	var req authRequest
	if err := json.Unmarshal(body, &req); err != nil {
		in.err = fmt.Errorf("autorizacao body: %w", err)
		s.fail(w, in, http.StatusBadRequest, errBadRequest, i18n.ServerBadJSON)
		return
	}
	userOK := equal(req.Usuario, s.o.AuthUser)
	passOK := equal(req.Senha, s.o.AuthPassword)
	if !userOK || !passOK {
		s.fail(w, in, http.StatusUnauthorized, errLogin, i18n.ServerBadLogin)
		return
	}
	tok, err := s.tokens.issue()
	if err != nil {
		in.err = fmt.Errorf("issue token: %w", err)
		s.fail(w, in, http.StatusInternalServerError, errPanic, i18n.ServerInternal)
		return
	}
	b, _ := json.Marshal(authAnswer{Auth: []authPair{{Token: tok, Chave: s.o.SecretHeader}}})
	writeJSON(w, http.StatusOK, append(b, '\n'))
}

// healthz answers GET /healthz: {"status":"ok","beneficiarios":N}, or 503 when the directory is unreachable.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request, in *info) {
	if !s.method(w, r, in, http.MethodGet, http.MethodHead) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	n, err := 0, s.dir.Ping(ctx)
	if err == nil {
		n, err = s.dir.Count(ctx)
	}
	if err != nil {
		in.err = fmt.Errorf("directory health: %w", err)
		s.fail(w, in, http.StatusServiceUnavailable, errDirectory, i18n.ServerUnavailable)
		return
	}
	b, _ := json.Marshal(struct {
		Status        string `json:"status"`
		Beneficiarios int    `json:"beneficiarios"`
	}{"ok", n})
	writeJSON(w, http.StatusOK, append(b, '\n'))
}

// method answers 405 unless r uses one of the allowed methods.
func (s *Server) method(w http.ResponseWriter, r *http.Request, in *info, allowed ...string) bool {
	for _, m := range allowed {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	s.fail(w, in, http.StatusMethodNotAllowed, errMethod, i18n.ServerMethodNotAllowed)
	return false
}

// authorized answers 401 unless the request carries the static secret or a live token in SecretHeader.
// With neither a secret nor /autorizacao configured every request is authorized.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, in *info) bool {
	if s.o.Secret == "" && s.o.AuthUser == "" {
		return true
	}
	raw := r.Header.Get(s.o.SecretHeader)
	v := headerValue(raw)
	if s.o.Secret != "" && (equal(raw, s.o.Secret) || equal(v, s.o.Secret)) {
		return true
	}
	if s.o.AuthUser != "" && s.tokens.valid(v) {
		return true
	}
	s.fail(w, in, http.StatusUnauthorized, errUnauthorized, i18n.ServerUnauthorized)
	return false
}

// readBody reads the request body up to MaxBodyBytes, answering 413 past it and 400 on a broken read.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, in *info) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		in.err = fmt.Errorf("read body: %w", err)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(w, in, http.StatusRequestEntityTooLarge, errTooLarge, i18n.ServerTooLarge)
		} else {
			s.fail(w, in, http.StatusBadRequest, errBadRequest, i18n.ServerBadJSON)
		}
		return nil, false
	}
	return body, true
}

// fail answers seed 000's failure body with status; kind (may be "") is counted as an error.
func (s *Server) fail(w http.ResponseWriter, in *info, status int, kind, msg string) {
	if kind != "" {
		in.errKind = kind
	}
	writeJSON(w, status, failureBody(msg))
}

// recorder remembers the status a handler wrote.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.status, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
