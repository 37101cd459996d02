// Package clienttest holds what the upstream clients' tests share: local HTTP servers that answer, hang or drop,
// a closed port, a debug logger to read, and bounds on how long a call may take.
package clienttest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client"
)

// UpperBound is how long any call in these tests may take before the test calls it stuck (never a speed target).
const UpperBound = 20 * time.Second

// Seed reads a file of the calling package's testdata.
func Seed(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// Serve starts a test HTTP server with h, closed when the test ends.
func Serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// WriteJSON answers a JSON body with status.
func WriteJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// HangServer serves handlers that count the request, read its body and then block until the client goes away
// or the test ends (its release runs before the server's Close, which waits for handlers).
func HangServer(t testing.TB, arrived chan<- struct{}, n *atomic.Int32) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := Serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n != nil {
			n.Add(1)
		}
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client leaving
		if arrived != nil {
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
	t.Cleanup(func() { close(done) })
	return srv
}

// Drop closes the connection without answering, after the request was read.
func Drop(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	c, _, err := hj.Hijack()
	if err == nil {
		_ = c.Close()
	}
}

// ClosedPort returns a loopback URL nobody listens on.
func ClosedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// Within runs f and fails the test if it does not return within UpperBound.
func Within[T any](t *testing.T, f func() T) T {
	t.Helper()
	ch := make(chan T, 1)
	go func() { ch <- f() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(UpperBound):
		t.Fatal("call did not return")
		var zero T
		return zero
	}
}

// AsError asserts err is an *Error and returns it.
func AsError(t *testing.T, err error) *client.Error {
	t.Helper()
	require.Error(t, err)
	var e *client.Error
	require.True(t, errors.As(err, &e), "want *client.Error, got %T: %v", err, err)
	return e
}

// LogBuffer is a concurrency-safe sink for a debug-level slog logger.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends to the buffer.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns what was written.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// DebugLogger is a debug-level text logger writing to a LogBuffer.
func DebugLogger() (*slog.Logger, *LogBuffer) {
	lb := &LogBuffer{}
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}

// FastWait and FastMaxWait are retry options that keep tests quick.
const (
	FastWait    = time.Millisecond
	FastMaxWait = 5 * time.Millisecond
)

// Ctx is a context ending after UpperBound or with the test.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), UpperBound)
	t.Cleanup(cancel)
	return ctx
}
