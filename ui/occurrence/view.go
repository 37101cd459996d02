package occurrence

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/fieldset"
)

const (
	labelWidth  = 22             // label column, after the 2-column focus marker
	valueIndent = 2 + labelWidth // where values start
	minValue    = 10
	maxValue    = 96 // wide terminals: keep lines readable
)

// valueWidth is the width of the value column.
func (m *Model) valueWidth() int {
	return min(max(m.width-valueIndent-1, minValue), maxValue)
}

// noteHeight is how many lines the note shows.
func (m *Model) noteHeight() int {
	switch {
	case m.height < 30:
		return 3
	default:
		return min(8, m.height/6)
	}
}

// View renders the screen: exactly height lines, none wider than width.
func (m *Model) View() string {
	header := m.header()
	var body []string
	switch m.phase {
	case phaseSent:
		body = m.sentView(m.height - len(header))
	case phasePending:
		body = m.pendingView()
	default:
		body = m.formView(m.height - len(header))
	}
	return common.Fit(strings.Join(append(header, body...), "\n"), m.width, m.height)
}

// header is the title and the beneficiary line, then a blank line.
func (m *Model) header() []string {
	st := m.ctx.Styles
	title := i18n.OccTitle
	if m.itemID != "" && m.correction != "" {
		title = i18n.OccTitleCorrection
	}
	parts := []string{i18n.OccBeneficiaryLine(m.ben.Name)}
	if m.ben.CPF != "" {
		parts = append(parts, i18n.OccCPF+" "+model.FormatCPF(m.ben.CPF))
	}
	if m.ben.Card != "" {
		parts = append(parts, i18n.OccCard+" "+model.FormatCard(m.ben.Card))
	}
	return []string{st.Title.Render(title), st.Subtitle.Render(strings.Join(parts, " · ")), ""}
}

// formView is the form, scrolled so that the focused field shows, with the correction above and the banner below.
func (m *Model) formView(height int) []string {
	st := m.ctx.Styles
	var top []string
	if m.correction != "" {
		top = append(top, st.Warning.Render(i18n.OccCorrection))
		for i, l := range wrapLines(m.correction, m.width) {
			if i == 2 {
				break
			}
			top = append(top, st.Warning.Render(l))
		}
		top = append(top, "")
	}
	var bottom []string
	switch {
	case m.confirm:
		bottom = []string{"", st.WarningBold.Render(i18n.OccConfirmDiscard)}
	case m.phase == phaseSending:
		bottom = []string{"", m.spinner.View() + " " + st.Bold.Render(i18n.OccSending)}
	case m.banner != "":
		style := st.Success
		if m.bannerErr {
			style = st.Error
		}
		bottom = []string{""}
		for i, l := range wrapLines(m.banner, m.width) {
			if i == 2 {
				break
			}
			bottom = append(bottom, style.Render(l))
		}
	}
	bodyH := max(height-len(top)-len(bottom), 1)
	out := make([]string, 0, height)
	out = append(out, top...)
	out = append(out, m.fields.View(m.fieldList(), m.phase == phaseEditing, bodyH)...)
	for len(out) < height-len(bottom) {
		out = append(out, "")
	}
	return append(out, bottom...)
}

// fieldList is every slot as the field set draws it: label, value (choices marked when focused) and error.
func (m *Model) fieldList() []fieldset.Field {
	slots := m.slots()
	out := make([]fieldset.Field, len(slots))
	editing := m.phase == phaseEditing
	for i, s := range slots {
		label, required, sub := m.label(s)
		focused := editing && i == m.fields.Focused()
		out[i] = fieldset.Field{Label: label, Required: required, Indent: sub, Value: m.value(s, focused), Err: m.errs[s]}
	}
	return out
}

// label is a slot's label, whether it is required, and whether it belongs to a group (other person, form).
func (m *Model) label(s slot) (string, bool, bool) {
	switch s.id {
	case fType:
		return i18n.OccFieldType, true, false
	case fSubject:
		return i18n.OccFieldSubject, false, false
	case fRequester:
		return i18n.OccFieldRequester, true, false
	case fOtherName:
		return i18n.OccFieldOtherName, true, true
	case fOtherKey:
		return i18n.OccFieldOtherKey, true, true
	case fOtherEmail:
		return i18n.OccFieldOtherEmail, false, true
	case fOtherPhone:
		return i18n.OccFieldOtherPhone, false, true
	case fContract:
		return i18n.OccFieldContract, false, false
	case fDraft:
		return i18n.OccFieldDraft, false, false
	case fNote:
		return i18n.OccFieldNote, false, false
	case fForm:
		return i18n.OccFieldForm, false, false
	case fFormField:
		if fs := m.form(); fs != nil && s.sub < len(fs.def.Fields) {
			f := fs.def.Fields[s.sub]
			return f.Label, f.Required, true
		}
	}
	return "", false, false
}

// value renders a slot's value; choices show ‹ › when focused.
func (m *Model) value(s slot, focused bool) string {
	st := m.ctx.Styles
	choice := func(text string, empty bool) string {
		style := st.Value
		if empty {
			style = st.EmptyValue
		}
		text = ansi.Truncate(text, m.valueWidth()-4, "…")
		if focused {
			return st.Title.Render("‹ ") + style.Render(text) + st.Title.Render(" ›")
		}
		return style.Render(text)
	}
	if in := m.input(s); in != nil {
		return in.View()
	}
	switch s.id {
	case fType:
		if t, ok := m.typ(); ok {
			return choice(t.Name, false)
		}
		return choice(i18n.OccErrNoType, true)
	case fSubject:
		if sj, ok := m.subject(); ok {
			return choice(sj.Name, false)
		}
		return choice(i18n.OccNoSubject, true)
	case fRequester:
		return choice(m.requesterLabel(), false)
	case fDraft:
		if m.draft {
			return choice(i18n.OccDraftOn, false)
		}
		return choice(i18n.OccDraftOff, false)
	case fNote:
		return m.noteView(focused)
	case fForm:
		if fs := m.form(); fs != nil {
			return choice(fs.def.Name, false)
		}
		return choice(i18n.OccFormNone, true)
	case fFormField:
		fs := m.form()
		if fs == nil || s.sub >= len(fs.def.Fields) {
			return ""
		}
		if o := fs.sel[s.sub]; o >= 0 && o < len(fs.opts[s.sub]) {
			return choice(fs.opts[s.sub][o].Label, false)
		}
		return choice(i18n.OccSelectNone, true)
	}
	return ""
}

// noteView renders the note; the textarea is costly to draw, so a blurred note is drawn once per value and size.
func (m *Model) noteView(focused bool) string {
	if focused || m.note.Focused() {
		return m.note.View()
	}
	k := noteKey{value: m.note.Value(), width: m.note.Width(), height: m.note.Height()}
	if k != m.noteKey || m.noteCache == "" {
		m.noteKey, m.noteCache = k, m.note.View()
	}
	return m.noteCache
}

// noteKey is what a blurred note's drawing depends on.
type noteKey struct {
	value         string
	width, height int
}

// requesterLabel names the chosen requester.
func (m *Model) requesterLabel() string {
	switch {
	case m.reqIdx == 0:
		name := m.ben.Name
		if name == "" {
			return i18n.OccRequesterBeneficiary
		}
		return i18n.OccRequesterBeneficiary + " (" + name + ")"
	case m.isOther():
		return i18n.OccRequesterOther
	default:
		f := m.family[m.reqIdx-1].member
		return i18n.OccRequesterFamily(f.Name, f.Kinship)
	}
}

// sentView shows the protocol large, centred.
func (m *Model) sentView(height int) []string {
	st := m.ctx.Styles
	title := i18n.OccSentTitle
	if m.draft {
		title = i18n.OccSentDraftTitle
	}
	var block []string
	block = append(block, center(st.Success.Render(title), m.width), "")
	if p := m.result.Protocol; p != "" {
		block = append(block, center(st.Dim.Render(i18n.OccProtocolLabel), m.width))
		for _, l := range strings.Split(st.Protocol.Render(p), "\n") {
			block = append(block, center(l, m.width))
		}
	} else {
		block = append(block, center(st.Warning.Render(i18n.OccNoProtocol), m.width))
	}
	block = append(block, "", center(st.Dim.Render(i18n.OccSentHint), m.width))
	top := max((height-len(block))/2-1, 0)
	out := make([]string, top, top+len(block))
	return append(out, block...)
}

// pendingView says the occurrence is safe and will be sent by itself.
func (m *Model) pendingView() []string {
	st := m.ctx.Styles
	out := []string{st.WarningBold.Render(i18n.OccPendingTitle), ""}
	for _, l := range wrapLines(i18n.OccPending(m.result.ID), m.width) {
		out = append(out, st.Value.Render(l))
	}
	if r := m.result.Reason; r != "" {
		out = append(out, "")
		for _, l := range wrapLines(i18n.OccPendingReason+r, m.width) {
			out = append(out, st.Dim.Render(l))
		}
	}
	return append(out, "", st.Dim.Render(i18n.OccPendingHint))
}

// center pads a rendered line so that it sits in the middle of width.
func center(s string, width int) string {
	w := ansi.StringWidth(s)
	if w >= width {
		return s
	}
	return strings.Repeat(" ", (width-w)/2) + s
}

// wrapLines word-wraps plain text to width (long words are broken).
func wrapLines(s string, width int) []string {
	if width < 1 {
		width = 1
	}
	return strings.Split(ansi.Wrap(s, width, ""), "\n")
}
