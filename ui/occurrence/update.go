package occurrence

import (
	"reflect"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui/clipboard"
	"github.com/balcao/balcao/ui/common"
)

// Update handles keys, the submission's outcome and background outbox events. It never blocks.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd := m.onKey(msg)
		m.syncBanner()
		return m, tea.Batch(cmd, m.scheduleSave())
	case familyMsg:
		m.onFamily(msg)
		return m, nil
	case common.SubmittedMsg:
		if msg.Screen != m.id {
			return m, nil
		}
		return m, m.onSubmit(msg)
	case saveTickMsg:
		return m, m.onSaveTick(msg)
	case common.OutboxEventMsg:
		return m, m.onEvent(msg.Item)
	case spinner.TickMsg:
		if m.phase != phaseSending || msg.ID != m.spinner.ID() {
			return m, nil // stop ticking once nothing is being sent
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	}
	return m, m.forward(msg)
}

// forward passes a message (a cursor blink, a paste) to the focused text field.
func (m *Model) forward(msg tea.Msg) tea.Cmd {
	if m.phase != phaseEditing {
		return nil
	}
	s := m.focused()
	if in := m.input(s); in != nil {
		var cmd tea.Cmd
		*in, cmd = in.Update(msg)
		return cmd
	}
	if s.id == fNote {
		var cmd tea.Cmd
		m.note, cmd = m.note.Update(msg)
		return cmd
	}
	return nil
}

// onKey routes a key by what the screen shows: the discard question, an outcome, or the form.
func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case m.confirm:
		return m.onConfirmKey(msg)
	case m.phase == phaseSending:
		if key.Matches(msg, m.keys.back) { // the item is stored or being stored: leaving loses nothing
			return tea.Batch(m.ctx.Navigate(common.BackMsg{}),
				common.Cmd(common.NoticeMsg{Text: i18n.OccLeftWhileSending}))
		}
		return nil // locked until the outbox answers
	case m.phase == phaseSent, m.phase == phasePending:
		return m.onOutcomeKey(msg)
	}
	return m.onFormKey(msg)
}

// onConfirmKey answers "discard the changes?": s leaves, n or Esc keeps editing.
func (m *Model) onConfirmKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.yes):
		m.confirm = false
		return tea.Batch(m.dropDraft(), m.ctx.Navigate(common.BackMsg{}))
	case key.Matches(msg, m.keys.no):
		m.confirm = false
	}
	return nil
}

// onOutcomeKey handles the sent and pending screens: y copies the protocol, Enter or Esc goes back.
func (m *Model) onOutcomeKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case m.phase == phaseSent && key.Matches(msg, k.copy):
		return m.copyCmd()
	case key.Matches(msg, k.outcome), key.Matches(msg, k.back):
		return m.ctx.Navigate(common.BackMsg{})
	}
	return nil
}

// onFormKey handles the form's own keys (send, leave, move between fields), then the focused field's.
func (m *Model) onFormKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	s := m.focused()
	switch {
	case key.Matches(msg, k.submit):
		return m.submit()
	case key.Matches(msg, k.back):
		if m.dirty() || m.resumed {
			m.confirm = true
			return nil
		}
		return m.ctx.Navigate(common.BackMsg{})
	case key.Matches(msg, k.next):
		if s.id == fNote && msg.Type == tea.KeyDown && !m.noteAtBottom() {
			return m.forward(msg)
		}
		return m.leave(+1)
	case key.Matches(msg, k.prev):
		if s.id == fNote && msg.Type == tea.KeyUp && !m.noteAtTop() {
			return m.forward(msg)
		}
		return m.leave(-1)
	}
	if m.isText(s) {
		return m.onTextKey(s, msg)
	}
	return m.onChoiceKey(s, msg)
}

// onTextKey types into a text field (Enter leaves a one-line one); its error goes as soon as the value is right.
func (m *Model) onTextKey(s slot, msg tea.KeyMsg) tea.Cmd {
	if s.id != fNote && key.Matches(msg, m.keys.enter) {
		return m.leave(+1)
	}
	cmd := m.forward(msg)
	if m.errs[s] != "" && m.check(s) == "" {
		delete(m.errs, s)
	}
	return cmd
}

// onChoiceKey moves a choice with ←/→/space; Enter leaves it.
func (m *Model) onChoiceKey(s slot, msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.left):
		m.cycle(s, -1)
	case key.Matches(msg, k.right):
		m.cycle(s, +1)
	case key.Matches(msg, k.enter):
		return m.leave(+1)
	}
	return nil
}

// syncBanner keeps the "fields to fix" summary in step with the errors shown.
func (m *Model) syncBanner() {
	if !m.invalid {
		return
	}
	if len(m.errs) == 0 {
		m.banner, m.bannerErr, m.invalid = "", false, false
		return
	}
	m.banner = i18n.OccErrInvalid(len(m.errs))
}

// leave validates the focused field and moves focus by delta (wrapping around).
func (m *Model) leave(delta int) tea.Cmd {
	s := m.focused()
	if msg := m.check(s); msg != "" {
		m.errs[s] = msg
	} else {
		delete(m.errs, s)
	}
	return m.setFocus(m.fields.Step(delta, len(m.slots())))
}

func (m *Model) noteAtTop() bool {
	return m.note.Line() == 0 && m.note.LineInfo().RowOffset == 0
}

func (m *Model) noteAtBottom() bool {
	li := m.note.LineInfo()
	return m.note.Line() >= m.note.LineCount()-1 && li.RowOffset >= li.Height-1
}

// cycle moves a choice by delta (the draft toggle flips).
func (m *Model) cycle(s slot, delta int) {
	wrap := func(i, n int) int { return ((i % n) + n) % n }
	switch s.id {
	case fType:
		if len(m.types) == 0 {
			return
		}
		m.typeIdx = wrap(m.typeIdx+delta, len(m.types))
		m.subjectIdx = m.defaultSubject()
		delete(m.errs, slot{id: fSubject})
	case fSubject:
		if t, ok := m.typ(); ok && len(t.Subjects) > 0 {
			m.subjectIdx = wrap(m.subjectIdx+delta, len(t.Subjects))
		}
	case fRequester:
		m.reqIdx = wrap(m.reqIdx+delta, len(m.family)+2)
		for _, id := range []fieldID{fOtherName, fOtherKey, fOtherEmail, fOtherPhone} {
			delete(m.errs, slot{id: id})
		}
		if msg := m.check(s); msg != "" {
			m.errs[s] = msg
		} else {
			delete(m.errs, s)
		}
	case fDraft:
		m.draft = !m.draft
	case fForm:
		m.formIdx = wrap(m.formIdx+delta, len(m.forms)+1)
		for k := range m.errs {
			if k.id == fFormField {
				delete(m.errs, k)
			}
		}
	case fFormField:
		fs := m.form()
		if fs == nil || s.sub >= len(fs.def.Fields) || fs.def.Fields[s.sub].Kind != config.FieldSelect {
			return
		}
		n := len(fs.opts[s.sub]) + 1 // nothing chosen is a position too
		fs.sel[s.sub] = wrap(fs.sel[s.sub]+1+delta, n) - 1
		if m.check(s) == "" {
			delete(m.errs, s)
		}
	}
}

// dirty reports whether what is on screen differs from what the form opened with.
func (m *Model) dirty() bool {
	return !reflect.DeepEqual(m.request(), m.initial)
}

func (m *Model) onFamily(msg familyMsg) {
	for i := range m.family {
		card := m.family[i].member.Card
		if !msg.looked[card] {
			continue
		}
		m.family[i].looked = true
		m.family[i].rec, m.family[i].found = msg.rows[card]
	}
	req := slot{id: fRequester}
	if _, shown := m.errs[req]; shown {
		if e := m.check(req); e != "" {
			m.errs[req] = e
		} else {
			delete(m.errs, req)
		}
	}
}

func (m *Model) onSubmit(msg common.SubmittedMsg) tea.Cmd {
	if m.phase != phaseSending {
		return nil
	}
	if msg.Err != nil {
		m.phase = phaseEditing
		m.banner, m.bannerErr = i18n.OccSubmitFailed, true
		return m.setFocus(m.fields.Focused())
	}
	m.correctionDone = m.correction != ""
	return m.apply(msg.Item, true)
}

// apply moves the screen to what the outbox says about the item; announce tells the root about a new protocol.
func (m *Model) apply(item common.OutboxItem, announce bool) tea.Cmd {
	m.result = item
	if item.ID != "" {
		m.itemID = item.ID
	}
	switch item.State {
	case common.OutboxSent:
		m.phase = phaseSent
		if !announce {
			return nil
		}
		return common.Cmd(common.OccurrenceSentMsg{ChaveUnica: m.ben.ChaveUnica, Protocol: item.Protocol})
	case common.OutboxCancelled:
		m.phase = phasePending
		return nil
	case common.OutboxNeedsCorrection:
		m.phase = phaseEditing
		m.correction, m.correctionDone = item.Reason, false
		m.banner, m.bannerErr = "", false
		m.initial = m.request() // it is stored: leaving now loses nothing
		return m.setFocus(m.fields.Focused())
	default:
		m.phase = phasePending
		return nil
	}
}

func (m *Model) onEvent(item common.OutboxItem) tea.Cmd {
	if m.itemID == "" || item.ID != m.itemID || m.phase != phasePending {
		return nil
	}
	switch item.State {
	case common.OutboxSent, common.OutboxNeedsCorrection:
		return m.apply(item, false) // the root announces protocols that arrive as outbox events
	}
	m.result = item
	return nil
}

// copyCmd copies the protocol with OSC 52 through the session's terminal.
func (m *Model) copyCmd() tea.Cmd {
	out, protocol := m.ctx.Session.Output, m.result.Protocol
	if protocol == "" {
		return nil
	}
	return func() tea.Msg {
		if err := clipboard.Copy(out, protocol); err != nil {
			return common.NoticeMsg{Text: i18n.OccCopyFailed, Error: true}
		}
		return common.NoticeMsg{Text: i18n.UIProtocolCopied(protocol)}
	}
}
