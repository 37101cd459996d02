package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/ui/beneficiary"
	"github.com/balcao/balcao/ui/common"
)

// Update routes: keys to the active screen first (a focused field gets every key), then global keys; navigation
// (asked through the context, or sent as a message) changes the stack; every other message reaches every screen
// (each drops results that are not its own).
func (r *Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	r.status.Snapshot() // health follows real calls as they answer, not only the bar's tick
	before := r.status.Lines(r.width)
	m, cmd := r.update(msg)
	if r.status.Lines(r.width) != before { // a long notice came or went: the screens get their new height
		r.layout()
	}
	return m, cmd
}

// update is Update's work.
func (r *Root) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		r.layout()
		return r, nil
	case tea.KeyMsg:
		return r, r.keys(msg)
	case common.OpenBeneficiaryMsg, common.NewOccurrenceMsg, common.EditOutboxItemMsg, common.OpenOutboxMsg,
		common.BackMsg, common.SearchMsg, common.OpenProtocolMsg, common.OpenGuideMsg:
		return r, tea.Batch(r.navigate(msg), r.drain())
	case common.NoticeMsg:
		return r, r.status.Update(msg)
	case common.SubmittedMsg:
		return r, tea.Batch(r.submitted(msg), r.broadcast(msg), r.drain())
	case common.OutboxEventMsg:
		r.ctx.History.Update(msg.Item)
		if s, ok := r.active().(common.OutcomeShower); ok && s.ShowsOutcome(msg.Item) {
			msg.Quiet = true
		}
		cmds := []tea.Cmd{r.status.Update(msg), r.broadcast(msg)}
		switch it := msg.Item; {
		case it.State != common.OutboxSent:
		case it.IsFollowUp():
			cmds = append(cmds, common.Cmd(common.FollowUpSentMsg{Protocol: it.Target()}))
		case it.Protocol != "":
			cmds = append(cmds, common.Cmd(common.OccurrenceSentMsg{ChaveUnica: chaveOf(it), Protocol: it.Protocol}))
		}
		return r, tea.Batch(append(cmds, r.drain())...)
	}
	return r, tea.Batch(r.status.Update(msg), r.broadcast(msg), r.drain())
}

// chaveOf is the chaveUnica an occurrence is about (the beneficiary's, else the requester's).
func chaveOf(it common.OutboxItem) string { return it.Occurrence.ChaveUnica() }

// keys handles a key press. Runes that arrived in one read (typed fast, pasted over SSH) come as one KeyMsg: outside
// a text field each acts as its own key, in order, each on the screen the previous one left open.
func (r *Root) keys(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste || r.asking {
		return r.key(msg)
	}
	var cmds []tea.Cmd
	for i, ru := range msg.Runes {
		if r.active().Typing() && !r.asking { // the rest is text for the field that now has focus
			rest := tea.KeyMsg{Type: tea.KeyRunes, Runes: append([]rune(nil), msg.Runes[i:]...), Alt: msg.Alt}
			return tea.Batch(append(cmds, r.key(rest))...)
		}
		cmds = append(cmds, r.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{ru}, Alt: msg.Alt}))
		if r.quitting {
			break
		}
	}
	return tea.Batch(cmds...)
}

// key handles one key, then the navigation it asked for.
func (r *Root) key(msg tea.KeyMsg) tea.Cmd {
	cmd := r.handleKey(msg)
	return tea.Batch(cmd, r.drain())
}

func (r *Root) handleKey(msg tea.KeyMsg) tea.Cmd {
	if r.asking {
		return r.answerQuit(msg)
	}
	if key.Matches(msg, r.global.ForceQuit) {
		return r.askQuit()
	}
	if r.tooSmall() {
		if key.Matches(msg, r.global.Quit) {
			return r.askQuit()
		}
		return nil
	}
	a := r.active()
	if a.Typing() {
		return r.forward(msg)
	}
	if r.showHelp && (key.Matches(msg, r.global.Help) || msg.Type == tea.KeyEsc) {
		r.toggleHelp()
		return nil
	}
	if screenHas(a, msg) {
		return r.forward(msg)
	}
	return r.globalKey(msg)
}

// globalKey handles the keys every screen shares (when the screen did not take the key).
func (r *Root) globalKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, r.global.Help):
		r.toggleHelp()
		return nil
	case key.Matches(msg, r.global.Quit):
		return r.askQuit()
	case key.Matches(msg, r.global.Outbox):
		return r.openOutbox()
	case key.Matches(msg, r.global.History):
		return r.openHistory()
	case key.Matches(msg, r.global.Search):
		return r.navigate(common.SearchMsg{})
	case key.Matches(msg, r.global.Back) && len(r.stack) > 1:
		r.pop()
		return nil
	}
	return r.forward(msg)
}

// screenHas reports whether one of the active screen's enabled bindings takes the key (screen keys win over global).
func screenHas(c common.Component, msg tea.KeyMsg) bool {
	for _, col := range c.FullHelp() {
		for _, b := range col {
			if b.Enabled() && key.Matches(msg, b) {
				return true
			}
		}
	}
	return false
}

// guard is a screen that holds work a quit would interrupt.
type guard interface {
	Unsaved() bool // a form being typed
	Busy() bool    // an occurrence being handed to the outbox right now
}

// askQuit quits at once when nothing would be lost; otherwise it asks first (a second Ctrl+C answers yes).
func (r *Root) askQuit() tea.Cmd {
	drafts, sending := r.atStake()
	if drafts == 0 && sending == 0 && r.status.Pending() == 0 {
		return r.quit()
	}
	r.asking = true
	r.layout()
	return nil
}

// atStake counts the screens with a form being typed and those sending.
func (r *Root) atStake() (drafts, sending int) {
	for _, s := range r.stack {
		if g, ok := s.(guard); ok {
			if g.Unsaved() {
				drafts++
			}
			if g.Busy() {
				sending++
			}
		}
	}
	return drafts, sending
}

// answerQuit takes the answer to "quit?": s (or Ctrl+C again) quits, n or Esc goes on.
func (r *Root) answerQuit(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, r.global.Yes), key.Matches(msg, r.global.ForceQuit):
		return r.quit()
	case key.Matches(msg, r.global.No):
		r.asking = false
		r.layout()
	}
	return nil
}

// flusher is a screen with typing not yet on disk (a draft's last second).
type flusher interface{ Flush() tea.Cmd }

// quit saves what screens still hold, then ends the program.
func (r *Root) quit() tea.Cmd {
	var flush []tea.Cmd
	for _, s := range r.stack {
		if f, ok := s.(flusher); ok {
			flush = append(flush, f.Flush())
		}
	}
	r.quitting = true
	r.asking = false
	for len(r.stack) > 1 {
		r.pop()
	}
	if len(flush) == 0 {
		return tea.Quit
	}
	return tea.Sequence(tea.Batch(flush...), tea.Quit)
}

// forward gives a message to the active screen only.
func (r *Root) forward(msg tea.Msg) tea.Cmd {
	a, cmd := r.active().Update(msg)
	r.stack[len(r.stack)-1] = a
	return cmd
}

// broadcast gives a message to every screen on the stack.
func (r *Root) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(r.stack))
	for i, s := range r.stack {
		c, cmd := s.Update(msg)
		r.stack[i] = c
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// drain acts on the navigation screens asked for through the context, in order.
func (r *Root) drain() tea.Cmd {
	var cmds []tea.Cmd
	for i := 0; i < 16; i++ { // a screen opened may itself ask (bounded: never a loop)
		nav := r.ctx.TakeNavigation()
		if len(nav) == 0 {
			break
		}
		for _, m := range nav {
			cmds = append(cmds, r.navigate(m))
		}
	}
	return tea.Batch(cmds...)
}

// navigate changes the stack as a navigation message asks.
func (r *Root) navigate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.OpenBeneficiaryMsg:
		return r.push(beneficiary.New(r.ctx, msg))
	case common.NewOccurrenceMsg:
		return r.push(newOccurrence(r.ctx, msg))
	case common.EditOutboxItemMsg:
		return r.push(newOccurrenceFromItem(r.ctx, msg.Item))
	case common.OpenProtocolMsg:
		return r.push(newProtocol(r.ctx, msg))
	case common.OpenGuideMsg:
		return r.push(newGuide(r.ctx, msg))
	case common.OpenOutboxMsg:
		return r.openOutbox()
	case common.BackMsg:
		r.pop()
	case common.SearchMsg:
		for len(r.stack) > 1 {
			r.pop()
		}
		return r.forward(msg)
	}
	return nil
}

// submitted records an occurrence handed to the outbox in the session history and drops its draft.
func (r *Root) submitted(msg common.SubmittedMsg) tea.Cmd {
	if msg.Err != nil {
		return nil
	}
	name := msg.Name
	if name == "" {
		name = common.PartyName(msg.Item.Occurrence)
	}
	r.ctx.History.Add(common.Sent{ItemID: msg.Item.ID, At: r.now(), Name: name, Type: msg.TypeName,
		State: msg.Item.State, Protocol: msg.Item.Target(), FollowUp: msg.Item.IsFollowUp()})
	d := r.ctx.Services.Drafts
	if d == nil || msg.DraftKey == "" {
		return nil
	}
	attendant, k, log := r.ctx.Session.Attendant, msg.DraftKey, r.ctx.Session.Logger
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.Delete(ctx, attendant, k); err != nil {
			log.Warn("draft not deleted after submit", "err", err)
		}
		return nil
	}
}

// push puts a screen on top, sized, and starts it.
func (r *Root) push(c common.Component) tea.Cmd {
	if c == nil {
		return nil
	}
	r.stack = append(r.stack, c)
	r.showHelp = false
	r.layout()
	return c.Init()
}

// pop closes the screen on top (never Busca) and cancels what it still had in flight.
func (r *Root) pop() {
	if len(r.stack) <= 1 {
		return
	}
	top := r.stack[len(r.stack)-1]
	r.stack = r.stack[:len(r.stack)-1]
	if c, ok := top.(closer); ok {
		c.Close()
	}
	r.showHelp = false
	r.layout()
}

// openOutbox shows Pendências, unless it is already on screen.
func (r *Root) openOutbox() tea.Cmd {
	if isPending(r.active()) {
		return nil
	}
	return r.push(newPending(r.ctx))
}

// openHistory shows the session history, unless it is already on screen.
func (r *Root) openHistory() tea.Cmd {
	if isHistory(r.active()) {
		return nil
	}
	return r.push(newHistory(r.ctx))
}

func (r *Root) toggleHelp() {
	r.showHelp = !r.showHelp
	r.layout()
}
