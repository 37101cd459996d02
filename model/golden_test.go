package model

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The testdata/*.json files are the seeds' JSON examples, copied verbatim. Regenerate the .golden files with
// `go test ./model -run Golden -update` and review the diff.

func loadJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), name)
}

// goldenNow is a fixed "now" for grace periods: PERIODONTIA ends after it, yet its status already says cumprida.
var goldenNow = time.Date(2022, 1, 15, 10, 0, 0, 0, saoPaulo())

var graceStateNames = map[GraceState]string{GraceUnknown: "?", GraceDone: "CUMPRIDA", GraceRunning: "EM CARÊNCIA"}

func TestGoldenContract(t *testing.T) {
	var c Contract
	loadJSON(t, "contract.json", &c)
	require.Len(t, c.Struct, 15)
	require.Len(t, c.Folders, 6)

	rendered := map[string]string{}
	var b strings.Builder
	seen := map[string]bool{}
	for _, f := range c.Folders {
		fmt.Fprintf(&b, "[%s] %s\n", f.ID, f.Title)
		for _, st := range c.Struct {
			if st.Folder != f.ID {
				continue
			}
			key := strings.ToLower(st.Field)
			v, ok := c.Fields[key]
			seen[key] = true
			out := RenderField(st, v)
			rendered[st.Field] = out
			fmt.Fprintf(&b, "  %-14s %-10s %-20q present=%-5t → %q\n", st.Title, st.Field, st.Picture, ok, out)
		}
	}
	b.WriteString("[fields without struct]\n")
	for _, key := range []string{"situation", "card"} {
		seen[key] = true
		fmt.Fprintf(&b, "  %-10s %q\n", key, c.Fields[key])
	}
	for key := range c.Fields {
		assert.True(t, seen[key], "field %s is neither in struct nor known", key)
	}
	fmt.Fprintf(&b, "card formatted: %s\n", FormatCard(c.Fields["card"].(string)))

	assert.Equal(t, "235.764.830-98", rendered["BA1_CPFUSR"])
	assert.Equal(t, "Masculino", rendered["BA1_SEXO"])
	assert.Equal(t, "15/06/2001", rendered["BA1_DATNAS"])
	assert.Equal(t, "HERNANDES ALVES DA SILVA", rendered["BA1_NOMUSR"])
	assert.Equal(t, "SOLTEIRO(A)", rendered["BA1_ESTCIV"], "pre-resolved label, upper-cased by @!")
	assert.Equal(t, "", rendered["BA1_DATBLO"], "empty date")
	assert.Equal(t, SituationActive, c.Fields["situation"])
	golden.RequireEqual(t, b.String())
}

func TestGoldenTOTVSError(t *testing.T) {
	var b strings.Builder
	for _, name := range []string{"contract_error_e001.json", "grace_error_e001.json"} {
		var e TOTVSError
		loadJSON(t, name, &e)
		assert.Equal(t, TOTVSNotFoundCode, e.Code)
		assert.Equal(t, "Beneficiário não encontrado.", e.Message)
		var err error = &e
		fmt.Fprintf(&b, "%s: %s\n", name, err.Error())
	}
	golden.RequireEqual(t, b.String())
}

func TestGoldenFamily(t *testing.T) {
	var f Family
	loadJSON(t, "family.json", &f)
	require.Len(t, f.Beneficiaries, 2)
	var b strings.Builder
	for _, m := range f.Beneficiaries {
		fmt.Fprintf(&b, "%s  %-25s %-22s %s  family=%s\n", FormatCard(m.Card), m.Name, m.Kinship, m.Situation, FamilyPrefix(m.Card))
	}
	assert.Equal(t, FamilyPrefix(f.Beneficiaries[0].Card), FamilyPrefix(f.Beneficiaries[1].Card))
	assert.Equal(t, "CONJUGE/ COMPANHEIRO", f.Beneficiaries[1].Kinship)
	golden.RequireEqual(t, b.String())
}

func TestGoldenGraceClasses(t *testing.T) {
	var b strings.Builder
	for _, name := range []string{"grace_class_transfer.json", "grace_class_no_transfer.json"} {
		var g GracePeriodClasses
		loadJSON(t, name, &g)
		fmt.Fprintf(&b, "%s transfer=%t hasNext=%t remaining=%d\n", name, g.BeneficiaryTransfer, g.HasNext, g.RemainingRecords)
		for _, it := range g.Items {
			if g.BeneficiaryTransfer {
				assert.Empty(t, it.FinalDate+it.Status)
				require.NotEmpty(t, it.FinalDateCurrent)
				fmt.Fprintf(&b, "  %s %-22s anterior %s %-12s atual %s %s\n", it.ClassCode, it.Description,
					renderDay(it.FinalDatePrevious), graceStateNames[GraceStatus(it.StatusPrevious, it.FinalDatePrevious, goldenNow)],
					renderDay(it.FinalDateCurrent), graceStateNames[GraceStatus(it.StatusCurrent, it.FinalDateCurrent, goldenNow)])
				continue
			}
			assert.Empty(t, it.FinalDatePrevious+it.StatusPrevious+it.FinalDateCurrent+it.StatusCurrent)
			require.NotEmpty(t, it.FinalDate)
			fmt.Fprintf(&b, "  %s %-22s %s %s (%q)\n", it.ClassCode, it.Description, renderDay(it.FinalDate),
				graceStateNames[GraceStatus(it.Status, it.FinalDate, goldenNow)], it.Status)
		}
	}
	golden.RequireEqual(t, b.String())
}

func TestGoldenGraceGroups(t *testing.T) {
	var g GracePeriodGroups
	loadJSON(t, "grace_group.json", &g)
	require.Len(t, g.Items, 2)
	var b strings.Builder
	fmt.Fprintf(&b, "hasNext=%t remaining=%d\n", g.HasNext, g.RemainingRecords)
	for _, it := range g.Items {
		st := GraceStatus(it.Status, it.Date, goldenNow)
		assert.Equal(t, GraceDone, st)
		fmt.Fprintf(&b, "  %s %-10s %s %s\n", it.GroupCode, it.Description, renderDay(it.Date), graceStateNames[st])
	}
	golden.RequireEqual(t, b.String())
}

func renderDay(s string) string { return RenderPicture("@D", "D", 0, s) }

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
		reg, ok := ParseEpochMillis(p.DataRegistro.String())
		require.True(t, ok)
		upd, ok := ParseEpochMillis(p.DataAtualizacao.String())
		require.True(t, ok)
		assunto := "—"
		if p.Assunto.Present {
			assunto = p.Assunto.Descricao
		}
		fmt.Fprintf(&b, "%s | %s (%s) | registro %s | atualização %s | %s (%s) | assunto %s | benef %s [%s] | solic %s\n",
			p.Protocolo, p.TipoOcorrencia.Descricao, p.TipoOcorrencia.ID, FormatDateTimeBR(reg), FormatDateTimeBR(upd),
			p.Status.Descricao, p.Status.ID, assunto, p.Beneficiario.Nome, MaskCPF(p.Beneficiario.ChaveUnica), p.Solicitante.ChaveUnica)
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

	// A non-numeric chaveUnica (seed 002) is still an exact chaveUnica search.
	assert.Equal(t, ids("everson@mobilesaude.com.br", IDChaveUnica), Classify(who.ChaveUnica).IDs)

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
