// Package loadgen drives an HTTP endpoint with concurrent keep-alive POSTs and measures throughput and latency,
// for the service's tests and load benchmarks. It only drives the address it is given: point it at a server on
// this machine.
package loadgen

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what Run measured.
type Result struct {
	Requests int           // requests completed (any status)
	Errors   int           // transport failures and answers other than 200
	Status   map[int]int   // answers by HTTP status
	Elapsed  time.Duration // wall time of the run
	PerSec   float64       // Requests / Elapsed
	P50, P90 time.Duration // latency percentiles of completed requests
	P99, Max time.Duration
}

// Run POSTs n bodies (taken round-robin from bodies) to url over conns concurrent keep-alive connections, each
// request carrying header, and measures throughput and latency. It stops early when ctx is done.
func Run(ctx context.Context, url string, header http.Header, conns int, n int, bodies [][]byte) Result {
	return RunTLS(ctx, nil, url, header, conns, n, bodies)
}

// RunTLS is Run over https with the client configuration tc (nil: Go's defaults).
func RunTLS(ctx context.Context, tc *tls.Config, url string, header http.Header, conns int, n int, bodies [][]byte) Result {
	if conns < 1 {
		conns = 1
	}
	if len(bodies) == 0 {
		bodies = [][]byte{[]byte("{}")}
	}
	client, closeIdle := newClient(conns, tc)
	defer closeIdle()

	l := &load{ctx: ctx, client: client, url: url, header: header, n: n, bodies: bodies,
		res: Result{Status: map[int]int{}}}
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Go(func() { l.merge(l.drive(n/conns + 1)) })
	}
	wg.Wait()
	return l.result(time.Since(start))
}

// newClient returns a client keeping up to conns connections open (TLS with tc), and how to close them.
func newClient(conns int, tc *tls.Config) (*http.Client, func()) {
	tr := &http.Transport{
		TLSClientConfig:     tc,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, tr.CloseIdleConnections
}

// load is one Run: its settings, the next request to send, and what the connections measured so far.
type load struct {
	ctx    context.Context
	client *http.Client
	url    string
	header http.Header
	n      int
	bodies [][]byte
	next   atomic.Int64

	mu  sync.Mutex
	lat []time.Duration // latencies of every completed request
	res Result
}

// tally is what one connection measured.
type tally struct {
	lat    []time.Duration
	status map[int]int
	errs   int
}

// drive sends requests on one connection until n have been taken by all connections or ctx is done.
func (l *load) drive(capacity int) tally {
	t := tally{lat: make([]time.Duration, 0, capacity), status: map[int]int{}}
	for l.ctx.Err() == nil {
		i := int(l.next.Add(1)) - 1
		if i >= l.n {
			break
		}
		t0 := time.Now()
		code, err := post(l.ctx, l.client, l.url, l.header, l.bodies[i%len(l.bodies)])
		d := time.Since(t0)
		if err != nil {
			t.errs++
			continue
		}
		t.lat = append(t.lat, d)
		t.status[code]++
		if code != http.StatusOK {
			t.errs++
		}
	}
	return t
}

// merge adds one connection's tally to the run's.
func (l *load) merge(t tally) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lat = append(l.lat, t.lat...)
	l.res.Errors += t.errs
	for c, k := range t.status {
		l.res.Status[c] += k
	}
}

// result completes the run's Result with its wall time, throughput and latency percentiles.
func (l *load) result(elapsed time.Duration) Result {
	res := l.res
	res.Elapsed = elapsed
	res.Requests = len(l.lat)
	if elapsed > 0 {
		res.PerSec = float64(res.Requests) / elapsed.Seconds()
	}
	if all := l.lat; len(all) > 0 {
		slices.Sort(all)
		pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
		res.P50, res.P90, res.P99, res.Max = pct(.50), pct(.90), pct(.99), all[len(all)-1]
	}
	return res
}

// post sends one request and drains the answer so the connection is reused.
func post(ctx context.Context, c *http.Client, url string, header http.Header, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("loadgen request: %w", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("loadgen post: %w", err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return resp.StatusCode, fmt.Errorf("loadgen read answer: %w", err)
	}
	return resp.StatusCode, nil
}
