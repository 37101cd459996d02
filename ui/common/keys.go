package common

import (
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/key"

	"github.com/balcao/balcao/i18n"
)

// KeyMap is every key binding of the console, in this one place (stable: tests and people depend on them). Screens
// copy the bindings they use and enable or disable the copies so that help shows only what works. Bindings marked
// "help only" are the footer's one entry for several keys; screens never match keys against them.
type KeyMap struct {
	// Every screen.
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Home      key.Binding // Home and g: the first row
	End       key.Binding // End and G: the last row
	Open      key.Binding // Enter
	Back      key.Binding // Esc
	Refresh   key.Binding // r refresh/retry
	Outbox    key.Binding // p pendências
	Help      key.Binding // ?
	Quit      key.Binding // q (only when no field is being typed in)
	ForceQuit key.Binding // Ctrl+C always
	Choose    key.Binding // ↑/↓ escolher (help only)
	History   key.Binding // h: the occurrences sent in this session
	Yes       key.Binding // s: yes to a question (discard the changes?, quit?)
	No        key.Binding // n or Esc: no to a question

	// Busca.
	Search     key.Binding // / focus search
	LeaveField key.Binding // Esc leaves the search field
	ClearField key.Binding // Esc with text in the field: clears it (help only)
	Clear      key.Binding // Ctrl+U clears the field
	FieldUp    key.Binding // ↑ while the field has focus (k types)
	FieldDown  key.Binding // ↓ while the field has focus (j types)

	// Beneficiário.
	NextTab    key.Binding // Tab
	PrevTab    key.Binding // Shift+Tab
	ScrollUp   key.Binding // ↑/k on a tab without rows to choose
	ScrollDown key.Binding
	Scroll     key.Binding // ↑/↓ rolar (help only)
	MemberUp   key.Binding // ↑/k on Família
	MemberDown key.Binding
	RowUp      key.Binding // ↑/k on a tab of guides or protocols
	RowDown    key.Binding
	OpenMember key.Binding // Enter on Família
	New        key.Binding // n new occurrence
	Resume     key.Binding // n when a draft is kept: resume it
	More       key.Binding // + more protocols
	Less       key.Binding // - fewer protocols
	Count      key.Binding // +/- quantidade (help only)
	PrevPeriod key.Binding // [ the previous window (Autorizações) or month (Financeiro)
	NextPeriod key.Binding // ] the next one
	Period     key.Binding // [/] período (help only)
	OpenProto  key.Binding // Enter on a protocol: its detail
	OpenGuide  key.Binding // Enter on an authorization: the guide's fields
	MoreItems  key.Binding // Enter on "more guides": the next page

	// Protocolo (the detail of one protocol).
	AddNote    key.Binding // a adds a note
	SetStatus  key.Binding // s changes the status or closes
	Activate   key.Binding // t activates a draft
	DiscardYes key.Binding // s: yes, discard what was typed
	DiscardNo  key.Binding // n or Esc: keep typing
	ConfirmYes key.Binding // s: yes, activate the draft

	// Nova ocorrência.
	NextField    key.Binding // Tab and ↓ (↓ leaves the note only from its last line)
	PrevField    key.Binding // Shift+Tab and ↑
	Cycle        key.Binding // ←/→/space on a choice (help)
	Left         key.Binding // ← moves a choice back
	Right        key.Binding // → and space move a choice on
	Enter        key.Binding // Enter leaves a field
	Submit       key.Binding // Ctrl+S
	Copy         key.Binding // y copy protocol
	Return       key.Binding // Enter on an outcome screen
	LeaveSending key.Binding // Esc while sending: leave, the item stays queued

	// Pendências.
	Retry      key.Binding // r retries the selected item now
	Edit       key.Binding // Enter corrects the selected item (or shows a pending one's detail)
	Detail     key.Binding // v shows the selected item's full text
	Cancel     key.Binding // x cancels the selected item (asks first)
	CancelYes  key.Binding // s: yes, cancel it
	CancelNo   key.Binding // n or Esc: keep it
	ShowDetail key.Binding // Enter on a pending item: its detail

	// Pendências: actions on protocols.
	DiscardItem  key.Binding // x on an action Mosia refused: discard it (asks first)
	DiscardFound key.Binding // x on an action under review: discard it, it is in Mosia already
	Resend       key.Binding // r on an action under review: it is not in Mosia, send it again
}

// DefaultKeyMap returns the console's keys with pt-BR help; the keys of one screen are derived from the shared
// ones (same keys, the screen's own help), so a remapped key carries over.
func DefaultKeyMap() *KeyMap {
	k := &KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", i18n.UIKeyUp)),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", i18n.UIKeyDown)),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("PgUp", i18n.UIKeyPageUp)),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("PgDn", i18n.UIKeyPageDown)),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", i18n.UIKeyOpen)),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", i18n.UIKeyBack)),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", i18n.UIKeyRefresh)),
		Outbox:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", i18n.UIKeyOutbox)),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", i18n.UIKeyHelp)),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", i18n.UIKeyQuit)),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", i18n.UIKeyForceQuit)),
		Choose:    key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓", i18n.UIKeyChoose)),

		Search:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", i18n.UIKeySearch)),
		FieldUp:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", i18n.UIKeyUp)),
		FieldDown: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", i18n.UIKeyDown)),

		NextTab: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", i18n.UIKeyNextTab)),
		PrevTab: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", i18n.UIKeyPrevTab)),
		Scroll:  key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓", i18n.UIKeyScroll)),
		New:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", i18n.UIKeyNew)),
		More:    key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", i18n.UIKeyMore)),
		Less:    key.NewBinding(key.WithKeys("-"), key.WithHelp("-", i18n.UIKeyLess)),
		Count:   key.NewBinding(key.WithKeys("+"), key.WithHelp("+/-", i18n.UIKeyCount)),

		Cycle:  key.NewBinding(key.WithKeys("left", "right", " "), key.WithHelp(i18n.OccKeyCycleKeys, i18n.OccKeyCycle)),
		Left:   key.NewBinding(key.WithKeys("left")),
		Right:  key.NewBinding(key.WithKeys("right", " ")),
		Enter:  key.NewBinding(key.WithKeys("enter")),
		Submit: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", i18n.UIKeySubmit)),
		Copy:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", i18n.UIKeyCopy)),
		Yes:    key.NewBinding(key.WithKeys("s", "S"), key.WithHelp("s", i18n.OccKeyYes)),
		No:     key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", i18n.OccKeyNo)),
	}
	addDayKeys(k)
	addDeskKeys(k)
	deriveKeys(k)
	return k
}

// deriveKeys sets the bindings that are another one's keys with the screen's own help, so a remapped key carries
// over.
func deriveKeys(k *KeyMap) {
	k.LeaveField = relabel(k.Back, i18n.UIKeyLeaveField)
	k.ScrollUp, k.ScrollDown = relabel(k.Up, i18n.UIKeyScroll), relabel(k.Down, i18n.UIKeyScroll)
	k.MemberUp, k.MemberDown = relabel(k.Up, i18n.UIKeyMemberUp), relabel(k.Down, i18n.UIKeyMemberDown)
	k.RowUp, k.RowDown = relabel(k.Up, i18n.UIKeyRowUp), relabel(k.Down, i18n.UIKeyRowDown)
	k.OpenMember = relabel(k.Open, i18n.UIKeyOpenMember)
	k.NextField = key.NewBinding(key.WithKeys(slices.Concat(k.NextTab.Keys(), []string{"down"})...),
		key.WithHelp(k.NextTab.Help().Key+"/↓", i18n.OccKeyNextField))
	k.PrevField = key.NewBinding(key.WithKeys(slices.Concat(k.PrevTab.Keys(), []string{"up"})...),
		key.WithHelp(k.PrevTab.Help().Key+"/↑", i18n.OccKeyPrevField))
	k.Return = relabel(k.Open, i18n.OccKeyReturn)
	k.LeaveSending = relabel(k.Back, i18n.UIKeyLeaveSend)
	k.Retry = relabel(k.Refresh, i18n.PendKeyRetry)
	k.Resume = relabel(k.New, i18n.UIKeyResume)
	k.CancelYes, k.CancelNo = relabel(k.Yes, i18n.UIKeyCancelYes), relabel(k.No, i18n.UIKeyCancelNo)
	k.ShowDetail = relabel(k.Open, i18n.PendKeyDetail)
	k.Edit = relabel(k.Open, i18n.PendKeyEdit)
	k.OpenProto = relabel(k.Open, i18n.DeskKeyOpenProtocol)
	k.OpenGuide = relabel(k.Open, i18n.DeskKeyOpenGuide)
	k.MoreItems = relabel(k.Open, i18n.DeskKeyMoreGuides)
	k.DiscardYes, k.DiscardNo = relabel(k.Yes, i18n.DeskKeyDiscardYes), relabel(k.No, i18n.DeskKeyDiscardNo)
	k.ConfirmYes = relabel(k.Yes, i18n.DeskKeyActivateYes)
	k.DiscardItem, k.DiscardFound = relabel(k.Cancel, i18n.DeskKeyDiscardItem), relabel(k.Cancel, i18n.DeskKeyFoundInMosia)
	k.Resend = relabel(k.Refresh, i18n.DeskKeyResend)
}

// addDeskKeys adds the keys of the whole desk: the period of Autorizações and Financeiro, and the actions on a
// protocol (note, status, activation).
func addDeskKeys(k *KeyMap) {
	k.PrevPeriod = key.NewBinding(key.WithKeys("["), key.WithHelp("[", i18n.DeskKeyPrevPeriod))
	k.NextPeriod = key.NewBinding(key.WithKeys("]"), key.WithHelp("]", i18n.DeskKeyNextPeriod))
	k.Period = key.NewBinding(key.WithKeys("["), key.WithHelp("[/]", i18n.DeskKeyPeriod))
	k.AddNote = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", i18n.DeskKeyAddNote))
	k.SetStatus = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", i18n.DeskKeySetStatus))
	k.Activate = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", i18n.DeskKeyActivate))
}

// addDayKeys adds the keys of the attendants' day: first/last row, the session history, clearing the search,
// and Pendências' detail and cancel.
func addDayKeys(k *KeyMap) {
	k.Home = key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", i18n.UIKeyHome))
	k.End = key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", i18n.UIKeyEnd))
	k.History = key.NewBinding(key.WithKeys("h"), key.WithHelp("h", i18n.UIKeyHistory))
	k.Clear = key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", i18n.UIKeyClear))
	k.ClearField = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", i18n.UIKeyClearField))
	k.Detail = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", i18n.PendKeyDetail))
	k.Cancel = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", i18n.PendKeyCancel))
}

// relabel is a new binding with b's keys and key label and another help text.
func relabel(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// TabKey is the binding of the tab at index i (0-based): the digit i+1, with the tab's title as help; there are
// keys for the first nine tabs (ok is false past them).
func TabKey(i int, title string) (key.Binding, bool) {
	if i < 0 || i > 8 {
		return key.Binding{}, false
	}
	d := string(rune('1' + i))
	return key.NewBinding(key.WithKeys(d), key.WithHelp(d, title)), true
}

// TabsHelp is the footer's one entry for Tab and the digit keys of n tabs ("tab/1-5 abas").
func TabsHelp(n int) key.Binding {
	return key.NewBinding(key.WithKeys("tab"), key.WithHelp(fmt.Sprintf("tab/1-%d", min(max(n, 1), 9)), i18n.UIKeyTabs))
}
