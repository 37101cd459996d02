package pending

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/ui/common"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var (
	t0  = time.Date(2025, 3, 10, 14, 5, 0, 0, time.UTC) // 11:05 in São Paulo
	now = t0.Add(30 * time.Minute)
)

// fakeOutbox lists items and answers retries with a configured item.
type fakeOutbox struct {
	mu        sync.Mutex
	items     []common.OutboxItem
	listErr   error
	retried   []string
	retryOut  common.OutboxItem
	retryErr  error
	lists     int
	cancelled []string
}

func (f *fakeOutbox) Submit(context.Context, string, model.Occurrence) (common.OutboxItem, error) {
	return common.OutboxItem{}, errors.New("not used")
}

func (f *fakeOutbox) List(context.Context) ([]common.OutboxItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	return append([]common.OutboxItem(nil), f.items...), f.listErr
}

func (f *fakeOutbox) RetryNow(_ context.Context, id string) (common.OutboxItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retried = append(f.retried, id)
	out := f.retryOut
	out.ID = id
	return out, f.retryErr
}

func (f *fakeOutbox) Resubmit(context.Context, string, model.Occurrence) (common.OutboxItem, error) {
	return common.OutboxItem{}, errors.New("not used")
}

func (f *fakeOutbox) PendingCount(context.Context) (int, error) { return len(f.items), nil }

func (f *fakeOutbox) Cancel(_ context.Context, id, attendant string) (common.OutboxItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, it := range f.items {
		if it.ID == id {
			f.cancelled = append(f.cancelled, id+":"+attendant)
			f.items = append(f.items[:i:i], f.items[i+1:]...)
			it.State = common.OutboxCancelled
			return it, nil
		}
	}
	return common.OutboxItem{}, errors.New("not found")
}

func req(typ, subj int, name, key string) model.Occurrence {
	return model.Occurrence{TypeID: typ, SubjectID: subj, Requester: model.Party{Name: name, ChaveUnica: key},
		Beneficiary: &model.Party{Name: name, ChaveUnica: key}, Contract: "00000000001"}
}

func sampleItems() []common.OutboxItem {
	return []common.OutboxItem{
		{ID: "3", CreatedAt: t0.Add(20 * time.Minute), Occurrence: req(128, 173, "Maria da Conceição Souza", "52998224725"),
			State: common.OutboxPending, Attempts: 2, NextTry: now.Add(90 * time.Second),
			Reason: "Não enviada ainda: o Mosia não respondeu a tempo. A ocorrência está guardada e será reenviada automaticamente; não é preciso digitar de novo (tecle r em Pendências para tentar agora)."},
		{ID: "2", CreatedAt: t0.Add(10 * time.Minute), Occurrence: req(469, 321, "João Pedro de Albuquerque Cavalcanti Neto", "23576483098"),
			State: common.OutboxNeedsCorrection, Attempts: 1,
			Reason: `O Mosia recusou a ocorrência: "idAssunto não pertence ao tipo". Corrija os dados em Pendências (tecla p) e envie de novo.`},
		{ID: "1", CreatedAt: t0, Occurrence: req(999, 5, "Ana Souza", "k"), State: common.OutboxSending, Attempts: 4},
		{ID: "0", CreatedAt: t0.Add(-time.Hour), Occurrence: req(128, 0, "Pedro", "p"), State: common.OutboxPending,
			Attempts: 1, NextTry: now.Add(-time.Second)},
	}
}

// catalogue is the test's own (the shipped default may change).
func catalogue() config.Catalogue {
	return config.Catalogue{IDFuncionalidade: 9298, Types: []config.OccurrenceType{
		{ID: 128, Name: "Solicitação", Default: true, Subjects: []config.Subject{{ID: 173, Name: "Atualização cadastral"}}},
		{ID: 469, Name: "Reclamação", Subjects: []config.Subject{{ID: 321, Name: "Demora na autorização"}}},
	}}
}

type env struct {
	ctx *common.Context
	ob  *fakeOutbox
}

func newEnv(w, h int, items []common.OutboxItem) *env {
	ob := &fakeOutbox{items: items}
	svc := &common.Services{Outbox: ob, Catalogue: catalogue()}
	ctx := common.NewContext(svc, common.Session{Attendant: "ana"})
	ctx.Width, ctx.Height = w, h
	return &env{ctx: ctx, ob: ob}
}

// open builds the screen and delivers its first list.
func (e *env) open(t testing.TB) *Model {
	t.Helper()
	m := New(e.ctx).(*Model)
	m.now = func() time.Time { return now }
	m.gen++
	m.Update(m.load()())
	require.True(t, m.loaded)
	return m
}

func send(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// run executes a command and whatever it batches, skipping timers; it returns the messages.
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run(c)...)
		}
		return out
	case nil:
		return nil
	default:
		return []tea.Msg{msg}
	}
}

// deliver runs a command and feeds the screen its own messages, returning the ones meant for the root.
func deliver(m *Model, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	for _, msg := range run(cmd) {
		switch msg.(type) {
		case listMsg, retryMsg, cancelMsg:
			out = append(out, deliver(m, send(m, msg))...)
		default:
			out = append(out, msg)
		}
	}
	return out
}

var (
	keyDown  = tea.KeyMsg{Type: tea.KeyDown}
	keyUp    = tea.KeyMsg{Type: tea.KeyUp}
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyEsc   = tea.KeyMsg{Type: tea.KeyEsc}
	keyR     = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")}
	keyJ     = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")}
)

func TestListShowsRowsInWords(t *testing.T) {
	e := newEnv(120, 30, sampleItems())
	m := e.open(t)
	v := m.View()
	for _, want := range []string{
		"4 ocorrências ainda não enviadas ao Mosia",
		"10/03/2025 11:25", "Maria da Conceição Souza", "Pendente", " 11:36 ", // created, next try today (São Paulo)
		"Precisa de correção", "Enviando", "agora",
		"Solicitação / Atualização cadastral", "Reclamação / Demora na autorização",
		"tipo 999 (fora do catálogo) / assunto 5 (fora do catálogo)",
	} {
		assert.Contains(t, v, want)
	}
	assert.False(t, m.Typing())
}

// x asks before cancelling; s cancels it in the outbox with the attendant's name, n keeps it.
func TestCancelAsksThenCancels(t *testing.T) {
	e := newEnv(100, 30, sampleItems())
	m := e.open(t)
	send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	assert.Contains(t, flat(m.View()), "Cancelar esta ocorrência?")
	send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")})
	assert.Empty(t, e.ob.cancelled, "n keeps it")
	send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	msgs := deliver(m, send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")}))
	assert.Equal(t, []string{"3:ana"}, e.ob.cancelled, "recorded with the attendant")
	assert.Contains(t, msgs, tea.Msg(common.NoticeMsg{Text: i18n.PendCancelled}))
	assert.Len(t, m.items, 3, "the list is read again without it")
}

// With nothing waiting, the footer offers no retry.
func TestEmptyOffersNoRetry(t *testing.T) {
	e := newEnv(100, 30, nil)
	m := e.open(t)
	for _, b := range m.ShortHelp() {
		assert.NotEqual(t, "r", b.Help().Key, "nothing to retry")
	}
}

func TestNavigateRetryAndEdit(t *testing.T) {
	e := newEnv(100, 30, sampleItems())
	e.ob.retryOut = common.OutboxItem{State: common.OutboxSent, Protocol: "10101020250310000077",
		Occurrence: req(128, 173, "Maria da Conceição Souza", "52998224725")}
	m := e.open(t)

	// r on the first (pending) item retries it now and tells the root it was sent.
	msgs := deliver(m, send(m, keyR))
	assert.Equal(t, []string{"3"}, e.ob.retried)
	assert.Contains(t, msgs, tea.Msg(common.NoticeMsg{Text: i18n.PendRetrySent("10101020250310000077")}))
	assert.Contains(t, msgs, tea.Msg(common.OccurrenceSentMsg{ChaveUnica: "52998224725", Protocol: "10101020250310000077"}))

	// Enter on a pending item shows its detail (Esc closes it); on the needs-correction one it asks the root to edit it.
	assert.Empty(t, deliver(m, send(m, keyEnter)))
	v := flat(m.View())
	assert.Contains(t, v, i18n.PendDetailTitle)
	assert.Contains(t, v, "Maria da Conceição Souza")
	assert.Contains(t, v, "tecle r em Pendências para tentar agora", "the full text, not cut")
	assert.Empty(t, deliver(m, send(m, keyEsc)))
	assert.NotContains(t, flat(m.View()), i18n.PendDetailTitle)
	send(m, keyDown)
	msgs = deliver(m, send(m, keyEnter))
	require.Len(t, msgs, 1)
	edit, ok := msgs[0].(common.EditOutboxItemMsg)
	require.True(t, ok)
	assert.Equal(t, "2", edit.Item.ID)
	assert.Contains(t, m.View(), i18n.PendCorrectHint)

	// r on it does not resend what Mosia refused.
	msgs = deliver(m, send(m, keyR))
	assert.Equal(t, []string{"3"}, e.ob.retried)
	assert.Contains(t, msgs, tea.Msg(common.NoticeMsg{Text: i18n.PendRetryCorrection, Error: true}))

	// j/k move too; the cursor stops at the ends.
	for range 10 {
		send(m, keyJ)
	}
	assert.Equal(t, 3, m.list.Selected())
	for range 10 {
		send(m, keyUp)
	}
	assert.Equal(t, 0, m.list.Selected())
	assert.Equal(t, []tea.Msg{common.BackMsg{}}, deliver(m, send(m, keyEsc)))
}

func TestRetryOutcomes(t *testing.T) {
	tests := []struct {
		name string
		out  common.OutboxItem
		err  error
		want common.NoticeMsg
	}{
		{"still pending", common.OutboxItem{State: common.OutboxPending}, nil, common.NoticeMsg{Text: i18n.PendRetryPending}},
		{"an action still pending", common.OutboxItem{State: common.OutboxPending, Kind: common.KindNote}, nil,
			common.NoticeMsg{Text: i18n.PendRetryPendingAction}},
		{"refused", common.OutboxItem{State: common.OutboxNeedsCorrection}, nil, common.NoticeMsg{Text: i18n.PendRetryCorrection, Error: true}},
		{"store error", common.OutboxItem{}, errors.New("locked"), common.NoticeMsg{Text: i18n.PendRetryFailed, Error: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(100, 30, sampleItems())
			e.ob.retryOut, e.ob.retryErr = tt.out, tt.err
			m := e.open(t)
			cmd := send(m, keyR)
			assert.True(t, m.retrying["3"])
			assert.Contains(t, m.View(), i18n.PendRetrying)
			assert.Nil(t, m.retry(m.items[0]), "one retry at a time per item")
			msgs := deliver(m, cmd)
			assert.Contains(t, msgs, tea.Msg(tt.want))
			assert.False(t, m.retrying["3"])
		})
	}
}

func TestShortTime(t *testing.T) {
	assert.Equal(t, "11:36", shortTime(now.Add(time.Minute), now))
	assert.Equal(t, "11/03 11:35", shortTime(now.Add(24*time.Hour), now))
	assert.Equal(t, "", shortTime(time.Time{}, now))
}

func TestRefreshOnEventsAndTicks(t *testing.T) {
	e := newEnv(100, 30, sampleItems())
	m := e.open(t)
	lists := e.ob.lists
	e.ob.items = e.ob.items[1:]
	deliver(m, send(m, common.OutboxEventMsg{Item: common.OutboxItem{ID: "3", State: common.OutboxSent}}))
	assert.Equal(t, lists+1, e.ob.lists)
	assert.Len(t, m.items, 3)

	assert.Nil(t, send(m, tickMsg{gen: m.gen - 1}), "a stale tick chain stops")
	cmd := send(m, tickMsg{gen: m.gen})
	require.NotNil(t, cmd)
	// The tick's batch holds the list (run it) and the next tick (a timer: not run here).
	batch, ok := cmd().(tea.BatchMsg)
	require.True(t, ok)
	require.Len(t, batch, 2)
	send(m, batch[0]())
	assert.Equal(t, lists+2, e.ob.lists)
}

func TestStaleListIsDropped(t *testing.T) {
	e := newEnv(100, 30, sampleItems())
	m := e.open(t)
	old := m.load()
	fresh := m.load()
	e.ob.items = nil
	send(m, fresh())
	e.ob.items = sampleItems()
	send(m, old()) // answered late: ignored
	assert.Empty(t, m.items)
	assert.Contains(t, m.View(), i18n.PendEmpty)
}

func TestSelectionFollowsItemAcrossRefresh(t *testing.T) {
	e := newEnv(100, 30, sampleItems())
	m := e.open(t)
	send(m, keyDown) // item "2"
	e.ob.items = e.ob.items[1:]
	deliver(m, m.load())
	it, ok := m.selected()
	require.True(t, ok)
	assert.Equal(t, "2", it.ID)
}

func TestListError(t *testing.T) {
	e := newEnv(80, 24, nil)
	e.ob.listErr = errors.New("database is locked")
	m := New(e.ctx).(*Model)
	deliver(m, m.load())
	assert.Contains(t, m.View(), "Não foi possível ler as pendências")
	e.ob.listErr = nil
	e.ob.items = sampleItems()
	deliver(m, send(m, keyR)) // r refreshes (no item is selected: nothing to retry)
	assert.Empty(t, e.ob.retried)
	assert.Len(t, m.items, 4)
	assert.NotContains(t, m.View(), "Não foi possível ler")
}

func TestHelpFollowsSelection(t *testing.T) {
	e := newEnv(100, 30, sampleItems())
	m := e.open(t)
	hasEdit := func() bool {
		for _, b := range m.ShortHelp() {
			if b.Help().Desc == i18n.PendKeyEdit {
				return true
			}
		}
		return false
	}
	assert.False(t, hasEdit())
	send(m, keyDown)
	assert.True(t, hasEdit())
	require.Len(t, m.FullHelp(), 2)
}

func manyItems(n int) []common.OutboxItem {
	base := sampleItems()
	out := make([]common.OutboxItem, n)
	for i := range out {
		out[i] = base[i%len(base)]
		out[i].ID = fmt.Sprint(i)
	}
	return out
}

// followUp is an outbox item of an action on protocol p, summarized as the outbox does.
func followUp(id string, at time.Time, f model.FollowUp, st common.OutboxState, attempts int, reason string) common.OutboxItem {
	it := outbox.Item{Kind: outbox.KindNote, FollowUp: f}
	switch {
	case f.Status != nil:
		it.Kind = outbox.KindStatus
	case f.Activate:
		it.Kind = outbox.KindActivate
	}
	return common.OutboxItem{ID: id, Kind: common.OutboxKind(it.Kind), Attendant: "ana", CreatedAt: at, FollowUp: f,
		Summary: it.Summary(), State: st, Attempts: attempts, Reason: reason}
}

// mixedItems are an occurrence and the three kinds of action, pending, refused and under review.
func mixedItems() []common.OutboxItem {
	const p, q, r = "1111120240710000017", "1111120240611000029", "1111120240502000031"
	note := model.FollowUp{Protocol: p, Requester: "13331584754", Note: &model.NoteAction{Public: true,
		Text: "Cliente ligou pedindo retorno sobre o reembolso do exame; prefere contato à tarde."}}
	status := model.FollowUp{Protocol: q, Requester: "13331584754", Status: &model.StatusAction{StatusID: 250,
		StatusName: "Encerrado", ReasonID: 3, ReasonName: "Dúvida esclarecida", Outcome: "Orientado por telefone."}}
	activate := model.FollowUp{Protocol: r, Requester: "13331584754", Activate: true}
	doubt := note
	doubt.Protocol, doubt.Note = r, &model.NoteAction{Text: "Retorno combinado com o beneficiário."}
	pending := sampleItems()[0]
	pending.ID = "5"
	out := []common.OutboxItem{pending,
		followUp("6", t0.Add(22*time.Minute), note, common.OutboxPending, 1, i18n.OutboxRetrying("o Mosia não respondeu a tempo")),
		followUp("7", t0.Add(24*time.Minute), status, common.OutboxNeedsCorrection, 1,
			i18n.OutboxFollowUpRefused("Motivo de encerramento 3 não existe")),
		followUp("8", t0.Add(25*time.Minute), activate, common.OutboxNeedsCorrection, 1,
			i18n.OutboxFollowUpRefused("O protocolo não está em rascunho")),
		followUp("9", t0.Add(26*time.Minute), doubt, common.OutboxNeedsReview, 2, i18n.OutboxReviewNote(r)),
	}
	out[1].NextTry = now.Add(2 * time.Minute)
	return out
}

func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		for _, sc := range []struct {
			name  string
			items []common.OutboxItem
			down  int
		}{{"list", sampleItems(), 1}, {"empty", nil, 0}, {"scrolled", manyItems(30), 12},
			{"followups", mixedItems(), 4}, {"followups_refused", mixedItems(), 2}} {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				e := newEnv(size[0], size[1], sc.items)
				m := e.open(t)
				for range sc.down {
					send(m, keyDown)
				}
				golden.RequireEqual(t, []byte(m.View()))
			})
		}
	}
}

func TestLayoutFits(t *testing.T) {
	sizes := [][2]int{{79, 24}, {80, 24}, {81, 24}, {100, 30}, {120, 40}, {200, 50}, {250, 70}, {60, 12}}
	for _, items := range [][]common.OutboxItem{nil, sampleItems(), manyItems(100)} {
		for _, size := range sizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%d_%dx%d", len(items), w, h), func(t *testing.T) {
				e := newEnv(120, 40, items)
				m := e.open(t)
				m.SetSize(w, h)
				for i := 0; i <= len(items); i += 7 {
					view := m.View()
					lines := strings.Split(view, "\n")
					require.Len(t, lines, h)
					for j, l := range lines {
						require.LessOrEqual(t, ansi.StringWidth(ansi.Strip(l)), w, "line %d: %q", j, l)
					}
					if len(items) > 0 {
						require.Contains(t, view, "›", "the selected row is on screen")
					}
					for range 7 {
						send(m, keyDown)
					}
				}
			})
		}
	}
}

func BenchmarkView(b *testing.B) {
	e := newEnv(200, 50, manyItems(200))
	m := e.open(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/view")
}

// flat is a view's text without styles, its whitespace folded.
func flat(s string) string { return strings.Join(strings.Fields(ansi.Strip(s)), " ") }

func (*fakeOutbox) SubmitFollowUp(context.Context, string, model.FollowUp) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no follow-ups")
}
func (*fakeOutbox) ResubmitFollowUp(context.Context, string, model.FollowUp) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no follow-ups")
}
func (*fakeOutbox) ForProtocol(context.Context, string) ([]common.OutboxItem, error) { return nil, nil }
func (*fakeOutbox) Discard(context.Context, string) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no follow-ups")
}
func (*fakeOutbox) ResolveFollowUp(context.Context, string, bool) (common.OutboxItem, error) {
	return common.OutboxItem{}, fmt.Errorf("fake outbox: no follow-ups")
}
