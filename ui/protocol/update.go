package protocol

import (
	"context"
	"errors"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/clipboard"
	"github.com/balcao/balcao/ui/common"
)

// Update handles keys, the detail's answer, the outbox's answers and events, and the spinner. It never blocks.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case detailMsg:
		return m, m.applyDetail(msg)
	case queueMsg:
		if msg.screen == m.id && msg.seq == m.qseq && msg.err == nil {
			m.queue = msg.items
			m.rebuild()
		}
	case common.SubmittedMsg:
		if msg.Screen == m.id {
			return m, m.applySubmitted(msg)
		}
	case common.OutboxEventMsg:
		return m, m.outboxEvent(msg.Item)
	case spinner.TickMsg:
		return m, m.tick(msg)
	}
	return m, nil
}

// tick animates the spinner while something is in flight.
func (m *Model) tick(msg spinner.TickMsg) tea.Cmd {
	if msg.ID != m.spin.ID() {
		return nil
	}
	if !m.loading && !m.sending {
		m.ticking = false
		return nil
	}
	var cmd tea.Cmd
	m.spin, cmd = m.spin.Update(msg)
	if m.loading {
		m.rebuild()
	}
	return cmd
}

// outboxEvent follows an action on this protocol the outbox settled in the background: the queue is read again
// and, once Mosia has it, the detail too.
func (m *Model) outboxEvent(it common.OutboxItem) tea.Cmd {
	if !it.IsFollowUp() || it.Target() != m.number {
		return nil
	}
	if m.result != nil && m.result.item.ID == it.ID {
		m.result.item = it
		m.layout()
	}
	cmds := []tea.Cmd{m.loadQueue()}
	if it.State == common.OutboxSent {
		cmds = append(cmds, m.load(), m.startSpinner())
	}
	return tea.Batch(cmds...)
}

// handleKey routes a key: a question's answer, then an open form, then the detail's keys.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case m.confirm != confirmNone:
		return m.answer(msg)
	case m.sending:
		if key.Matches(msg, m.keys.leaveSending) {
			return m.leave()
		}
		return nil
	case m.form != nil:
		return m.formKey(msg)
	}
	return m.detailKey(msg)
}

// leave goes back; what is being sent stays in the outbox.
func (m *Model) leave() tea.Cmd {
	m.cancel()
	return m.ctx.Navigate(common.BackMsg{})
}

// detailKey scrolls the detail or starts an action.
func (m *Model) detailKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.up):
		m.list.Move(-1)
	case key.Matches(msg, k.down):
		m.list.Move(1)
	case key.Matches(msg, k.pageUp):
		m.list.PageUp()
	case key.Matches(msg, k.pageDown):
		m.list.PageDown()
	case key.Matches(msg, k.home):
		m.list.Top()
	case key.Matches(msg, k.end):
		m.list.Bottom()
	case key.Matches(msg, k.back):
		return m.leave()
	case key.Matches(msg, k.refresh):
		return tea.Batch(m.load(), m.loadQueue(), m.startSpinner())
	case key.Matches(msg, k.copy):
		return m.copy()
	case key.Matches(msg, k.note):
		return m.open(formNote)
	case key.Matches(msg, k.status):
		return m.open(formStatus)
	case key.Matches(msg, k.activate):
		return m.askActivate()
	}
	return nil
}

// notice shows a pt-BR notice in the status line.
func notice(text string, isErr bool) tea.Cmd {
	return common.Cmd(common.NoticeMsg{Text: text, Error: isErr})
}

// open opens a form once the detail is known (a status change needs the requester, and no draft).
func (m *Model) open(kind formKind) tea.Cmd {
	d := m.detail
	if d == nil {
		return nil
	}
	if kind == formStatus {
		switch {
		case len(m.ctx.Services.Catalogue.Statuses) == 0:
			return notice(i18n.ProtoNoStatuses, true)
		case d.Draft:
			return notice(i18n.ProtoDraftFirst, true)
		case d.Requester.ChaveUnica == "":
			return notice(i18n.ProtoNoKeyToChange, true)
		}
	}
	m.form = m.newForm(kind, d.Status.ID)
	m.form.setFocus(0)
	m.result = nil
	m.layout()
	return nil
}

// openCorrection opens the form of a refused action, filled as it was stored.
func (m *Model) openCorrection() {
	fu := m.correct.FollowUp
	switch {
	case fu.Note != nil:
		m.form = m.newForm(formNote, 0)
	case fu.Status != nil:
		m.form = m.newForm(formStatus, 0)
	default:
		m.confirm = confirmActivate
		m.layout()
		return
	}
	m.form.restore(fu)
	m.form.err = m.correct.Reason
	m.form.setFocus(0)
	m.layout()
}

// askActivate asks before activating a draft.
func (m *Model) askActivate() tea.Cmd {
	if m.detail == nil || !m.detail.Draft {
		return notice(i18n.ProtoNotDraft, false)
	}
	m.confirm = confirmActivate
	m.layout()
	return nil
}

// answer takes the answer to the question on screen.
func (m *Model) answer(msg tea.KeyMsg) tea.Cmd {
	kind := m.confirm
	switch {
	case key.Matches(msg, m.keys.yes):
		m.confirm = confirmNone
		if kind == confirmActivate {
			fu := m.baseFollowUp()
			fu.Activate = true
			return m.submit(fu)
		}
		m.form = nil
		m.correct = nil
	case key.Matches(msg, m.keys.no):
		m.confirm = confirmNone
	}
	m.layout()
	return nil
}

// formKey moves between the form's fields, cycles a choice, types, submits (Ctrl+S) or leaves (Esc). In the text
// area only Tab and Shift+Tab leave it (↑/↓ move in the text); on a choice ↑/↓ move between fields too.
func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	f, k := m.form, m.keys
	text := isText(f.focused())
	n := len(f.slots())
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.submit):
		return m.submitForm()
	case key.Matches(msg, k.leave):
		m.leaveForm()
	case key.Matches(msg, k.next) && (!text || msg.Type == tea.KeyTab):
		f.setFocus((f.focus + 1) % n)
	case key.Matches(msg, k.prev) && (!text || msg.Type == tea.KeyShiftTab):
		f.setFocus((f.focus + n - 1) % n)
	case !text && msg.Type == tea.KeyEnter:
		f.setFocus(f.focus + 1)
	case !text && key.Matches(msg, k.cycle):
		delta := 1
		if msg.Type == tea.KeyLeft {
			delta = -1
		}
		f.cycle(delta)
	case text:
		f.text, cmd = f.text.Update(msg)
		f.err = ""
	}
	m.layout()
	return cmd
}

// leaveForm closes the form, asking first when something was typed.
func (m *Model) leaveForm() {
	if m.form.dirty() {
		m.confirm = confirmDiscard
		return
	}
	m.form, m.correct = nil, nil
}

// submitForm checks the form and hands its action to the outbox.
func (m *Model) submitForm() tea.Cmd {
	f := m.form
	if msg := m.check(f); msg != "" {
		f.err = msg
		m.layout()
		return nil
	}
	return m.submit(m.followUp(f))
}

// submit hands an action to the outbox off the Update goroutine (a correction replaces the refused one).
func (m *Model) submit(fu model.FollowUp) tea.Cmd {
	ob := m.ctx.Services.Outbox
	if ob == nil {
		return notice(i18n.ProtoNoOutbox, true)
	}
	m.sending, m.result = true, nil
	m.started = m.now()
	if m.form != nil {
		m.form.text.Blur()
	}
	m.layout()
	attendant, screen, log := m.ctx.Session.Attendant, m.id, m.ctx.Session.Logger
	name := m.partyName()
	correcting := ""
	if m.correct != nil {
		correcting = m.correct.ID
	}
	send := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), submitTimeout)
		defer cancel()
		var it common.OutboxItem
		var err error
		if correcting != "" {
			it, err = ob.ResubmitFollowUp(ctx, correcting, fu)
		} else {
			it, err = ob.SubmitFollowUp(ctx, attendant, fu)
		}
		if err != nil {
			log.Error("protocol: follow-up not stored", "protocol", model.MaskTerm(fu.Protocol), "err", err)
		} else {
			log.Info("protocol: follow-up submitted", "item", it.ID, "state", string(it.State))
		}
		return common.SubmittedMsg{Screen: screen, Item: it, Err: err, TypeName: it.Summary, Name: name}
	}
	return tea.Batch(send, m.startSpinner())
}

// revealOf is where the detail scrolls once an action sent shows: a note at the end (the notes), a status at the top.
func revealOf(it common.OutboxItem) reveal {
	if it.Kind == common.KindNote {
		return revealBottom
	}
	return revealTop
}

// partyName is whom the protocol is about, for the session history.
func (m *Model) partyName() string {
	if d := m.detail; d != nil {
		if d.Beneficiary.Name != "" {
			return d.Beneficiary.Name
		}
		return d.Requester.Name
	}
	return m.ben.Name
}

// applySubmitted shows what became of an action: sent (the detail loads again), kept in the queue, refused (the
// form stays open to correct it) or not stored (the form stays as typed).
func (m *Model) applySubmitted(msg common.SubmittedMsg) tea.Cmd {
	m.sending = false
	m.result = &result{item: msg.Item, err: msg.Err}
	it := msg.Item
	cmds := []tea.Cmd{m.loadQueue()}
	switch {
	case msg.Err != nil:
		if m.form != nil && errors.Is(msg.Err, model.ErrFollowUp) {
			m.form.err, m.result = msg.Err.Error(), nil
		}
	case it.State == common.OutboxNeedsCorrection && m.form != nil:
		c := it
		m.correct, m.form.err, m.result = &c, it.Reason, nil
		m.form.setFocus(m.form.focus)
	default:
		m.form, m.correct = nil, nil
		if it.State == common.OutboxSent {
			m.reveal = revealOf(it)
			cmds = append(cmds, m.load(), m.startSpinner())
		}
	}
	m.layout()
	return tea.Batch(cmds...)
}

// copy copies the protocol, raw, through the session's terminal (OSC 52).
func (m *Model) copy() tea.Cmd {
	out, p := m.ctx.Session.Output, m.number
	return func() tea.Msg {
		if err := clipboard.Copy(out, p); err != nil {
			return common.NoticeMsg{Text: i18n.OccCopyFailed, Error: true}
		}
		return common.NoticeMsg{Text: i18n.UIProtocolCopied(p)}
	}
}
