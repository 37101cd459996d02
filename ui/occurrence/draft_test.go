package occurrence

import (
	"context"
	"path/filepath"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/drafts"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// withDrafts gives the env a real drafts file.
func withDrafts(t *testing.T, e *env) *drafts.Store {
	s, err := drafts.Open(filepath.Join(t.TempDir(), drafts.FileName))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	e.ctx.Services.Drafts = s
	return s
}

// runSave delivers the draft tick a key scheduled and runs the save it asks for.
func runSave(t *testing.T, m *Model) {
	t.Helper()
	collect(send(m, saveTickMsg{screen: m.id}))
}

// The form is saved as it is typed (debounced), into the real drafts file; the draft comes back on a new form;
// handing the occurrence to the outbox deletes it.
func TestDraftSavedAsYouTypeAndResumed(t *testing.T) {
	e := newEnv(t, 100, 30)
	store := withDrafts(t, e)
	m := e.open(t)
	focusOn(t, m, fNote, 0)
	cmd := send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("p")})
	require.NotNil(t, cmd, "a change schedules a save")
	typeText(m, "ediu segunda via")
	runSave(t, m)
	key := common.DraftKey(maria)
	d, ok, err := store.Load(context.Background(), "ana", key)
	require.NoError(t, err)
	require.True(t, ok, "saved without any Ctrl+S")
	assert.Equal(t, "pediu segunda via", d.Occurrence.Note)
	assert.True(t, m.Unsaved())

	c := New(e.ctx, common.NewOccurrenceMsg{Beneficiary: maria, Family: family, Draft: &d})
	again := c.(*Model)
	assert.Equal(t, "pediu segunda via", again.note.Value(), "the draft comes back")
	assert.Contains(t, flat(again.View()), "Rascunho retomado")

	submitNow(t, again)
	_, ok, err = store.Load(context.Background(), "ana", key)
	require.NoError(t, err)
	assert.False(t, ok, "in the outbox now: the draft is deleted")
	focusOn(t, again, fNote, 0)
	typeText(again, "!")
	runSave(t, again)
	_, ok, _ = store.Load(context.Background(), "ana", key)
	assert.False(t, ok, "a save after the hand-over never brings it back")
}

// Discarding (Esc, s) deletes the draft; Flush saves the last keystrokes before a quit.
func TestDraftDiscardAndFlush(t *testing.T) {
	e := newEnv(t, 100, 30)
	store := withDrafts(t, e)
	m := e.open(t)
	focusOn(t, m, fNote, 0)
	typeText(m, "abc")
	collect(m.Flush())
	_, ok, _ := store.Load(context.Background(), "ana", common.DraftKey(maria))
	require.True(t, ok, "Flush saves now")
	send(m, keyEsc)
	require.True(t, m.confirm)
	collect(send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")}))
	_, ok, _ = store.Load(context.Background(), "ana", common.DraftKey(maria))
	assert.False(t, ok, "discarded: deleted")
}

// Esc while "Enviando…" leaves the screen; the occurrence stays in the outbox (the answer still reaches the root).
func TestEscWhileSending(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	e.ob.gate = make(chan struct{})
	cmd := send(m, keyCtrlS)
	require.Equal(t, phaseSending, m.phase)
	assert.True(t, m.Busy())
	assert.Contains(t, flat(m.View()), "Esc sai; a ocorrência fica guardada")
	msgs := collect(send(m, keyEsc))
	assert.Contains(t, msgs, tea.Msg(common.BackMsg{}))
	close(e.ob.gate)
	var got common.SubmittedMsg
	for _, msg := range collect(cmd) {
		if s, ok := msg.(common.SubmittedMsg); ok {
			got = s
		}
	}
	assert.NoError(t, got.Err)
	assert.Equal(t, m.id, got.Screen)
	assert.Equal(t, "Solicitação / Segunda via de carteirinha", got.TypeName, "for the session history")
}

// At 120 columns and more the contract and the last protocols stay beside the form.
func TestSidePanelWhenWide(t *testing.T) {
	e := newEnv(t, 140, 40)
	c := New(e.ctx, common.NewOccurrenceMsg{Beneficiary: maria, Family: family,
		Contract: maria.Contracts[0], Plan: "MS GOLD",
		Protocols: []model.Protocol{{Number: "34567820261130500001", Status: model.Ref{Name: "Aberto"}}}})
	v := flat(c.View())
	assert.Contains(t, v, "Últimos protocolos")
	assert.Contains(t, v, "3456 7820 2611 3050 0001")
	assert.Contains(t, v, "MS GOLD")
	c.SetSize(100, 30)
	assert.NotContains(t, flat(c.View()), "Últimos protocolos", "narrow: the form alone")
}
