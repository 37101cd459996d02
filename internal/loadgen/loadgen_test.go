package loadgen

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoStatus answers 400 to the body "bad", 401 without the header X-K, and 200 otherwise.
func echoStatus(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	switch {
	case r.Header.Get("X-K") == "":
		w.WriteHeader(http.StatusUnauthorized)
	case string(b) == "bad":
		w.WriteHeader(http.StatusBadRequest)
	}
	_, _ = w.Write([]byte("ok"))
}

func TestRunCountsAnswers(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(echoStatus))
	t.Cleanup(ts.Close)
	res := Run(context.Background(), ts.URL, http.Header{"X-K": {"v"}}, 3, 30, [][]byte{[]byte("a"), []byte("bad"), []byte("b")})
	assert.Equal(t, 30, res.Requests)
	assert.Equal(t, map[int]int{http.StatusOK: 20, http.StatusBadRequest: 10}, res.Status)
	assert.Equal(t, 10, res.Errors)
	assert.Positive(t, res.PerSec)
	assert.LessOrEqual(t, res.P50, res.P90)
	assert.LessOrEqual(t, res.P90, res.P99)
	assert.LessOrEqual(t, res.P99, res.Max)

	res = Run(context.Background(), ts.URL, nil, 0, 4, nil) // one connection, the body "{}"
	assert.Equal(t, map[int]int{http.StatusUnauthorized: 4}, res.Status)
}

func TestRunStopsWithContext(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(echoStatus))
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Run(ctx, ts.URL, nil, 2, 100, nil)
	require.Zero(t, res.Requests)
	assert.Zero(t, res.P99)
}

func TestRunCountsTransportFailures(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(echoStatus))
	url := ts.URL
	ts.Close()
	res := Run(context.Background(), url, nil, 2, 5, nil)
	assert.Zero(t, res.Requests)
	assert.Equal(t, 5, res.Errors)
}
