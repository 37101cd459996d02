// Package sshserver serves the attendant console over SSH with charmbracelet/wish: one Bubble Tea program per
// session, public-key access from an authorized_keys file (or open access for a loopback demo), a host key
// generated once and kept, a session limit, an idle timeout, and a graceful shutdown that tells every connected
// attendant and lets a submission in flight finish.
package sshserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui"
	"github.com/balcao/balcao/ui/common"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultAddr          = "127.0.0.1:2222"
	DefaultMaxSessions   = 50
	DefaultIdleTimeout   = 30 * time.Minute
	DefaultShutdownGrace = 15 * time.Second
)

// Options configure the SSH server.
type Options struct {
	Addr               string         // HOST:PORT; default 127.0.0.1:2222
	HostKeyPath        string         // ed25519 host key, generated once (0600) and reused; default under config.DataDir()
	HostKey            gossh.Signer   // fleet mode: the fleet's host key, used instead of HostKeyPath's file
	AuthorizedKeysPath string         // the attendants' public keys; "" = none
	Demo               bool           // without authorized keys, accept anyone — only on loopback, and said on screen
	MaxSessions        int            // default 50
	IdleTimeout        time.Duration  // no keystroke for this long ends the session; default 30 min
	ShutdownGrace      time.Duration  // how long shutdown waits for submissions in flight; default 15 s
	Attendants         map[string]int // attendant → Mosia idAtendente (on every Mosia call that takes one)
	Logger             *slog.Logger   // default: discard

	LoginGrace           time.Duration // a connection without a session after this is closed; default 30 s
	MaxStartups          [3]int        // unauthenticated connections, OpenSSH's start:rate:full; default 10:30:100
	SessionsPerAttendant int           // sessions one attendant may have open at once; default 3
}

// AccessError says why the server will not start with the access it was given; its text is pt-BR.
type AccessError struct {
	Reason string
}

func (e *AccessError) Error() string { return e.Reason }

// Server is the console over SSH.
type Server struct {
	o      Options
	svc    *common.Services
	hub    *ui.Hub
	open   bool
	keys   *keyring
	signer gossh.Signer

	startups        *startups
	refusedStartups atomic.Int64 // connections refused by MaxStartups
	graceExpired    atomic.Int64 // connections closed at the login grace time
	srv             *ssh.Server
	log             *slog.Logger
	flights         *inflight

	mu       sync.Mutex
	ln       net.Listener
	live     map[*session]struct{}    // consoles running (for the shutdown)
	bySess   map[ssh.Session]*session // every session being handled
	perUser  map[string]int           // admitted sessions by attendant
	draining bool

	admitted atomic.Int64 // sessions past the no-PTY check, counted against MaxSessions
}

// New checks the access (authorized keys, or open demo access on loopback), loads or creates the host key and
// builds the server; it does not listen yet.
func New(svc *common.Services, hub *ui.Hub, o Options) (*Server, error) {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.HostKeyPath == "" {
		o.HostKeyPath = filepath.Join(config.DataDir(), "ssh_host_ed25519")
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = DefaultShutdownGrace
	}
	if o.LoginGrace <= 0 {
		o.LoginGrace = DefaultLoginGrace
	}
	if o.MaxStartups[0] <= 0 || o.MaxStartups[2] < o.MaxStartups[0] {
		o.MaxStartups = [3]int{DefaultMaxStartups, DefaultMaxStartupsRate, DefaultMaxStartupsFull}
	}
	if o.SessionsPerAttendant <= 0 {
		o.SessionsPerAttendant = DefaultSessionsPerPerson
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if svc == nil {
		return nil, errors.New("sshserver: nil services")
	}
	if hub == nil {
		hub = ui.NewHub()
	}
	s := &Server{o: o, hub: hub, log: o.Logger.With(slog.String("component", "ssh")), flights: &inflight{},
		live: map[*session]struct{}{}, bySess: map[ssh.Session]*session{}, perUser: map[string]int{},
		startups: &startups{start: o.MaxStartups[0], rate: o.MaxStartups[1], full: o.MaxStartups[2]}}

	open, err := access(o)
	if err != nil {
		return nil, err
	}
	s.open = open
	if !open {
		if s.keys, err = loadKeys(o.AuthorizedKeysPath, s); err != nil {
			return nil, err
		}
	}

	signer := o.HostKey
	if signer == nil {
		if signer, err = loadOrCreateHostKey(o.HostKeyPath, s.log); err != nil {
			return nil, err
		}
	}
	s.signer = signer

	own := *svc // one copy shared by every session: submissions are tracked for the graceful shutdown
	if own.Outbox != nil {
		own.Outbox = &trackedOutbox{Outbox: own.Outbox, flights: s.flights}
	}
	if s.open {
		own.Demo = true // open access is always shown as DEMONSTRAÇÃO
	}
	s.svc = &own

	opts := []ssh.Option{
		wish.WithAddress(o.Addr),
		func(srv *ssh.Server) error {
			srv.AddHostKey(signer)
			srv.ConnCallback = s.onConn
			return nil
		},
		wish.WithPublicKeyAuth(s.publicKeyAllowed),
		wish.WithMiddleware(
			s.programMiddleware(), // runs last: the console itself
			s.sessionMiddleware,   // per-session state, idle watch, farewell text
			s.ptyMiddleware,       // no PTY → pt-BR message
			s.limitMiddleware,     // over MaxSessions → pt-BR message
			s.logMiddleware,       // start/end, user, remote address, duration
			s.recoverMiddleware,   // runs first: a panic ends one session, never the server
		),
	}
	if s.open {
		opts = append(opts,
			wish.WithPasswordAuth(func(ctx ssh.Context, _ string) bool { return s.openAuth(ctx) }),
			wish.WithKeyboardInteractiveAuth(func(ctx ssh.Context, _ gossh.KeyboardInteractiveChallenge) bool {
				return s.openAuth(ctx)
			}),
		)
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	s.srv = srv
	return s, nil
}

// CheckAccess reports (pt-BR, *AccessError) whether o's access is usable — authorized keys with at least one
// usable key, or --demo on loopback — so a command can refuse early, before starting anything else.
func CheckAccess(o Options) error {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	open, err := access(o)
	if err != nil || open {
		return err
	}
	_, err = loadKeys(o.AuthorizedKeysPath, &Server{log: slog.New(slog.DiscardHandler)})
	return err
}

// access says whether the server is open (a loopback demo without keys), or refuses an access it cannot trust.
func access(o Options) (open bool, err error) {
	if o.AuthorizedKeysPath != "" {
		return false, nil
	}
	if !o.Demo {
		return false, &AccessError{Reason: i18n.SSHNoAccess}
	}
	if !isLoopback(o.Addr) {
		return false, &AccessError{Reason: fmt.Sprintf(i18n.SSHOpenNotLoopback, o.Addr)}
	}
	return true, nil
}

// Open reports whether the server admits anyone (demo on loopback, no authorized keys).
func (s *Server) Open() bool { return s.open }

// Fingerprint is the host key's SHA256 fingerprint, as ssh shows it.
func (s *Server) Fingerprint() string { return gossh.FingerprintSHA256(s.signer.PublicKey()) }

// listen opens the listener once.
func (s *Server) listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.o.Addr)
	if err != nil {
		return fmt.Errorf(i18n.SSHListenError, s.o.Addr, err)
	}
	s.ln = ln
	return nil
}

// Addr is the address the server listens on (nil before it listens).
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Sessions is how many consoles are open right now.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// ListenAndServe serves until ctx is done, then shuts down gracefully: it stops accepting, tells every connected
// attendant (pt-BR goodbye), waits up to ShutdownGrace for submissions in flight, ends the consoles and closes.
func (s *Server) ListenAndServe(ctx context.Context) error {
	if err := s.listen(); err != nil {
		return err
	}
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, ssh.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("ssh serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.shutdown()
	if err := <-errc; err != nil && !errors.Is(err, ssh.ErrServerClosed) {
		return fmt.Errorf("ssh serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// shutdown is the graceful end: no new sessions, goodbye to everyone, submissions finish, consoles end.
func (s *Server) shutdown() {
	s.mu.Lock()
	s.draining = true
	live := make([]*session, 0, len(s.live))
	for ss := range s.live {
		live = append(live, ss)
	}
	s.mu.Unlock()
	s.log.Info("ssh shutdown", "sessions", len(live), "in_flight", s.flights.count())

	sctx, stopWaiting := context.WithCancel(context.Background())
	defer stopWaiting()
	done := make(chan struct{})
	go func() { // stop accepting now; Shutdown then waits for the connections to close
		if err := s.srv.Shutdown(sctx); err != nil && !errors.Is(err, ssh.ErrServerClosed) {
			_ = s.srv.Close() // clients that keep the connection open after their session ended
		}
		close(done)
	}()

	for _, ss := range live {
		ss.notify(common.NoticeMsg{Text: i18n.SSHGoodbyeNotice, Error: true})
	}
	if !s.flights.wait(s.o.ShutdownGrace) {
		s.log.Warn("ssh shutdown: submissions still in flight after grace", "in_flight", s.flights.count(),
			"grace", s.o.ShutdownGrace)
	}
	for _, ss := range live {
		ss.end(endShutdown)
	}
	if !s.waitConsoles(consolesGrace) {
		s.log.Warn("ssh shutdown: consoles still open; closing their connections", "sessions", s.Sessions())
	}
	select { // OpenSSH disconnects once its session ends; others get a moment, then their connections close
	case <-done:
	case <-time.After(closeGrace):
		stopWaiting()
		<-done
	}
}

// How long shutdown waits for the consoles to end, and then for clients to disconnect.
const (
	consolesGrace = 10 * time.Second
	closeGrace    = 2 * time.Second
)

// waitConsoles polls until no console is open or d has passed; it reports whether they all ended.
func (s *Server) waitConsoles(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for s.Sessions() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// Run builds the server, listens, prints (pt-BR) where it listens, the host key fingerprint and how to connect,
// and serves until ctx is done.
func Run(ctx context.Context, svc *common.Services, hub *ui.Hub, o Options, out io.Writer) error {
	s, err := New(svc, hub, o)
	if err != nil {
		return err
	}
	if err := s.listen(); err != nil {
		return err
	}
	addr := s.Addr().String()
	host, port, _ := net.SplitHostPort(addr)
	keys, keysPath := 0, ""
	if s.keys != nil {
		keys, keysPath = s.keys.len(), s.keys.path
	}
	s.log.Info("ssh limits", "login_grace", s.o.LoginGrace.String(), "max_startups",
		fmt.Sprintf("%d:%d:%d", s.o.MaxStartups[0], s.o.MaxStartups[1], s.o.MaxStartups[2]),
		"sessions_per_attendant", s.o.SessionsPerAttendant, "max_sessions", s.o.MaxSessions)
	if out != nil {
		_, _ = fmt.Fprint(out, i18n.SSHListening(addr, s.Fingerprint(), s.o.HostKeyPath, host, port, s.open, keys, keysPath))
	}
	s.log.Info("ssh listening", "addr", addr, "open", s.open, "authorized_keys", keys, "host_key", s.Fingerprint())
	return s.ListenAndServe(ctx)
}

// inflight counts submissions on their way, so shutdown can let them finish.
type inflight struct {
	mu sync.Mutex
	n  int
}

func (f *inflight) begin() { f.mu.Lock(); f.n++; f.mu.Unlock() }
func (f *inflight) end()   { f.mu.Lock(); f.n--; f.mu.Unlock() }

func (f *inflight) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// wait polls until nothing is in flight or d has passed; it reports whether everything finished.
func (f *inflight) wait(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for f.count() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}
