package occurrence

import (
	"context"
	"reflect"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/ui/common"
)

// DraftEvery is how long the form waits after a change before it saves the draft: a kill -9 loses at most this
// much typing (plus one commit).
const DraftEvery = 400 * time.Millisecond

// draftTimeout bounds one draft write.
const draftTimeout = 10 * time.Second

// saveTickMsg asks a form to save its draft now.
type saveTickMsg struct{ screen uint64 }

// scheduleSave arranges a save DraftEvery from now, unless one is already arranged or drafts are not kept.
func (m *Model) scheduleSave() tea.Cmd {
	if m.saving || m.draftKey == "" || m.ctx.Services.Drafts == nil || m.phase != phaseEditing {
		return nil
	}
	if reflect.DeepEqual(m.request(), m.saved) {
		return nil
	}
	m.saving = true
	id := m.id
	return tea.Tick(DraftEvery, func(time.Time) tea.Msg { return saveTickMsg{screen: id} })
}

// onSaveTick saves what is on screen if it changed since the last save (a form back to how it opened drops the
// draft instead).
func (m *Model) onSaveTick(msg saveTickMsg) tea.Cmd {
	if msg.screen != m.id {
		return nil
	}
	m.saving = false
	if m.phase != phaseEditing {
		return nil
	}
	return m.saveNow()
}

// saveNow writes the form as it is (off the Update goroutine); nil when nothing changed.
func (m *Model) saveNow() tea.Cmd {
	req := m.request()
	d := m.ctx.Services.Drafts
	if d == nil || m.draftKey == "" || reflect.DeepEqual(req, m.saved) {
		return nil
	}
	m.saved = req
	m.draftSeq++
	draft := common.Draft{Attendant: m.ctx.Session.Attendant, Key: m.draftKey, Occurrence: req,
		Updated: time.Now(), Seq: m.draftSeq}
	empty := !m.dirty() && !m.resumed
	ds, log := m.sync, m.ctx.Session.Logger
	return func() tea.Msg {
		ds.mu.Lock()
		defer ds.mu.Unlock()
		if ds.done {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), draftTimeout)
		defer cancel()
		var err error
		if empty {
			err = d.Delete(ctx, draft.Attendant, draft.Key)
		} else {
			err = d.Save(ctx, draft)
		}
		if err != nil {
			log.Warn("draft not saved", "err", err)
		}
		return nil
	}
}

// dropDraft deletes the draft for good (the occurrence is in the outbox, or was discarded) and stops later saves.
func (m *Model) dropDraft() tea.Cmd {
	d := m.ctx.Services.Drafts
	if d == nil || m.draftKey == "" {
		return nil
	}
	ds, attendant, k, log := m.sync, m.ctx.Session.Attendant, m.draftKey, m.ctx.Session.Logger
	return func() tea.Msg {
		ds.mu.Lock()
		defer ds.mu.Unlock()
		ds.done = true
		ctx, cancel := context.WithTimeout(context.Background(), draftTimeout)
		defer cancel()
		if err := d.Delete(ctx, attendant, k); err != nil {
			log.Warn("draft not deleted", "err", err)
		}
		return nil
	}
}

// Flush saves the draft now if it changed (the root runs it before quitting).
func (m *Model) Flush() tea.Cmd {
	if m.phase != phaseEditing {
		return nil
	}
	return m.saveNow()
}
