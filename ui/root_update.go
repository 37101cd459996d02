package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/ui/beneficiary"
	"github.com/balcao/balcao/ui/common"
)

// Update routes: keys to the active screen first (a focused field gets every key), then global keys; navigation
// messages change the stack; every other message reaches every screen (each drops results that are not its own).
func (r *Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		r.layout()
		return r, nil
	case tea.KeyMsg:
		return r, r.handleKey(msg)
	case common.OpenBeneficiaryMsg:
		return r, r.push(beneficiary.New(r.ctx, msg))
	case common.NewOccurrenceMsg:
		return r, r.push(newOccurrence(r.ctx, msg))
	case common.EditOutboxItemMsg:
		return r, r.push(newOccurrenceFromItem(r.ctx, msg.Item))
	case common.OpenOutboxMsg:
		return r, r.openOutbox()
	case common.BackMsg:
		r.pop()
		return r, nil
	case common.NoticeMsg:
		return r, r.status.Update(msg)
	case common.OutboxEventMsg:
		cmds := []tea.Cmd{r.status.Update(msg), r.broadcast(msg)}
		if it := msg.Item; it.State == common.OutboxSent && it.Protocol != "" {
			cmds = append(cmds, common.Cmd(common.OccurrenceSentMsg{ChaveUnica: chaveOf(it), Protocol: it.Protocol}))
		}
		return r, tea.Batch(cmds...)
	}
	return r, tea.Batch(r.status.Update(msg), r.broadcast(msg))
}

// chaveOf is the chaveUnica an occurrence is about (the beneficiary's, else the requester's).
func chaveOf(it common.OutboxItem) string { return it.Occurrence.ChaveUnica() }

func (r *Root) handleKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, r.global.ForceQuit) {
		return r.quit()
	}
	if r.tooSmall() {
		if key.Matches(msg, r.global.Quit) {
			return r.quit()
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
	switch {
	case key.Matches(msg, r.global.Help):
		r.toggleHelp()
		return nil
	case key.Matches(msg, r.global.Quit):
		return r.quit()
	case key.Matches(msg, r.global.Outbox):
		return r.openOutbox()
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

func (r *Root) quit() tea.Cmd {
	r.quitting = true
	for len(r.stack) > 1 {
		r.pop()
	}
	return tea.Quit
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

func (r *Root) toggleHelp() {
	r.showHelp = !r.showHelp
	r.layout()
}
