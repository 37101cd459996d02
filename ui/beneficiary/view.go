package beneficiary

import (
	"fmt"
	"strings"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// View draws the header, the tab bar and the active tab's viewport.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.headerView())
	b.WriteByte('\n')
	b.WriteString(m.vps[m.tab].View())
	b.WriteByte('\n')
	b.WriteString(m.scrollLine())
	return common.Fit(b.String(), m.width, m.height)
}

// scrollLine tells, when the tab does not fit, which lines are visible and how to see the rest.
func (m *Model) scrollLine() string {
	vp := m.vps[m.tab]
	total := vp.TotalLineCount()
	if total <= vp.Height || vp.Height <= 0 {
		return ""
	}
	first := vp.YOffset + 1
	last := min(total, vp.YOffset+vp.Height)
	return m.ctx.Styles.Dim.Render(common.Truncate(" "+i18n.UIScroll(first, last, total, vp.AtTop(), vp.AtBottom()), m.width-1))
}

// headerView is the name and badge, the identifiers, the tab bar and a rule.
func (m *Model) headerView() string {
	st := m.ctx.Styles
	w := m.width
	badge := common.Badge(st, m.ben.Situation)
	name := st.Title.Render(common.Truncate(" "+m.ben.Name, max(1, w-common.Width(badge)-1)))
	line1 := name + " " + badge

	var ids []string
	label := func(l, v string) string { return st.Label.Render(l+" ") + st.Value.Render(v) }
	if m.ben.CPF != "" {
		ids = append(ids, label(i18n.UILabelCPF, model.FormatCPF(m.ben.CPF)))
	}
	if m.ben.Card != "" {
		ids = append(ids, label(i18n.UILabelCard, model.FormatCard(m.ben.Card)))
	}
	if n, d := m.contract.Number, m.contract.Description; n != "" || d != "" {
		ids = append(ids, label(i18n.UILabelContract, strings.TrimSpace(n+" "+d)))
	}
	if d := common.DateBR(m.ben.BirthDate); d != "" {
		ids = append(ids, label(i18n.UILabelBirth, d))
	}
	line2 := common.Truncate(" "+strings.Join(ids, st.Dim.Render(" · ")), w)

	tabs := make([]string, 0, numTabs)
	for t := 0; t < numTabs; t++ {
		title := fmt.Sprintf("%d %s", t+1, tabTitles[t])
		switch m.tabState(t) {
		case stateLoading:
			title += " " + m.spin.View()
		case stateError:
			title += " " + st.Error.Render("!")
		}
		if t == m.tab { // brackets mark the active tab without colour too
			tabs = append(tabs, st.TabActive.Render("["+title+"]"))
		} else {
			tabs = append(tabs, st.TabInactive.Render(" "+title+" "))
		}
	}
	line3 := common.Truncate(strings.Join(tabs, st.Dim.Render("│")), w)
	line4 := st.Dim.Render(strings.Repeat("─", max(0, w)))
	return line1 + "\n" + line2 + "\n" + line3 + "\n" + line4
}

type tabState int

const (
	stateReady tabState = iota
	stateLoading
	stateError
)

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

// refreshAll rebuilds every tab's content (after a resize).
func (m *Model) refreshAll() {
	for t := 0; t < numTabs; t++ {
		m.refresh(t)
	}
}

// refresh rebuilds one tab's content and sets it in the viewport only when it changed.
func (m *Model) refresh(t int) {
	if m.width <= 0 {
		return
	}
	var lines []string
	switch t {
	case TabContract:
		lines = m.section(kContract, i18n.UILoadingContract, m.contractLines)
	case TabFamily:
		lines = m.section(kFamily, i18n.UILoadingFamily, m.familyLines)
	case TabGrace:
		lines = append(lines, m.section(kClasses, i18n.UILoadingClasses, m.classLines)...)
		lines = append(lines, "")
		lines = append(lines, m.section(kGroups, i18n.UILoadingGroups, m.groupLines)...)
	case TabProtocols:
		lines = m.section(kProtocols, i18n.UILoadingProtocols, m.protocolLines)
	}
	for i, l := range lines {
		lines[i] = common.Truncate(l, m.width)
	}
	content := strings.Join(lines, "\n")
	if content != m.content[t] {
		m.content[t] = content
		m.vps[t].SetContent(content)
	}
}

// section renders a call's spinner, its error with the way out, or its data.
func (m *Model) section(k kind, what string, data func() []string) []string {
	st := m.ctx.Styles
	l := m.loads[k]
	switch {
	case l.loading:
		return []string{" " + m.spin.View() + " " + st.Dim.Render(i18n.UILoading(what))}
	case l.err != nil:
		msg := client.UserMessage(l.err)
		if k == kProtocols && l.err == errNoChave {
			msg = i18n.UINoChave
		}
		var out []string
		for _, w := range common.WrapWords(msg, m.width-2) {
			out = append(out, " "+st.Error.Render(w))
		}
		return append(out, " "+st.Dim.Render(i18n.UIRetryHint))
	case !l.loaded:
		return nil
	}
	return data()
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
