package beneficiary

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/internal/uitest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

func flat(s string) string { return strings.Join(strings.Fields(ansi.Strip(s)), " ") }

type fixture struct {
	svc *common.Services
	up  *uitest.Upstream
	ctx *common.Context
}

func newFixture(t testing.TB) *fixture {
	svc, up := uitest.Services(t, 200)
	return &fixture{svc: svc, up: up, ctx: uitest.Context(svc)}
}

// open builds the screen for the directory's beneficiary with card, sized, without starting it.
func (f *fixture) open(t testing.TB, card string, w, h int) *Model {
	t.Helper()
	b, ok, err := f.svc.Directory.ByCard(context.Background(), card)
	require.NoError(t, err)
	require.True(t, ok)
	m := New(f.ctx, common.OpenBeneficiaryMsg{Beneficiary: b})
	m.now = func() time.Time { return uitest.Now }
	m.SetSize(w, h)
	return m
}

// feed gives every message to the screen (spinner ticks and other commands are not run).
func feed(m *Model, msgs []tea.Msg) {
	for _, msg := range msgs {
		m.Update(msg)
	}
}

// loaded opens a screen and applies its seven answers.
func (f *fixture) loaded(t testing.TB, card string, w, h int) *Model {
	m := f.open(t, card, w, h)
	feed(m, uitest.Exec(m.Init()))
	require.False(t, m.Loading())
	return m
}

func TestSevenCallsStartConcurrently(t *testing.T) {
	f := newFixture(t)
	var (
		mu      sync.Mutex
		arrived = map[string]bool{}
		all     = make(chan struct{})
	)
	// Each call waits until all seven have been made: if they ran one after another, the first would never return.
	f.up.Gate = func(ctx context.Context, call string) error {
		mu.Lock()
		arrived[call] = true
		if len(arrived) == int(numKinds) {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
			return nil
		case <-time.After(20 * time.Second): // deadlock guard, not a timing assertion
			return errors.New("calls did not run concurrently")
		}
	}
	m := f.open(t, uitest.SeedHernandesCard, 100, 30)
	feed(m, uitest.Exec(m.Init()))
	for k := kind(0); k < numKinds; k++ {
		assert.NoError(t, m.loads[k].err, "call %d", k)
		assert.True(t, m.loads[k].loaded, "call %d", k)
	}
}

func TestTabsShowTheirData(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedHernandesCard, 120, 40)
	head := flat(m.View())
	assert.Contains(t, head, "MARIA HERNANDES (HERNANDES ALVES DA SILVA) Ativo", "the social name first")
	assert.Contains(t, head, "CPF 235.764.830-98")
	assert.Contains(t, head, "Carteirinha 0001.1008.000027.01-0")
	assert.Contains(t, head, "Contrato 000000000001 EMPRESA X LTDA")
	assert.Contains(t, head, "Nascimento 15/06/2001")
	assert.Contains(t, head, "[1 Resumo]", "the Resumo opens first")
	assert.Contains(t, head, "Plano EMPRESARIAL 200 QC NACIONAL")
	assert.Contains(t, head, "Família 2 pessoas")

	m.Update(uitest.Key("2"))
	v := flat(m.View())
	assert.Contains(t, v, "Principais Plano EMPRESARIAL 200 QC NACIONAL", "what is looked for first, first")
	assert.Contains(t, v, "Dados Pessoais", "folder title as section")
	assert.Contains(t, v, "Relativos ao Plano")

	m.Update(uitest.Key("3"))
	v = flat(m.View())
	assert.Contains(t, v, "FABIANA SOPHIA MELO")
	assert.Contains(t, v, "0001.1008.000027.02-8")

	m.Update(uitest.Key("tab"))
	assert.Equal(t, TabGrace, m.ActiveTab())
	v = flat(m.View())
	assert.Contains(t, v, "Classes de carência")
	assert.Contains(t, v, "Grupos de carência")

	m.Update(uitest.Key("tab"))
	assert.Equal(t, TabAuthorizations, m.ActiveTab())
	v = flat(m.View())
	assert.Contains(t, v, "Guias de 10/12/2024 a 09/03/2025 (90 dias)", "the last 90 days by default")
	assert.Contains(t, v, "0001.00000416.00000030", "the sandbox's guides")
	assert.Contains(t, v, "CENTRO DE IMAGEM PRAIA DA COSTA")

	m.Update(uitest.Key("tab"))
	assert.Equal(t, TabBilling, m.ActiveTab())
	v = flat(m.View())
	assert.Contains(t, v, "03/2025", "the current month")
	assert.Contains(t, v, "R$", "amounts")

	m.Update(uitest.Key("tab"))
	assert.Equal(t, TabProtocols, m.ActiveTab())
	v = flat(m.View())
	ps := f.up.ProtocolNumbers(m.Beneficiary().ChaveUnica)
	if len(ps) > 0 {
		assert.Contains(t, v, common.GroupDigits(ps[0]), "the protocol as the dataset lists it, grouped")
	} else {
		assert.Contains(t, v, "Nenhum protocolo")
	}
	m.Update(uitest.Key("shift+tab"))
	assert.Equal(t, TabBilling, m.ActiveTab())
}

func TestTabErrorAndRetry(t *testing.T) {
	f := newFixture(t)
	f.up.SetFail("family", context.DeadlineExceeded)
	m := f.loaded(t, uitest.SeedHernandesCard, 100, 30)
	assert.Contains(t, flat(m.View()), "! Família: não carregou (r tenta de novo)", "the Resumo warns")
	m.Update(uitest.Key("3"))
	v := flat(m.View())
	assert.Contains(t, v, flat(client.UserMessage(context.DeadlineExceeded)))
	assert.Contains(t, v, "Pressione r para tentar de novo")
	assert.Contains(t, flat(m.headerView()), "[3 Família !]", "the tab is marked as failed")

	f.up.SetFail("family", nil)
	before := f.up.Count("family")
	_, cmd := m.Update(uitest.Key("r"))
	assert.True(t, m.Loading())
	assert.Contains(t, flat(m.View()), "Carregando a família no TOTVS")
	feed(m, uitest.Exec(cmd))
	assert.Equal(t, before+1, f.up.Count("family"))
	assert.Contains(t, flat(m.View()), "FABIANA SOPHIA MELO")
	assert.Equal(t, 1, f.up.Count("contract"), "r retries the active tab and failed ones only")
}

func TestLeavingCancelsAndDropsLateResults(t *testing.T) {
	f := newFixture(t)
	canceled := make(chan string, numKinds)
	f.up.Gate = func(ctx context.Context, call string) error {
		<-ctx.Done() // nothing answers until the screen is left
		canceled <- call
		return ctx.Err()
	}
	m := f.open(t, uitest.SeedHernandesCard, 100, 30)
	cmd := m.Init()
	done := make(chan []tea.Msg)
	go func() { done <- uitest.Exec(cmd) }()

	_, back := m.Update(uitest.Key("esc"))
	require.NotNil(t, back)
	assert.IsType(t, common.BackMsg{}, back())
	msgs := <-done // every call returned: their contexts were cancelled
	assert.Len(t, canceled, int(numKinds))

	// Late answers of older calls are dropped; and answers addressed to another screen too.
	m.loads[kFamily].loading = true
	m.loads[kFamily].gen = 7
	m.Update(LoadedMsg{Screen: m.id, kind: kFamily, gen: 6, value: &model.Family{}})
	assert.True(t, m.loads[kFamily].loading, "an older call's answer is dropped")
	m.Update(LoadedMsg{Screen: m.id + 1000, kind: kFamily, gen: 7, value: &model.Family{}})
	assert.True(t, m.loads[kFamily].loading, "another screen's answer is dropped")
	_ = msgs
}

func TestSpinnerStopsWhenNothingLoads(t *testing.T) {
	f := newFixture(t)
	m := f.open(t, uitest.SeedHernandesCard, 100, 30)
	msgs := uitest.Exec(m.Init())
	var tick spinner.TickMsg
	for _, msg := range msgs {
		if tm, ok := msg.(spinner.TickMsg); ok {
			tick = tm
		}
	}
	require.Equal(t, m.spin.ID(), tick.ID, "opening starts the spinner")
	_, cmd := m.Update(tick)
	assert.NotNil(t, cmd, "ticks while loading")
	feed(m, msgs)
	_, cmd = m.Update(spinner.TickMsg{ID: m.spin.ID()})
	assert.Nil(t, cmd, "no more ticks once everything loaded")
}

func TestProtocolsCountAndRefreshOnSent(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedHernandesCard, 100, 30)
	_, cmd := m.Update(uitest.Key("+"))
	assert.Nil(t, cmd, "+ only works on Protocolos")
	m.Update(uitest.Key("7"))
	_, cmd = m.Update(uitest.Key("+"))
	feed(m, uitest.Exec(cmd))
	assert.Equal(t, 6, f.up.LastN)
	assert.Contains(t, flat(m.View()), "Protocolos no Mosia (+/- muda a quantidade, 1 a 10)")
	for i := 0; i < 12; i++ {
		_, cmd = m.Update(uitest.Key("-"))
		feed(m, uitest.Exec(cmd))
	}
	assert.Equal(t, MinProtocols, m.nProto)

	n := f.up.Count("protocols")
	_, cmd = m.Update(common.OccurrenceSentMsg{ChaveUnica: "someone-else", Protocol: "1"})
	assert.Nil(t, cmd)
	_, cmd = m.Update(common.OccurrenceSentMsg{ChaveUnica: m.Beneficiary().ChaveUnica, Protocol: "1"})
	feed(m, uitest.Exec(cmd))
	assert.Equal(t, n+1, f.up.Count("protocols"), "a protocol sent for this beneficiary refreshes the list")
}

func TestFamilyEnterOpensMember(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedHernandesCard, 100, 30)
	m.Update(uitest.Key("3"))
	require.Equal(t, 0, m.lists[TabFamily].Selected(), "the open beneficiary is selected")
	_, cmd := m.Update(uitest.Key("enter"))
	assert.Nil(t, cmd, "Enter on the person already on screen does nothing")
	m.Update(uitest.Key("down"))
	_, cmd = m.Update(uitest.Key("enter"))
	msgs := uitest.Exec(cmd)
	require.Len(t, msgs, 1)
	_, cmd = m.Update(msgs[0])
	open, ok := cmd().(common.OpenBeneficiaryMsg)
	require.True(t, ok)
	assert.Equal(t, uitest.SeedFabianaCard, open.Beneficiary.Card)
	assert.Equal(t, "41823957609", open.Beneficiary.CPF, "looked up in the directory")
}

func TestNewOccurrenceCarriesFamily(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedHernandesCard, 100, 30)
	_, cmd := m.Update(uitest.Key("n"))
	msg, ok := cmd().(common.NewOccurrenceMsg)
	require.True(t, ok)
	assert.Equal(t, uitest.SeedHernandesCard, msg.Beneficiary.Card)
	assert.NotEmpty(t, msg.Family)
	assert.Equal(t, "000000000001", msg.Contract.Number)
}

func TestGraceRunningIsHighlightedWithText(t *testing.T) {
	f := newFixture(t)
	m := f.open(t, uitest.SeedHernandesCard, 120, 30)
	m.classes = &model.GraceClasses{Items: []model.GraceClass{
		{Code: "001", Description: "CONSULTAS", End: "2025-02-01", Status: "Carência Cumprida"},
		{Code: "002", Description: "PARTO", End: "2025-09-30", Status: "Em Carência"},
	}}
	m.loads[kClasses].loaded = true
	m.groups = &model.GraceGroups{}
	m.loads[kGroups].loaded = true
	m.setTab(TabGrace)
	v := flat(m.View())
	assert.Contains(t, v, "CONSULTAS 01/02/2025 Carência Cumprida")
	assert.Contains(t, v, "PARTO 30/09/2025 Em carência até 30/09/2025", "the case TOTVS uses beside it")

	m.classes.Transfer = true
	m.classes.Items = []model.GraceClass{{Description: "INTERNAÇÃO", PrevEnd: "2024-01-01",
		PrevStatus: "Carência Cumprida", CurEnd: "2026-01-01", CurStatus: "Em Carência"}}
	m.refresh(TabGrace)
	v = flat(m.View())
	assert.Contains(t, v, "Rede anterior")
	assert.Contains(t, v, "INTERNAÇÃO 01/01/2024 · Carência Cumprida Em carência até 01/01/2026")
}

func TestLayoutEveryTabEverySize(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedHernandesCard, 80, 24)
	for tab := 0; tab < numTabs; tab++ {
		m.setTab(tab)
		for _, size := range [][2]int{{60, 13}, {79, 21}, {80, 21}, {81, 21}, {100, 27}, {120, 37}, {160, 40}, {200, 47}, {250, 67}} {
			m.SetSize(size[0], size[1])
			lines := strings.Split(m.View(), "\n")
			assert.Len(t, lines, size[1], "tab %d %dx%d", tab, size[0], size[1])
			for i, l := range lines {
				assert.LessOrEqual(t, ansi.StringWidth(l), size[0], "tab %d %dx%d line %d: %q", tab, size[0], size[1], i, ansi.Strip(l))
			}
		}
	}
}

var tabFiles = [numTabs]string{"resumo", "contrato", "familia", "carencias", "autorizacoes", "financeiro", "protocolos"}

func TestBeneficiaryGolden(t *testing.T) {
	f := newFixture(t)
	people := []struct {
		name, card string
		tabs       []int
	}{
		{"hernandes", uitest.SeedHernandesCard, []int{TabSummary, TabContract, TabFamily, TabGrace, TabAuthorizations,
			TabBilling, TabProtocols}},
		{"patrick", uitest.SeedPatrickCard, []int{TabSummary, TabGrace, TabProtocols}}, // transferred; has protocols
	}
	for _, p := range people {
		for _, size := range [][2]int{{80, 21}, {200, 47}} {
			m := f.loaded(t, p.card, size[0], size[1])
			for _, tab := range p.tabs {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", p.name, tabFiles[tab], size[0], size[1]), func(t *testing.T) {
					m.setTab(tab)
					golden.RequireEqual(t, []byte(m.View()))
				})
			}
		}
	}
}

func BenchmarkViewBeneficiary200x50(b *testing.B) {
	f := newFixture(b)
	m := f.loaded(b, uitest.SeedHernandesCard, 200, 47)
	for tab := 0; tab < numTabs; tab++ {
		m.setTab(tab)
		b.Run(tabList[tab].title, func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				_ = m.View()
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N)/1000, "ms/view")
		})
	}
}

// TestTabBarWhileLoadingInTrueColour draws the screen while its calls run, in true colour: the spinner in the active
// tab keeps its escape codes whole (none shows as text) and an error mark too.
func TestTabBarWhileLoadingInTrueColour(t *testing.T) {
	f := newFixture(t)
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	ctx := common.NewContext(f.svc, common.Session{Attendant: "teste", Renderer: r})
	b, ok, err := f.svc.Directory.ByCard(context.Background(), uitest.SeedHernandesCard)
	require.NoError(t, err)
	require.True(t, ok)
	m := New(ctx, common.OpenBeneficiaryMsg{Beneficiary: b})
	m.SetSize(100, 30)
	_ = m.Init() // the calls are not run: every tab is loading
	for tab := 0; tab < numTabs; tab++ {
		m.setTab(tab)
		plain := ansi.Strip(m.View())
		assert.NotContains(t, plain, "[38;", "tab %d", tab)
		assert.NotContains(t, plain, "\x1b", "tab %d", tab)
		assert.Contains(t, plain, "["+fmt.Sprintf("%d %s", tab+1, tabList[tab].title)+" "+ansi.Strip(m.spin.View())+"]")
	}
	m.Update(LoadedMsg{Screen: m.id, kind: kFamily, gen: m.loads[kFamily].gen, err: context.DeadlineExceeded})
	m.setTab(TabFamily)
	plain := ansi.Strip(m.View())
	assert.Contains(t, plain, "[3 Família !]")
	assert.NotContains(t, plain, "\x1b")
}

// TestScrollingATab pages through Contrato (60 lines in a 16-line window) and moves Família's selection: the last
// line says where the window is.
func TestScrollingATab(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedHernandesCard, 80, 21)
	last := func() string {
		lines := strings.Split(m.View(), "\n")
		return ansi.Strip(lines[len(lines)-1])
	}
	m.Update(uitest.Key("2"))
	tests := []struct {
		key  string
		want string
	}{
		{"pgdown", " linhas 16–31 de 67 · ↑/↓ ou PgUp/PgDn rolam"},
		{"down", " linhas 17–32 de 67 · ↑/↓ ou PgUp/PgDn rolam"},
		{"j", " linhas 18–33 de 67 · ↑/↓ ou PgUp/PgDn rolam"},
		{"G", " linhas 52–67 de 67 · ↑ ou PgUp volta"},
		{"down", " linhas 52–67 de 67 · ↑ ou PgUp volta"},
		{"pgup", " linhas 37–52 de 67 · ↑/↓ ou PgUp/PgDn rolam"},
		{"up", " linhas 36–51 de 67 · ↑/↓ ou PgUp/PgDn rolam"},
		{"g", " linhas 1–16 de 67 · ↓ ou PgDn mostra mais abaixo"},
		{"end", " linhas 52–67 de 67 · ↑ ou PgUp volta"},
		{"home", " linhas 1–16 de 67 · ↓ ou PgDn mostra mais abaixo"},
		{"pgdown", " linhas 16–31 de 67 · ↑/↓ ou PgUp/PgDn rolam"},
	}
	for _, tt := range tests {
		m.Update(keyOf(tt.key))
		assert.Equal(t, tt.want, last(), "after %s", tt.key)
	}
	m.Update(uitest.Key("1"))
	m.Update(uitest.Key("2"))
	assert.Equal(t, " linhas 16–31 de 67 · ↑/↓ ou PgUp/PgDn rolam", last(), "a tab keeps its place")

	m.Update(uitest.Key("3"))
	assert.Equal(t, "", last(), "Família fits")
	m.Update(uitest.Key("down"))
	assert.Equal(t, 1, m.lists[TabFamily].Selected())
	assert.Contains(t, flat(m.View()), "FABIANA SOPHIA MELO")
	m.Update(uitest.Key("pgdown"))
	assert.Equal(t, 1, m.lists[TabFamily].Selected(), "the last member")
	m.Update(uitest.Key("g"))
	assert.Equal(t, 0, m.lists[TabFamily].Selected(), "g: the first member")
	m.Update(uitest.Key("G"))
	assert.Equal(t, 1, m.lists[TabFamily].Selected(), "G: the last")
}

// keyOf is a key press, with Home and End too.
func keyOf(k string) tea.KeyMsg {
	switch k {
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	}
	return uitest.Key(k)
}

// accesses is an access record in memory.
type accesses struct {
	mu   sync.Mutex
	got  []common.Access
	fail error
}

func (a *accesses) Opened(_ context.Context, x common.Access) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		return a.fail
	}
	a.got = append(a.got, x)
	return nil
}

// settle feeds the screen every answer and returns the messages of the commands its updates return.
func settle(m *Model, msgs []tea.Msg) []tea.Msg {
	var out []tea.Msg
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		for _, x := range uitest.Exec(cmd) {
			if _, ok := x.(spinner.TickMsg); !ok {
				out = append(out, x)
			}
		}
	}
	return out
}

func TestOpeningIsInTheAccessRecord(t *testing.T) {
	f := newFixture(t)
	rec := &accesses{}
	f.svc.Accesses = rec
	f.ctx.Session.Attendant, f.ctx.Session.KeyFingerprint = "maria", "SHA256:abc"
	f.up.SetFail("protocols", context.DeadlineExceeded)
	m := f.open(t, uitest.SeedHernandesCard, 100, 30)
	settle(m, uitest.Exec(m.Init()))
	require.Len(t, rec.got, 1, "one line once the seven calls have answered")
	got := rec.got[0]
	assert.Equal(t, "maria", got.Attendant)
	assert.Equal(t, "SHA256:abc", got.Key)
	assert.Equal(t, m.Beneficiary().ChaveUnica, got.Chave)
	assert.Equal(t, []string{"contrato", "familia", "carencias", "autorizacoes", "financeiro"}, got.Tabs,
		"what loaded; protocols failed")

	f.up.SetFail("protocols", nil)
	m.Update(uitest.Key("7"))
	_, cmd := m.Update(uitest.Key("r"))
	settle(m, uitest.Exec(cmd))
	require.Len(t, rec.got, 2, "a reload is another look")
	assert.Equal(t, []string{"protocolos"}, rec.got[1].Tabs)

	rec.fail = errors.New("disk full")
	_, cmd = m.Update(uitest.Key("r"))
	msgs := settle(m, uitest.Exec(cmd))
	require.Len(t, msgs, 1)
	assert.Equal(t, common.NoticeMsg{Text: i18n.BenAccessNotRecorded, Error: true}, msgs[0],
		"a look the record could not keep is said on screen")
}

// ↑/↓ are named for what they move on each tab: a member on Família, a row on Protocolos (and Autorizações, the
// Resumo's protocols), the text elsewhere.
func TestUpDownNamedPerTab(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedPatrickCard, 100, 30)
	tests := []struct {
		key, want string
	}{
		{"3", i18n.UIKeyMemberUp},
		{"7", i18n.UIKeyRowUp},
		{"2", i18n.UIKeyScroll},
	}
	for _, tt := range tests {
		m.Update(uitest.Key(tt.key))
		assert.Equal(t, tt.want, m.keys.Up.Help().Desc, "tab key %s", tt.key)
	}
}
