package protocol

import (
	"strings"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/fieldset"
	"github.com/balcao/balcao/ui/components/list"
)

// Layout.
const (
	headerLines = 2  // the title and the line that says where the detail is scrolled
	labelWidth  = 16 // the detail's label column
	maxText     = 100
)

// View draws the title, the detail's rows in view, where they are, and the form, the question or the last
// action's state at the bottom. It only assembles what Update rendered.
func (m *Model) View() string {
	st := m.ctx.Styles
	title := st.Title.Render(" " + i18n.ProtoHeader(m.number))
	if m.loading && m.detail != nil {
		title += " " + m.spin.View()
	}
	lines := []string{common.Truncate(title, m.width), m.list.View(), m.positionLine()}
	if b := m.bottom(); len(b) > 0 {
		lines = append(lines, b...)
	}
	return common.Fit(strings.Join(lines, "\n"), m.width, m.height)
}

// positionLine says which lines of the detail are in view when it does not fit.
func (m *Model) positionLine() string {
	p, ok := m.list.Position()
	if !ok || m.form != nil || m.confirm != confirmNone { // the keys type in the form or answer the question
		return ""
	}
	return m.ctx.Styles.Dim.Render(common.Truncate(" "+i18n.UIScroll(p.First, p.Last, p.Total, p.AtTop, p.AtBottom), m.width))
}

// bottomHeight is how many lines the bottom takes (the list gets the rest).
func (m *Model) bottomHeight() int { return len(m.bottom()) }

// bottom is what sits under the detail: the question, the form, the send in flight, or the last outcome.
func (m *Model) bottom() []string {
	st := m.ctx.Styles
	switch {
	case m.confirm == confirmDiscard:
		return m.wrapped(i18n.ProtoDiscardAsk, st.WarningBold.Render)
	case m.confirm == confirmActivate:
		return m.wrapped(i18n.ProtoActivateAsk, st.WarningBold.Render)
	case m.sending:
		line := " " + m.spin.View() + " " + st.Dim.Render(i18n.ProtoSending)
		if e := common.Elapsed(m.started, m.now()); e != "" {
			line += st.Dim.Render(" " + e)
		}
		return append(m.formLines(), line)
	case m.form != nil:
		return m.formLines()
	case m.result != nil:
		return m.resultLines()
	}
	return nil
}

// wrapped is text wrapped to the width, each line styled, at most three lines.
func (m *Model) wrapped(text string, style func(...string) string) []string {
	lines := common.WrapWords(text, max(1, m.width-2))
	if len(lines) > 3 {
		lines = lines[:3]
	}
	for i, l := range lines {
		lines[i] = " " + style(l)
	}
	return lines
}

// resultLines say what became of the last action.
func (m *Model) resultLines() []string {
	st := m.ctx.Styles
	r := m.result
	if r.err != nil {
		return m.wrapped(i18n.ProtoNotStored(client.UserMessage(r.err)), st.Error.Render)
	}
	it := r.item
	switch it.State {
	case common.OutboxSent:
		return m.wrapped(i18n.ProtoSent(it.Summary), st.Success.Render)
	case common.OutboxNeedsCorrection:
		return m.wrapped(i18n.ProtoRefused(it.Reason), st.Error.Render)
	case common.OutboxNeedsReview:
		return m.wrapped(i18n.ProtoReview(it.Reason), st.WarningBold.Render)
	case common.OutboxDiscarded, common.OutboxCancelled:
		return nil
	}
	return m.wrapped(i18n.ProtoQueued(it.Reason), st.Warning.Render)
}

// formLines are the form: a rule, its heading, its fields (the focused one marked) and the keys or its error.
func (m *Model) formLines() []string {
	f := m.form
	if f == nil {
		return nil
	}
	st := m.ctx.Styles
	heading := i18n.ProtoNoteHeading
	if f.kind == formStatus {
		heading = i18n.ProtoStatusHeading
	}
	if m.correct != nil {
		heading = i18n.ProtoCorrectHeading
	}
	out := []string{st.Dim.Render(strings.Repeat("─", m.width)), " " + st.Section.Render(heading)}
	out = append(out, f.fields.View(m.formFields(f), !m.sending, 64)...)
	if f.err != "" {
		out = append(out, m.wrapped(f.err, st.Error.Render)...)
	}
	return append(out, " "+st.Dim.Render(common.Truncate(i18n.ProtoFormHint, m.width-2)))
}

// sizeForm fits the form's text area and field set to the width.
func (m *Model) sizeForm() {
	if m.form == nil {
		return
	}
	vw := max(10, min(m.width-formLabel-4, maxText))
	m.form.fields.SetValueWidth(vw)
	m.form.text.SetWidth(vw)
	m.form.text.SetHeight(m.textHeight())
}

// textHeight is the text area's height: small terminals keep room for the detail.
func (m *Model) textHeight() int {
	if m.height < 30 {
		return 3
	}
	return 5
}

// formFields are the form's fields as the field set draws them.
func (m *Model) formFields(f *form) []fieldset.Field {
	var out []fieldset.Field
	for i, s := range f.slots() {
		focused := i == f.focus && !m.sending
		switch s {
		case slotText, slotOutcome:
			label := i18n.ProtoFieldNote
			if s == slotOutcome {
				label = i18n.ProtoFieldOutcome
			}
			out = append(out, fieldset.Field{Label: label, Required: s == slotText, Value: f.text.View()})
		case slotPublic:
			v := i18n.ProtoNo
			if f.public {
				v = i18n.ProtoYes
			}
			out = append(out, fieldset.Field{Label: i18n.ProtoFieldPublic, Value: m.choice(v, false, focused)})
		case slotStatus:
			out = append(out, fieldset.Field{Label: i18n.ProtoFieldStatus, Required: true, Value: m.choice(m.statusText(f), false, focused)})
		case slotReason:
			v, empty := i18n.ProtoReasonNone, true
			if f.reason >= 0 && f.reason < len(f.reasons) {
				v, empty = f.reasons[f.reason].Name, false
			}
			out = append(out, fieldset.Field{Label: i18n.ProtoFieldReason, Required: true, Value: m.choice(v, empty, focused)})
		}
	}
	return out
}

// statusText is the chosen status, marked when it closes the protocol or is the current one.
func (m *Model) statusText(f *form) string {
	if f.status >= len(f.statuses) {
		return i18n.UIEmpty
	}
	s := f.statuses[f.status]
	text := s.Name
	if s.Closes {
		text += " (" + i18n.ProtoCloses + ")"
	}
	return text
}

// choice renders a choice's value, in ‹ › when focused.
func (m *Model) choice(text string, empty, focused bool) string {
	st := m.ctx.Styles
	style := st.Value
	if empty {
		style = st.EmptyValue
	}
	if focused {
		return st.Title.Render("‹ ") + style.Render(text) + st.Title.Render(" ›")
	}
	return style.Render(text)
}

// rebuild renders the detail's rows for the current data and width (never called from View).
func (m *Model) rebuild() {
	m.rebuilds++
	if m.width <= 0 {
		return
	}
	var rows []string
	switch {
	case m.detail == nil && m.loading:
		rows = []string{" " + m.spin.View() + " " + m.ctx.Styles.Dim.Render(i18n.ProtoLoading+" "+common.Elapsed(m.started, m.now()))}
	case m.detail == nil && m.err != nil:
		rows = m.errorRows()
	case m.detail != nil:
		rows = m.detailRows()
	}
	out := make([]list.Row, len(rows))
	for i, r := range rows {
		out[i] = list.Row{Item: list.Header, Text: common.Truncate(r, m.width)}
	}
	m.list.SetRows(out)
}

// errorRows say why the detail did not load, and how to retry.
func (m *Model) errorRows() []string {
	st := m.ctx.Styles
	var out []string
	for _, l := range common.WrapWords(client.UserMessage(m.err), m.width-2) {
		out = append(out, " "+st.Error.Render(l))
	}
	return append(out, " "+st.Dim.Render(i18n.UIRetryHint))
}

// detailRows are the facts, the opening note, the forms, the notes and the actions still queued.
func (m *Model) detailRows() []string {
	out := m.factRows()
	if n := strings.TrimSpace(m.detail.Note); n != "" {
		out = append(out, "", " "+m.ctx.Styles.Section.Render(i18n.ProtoSectionNote))
		out = append(out, m.textRows(n, 1)...)
	}
	out = append(out, m.formRows()...)
	out = append(out, m.noteRows()...)
	return append(out, m.queueRows()...)
}

// field is one labelled line (the value wrapped under itself); an empty value is left out.
func (m *Model) field(label, value string) []string {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	st := m.ctx.Styles
	var out []string
	for i, l := range common.WrapWords(value, max(10, m.width-labelWidth-4)) {
		head := strings.Repeat(" ", labelWidth)
		if i == 0 {
			head = st.Label.Render(common.PadRight(label, labelWidth))
		}
		out = append(out, " "+head+"  "+l)
	}
	return out
}

// textRows is a text wrapped to the width, indented, its line breaks kept.
func (m *Model) textRows(text string, indent int) []string {
	pad := strings.Repeat(" ", indent)
	var out []string
	for _, para := range strings.Split(text, "\n") {
		for _, l := range common.WrapWords(para, max(10, min(m.width-indent-2, maxText))) {
			out = append(out, pad+l)
		}
	}
	return out
}

// partyLine renders a person named on the protocol: name, key (a CPF formatted), e-mail and phone.
func partyLine(p model.Party) string {
	key := p.ChaveUnica
	if model.ValidCPF(key) {
		key = model.FormatCPF(key)
	}
	parts := []string{}
	for _, v := range []string{p.Name, key, p.Email, model.FormatPhone(p.Phone)} {
		if strings.TrimSpace(v) != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " · ")
}
