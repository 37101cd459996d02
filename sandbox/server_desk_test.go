package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/model"
)

func totvsHdr(s *Sandbox) map[string]string {
	return map[string]string{"Authorization": basic(s.Options().TOTVSUser, s.Options().TOTVSPassword)}
}

func TestTOTVSAuthorizationsWindowPagesAndFilters(t *testing.T) {
	s := start(t, Options{})
	all, ok := s.Dataset().Authorizations(SeedHernandesCard)
	require.True(t, ok)
	require.GreaterOrEqual(t, len(all), 20, "the seed card has guides worth showing")
	u := bp(s, SeedHernandesCard, "authorizations")
	var seen []map[string]any
	for page := 1; ; page++ {
		var a totvs.Authorizations
		st, raw := call(t, http.DefaultClient, http.MethodGet, u+"?pageSize=7&page="+string(rune('0'+page)), totvsHdr(s), nil, &a)
		require.Equal(t, http.StatusOK, st, "%s", raw)
		assert.Len(t, a.Struct, len(authStruct))
		seen = append(seen, a.Items...)
		if !a.HasNext {
			break
		}
		assert.Equal(t, len(all)-len(seen), a.RemainingRecords)
	}
	assert.Equal(t, all, seen, "every guide once, newest first")

	now := s.Dataset().Now()
	w := model.LastDays(now, 90)
	var a totvs.Authorizations
	q := url.Values{"initialDate": {w.From.Format(time.DateOnly)}, "finalDate": {w.To.Format(time.DateOnly)}, "pageSize": {"100"}}
	st, _ := call(t, http.DefaultClient, http.MethodGet, u+"?"+q.Encode(), totvsHdr(s), nil, &a)
	require.Equal(t, http.StatusOK, st)
	require.NotEmpty(t, a.Items, "the last 90 days have guides")
	for _, it := range a.Items {
		d, ok := model.ParseDate(it["bd5_datpro"].(string))
		require.True(t, ok)
		assert.True(t, w.Contains(d), "%v outside the window", d)
	}
	q.Set("phases", "4")
	q.Set("formTypes", "01,02")
	q.Set("order", "bd5_datpro")
	st, _ = call(t, http.DefaultClient, http.MethodGet, u+"?"+q.Encode(), totvsHdr(s), nil, &a)
	require.Equal(t, http.StatusOK, st)
	for i, it := range a.Items {
		assert.Equal(t, "4", it["bd5_fase"])
		assert.NotEqual(t, "03", it["bd5_tipgui"])
		if i > 0 {
			p, _ := model.ParseDate(a.Items[i-1]["bd5_datpro"].(string))
			c, _ := model.ParseDate(it["bd5_datpro"].(string))
			assert.False(t, c.Before(p), "oldest first when asked")
		}
	}

	var e totvs.ErrorModel
	st, _ = call(t, http.DefaultClient, http.MethodGet, u+"?initialDate=01/01/2024", totvsHdr(s), nil, &e)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, e.Message, "AAAA-MM-DD")
	st, _ = call(t, http.DefaultClient, http.MethodGet, bp(s, "00011008000027012", "authorizations"), totvsHdr(s), nil, &e)
	assert.Equal(t, http.StatusNotFound, st)
	assert.Equal(t, totvs.NotFoundCode, e.Code)
	hdr := totvsHdr(s)
	hdr["Content-Type"] = ""
	st, _ = call(t, http.DefaultClient, http.MethodGet, u, hdr, nil, &e)
	assert.Equal(t, http.StatusBadRequest, st, "Content-Type is required")
}

func TestTOTVSBillingKindsAndParameters(t *testing.T) {
	s := start(t, Options{})
	u := bp(s, SeedHernandesCard, "billing")
	cur := model.MonthOfDate(s.Dataset().Now())
	get := func(m model.Month, kind string) (int, totvs.Billing) {
		var b totvs.Billing
		q := url.Values{"baseMonth": {string(rune('0'+int(m.Month)/10)) + string(rune('0'+int(m.Month)%10))},
			"baseYear": {m.String()[3:]}, "billingType": {kind}}
		st, _ := call(t, http.DefaultClient, http.MethodGet, u+"?"+q.Encode(), totvsHdr(s), nil, &b)
		return st, b
	}
	st, b := get(cur, "1")
	require.Equal(t, http.StatusOK, st)
	require.Len(t, b.Beneficiaries, 2)
	assert.Empty(t, b.Title, "not billed yet")
	assert.Equal(t, "D", b.AmountType)
	_, none := get(cur, "2")
	assert.Empty(t, none.Beneficiaries, "the current month is not billed yet")
	_, past := get(cur.Add(-1), "2")
	require.Len(t, past.Beneficiaries, 2)
	assert.NotEmpty(t, past.Title)
	assert.NotEmpty(t, past.CollectionNumber)
	_, before := get(model.Month{Year: 2021, Month: 12}, "2")
	assert.Empty(t, before.Beneficiaries, "before the family's inclusion")

	for _, q := range []string{"", "?baseMonth=13&baseYear=2025&billingType=1", "?baseMonth=3&baseYear=2025",
		"?baseMonth=3&baseYear=2025&billingType=3"} {
		var e totvs.ErrorModel
		st, _ := call(t, http.DefaultClient, http.MethodGet, u+q, totvsHdr(s), nil, &e)
		assert.Equal(t, http.StatusBadRequest, st, q)
		assert.NotEmpty(t, e.Message)
	}
}

func TestTOTVSSearchFindsNewcomersTheDirectoryLacks(t *testing.T) {
	s := start(t, Options{})
	d := s.Dataset()
	news := d.Newcomers()
	require.Len(t, news, 3)
	for _, n := range news {
		_, inDir := d.ByCard(n.Card)
		assert.False(t, inDir, "%s: not in the directory", n.Name)
		_, inDir = d.ByChaveUnica(n.ChaveUnica)
		assert.False(t, inDir)
		assert.True(t, model.ValidCPF(n.CPF))
		for i := range d.Len() {
			require.NotEqual(t, n.CPF, d.Beneficiary(i).CPF, "newcomers' CPFs are theirs alone")
			if i > 500 {
				break
			}
		}
		st, _ := call(t, http.DefaultClient, http.MethodGet, bp(s, n.Card, "contract"), totvsHdr(s), nil, nil)
		assert.Equal(t, http.StatusOK, st, "TOTVS knows %s", n.Name)
	}
	search := s.TOTVSURL() + "/totvsHealthPlans/v1/beneficiaryPosition/search?key="
	for key, want := range map[string]string{"larissa duarte": news[0].Card, news[1].Card: news[1].Card,
		model.FormatCPF(news[2].CPF): news[2].Card, "hernandes alves": SeedHernandesCard} {
		var r totvs.Search
		st, raw := call(t, http.DefaultClient, http.MethodGet, search+url.QueryEscape(key), totvsHdr(s), nil, &r)
		require.Equal(t, http.StatusOK, st, "%s: %s", key, raw)
		require.Len(t, r.Beneficiaries, 1, key)
		assert.Equal(t, want, r.Beneficiaries[0].Card.String())
	}
	fam, ok := d.Family(NewcomerTomasCard)
	require.True(t, ok)
	assert.Len(t, fam.Beneficiaries, 2, "Larissa and her son")

	var e totvs.ErrorModel
	st, _ := call(t, http.DefaultClient, http.MethodGet, search+"ninguem", totvsHdr(s), nil, &e)
	assert.Equal(t, http.StatusNotFound, st)
	assert.Equal(t, totvs.NotFoundCode, e.Code)
	st, _ = call(t, http.DefaultClient, http.MethodGet, search, totvsHdr(s), nil, &e)
	assert.Equal(t, http.StatusBadRequest, st)
}

func TestTOTVSTokenRefusesAnEmptyJSONBody(t *testing.T) {
	s := start(t, Options{})
	q := url.Values{"grant_type": {"password"}, "username": {s.Options().TOTVSUser}, "password": {s.Options().TOTVSPassword}}
	u := s.TOTVSURL() + "/api/oauth2/v1/token?" + q.Encode()
	var e totvs.ErrorModel
	st, _ := call(t, http.DefaultClient, http.MethodPost, u, map[string]string{"Content-Type": "application/json"}, nil, &e)
	assert.Equal(t, http.StatusBadRequest, st, "an empty body that says it is JSON is invalid JSON")
	st, _ = call(t, http.DefaultClient, http.MethodPost, u, nil, nil, nil)
	assert.Equal(t, http.StatusCreated, st, "no body, no content type: the vendor's shape")
	resp, err := http.PostForm(s.TOTVSURL()+"/api/oauth2/v1/token", q)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "a form body, as password grants take")
}

func mosiaWrite(t *testing.T, s *Sandbox, method, protocol, suffix string, body any) (int, mosia.Envelope) {
	t.Helper()
	var env mosia.Envelope
	st, _ := call(t, http.DefaultClient, method, s.MosiaURL()+"/clientes/ocorrencias/"+protocol+suffix,
		map[string]string{"Authorization": s.Options().MosiaToken}, body, &env)
	return st, env
}

func TestMosiaFollowUpsRefuseWhatTheVendorRefuses(t *testing.T) {
	s := start(t, Options{})
	const p = "1111120240710000017"
	tests := []struct {
		name, method, suffix string
		body                 map[string]any
		status               int
		msg                  string
	}{
		{"status id as a string", http.MethodPut, "/status", map[string]any{"idNovoStatus": "249", "chaveUnicaSolicitante": SeedPatrick},
			400, "idNovoStatus deve ser um número"},
		{"numeric requester key", http.MethodPut, "/status", map[string]any{"idNovoStatus": 249, "chaveUnicaSolicitante": 13331584754},
			400, "chaveUnicaSolicitante deve ser um texto"},
		{"another requester", http.MethodPut, "/status", map[string]any{"idNovoStatus": 249, "chaveUnicaSolicitante": "52998224725"},
			400, "não confere"},
		{"outcome without reason", http.MethodPut, "/status", map[string]any{"idNovoStatus": 249,
			"chaveUnicaSolicitante": SeedPatrick, "textoDesfecho": "x"}, 400, "exige idMotivoEncerramento"},
		{"unknown reason", http.MethodPut, "/status", map[string]any{"idNovoStatus": 249,
			"chaveUnicaSolicitante": SeedPatrick, "idMotivoEncerramento": 1}, 400, "Motivo de encerramento 1"},
		{"note without publica", http.MethodPost, "/anotacao", map[string]any{"mensagem": "x"}, 400, "publica é obrigatório"},
		{"publica as a string", http.MethodPost, "/anotacao", map[string]any{"mensagem": "x", "publica": "true"}, 400, "true ou false"},
		{"attendant id as a string", http.MethodPost, "/anotacao", map[string]any{"mensagem": "x", "publica": true,
			"idAtendente": "44"}, 400, "idAtendente deve ser um número"},
		{"empty note", http.MethodPost, "/anotacao", map[string]any{"mensagem": " ", "publica": true}, 400, "mensagem é obrigatório"},
		{"not a draft", http.MethodPut, "/ativar", map[string]any{}, 400, "não está em rascunho"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, env := mosiaWrite(t, s, tt.method, p, tt.suffix, tt.body)
			assert.Equal(t, tt.status, st)
			assert.False(t, env.Status)
			assert.Contains(t, env.Message, tt.msg)
		})
	}
	st, _ := mosiaWrite(t, s, http.MethodPost, "99999999999999999999", "/anotacao", map[string]any{"mensagem": "x", "publica": true})
	assert.Equal(t, http.StatusNotFound, st)
	req, err := http.NewRequest(http.MethodPut, s.MosiaURL()+"/clientes/ocorrencias/"+p+"/ativar", strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("Authorization", s.Options().MosiaToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
	rec, ok := s.Protocol(p)
	require.True(t, ok)
	assert.Empty(t, rec.Applied, "nothing refused was applied")
}

func TestMosiaFollowUpsServedBackOnTheHistory(t *testing.T) {
	s := start(t, Options{})
	// A generated protocol of the history, found by its number.
	var p mosia.Protocol
	var chave string
	for i := s.Dataset().SeedCount(); i < 200; i++ {
		if ps := s.Dataset().Protocols(s.Dataset().Beneficiary(i).ChaveUnica); len(ps) > 0 {
			p, chave = ps[0], s.Dataset().Beneficiary(i).ChaveUnica
			break
		}
	}
	require.NotEmpty(t, chave)
	got, gotChave, ok := s.Dataset().ProtocolByNumber(p.Protocolo.String())
	require.True(t, ok)
	assert.Equal(t, p, got)
	assert.Equal(t, chave, gotChave)

	num := p.Protocolo.String()
	st, _ := mosiaWrite(t, s, http.MethodPost, num, "/anotacao", map[string]any{"mensagem": "Ligou de novo.", "publica": false, "idAtendente": 44})
	require.Equal(t, http.StatusOK, st)
	st, _ = mosiaWrite(t, s, http.MethodPut, num, "/status", map[string]any{"idNovoStatus": 249, "chaveUnicaSolicitante": chave,
		"idMotivoEncerramento": 2262, "textoDesfecho": "Informado."})
	require.Equal(t, http.StatusOK, st)

	var env struct {
		Data struct {
			Ocorrencia struct {
				Status    map[string]any   `json:"status"`
				Anotacoes []map[string]any `json:"anotacoes"`
				Desfecho  map[string]any   `json:"desfecho"`
			} `json:"ocorrencia"`
		} `json:"data"`
	}
	st, _ = call(t, http.DefaultClient, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/"+num,
		map[string]string{"Authorization": s.Options().MosiaToken}, nil, &env)
	require.Equal(t, http.StatusOK, st)
	o := env.Data.Ocorrencia
	assert.Equal(t, "Encerrado", o.Status["descricao"])
	require.Len(t, o.Anotacoes, 1)
	assert.Equal(t, "Ligou de novo.", o.Anotacoes[0]["mensagem"])
	assert.EqualValues(t, 44, o.Anotacoes[0]["idAtendente"])
	assert.Equal(t, "Informado.", o.Desfecho["texto"])

	var list struct {
		Data []mosia.Protocol `json:"data"`
	}
	_, _ = call(t, http.DefaultClient, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/ultimosProtocolos",
		mosiaHdr(s, chave, "10"), nil, &list)
	for _, lp := range list.Data {
		if lp.Protocolo.String() == num {
			assert.Equal(t, "Encerrado", lp.Status.Descricao, "the list shows the new status")
			assert.NotEqual(t, p.DataAtualizacao, lp.DataAtualizacao)
		}
	}
}

func TestMosiaDetailWithoutNotesAndLostFollowUpAnswers(t *testing.T) {
	s := start(t, Options{DetailWithoutNotes: true})
	const p = "1111120240710000017"
	s.ScriptFollowUps(ScriptDropAfterCreate, ScriptFail)
	req, err := http.NewRequest(http.MethodPost, s.MosiaURL()+"/clientes/ocorrencias/"+p+"/anotacao",
		strings.NewReader(`{"mensagem":"x","publica":true}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", s.Options().MosiaToken)
	req.Header.Set("Content-Type", "application/json")
	_, err = (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	require.Error(t, err, "applied, then the answer is lost")
	st, _ := mosiaWrite(t, s, http.MethodPost, p, "/anotacao", map[string]any{"mensagem": "y", "publica": true})
	assert.Equal(t, http.StatusBadGateway, st, "a scripted 5xx applies nothing")
	rec, _ := s.Protocol(p)
	assert.Equal(t, []string{"anotacao"}, rec.Applied)

	var env struct {
		Data struct {
			Ocorrencia map[string]any `json:"ocorrencia"`
		} `json:"data"`
	}
	_, _ = call(t, http.DefaultClient, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/"+p,
		map[string]string{"Authorization": s.Options().MosiaToken}, nil, &env)
	_, listed := env.Data.Ocorrencia["anotacoes"]
	assert.False(t, listed, "as the vendor's published detail: no notes")
}
