package server

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// LoadResult is what RunLoad measured.
type LoadResult struct {
	Requests int           // requests completed (any status)
	Errors   int           // transport failures and answers other than 200
	Status   map[int]int   // answers by HTTP status
	Elapsed  time.Duration // wall time of the run
	PerSec   float64       // Requests / Elapsed
	P50, P90 time.Duration // latency percentiles of completed requests
	P99, Max time.Duration
}

// RunLoad POSTs n bodies (taken round-robin from bodies) to url over conns concurrent keep-alive connections,
// each request carrying header, and measures throughput and latency. It stops early when ctx is done.
// It only drives the address it is given: point it at a server on this machine.
func RunLoad(ctx context.Context, url string, header http.Header, conns int, n int, bodies [][]byte) LoadResult {
	if conns < 1 {
		conns = 1
	}
	if len(bodies) == 0 {
		bodies = [][]byte{[]byte("{}")}
	}
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var next atomic.Int64
	var mu sync.Mutex
	res := LoadResult{Status: map[int]int{}}
	var all []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, n/conns+1)
			status := map[int]int{}
			errs := 0
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					break
				}
				t0 := time.Now()
				code, err := post(ctx, client, url, header, bodies[i%len(bodies)])
				d := time.Since(t0)
				if err != nil {
					errs++
					continue
				}
				lat = append(lat, d)
				status[code]++
				if code != http.StatusOK {
					errs++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			all = append(all, lat...)
			res.Errors += errs
			for c, k := range status {
				res.Status[c] += k
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Requests = len(all)
	if res.Elapsed > 0 {
		res.PerSec = float64(res.Requests) / res.Elapsed.Seconds()
	}
	if len(all) > 0 {
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
		return 0, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}
