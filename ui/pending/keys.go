package pending

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/balcao/balcao/ui/common"
)

// keyMap is the screen's keys: copies of the session's bindings (so remapping carries over) with this screen's help.
type keyMap struct {
	up, down, pageUp, pageDown key.Binding
	retry, edit, back          key.Binding
}

func newKeyMap(k *common.KeyMap) keyMap {
	km := keyMap{
		up:       k.Up,
		down:     k.Down,
		pageUp:   k.PageUp,
		pageDown: k.PageDown,
		retry:    k.Retry,
		edit:     k.Edit,
		back:     k.Back,
	}
	for _, b := range []*key.Binding{&km.up, &km.down, &km.pageUp, &km.pageDown, &km.back} {
		b.SetEnabled(true) // another screen may have disabled the originals
	}
	return km
}

// bindings returns every key, enabled only where it applies.
func (m *Model) bindings() []key.Binding {
	k := m.keys
	it, ok := m.selected()
	many := len(m.items) > 1
	k.up.SetEnabled(many)
	k.down.SetEnabled(many)
	k.pageUp.SetEnabled(many)
	k.pageDown.SetEnabled(many)
	k.edit.SetEnabled(ok && it.State == common.OutboxNeedsCorrection)
	return []key.Binding{k.up, k.down, k.retry, k.edit, k.pageUp, k.pageDown, k.back}
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	out := make([]key.Binding, 0, 7)
	for _, b := range m.bindings()[:4] {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return append(out, m.keys.back)
}

// FullHelp lists every key of the screen, the ones that do not apply now disabled.
func (m *Model) FullHelp() [][]key.Binding {
	b := m.bindings()
	return [][]key.Binding{b[:4], b[4:]}
}
