package totvs

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

// goldenNow is a fixed "now" for grace periods: PERIODONTIA ends after it, yet its status already says cumprida.
var goldenNow = time.Date(2022, 1, 15, 10, 0, 0, 0, time.FixedZone("-03", -3*60*60))

var graceStateNames = map[model.GraceState]string{model.GraceUnknown: "?", model.GraceDone: "CUMPRIDA", model.GraceRunning: "EM CARÊNCIA"}

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
	fmt.Fprintf(&b, "card formatted: %s\n", model.FormatCard(c.Fields["card"].(string)))

	assert.Equal(t, "235.764.830-98", rendered["BA1_CPFUSR"])
	assert.Equal(t, "Masculino", rendered["BA1_SEXO"])
	assert.Equal(t, "15/06/2001", rendered["BA1_DATNAS"])
	assert.Equal(t, "HERNANDES ALVES DA SILVA", rendered["BA1_NOMUSR"])
	assert.Equal(t, "SOLTEIRO(A)", rendered["BA1_ESTCIV"], "pre-resolved label, upper-cased by @!")
	assert.Equal(t, "", rendered["BA1_DATBLO"], "empty date")
	assert.Equal(t, model.SituationActive, c.Fields["situation"])
	golden.RequireEqual(t, b.String())
}

func TestGoldenTOTVSError(t *testing.T) {
	var b strings.Builder
	for _, name := range []string{"contract_error_e001.json", "grace_error_e001.json"} {
		var e ErrorModel
		loadJSON(t, name, &e)
		assert.Equal(t, NotFoundCode, e.Code)
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
		fmt.Fprintf(&b, "%s  %-25s %-22s %s  family=%s\n", model.FormatCard(m.Card), m.Name, m.Kinship, m.Situation, model.FamilyPrefix(m.Card))
	}
	assert.Equal(t, model.FamilyPrefix(f.Beneficiaries[0].Card), model.FamilyPrefix(f.Beneficiaries[1].Card))
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
					renderDay(it.FinalDatePrevious), graceStateNames[model.GraceStatus(it.StatusPrevious, it.FinalDatePrevious, goldenNow)],
					renderDay(it.FinalDateCurrent), graceStateNames[model.GraceStatus(it.StatusCurrent, it.FinalDateCurrent, goldenNow)])
				continue
			}
			assert.Empty(t, it.FinalDatePrevious+it.StatusPrevious+it.FinalDateCurrent+it.StatusCurrent)
			require.NotEmpty(t, it.FinalDate)
			fmt.Fprintf(&b, "  %s %-22s %s %s (%q)\n", it.ClassCode, it.Description, renderDay(it.FinalDate),
				graceStateNames[model.GraceStatus(it.Status, it.FinalDate, goldenNow)], it.Status)
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
		st := model.GraceStatus(it.Status, it.Date, goldenNow)
		assert.Equal(t, model.GraceDone, st)
		fmt.Fprintf(&b, "  %s %-10s %s %s\n", it.GroupCode, it.Description, renderDay(it.Date), graceStateNames[st])
	}
	golden.RequireEqual(t, b.String())
}

func renderDay(s string) string { return RenderPicture("@D", "D", 0, s) }
