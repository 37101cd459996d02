package pending

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/balcao/balcao/ui/common"
)

// keyMap is the screen's keys: copies of the session's bindings (so remapping carries over) with this screen's help.
type keyMap struct {
	up, down, pageUp, pageDown, home, end key.Binding
	retry, edit, back, detail, cancel     key.Binding
	yes, no, open                         key.Binding
	discard, discardFound, resend         key.Binding // an action on a protocol: refused, under review
	discardYes                            key.Binding
}

func newKeyMap(k *common.KeyMap) keyMap {
	km := keyMap{
		up:       k.Up,
		down:     k.Down,
		pageUp:   k.PageUp,
		pageDown: k.PageDown,
		home:     k.Home,
		end:      k.End,
		retry:    k.Retry,
		edit:     k.Edit,
		back:     k.Back,
		detail:   k.Detail,
		cancel:   k.Cancel,
		yes:      k.CancelYes,
		no:       k.CancelNo,
		open:     k.ShowDetail,

		discard:      k.DiscardItem,
		discardFound: k.DiscardFound,
		resend:       k.Resend,
		discardYes:   k.DiscardYes,
	}
	for _, b := range []*key.Binding{&km.up, &km.down, &km.pageUp, &km.pageDown, &km.home, &km.end, &km.back} {
		b.SetEnabled(true) // another screen may have disabled the originals
	}
	return km
}

// bindings returns every key, enabled only where it applies.
func (m *Model) bindings() []key.Binding {
	k := m.keys
	if m.confirm || m.detailOpen {
		k.back.SetEnabled(true)
		if it, _ := m.selected(); m.confirm && discardable(it) {
			return []key.Binding{k.discardYes, k.no}
		}
		if m.confirm {
			return []key.Binding{k.yes, k.no}
		}
		return []key.Binding{k.back}
	}
	it, ok := m.selected()
	many := len(m.items) > 1
	for _, b := range []*key.Binding{&k.up, &k.down, &k.pageUp, &k.pageDown, &k.home, &k.end} {
		b.SetEnabled(many)
	}
	k.retry.SetEnabled(ok && it.State != common.OutboxSent)
	k.detail.SetEnabled(ok)
	k.cancel.SetEnabled(ok && it.State != common.OutboxSent)
	if ok && it.State != common.OutboxNeedsCorrection {
		k.edit = k.open // Enter shows the item's detail
	}
	if ok && discardable(it) {
		k.cancel = k.discard
		if it.State == common.OutboxNeedsReview {
			k.cancel, k.retry = k.discardFound, k.resend
		}
	}
	k.edit.SetEnabled(ok)
	return []key.Binding{k.up, k.down, k.retry, k.edit, k.detail, k.cancel, k.pageUp, k.pageDown, k.home, k.end, k.back}
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	b := m.bindings()
	if m.confirm || m.detailOpen {
		return b
	}
	out := make([]key.Binding, 0, 7)
	for _, x := range b[:6] {
		if x.Enabled() {
			out = append(out, x)
		}
	}
	return append(out, m.keys.back)
}

// FullHelp lists every key of the screen, the ones that do not apply now disabled.
func (m *Model) FullHelp() [][]key.Binding {
	b := m.bindings()
	if m.confirm || m.detailOpen {
		return [][]key.Binding{b}
	}
	return [][]key.Binding{b[:6], b[6:]}
}
