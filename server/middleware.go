package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
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
// criteria masked and the unknown keys by name only, never a full CPF, name or phone.
func (s *Server) logRequest(endpoint string, r *http.Request, code int, f *facts, d time.Duration) {
	level := slog.LevelInfo
	switch {
	case endpoint == epHealthz || endpoint == epMetrics:
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
	if f.results >= 0 {
		attrs = append(attrs, slog.Int("results", f.results))
	}
	if len(f.criteria) > 0 {
		attrs = append(attrs, slog.Any("criteria", f.criteria))
	}
	if len(f.unknown) > 0 {
		attrs = append(attrs, slog.Any("unknown_keys", f.unknown))
	}
	if f.errKind != "" {
		attrs = append(attrs, slog.String("error_kind", f.errKind))
	}
	if f.err != nil {
		attrs = append(attrs, slog.String("error", f.err.Error()))
	}
	s.log.LogAttrs(r.Context(), level, "busca: request", attrs...)
}

// requireAuth answers 401 unless the request carries the static secret or a live token (see authorized).
func (s *Server) requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			fail(w, r, http.StatusUnauthorized, errUnauthorized, i18n.ServerUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
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
