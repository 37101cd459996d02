package sshserver

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui"
	"github.com/balcao/balcao/ui/common"
)

// endReason is why a console ended.
type endReason int32

const (
	endQuit     endReason = iota // the attendant quit (or disconnected)
	endShutdown                  // the server is shutting down
	endIdle                      // no keystroke for IdleTimeout
	endCrash                     // the program stopped on a panic
)

func (r endReason) String() string {
	return [...]string{"quit", "shutdown", "idle", "crash"}[r]
}

// session is one attendant's console over SSH.
type session struct {
	srv    *Server
	sess   ssh.Session
	id     identity // who: the key's attendant and the key's fingerprint
	in     *inputPump
	reason atomic.Int32

	mu         sync.Mutex
	program    *tea.Program
	unregister func() // takes the program out of the hub
}

// track remembers sess's state until its handler returns (a connection may carry several sessions, so the state is
// keyed by session, not kept in the connection's context).
func (s *Server) track(sess ssh.Session) *session {
	ss := &session{srv: s, sess: sess}
	s.mu.Lock()
	s.bySess[sess] = ss
	s.mu.Unlock()
	return ss
}

func (s *Server) untrack(sess ssh.Session) {
	s.mu.Lock()
	delete(s.bySess, sess)
	s.mu.Unlock()
}

func (s *Server) sessionOf(sess ssh.Session) (*session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.bySess[sess]
	return ss, ok
}

// setProgram records the console's program and how to take it out of the hub (called once by the program handler).
func (ss *session) setProgram(p *tea.Program, unregister func()) {
	ss.mu.Lock()
	ss.program, ss.unregister = p, unregister
	ss.mu.Unlock()
}

// release takes the ended program out of the hub.
func (ss *session) release() {
	ss.mu.Lock()
	f := ss.unregister
	ss.mu.Unlock()
	if f != nil {
		f()
	}
}

func (ss *session) prog() *tea.Program {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.program
}

// notify sends msg to the console without waiting (Send blocks until the program reads it).
func (ss *session) notify(msg tea.Msg) {
	if p := ss.prog(); p != nil {
		go p.Send(msg)
	}
}

// end quits the console for reason (the first reason wins).
func (ss *session) end(r endReason) {
	ss.reason.CompareAndSwap(int32(endQuit), int32(r))
	if p := ss.prog(); p != nil {
		go p.Quit()
	}
}

// recoverMiddleware ends only the session whose handler panicked, with a pt-BR message.
func (s *Server) recoverMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("ssh session panic", "user", sanitizeUser(sess.User()), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				_, _ = fmt.Fprint(sess.Stderr(), "\r\n"+i18n.SSHCrashed+"\r\n")
				_ = sess.Exit(1)
			}
		}()
		next(sess)
	}
}

// logMiddleware resolves who the session is (the key's attendant) and logs the start and end of each session:
// attendant, key fingerprint, remote address, duration (no personal data).
func (s *Server) logMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		start := time.Now()
		id, ok := sessionIdentity(sess)
		if !ok { // not reached: every sign-in records its identity
			s.log.Error("ssh session without an identity", "user", sanitizeUser(sess.User()))
			_ = sess.Exit(1)
			return
		}
		authenticated(sess.Context())
		attrs := []any{"attendant", id.attendant, "key", id.fingerprint, "remote", remoteHost(sess.RemoteAddr())}
		if n, ok := s.o.Attendants[id.attendant]; ok {
			attrs = append(attrs, "id_atendente", n)
		}
		s.log.Info("ssh session start", attrs...)
		ss := s.track(sess)
		ss.id = id
		defer s.untrack(sess)
		next(sess)
		s.log.Info("ssh session end", append(attrs, "duration", time.Since(start).Round(time.Millisecond).String(),
			"reason", endReason(ss.reason.Load()).String())...)
	}
}

func remoteHost(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// limitMiddleware refuses sessions beyond MaxSessions, and new sessions while shutting down.
func (s *Server) limitMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		s.mu.Lock()
		draining := s.draining
		s.mu.Unlock()
		if draining {
			_, _ = fmt.Fprint(sess.Stderr(), i18n.SSHGoodbye+"\r\n")
			_ = sess.Exit(1)
			return
		}
		n := s.admitted.Add(1)
		defer s.admitted.Add(-1)
		if n > int64(s.o.MaxSessions) {
			s.log.Warn("ssh session refused: limit", "max", s.o.MaxSessions)
			_, _ = fmt.Fprintf(sess.Stderr(), i18n.SSHBusy+"\r\n", s.o.MaxSessions)
			_ = sess.Exit(1)
			return
		}
		id, _ := sessionIdentity(sess)
		if !s.takeSlot(id.attendant) {
			s.log.Warn("ssh session refused: attendant limit", "attendant", id.attendant, "max", s.o.SessionsPerAttendant)
			_, _ = fmt.Fprintf(sess.Stderr(), i18n.SSHAttendantBusy+"\r\n", s.o.SessionsPerAttendant)
			_ = sess.Exit(1)
			return
		}
		defer s.giveSlot(id.attendant)
		next(sess)
	}
}

// takeSlot counts one more session of an attendant, unless they already have SessionsPerAttendant.
func (s *Server) takeSlot(attendant string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perUser[attendant] >= s.o.SessionsPerAttendant {
		return false
	}
	s.perUser[attendant]++
	return true
}

func (s *Server) giveSlot(attendant string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perUser[attendant]--; s.perUser[attendant] <= 0 {
		delete(s.perUser, attendant)
	}
}

// ptyMiddleware refuses a session without a terminal with a pt-BR message on how to connect.
func (s *Server) ptyMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, _, ok := sess.Pty(); !ok {
			_, port, _ := net.SplitHostPort(sess.LocalAddr().String())
			_, _ = fmt.Fprint(sess.Stderr(), i18n.SSHNeedsTerminal(port)+"\n")
			_ = sess.Exit(1)
			return
		}
		next(sess)
	}
}

// sessionMiddleware holds the session's state around the console: it registers it for the shutdown, watches
// for idleness, and writes the farewell (shutdown, idle, crash) once the console has ended.
func (s *Server) sessionMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		ss, ok := s.sessionOf(sess)
		if !ok { // not reached: logMiddleware tracks every session
			ss = s.track(sess)
			defer s.untrack(sess)
		}
		ss.in = newInputPump(sess)
		defer ss.in.close()
		s.mu.Lock()
		if s.draining {
			s.mu.Unlock()
			_, _ = fmt.Fprint(sess, i18n.SSHGoodbye+"\r\n")
			_ = sess.Exit(1)
			return
		}
		s.live[ss] = struct{}{}
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			delete(s.live, ss)
			s.mu.Unlock()
		}()

		if s.open {
			_, _ = fmt.Fprint(sess, i18n.SSHOpenBanner+"\r\n")
		}
		stop := make(chan struct{})
		go s.watchIdle(ss, stop)
		next(sess) // runs the console until it ends
		close(stop)
		ss.release()

		var farewell string
		switch endReason(ss.reason.Load()) {
		case endShutdown:
			farewell = i18n.SSHGoodbye
		case endIdle:
			farewell = fmt.Sprintf(i18n.SSHIdle, s.o.IdleTimeout.Round(time.Second))
		case endCrash:
			farewell = i18n.SSHCrashed
		}
		if farewell != "" {
			_, _ = fmt.Fprint(sess, "\r\n"+farewell+"\r\n")
		}
		_ = sess.Exit(0)
	}
}

// watchIdle ends the console after IdleTimeout without a keystroke.
func (s *Server) watchIdle(ss *session, stop <-chan struct{}) {
	period := min(s.o.IdleTimeout/4, time.Minute)
	t := time.NewTicker(max(period, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if time.Since(ss.in.lastInput()) >= s.o.IdleTimeout {
				s.log.Info("ssh session idle", "attendant", ss.id.attendant, "idle_timeout", s.o.IdleTimeout.String())
				ss.end(endIdle)
				return
			}
		}
	}
}

// programMiddleware runs one console per session (wish's bubbletea middleware, which also turns the client's
// window changes into tea.WindowSizeMsg).
func (s *Server) programMiddleware() wish.Middleware {
	return bm.MiddlewareWithProgramHandler(s.newProgram, termenv.Ascii)
}

// newProgram builds the session's console: styles from the client's terminal (NO_COLOR honoured), OSC 52 copy
// through the session, the SSH user as the attendant, registered in the hub for events.
func (s *Server) newProgram(sess ssh.Session) *tea.Program {
	ss, ok := s.sessionOf(sess)
	if !ok || ss.in == nil {
		return nil
	}
	// The renderer asks the terminal for its background colour; it reads the answer through a window that closes
	// after queryWindow, so a terminal that never answers does not swallow the first keystroke.
	q := &queryingSession{Session: sess, in: ss.in, until: time.Now().Add(queryWindow)}
	r := bm.MakeRenderer(q)
	ss.in.unread(terminalReplies.ReplaceAll(q.read.Bytes(), nil)) // keys typed meanwhile go to the console
	logger := s.log.With(slog.String("attendant", ss.id.attendant), slog.String("key", ss.id.fingerprint))
	m := ui.New(s.svc, common.Session{Attendant: ss.id.attendant, AttendantID: s.o.Attendants[ss.id.attendant],
		KeyFingerprint: ss.id.fingerprint, Renderer: r, Output: sess, Logger: logger,
		NoColor: noColor(sess.Environ())}) // no colour, but bold, reverse and underline stay
	opts := append(ui.ProgramOptions(),
		tea.WithInput(ss.in), tea.WithOutput(sess),
		tea.WithoutSignalHandler(), // signals are the server's: a SIGTERM is a graceful shutdown, not 50 quits
		tea.WithEnvironment(sess.Environ()),
	)
	p := tea.NewProgram(&sessionModel{Model: m, ss: ss}, opts...)
	ss.setProgram(p, s.hub.Register(p))
	if endReason(ss.reason.Load()) != endQuit { // ended (shutdown) before the program existed
		go p.Quit()
	}
	if s.open {
		ss.notify(common.NoticeMsg{Text: i18n.SSHOpenNotice})
	}
	return p
}

// sessionModel wraps a session's console: it marks the session as crashed when the console panics, and gives the
// console keys it may modify.
type sessionModel struct {
	tea.Model
	ss *session
}

func (c *sessionModel) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			c.ss.reason.CompareAndSwap(int32(endQuit), int32(endCrash))
			c.ss.srv.log.Error("ssh console panic", "attendant", c.ss.id.attendant, "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
			m, cmd = c, tea.Quit
		}
	}()
	if k, ok := msg.(tea.KeyMsg); ok && len(k.Runes) > 0 {
		// Bubble Tea hands every program the same shared slice for a space, and the text input sanitises runes in
		// place: harmless with one console, a data race with many in one process. Each console gets its own copy.
		k.Runes = append([]rune(nil), k.Runes...)
		msg = k
	}
	next, cmd := c.Model.Update(msg)
	c.Model = next
	return c, cmd
}

func (c *sessionModel) View() (v string) {
	defer func() {
		if r := recover(); r != nil {
			c.ss.srv.log.Error("ssh console panic in view", "attendant", c.ss.id.attendant, "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
			c.ss.end(endCrash)
			v = i18n.SSHCrashed
		}
	}()
	return c.Model.View()
}

// noColor reports whether the client asked for no colour (NO_COLOR set and not empty, no-color.org).
func noColor(env []string) bool {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == "NO_COLOR" && v != "" {
			return true
		}
	}
	return false
}

// queryWindow is how long the renderer may read the terminal's answer to its colour query.
const queryWindow = time.Second

// queryingSession is the session as the renderer's colour query sees it: reads stop at a deadline instead of
// blocking on the attendant's first keystroke, and what it read is kept so the keys can be given back.
type queryingSession struct {
	ssh.Session
	in    *inputPump
	until time.Time
	read  bytes.Buffer
}

func (q *queryingSession) Read(p []byte) (int, error) {
	n, err := q.in.readUntil(p, q.until)
	q.read.Write(p[:n])
	return n, err
}

// terminalReplies matches the terminal's answers to the renderer's queries: background colour (OSC 11) and
// primary device attributes.
var terminalReplies = regexp.MustCompile(`\x1b\]11;[^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[\?[0-9;]*c`)

// inputPump reads the session's input in one goroutine, remembers when the attendant last typed, and hands the
// bytes to whoever reads (the colour query first, then the program).
type inputPump struct {
	ch   chan []byte
	done chan struct{}
	last atomic.Int64 // unix nanos of the last input

	mu      sync.Mutex
	pending []byte
	err     error
	once    sync.Once
}

func newInputPump(r io.Reader) *inputPump {
	in := &inputPump{ch: make(chan []byte), done: make(chan struct{})}
	in.last.Store(time.Now().UnixNano())
	go in.pump(r)
	return in
}

func (in *inputPump) pump(r io.Reader) {
	defer close(in.ch)
	for {
		buf := make([]byte, 4096)
		n, err := r.Read(buf)
		if n > 0 {
			in.last.Store(time.Now().UnixNano())
			select {
			case in.ch <- buf[:n]:
			case <-in.done:
				return
			}
		}
		if err != nil {
			in.mu.Lock()
			in.err = err
			in.mu.Unlock()
			return
		}
	}
}

func (in *inputPump) lastInput() time.Time { return time.Unix(0, in.last.Load()) }

// Read blocks until input arrives or the session ends.
func (in *inputPump) Read(p []byte) (int, error) { return in.readUntil(p, time.Time{}) }

// readUntil is Read with a deadline (zero: none); past the deadline it returns io.EOF without consuming input.
func (in *inputPump) readUntil(p []byte, deadline time.Time) (int, error) {
	in.mu.Lock()
	if len(in.pending) > 0 {
		n := copy(p, in.pending)
		in.pending = in.pending[n:]
		in.mu.Unlock()
		return n, nil
	}
	in.mu.Unlock()
	var timeout <-chan time.Time
	if !deadline.IsZero() {
		d := time.Until(deadline)
		if d <= 0 {
			return 0, io.EOF
		}
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case b, ok := <-in.ch:
		if !ok {
			in.mu.Lock()
			err := in.err
			in.mu.Unlock()
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		n := copy(p, b)
		if n < len(b) {
			in.mu.Lock()
			in.pending = append(in.pending, b[n:]...)
			in.mu.Unlock()
		}
		return n, nil
	case <-timeout:
		return 0, io.EOF
	case <-in.done:
		return 0, io.EOF
	}
}

// unread puts b back in front of the input not read yet.
func (in *inputPump) unread(b []byte) {
	if len(b) == 0 {
		return
	}
	in.mu.Lock()
	in.pending = append(append([]byte{}, b...), in.pending...)
	in.mu.Unlock()
}

// close stops the pump (the session's end closes its input too).
func (in *inputPump) close() { in.once.Do(func() { close(in.done) }) }
