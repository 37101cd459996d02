package protocol

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/balcao/balcao/ui/common"
)

// keyMap is the screen's keys, copies of the session's bindings (common.KeyMap).
type keyMap struct {
	up, down, pageUp, pageDown, home, end key.Binding // the detail scrolls
	back, refresh, copy                   key.Binding
	note, status, activate                key.Binding
	next, prev, cycle, submit, leave      key.Binding // a form
	yes, no, activateYes                  key.Binding // a question
	leaveSending                          key.Binding
}

func newKeyMap(k *common.KeyMap) keyMap {
	km := keyMap{up: k.ScrollUp, down: k.ScrollDown, pageUp: k.PageUp, pageDown: k.PageDown, home: k.Home, end: k.End,
		back: k.Back, refresh: k.Refresh, copy: k.Copy, note: k.AddNote, status: k.SetStatus, activate: k.Activate,
		next: k.NextField, prev: k.PrevField, cycle: k.Cycle, submit: k.Submit, leave: k.Back,
		yes: k.DiscardYes, no: k.DiscardNo, activateYes: k.ConfirmYes, leaveSending: k.LeaveSending}
	for _, b := range []*key.Binding{&km.up, &km.down, &km.pageUp, &km.pageDown, &km.home, &km.end, &km.back,
		&km.refresh, &km.copy, &km.note, &km.status, &km.activate, &km.submit, &km.leave} {
		b.SetEnabled(true) // another screen may have disabled the originals
	}
	return km
}

// bindings are the keys that apply now: a question's answers, a form's keys, or the detail's.
func (m *Model) bindings() [][]key.Binding {
	k := m.keys
	switch {
	case m.confirm != confirmNone:
		yes := k.yes
		if m.confirm == confirmActivate {
			yes = k.activateYes
		}
		return [][]key.Binding{{yes, k.no}}
	case m.sending:
		return [][]key.Binding{{k.leaveSending}}
	case m.form != nil:
		k.cycle.SetEnabled(!isText(m.form.focused()))
		many := len(m.form.slots()) > 1
		k.next.SetEnabled(many)
		k.prev.SetEnabled(many)
		return [][]key.Binding{{k.submit, k.next, k.prev, k.cycle, k.leave}}
	}
	loaded := m.detail != nil
	k.note.SetEnabled(loaded)
	k.status.SetEnabled(loaded)
	k.activate.SetEnabled(loaded && m.detail.Draft)
	k.copy.SetEnabled(true)
	_, scrolls := m.list.Position()
	for _, b := range []*key.Binding{&k.up, &k.down, &k.pageUp, &k.pageDown, &k.home, &k.end} {
		b.SetEnabled(scrolls)
	}
	return [][]key.Binding{{k.note, k.status, k.activate, k.copy, k.refresh, k.back},
		{k.up, k.down, k.pageUp, k.pageDown, k.home, k.end}}
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	var out []key.Binding
	for _, col := range m.bindings() {
		for _, b := range col {
			if b.Enabled() {
				out = append(out, b)
			}
		}
		if m.form == nil && m.confirm == confirmNone && !m.sending {
			break // the detail's scrolling keys are in the full help
		}
	}
	return out
}

// FullHelp lists every key of the screen, the ones that do not apply now disabled.
func (m *Model) FullHelp() [][]key.Binding { return m.bindings() }
