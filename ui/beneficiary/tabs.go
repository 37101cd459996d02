package beneficiary

import (
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// familyRows renders the members as the list's items (selected: marked with ▸ and highlighted), under the hint and
// the column titles.
func (m *Model) familyRows() []list.Row {
	st := m.ctx.Styles
	if m.family == nil || len(m.family.Members) == 0 {
		return textRows([]string{" " + st.Dim.Render(i18n.UIFamilyEmpty)})
	}
	w, withCard := m.familyColumns()
	titles := []string{i18n.UIColName, i18n.UIColKinship, i18n.UIColSituation}
	if withCard {
		titles = append([]string{i18n.UIColCard}, titles...)
	}
	out := textRows([]string{" " + st.Dim.Render(i18n.UIFamilyHint), st.Label.Render(row(w, titles...))})
	for i, f := range m.family.Members {
		name := f.Name
		if model.Digits(f.Card) == model.Digits(m.ben.Card) {
			name = i18n.UIFamilyThis + " " + name // first, so that truncation never hides it
		}
		cells := []string{name, f.Kinship, ""}
		if withCard {
			cells = append([]string{model.FormatCard(f.Card)}, cells...)
		}
		text := row(w, cells...)
		badge := common.Badge(st, f.Situation)
		out = append(out, list.Row{Item: i, Text: text + badge, Selected: st.Selected.Render("▸"+text[1:]) + badge})
	}
	return out
}

// familyColumns sizes the family table so that names are never cut: the name column takes the longest name, the
// kinship what is left (cut with "…" if need be); the card column is dropped when it would squeeze the names (the
// card shows once the member is opened).
func (m *Model) familyColumns() (widths []int, withCard bool) {
	st := m.ctx.Styles
	nameW, kinW, badgeW := len([]rune(i18n.UIColName)), len([]rune(i18n.UIColKinship)), len([]rune(i18n.UIColSituation))
	for _, f := range m.family.Members {
		nameW = max(nameW, len([]rune(f.Name))+2)
		kinW = max(kinW, len([]rune(f.Kinship)))
		badgeW = max(badgeW, common.Width(common.Badge(st, f.Situation)))
	}
	avail := m.width - 2 - 1 // the margin and the right edge
	withCard = avail-21-2 >= nameW+2+min(kinW, 12)+2+badgeW
	if withCard {
		avail -= 21 + 2
	}
	kin := min(kinW, max(6, avail-nameW-badgeW-4))
	name := min(max(nameW, avail-kin-badgeW-4), maxFlex)
	if withCard {
		return []int{21, name, kin, badgeW}, true
	}
	return []int{name, kin, badgeW}, false
}

// graceCell renders a grace period's state: running ones highlighted "EM CARÊNCIA até DD/MM/AAAA".
func (m *Model) graceCell(status, final string) string {
	st := m.ctx.Styles
	if model.GraceStatus(status, final, m.now()) == model.GraceRunning {
		return st.Running.Render(i18n.UIGraceRunningCase(common.DateBR(final)))
	}
	if status == "" {
		return st.EmptyValue.Render(i18n.UIEmpty)
	}
	return status
}

// netCell renders one network's grace period of a transferred beneficiary: its state and end date.
func (m *Model) netCell(status, final string) string {
	if model.GraceStatus(status, final, m.now()) == model.GraceRunning {
		return m.graceCell(status, final)
	}
	d := common.DateBR(final)
	switch {
	case status == "" && d == "":
		return m.ctx.Styles.EmptyValue.Render(i18n.UIEmpty)
	case d == "":
		return status
	case status == "":
		return d
	}
	return d + " · " + status // the date first: it survives truncation
}

// classLines renders the grace classes (previous/current networks when the beneficiary was transferred).
func (m *Model) classLines() []string {
	st := m.ctx.Styles
	out := []string{" " + st.Section.Render(i18n.UIGraceClasses)}
	if m.classes == nil || len(m.classes.Items) == 0 {
		return append(out, " "+st.Dim.Render(i18n.UIGraceNone))
	}
	if m.classes.Transfer {
		out = append(out, " "+st.Dim.Render(i18n.UIGraceTransfer))
		half := max(20, (m.width-2-6-3*2-1)*3/8)
		w := cols(m.width-2, []int{6, 0, half, half}, 2)
		out = append(out, st.Label.Render(row(w, i18n.UIColCode, i18n.UIColClass, i18n.UIColPrevious, i18n.UIColCurrent)))
		for _, c := range m.classes.Items {
			out = append(out, row(w, c.Code, c.Description, m.netCell(c.PrevStatus, c.PrevEnd), m.netCell(c.CurStatus, c.CurEnd)))
		}
	} else {
		w := cols(m.width-2, []int{6, 0, 10, 34}, 2)
		out = append(out, st.Label.Render(row(w, i18n.UIColCode, i18n.UIColClass, i18n.UIColEnd, i18n.UIColStatus)))
		for _, c := range m.classes.Items {
			out = append(out, row(w, c.Code, c.Description, common.DateBR(c.End), m.graceCell(c.Status, c.End)))
		}
	}
	if m.classes.More {
		out = append(out, " "+st.Dim.Render(i18n.UIGraceMoreOnTOTVS))
	}
	return out
}

// groupLines renders the grace groups.
func (m *Model) groupLines() []string {
	st := m.ctx.Styles
	out := []string{" " + st.Section.Render(i18n.UIGraceGroups)}
	if m.groups == nil || len(m.groups.Items) == 0 {
		return append(out, " "+st.Dim.Render(i18n.UIGraceNone))
	}
	w := cols(m.width-2, []int{6, 0, 10, 34}, 2)
	out = append(out, st.Label.Render(row(w, i18n.UIColCode, i18n.UIColGroup, i18n.UIColDate, i18n.UIColStatus)))
	for _, g := range m.groups.Items {
		out = append(out, row(w, g.Code, g.Description, common.DateBR(g.Date), m.graceCell(g.Status, g.Date)))
	}
	if m.groups.More {
		out = append(out, " "+st.Dim.Render(i18n.UIGraceMoreOnTOTVS))
	}
	return out
}

// protoTable is the width from which protocols fit one per line.
const protoTable = 140

// graceRows are the classes and the groups, each its call's data or its spinner or error.
func (m *Model) graceRows() []list.Row {
	rows := m.section(kClasses, i18n.UILoadingClasses, m.classLines)
	rows = append(rows, list.Row{Item: list.Header})
	return append(rows, m.section(kGroups, i18n.UILoadingGroups, m.groupLines)...)
}

// protocolSection is the latest protocols as the list's items (y copies the selected one), or the call's state.
func (m *Model) protocolSection() []list.Row {
	if lines, ready := m.callState(kProtocols, i18n.UILoadingProtocols); !ready {
		return textRows(lines)
	}
	return m.protocolRows()
}

// protocolSubject is a protocol's subject, or the empty mark; and who opened it when it was someone else (a family
// member, a third party).
func protocolSubject(p model.Protocol) string {
	s := p.Subject
	if s == "" {
		s = i18n.UIEmpty
	}
	if p.RequestedByOther() && p.Requester.Name != "" {
		s += " · " + i18n.UIProtoRequestedBy(p.Requester.Name)
	}
	return s
}

// protocolRows renders the latest protocols, numbers grouped to be read aloud: a table when wide, three lines each
// when narrow.
func (m *Model) protocolRows() []list.Row {
	st := m.ctx.Styles
	out := textRows([]string{" " + st.Dim.Render(i18n.UIProtoHeaderN(len(m.protocols), m.nProto))})
	if len(m.protocols) == 0 {
		return append(out, textRows([]string{"", " " + st.Dim.Render(i18n.UIProtoNone)})...)
	}
	if m.width >= protoTable {
		w := cols(m.width-2, []int{25, 0, 0, 24, 16, 16}, 2)
		flex := max(8, (m.width-2-25-24-16-16-5*2-1)/2)
		w[1], w[2] = flex, flex
		out = append(out, textRows([]string{st.Label.Render(row(w, i18n.UIColProtocol, i18n.UIColType, i18n.UIColSubject,
			i18n.UIColStatus, i18n.UIColRegister, i18n.UIColUpdated))})...)
		for i, p := range m.protocols {
			text := row(w, common.GroupDigits(p.Number), p.Type.Name, protocolSubject(p), p.Status.Name,
				common.DateTime(p.Registered), common.DateTime(p.Updated))
			out = append(out, list.Row{Item: i, Text: text, Selected: st.Selected.Render("▸" + text[1:])})
		}
		return out
	}
	for i, p := range m.protocols {
		lines := []string{
			" " + common.GroupDigits(p.Number) + "  " + p.Status.Name,
			"   " + p.Type.Name + " · " + protocolSubject(p),
			"   " + i18n.UIColRegister + " " + common.DateTime(p.Registered) + "  " + i18n.UIColUpdated + " " +
				common.DateTime(p.Updated),
		}
		out = append(out, list.Row{Item: list.Header})
		for j, l := range lines {
			text, sel := l, st.Selected.Render(l)
			if j == 0 {
				text = " " + st.Bold.Render(common.GroupDigits(p.Number)) + "  " + p.Status.Name
				sel = st.Selected.Render("▸" + l[1:])
			}
			out = append(out, list.Row{Item: i, Text: text, Selected: sel})
		}
	}
	return out
}
