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
	kinW, badgeW := len([]rune(i18n.UIColKinship)), len([]rune(i18n.UIColSituation))
	for _, f := range m.family.Members {
		kinW = max(kinW, len([]rune(f.Kinship)))
		badgeW = max(badgeW, common.Width(common.Badge(st, f.Situation)))
	}
	w := cols(m.width-2, []int{21, 0, min(kinW, 24), badgeW}, 2)
	out := textRows([]string{
		" " + st.Dim.Render(i18n.UIFamilyHint),
		st.Label.Render(row(w, i18n.UIColCard, i18n.UIColName, i18n.UIColKinship, i18n.UIColSituation)),
	})
	for i, f := range m.family.Members {
		name := f.Name
		if model.Digits(f.Card) == model.Digits(m.ben.Card) {
			name = i18n.UIFamilyThis + " " + name // first, so that truncation never hides it
		}
		text := row(w, model.FormatCard(f.Card), name, f.Kinship, "")
		badge := common.Badge(st, f.Situation)
		out = append(out, list.Row{Item: i, Text: text + badge, Selected: st.Selected.Render("▸"+text[1:]) + badge})
	}
	return out
}

// graceCell renders a grace period's state: running ones highlighted "EM CARÊNCIA até DD/MM/AAAA".
func (m *Model) graceCell(status, final string) string {
	st := m.ctx.Styles
	if model.GraceStatus(status, final, m.now()) == model.GraceRunning {
		return st.Running.Render(i18n.UIGraceRunning(common.DateBR(final)))
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
		half := max(20, (m.width-2-2*2-1)*3/8)
		w := cols(m.width-2, []int{0, half, half}, 2)
		out = append(out, st.Label.Render(row(w, i18n.UIColClass, i18n.UIColPrevious, i18n.UIColCurrent)))
		for _, c := range m.classes.Items {
			out = append(out, row(w, c.Description, m.netCell(c.PrevStatus, c.PrevEnd), m.netCell(c.CurStatus, c.CurEnd)))
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

// protocolLines renders the latest protocols: a table when wide, two lines each when narrow.
func (m *Model) protocolLines() []string {
	st := m.ctx.Styles
	out := []string{" " + st.Dim.Render(i18n.UIProtoHeader(m.nProto))}
	if len(m.protocols) == 0 {
		return append(out, "", " "+st.Dim.Render(i18n.UIProtoNone))
	}
	subject := func(p model.Protocol) string {
		if p.Subject == "" {
			return i18n.UIEmpty
		}
		return p.Subject
	}
	if m.width >= protoTable {
		w := cols(m.width-2, []int{21, 0, 0, 24, 16, 16}, 2)
		flex := max(8, (m.width-2-21-24-16-16-5*2-1)/2)
		w[1], w[2] = flex, flex
		out = append(out, st.Label.Render(row(w, i18n.UIColProtocol, i18n.UIColType, i18n.UIColSubject, i18n.UIColStatus, i18n.UIColRegister, i18n.UIColUpdated)))
		for _, p := range m.protocols {
			out = append(out, row(w, st.Bold.Render(p.Number), p.Type.Name, subject(p), p.Status.Name,
				common.DateTime(p.Registered), common.DateTime(p.Updated)))
		}
		return out
	}
	for _, p := range m.protocols {
		out = append(out, "",
			" "+st.Bold.Render(p.Number)+"  "+p.Status.Name,
			"   "+p.Type.Name+st.Dim.Render(" · ")+subject(p),
			"   "+st.Label.Render(i18n.UIColRegister+" ")+common.DateTime(p.Registered)+
				st.Label.Render("  "+i18n.UIColUpdated+" ")+common.DateTime(p.Updated))
	}
	return out
}
