package sandbox

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func createOne(t *testing.T, s *Sandbox, body map[string]any) (int, string) {
	t.Helper()
	var env struct {
		Data struct {
			Protocolo string `json:"protocolo"`
		} `json:"data"`
	}
	st, _ := call(t, http.DefaultClient, http.MethodPost, s.MosiaURL()+"/clientes/ocorrencias",
		map[string]string{"Authorization": s.Options().MosiaToken}, body, &env)
	return st, env.Data.Protocolo
}

func TestProtocolNumbersNeverRepeatAcrossRestarts(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 30, 14, 0, 0, 0, saoPaulo())}
	first := start(t, Options{Clock: clk.Now})
	seen := map[string]bool{}
	var last string
	for range 30 { // a burst faster than the clock
		st, p := createOne(t, first, occurrence(SeedJoaoPedro, "João Pedro"))
		require.Equal(t, http.StatusOK, st)
		require.Len(t, p, 20)
		require.False(t, seen[p], p)
		seen[p] = true
		last = p
	}
	require.NoError(t, first.Close())

	// restarted in the same second: the kept outbox's highest protocol is the floor
	again := start(t, Options{Clock: clk.Now, ProtocolFloor: last})
	st, p := createOne(t, again, occurrence(SeedJoaoPedro, "João Pedro"))
	require.Equal(t, http.StatusOK, st)
	assert.False(t, seen[p], "a restarted sandbox never hands out a number the outbox holds")
	assert.Greater(t, p, last)

	// restarted a minute later without a floor: numbered above the earlier run anyway
	clk.Advance(time.Minute)
	later := start(t, Options{Clock: clk.Now})
	_, p2 := createOne(t, later, occurrence(SeedJoaoPedro, "João Pedro"))
	assert.Greater(t, p2, last)

	// the next day starts again low, under the new date
	clk.Advance(24 * time.Hour)
	_, p3 := createOne(t, later, occurrence(SeedJoaoPedro, "João Pedro"))
	assert.Equal(t, RegANS+"20261201", p3[:14])
}

func TestOccurrenceDetailServesWhatArrived(t *testing.T) {
	s := start(t, Options{})
	body := occurrence(SeedJoaoPedro, "João Pedro")
	body["anotacao"] = "Cliente pede segunda via — ação"
	st, p := createOne(t, s, body)
	require.Equal(t, http.StatusOK, st)

	var env struct {
		Status bool `json:"status"`
		Data   struct {
			Ocorrencia struct {
				Protocolo      string         `json:"protocolo"`
				DataRegistro   string         `json:"dataRegistro"`
				TipoOcorrencia map[string]any `json:"tipoOcorrencia"`
				Assunto        map[string]any `json:"assunto"`
				Anotacao       string         `json:"anotacao"`
				Canal          map[string]any `json:"canal"`
				Solicitante    map[string]any `json:"solicitante"`
				Solicitacao    struct {
					Formularios []struct {
						IDForm string           `json:"idForm"`
						Itens  []map[string]any `json:"itens"`
					} `json:"formularios"`
				} `json:"solicitacao"`
			} `json:"ocorrencia"`
		} `json:"data"`
	}
	st, _ = call(t, http.DefaultClient, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/"+p,
		map[string]string{"Authorization": s.Options().MosiaToken}, nil, &env)
	require.Equal(t, http.StatusOK, st)
	o := env.Data.Ocorrencia
	assert.Equal(t, p, o.Protocolo)
	assert.Equal(t, "Cliente pede segunda via — ação", o.Anotacao, "the text as it arrived")
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, o.DataRegistro, "ISO dates in the detail")
	assert.EqualValues(t, 469, o.TipoOcorrencia["id"])
	assert.Equal(t, "Reembolso exame", o.Assunto["descricao"], "the subject is an object in the detail")
	assert.Equal(t, "implementação futura", o.Canal["id"])
	assert.Equal(t, SeedJoaoPedro, o.Solicitante["chaveUnica"])
	require.Len(t, o.Solicitacao.Formularios, 1)
	assert.Equal(t, "valor", o.Solicitacao.Formularios[0].Itens[0]["campo"])
	req, ok := s.Occurrence(p)
	require.True(t, ok)
	assert.Equal(t, "Cliente pede segunda via — ação", req.Anotacao)

	st, _ = call(t, http.DefaultClient, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/99999",
		map[string]string{"Authorization": s.Options().MosiaToken}, nil, nil)
	assert.Equal(t, http.StatusNotFound, st)
	st, _ = call(t, http.DefaultClient, http.MethodGet, s.MosiaURL()+"/clientes/ocorrencias/"+p, nil, nil, nil)
	assert.Equal(t, http.StatusUnauthorized, st)
}

func TestScriptedCreations(t *testing.T) {
	s := start(t, Options{})
	s.Script(ScriptFail, ScriptDropAfterCreate, ScriptDrop, ScriptOK)
	st, _ := createOne(t, s, occurrence(SeedJoaoPedro, "João Pedro"))
	assert.Equal(t, http.StatusBadGateway, st)
	assert.Zero(t, s.CreatedCount(), "a scripted 5xx creates nothing")

	_, err := http.Post(s.MosiaURL()+"/clientes/ocorrencias", "application/json", nil) // unauthorised: no step taken
	require.NoError(t, err)

	c := &http.Client{}
	req, _ := http.NewRequest(http.MethodPost, s.MosiaURL()+"/clientes/ocorrencias", jsonBody(t, occurrence(SeedJoaoPedro, "João Pedro")))
	req.Header.Set("Authorization", s.Options().MosiaToken)
	req.Header.Set("Content-Type", "application/json")
	_, err = c.Do(req)
	require.Error(t, err, "created, then the answer is lost")
	assert.Equal(t, 1, s.CreatedCount())

	req, _ = http.NewRequest(http.MethodPost, s.MosiaURL()+"/clientes/ocorrencias", jsonBody(t, occurrence(SeedJoaoPedro, "João Pedro")))
	req.Header.Set("Authorization", s.Options().MosiaToken)
	req.Header.Set("Content-Type", "application/json")
	_, err = c.Do(req)
	require.Error(t, err, "dropped before anything was created")
	assert.Equal(t, 1, s.CreatedCount())

	st, p := createOne(t, s, occurrence(SeedJoaoPedro, "João Pedro"))
	assert.Equal(t, http.StatusOK, st)
	assert.NotEmpty(t, p)
	assert.Equal(t, 2, s.CreatedCount())
}

func jsonBody(t *testing.T, v any) *bytes.Reader {
	t.Helper()
	return bytes.NewReader([]byte(mustJSON(t, v)))
}
