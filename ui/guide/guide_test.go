package guide_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/guide"
	"github.com/balcao/balcao/ui/internal/uitest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// Hernandes' name as the dataset has it (the title shows it).
const hernandes = "HERNANDES ALVES DA SILVA"

// guides are the authorizations the real sandbox answers for card over the real TOTVS client, in the default
// window ending on the dataset's day (as the Autorizações tab asks them).
func guides(t testing.TB, card string) (*common.Context, []model.Authorization) {
	t.Helper()
	svc, up := uitest.Services(t, 50)
	q := model.AuthorizationQuery{Window: model.LastDays(uitest.Now, model.DefaultAuthorizationDays), Page: 1}
	a, err := up.Authorizations(context.Background(), card, q)
	require.NoError(t, err)
	require.NotEmpty(t, a.Items, "the sandbox has guides for %s", card)
	return uitest.Context(svc), a.Items
}

// open shows guide g at w×h.
func open(ctx *common.Context, g model.Authorization, w, h int) *guide.Model {
	ctx.Width, ctx.Height = w, h
	return guide.New(ctx, common.OpenGuideMsg{Guide: g, Name: hernandes})
}

// press sends one key and returns what the command it gave says (nil when none).
func press(m *guide.Model, k tea.KeyMsg) []tea.Msg {
	_, cmd := m.Update(k)
	return uitest.Exec(cmd)
}

var (
	keyHome = tea.KeyMsg{Type: tea.KeyHome}
	keyEnd  = tea.KeyMsg{Type: tea.KeyEnd}
)

// lines are a view's lines without styles, right spaces trimmed.
func lines(v string) []string {
	out := strings.Split(ansi.Strip(v), "\n")
	for i, l := range out {
		out[i] = strings.TrimRight(l, " ")
	}
	return out
}

// requireFits checks the view is exactly h lines of at most w cells.
func requireFits(t *testing.T, v string, w, h int) {
	t.Helper()
	ls := strings.Split(v, "\n")
	require.Len(t, ls, h)
	for i, l := range ls {
		require.LessOrEqual(t, ansi.StringWidth(l), w, "line %d: %q", i, ansi.Strip(l))
	}
}

// The guide's number and the beneficiary head the screen; the next line has its date, status and procedure; then
// every field the plan sent, titled by the plan's dictionary, in the plan's order, label then value.
func TestGuideFieldsInDictionaryOrder(t *testing.T) {
	ctx, gs := guides(t, uitest.SeedHernandesCard)
	for _, g := range gs {
		t.Run(g.Guide, func(t *testing.T) {
			require.NotEmpty(t, g.Fields, "the sandbox sends the dictionary")
			m := open(ctx, g, 200, 50)
			ls := lines(m.View())
			assert.Equal(t, " "+i18n.GuideTitle(g.Guide, hernandes), ls[0])
			for _, want := range []string{common.DateBR(g.Date), g.Status, g.Procedure} {
				assert.Contains(t, ls[1], want, "the summary line")
			}
			row := 2
			for _, f := range g.Fields {
				for row < len(ls) && !strings.HasPrefix(strings.TrimSpace(ls[row]), f.Label) {
					row++
				}
				require.Less(t, row, len(ls), "field %q, after the ones before it", f.Label)
				assert.Regexp(t, `^ `+regexpQuote(f.Label)+` +`+regexpQuote(f.Value)+`$`, ls[row])
				row++
			}
		})
	}
}

func regexpQuote(s string) string {
	r := strings.NewReplacer(".", `\.`, "(", `\(`, ")", `\)`, "/", `/`, "-", `\-`, "+", `\+`)
	return r.Replace(s)
}

// A guide the plan sent without a dictionary shows the list's own columns, titled in pt-BR.
func TestGuideWithoutDictionary(t *testing.T) {
	ctx, gs := guides(t, uitest.SeedHernandesCard)
	g := gs[0]
	g.Fields = nil
	v := strings.Join(lines(open(ctx, g, 120, 30).View()), "\n")
	for _, f := range [][2]string{{i18n.UIColGuide, g.Guide}, {i18n.UIColDate, common.DateBR(g.Date)},
		{i18n.UIColProvider, g.Provider}, {i18n.UIColGuideType, g.Type}, {i18n.UIColPhase, g.Phase},
		{i18n.UIColStatus, g.Status}, {i18n.UIColProcedure, g.Procedure}} {
		assert.Regexp(t, `(?m)^ `+regexpQuote(f[0])+` +`+regexpQuote(f[1])+`$`, v)
	}
}

// Long values wrap under themselves (a word wider than the value column is cut with "…"); the status is never
// cut, in its row nor in the summary line; an empty value says so; every line fits.
func TestGuideLongValuesWrapAndStatusIsWhole(t *testing.T) {
	ctx, gs := guides(t, uitest.SeedFabianaCard) // has a cancelled guide: the longest status word
	var g model.Authorization
	for _, x := range gs {
		if x.Status == "Cancelado" {
			g = x
		}
	}
	require.NotEmpty(t, g.Guide, "Fabiana has a cancelled guide")
	g.Fields = append(g.Fields, model.Field{Label: "Observação", Value: ""},
		model.Field{Label: "Justificativa", Value: "Paciente encaminhada pelo pronto atendimento com suspeita de " +
			"conjuntivite bacteriana; retorno em sete dias"})
	for _, w := range []int{80, 60, 40, 30} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m := open(ctx, g, w, 60)
			v := m.View()
			requireFits(t, v, w, 60)
			ls := lines(v)
			assert.Contains(t, ls[1], " "+g.Status+" ", "the summary keeps the status whole")
			body := strings.Join(ls[2:], "\n")
			assert.Regexp(t, `(?m)^ \S.* +Cancelado$`, body, "the status row, whole")
			assert.Contains(t, body, i18n.UIEmpty, "an empty value says so")
			words := strings.Fields(body)
			for _, word := range strings.Fields("Paciente encaminhada pelo pronto atendimento com suspeita de " +
				"conjuntivite bacteriana; retorno em sete dias") {
				assert.Contains(t, words, word, "wrapped, not cut")
			}
		})
	}
	m := open(ctx, g, 30, 60)
	assert.Contains(t, m.View(), "…", "at 30 columns the authorization key (one long word) is cut")
}

// ↓/↑ move one line, PgDn/PgUp a page, End/Home to the ends; the position line says where; Esc goes back.
func TestGuideScrollsAndGoesBack(t *testing.T) {
	ctx, gs := guides(t, uitest.SeedHernandesCard)
	m := open(ctx, gs[0], 80, 10) // 7 lines of fields in view, 12 fields
	n := len(gs[0].Fields)
	require.Greater(t, n, 7)
	pos := func(first, last int, top, bottom bool) string {
		return i18n.UIScroll(first, last, n, top, bottom)
	}
	first := func() string { return strings.TrimSpace(lines(m.View())[2]) }
	steps := []struct {
		name  string
		key   tea.KeyMsg
		where string
		label string // the first field in view
	}{
		{"opened", tea.KeyMsg{}, pos(1, 7, true, false), gs[0].Fields[0].Label},
		{"down", uitest.Key("down"), pos(2, 8, false, false), gs[0].Fields[1].Label},
		{"up", uitest.Key("up"), pos(1, 7, true, false), gs[0].Fields[0].Label},
		{"up at the top", uitest.Key("up"), pos(1, 7, true, false), gs[0].Fields[0].Label},
		{"page down", uitest.Key("pgdown"), pos(n-6, n, false, true), gs[0].Fields[n-7].Label},
		{"page up", uitest.Key("pgup"), pos(1, 7, true, false), gs[0].Fields[0].Label},
		{"end", keyEnd, pos(n-6, n, false, true), gs[0].Fields[n-7].Label},
		{"down at the end", uitest.Key("down"), pos(n-6, n, false, true), gs[0].Fields[n-7].Label},
		{"home", keyHome, pos(1, 7, true, false), gs[0].Fields[0].Label},
	}
	for _, s := range steps {
		if s.key.Type != 0 || s.key.Runes != nil {
			assert.Empty(t, press(m, s.key), s.name)
		}
		v := lines(m.View())
		assert.Equal(t, " "+s.where, v[len(v)-1], s.name)
		assert.True(t, strings.HasPrefix(first(), s.label), "%s: first line %q", s.name, first())
	}
	assert.Equal(t, []tea.Msg{common.BackMsg{}}, press(m, uitest.Key("esc")))
	assert.False(t, m.Typing())

	tall := open(ctx, gs[0], 80, 24)
	assert.NotContains(t, tall.View(), "linhas ", "everything in view: no position line")
}

// The screen at 80×24 and 200×50; at 80×8 it scrolls, at the end.
func TestGolden(t *testing.T) {
	ctx, gs := guides(t, uitest.SeedHernandesCard)
	for _, sc := range []struct {
		w, h int
		end  bool
	}{{80, 24, false}, {200, 50, false}, {80, 8, true}} {
		t.Run(fmt.Sprintf("%dx%d", sc.w, sc.h), func(t *testing.T) {
			m := open(ctx, gs[0], sc.w, sc.h)
			if sc.end {
				press(m, keyEnd)
			}
			v := m.View()
			requireFits(t, v, sc.w, sc.h)
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// BenchmarkViewGuide200x50 measures drawing one guide. Target ≤ 2 ms.
func BenchmarkViewGuide200x50(b *testing.B) {
	ctx, gs := guides(b, uitest.SeedHernandesCard)
	m := open(ctx, gs[0], 200, 50)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N)/1000, "ms/view")
}
