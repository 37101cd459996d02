// Package server is balcão's inbound HTTP: the POST …/buscaBeneficiarios endpoint that Mosia Omnichannel's
// attendant panel calls to identify a caller, Mosia's "Grupos de Autorização" endpoint …/autorizacao, and the
// operational endpoints GET /healthz (ok or not to anyone; the count only with a credential) and GET /metrics. docs/openapi.yaml documents every answer.
// Every route runs behind one middleware chain, composed in routes.go.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/balcao/balcao/audit"
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
	DefaultFallbackTimeout = 2 * time.Second
	DefaultRate            = 50  // searches a second per credential: far above an attendant panel's pace
	DefaultBurst           = 500 // searches at once per credential
	DefaultShutdownTimeout = 10 * time.Second
	MaxBodyBytes           = 64 << 10 // request bodies over this are refused with 413
)

// HTTP server limits used by Serve.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 15 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 64 << 10
)

// healthTimeout bounds the directory calls of one /healthz.
const healthTimeout = 5 * time.Second

// Options configures a Server. A credential is required: the static Secret, or AuthUser with AuthPassword.
type Options struct {
	Prefix          string        // path prefix such as "/mosia"; endpoints are <Prefix>/buscaBeneficiarios and <Prefix>/autorizacao
	SecretHeader    string        // header carrying the static secret or an issued token; default "Authorization"
	Secret          string        // static secret; "" disables it (then AuthUser and AuthPassword are required)
	SecretName      string        // the static secret's name in the log and the access record; default "segredo"
	AuthUser        string        // /autorizacao usuario; "" disables /autorizacao and its tokens
	AuthPassword    string        // /autorizacao senha; required with AuthUser
	TokenTTL        time.Duration // lifetime of an issued token; default 1h
	MaxResults      int           // rows per answer at most; default 50
	Columns         []Column      // result columns; default DefaultColumns()
	Rate            float64       // searches per second one credential may make, sustained; default 50; +Inf: no limit
	Burst           int           // searches one credential may make at once; default 500
	MetricsAuth     bool          // /metrics asks for a credential too
	BehindProxy     bool          // a proxy in front: the client's address is the last X-Forwarded-For entry
	TLS             *tls.Config   // nil: plain HTTP; see LoadTLS
	Audit           Recorder      // each answer that shows someone is recorded here before it is sent; nil: none
	Database        DatabaseCheck // fleet mode: the shared database, for /healthz; nil: none
	SearchTimeout   time.Duration // bound of one directory search; default 10s
	Fallback        Fallback      // asked when the directory finds nobody; nil: never (the default)
	FallbackTimeout time.Duration // bound of the fallback's call, its own; default 2s
	ShutdownTimeout time.Duration // how long Serve waits for in-flight requests; default 10s
	Now             func() time.Time
	// Now is the clock of tokens and of the failed-login guard; default time.Now.
	Logger   *slog.Logger // default slog.Default()
	Registry prometheus.Registerer
	// Registry receives the metrics; nil → the server's own registry (with Go and process collectors). /metrics serves
	// Registry when it is also a prometheus.Gatherer, else prometheus.DefaultGatherer.
}

// Fallback is asked when the directory finds nobody (server.totvs_fallback): TOTVS's own search, filtered to the
// rows that meet every criterion; *totvs.Client satisfies it.
type Fallback interface {
	SearchQuery(ctx context.Context, q model.Query) ([]model.Match, error)
}

// Recorder keeps the access record (who was shown whose data); *audit.Log satisfies it.
type Recorder interface {
	Record(ctx context.Context, e audit.Entry) error
}

// DatabaseCheck reports the fleet's shared database (see Options.Database).
type DatabaseCheck func(ctx context.Context) DatabaseStatus

// DatabaseStatus is what /healthz says of the fleet's shared database. Searches are answered from the
// instance's own index whether or not the database answers, so /healthz stays 200 either way.
type DatabaseStatus struct {
	OK         bool  // the database answered
	Generation int64 // the shared directory's generation
	Local      int64 // the generation this instance's index holds
	Spilled    int   // occurrences waiting on this machine for the database
	Queued     int   // access record lines waiting on this machine for the database
}

// ErrNoCredential is New's answer to Options without a complete credential.
var ErrNoCredential = errors.New(i18n.ServerNeedsCredential)

// Server answers Mosia's buscaBeneficiarios; it is safe for concurrent use.
type Server struct {
	dir     Directory
	o       Options
	log     *slog.Logger
	layout  layout
	tokens  *tokens
	guard   *guard
	budgets map[string]*rate.Limiter // per credential name
	m       *metrics
	handler http.Handler

	requests atomic.Int64
	bufs     sync.Pool
}

// New builds a Server over dir with o's defaults filled in. Without a complete credential (a static secret, or
// a user and its password) it refuses with ErrNoCredential: no search is ever answered to anyone.
func New(dir Directory, o Options) (*Server, error) {
	if o.Secret == "" && o.AuthUser == "" || (o.AuthUser == "") != (o.AuthPassword == "") {
		return nil, ErrNoCredential
	}
	o = withDefaults(o)
	s := &Server{dir: dir, o: o, log: o.Logger, tokens: newTokens(o.TokenTTL, o.Now), m: newMetrics(o.Registry),
		guard: newGuard(o.Now, o.Logger), budgets: map[string]*rate.Limiter{}}
	for _, name := range []string{o.SecretName, tokenNamePrefix + o.AuthUser} {
		s.budgets[name] = rate.NewLimiter(rate.Limit(o.Rate), o.Burst)
	}
	var unknown []string
	s.layout, unknown = newLayout(o.Columns)
	if len(unknown) > 0 {
		s.log.Warn("busca: unknown column ids render empty", "ids", unknown, "known", columnIDs())
	}
	s.bufs.New = func() any { b := make([]byte, 0, 16<<10); return &b }
	s.handler = s.buildHandler()
	return s, nil
}

// withDefaults fills o's unset fields and normalizes its prefix.
func withDefaults(o Options) Options {
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
	if o.FallbackTimeout <= 0 {
		o.FallbackTimeout = DefaultFallbackTimeout
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.SecretName == "" {
		o.SecretName = DefaultSecretName
	}
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Prefix = cleanPrefix(o.Prefix)
	return o
}

// cleanPrefix makes a prefix "" or a clean absolute path without a trailing slash: "mosia/", "/mosia/" and
// "/mosia//" all read "/mosia". Only clean paths are routed, so an unclean prefix could never be served.
func cleanPrefix(p string) string {
	if p = path.Clean("/" + p); p == "/" {
		return ""
	}
	return p
}

// Handler returns the service's HTTP handler (all four endpoints).
func (s *Server) Handler() http.Handler { return s.handler }

// Requests returns how many buscaBeneficiarios requests the server has received.
func (s *Server) Requests() int64 { return s.requests.Load() }

// BuscaPath is the search endpoint's path.
func (s *Server) BuscaPath() string { return s.o.Prefix + "/buscaBeneficiarios" }

// authPath is the Grupos de Autorização endpoint's path.
func (s *Server) authPath() string { return s.o.Prefix + "/autorizacao" }

// Serve answers on ln until ctx is done, then shuts down gracefully: in-flight requests finish, bounded by
// Options.ShutdownTimeout. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	if s.o.TLS != nil {
		srv.TLSConfig = s.o.TLS
		go func() { errc <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	gctx, stopGuard := context.WithCancel(ctx)
	defer stopGuard()
	go s.guard.run(gctx)
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
