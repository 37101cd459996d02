package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
)

// fakeClock is a movable clock for token expiry.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func start(t *testing.T, opts Options) *Sandbox {
	t.Helper()
	if opts.Dataset == nil {
		opts.Dataset = NewDatasetAt(1, 5_000, testNow)
	}
	s := New(opts)
	require.NoError(t, s.Start("127.0.0.1:0"))
	t.Cleanup(func() { s.Close() })
	return s
}

// call does one request and decodes the JSON answer into out (when non-nil).
func call(t *testing.T, c *http.Client, method, u string, hdr map[string]string, body any, out any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	if body != nil || strings.Contains(u, "/totvsHealthPlans/") { // TOTVS marks Content-Type required on its GETs too
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k) // a test leaves a header out
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(raw, out), string(raw))
	}
	return resp.StatusCode, raw
}

func token(t *testing.T, s *Sandbox, user, pass string) (int, totvs.Token) {
	t.Helper()
	var tok totvs.Token
	q := url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass}}
	st, raw := call(t, http.DefaultClient, http.MethodPost, s.TOTVSURL()+"/api/oauth2/v1/token?"+q.Encode(), nil, nil, nil)
	if st == http.StatusCreated {
		require.NoError(t, json.Unmarshal(raw, &tok))
	}
	return st, tok
}

func bp(s *Sandbox, card, what string) string {
	return s.TOTVSURL() + "/totvsHealthPlans/v1/beneficiaryPosition/" + card + "/" + what
}

func TestTOTVSOAuth2IssueExpireRefresh(t *testing.T) {
	clk := &fakeClock{t: testNow}
	s := start(t, Options{TokenTTL: time.Minute, Clock: clk.Now})

	st, _ := token(t, s, "balcao", "errada")
	require.Equal(t, http.StatusUnauthorized, st)

	st, tok := token(t, s, "balcao", "balcao")
	require.Equal(t, http.StatusCreated, st)
	assert.Equal(t, "Bearer", tok.TokenType)
	assert.Equal(t, 60, tok.ExpiresIn)
	assert.NotEmpty(t, tok.RefreshToken)

	bearer := map[string]string{"Authorization": "Bearer " + tok.AccessToken}
	var c totvs.Contract
	st, _ = call(t, http.DefaultClient, http.MethodGet, bp(s, SeedHernandesCard, "contract"), bearer, nil, &c)
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, "HERNANDES ALVES DA SILVA", c.Fields["ba1_nomusr"])

	clk.Advance(time.Minute)
	var e totvs.ErrorModel
	st, _ = call(t, http.DefaultClient, http.MethodGet, bp(s, SeedHernandesCard, "contract"), bearer, nil, &e)
	require.Equal(t, http.StatusUnauthorized, st)
	assert.Equal(t, "401", e.Code)
	assert.NotEmpty(t, e.Message)

	q := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}
	var tok2 totvs.Token
	st, _ = call(t, http.DefaultClient, http.MethodPost, s.TOTVSURL()+"/api/oauth2/v1/token?"+q.Encode(), nil, nil, &tok2)
	require.Equal(t, http.StatusCreated, st)
	st, _ = call(t, http.DefaultClient, http.MethodGet, bp(s, SeedHernandesCard, "contract"),
		map[string]string{"Authorization": "Bearer " + tok2.AccessToken}, nil, nil)
	assert.Equal(t, http.StatusOK, st)

	st, _ = call(t, http.DefaultClient, http.MethodPost, s.TOTVSURL()+"/api/oauth2/v1/token?"+q.Encode(), nil, nil, nil)
	assert.Equal(t, http.StatusUnauthorized, st, "a refresh token is single-use")
}

func TestTOTVSBasicAndTenant(t *testing.T) {
	s := start(t, Options{TOTVSUser: "u", TOTVSPassword: "p", TenantID: "01,006001"})
	do := func(user, pass, tenant string) int {
		req, err := http.NewRequest(http.MethodGet, bp(s, SeedHernandesCard, "familyBeneficiaries"), nil)
		require.NoError(t, err)
		req.SetBasicAuth(user, pass)
		req.Header.Set("Content-Type", "application/json")
		if tenant != "" {
			req.Header.Set("tenantId", tenant)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, do("u", "p", "01,006001"))
	assert.Equal(t, http.StatusUnauthorized, do("u", "x", "01,006001"))
	assert.Equal(t, http.StatusBadRequest, do("u", "p", "02,001"))
	assert.Equal(t, http.StatusBadRequest, do("u", "p", ""))
	st, _ := call(t, http.DefaultClient, http.MethodGet, bp(s, SeedHernandesCard, "contract"), nil, nil, nil)
	assert.Equal(t, http.StatusUnauthorized, st, "no credentials")
	var e totvs.ErrorModel
	st, _ = call(t, http.DefaultClient, http.MethodGet, bp(s, SeedHernandesCard, "contract"),
		map[string]string{"Authorization": basic("u", "p"), "tenantId": "01,006001", "Content-Type": ""}, nil, &e)
	assert.Equal(t, http.StatusBadRequest, st, "TOTVS marks Content-Type: application/json required")
	assert.Contains(t, e.Message, "Content-Type")
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestTOTVSNotFoundE001(t *testing.T) {
	s := start(t, Options{})
	basic := map[string]string{"Authorization": "Basic " + basicAuth("balcao", "balcao")}
	for _, tc := range []struct{ card, what, detail string }{
		{"00011008000026010", "contract", "Não foi encontrado nenhum beneficiário com a matricula 00011008000026010"},
		{"00011008000026010", "familyBeneficiaries", "Não foi encontrado nenhum beneficiário com a matricula 00011008000026010"},
		{"00011008000027012", "gracePeriodClass", "Não foi encontrado nenhum Beneficiário com a matricula 00011008000027012"},
		{"00011008000027012", "gracePeriodGroup", "Não foi encontrado nenhum Beneficiário com a matricula 00011008000027012"},
	} {
		var e totvs.ErrorModel
		st, _ := call(t, http.DefaultClient, http.MethodGet, bp(s, tc.card, tc.what), basic, nil, &e)
		assert.Equal(t, http.StatusNotFound, st, tc.what)
		assert.Equal(t, totvs.ErrorModel{Code: "E001", Message: "Beneficiário não encontrado.", DetailedMessage: tc.detail}, e)
	}
}

func basicAuth(u, p string) string {
	r, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	r.SetBasicAuth(u, p)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

func TestTOTVSGracePagination(t *testing.T) {
	s := start(t, Options{})
	basic := map[string]string{"Authorization": "Basic " + basicAuth("balcao", "balcao")}
	d := s.Dataset()
	card := ""
	var all totvs.GracePeriodClasses
	for i := d.SeedCount(); i < d.Len() && card == ""; i++ {
		g, _ := d.GraceClasses(d.Beneficiary(i).Card)
		if len(g.Items) > 2*DefaultPageSize {
			card, all = d.Beneficiary(i).Card, g
		}
	}
	require.NotEmpty(t, card, "some beneficiary has more than two pages of classes")

	var got []totvs.GraceClass
	for page := 1; ; page++ {
		var g totvs.GracePeriodClasses
		st, _ := call(t, http.DefaultClient, http.MethodGet, fmt.Sprintf("%s?page=%d", bp(s, card, "gracePeriodClass"), page), basic, nil, &g)
		require.Equal(t, http.StatusOK, st)
		got = append(got, g.Items...)
		assert.Equal(t, len(all.Items)-len(got), g.RemainingRecords, "page %d", page)
		if !g.HasNext {
			break
		}
		require.Len(t, g.Items, DefaultPageSize)
	}
	assert.Equal(t, all.Items, got)

	var g totvs.GracePeriodClasses
	_, _ = call(t, http.DefaultClient, http.MethodGet, bp(s, card, "gracePeriodClass")+"?page=2&pageSize=7", basic, nil, &g)
	assert.Equal(t, all.Items[7:14], g.Items)
	_, _ = call(t, http.DefaultClient, http.MethodGet, bp(s, card, "gracePeriodClass")+"?page=99", basic, nil, &g)
	assert.Empty(t, g.Items)
	assert.False(t, g.HasNext)
	st, _ := call(t, http.DefaultClient, http.MethodGet, bp(s, card, "gracePeriodClass")+"?pageSize=0", basic, nil, nil)
	assert.Equal(t, http.StatusBadRequest, st)

	var gg totvs.GracePeriodGroups
	st, raw := call(t, http.DefaultClient, http.MethodGet, bp(s, card, "gracePeriodGroup")+"?pageSize=2", basic, nil, &gg)
	require.Equal(t, http.StatusOK, st)
	assert.Len(t, gg.Items, 2)
	assert.True(t, gg.HasNext)
	assert.Contains(t, string(raw), `"remainingRecords"`)
}

func mosiaHdr(s *Sandbox, chave, total string) map[string]string {
	h := map[string]string{"Authorization": s.Options().MosiaToken, "chaveUnica": chave}
	if total != "" {
		h["totalProtocolos"] = total
	}
	return h
}

func TestMosiaUltimosProtocolosSeedAndBounds(t *testing.T) {
	s := start(t, Options{})
	u := s.MosiaURL() + "/clientes/ocorrencias/ultimosProtocolos"
	var env struct {
		Status   bool             `json:"status"`
		Data     []mosia.Protocol `json:"data"`
		Message  string           `json:"message"`
		Critical []any            `json:"critical"`
	}
	st, raw := call(t, http.DefaultClient, http.MethodGet, u, mosiaHdr(s, SeedPatrick, "3"), nil, &env)
	require.Equal(t, http.StatusOK, st)
	assert.True(t, env.Status)
	assert.Equal(t, "Ocorrências carregadas com sucesso.", env.Message)
	require.Len(t, env.Data, 3)
	assert.Contains(t, string(raw), `{"protocolo":"1111120240710000017","tipoOcorrencia":{"id":171,"descricao":"Atendimento Ativo"},"data_registro":"1720625728313","data_atualizacao":"1720625728896","status":{"id":386,"descricao":"Em Atendimento (externo)"},"assunto":"Reembolso exame"`)
	assert.Contains(t, string(raw), `"assunto":null`)

	for _, tc := range []struct {
		total string
		want  int
	}{{"0", 400}, {"11", 400}, {"abc", 400}, {"1", 200}, {"10", 200}, {"", 200}} {
		st, _ := call(t, http.DefaultClient, http.MethodGet, u, mosiaHdr(s, SeedPatrick, tc.total), nil, nil)
		assert.Equal(t, tc.want, st, "totalProtocolos=%q", tc.total)
	}
	var bad mosia.Envelope
	st, _ = call(t, http.DefaultClient, http.MethodGet, u, mosiaHdr(s, SeedPatrick, "11"), nil, &bad)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.False(t, bad.Status)
	assert.Contains(t, bad.Message, "totalProtocolos")

	st, _ = call(t, http.DefaultClient, http.MethodGet, u, map[string]string{"Authorization": "Bearer " + s.Options().MosiaToken, "chaveUnica": SeedPatrick}, nil, &bad)
	assert.Equal(t, http.StatusUnauthorized, st, "raw token, no Bearer")
	assert.False(t, bad.Status)
	st, _ = call(t, http.DefaultClient, http.MethodGet, u, map[string]string{"chaveUnica": SeedPatrick}, nil, nil)
	assert.Equal(t, http.StatusUnauthorized, st)
}

func occurrence(chave, nome string) map[string]any {
	return map[string]any{"idFuncionalidade": 9298, "idTipoOcorrencia": 469, "idAssunto": 309, "rascunho": false,
		"solicitante":    map[string]any{"chaveUnica": chave, "nome": nome, "telefone": "48984137055"},
		"beneficiario":   map[string]any{"chaveUnica": chave, "nome": nome, "numeroContrato": "0000001"},
		"numeroContrato": "0000001", "anotacao": "texto",
		"formularios": []any{map[string]any{"idForm": "64dcd2b1342146345191ee00", "formData": []any{map[string]any{"campo": "valor"}}}}}
}

func TestMosiaCreateThenList(t *testing.T) {
	s := start(t, Options{})
	post := s.MosiaURL() + "/clientes/ocorrencias"
	var env struct {
		Status  bool   `json:"status"`
		Message string `json:"message"`
		Data    struct {
			Protocolo string `json:"protocolo"`
		} `json:"data"`
	}
	st, _ := call(t, http.DefaultClient, http.MethodPost, post, map[string]string{"Authorization": s.Options().MosiaToken},
		occurrence(SeedJoaoPedro, "João Pedro"), &env)
	require.Equal(t, http.StatusOK, st)
	assert.True(t, env.Status)
	assert.Equal(t, "Ocorrência criada com sucesso.", env.Message)
	require.Regexp(t, `^`+RegANS+`\d{14}$`, env.Data.Protocolo)

	draft := occurrence(SeedJoaoPedro, "João Pedro")
	draft["rascunho"] = true
	draft["idTipoOcorrencia"] = "128" // a string id: the vendor types it Int, and so does the sandbox
	draft["idAssunto"] = 173
	var refused mosia.Envelope
	st, _ = call(t, http.DefaultClient, http.MethodPost, post, map[string]string{"Authorization": s.Options().MosiaToken}, draft, &refused)
	require.Equal(t, http.StatusBadRequest, st)
	assert.Equal(t, "O campo idTipoOcorrencia deve ser um número inteiro.", refused.Message)
	draft["idTipoOcorrencia"] = 128
	var env2 struct {
		Data struct {
			Protocolo string `json:"protocolo"`
		} `json:"data"`
	}
	st, _ = call(t, http.DefaultClient, http.MethodPost, post, map[string]string{"Authorization": s.Options().MosiaToken}, draft, &env2)
	require.Equal(t, http.StatusOK, st)
	assert.NotEqual(t, env.Data.Protocolo, env2.Data.Protocolo)

	var list struct {
		Data []mosia.Protocol `json:"data"`
	}
	_, _ = call(t, http.DefaultClient, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/ultimosProtocolos",
		mosiaHdr(s, SeedJoaoPedro, "10"), nil, &list)
	require.GreaterOrEqual(t, len(list.Data), 2)
	assert.Equal(t, env2.Data.Protocolo, list.Data[0].Protocolo.String(), "newest first")
	assert.Equal(t, "Solicitação", list.Data[0].TipoOcorrencia.Descricao)
	assert.Equal(t, "Atualização cadastral", list.Data[0].Assunto.Descricao)
	assert.Equal(t, "Rascunho", list.Data[0].Status.Descricao)
	assert.Equal(t, env.Data.Protocolo, list.Data[1].Protocolo.String())
	assert.Equal(t, "Reclamação", list.Data[1].TipoOcorrencia.Descricao)
	assert.Equal(t, "Reembolso exame", list.Data[1].Assunto.Descricao)

	created := s.Created()
	require.Len(t, created, 2)
	assert.Equal(t, 2, s.CreatedCount())
	assert.Equal(t, SeedJoaoPedro, created[0].ChaveUnica)
	assert.JSONEq(t, mustJSON(t, occurrence(SeedJoaoPedro, "João Pedro")), string(created[0].Body))
	assert.Equal(t, int64(1), s.Requests("/clientes/ocorrencias/ultimosProtocolos"))
	assert.Equal(t, int64(4), s.Requests("/clientes/"))
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestMosiaCreateValidation(t *testing.T) {
	s := start(t, Options{})
	post := s.MosiaURL() + "/clientes/ocorrencias"
	auth := map[string]string{"Authorization": s.Options().MosiaToken}
	cases := map[string]func(m map[string]any){
		"no type":        func(m map[string]any) { delete(m, "idTipoOcorrencia") },
		"unknown type":   func(m map[string]any) { m["idTipoOcorrencia"] = 1 },
		"type not int":   func(m map[string]any) { m["idTipoOcorrencia"] = "abc" },
		"type a string":  func(m map[string]any) { m["idTipoOcorrencia"] = "171" },
		"subject string": func(m map[string]any) { m["idAssunto"] = "309" },
		"numeric key":    func(m map[string]any) { m["solicitante"] = map[string]any{"nome": "x", "chaveUnica": 13331584754} },
		"numeric phone": func(m map[string]any) {
			m["solicitante"] = map[string]any{"nome": "x", "chaveUnica": "1", "telefone": 27997981966}
		},
		"no requester":   func(m map[string]any) { delete(m, "solicitante") },
		"no name":        func(m map[string]any) { m["solicitante"] = map[string]any{"chaveUnica": "1"} },
		"no key":         func(m map[string]any) { m["solicitante"] = map[string]any{"nome": "x"} },
		"wrong subject":  func(m map[string]any) { m["idAssunto"] = 173 },
		"draft not bool": func(m map[string]any) { m["rascunho"] = "sim" },
		"form no id":     func(m map[string]any) { m["formularios"] = []any{map[string]any{"formData": []any{}}} },
		"beneficiary":    func(m map[string]any) { m["beneficiario"] = map[string]any{"nome": "x"} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			body := occurrence(SeedPatrick, "Patrick")
			mutate(body)
			var env mosia.Envelope
			st, _ := call(t, http.DefaultClient, http.MethodPost, post, auth, body, &env)
			assert.Equal(t, http.StatusBadRequest, st)
			assert.False(t, env.Status)
			assert.NotEmpty(t, env.Message)
		})
	}
	st, _ := call(t, http.DefaultClient, http.MethodPost, post, auth, "not an object", nil)
	assert.Equal(t, http.StatusBadRequest, st)
	req, err := http.NewRequest(http.MethodPost, post, strings.NewReader(mustJSON(t, occurrence(SeedPatrick, "Patrick"))))
	require.NoError(t, err)
	req.Header.Set("Authorization", s.Options().MosiaToken)
	resp, err := http.DefaultClient.Do(req) // no Content-Type: Mosia's pages require application/json
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
	st, _ = call(t, http.DefaultClient, http.MethodPost, post, nil, occurrence(SeedPatrick, "Patrick"), nil)
	assert.Equal(t, http.StatusUnauthorized, st)
	assert.Zero(t, s.CreatedCount())
}

func TestMosiaCreateShapes(t *testing.T) {
	s := start(t, Options{})
	post := s.MosiaURL() + "/clientes/ocorrencias"
	auth := map[string]string{"Authorization": s.Options().MosiaToken}
	for _, tc := range []struct {
		shape CreateShape
		find  func(m map[string]any) any
	}{
		{ShapeDataProtocolo, func(m map[string]any) any { return m["data"].(map[string]any)["protocolo"] }},
		{ShapeDataOcorrencia, func(m map[string]any) any {
			return m["data"].(map[string]any)["ocorrencia"].(map[string]any)["protocolo"]
		}},
		{ShapeDataArray, func(m map[string]any) any { return m["data"].([]any)[0].(map[string]any)["protocolo"] }},
		{ShapeTopLevel, func(m map[string]any) any { return m["protocolo"] }},
		{ShapeNone, func(m map[string]any) any { return nil }},
	} {
		s.SetCreateShape(tc.shape)
		var m map[string]any
		st, raw := call(t, http.DefaultClient, http.MethodPost, post, auth, occurrence(SeedPatrick, "Patrick"), &m)
		require.Equal(t, http.StatusOK, st)
		created := s.Created()
		last := created[len(created)-1].Protocol
		if tc.shape == ShapeNone {
			assert.NotContains(t, string(raw), last)
			continue
		}
		assert.Equal(t, last, tc.find(m), "shape %d", tc.shape)
	}
}

func TestFaultFailRateObserved(t *testing.T) {
	s := start(t, Options{FaultSeed: 3, Faults: Faults{FailRate: 0.3, Scope: ScopeTOTVS}})
	basic := map[string]string{"Authorization": "Basic " + basicAuth("balcao", "balcao")}
	const n = 400
	fails := 0
	for i := 0; i < n; i++ {
		st, raw := call(t, http.DefaultClient, http.MethodGet, bp(s, SeedHernandesCard, "familyBeneficiaries"), basic, nil, nil)
		if st >= 500 {
			fails++
			var e totvs.ErrorModel
			require.NoError(t, json.Unmarshal(raw, &e), "fault bodies are the vendor's error model")
			assert.NotEmpty(t, e.Message)
		}
	}
	assert.InDelta(t, 0.3, float64(fails)/n, 0.08)
	// Mosia is out of scope: never fails.
	for i := 0; i < 50; i++ {
		st, _ := call(t, http.DefaultClient, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/ultimosProtocolos", mosiaHdr(s, SeedPatrick, ""), nil, nil)
		require.Equal(t, http.StatusOK, st)
	}
	assert.Equal(t, int64(n), s.Requests("/rest/"))
}

func TestFaultHang(t *testing.T) {
	s := start(t, Options{Faults: Faults{HangRate: 1}})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/ultimosProtocolos", nil)
	require.NoError(t, err)
	_, err = http.DefaultClient.Do(req)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	s.SetFaults(Faults{})
	st, _ := call(t, http.DefaultClient, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/ultimosProtocolos", mosiaHdr(s, SeedPatrick, ""), nil, nil)
	assert.Equal(t, http.StatusOK, st)
}

func TestFaultLatencyHonoursClientDeadline(t *testing.T) {
	s := start(t, Options{Faults: Faults{Latency: time.Hour, Scope: ScopeMosia}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/ultimosProtocolos", nil)
	require.NoError(t, err)
	_, err = http.DefaultClient.Do(req)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "an hour of latency outlasts the client")
	st, _ := call(t, http.DefaultClient, http.MethodGet, bp(s, SeedHernandesCard, "contract"),
		map[string]string{"Authorization": "Basic " + basicAuth("balcao", "balcao")}, nil, nil)
	assert.Equal(t, http.StatusOK, st, "TOTVS is out of scope")
}

func TestFaultDropAndDropAfterCreate(t *testing.T) {
	s := start(t, Options{Faults: Faults{DropRate: 1, Scope: ScopeMosiaPost}})
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	post := s.MosiaURL() + "/clientes/ocorrencias"
	body := mustJSON(t, occurrence(SeedPatrick, "Patrick"))
	send := func() error {
		req, err := http.NewRequest(http.MethodPost, post, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", s.Options().MosiaToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := fresh.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	require.Error(t, send(), "dropped before creating")
	assert.Zero(t, s.CreatedCount())
	st, _ := call(t, fresh, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/ultimosProtocolos", mosiaHdr(s, SeedPatrick, ""), nil, nil)
	assert.Equal(t, http.StatusOK, st, "GETs are out of scope")

	s.SetFaults(Faults{DropAfterCreate: 1, Scope: ScopeMosiaPost})
	require.Error(t, send(), "the answer is lost")
	require.Equal(t, 1, s.CreatedCount(), "but the occurrence exists")
	var list struct {
		Data []mosia.Protocol `json:"data"`
	}
	_, _ = call(t, fresh, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/ultimosProtocolos", mosiaHdr(s, SeedPatrick, "1"), nil, &list)
	require.Len(t, list.Data, 1)
	assert.Equal(t, s.Created()[0].Protocol, list.Data[0].Protocolo.String(), "recoverable through ultimosProtocolos")
}

func TestFaultDownRefusesThenRecovers(t *testing.T) {
	s := start(t, Options{})
	u := s.MosiaURL() + "/clientes/ocorrencias/ultimosProtocolos"
	st, _ := call(t, http.DefaultClient, http.MethodGet, u, mosiaHdr(s, SeedPatrick, ""), nil, nil) // warm a keep-alive conn
	require.Equal(t, http.StatusOK, st)

	s.SetFaults(Faults{Down: true})
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	_, err = http.DefaultClient.Do(req)
	require.Error(t, err)
	assert.True(t, errors.Is(err, syscall.ECONNREFUSED), "connection refused, got %v", err)

	s.SetFaults(Faults{})
	st, _ = call(t, http.DefaultClient, http.MethodGet, u, mosiaHdr(s, SeedPatrick, ""), nil, nil)
	assert.Equal(t, http.StatusOK, st)

	s.SetFaults(Faults{Down: true, Scope: ScopeTOTVS})
	st, _ = call(t, http.DefaultClient, http.MethodGet, bp(s, SeedHernandesCard, "contract"), nil, nil, nil)
	assert.Equal(t, http.StatusServiceUnavailable, st, "a scoped Down answers 503")
	st, _ = call(t, http.DefaultClient, http.MethodGet, u, mosiaHdr(s, SeedPatrick, ""), nil, nil)
	assert.Equal(t, http.StatusOK, st)
}

func TestRunPrintsEnvAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Dataset: NewDatasetAt(1, 100, testNow)}, "127.0.0.1:0", out)
	}()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "BALCAO_MOSIA_TOKEN=") }, 5*time.Second, 10*time.Millisecond)
	text := out.String()
	assert.Contains(t, text, "BALCAO_TOTVS_USER=balcao BALCAO_TOTVS_PASSWORD=balcao")
	assert.Regexp(t, `BALCAO_TOTVS_URL=http://127\.0\.0\.1:\d+/rest `, text)
	cancel()
	require.NoError(t, <-done)
}

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
