package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/balcao/balcao/i18n"
)

// middleware is one layer of the chain routes.go composes.
type middleware func(http.Handler) http.Handler

// recoverPanics answers a request whose handling panicked with 500 and the failure body (unless its answer had
// begun) and logs the panic with its stack; the server keeps serving. It is the chain's outermost layer, so a
// panic in any other layer is caught too. http.ErrAbortHandler passes through: it aborts the answer on purpose.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("busca: panic serving request", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !rec.wrote {
				writeJSON(w, http.StatusInternalServerError, failureBody(i18n.ServerInternal))
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// exchange is observe's record of one request: the status written and the facts noted (one allocation).
type exchange struct {
	rec   recorder
	facts facts
}

// observe counts every request of endpoint in the metrics and writes its log line once it is answered, with
// the facts the inner layers noted. A panic passing through is recorded as the 500 that recoverPanics, outside,
// answers (unless the answer had begun), then goes on to it.
func (s *Server) observe(endpoint string) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			if endpoint == epBusca {
				s.requests.Add(1)
			}
			x := &exchange{rec: recorder{ResponseWriter: w}, facts: facts{results: -1}}
			defer func() {
				if p := recover(); p != nil {
					if p != http.ErrAbortHandler {
						x.facts.errKind, x.facts.err = errPanic, fmt.Errorf("panic: %v", p)
						s.finish(endpoint, r, x.rec.statusOr(http.StatusInternalServerError), &x.facts, time.Since(start))
					}
					panic(p)
				}
			}()
			next.ServeHTTP(&x.rec, withFacts(r, &x.facts))
			s.finish(endpoint, r, x.rec.statusOr(http.StatusOK), &x.facts, time.Since(start))
		})
	}
}

// finish records one answered request in the metrics and the log.
func (s *Server) finish(endpoint string, r *http.Request, code int, f *facts, d time.Duration) {
	s.m.observe(endpoint, code, d.Seconds())
	if f.errKind != "" {
		s.m.errors.WithLabelValues(f.errKind).Inc()
	}
	if endpoint == epBusca && f.results >= 0 {
		s.m.results.Observe(float64(f.results))
	}
	s.logRequest(endpoint, r, code, f, d)
}

// logRequest writes a request's log line: Debug for the operational endpoints, else by status. It carries the
// criteria masked, the count of unknown keys (never the keys: a key may be someone's name) and the path with its
// long digit runs masked, never a full CPF, name or phone.
func (s *Server) logRequest(endpoint string, r *http.Request, code int, f *facts, d time.Duration) {
	level := slog.LevelInfo
	switch {
	case endpoint == epHealthz || endpoint == epMetrics:
		level = slog.LevelDebug
	case code == http.StatusUnauthorized || code == http.StatusTooManyRequests:
		level = slog.LevelDebug // a flood of these is summarised by the guard, once a minute
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
		slog.String("path", truncate(maskDigits(r.URL.Path), 120)),
		slog.Int("status", code),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.String("remote", r.RemoteAddr),
	}
	if f.results >= 0 {
		attrs = append(attrs, slog.Int("results", f.results))
	}
	if len(f.criteria) > 0 {
		attrs = append(attrs, slog.Any("criteria", f.criteria))
	}
	if f.unknown > 0 {
		attrs = append(attrs, slog.Int("unknown_keys", f.unknown))
	}
	if f.fallback != "" {
		attrs = append(attrs, slog.String("totvs_fallback", f.fallback))
	}
	if f.credential != "" {
		attrs = append(attrs, slog.String("credential", f.credential))
	}
	if f.errKind != "" {
		attrs = append(attrs, slog.String("error_kind", f.errKind))
	}
	if f.err != nil {
		attrs = append(attrs, slog.String("error", f.err.Error()))
	}
	s.log.LogAttrs(r.Context(), level, "busca: request", attrs...)
}

// requireAuth lets a request through only with the static secret or a live token (see authenticate), noting
// the credential's name; otherwise it answers 401, or 429 with Retry-After while the address must wait.
func (s *Server) requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, wait, ok := s.authenticate(r)
		switch {
		case ok:
			note(r).credential = name
			next.ServeHTTP(w, r)
		case wait > 0:
			s.tooMany(w, r, wait, errThrottled, i18n.ServerWaitCredential(retryAfter(wait)))
		default:
			fail(w, r, http.StatusUnauthorized, errUnauthorized, i18n.ServerUnauthorized)
		}
	})
}

// authenticate checks the credential r carries through the guard. ok: name is the credential's. Otherwise a
// positive wait means the client's address must wait (it failed too often), else the credential is wrong or
// missing, which is charged to the address.
func (s *Server) authenticate(r *http.Request) (name string, wait time.Duration, ok bool) {
	addr := s.clientAddr(r)
	if name, ok = s.credential(r); ok {
		if w, held := s.guard.holding(addr, ""); held {
			return "", w, false
		}
		s.guard.markGood(addr, "", s.o.Now())
		return name, 0, true
	}
	if w, admitted := s.guard.admit(addr, ""); !admitted {
		return "", w, false
	}
	s.guard.failed(addr)
	return "", 0, false
}

// limitRate answers 429 in the failure shape once the request's credential has spent its search budget
// (Options.Rate a second, Options.Burst at once). It runs after requireAuth, which names the credential.
func (s *Server) limitRate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b := s.budgets[note(r).credential]; b != nil && !b.Allow() {
			s.tooMany(w, r, time.Second, errRateLimited, i18n.ServerRateLimited)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tooMany answers 429 with Retry-After (whole seconds, at least 1) and the failure body.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, kind, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
	fail(w, r, http.StatusTooManyRequests, kind, msg)
}

// retryAfter is wait in whole seconds, rounded up, at least 1.
func retryAfter(wait time.Duration) int {
	return max(1, int((wait+time.Second-1)/time.Second))
}

// clientAddr is the address a request comes from: the peer's IP, or behind a proxy (Options.BehindProxy) the
// last X-Forwarded-For entry, the one the proxy itself added.
func (s *Server) clientAddr(r *http.Request) string {
	if s.o.BehindProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip := net.ParseIP(strings.TrimSpace(last)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limitBody reads the request body whole before the handler runs, answering 413 past MaxBodyBytes and 400 on a
// broken read; the handler then reads the bytes from r.Body as usual, or takes them with readAll.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			note(r).err = fmt.Errorf("read body: %w", err)
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				fail(w, r, http.StatusRequestEntityTooLarge, errTooLarge, i18n.ServerTooLarge)
			} else {
				fail(w, r, http.StatusBadRequest, errBadRequest, i18n.ServerBadJSON)
			}
			return
		}
		r.Body = newReadBody(body)
		next.ServeHTTP(w, r)
	})
}

// readBody is a request body limitBody has read whole.
type readBody struct {
	bytes.Reader
	b []byte
}

// newReadBody returns a body reading b.
func newReadBody(b []byte) *readBody {
	rb := &readBody{b: b}
	rb.Reset(b)
	return rb
}

// Close does nothing: the bytes are in memory.
func (*readBody) Close() error { return nil }

// readAll returns the request body: the bytes limitBody read, without copying them, or else all of r.Body.
func readAll(r *http.Request) ([]byte, error) {
	if rb, ok := r.Body.(*readBody); ok && rb.Len() == len(rb.b) {
		return rb.b, nil
	}
	return io.ReadAll(r.Body)
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

// statusOr returns the status written, or otherwise when nothing was.
func (r *recorder) statusOr(otherwise int) int {
	if !r.wrote {
		return otherwise
	}
	return r.status
}

// maskDigits hides every run of four or more digits in s (a CPF, card or phone pasted into a path), keeping the
// run's last two digits.
func maskDigits(s string) string {
	var b []byte
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run >= 4 {
			if b == nil {
				b = []byte(s)
			}
			for j := i - run; j < i-2; j++ {
				b[j] = '*'
			}
		}
		run = 0
	}
	if b == nil {
		return s
	}
	return string(b)
}
