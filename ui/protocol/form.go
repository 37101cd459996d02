package protocol

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textarea"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/components/fieldset"
)

// formKind is which action a form prepares.
type formKind int

const (
	formNote   formKind = iota // a note: its text, public or not
	formStatus                 // a status: the new status; closing ones add the outcome and the reason
)

// slot is one focusable field of a form.
type slot int

const (
	slotText    slot = iota // the note's text
	slotPublic              // visible to the beneficiary?
	slotStatus              // the new status
	slotReason              // the closing reason (closing statuses)
	slotOutcome             // the outcome text (closing statuses)
)

// form is a follow-up being typed.
type form struct {
	kind     formKind
	text     textarea.Model // the note, or the outcome
	public   bool
	statuses []config.StatusDef
	reasons  []config.ReasonDef
	status   int // index in statuses
	reason   int // index in reasons; -1 while none is chosen
	focus    int // index in slots()
	err      string
	fields   fieldset.Model
}

// formLabel is the width of the forms' label column.
const formLabel = 24

// newForm builds an empty form of a kind; a status form offers the catalogue's statuses but the current one.
func (m *Model) newForm(kind formKind, current int) *form {
	cat := m.ctx.Services.Catalogue
	f := &form{kind: kind, reasons: cat.Reasons, reason: -1, fields: fieldset.New(m.ctx.Styles, formLabel),
		text: m.newText(kind)}
	for _, s := range cat.Statuses {
		if s.ID != current { // the status it has already is no change
			f.statuses = append(f.statuses, s)
		}
	}
	return f
}

// newText is the form's text area, plain (styles from the session), without blinking.
func (m *Model) newText(kind formKind) textarea.Model {
	plain := m.ctx.Styles.Plain
	ta := textarea.New()
	ta.Prompt = ""
	ta.ShowLineNumbers = false
	ta.Placeholder = i18n.ProtoNotePlace
	if kind == formStatus {
		ta.Placeholder = i18n.ProtoOutcomePlace
	}
	ta.CharLimit = model.MaxNoteRunes
	base := textarea.Style{Base: plain, CursorLine: plain, CursorLineNumber: plain, EndOfBuffer: plain,
		LineNumber: plain, Placeholder: m.ctx.Styles.EmptyValue, Prompt: plain, Text: m.ctx.Styles.Value}
	ta.FocusedStyle, ta.BlurredStyle = base, base
	ta.Cursor.Style, ta.Cursor.TextStyle = m.ctx.Styles.Cursor, plain
	ta.Cursor.SetMode(cursor.CursorStatic)
	ta.Blur()
	return ta
}

// slots are the form's fields in focus order.
func (f *form) slots() []slot {
	if f.kind == formNote {
		return []slot{slotText, slotPublic}
	}
	if f.closes() {
		return []slot{slotStatus, slotReason, slotOutcome}
	}
	return []slot{slotStatus}
}

// focused is the slot with focus.
func (f *form) focused() slot {
	s := f.slots()
	return s[min(max(f.focus, 0), len(s)-1)]
}

// isText reports whether a slot is the text area.
func isText(s slot) bool { return s == slotText || s == slotOutcome }

// closes reports whether the chosen status closes the protocol.
func (f *form) closes() bool {
	return f.kind == formStatus && f.status < len(f.statuses) && f.statuses[f.status].Closes
}

// dirty reports whether something was typed.
func (f *form) dirty() bool { return strings.TrimSpace(f.text.Value()) != "" }

// setFocus moves the focus (clamped) and focuses the text area when it is the field.
func (f *form) setFocus(i int) {
	n := len(f.slots())
	f.focus = min(max(i, 0), n-1)
	if isText(f.focused()) {
		f.text.Focus()
	} else {
		f.text.Blur()
	}
}

// cycle moves the focused choice by delta (public, status, reason), wrapping around.
func (f *form) cycle(delta int) {
	wrap := func(i, n int) int { return ((i+delta)%n + n) % n }
	switch f.focused() {
	case slotPublic:
		f.public = !f.public
	case slotStatus:
		if len(f.statuses) > 0 {
			f.status = wrap(f.status, len(f.statuses))
		}
	case slotReason:
		switch n := len(f.reasons); {
		case n == 0:
		case f.reason < 0 && delta > 0:
			f.reason = 0
		case f.reason < 0:
			f.reason = n - 1
		default:
			f.reason = wrap(f.reason, n)
		}
	}
	f.err = ""
}

// followUp is the action the form holds, on the protocol on screen.
func (m *Model) followUp(f *form) model.FollowUp {
	fu := m.baseFollowUp()
	text := strings.TrimSpace(f.text.Value())
	if f.kind == formNote {
		fu.Note = &model.NoteAction{Text: text, Public: f.public}
		return fu
	}
	st := &model.StatusAction{}
	if f.status < len(f.statuses) {
		st.StatusID, st.StatusName = f.statuses[f.status].ID, f.statuses[f.status].Name
	}
	if f.closes() {
		st.Outcome = text
		if f.reason >= 0 && f.reason < len(f.reasons) {
			st.ReasonID, st.ReasonName = f.reasons[f.reason].ID, f.reasons[f.reason].Name
		}
	}
	fu.Status = st
	return fu
}

// baseFollowUp is an action on the protocol without its content: who asked, whom it is about, who does it.
func (m *Model) baseFollowUp() model.FollowUp {
	fu := model.FollowUp{Protocol: m.number, AttendantID: m.ctx.Session.AttendantID, Beneficiary: m.ben.ChaveUnica}
	if d := m.detail; d != nil {
		fu.Requester = d.Requester.ChaveUnica
		if d.Beneficiary.ChaveUnica != "" {
			fu.Beneficiary = d.Beneficiary.ChaveUnica
		}
	}
	return fu
}

// check is why the form cannot be sent as it is ("" when it can): a closing status needs its reason, then the
// follow-up's own rules (model.FollowUp.Check).
func (m *Model) check(f *form) string {
	if f.closes() && f.reason < 0 {
		return i18n.ProtoReasonNeeded
	}
	if err := m.followUp(f).Check(); err != nil {
		return err.Error()
	}
	return ""
}

// restore fills a form from a stored action (a refused one being corrected).
func (f *form) restore(fu model.FollowUp) {
	switch {
	case fu.Note != nil:
		f.text.SetValue(fu.Note.Text)
		f.public = fu.Note.Public
	case fu.Status != nil:
		for i, s := range f.statuses {
			if s.ID == fu.Status.StatusID {
				f.status = i
			}
		}
		for i, r := range f.reasons {
			if r.ID == fu.Status.ReasonID {
				f.reason = i
			}
		}
		f.text.SetValue(fu.Status.Outcome)
	}
}
