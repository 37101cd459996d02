package protocol

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/internal/uitest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

func flat(s string) string { return strings.Join(strings.Fields(ansi.Strip(s)), " ") }

// fixture is the screen over the real sandbox (through the real Mosia client) and an outbox that sends at once.
type fixture struct {
	svc *common.Services
	up  *uitest.Upstream
	ctx *common.Context
	box *uitest.Outbox
}

func newFixture(t testing.TB) *fixture {
	svc, up := uitest.Services(t, 50)
	svc.Catalogue = config.DefaultCatalogue()
	ctx := uitest.Context(svc)
	ctx.Session.AttendantID = 42
	return &fixture{svc: svc, up: up, ctx: ctx, box: svc.Outbox.(*uitest.Outbox)}
}

// open opens a protocol at w×h and runs its loading to the end.
func (f *fixture) open(t testing.TB, protocol string, w, h int) (*Model, []tea.Msg) {
	t.Helper()
	m := New(f.ctx, common.OpenProtocolMsg{Protocol: protocol})
	m.SetSize(w, h)
	out := run(m, m.Init())
	require.NotNil(t, m.Detail(), "the detail loaded: %s", flat(m.View()))
	return m, out
}

// run executes a command as the program would, feeds the screen its messages and follows the commands they return
// (spinner ticks are not followed); it returns the messages not meant for the screen (notices, navigation).
func run(m *Model, cmd tea.Cmd) []tea.Msg {
	var other []tea.Msg
	for depth := 0; cmd != nil && depth < 6; depth++ {
		var next []tea.Cmd
		for _, msg := range uitest.Exec(cmd) {
			switch msg.(type) {
			case spinner.TickMsg:
				continue
			case common.NoticeMsg, common.BackMsg:
				other = append(other, msg)
				continue
			}
			_, c := m.Update(msg)
			next = append(next, c)
		}
		cmd = tea.Batch(next...)
	}
	return other
}

// press sends keys ("a", "tab", "ctrl+s", or text typed rune by rune with "type:…") and runs what they return.
func press(m *Model, keys ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range keys {
		if text, ok := strings.CutPrefix(k, "type:"); ok {
			for _, r := range text {
				_, cmd := m.Update(uitest.Key(string(r)))
				out = append(out, run(m, cmd)...)
			}
			continue
		}
		msg := uitest.Key(k)
		switch k {
		case "right":
			msg = tea.KeyMsg{Type: tea.KeyRight}
		case "left":
			msg = tea.KeyMsg{Type: tea.KeyLeft}
		}
		_, cmd := m.Update(msg)
		out = append(out, run(m, cmd)...)
	}
	return out
}

// Patrick's protocol as Mosia details it: the facts, the SLA past due, the requester, the form's answers titled
// by the catalogue; the vendor's placeholders are not shown; every line fits at 80×24 and 200×50.
func TestProtocolDetail(t *testing.T) {
	f := newFixture(t)
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		m, _ := f.open(t, uitest.SeedPatrickProtocol, size[0], size[1])
		m.SetSize(size[0], 200) // tall enough to read everything at that width
		v := flat(m.View())
		for _, want := range []string{"Protocolo 1111 1202 4071 0000 017", "Status Em Atendimento (externo)",
			"Tipo Atendimento Ativo", "Assunto Reembolso exame", "Registrado em 10/07/2024", "Atualizado em 10/07/2024",
			"Prazo (SLA) 13/07/2024 12:35 · vencido", "Solicitante Patrick Oliveira Cabral · 133.315.847-54",
			"Formulários", "Nome completo Patrick Oliveira Cabral", "Tipo Reclamação", "Anotações (0)"} {
			assert.Contains(t, v, want, "%dx%d", size[0], size[1])
		}
		assert.NotContains(t, strings.ToLower(v), "implementação futura", "the vendor's placeholders are hidden")
		m.SetSize(size[0], size[1])
		lines := strings.Split(m.View(), "\n")
		assert.Len(t, lines, size[1])
		for i, l := range lines {
			assert.LessOrEqual(t, ansi.StringWidth(l), size[0], "line %d: %q", i, ansi.Strip(l))
		}
	}
}

// a adds a public note by the attendant (its Mosia id), s closes with an outcome and a reason from the catalogue
// (the reason is asked for first); each goes through the outbox and the sandbox has it once.
func TestProtocolNoteAndClose(t *testing.T) {
	f := newFixture(t)
	p := uitest.SeedPatrickProtocol
	m, _ := f.open(t, p, 100, 30)

	press(m, "a")
	require.True(t, m.FormOpen())
	press(m, "ctrl+s")
	assert.Empty(t, f.up.NotesOf(p), "an empty note is not sent")
	assert.True(t, m.FormOpen(), "the form stays, with why")
	press(m, "type:Cliente ligou pedindo retorno.", "tab", "right", "ctrl+s")
	assert.False(t, m.FormOpen())
	assert.Equal(t, []uitest.NoteOf{{Text: "Cliente ligou pedindo retorno.", Public: true, AttendantID: 42}}, f.up.NotesOf(p))
	v := flat(m.View())
	assert.Contains(t, v, "Enviada: Anotação pública")
	assert.Contains(t, v, "Anotações (1)", "the detail loaded again")

	press(m, "s")
	require.True(t, m.FormOpen())
	for i := 0; i < 5 && !m.form.closes(); i++ {
		press(m, "right")
	}
	require.True(t, m.form.closes(), "a closing status in the catalogue")
	press(m, "ctrl+s")
	assert.Contains(t, flat(m.View()), i18n.ProtoReasonNeeded)
	press(m, "tab", "right", "tab", "type:Reembolso pago.", "ctrl+s")
	assert.False(t, m.FormOpen(), flat(m.View()))
	assert.Equal(t, "Realizado", f.up.StatusOf(p))
	v = flat(m.View())
	assert.Contains(t, v, "Status Realizado")
	assert.Contains(t, v, "Desfecho Reembolso pago.")
	assert.Contains(t, v, "Motivo Solicitação atendida")
	assert.NotContains(t, v, "vencido", "a closed protocol is not overdue")
	assert.Len(t, f.up.NotesOf(p), 1, "the note once")
}

// While Mosia does not answer, an action waits in the outbox: the screen says it is kept, lists it under the
// detail, and the outbox counts it pending (Pendências shows it); once sent, the list is empty again.
func TestProtocolActionQueuedWhileUnsent(t *testing.T) {
	f := newFixture(t)
	p := uitest.SeedPatrickProtocol
	m, _ := f.open(t, p, 100, 30)
	f.box.SetHold(true)
	press(m, "a", "type:Retorno combinado.", "ctrl+s")
	v := flat(m.View())
	assert.Contains(t, v, "Guardada na fila")
	assert.Contains(t, v, "Ações ainda não enviadas")
	assert.Empty(t, f.up.NotesOf(p))
	n, err := f.box.PendingCount(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n, "Pendências counts it")

	f.box.SetHold(false)
	items, err := f.box.List(context.Background())
	require.NoError(t, err)
	require.Len(t, items, 1)
	it, err := f.box.RetryNow(context.Background(), items[0].ID)
	require.NoError(t, err)
	require.Equal(t, common.OutboxSent, it.State)
	_, cmd := m.Update(common.OutboxEventMsg{Item: it})
	run(m, cmd)
	v = flat(m.View())
	assert.NotContains(t, v, "Ações ainda não enviadas")
	assert.Contains(t, v, "Retorno combinado.", "the note, as Mosia lists it")
	assert.Len(t, f.up.NotesOf(p), 1)
}

// A draft: s says to activate it first; t asks, s activates it once, and the detail says it is no longer a draft.
// On a protocol that is not a draft, t says there is nothing to activate.
func TestProtocolActivateDraft(t *testing.T) {
	f := newFixture(t)
	draft, err := f.up.CreateDraft(context.Background(), "13331584754", "Patrick Oliveira Cabral")
	require.NoError(t, err)
	m, _ := f.open(t, draft, 100, 30)
	assert.Contains(t, flat(m.View()), "Rascunho sim: t ativa o rascunho")
	out := press(m, "s")
	assert.Contains(t, out, common.NoticeMsg{Text: i18n.ProtoDraftFirst, Error: true})
	assert.False(t, m.FormOpen())

	press(m, "t")
	assert.Contains(t, flat(m.View()), i18n.ProtoActivateAsk)
	press(m, "s")
	assert.Equal(t, 1, f.up.Activations(draft))
	assert.False(t, m.Detail().Draft, "the detail loaded again")
	assert.NotContains(t, flat(m.View()), "t ativa o rascunho")

	m2, _ := f.open(t, uitest.SeedPatrickProtocol, 100, 30)
	out = press(m2, "t")
	assert.Contains(t, out, common.NoticeMsg{Text: i18n.ProtoNotDraft})
}

// A protocol Mosia does not know: the error in pt-BR and how to retry; Esc goes back.
func TestProtocolUnknown(t *testing.T) {
	f := newFixture(t)
	m := New(f.ctx, common.OpenProtocolMsg{Protocol: "99999999999999999999"})
	m.SetSize(100, 30)
	run(m, m.Init())
	require.Nil(t, m.Detail())
	assert.Contains(t, flat(m.View()), "Pressione r para tentar de novo")
	out := press(m, "a")
	assert.False(t, m.FormOpen(), "no action before the detail")
	assert.Empty(t, out)
	_, cmd := m.Update(uitest.Key("esc"))
	require.NotNil(t, cmd)
	assert.Equal(t, common.BackMsg{}, cmd())
}
