package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type testEnv struct {
	srv      *Server
	ts       *httptest.Server
	logs     *syncBuffer
	autoAuth bool // requests without headers carry testSecret
}

// testSecret is the credential startServer gives a server configured without one.
const testSecret = "segredo-de-teste-0123456789"

// startServer serves dir over a real loopback HTTP server, logging JSON at debug level into a buffer. Options
// without a credential get testSecret; with testSecret, requests sent without headers carry it.
func startServer(t testing.TB, dir Directory, o Options) *testEnv {
	t.Helper()
	logs := &syncBuffer{}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if o.Secret == "" && o.AuthUser == "" {
		o.Secret = testSecret
	}
	auto := o.Secret == testSecret
	s, err := New(dir, o)
	require.NoError(t, err)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &testEnv{srv: s, ts: ts, logs: logs, autoAuth: auto}
}

// mustNew builds a Server, with testSecret when o has no credential.
func mustNew(tb testing.TB, dir Directory, o Options) *Server {
	tb.Helper()
	if o.Secret == "" && o.AuthUser == "" {
		o.Secret = testSecret
	}
	s, err := New(dir, o)
	require.NoError(tb, err)
	return s
}

// do sends a request and returns its status and body.
func (e *testEnv) do(t testing.TB, method, path, body string, header ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if e.autoAuth && len(header) == 0 {
		req.Header.Set("Authorization", testSecret)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.ts.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if len(b) > 0 && path != "/metrics" {
		assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"), "body %s", b)
	}
	return resp.StatusCode, b
}

func (e *testEnv) busca(t testing.TB, body string, header ...string) (int, []byte) {
	t.Helper()
	return e.do(t, http.MethodPost, "/buscaBeneficiarios", body, header...)
}

type okBody struct {
	Coluna []struct {
		ID        string `json:"id"`
		Descricao string `json:"descricao"`
	} `json:"coluna"`
	Beneficiarios []map[string]string `json:"beneficiarios"`
}

func decodeOK(t testing.TB, b []byte) okBody {
	t.Helper()
	var ok okBody
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&ok), "body %s", b)
	require.NotEmpty(t, ok.Beneficiarios, "body %s", b)
	return ok
}

// requireFailure checks the failure shape Mosia's integration page shows: status the string "false" and exactly
// two keys.
func requireFailure(t testing.TB, b []byte, mensagem string) {
	t.Helper()
	var raw map[string]any
	require.NoError(t, json.Unmarshal(b, &raw), "body %s", b)
	require.Len(t, raw, 2, "body %s", b)
	assert.Equal(t, "false", raw["status"], "status must be the string \"false\"")
	if mensagem != "" {
		assert.Equal(t, mensagem, raw["mensagem"])
	} else {
		assert.NotEmpty(t, raw["mensagem"])
	}
}

// seedAnswer is the example answer Mosia's integration page shows for João Pedro, one row per (beneficiary,
// contract).
const seedAnswer = `{ "coluna": [ { "id": "nome", "descricao": "Nome" }, { "id": "data_nascimento", "descricao": "Nasc." },
 { "id": "registro_geral", "descricao": "RG" }, { "id": "id_matricula", "descricao": "Matricula" },
 { "id": "nome_mae", "descricao": "Nome da Mãe" }, { "id": "numero_contrato", "descricao": "Número Contrato" },
 { "id": "contrato_descricao", "descricao": "Descrição Contrato" } ], "beneficiarios": [
 { "nome": "João Pedro", "data_nascimento": "05/08/1994", "registro_geral": "3025-517", "id_matricula": "123-123-321",
   "nome_mae": "Maria Delmaschio", "chaveUnica": "15846772777", "numero_contrato":"0000001", "contrato_descricao":"MS PLATINUM" },
 { "nome": "João Pedro", "data_nascimento": "05/08/1994", "registro_geral": "3025-517", "id_matricula": "123-123-321",
   "nome_mae": "Maria Delmaschio", "chaveUnica": "15846772777", "numero_contrato":"0000002", "contrato_descricao":"MS GOLD" } ] }`

func TestSeedAnswerByEveryIdentifier(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	for _, body := range []string{
		`{"chaveUnica":"15846772777"}`,
		`{"chave_unica":"158.467.727-77"}`,
		`{"CHAVEUNICA": 15846772777}`,
		`{"cpf":"15846772777"}`,
		`{"cpf":"158.467.727-77"}`,
		`{"cpf":15846772777}`,
		`{"carteirinha":"00010001000001018"}`,
		`{"cartao":"0001.0001.000001.01-8"}`,
		`{"numeroCarteira":"00010001000001018"}`,
		`{"numero-carteira":"00010001000001018"}`,
		`{"subscriberId":"00010001000001018"}`,
		`{"matricula":"00010001000001018"}`,
		`{"idMatricula":"00010001000001018"}`,
		`{"idMatricula":"123-123-321"}`,
		`{"matricula":"123-123-321"}`,
		`{"id_matricula":"123.123.321"}`,
		`{"busca":"123-123-321"}`,
		`{"carteirinha":10001000001018}`,
		`{"telefone":"(27) 99876-5432"}`,
		`{"celular":"+55 27 99876-5432"}`,
		`{"nome":"João Pedro"}`,
		`{"nome":"joao pedro","dataNascimento":"05/08/1994"}`,
		`{"nome":"JOAO PED","data_nascimento":"1994-08-05"}`,
		`{"busca":"15846772777"}`,
		`{"termo":"joão pedro 05/08/1994"}`,
		`{"pesquisa":"0001.0001.000001.01-8"}`,
		`{"valor":"(27) 99876-5432"}`,
		`{"filtro":"joao pedro"}`,
		`{"q":"Pedro João"}`,
		`{"cpf":"15846772777","nome":"joao","carteirinha":"00010001000001018","telefone":"27998765432"}`,
		`{"cpf":null,"nome":"joao pedro","numeroContrato":"","telefone":null,"naoSeiOQueE":"x"}`,
	} {
		t.Run(body, func(t *testing.T) {
			code, b := e.busca(t, body)
			require.Equal(t, http.StatusOK, code, "body %s", b)
			assert.JSONEq(t, seedAnswer, string(b))
		})
	}
}

func TestSeedKeyOrder(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	code, b := e.busca(t, `{"chaveUnica":"15846772777"}`)
	require.Equal(t, http.StatusOK, code)
	// Rows list their keys in column order, then the extra keys, as the seed writes them.
	assert.Contains(t, string(b), `{"nome":"João Pedro","data_nascimento":"05/08/1994","registro_geral":"3025-517",`+
		`"id_matricula":"123-123-321","nome_mae":"Maria Delmaschio","numero_contrato":"0000001",`+
		`"contrato_descricao":"MS PLATINUM","chaveUnica":"15846772777"}`)
}

func TestContractNumberFindsItsRows(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	for _, body := range []string{`{"numeroContrato":"0000003"}`, `{"numero_contrato":"0000003"}`} {
		code, b := e.busca(t, body)
		require.Equal(t, http.StatusOK, code)
		ok := decodeOK(t, b)
		require.Len(t, ok.Beneficiarios, 1)
		assert.Equal(t, "23576483098", ok.Beneficiarios[0]["chaveUnica"])
		assert.Equal(t, "MS BASIC", ok.Beneficiarios[0]["contrato_descricao"])
	}
}

func TestRowsGroupedByContract(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	code, b := e.busca(t, `{"nome":"joao"}`)
	require.Equal(t, http.StatusOK, code)
	ok := decodeOK(t, b)
	require.Len(t, ok.Beneficiarios, 3) // João Pedro ×2 contracts, João Paulo ×1
	seen := map[string]bool{}
	last := ""
	for _, r := range ok.Beneficiarios {
		for _, c := range ok.Coluna {
			assert.Contains(t, r, c.ID)
		}
		assert.Contains(t, r, "chaveUnica")
		n := r["numero_contrato"]
		if n != last {
			assert.False(t, seen[n], "rows of contract %s are not adjacent: %s", n, b)
			seen[n], last = true, n
		}
	}
}

func TestFieldsAreANDed(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	for _, body := range []string{
		`{"nome":"joao pedro","dataNascimento":"01/01/2000"}`,
		`{"cpf":"52998224725","nome":"maria"}`,
		`{"chaveUnica":"15846772777","numeroContrato":"0000003"}`,
		`{"dataNascimento":"05/08/1994","busca":"1980-03-12","nome":"joao"}`,
		`{"cpf":"11144477735"}`,
	} {
		code, b := e.busca(t, body)
		require.Equal(t, http.StatusOK, code, body)
		requireFailure(t, b, i18n.ServerNotFound)
	}
	code, b := e.busca(t, `{"nome":"joao","cpf":"529.982.247-25"}`)
	require.Equal(t, http.StatusOK, code)
	ok := decodeOK(t, b)
	require.Len(t, ok.Beneficiarios, 1)
	assert.Equal(t, "João Paulo Souza", ok.Beneficiarios[0]["nome"])
}

func TestRefusals(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	tests := []struct{ body, msg string }{
		{`{}`, i18n.ServerNoCriterion},
		{`{"cpf":"","nome":null,"busca":"   "}`, i18n.ServerNoCriterion},
		{`{"usuario":"x","outra":1}`, i18n.ServerNoCriterion},
		{`{"busca":"?!"}`, i18n.ServerNoCriterion},
		{`{"dataNascimento":"05/08/1994"}`, i18n.ServerBirthDateAlone},
		{`{"cpf":"1234"}`, i18n.ServerInvalidCPF},
		{`{"cpf":"abc12345678901"}`, i18n.ServerInvalidCPF},
		{`{"carteirinha":"123"}`, i18n.ServerInvalidCard},
		{`{"telefone":"12"}`, i18n.ServerInvalidPhone},
		{`{"dataNascimento":"31/02/1994","nome":"joao"}`, i18n.ServerInvalidDate},
		{`{"dataNascimento":"ontem","nome":"joao"}`, i18n.ServerInvalidDate},
		{`{"nome":"!!!"}`, i18n.ServerInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			code, b := e.busca(t, tt.body)
			require.Equal(t, http.StatusOK, code)
			requireFailure(t, b, tt.msg)
		})
	}
}

func TestBadRequests(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	for _, body := range []string{``, `{`, `[]`, `"cpf"`, `null`, `42`, `{} {}`, `{"cpf":"1"}x`,
		`{"cpf":true}`, `{"nome":{"a":1}}`, `{"cpf":["15846772777"]}`, `{"cpf":1.5e10}`, `{"cpf":-1}`} {
		t.Run(body, func(t *testing.T) {
			code, b := e.busca(t, body)
			require.Equal(t, http.StatusBadRequest, code, "body %s", b)
			requireFailure(t, b, "")
		})
	}
	// A wrongly typed key that is not a criterion is ignored, not refused.
	code, b := e.busca(t, `{"extra":{"x":[1,2]},"flag":true,"chaveUnica":"15846772777"}`)
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, seedAnswer, string(b))
}

func TestBodyLimit(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	big := `{"nome":"joao pedro","pad":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	code, b := e.busca(t, big)
	require.Equal(t, http.StatusRequestEntityTooLarge, code)
	requireFailure(t, b, i18n.ServerTooLarge)

	fits := `{"nome":"joao pedro","pad":"` + strings.Repeat("x", MaxBodyBytes-64) + `"}`
	code, b = e.busca(t, fits)
	require.Equal(t, http.StatusOK, code, "body %s", b)
}

func TestMethodNotAllowed(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{AuthUser: "mosia", AuthPassword: "s3nha"})
	for _, tt := range []struct{ method, path, allow string }{
		{http.MethodGet, "/buscaBeneficiarios", "POST"},
		{http.MethodPut, "/buscaBeneficiarios", "POST"},
		{http.MethodGet, "/autorizacao", "POST"},
		{http.MethodPost, "/healthz", "GET, HEAD"},
		{http.MethodDelete, "/metrics", "GET, HEAD"},
	} {
		req, err := http.NewRequest(tt.method, e.ts.URL+tt.path, strings.NewReader(`{}`))
		require.NoError(t, err)
		resp, err := e.ts.Client().Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, tt.method+" "+tt.path)
		assert.Equal(t, tt.allow, resp.Header.Get("Allow"))
		requireFailure(t, b, i18n.ServerMethodNotAllowed)
	}
}

func TestUnknownPathAndPrefix(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{Prefix: "/mosia/"})
	code, b := e.do(t, http.MethodPost, "/mosia/buscaBeneficiarios", `{"chaveUnica":"15846772777"}`)
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, seedAnswer, string(b))
	for _, p := range []string{"/buscaBeneficiarios", "/mosia/buscabeneficiarios", "/mosia/buscaBeneficiarios/", "/"} {
		code, b = e.do(t, http.MethodPost, p, `{"chaveUnica":"15846772777"}`)
		require.Equal(t, http.StatusNotFound, code, p)
		requireFailure(t, b, i18n.ServerNotFoundPath)
	}
}

func TestStaticSecret(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{SecretHeader: "X-Balcao-Segredo", Secret: "abc123"})
	body := `{"chaveUnica":"15846772777"}`
	for _, v := range []string{"abc123", "Bearer abc123", " abc123 "} {
		code, b := e.busca(t, body, "X-Balcao-Segredo", v)
		require.Equal(t, http.StatusOK, code, v)
		assert.JSONEq(t, seedAnswer, string(b))
	}
	for _, h := range [][]string{{"X-Other", "x"}, {"X-Balcao-Segredo", "abc12"}, {"X-Balcao-Segredo", "abc1234"},
		{"Authorization", "abc123"}, {"X-Balcao-Segredo", ""}} {
		code, b := e.busca(t, body, h...)
		require.Equal(t, http.StatusUnauthorized, code, "%v", h)
		requireFailure(t, b, i18n.ServerUnauthorized)
	}
	code, _ := e.busca(t, body, "X-Balcao-Segredo", "abc123")
	assert.Equal(t, http.StatusOK, code, "an address that signed in does not wait for wrong secrets sent from it")
	// /healthz and /metrics are operational endpoints: they answer without a credential.
	code, _ = e.do(t, http.MethodGet, "/healthz", "", "X-Other", "x")
	assert.Equal(t, http.StatusOK, code)
	code, _ = e.do(t, http.MethodGet, "/metrics", "", "X-Other", "x")
	assert.Equal(t, http.StatusOK, code)
}

func TestAutorizacaoTokens(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{
		Secret: "estatico", AuthUser: "mosia", AuthPassword: "s3nha", TokenTTL: time.Minute})
	now := time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	e.srv.tokens.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	for _, body := range []string{`{"usuario":"mosia","senha":"errada"}`, `{"usuario":"Mosia","senha":"s3nha"}`,
		`{"usuario":"","senha":""}`, `{}`} {
		code, b := e.do(t, http.MethodPost, "/autorizacao", body)
		require.Equal(t, http.StatusUnauthorized, code, body)
		requireFailure(t, b, i18n.ServerBadLogin)
	}
	code, b := e.do(t, http.MethodPost, "/autorizacao", `{"usuario":`)
	require.Equal(t, http.StatusBadRequest, code)
	requireFailure(t, b, i18n.ServerBadJSON)

	code, b = e.do(t, http.MethodPost, "/autorizacao", `{"usuario":"mosia","senha":"s3nha"}`)
	require.Equal(t, http.StatusOK, code, "body %s", b)
	var got struct {
		Auth []struct{ Token, Chave string } `json:"auth"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	require.Len(t, got.Auth, 1)
	assert.Equal(t, "Authorization", got.Auth[0].Chave)
	assert.Len(t, got.Auth[0].Token, 43) // 32 random bytes, base64url without padding

	body := `{"chaveUnica":"15846772777"}`
	code, b = e.busca(t, body, got.Auth[0].Chave, got.Auth[0].Token)
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, seedAnswer, string(b))
	code, _ = e.busca(t, body, "Authorization", "estatico") // the static secret still works alongside tokens
	require.Equal(t, http.StatusOK, code)
	code, _ = e.busca(t, body, "Authorization", got.Auth[0].Token+"x")
	require.Equal(t, http.StatusUnauthorized, code)

	advance(59 * time.Second)
	code, _ = e.busca(t, body, "Authorization", got.Auth[0].Token)
	require.Equal(t, http.StatusOK, code)
	advance(time.Second)
	code, b = e.busca(t, body, "Authorization", got.Auth[0].Token)
	require.Equal(t, http.StatusUnauthorized, code, "an expired token is refused")
	requireFailure(t, b, i18n.ServerUnauthorized)
	assert.Zero(t, e.srv.tokens.count(), "the expired token is forgotten")

	// Expired tokens are purged when new ones are issued.
	for range 3 {
		code, _ = e.do(t, http.MethodPost, "/autorizacao", `{"usuario":"mosia","senha":"s3nha"}`)
		require.Equal(t, http.StatusOK, code)
	}
	advance(2 * time.Minute)
	code, _ = e.do(t, http.MethodPost, "/autorizacao", `{"usuario":"mosia","senha":"s3nha"}`)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, 1, e.srv.tokens.count())
}

func TestAutorizacaoDisabled(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{Secret: "x"})
	code, b := e.do(t, http.MethodPost, "/autorizacao", `{"usuario":"","senha":""}`)
	require.Equal(t, http.StatusNotFound, code)
	requireFailure(t, b, i18n.ServerAuthDisabled)
}

func TestTokenOnlyAuth(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{SecretHeader: "token", AuthUser: "u", AuthPassword: "p"})
	code, _ := e.busca(t, `{"chaveUnica":"15846772777"}`)
	require.Equal(t, http.StatusUnauthorized, code, "with /autorizacao configured a token is required")
	code, b := e.do(t, http.MethodPost, "/autorizacao", `{"Usuario":"u","SENHA":"p"}`)
	require.Equal(t, http.StatusOK, code)
	var got struct {
		Auth []struct{ Token, Chave string } `json:"auth"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	require.Equal(t, "token", got.Auth[0].Chave)
	code, _ = e.busca(t, `{"chaveUnica":"15846772777"}`, "token", got.Auth[0].Token)
	require.Equal(t, http.StatusOK, code)
}

func TestDirectoryFailures(t *testing.T) {
	e := startServer(t, &failDir{err: errDown}, Options{})
	code, b := e.busca(t, `{"nome":"joao"}`)
	require.Equal(t, http.StatusServiceUnavailable, code)
	requireFailure(t, b, i18n.ServerUnavailable)
	assert.NotContains(t, string(b), "sqlite", "no internals in the answer")
	assert.Contains(t, e.logs.String(), "database is locked", "the cause is logged")

	code, b = e.do(t, http.MethodGet, "/healthz", "")
	require.Equal(t, http.StatusServiceUnavailable, code)
	requireFailure(t, b, i18n.ServerUnavailable)

	p := startServer(t, &panicDir{}, Options{})
	code, b = p.busca(t, `{"nome":"joao"}`)
	require.Equal(t, http.StatusInternalServerError, code)
	requireFailure(t, b, i18n.ServerInternal)
	code, _ = p.busca(t, `{"nome":"joao"}`) // still serving
	require.Equal(t, http.StatusInternalServerError, code)
}

func TestHealthz(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{Secret: "s"})
	code, b := e.do(t, http.MethodGet, "/healthz", "", "Authorization", "s")
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"status":"ok","beneficiarios":3}`, string(b), "with a credential: the count too")
	for _, h := range [][]string{{"X-None", "x"}, {"Authorization", "errado"}} {
		code, b = e.do(t, http.MethodGet, "/healthz", "", h...)
		require.Equal(t, http.StatusOK, code)
		assert.JSONEq(t, `{"status":"ok"}`, string(b), "without one: ok, and nothing about the directory (%v)", h)
	}
}

func TestMaxResults(t *testing.T) {
	var bens []model.Beneficiary
	for i := range 40 {
		b := joao
		b.ChaveUnica = fmt.Sprintf("9%010d", i)
		b.Card = ""
		bens = append(bens, b)
	}
	e := startServer(t, newDirectory(t, bens), Options{MaxResults: 7})
	code, b := e.busca(t, `{"nome":"joao pedro"}`)
	require.Equal(t, http.StatusOK, code)
	assert.Len(t, decodeOK(t, b).Beneficiarios, 7)

	e = startServer(t, newDirectory(t, bens), Options{})
	code, b = e.busca(t, `{"nome":"joao pedro"}`)
	require.Equal(t, http.StatusOK, code)
	assert.Len(t, decodeOK(t, b).Beneficiarios, DefaultMaxResults)
}

func TestOptionalColumns(t *testing.T) {
	cols := []Column{{"nome", "Nome"}, {"cpf", "CPF"}, {"carteirinha", "Carteirinha"}, {"telefone", "Telefone"},
		{"email", "E-mail"}, {"situacao", "Situação"}, {"chaveUnica", "Chave"}, {"inexistente", "?"}}
	e := startServer(t, newDirectory(t, fixture), Options{Columns: cols})
	code, b := e.busca(t, `{"cpf":"52998224725"}`)
	require.Equal(t, http.StatusOK, code)
	ok := decodeOK(t, b)
	require.Len(t, ok.Coluna, len(cols))
	assert.Equal(t, map[string]string{
		"nome": "João Paulo Souza", "cpf": "529.982.247-25", "carteirinha": "0001.1008.000028.01-0",
		"telefone": "(11) 98765-4321", "email": "jp@example.com", "situacao": "Bloqueado",
		"chaveUnica": "52998224725", "inexistente": "", "numero_contrato": "0000001",
	}, ok.Beneficiarios[0])
	assert.Contains(t, e.logs.String(), "inexistente", "an unknown column id is reported at start")
}

func TestLogsAreMasked(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{})
	for _, body := range []string{
		`{"cpf":"15846772777","segredoDesconhecido":"valor-privado-123"}`,
		`{"nome":"João Pedro","dataNascimento":"05/08/1994"}`,
		`{"telefone":"27998765432"}`,
		`{"busca":"52998224725"}`,
		`{"carteirinha":"00011008000027010"}`,
	} {
		code, _ := e.busca(t, body)
		require.Equal(t, http.StatusOK, code)
	}
	logs := e.logs.String()
	for _, secret := range []string{"15846772777", "158.467.727-77", "Pedro", "pedro", "27998765432", "52998224725",
		"00011008000027010", "valor-privado", "05/08", "1994-08-05"} {
		assert.NotContains(t, logs, secret)
	}
	assert.NotContains(t, logs, "segredoDesconhecido", "unknown keys are counted, never written")
	for _, want := range []string{`"cpf=***.467.727-**"`, `"unknown_keys":1`, `"nome=j*** p****"`,
		`"telefone=*********32"`, `"results":2`, `"status":200`, `"duration_ms"`} {
		assert.Contains(t, logs, want)
	}
}

func TestMetrics(t *testing.T) {
	e := startServer(t, newDirectory(t, fixture), Options{Secret: "s"})
	e.busca(t, `{"chaveUnica":"15846772777"}`, "Authorization", "s")
	e.busca(t, `{"chaveUnica":"15846772777"}`)
	e.busca(t, `{`, "Authorization", "s")
	code, b := e.do(t, http.MethodGet, "/metrics", "")
	require.Equal(t, http.StatusOK, code)
	m := string(b)
	for _, want := range []string{
		`balcao_busca_requests_total{code="200",endpoint="buscaBeneficiarios"} 1`,
		`balcao_busca_requests_total{code="401",endpoint="buscaBeneficiarios"} 1`,
		`balcao_busca_requests_total{code="400",endpoint="buscaBeneficiarios"} 1`,
		`balcao_busca_errors_total{kind="unauthorized"} 1`,
		`balcao_busca_errors_total{kind="bad_request"} 1`,
		`balcao_busca_request_duration_seconds_count{endpoint="buscaBeneficiarios"} 3`,
		`balcao_busca_results_bucket{le="2"} 1`,
		`go_goroutines`,
	} {
		assert.Contains(t, m, want)
	}
	assert.EqualValues(t, 3, e.srv.Requests())
}

func TestSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := startServer(t, newDirectory(t, fixture), Options{Registry: reg})
	b := startServer(t, newDirectory(t, fixture), Options{Registry: reg})
	a.busca(t, `{"chaveUnica":"15846772777"}`)
	b.busca(t, `{"chaveUnica":"15846772777"}`)
	_, m := a.do(t, http.MethodGet, "/metrics", "")
	assert.Contains(t, string(m), `balcao_busca_requests_total{code="200",endpoint="buscaBeneficiarios"} 2`)
}
