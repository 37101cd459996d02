package protocol

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// factRows are the protocol's facts, one labelled line each; what the desk left empty is left out.
func (m *Model) factRows() []string {
	d, st := m.detail, m.ctx.Styles
	var out []string
	add := func(label, value string) { out = append(out, m.field(label, value)...) }
	add(i18n.ProtoLabelStatus, st.Bold.Render(d.Status.Name))
	add(i18n.ProtoLabelType, d.Type.Name)
	add(i18n.ProtoLabelSubject, d.Subject)
	add(i18n.ProtoLabelRegister, common.DateTime(d.Registered))
	add(i18n.ProtoLabelUpdated, common.DateTime(d.Updated))
	add(i18n.ProtoLabelSLA, m.slaText())
	add(i18n.ProtoLabelRequester, partyLine(d.Requester))
	if b := d.Beneficiary; model.NormalizeChave(b.ChaveUnica) != model.NormalizeChave(d.Requester.ChaveUnica) || b.Name != d.Requester.Name {
		add(i18n.ProtoLabelBenef, partyLine(b))
	}
	add(i18n.ProtoLabelContract, d.Contract)
	add(i18n.ProtoLabelChannel, d.Channel)
	add(i18n.ProtoLabelNature, d.Nature)
	add(i18n.ProtoLabelFunction, d.Function.Name)
	if d.Draft {
		add(i18n.ProtoLabelDraft, st.WarningBold.Render(i18n.ProtoDraftYes))
	}
	add(i18n.ProtoLabelOutcome, d.Outcome)
	add(i18n.ProtoLabelReason, d.ClosingReason.Name)
	return out
}

// slaText is the SLA due date, with "vencido" once past while the protocol is still open.
func (m *Model) slaText() string {
	d := m.detail
	if d.SLADue.IsZero() {
		return ""
	}
	due := common.DateTime(d.SLADue)
	if d.SLAOverdue(m.now()) && !m.closed() {
		return m.ctx.Styles.Error.Render(i18n.ProtoOverdueSince(due))
	}
	return due
}

// closed reports whether the protocol is closed: a closing reason or outcome, or a status the catalogue says closes.
func (m *Model) closed() bool {
	d := m.detail
	if d.ClosingReason.ID != 0 || d.Outcome != "" {
		return true
	}
	s, ok := m.ctx.Services.Catalogue.StatusByID(d.Status.ID)
	return ok && s.Closes
}

// formRows are the forms filled on the protocol, each answer titled as the catalogue titles its field.
func (m *Model) formRows() []string {
	d, st := m.detail, m.ctx.Styles
	if len(d.Forms) == 0 {
		return nil
	}
	out := []string{"", " " + st.Section.Render(i18n.ProtoSectionForms)}
	for _, f := range d.Forms {
		def := m.formDef(f.ID)
		name := f.Name
		if name == "" {
			name = def.Name
		}
		if name == "" {
			name = i18n.ProtoUnnamedForm
		}
		out = append(out, " "+st.Bold.Render(name))
		for _, a := range inCatalogueOrder(f.Answers, def) {
			out = append(out, m.field("  "+a.Label, a.Value)...)
		}
	}
	return out
}

// inCatalogueOrder titles a form's answers as the catalogue titles its fields (an answer keyed by a field's key
// takes the field's label) and puts them in the catalogue's order; answers it does not know follow, as they came.
func inCatalogueOrder(answers []model.Field, def config.FormDef) []model.Field {
	out := make([]model.Field, 0, len(answers))
	used := make([]bool, len(answers))
	for _, fd := range def.Fields {
		for i, a := range answers {
			if !used[i] && a.Label == fd.Key {
				used[i] = true
				out = append(out, model.Field{Label: cmp.Or(fd.Label, a.Label), Value: a.Value})
			}
		}
	}
	for i, a := range answers {
		if !used[i] {
			out = append(out, a)
		}
	}
	return out
}

// formDef is the catalogue's form of an id (zero when the catalogue does not have it).
func (m *Model) formDef(id string) config.FormDef {
	for _, f := range m.ctx.Services.Catalogue.Forms {
		if f.ID == id {
			return f
		}
	}
	return config.FormDef{}
}

// noteRows are the notes, oldest first: when, who, public or not, then the text.
func (m *Model) noteRows() []string {
	d, st := m.detail, m.ctx.Styles
	title := i18n.ProtoSectionNotes
	if d.NotesKnown {
		title += fmt.Sprintf(" (%d)", len(d.Notes))
	}
	out := []string{"", " " + st.Section.Render(title)}
	switch {
	case !d.NotesKnown:
		return append(out, " "+st.Dim.Render(i18n.ProtoNotesUnknown))
	case len(d.Notes) == 0:
		return append(out, " "+st.Dim.Render(i18n.ProtoNoNotes))
	}
	for _, n := range d.Notes {
		who := ""
		if n.AttendantID != 0 {
			who = i18n.ProtoAttendant(n.AttendantID)
		}
		out = append(out, " "+st.Dim.Render(i18n.ProtoNoteBy(common.DateTime(n.At), who, n.Public)))
		out = append(out, m.textRows(n.Text, 3)...)
	}
	return out
}

// queueRows are the actions on the protocol the outbox has not sent yet: what, and why they wait.
func (m *Model) queueRows() []string {
	if len(m.queue) == 0 {
		return nil
	}
	st := m.ctx.Styles
	out := []string{"", " " + st.Section.Render(i18n.ProtoSectionQueue)}
	for _, it := range m.queue {
		line := it.Summary + " · " + common.StateWord(it.State)
		if r := strings.TrimSpace(it.Reason); r != "" {
			line += " · " + r
		}
		style := st.Warning.Render
		if it.State == common.OutboxNeedsCorrection {
			style = st.Error.Render
		}
		for i, l := range common.WrapWords(line, max(10, m.width-4)) {
			mark := "   "
			if i == 0 {
				mark = " ! "
			}
			out = append(out, mark+style(l))
		}
	}
	return out
}
