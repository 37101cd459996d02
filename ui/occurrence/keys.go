package occurrence

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui/common"
)

// keyMap is the form's keys, derived from the session's KeyMap so that remapped keys carry over.
type keyMap struct {
	next    key.Binding // Tab and ↓ (↓ leaves the note only from its last line)
	prev    key.Binding // Shift+Tab and ↑
	cycle   key.Binding // ←/→/space on a choice
	left    key.Binding
	right   key.Binding
	space   key.Binding
	enter   key.Binding
	submit  key.Binding
	back    key.Binding
	copy    key.Binding
	yes     key.Binding
	no      key.Binding
	outcome key.Binding // Enter on an outcome screen
}

func newKeyMap(k *common.KeyMap) keyMap {
	next := append(append([]string{}, k.NextTab.Keys()...), "down")
	prev := append(append([]string{}, k.PrevTab.Keys()...), "up")
	km := keyMap{
		next:    key.NewBinding(key.WithKeys(next...), key.WithHelp(k.NextTab.Help().Key+"/↓", i18n.OccKeyNextField)),
		prev:    key.NewBinding(key.WithKeys(prev...), key.WithHelp(k.PrevTab.Help().Key+"/↑", i18n.OccKeyPrevField)),
		cycle:   key.NewBinding(key.WithKeys("left", "right", " "), key.WithHelp("←/→/espaço", i18n.OccKeyCycle)),
		left:    key.NewBinding(key.WithKeys("left")),
		right:   key.NewBinding(key.WithKeys("right", " ")),
		space:   key.NewBinding(key.WithKeys(" ")),
		enter:   key.NewBinding(key.WithKeys("enter")),
		submit:  k.Submit,
		back:    k.Back,
		copy:    k.Copy,
		yes:     key.NewBinding(key.WithKeys("s", "S"), key.WithHelp("s", i18n.OccKeyYes)),
		no:      key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", i18n.OccKeyNo)),
		outcome: key.NewBinding(key.WithKeys(k.Open.Keys()...), key.WithHelp(k.Open.Help().Key, i18n.OccKeyReturn)),
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
	k.back.SetEnabled(m.phase != phaseSending)
	k.copy.SetEnabled(m.phase == phaseSent && m.result.Protocol != "")
	k.outcome.SetEnabled(m.phase == phaseSent || m.phase == phasePending)
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
