package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/i18n"
)

// serveRaw answers one request built from a raw request target, as a server would read it off the wire.
func serveRaw(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Authorization", testSecret)
	h.ServeHTTP(rec, req)
	return rec
}

func TestMuxNeverAnswersItself(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	h := e.srv.Handler()
	// Paths the mux would redirect to their clean form, and a CONNECT target, are unknown paths.
	for _, tt := range []struct{ method, target string }{
		{http.MethodGet, "//healthz"},
		{http.MethodGet, "/a/../healthz"},
		{http.MethodGet, "/healthz/."},
		{http.MethodGet, "/./metrics"},
		{http.MethodPost, "/buscaBeneficiarios/.."},
		{http.MethodPost, "//buscaBeneficiarios"},
		{http.MethodGet, "*"},
		{http.MethodConnect, "example.com:443"},
	} {
		rec := serveRaw(h, tt.method, tt.target, `{"chaveUnica":"15846772777"}`)
		require.Equal(t, http.StatusNotFound, rec.Code, "%s %s", tt.method, tt.target)
		assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
		requireFailure(t, rec.Body.Bytes(), i18n.ServerNotFoundPath)
	}
	// Every method the mux does not route to a handler gets the failure body, with Allow.
	for _, m := range []string{http.MethodPatch, http.MethodOptions, http.MethodConnect, http.MethodTrace} {
		rec := serveRaw(h, m, "/healthz", "")
		require.Equal(t, http.StatusMethodNotAllowed, rec.Code, m)
		assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
		requireFailure(t, rec.Body.Bytes(), i18n.ServerMethodNotAllowed)
	}
	// The path is read decoded: an escaped letter or slash is that letter or slash.
	for _, target := range []string{"/buscaBeneficiari%6Fs", "/%62uscaBeneficiarios"} {
		rec := serveRaw(h, http.MethodPost, target, `{"chaveUnica":"15846772777"}`)
		require.Equal(t, http.StatusOK, rec.Code, target)
		assert.JSONEq(t, seedAnswer, rec.Body.String())
	}
	p := startServer(t, newDirectory(t, fixture), Options{Prefix: "/mosia"})
	rec := serveRaw(p.srv.Handler(), http.MethodPost, "/mosia%2FbuscaBeneficiarios", `{"chaveUnica":"15846772777"}`)
	require.Equal(t, http.StatusOK, rec.Code)
	rec = serveRaw(p.srv.Handler(), http.MethodHead, "/healthz", "")
	require.Equal(t, http.StatusOK, rec.Code, "GET routes answer HEAD")
}

func TestPrefixIsLiteralAndClean(t *testing.T) {
	for _, tt := range []struct{ prefix, path string }{
		{"/{x}", "/{x}/buscaBeneficiarios"},
		{"/a b", "/a%20b/buscaBeneficiarios"},
		{"mosia//", "/mosia/buscaBeneficiarios"},
		{"/a//b/./c", "/a/b/c/buscaBeneficiarios"},
		{"/", "/buscaBeneficiarios"},
	} {
		e := startServer(t, newDirectory(t, fixture), Options{Prefix: tt.prefix})
		rec := serveRaw(e.srv.Handler(), http.MethodPost, tt.path, `{"chaveUnica":"15846772777"}`)
		require.Equal(t, http.StatusOK, rec.Code, "prefix %q path %q: %s", tt.prefix, tt.path, rec.Body)
	}
	e := startServer(t, newDirectory(t, fixture), Options{Prefix: "/{x}"})
	rec := serveRaw(e.srv.Handler(), http.MethodPost, "/y/buscaBeneficiarios", `{"chaveUnica":"15846772777"}`)
	require.Equal(t, http.StatusNotFound, rec.Code, "a brace in the prefix is no wildcard")
}

func TestPanicAnswerLogAndMetrics(t *testing.T) {
	e := startServer(t, &panicDir{}, Options{})
	code, b := e.busca(t, `{"nome":"joao"}`)
	require.Equal(t, http.StatusInternalServerError, code)
	requireFailure(t, b, i18n.ServerInternal)

	var request, panicked map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(e.logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		switch m["msg"] {
		case "busca: request":
			request = m
		case "busca: panic serving request":
			panicked = m
		}
	}
	require.NotNil(t, request, "one log line for the request")
	assert.EqualValues(t, 500, request["status"])
	assert.Equal(t, "panic", request["error_kind"])
	assert.Equal(t, "panic: directory bug", request["error"])
	assert.Equal(t, "ERROR", request["level"])
	require.NotNil(t, panicked, "the panic is logged")
	assert.Contains(t, panicked["stack"], "panicDir", "with the stack where it happened")

	_, m := e.do(t, http.MethodGet, "/metrics", "")
	assert.Contains(t, string(m), `balcao_busca_errors_total{kind="panic"} 1`)
	assert.Contains(t, string(m), `balcao_busca_requests_total{code="500",endpoint="buscaBeneficiarios"} 1`)
}

func TestPanicAfterAnswerBegan(t *testing.T) {
	logs := &syncBuffer{}
	s := mustNew(t, newDirectory(t, fixture), Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	h := s.chain(route{endpoint: epOther, handler: func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusAccepted, []byte("{}\n"))
		panic("late bug")
	}})
	rec := serveRaw(h, http.MethodGet, "/x", "")
	assert.Equal(t, http.StatusAccepted, rec.Code, "an answer already begun is left alone")
	assert.Equal(t, "{}\n", rec.Body.String())
	assert.Contains(t, logs.String(), `"status":202`)
	assert.Contains(t, logs.String(), `"error":"panic: late bug"`)

	abort := s.chain(route{endpoint: epOther, handler: func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}})
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() { serveRaw(abort, http.MethodGet, "/x", "") },
		"http.ErrAbortHandler reaches net/http, which aborts the answer")
}

func TestNoteOutsideTheChain(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	note(r).results = 3 // goes nowhere, and does not panic
	assert.Equal(t, -1, note(r).results)
}
