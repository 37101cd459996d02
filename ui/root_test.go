package ui

import (
	"context"
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

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/beneficiary"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/internal/uitest"
	"github.com/balcao/balcao/ui/search"
	"github.com/balcao/balcao/ui/statusbar"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

func flat(s string) string { return strings.Join(strings.Fields(ansi.Strip(s)), " ") }

type harness struct {
	t   testing.TB
	r   *Root
	svc *common.Services
	up  *uitest.Upstream
}

func newHarness(t testing.TB, w, h int) *harness {
	svc, up := uitest.Services(t, 300)
	r := newRoot(svc, common.Session{Attendant: "teste"})
	r.ctx.Now = func() time.Time { return uitest.Now }
	r.now = r.ctx.Now
	r.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return &harness{t: t, r: r, svc: svc, up: up}
}

// run executes a command as the program would and feeds its messages back, following the commands they return.
// Spinner ticks are not followed (they only animate), and a command still running after idleGrace is abandoned:
// that is a screen's periodic refresh (Pendências re-reads the outbox every few seconds), not work under test.
func (h *harness) run(cmd tea.Cmd) {
	for depth := 0; cmd != nil && depth < 8; depth++ {
		var next []tea.Cmd
		for _, msg := range execGrace(cmd) {
			if _, ok := msg.(spinner.TickMsg); ok {
				continue
			}
			if _, ok := msg.(tea.QuitMsg); ok {
				continue
			}
			_, c := h.r.Update(msg)
			next = append(next, c)
		}
		cmd = tea.Batch(next...)
	}
}

const idleGrace = 1500 * time.Millisecond

// execGrace runs a command (a batch's commands concurrently) and returns the messages of those that finish
// within idleGrace.
func execGrace(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := make(chan tea.Msg, 1)
	go func() { msg <- cmd() }()
	var first tea.Msg
	select {
	case first = <-msg:
	case <-time.After(idleGrace):
		return nil
	}
	batch, ok := first.(tea.BatchMsg)
	if !ok {
		if first == nil {
			return nil
		}
		return []tea.Msg{first}
	}
	var (
		out []tea.Msg
		mu  sync.Mutex
		wg  sync.WaitGroup
	)
	for _, c := range batch {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ms := execGrace(c)
			mu.Lock()
			out = append(out, ms...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// press sends keys; runes and names as uitest.Key reads them. Commands are followed only when follow is true.
func (h *harness) press(follow bool, keys ...string) tea.Cmd {
	var last tea.Cmd
	for _, k := range keys {
		_, last = h.r.Update(uitest.Key(k))
		if follow {
			h.run(last)
		}
	}
	return last
}

func (h *harness) typeText(s string) {
	rs := []rune(s)
	for i, r := range rs {
		cmd := h.press(false, string(r))
		if i == len(rs)-1 {
			h.run(cmd) // only the last keystroke's debounce searches
		}
	}
}

func (h *harness) view() string { return h.r.View() }

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	for _, m := range uitest.Exec(cmd) {
		if _, ok := m.(tea.QuitMsg); ok {
			return true
		}
	}
	return false
}

func TestKeyPrecedence(t *testing.T) {
	h := newHarness(t, 100, 30)
	s := h.r.Active().(*search.Model)
	require.True(t, s.Typing())

	cmd := h.press(false, "q")
	assert.False(t, isQuit(cmd), "q types a q in the focused field")
	h.press(false, "p", "?")
	assert.Equal(t, "qp?", s.Value(), "p and ? type too")
	assert.Equal(t, 1, h.r.Depth())

	h.press(false, "esc")
	require.False(t, s.Typing(), "Esc leaves the field")
	h.press(true, "p")
	assert.Equal(t, 2, h.r.Depth(), "p opens Pendências when not typing")
	assert.True(t, isPending(h.r.Active()))
	h.press(true, "p")
	assert.Equal(t, 2, h.r.Depth(), "p does not stack Pendências twice")
	h.press(true, "esc")
	assert.Equal(t, 1, h.r.Depth())

	assert.True(t, isQuit(h.press(false, "q")), "q quits when no field has focus")

	h = newHarness(t, 100, 30)
	assert.True(t, isQuit(h.press(false, "ctrl+c")), "ctrl+c always quits, even typing")
}

func TestSearchOpenAndBack(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.typeText("hernandes alves")
	assert.Contains(t, flat(h.view()), "HERNANDES ALVES DA SILVA")
	h.press(true, "enter")
	require.Equal(t, 2, h.r.Depth())
	b, ok := h.r.Active().(*beneficiary.Model)
	require.True(t, ok)
	assert.False(t, b.Loading(), "the seven calls answered")
	v := flat(h.view())
	assert.Contains(t, v, "[1 Resumo]", "the Resumo opens first")
	assert.Contains(t, v, "Plano EMPRESARIAL 200 QC NACIONAL")
	assert.Contains(t, v, "DEMONSTRAÇÃO")

	h.press(true, "3")
	assert.Contains(t, flat(h.view()), "FABIANA SOPHIA MELO")
	h.press(true, "down", "enter")
	require.Equal(t, 3, h.r.Depth(), "Enter on a family member opens them")
	assert.Contains(t, flat(h.view()), "FABIANA SOPHIA MELO Ativo")

	h.press(true, "esc")
	h.press(true, "esc")
	assert.Equal(t, 1, h.r.Depth())
	assert.Equal(t, "hernandes alves", h.r.Active().(*search.Model).Value(), "Busca keeps its term")

	h.press(true, "esc")
	assert.Equal(t, 1, h.r.Depth(), "Esc on Busca never pops it")
}

// Runes that arrive in one read (typed fast, over SSH) act one by one outside a text field, each on the screen the
// one before left open; in a field they are text.
func TestBurstKeys(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.typeText("hernandes alves")
	h.press(true, "enter")
	b := h.r.Active().(*beneficiary.Model)
	require.False(t, b.Loading())
	h.press(true, "7n")
	require.Equal(t, 3, h.r.Depth(), "7n: Protocolos, then n opens the form")
	assert.Equal(t, beneficiary.TabProtocols, b.ActiveTab())
	h.press(true, "esc")
	require.Equal(t, 2, h.r.Depth())
	h.press(true, "32")
	assert.Equal(t, beneficiary.TabContract, b.ActiveTab(), "3 then 2")

	h = newHarness(t, 100, 30)
	h.typeText("silva")
	h.press(false, "esc")
	s := h.r.Active().(*search.Model)
	require.False(t, s.Typing())
	h.press(false, "jjj")
	first, _ := s.Selected()
	assert.Equal(t, s.Results()[3].Beneficiary.Card, first.Beneficiary.Card, "jjj moves three rows")
	h.press(false, "/ab")
	assert.True(t, s.Typing(), "/ focuses the field")
	assert.Equal(t, "silvaab", s.Value(), "the rest of the burst is text for the field")
}

// q and Ctrl+C ask first while a form is being typed or occurrences wait; a second Ctrl+C (or s) quits.
func TestQuitAsksWithWorkAtStake(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.typeText("hernandes alves")
	h.press(true, "enter", "n")
	require.Equal(t, 3, h.r.Depth())
	for i := 0; i < 5; i++ {
		h.press(true, "down")
	}
	h.press(true, "p", "e", "d", "i", "u")
	assert.False(t, isQuit(h.press(false, "ctrl+c")), "a form being typed: ask first")
	require.True(t, h.r.Asking())
	assert.Contains(t, flat(h.view()), "Sair? há uma ocorrência sendo digitada")
	h.press(false, "n")
	assert.False(t, h.r.Asking())
	assert.Equal(t, 3, h.r.Depth(), "n goes on typing")
	h.press(false, "ctrl+c")
	assert.True(t, isQuit(h.press(false, "ctrl+c")), "Ctrl+C twice quits")

	h = newHarness(t, 100, 30)
	h.svc.Outbox.(*uitest.Outbox).Pending = 2
	h.run(h.r.status.Refresh())
	h.press(false, "esc")
	assert.False(t, isQuit(h.press(false, "q")), "occurrences not delivered: ask first")
	assert.Contains(t, flat(h.view()), "2 ocorrências ainda não chegaram ao Mosia")
	assert.True(t, isQuit(h.press(false, "s")))
}

// / is global: from a family member it goes straight back to Busca with the field focused.
func TestEscOnResultsClearsTheSearch(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.typeText("silva")
	s := h.r.Active().(*search.Model)
	h.press(false, "esc")
	require.False(t, s.Typing())
	require.NotEmpty(t, s.Results(), "leaving the field keeps the results")
	h.press(false, "esc")
	assert.True(t, s.Typing(), "Esc on the results: back to the field")
	assert.Equal(t, "", s.Value(), "…with the search cleared")
	assert.Empty(t, s.Results())
}

func TestSlashFromAnyScreen(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.typeText("hernandes alves")
	h.press(true, "enter", "3", "down", "enter")
	require.Equal(t, 3, h.r.Depth())
	h.press(true, "/")
	require.Equal(t, 1, h.r.Depth())
	s := h.r.Active().(*search.Model)
	assert.True(t, s.Typing())
	assert.Equal(t, "hernandes alves", s.Value())
}

func TestHelpToggle(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.press(false, "esc", "?")
	v := flat(h.view())
	assert.Contains(t, v, "Ajuda: na primeira coluna as teclas de qualquer tela")
	assert.Contains(t, v, "ctrl+c sair sempre")
	assert.Contains(t, v, "ctrl+u limpar o campo", "Ctrl+U is documented")
	assert.Len(t, strings.Split(h.view(), "\n"), 30)
	h.press(false, "?")
	assert.NotContains(t, flat(h.view()), "Ajuda: na primeira coluna")
}

func TestTooSmall(t *testing.T) {
	h := newHarness(t, 50, 10)
	v := h.view()
	assert.Contains(t, flat(v), "Terminal pequeno demais")
	assert.Contains(t, flat(v), "Agora: 50×10. Mínimo: 60×16.")
	assert.Len(t, strings.Split(v, "\n"), 10)
	h.r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	assert.NotContains(t, flat(h.view()), "Terminal pequeno demais")
	assert.Contains(t, flat(h.view()), "Buscar:")
}

func TestStatusBar(t *testing.T) {
	h := newHarness(t, 120, 30)
	v := flat(h.view())
	for _, want := range []string{"DEMONSTRAÇÃO", "TOTVS ok", "Mosia ok", "busca 127.0.0.1:8089 (3 req.)", "nenhuma pendência"} {
		assert.Contains(t, v, want)
	}
	st := h.svc.Status.(*uitest.Status)
	st.Addr, st.Err, st.Mosia = "", "porta 8089 ocupada", common.HealthDown
	h.svc.Outbox.(*uitest.Outbox).Pending = 2
	h.run(h.r.status.Refresh())
	v = flat(h.view())
	assert.Contains(t, v, "busca: porta 8089 ocupada")
	assert.Contains(t, v, "Mosia falha")
	assert.Contains(t, v, "2 pendências")

	h.r.Update(common.NoticeMsg{Text: "Copiado."})
	assert.Contains(t, flat(h.view()), "Copiado.")

	item := common.OutboxItem{State: common.OutboxSent, Protocol: "1111120250310000001",
		Occurrence: model.Occurrence{Requester: model.Party{Name: "Ana - 123", ChaveUnica: "123"}}}
	statusbar.NoticeFor = time.Millisecond
	defer func() { statusbar.NoticeFor = 10 * time.Second }()
	_, cmd := h.r.Update(common.OutboxEventMsg{Item: item})
	assert.Contains(t, flat(h.view()), "Ocorrência de Ana enviada: protocolo 1111 1202 5031 0000 001")
	var sent bool
	for _, m := range uitest.Exec(cmd) {
		if s, ok := m.(common.OccurrenceSentMsg); ok {
			sent = s.ChaveUnica == "123" && s.Protocol == item.Protocol
		}
	}
	assert.True(t, sent, "the root tells the screens an occurrence got a protocol")
}

// screensAt builds every screen the console can show, for layout tests.
func screensAt(t *testing.T) map[string]*harness {
	out := map[string]*harness{}
	h := newHarness(t, 100, 30)
	h.typeText("silva")
	h.press(false, "down", "down")
	out["busca"] = h

	for tab := 1; tab <= 5; tab++ {
		h := newHarness(t, 100, 30)
		h.run(common.Cmd(common.OpenBeneficiaryMsg{Beneficiary: mustCard(t, h, uitest.SeedPatrickCard)}))
		h.press(true, fmt.Sprint(tab))
		out[fmt.Sprintf("beneficiario-%d", tab)] = h
	}
	h = newHarness(t, 100, 30)
	h.run(common.Cmd(common.OpenBeneficiaryMsg{Beneficiary: mustCard(t, h, uitest.SeedHernandesCard)}))
	h.press(true, "n")
	out["ocorrencia"] = h

	h = newHarness(t, 100, 30)
	h.press(true, "esc", "p")
	out["pendencias"] = h

	h = newHarness(t, 100, 30)
	h.press(true, "esc", "?")
	out["ajuda"] = h
	return out
}

func mustCard(t testing.TB, h *harness, card string) model.Beneficiary {
	b, ok, err := h.svc.Directory.ByCard(context.Background(), card)
	require.NoError(t, err)
	require.True(t, ok)
	return b
}

func TestLayoutEveryScreenEverySize(t *testing.T) {
	sizes := [][2]int{{79, 24}, {80, 24}, {81, 24}, {60, 16}, {100, 30}, {120, 40}, {160, 45}, {200, 50}, {250, 70},
		{59, 24}, {80, 15}, {30, 8}}
	for name, h := range screensAt(t) {
		for _, sz := range sizes {
			h.r.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			lines := strings.Split(h.view(), "\n")
			assert.Len(t, lines, sz[1], "%s at %dx%d", name, sz[0], sz[1])
			for i, l := range lines {
				assert.LessOrEqual(t, ansi.StringWidth(l), sz[0], "%s at %dx%d line %d: %q", name, sz[0], sz[1], i, ansi.Strip(l))
			}
		}
	}
}

func TestRootGolden(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		t.Run(fmt.Sprintf("busca_%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h := newHarness(t, sz[0], sz[1])
			h.typeText("joao pedro")
			golden.RequireEqual(t, []byte(h.view()))
		})
		t.Run(fmt.Sprintf("beneficiario_%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h := newHarness(t, sz[0], sz[1])
			h.typeText("joao pedro")
			h.press(true, "enter", "7")
			golden.RequireEqual(t, []byte(h.view()))
		})
		t.Run(fmt.Sprintf("resumo_%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h := newHarness(t, sz[0], sz[1])
			h.typeText("133.315.847-54")
			h.press(true, "enter")
			golden.RequireEqual(t, []byte(h.view()))
		})
		t.Run(fmt.Sprintf("historico_%dx%d", sz[0], sz[1]), func(t *testing.T) {
			h := newHarness(t, sz[0], sz[1])
			h.svc.Catalogue = config.DefaultCatalogue()
			h.typeText("133.315.847-54")
			h.press(true, "enter", "n", "ctrl+s", "enter", "h")
			golden.RequireEqual(t, []byte(h.view()))
		})
	}
}

type recorder struct {
	mu   sync.Mutex
	got  []string
	done chan struct{}
	want int
}

func (r *recorder) Init() tea.Cmd { return nil }
func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(string); ok {
		r.mu.Lock()
		r.got = append(r.got, s)
		if len(r.got) == r.want {
			close(r.done)
		}
		r.mu.Unlock()
	}
	return r, nil
}
func (r *recorder) View() string { return "" }

func TestHubBroadcastsToEveryProgramInOrder(t *testing.T) {
	hub := NewHub()
	var recs []*recorder
	var progs []*tea.Program
	for i := 0; i < 3; i++ {
		rec := &recorder{done: make(chan struct{}), want: 3}
		p := tea.NewProgram(rec, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer())
		go func() { _, _ = p.Run() }()
		unregister := hub.Register(p)
		defer unregister()
		recs = append(recs, rec)
		progs = append(progs, p)
	}
	assert.Equal(t, 3, hub.Len())
	for _, s := range []string{"a", "b", "c"} {
		hub.Broadcast(s)
	}
	for _, rec := range recs {
		<-rec.done
		assert.Equal(t, []string{"a", "b", "c"}, rec.got)
	}
	for _, p := range progs {
		p.Quit()
		p.Wait()
	}
	hub.Broadcast("after quit") // must not block on ended programs
}

func TestProgramOptionsAltScreenNoMouse(t *testing.T) {
	assert.Len(t, ProgramOptions(), 1, "alt screen only: no mouse option")
}

// BenchmarkViewRoot200x50 measures a whole frame (screen, status bar, help) on each main screen. Target ≤ 2 ms.
func BenchmarkViewRoot200x50(b *testing.B) {
	h := newHarness(b, 200, 50)
	h.typeText("maria")
	frames := map[string]*harness{"busca": h}
	h = newHarness(b, 200, 50)
	h.run(common.Cmd(common.OpenBeneficiaryMsg{Beneficiary: mustCard(b, h, uitest.SeedPatrickCard)}))
	frames["beneficiario"] = h
	for name, h := range frames {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				_ = h.view()
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N)/1000, "ms/view")
		})
	}
}

// A long notice is wrapped on two lines at 80 columns, never cut mid-sentence; the screen gives it the room.
func TestLongNoticeWrapsAt80(t *testing.T) {
	h := newHarness(t, 80, 24)
	text := "Não enviada ainda: o Mosia não respondeu a tempo. A ocorrência está guardada e será reenviada automaticamente."
	h.r.Update(common.NoticeMsg{Text: text})
	v := h.view()
	lines := strings.Split(v, "\n")
	assert.Len(t, lines, 24)
	assert.Contains(t, flat(v), "será reenviada automaticamente.")
	h.r.Update(statusbarClear(h))
	assert.Len(t, strings.Split(h.view(), "\n"), 24)
}

// statusbarClear is the message that clears the notice (its timer, run now).
func statusbarClear(h *harness) tea.Msg {
	statusbar.NoticeFor = time.Millisecond
	defer func() { statusbar.NoticeFor = 10 * time.Second }()
	_, cmd := h.r.Update(common.NoticeMsg{Text: "x"})
	for _, m := range uitest.Exec(cmd) {
		return m
	}
	return nil
}
