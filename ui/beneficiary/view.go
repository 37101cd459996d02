package beneficiary

import (
	"strings"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// View draws the header, the tab bar, the active tab's rows in view and the line that says where they are.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.headerView())
	b.WriteByte('\n')
	b.WriteString(m.lists[m.tabs.Active()].View())
	b.WriteByte('\n')
	b.WriteString(m.scrollLine())
	return common.Fit(b.String(), m.width, m.height)
}

// scrollLine tells, when the tab does not fit, which lines are visible and how to see the rest.
func (m *Model) scrollLine() string {
	p, ok := m.lists[m.tabs.Active()].Position()
	if !ok {
		return ""
	}
	return m.ctx.Styles.Dim.Render(common.Truncate(" "+i18n.UIScroll(p.First, p.Last, p.Total, p.AtTop, p.AtBottom), m.width-1))
}

// narrowHeader is the width below which the header uses short labels so that every identifier fits.
const narrowHeader = 110

// headerView is the name (and social name), the badge and the birth date, the identifiers, the tab bar and a rule.
func (m *Model) headerView() string {
	st := m.ctx.Styles
	w := m.width
	short := w < narrowHeader
	label := func(l, v string) string { return st.Label.Render(l+" ") + st.Value.Render(v) }
	birth := ""
	if d := common.DateBR(m.ben.BirthDate); d != "" {
		l := i18n.UILabelBirth
		if short {
			l = i18n.UILabelBirthShort
		}
		birth = label(l, d)
	}
	badge := common.Badge(st, m.ben.Situation)
	name := m.ben.Name
	if m.data != nil && m.data.SocialName != "" {
		name = m.data.SocialName + " (" + m.ben.Name + ")"
	}
	room := max(1, w-common.Width(badge)-common.Width(birth)-4)
	line1 := st.Title.Render(common.Truncate(" "+name, room)) + " " + badge
	if birth != "" {
		line1 += strings.Repeat(" ", max(1, w-1-common.Width(line1)-common.Width(birth))) + birth
	}
	line2 := common.Truncate(" "+strings.Join(m.identifiers(short), st.Dim.Render(" · ")), w)
	line3 := m.tabs.View(w)
	line4 := st.Dim.Render(strings.Repeat("─", max(0, w)))
	return line1 + "\n" + line2 + "\n" + line3 + "\n" + line4
}

// identifiers are the CPF, the card and the contract (number first: the description is what gets cut).
func (m *Model) identifiers(short bool) []string {
	st := m.ctx.Styles
	label := func(l, v string) string { return st.Label.Render(l+" ") + st.Value.Render(v) }
	lCard, lContract := i18n.UILabelCard, i18n.UILabelContract
	if short {
		lCard, lContract = i18n.UILabelCardShort, i18n.UILabelContractShort
	}
	var ids []string
	if m.ben.CPF != "" {
		ids = append(ids, label(i18n.UILabelCPF, model.FormatCPF(m.ben.CPF)))
	}
	if m.ben.Card != "" {
		ids = append(ids, label(lCard, model.FormatCard(m.ben.Card)))
	}
	if n, d := m.contract.Number, m.contract.Description; n != "" || d != "" {
		ids = append(ids, label(lContract, strings.TrimSpace(n+" "+d)))
	}
	return ids
}

type tabState int

const (
	stateReady tabState = iota
	stateLoading
	stateError
)

// markTabs marks each tab with its state: the spinner (and the seconds waited) while loading, "!" after an error.
func (m *Model) markTabs() {
	for t := 0; t < numTabs; t++ {
		switch m.tabState(t) {
		case stateLoading:
			mark := m.spin.View()
			if e := common.Elapsed(m.started, m.now()); e != "" {
				mark += m.ctx.Styles.Warning.Render(" " + e)
			}
			m.tabs.SetMark(t, mark)
		case stateError:
			m.tabs.SetMark(t, m.ctx.Styles.Error.Render("!"))
		default:
			m.tabs.SetMark(t, "")
		}
	}
}

// tabState is loading when any of its calls is, else error when any failed.
func (m *Model) tabState(t int) tabState {
	s := stateReady
	for _, k := range kindsOf(t) {
		switch {
		case m.loads[k].loading:
			return stateLoading
		case m.loads[k].err != nil:
			s = stateError
		}
	}
	return s
}

// refreshKind rebuilds the tabs that show a call.
func (m *Model) refreshKind(k kind) {
	for _, t := range tabsOf(k) {
		m.refresh(t)
	}
}

// refreshAll rebuilds every tab's content (after a resize).
func (m *Model) refreshAll() {
	for t := 0; t < numTabs; t++ {
		m.refresh(t)
	}
}

// refresh rebuilds one tab's rows.
func (m *Model) refresh(t int) {
	if m.width <= 0 {
		return
	}
	if t < 0 || t >= numTabs {
		return
	}
	rows := tabList[t].rows(m)
	for i := range rows {
		rows[i].Text = common.Truncate(rows[i].Text, m.width)
		rows[i].Selected = common.Truncate(rows[i].Selected, m.width)
	}
	m.lists[t].SetRows(rows)
}

// section is a call's data as text rows, or its spinner or error while it has none.
func (m *Model) section(k kind, what string, data func() []string) []list.Row {
	if lines, ready := m.callState(k, what); !ready {
		return textRows(lines)
	}
	return textRows(data())
}

// familySection is the family's members as the list's items, or the call's spinner or error.
func (m *Model) familySection() []list.Row {
	if lines, ready := m.callState(kFamily, i18n.UILoadingFamily); !ready {
		return textRows(lines)
	}
	return m.familyRows()
}

// callState is ready when a call's data can be drawn; otherwise lines are its spinner, or its error with the way
// out (none before the call starts).
func (m *Model) callState(k kind, what string) (lines []string, ready bool) {
	st := m.ctx.Styles
	l := m.loads[k]
	switch {
	case l.loading:
		line := " " + m.spin.View() + " " + st.Dim.Render(i18n.UILoading(what))
		if e := common.Elapsed(m.started, m.now()); e != "" {
			line += st.Dim.Render(" " + e)
		}
		return []string{line}, false
	case l.err != nil:
		msg := client.UserMessage(l.err)
		if k == kProtocols && l.err == errNoChave {
			msg = i18n.UINoChave
		}
		for _, w := range common.WrapWords(msg, m.width-2) {
			lines = append(lines, " "+st.Error.Render(w))
		}
		return append(lines, " "+st.Dim.Render(i18n.UIRetryHint)), false
	case !l.loaded:
		return nil, false
	}
	return nil, true
}

// textRows makes lines of text the rows of a list without items.
func textRows(lines []string) []list.Row {
	rows := make([]list.Row, len(lines))
	for i, l := range lines {
		rows[i] = list.Row{Item: list.Header, Text: l}
	}
	return rows
}

// cols lays out table cells: fixed widths, with the one flex column (width 0) taking what is left.
func cols(width int, widths []int, gap int) []int {
	out := append([]int(nil), widths...)
	used, flex := gap*(len(widths)-1)+1, -1
	for i, w := range widths {
		if w == 0 {
			flex = i
		}
		used += w
	}
	if flex >= 0 {
		out[flex] = min(max(8, width-used), maxFlex)
	}
	return out
}

// maxFlex caps a table's flexible column so that wide terminals keep the columns close enough to read across.
const maxFlex = 60

// row joins cells padded to their widths (the leading space is the margin).
func row(widths []int, cells ...string) string {
	var b strings.Builder
	b.WriteByte(' ')
	for i, c := range cells {
		if i > 0 {
			b.WriteString("  ")
		}
		if i == len(cells)-1 {
			b.WriteString(common.Truncate(c, widths[i]))
		} else {
			b.WriteString(common.PadRight(c, widths[i]))
		}
	}
	return b.String()
}
