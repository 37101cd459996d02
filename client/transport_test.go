package client_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/client/internal/clienttest"
	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

const card = "00011008000027010"

// occurrence is a valid occurrence for the POST tests.
var occurrence = model.Occurrence{
	TypeID: 469, SubjectID: 309, Function: 9298,
	Requester:   model.Party{Name: "Patrick Oliveira Cabral", ChaveUnica: "13331584754", Phone: "27997981966"},
	Beneficiary: &model.Party{Name: "Fabiana Sophia Melo", ChaveUnica: "52998224725"},
	Note:        "Pedido de reembolso do exame de sangue",
}

// calls are the three kinds of request: a retried TOTVS GET, a retried Mosia GET, and a never-retried Mosia POST.
type call struct {
	name  string
	retry bool
	run   func(ctx context.Context, url string, retries int, timeout time.Duration) error
}

var calls = []call{
	{"totvs GET", true, func(ctx context.Context, url string, retries int, timeout time.Duration) error {
		c := totvs.New(totvs.Options{BaseURL: url, Retries: retries, Timeout: timeout, RetryWait: clienttest.FastWait, RetryMaxWait: clienttest.FastMaxWait})
		defer c.Close()
		_, err := c.Contract(ctx, card)
		return err
	}},
	{"mosia GET", true, func(ctx context.Context, url string, retries int, timeout time.Duration) error {
		c := mosia.New(mosia.Options{BaseURL: url, Token: "tok", Retries: retries, Timeout: timeout, RetryWait: clienttest.FastWait, RetryMaxWait: clienttest.FastMaxWait})
		defer c.Close()
		_, err := c.LatestProtocols(ctx, "13331584754", 3)
		return err
	}},
	{"mosia POST", false, func(ctx context.Context, url string, retries int, timeout time.Duration) error {
		c := mosia.New(mosia.Options{BaseURL: url, Token: "tok", Retries: retries, Timeout: timeout, RetryWait: clienttest.FastWait, RetryMaxWait: clienttest.FastMaxWait})
		defer c.Close()
		_, err := c.CreateOccurrence(ctx, occurrence)
		return err
	}},
}

func TestServerErrorRetriedOnlyForGETs(t *testing.T) {
	for _, cl := range calls {
		for _, status := range []int{500, 502, 503, 429} {
			t.Run(cl.name+" "+http.StatusText(status), func(t *testing.T) {
				var n atomic.Int32
				srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
					n.Add(1)
					clienttest.WriteJSON(w, status, []byte(`{"status":false,"code":"X","message":"fora do ar"}`))
				})
				const retries = 2
				e := clienttest.AsError(t, cl.run(clienttest.Ctx(t), srv.URL, retries, 0))
				assert.Equal(t, client.KindServer, e.Kind)
				assert.Equal(t, status, e.Status)
				assert.Equal(t, "fora do ar", e.Message)
				want := int32(1)
				if cl.retry {
					want = retries + 1
				}
				assert.Equal(t, want, n.Load(), "attempts")
				assert.Equal(t, status != 429, e.Sent(), "a 5xx may have been processed; a 429 was not")
			})
		}
	}
}

func TestRetryRecovers(t *testing.T) {
	var n atomic.Int32
	srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			clienttest.WriteJSON(w, 503, nil)
			return
		}
		clienttest.WriteJSON(w, 200, []byte(`{"fields":{},"struct":[],"folders":[]}`))
	})
	require.NoError(t, calls[0].run(clienttest.Ctx(t), srv.URL, 2, 0))
	assert.EqualValues(t, 3, n.Load())
}

func TestTimeout(t *testing.T) {
	for _, cl := range calls {
		t.Run(cl.name, func(t *testing.T) {
			var n atomic.Int32
			srv := clienttest.HangServer(t, nil, &n)
			err := clienttest.Within(t, func() error { return cl.run(clienttest.Ctx(t), srv.URL, 1, 100*time.Millisecond) })
			e := clienttest.AsError(t, err)
			assert.Equal(t, client.KindTimeout, e.Kind)
			assert.True(t, e.Sent(), "the request was written before the server stalled")
			if cl.retry {
				assert.Contains(t, e.UserMessage(), "não respondeu a tempo")
				assert.EqualValues(t, 2, n.Load())
			} else {
				assert.EqualValues(t, 1, n.Load())
				assert.Contains(t, e.UserMessage(), "pode ter sido registrada")
			}
		})
	}
}

func TestCallerDeadlineIsTimeout(t *testing.T) {
	srv := clienttest.HangServer(t, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := clienttest.Within(t, func() error { return calls[0].run(ctx, srv.URL, 3, time.Minute) })
	assert.Equal(t, client.KindTimeout, client.KindOf(err))
	assert.True(t, errors.Is(err, context.DeadlineExceeded))
}

func TestDroppedConnection(t *testing.T) {
	for _, cl := range calls {
		t.Run(cl.name, func(t *testing.T) {
			var n atomic.Int32
			srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1); clienttest.Drop(w, r) })
			e := clienttest.AsError(t, cl.run(clienttest.Ctx(t), srv.URL, 2, 0))
			assert.Equal(t, client.KindRefused, e.Kind)
			assert.True(t, e.Sent(), "the server got the request before dropping")
			assert.Equal(t, 0, e.Status)
			if cl.retry {
				assert.EqualValues(t, 3, n.Load())
			} else {
				assert.EqualValues(t, 1, n.Load())
			}
		})
	}
}

func TestRefused(t *testing.T) {
	for _, cl := range calls {
		t.Run(cl.name, func(t *testing.T) {
			e := clienttest.AsError(t, clienttest.Within(t, func() error { return cl.run(clienttest.Ctx(t), clienttest.ClosedPort(t), 1, 0) }))
			assert.Equal(t, client.KindRefused, e.Kind)
			assert.False(t, e.Sent(), "nothing left the machine")
			assert.Contains(t, e.UserMessage(), "Não foi possível falar")
		})
	}
}

func TestMalformedBody(t *testing.T) {
	bodies := map[string]string{
		"html":      "<html><body>Proxy Error</body></html>",
		"truncated": `{"fields": {"ba1_cpfusr": "2357`,
		"empty":     "",
	}
	for _, cl := range calls {
		for name, body := range bodies {
			t.Run(cl.name+" "+name, func(t *testing.T) {
				var n atomic.Int32
				srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
					if cl.retry || r.Method == http.MethodPost { // the POST's protocol fallback GETs are not counted
						n.Add(1)
					}
					w.WriteHeader(200)
					_, _ = w.Write([]byte(body))
				})
				e := clienttest.AsError(t, cl.run(clienttest.Ctx(t), srv.URL, 2, 0))
				assert.Equal(t, client.KindMalformed, e.Kind)
				assert.Equal(t, 200, e.Status)
				assert.True(t, e.Sent())
				assert.EqualValues(t, 1, n.Load(), "a readable answer is not retried")
				if name == "html" {
					assert.Contains(t, e.Detail, "Proxy Error")
				}
			})
		}
	}
}

func TestAuthRejected(t *testing.T) {
	for _, cl := range calls {
		for _, status := range []int{401, 403} {
			t.Run(cl.name+" "+http.StatusText(status), func(t *testing.T) {
				var n atomic.Int32
				srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) {
					n.Add(1)
					clienttest.WriteJSON(w, status, []byte(`{"status":false,"message":"Token inválido"}`))
				})
				e := clienttest.AsError(t, cl.run(clienttest.Ctx(t), srv.URL, 2, 0))
				assert.Equal(t, client.KindAuth, e.Kind)
				assert.Equal(t, "Token inválido", e.Message)
				assert.False(t, e.Sent())
				assert.EqualValues(t, 1, n.Load())
				assert.Contains(t, e.UserMessage(), "credenciais")
			})
		}
	}
}

func TestContextCanceled(t *testing.T) {
	for _, cl := range calls {
		t.Run(cl.name+" in flight", func(t *testing.T) {
			arrived := make(chan struct{}, 1)
			srv := clienttest.HangServer(t, arrived, nil)
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-arrived; cancel() }()
			err := clienttest.Within(t, func() error { return cl.run(ctx, srv.URL, 3, time.Minute) })
			e := clienttest.AsError(t, err)
			assert.Equal(t, client.KindCanceled, e.Kind)
			assert.True(t, errors.Is(err, context.Canceled))
			assert.NotEmpty(t, e.UserMessage())
		})
	}
	t.Run("during backoff", func(t *testing.T) {
		var n atomic.Int32
		srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1); clienttest.WriteJSON(w, 503, nil) })
		c := client.NewCaller(client.CallerOptions{BaseURL: srv.URL, Retries: 5, RetryWait: time.Hour, RetryMaxWait: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		c.SetSleep(func(int, *resty.Response) time.Duration { cancel(); return time.Hour })
		err := clienttest.Within(t, func() error {
			_, e := c.Do(ctx, client.Call{Op: "totvs contract", Method: http.MethodGet, URL: "/x", Retry: true})
			if e != nil {
				return e
			}
			return nil
		})
		e := clienttest.AsError(t, err)
		assert.Equal(t, client.KindCanceled, e.Kind)
		assert.True(t, e.Sent(), "the first attempt's 503 may have been processed")
		assert.EqualValues(t, 1, n.Load(), "no second attempt after the cancel")
	})
	t.Run("before the call", func(t *testing.T) {
		var n atomic.Int32
		srv := clienttest.Serve(t, func(w http.ResponseWriter, r *http.Request) { n.Add(1) })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, cl := range calls {
			assert.Equal(t, client.KindCanceled, client.KindOf(cl.run(ctx, srv.URL, 2, 0)), cl.name)
		}
		assert.EqualValues(t, 0, n.Load())
	})
}

func TestNoGoroutineLeak(t *testing.T) {
	base := runtime.NumGoroutine()
	func() {
		sb := startSandbox(t, sandbox.Options{Seed: 2})
		c := sandboxTOTVS(sb, true, func(o *totvs.Options) { o.Timeout = 50 * time.Millisecond })
		defer c.Close()
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() { defer wg.Done(); _, _ = c.Family(clienttest.Ctx(t), sb.Dataset().Beneficiary(0).Card) }()
		}
		wg.Wait()
		hs := clienttest.HangServer(t, nil, nil)
		m := mosia.New(mosia.Options{BaseURL: hs.URL, Token: "tok", Timeout: 50 * time.Millisecond})
		defer m.Close()
		_, _ = m.CreateOccurrence(clienttest.Ctx(t), occurrence)
		_, _ = m.LatestProtocols(clienttest.Ctx(t), "13331584754", 1)
		hs.Close()
	}()
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= base+2 }, clienttest.UpperBound, 10*time.Millisecond,
		"goroutines: base %d, now %d", base, runtime.NumGoroutine())
}
