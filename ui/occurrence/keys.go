package occurrence

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/balcao/balcao/ui/common"
)

// keyMap is the form's keys, copies of the session's bindings (common.KeyMap).
type keyMap struct {
	next    key.Binding // Tab and ↓ (↓ leaves the note only from its last line)
	prev    key.Binding // Shift+Tab and ↑
	cycle   key.Binding // ←/→/space on a choice
	left    key.Binding
	right   key.Binding
	enter   key.Binding
	submit  key.Binding
	back    key.Binding
	copy    key.Binding
	yes     key.Binding
	no      key.Binding
	outcome key.Binding // Enter on an outcome screen
}

func newKeyMap(k *common.KeyMap) keyMap {
	km := keyMap{
		next: k.NextField, prev: k.PrevField, cycle: k.Cycle, left: k.Left, right: k.Right, enter: k.Enter,
		submit: k.Submit, back: k.Back, copy: k.Copy, yes: k.Yes, no: k.No, outcome: k.Return,
	}
	// Copies of the session's bindings: another screen may have disabled the originals.
	km.submit.SetEnabled(true)
	km.back.SetEnabled(true)
	km.copy.SetEnabled(true)
	return km
}

// bindings returns the keys that apply now, enabled or disabled by state.
func (m *Model) bindings() []key.Binding {
	k := m.keys
	if m.confirm {
		return []key.Binding{k.yes, k.no}
	}
	editing := m.phase == phaseEditing
	s := m.focused()
	choice := editing && !m.isText(s)
	k.next.SetEnabled(editing)
	k.prev.SetEnabled(editing)
	k.cycle.SetEnabled(choice)
	k.submit.SetEnabled(editing)
	outcome := m.phase == phaseSent || m.phase == phasePending
	k.back.SetEnabled(!outcome) // on an outcome Esc goes back too, but the footer says it once: "enter voltar"
	if m.phase == phaseSending {
		k.back = m.ctx.Keys.LeaveSending
	}
	k.copy.SetEnabled(m.phase == phaseSent && m.result.Protocol != "")
	k.outcome.SetEnabled(outcome)
	return []key.Binding{k.submit, k.next, k.prev, k.cycle, k.copy, k.outcome, k.back}
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	out := make([]key.Binding, 0, 7)
	for _, b := range m.bindings() {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

// FullHelp lists every key of the screen, the ones that do not apply now disabled.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.bindings()}
}
