package occurrence

import (
	"strings"
	"time"

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

// Beside the form from sideFrom columns: the contract and the last protocols, sideWidth wide.
const (
	sideFrom  = 120
	sideWidth = 42
)

// formWidth is the form's width: the screen's, less the side panel when there is one.
func (m *Model) formWidth() int {
	if m.width >= sideFrom && m.hasSide() {
		return m.width - sideWidth - 2
	}
	return m.width
}

// hasSide reports whether there is anything to show beside the form.
func (m *Model) hasSide() bool {
	return m.side.Contract.Number != "" || len(m.side.Protocols) > 0 || m.side.Plan != ""
}

// valueWidth is the width of the value column.
func (m *Model) valueWidth() int {
	return min(max(m.formWidth()-valueIndent-1, minValue), maxValue)
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
		if fw := m.formWidth(); fw < m.width {
			body = m.besideSide(body, fw)
		}
	}
	return common.Fit(strings.Join(append(header, body...), "\n"), m.width, m.height)
}

// besideSide puts the side panel (contract, last protocols) to the right of the form's lines.
func (m *Model) besideSide(body []string, fw int) []string {
	side := m.sideLines()
	out := make([]string, max(len(body), len(side)))
	for i := range out {
		l, r := "", ""
		if i < len(body) {
			l = body[i]
		}
		if i < len(side) {
			r = side[i]
		}
		out[i] = common.PadRight(l, fw) + "  " + common.Truncate(r, sideWidth)
	}
	return out
}

// sideLines are the contract and the last protocols, for looking up while typing.
func (m *Model) sideLines() []string {
	st := m.ctx.Styles
	out := []string{st.Section.Render(i18n.OccSideContract)}
	c := strings.TrimSpace(m.side.Contract.Number + " " + m.side.Contract.Description)
	for _, l := range common.WrapWords(c, sideWidth) {
		out = append(out, st.Value.Render(l))
	}
	if m.side.Plan != "" {
		out = append(out, st.Dim.Render(common.Truncate(m.side.Plan, sideWidth)))
	}
	if len(m.side.Protocols) == 0 {
		return out
	}
	out = append(out, "", st.Section.Render(i18n.OccSideProtocols))
	for _, p := range m.side.Protocols[:min(len(m.side.Protocols), 5)] {
		out = append(out, st.Bold.Render(common.GroupDigits(p.Number)), st.Dim.Render("  "+p.Status.Name+" · "+p.Type.Name))
	}
	return out
}

// header is the title and the beneficiary line, then a blank line.
func (m *Model) header() []string {
	st := m.ctx.Styles
	title := i18n.OccTitle
	switch {
	case m.correctionDone && m.phase != phaseEditing:
		title = i18n.OccTitleCorrected
	case m.itemID != "" && m.correction != "":
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
	top, bottom := m.correctionLines(), m.bannerLines()
	bodyH := max(height-len(top)-len(bottom), 1)
	out := make([]string, 0, height)
	out = append(out, top...)
	out = append(out, m.fields.View(m.fieldList(), m.phase == phaseEditing, bodyH)...)
	for len(out) < height-len(bottom) {
		out = append(out, "")
	}
	return append(out, bottom...)
}

// correctionLines are Mosia's reason for a correction (two lines at most) and a blank line; none otherwise.
func (m *Model) correctionLines() []string {
	if m.correction == "" {
		return nil
	}
	st := m.ctx.Styles
	var out []string
	for _, l := range common.WrapWords(i18n.OccCorrectionOnly, m.width) {
		out = append(out, st.WarningBold.Render(l))
	}
	for i, l := range wrapLines(i18n.MosiaRefusal(m.correction), m.width) {
		if i == 2 {
			break
		}
		out = append(out, st.Warning.Render(l))
	}
	return append(out, "")
}

// bannerLines are a blank line and the discard question, the sending spinner or the banner (two lines at most).
func (m *Model) bannerLines() []string {
	st := m.ctx.Styles
	switch {
	case m.confirm:
		return []string{"", st.WarningBold.Render(i18n.OccConfirmDiscard)}
	case m.phase == phaseSending:
		return []string{"", m.spinner.View() + " " + st.Bold.Render(i18n.OccSendingFor(common.Elapsed(m.sendStart, time.Now())))}
	case m.banner == "":
		return nil
	}
	style := st.Success
	if m.bannerErr {
		style = st.Error
	}
	out := []string{""}
	for i, l := range wrapLines(m.banner, m.width) {
		if i == 2 {
			break
		}
		out = append(out, style.Render(l))
	}
	return out
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

// value renders a slot's value: a text field as typed, the note, or a choice (‹ › around it when focused).
func (m *Model) value(s slot, focused bool) string {
	if in := m.input(s); in != nil {
		return in.View()
	}
	if s.id == fNote {
		return m.noteView(focused)
	}
	text, empty, ok := m.choiceText(s)
	if !ok {
		return ""
	}
	st := m.ctx.Styles
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

// choiceText is what a choice shows and whether that says nothing is chosen; ok is false for no choice at all.
func (m *Model) choiceText(s slot) (text string, empty, ok bool) {
	switch s.id {
	case fType:
		if t, ok := m.typ(); ok {
			return t.Name, false, true
		}
		return i18n.OccErrNoType, true, true
	case fSubject:
		if sj, ok := m.subject(); ok {
			return sj.Name, false, true
		}
		return i18n.OccNoSubject, true, true
	case fRequester:
		return m.requesterLabel(), false, true
	case fDraft:
		if m.draft {
			return i18n.OccDraftOn, false, true
		}
		return i18n.OccDraftOff, false, true
	case fForm:
		if fs := m.form(); fs != nil {
			return fs.def.Name, false, true
		}
		return i18n.OccFormNone, true, true
	case fFormField:
		return m.formChoiceText(s.sub)
	}
	return "", false, false
}

// formChoiceText is the choice of a catalogue form's select field (i18n.OccSelectNone when none); ok is false when
// the chosen form has no such field.
func (m *Model) formChoiceText(sub int) (text string, empty, ok bool) {
	fs := m.form()
	if fs == nil || sub >= len(fs.def.Fields) {
		return "", false, false
	}
	if o := fs.sel[sub]; o >= 0 && o < len(fs.opts[sub]) {
		return fs.opts[sub][o].Label, false, true
	}
	return i18n.OccSelectNone, true, true
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
		for _, l := range strings.Split(st.Protocol.Render(common.GroupDigits(p)), "\n") {
			block = append(block, center(l, m.width))
		}
	} else {
		block = append(block, center(st.Warning.Render(i18n.OccNoProtocol), m.width))
	}
	block = append(block, "", center(st.Dim.Render(i18n.OccOutcomeHint), m.width))
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
	return append(out, "", st.Dim.Render(i18n.OccPendingOutcomeHint))
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
