package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/internal/loadgen"
)

func TestConcurrentRequests(t *testing.T) {
	// Under -race on a busy 2-core machine 500 queued searches can take longer than the default search bound.
	e := startServer(t, newDirectory(t, fixture), Options{Secret: "s", SearchTimeout: 5 * time.Minute})
	bodies := []struct {
		body string
		code int
	}{
		{`{"chaveUnica":"15846772777"}`, http.StatusOK},
		{`{"nome":"joao"}`, http.StatusOK},
		{`{"cpf":"52998224725"}`, http.StatusOK},
		{`{"nome":"ninguem"}`, http.StatusOK},
		{`{`, http.StatusBadRequest},
	}
	const n = 500
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := bodies[i%len(bodies)]
			req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/buscaBeneficiarios", strings.NewReader(b.body))
			req.Header.Set("Authorization", "s")
			resp, err := e.ts.Client().Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			if err != nil {
				errs <- err
				return
			}
			if resp.StatusCode != b.code || len(got) == 0 {
				errs <- errors.New(b.body + ": " + resp.Status + " " + string(got))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.EqualValues(t, n, e.srv.Requests())
}

func TestGracefulShutdown(t *testing.T) {
	slow := &slowDir{Directory: newDirectory(t, fixture), entered: make(chan struct{}), release: make(chan struct{})}
	s := mustNew(t, slow, Options{Logger: discardLogger()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	url := "http://" + ln.Addr().String() + "/buscaBeneficiarios"
	type answer struct {
		code int
		body string
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"chaveUnica":"15846772777"}`))
		req.Header.Set("Authorization", testSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, string(b), err}
	}()
	<-slow.entered // the request is in flight
	cancel()
	// Shutdown closes the listener first: wait until new connections are refused, then let the search finish.
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned before the in-flight request finished: %v", err)
	default:
	}
	close(slow.release)
	a := <-answered
	require.NoError(t, a.err)
	assert.Equal(t, http.StatusOK, a.code)
	assert.JSONEq(t, seedAnswer, a.body)
	require.NoError(t, <-served)
}

func TestServeReturnsListenerError(t *testing.T) {
	s := mustNew(t, newDirectory(t, fixture), Options{Logger: discardLogger()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln.Close()
	err = s.Serve(context.Background(), ln)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "busca serve")
}

func TestRunLoad(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{Secret: "s"})
	bodies := [][]byte{[]byte(`{"chaveUnica":"15846772777"}`), []byte(`{"nome":"joao"}`), []byte(`{`), []byte(`{"nome":"x"}`)}
	res := loadgen.Run(context.Background(), e.ts.URL+"/buscaBeneficiarios", http.Header{"Authorization": {"s"}}, 4, 40, bodies)
	assert.Equal(t, 40, res.Requests)
	assert.Equal(t, map[int]int{http.StatusOK: 30, http.StatusBadRequest: 10}, res.Status)
	assert.Equal(t, 10, res.Errors)
	assert.Positive(t, res.PerSec)
	assert.LessOrEqual(t, res.P50, res.P99)
	assert.LessOrEqual(t, res.P99, res.Max)
	assert.EqualValues(t, 40, e.srv.Requests())

	unauth := loadgen.Run(context.Background(), e.ts.URL+"/buscaBeneficiarios", nil, 1, 6, bodies)
	assert.Equal(t, map[int]int{http.StatusUnauthorized: 5, http.StatusTooManyRequests: 1}, unauth.Status,
		"five wrong credentials, then the address waits")
	assert.Equal(t, 6, unauth.Errors)
}
