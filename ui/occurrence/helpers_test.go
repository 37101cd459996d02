package occurrence

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
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// fakeOutbox records submissions and answers with a configured item state.
type fakeOutbox struct {
	mu        sync.Mutex
	submits   []model.Occurrence
	resubmits map[string][]model.Occurrence
	state     common.OutboxState
	reason    string
	protocol  string
	err       error
	n         int
	gate      chan struct{} // when set, Submit waits for it to close
}

func (f *fakeOutbox) answer(id string, req model.Occurrence) common.OutboxItem {
	return common.OutboxItem{
		ID: id, Attendant: "ana", CreatedAt: time.Date(2025, 3, 10, 14, 5, 0, 0, time.UTC), Occurrence: req,
		State: f.state, Attempts: 1, Reason: f.reason, Protocol: f.protocol,
	}
}

func (f *fakeOutbox) Submit(_ context.Context, attendant string, req model.Occurrence) (common.OutboxItem, error) {
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if attendant == "" {
		return common.OutboxItem{}, errors.New("no attendant")
	}
	if f.err != nil {
		return common.OutboxItem{}, f.err
	}
	f.submits = append(f.submits, req)
	f.n++
	return f.answer(fmt.Sprintf("%d", 41+f.n), req), nil
}

func (f *fakeOutbox) List(context.Context) ([]common.OutboxItem, error) { return nil, nil }

func (f *fakeOutbox) RetryNow(context.Context, string) (common.OutboxItem, error) {
	return common.OutboxItem{}, errors.New("not used")
}

func (f *fakeOutbox) Resubmit(_ context.Context, id string, req model.Occurrence) (common.OutboxItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return common.OutboxItem{}, f.err
	}
	if f.resubmits == nil {
		f.resubmits = map[string][]model.Occurrence{}
	}
	f.resubmits[id] = append(f.resubmits[id], req)
	return f.answer(id, req), nil
}

func (f *fakeOutbox) PendingCount(context.Context) (int, error) { return 0, nil }

func (f *fakeOutbox) Cancel(context.Context, string, string) (common.OutboxItem, error) {
	return common.OutboxItem{}, errors.New("not used")
}

// fakeDirectory answers ByCard from a map.
type fakeDirectory map[string]model.Beneficiary

func (d fakeDirectory) Search(context.Context, model.Query, int) ([]model.Match, error) {
	return nil, nil
}

func (d fakeDirectory) ByCard(_ context.Context, card string) (model.Beneficiary, bool, error) {
	b, ok := d[card]
	return b, ok, nil
}

// catalogue is a small catalogue like the operator's: the default type is not the first one.
func catalogue() config.Catalogue {
	return config.Catalogue{
		IDFuncionalidade: 9298,
		Types: []config.OccurrenceType{
			{ID: 171, Name: "Atendimento Ativo", Subjects: []config.Subject{{ID: 309, Name: "Reembolso exame"}}},
			{ID: 128, Name: "Solicitação", Default: true, Subjects: []config.Subject{
				{ID: 173, Name: "Atualização cadastral"},
				{ID: 310, Name: "Segunda via de carteirinha", Default: true},
			}},
			{ID: 469, Name: "Reclamação", Subjects: []config.Subject{
				{ID: 320, Name: "Atendimento na rede credenciada", Default: true},
				{ID: 321, Name: "Demora na autorização"},
			}},
		},
		Forms: []config.FormDef{
			{ID: "64dcd2b1342146345191ee00", Name: "Atualização de contato", Fields: []config.FormField{
				{Key: "seu-nome", Label: "Nome", Kind: config.FieldText, Required: true},
				{Key: "email", Label: "E-mail", Kind: config.FieldEmail},
				{Key: "telefone", Label: "Telefone", Kind: config.FieldPhone},
				{Key: "cpf-titular", Label: "CPF do titular", Kind: config.FieldCPF},
				{Key: "tipo", Label: "Tipo", Kind: config.FieldSelect, Required: true,
					Options: []string{"1=Sugestão", "2=Elogio", "Crítica"}},
			}},
		},
	}
}

var maria = model.Beneficiary{
	ChaveUnica: "52998224725", Card: "00011008000027010", CPF: "52998224725", Name: "Maria da Conceição Souza",
	Phone: "11987654321", Email: "maria.souza@example.com.br", Situation: "Ativo",
	Contracts: []model.ContractRef{{Number: "00000000001", Description: "Empresarial"}, {Number: "00000000002"}},
}

var family = []model.FamilyMember{
	{Card: "00011008000027010", Name: "Maria da Conceição Souza", Kinship: "Titular"},
	{Card: "00011008000027028", Name: "João Souza", Kinship: "Cônjuge"},
	{Card: "00011008000027036", Name: "Ana Souza", Kinship: "Filha"},
}

var joao = model.Beneficiary{ChaveUnica: "23576483098", Card: "00011008000027028", Name: "João Souza",
	Phone: "(11) 3456-7890", Email: "joao@example.com"}

type env struct {
	ctx *common.Context
	ob  *fakeOutbox
	out *strings.Builder
}

func newEnv(t testing.TB, w, h int) *env {
	t.Helper()
	ob := &fakeOutbox{state: common.OutboxSent, protocol: "10101020250310000042"}
	out := &strings.Builder{}
	svc := &common.Services{Outbox: ob, Catalogue: catalogue(), Directory: fakeDirectory{joao.Card: joao}}
	ctx := common.NewContext(svc, common.Session{Attendant: "ana", Output: out})
	ctx.Width, ctx.Height = w, h
	return &env{ctx: ctx, ob: ob, out: out}
}

func (e *env) open(t testing.TB) *Model {
	t.Helper()
	c := New(e.ctx, common.NewOccurrenceMsg{Beneficiary: maria, Family: family})
	m, ok := c.(*Model)
	require.True(t, ok)
	// Resolve the family look-up synchronously, as the program would deliver it.
	if cmd := m.lookupFamily(); cmd != nil {
		m.Update(cmd())
	}
	return m
}

// keys.
var (
	keyTab   = tea.KeyMsg{Type: tea.KeyTab}
	keyDown  = tea.KeyMsg{Type: tea.KeyDown}
	keyUp    = tea.KeyMsg{Type: tea.KeyUp}
	keyRight = tea.KeyMsg{Type: tea.KeyRight}
	keyLeft  = tea.KeyMsg{Type: tea.KeyLeft}
	keySpace = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyEsc   = tea.KeyMsg{Type: tea.KeyEsc}
	keyCtrlS = tea.KeyMsg{Type: tea.KeyCtrlS}
)

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// send delivers a message and returns the command.
func send(m *Model, msg tea.Msg) tea.Cmd {
	c, cmd := m.Update(msg)
	if c != m {
		panic("Update must return the same component")
	}
	return cmd
}

// typeText types s into the focused field.
func typeText(m *Model, s string) {
	for _, r := range s {
		if r == ' ' {
			send(m, keySpace)
			continue
		}
		send(m, runes(string(r)))
	}
}

// focusOn moves focus to the slot with the given id (and sub).
func focusOn(t testing.TB, m *Model, id fieldID, sub int) {
	t.Helper()
	for i, s := range m.slots() {
		if s.id == id && s.sub == sub {
			m.setFocus(i)
			return
		}
	}
	t.Fatalf("slot %d/%d not on screen", id, sub)
}

// collect runs a command and every command it batches, returning the messages, skipping spinner ticks.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	switch msg := msg.(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, collect(c)...)
		}
		return out
	case nil:
		return nil
	default:
		if fmt.Sprintf("%T", msg) == "spinner.TickMsg" {
			return nil
		}
		return []tea.Msg{msg}
	}
}

// submitNow presses Ctrl+S and delivers the outcome; it returns every message the outcome produced.
func submitNow(t testing.TB, m *Model) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, msg := range collect(send(m, keyCtrlS)) {
		if sm, ok := msg.(common.SubmittedMsg); ok {
			out = append(out, collect(send(m, sm))...)
			continue
		}
		out = append(out, msg)
	}
	return out
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
