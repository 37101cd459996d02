package mosia

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
)

// The testdata/*.json files are the vendors' published JSON examples, copied verbatim. Regenerate the .golden
// files with `go test ./client/... -run Golden -update` and review the diff.

func loadJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), name)
}

func TestGoldenProtocols(t *testing.T) {
	var env Envelope
	loadJSON(t, "protocols.json", &env)
	require.True(t, env.Status)
	var ps []Protocol
	require.NoError(t, json.Unmarshal(env.Data, &ps))
	require.Len(t, ps, 3)

	var b strings.Builder
	fmt.Fprintf(&b, "status=%t statusCode=%d message=%q\n", env.Status, env.StatusCode, env.Message)
	for _, p := range ps {
		reg, ok := epochMillis(p.DataRegistro.String())
		require.True(t, ok)
		upd, ok := epochMillis(p.DataAtualizacao.String())
		require.True(t, ok)
		assunto := "—"
		if p.Assunto.Present {
			assunto = p.Assunto.Descricao
		}
		fmt.Fprintf(&b, "%s | %s (%s) | registro %s | atualização %s | %s (%s) | assunto %s | benef %s [%s] | solic %s\n",
			p.Protocolo, p.TipoOcorrencia.Descricao, p.TipoOcorrencia.ID, model.FormatDateTimeBR(reg), model.FormatDateTimeBR(upd),
			p.Status.Descricao, p.Status.ID, assunto, p.Beneficiario.Nome, model.MaskCPF(p.Beneficiario.ChaveUnica), p.Solicitante.ChaveUnica)
	}
	assert.Equal(t, FlexString("1111120240710000017"), ps[0].Protocolo)
	assert.Equal(t, Assunto{Descricao: "Reembolso exame", Present: true}, ps[0].Assunto)
	assert.False(t, ps[2].Assunto.Present, "assunto null")

	again, err := json.Marshal(ps[2].Assunto)
	require.NoError(t, err)
	assert.Equal(t, "null", string(again))
	again, err = json.Marshal(ps[0].Assunto)
	require.NoError(t, err)
	assert.Equal(t, `"Reembolso exame"`, string(again))
	golden.RequireEqual(t, b.String())
}

func TestGoldenOccurrenceRequest(t *testing.T) {
	var who Requester
	loadJSON(t, "occurrence_solicitante.json", &who)
	assert.Equal(t, "everson@mobilesaude.com.br", who.ChaveUnica)
	var form Form
	loadJSON(t, "occurrence_formulario.json", &form)

	// A non-numeric chaveUnica is still an exact chaveUnica search.
	assert.Equal(t, []model.Identifier{{Value: "everson@mobilesaude.com.br", Kinds: []model.IDKind{model.IDChaveUnica}}},
		model.Classify(who.ChaveUnica).IDs)

	req := OccurrenceRequest{
		IDFuncionalidade: 9298, IDTipoOcorrencia: 469, IDAssunto: 309,
		Solicitante: who, NumeroContrato: "0000001", Beneficiario: &who,
		Anotacao: "Atendimento de balcão", Formularios: []Form{form},
	}
	out, err := json.MarshalIndent(req, "", "  ")
	require.NoError(t, err)

	var generic map[string]any
	require.NoError(t, json.Unmarshal(out, &generic))
	forms := generic["formularios"].([]any)
	f0 := forms[0].(map[string]any)
	assert.IsType(t, "", f0["idForm"], "idForm is a Mongo ObjectId string")
	assert.Equal(t, "633c6daf04cf7c362778475f", f0["idForm"])
	assert.IsType(t, []any{}, f0["formData"], "formData is an array of objects")
	assert.Equal(t, false, generic["rascunho"], "rascunho is always sent")
	golden.RequireEqual(t, append(out, '\n'))
}
