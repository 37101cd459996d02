package beneficiary

import (
	"strings"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// Resumo layout.
const (
	sumLabel     = 13  // the label column
	sumTwoCols   = 120 // from this width the warnings and protocols sit beside the facts
	sumProtocols = 3   // protocols listed on the Resumo
)

// summaryRows is the Resumo: who, plan, contract, situation, grace periods, family, the month's bill, then what the
// other tabs warn about and the last protocols (the list's items: ↑/↓ choose one, Enter opens it); beside each other
// from sumTwoCols columns, one under the other below.
func (m *Model) summaryRows() []list.Row {
	left, right := textRows(m.summaryFacts()), m.summaryNotes()
	if m.width < sumTwoCols {
		return append(append(left, list.Row{Item: list.Header}), right...)
	}
	colW := (m.width - 2) / 2
	n := max(len(left), len(right))
	out := make([]list.Row, n)
	for i := range out {
		l, r := "", list.Row{Item: list.Header}
		if i < len(left) {
			l = left[i].Text
		}
		if i < len(right) {
			r = right[i]
		}
		l = common.PadRight(l, colW) + "  "
		out[i] = list.Row{Item: r.Item, Text: l + common.Truncate(r.Text, colW)}
		if r.Selected != "" {
			out[i].Selected = l + common.Truncate(r.Selected, colW)
		}
	}
	return out
}

// summaryFacts are the facts column: the draft left open, then one labelled line each.
func (m *Model) summaryFacts() []string {
	st := m.ctx.Styles
	line := func(label, value string) string {
		return " " + st.Label.Render(common.PadRight(label, sumLabel)) + " " + value
	}
	var out []string
	if m.draft != nil {
		out = append(out, " "+st.WarningBold.Render(i18n.UIDraftKept(common.DateTime(m.draft.Updated))), "")
	}
	if m.data != nil && m.data.SocialName != "" {
		out = append(out, line(i18n.UISumSocialName, st.Bold.Render(m.data.SocialName)))
	}
	plan := ""
	if m.data != nil {
		plan = m.data.Plan
	}
	contract := strings.TrimSpace(m.contract.Number + " " + m.contract.Description)
	if m.data != nil && m.data.Company != "" { // a person found only in TOTVS comes without the directory's contract
		contract = strings.Join(nonEmpty(contract, m.data.Company), " · ")
	}
	return append(out,
		line(i18n.UISumPlan, m.fact(kContract, plan)),
		line(i18n.UISumContract, m.fact(kContract, contract)),
		line(i18n.UISumSituation, m.fact(kContract, m.situationView())),
		line(i18n.UISumGrace, m.fact(kClasses, m.graceSummary())),
		line(i18n.UISumFamily, m.fact(kFamily, m.familySummary())),
		line(i18n.UISumBilling, m.fact(kBilling, m.billingSummary())),
	)
}

// fact is a value drawn from a call: "carregando…" while it runs, the way out when it failed, "—" when empty.
func (m *Model) fact(k kind, value string) string {
	st := m.ctx.Styles
	l := m.loads[k]
	switch {
	case l.loading:
		return st.Dim.Render(i18n.UISumLoading)
	case l.err != nil:
		return st.Error.Render(i18n.UISumFailed)
	case value == "":
		return st.EmptyValue.Render(i18n.UIEmpty)
	}
	return value
}

// situationView is the situation's badge and, when blocked, since when and why.
func (m *Model) situationView() string {
	st := m.ctx.Styles
	situation := m.ben.Situation
	if m.data != nil && m.data.Situation != "" {
		situation = m.data.Situation
	}
	out := common.Badge(st, situation)
	if m.data != nil && (m.data.BlockDate != "" || m.data.BlockReason != "") {
		out += " " + strings.TrimPrefix(i18n.UISumBlocked("", common.DateBR(m.data.BlockDate), m.data.BlockReason), " ")
	}
	return out
}

// graceSummary counts the running grace periods (classes and groups) and names the one that ends first.
func (m *Model) graceSummary() string {
	n, next, what := m.runningGrace()
	if n == 0 {
		if m.classes == nil && m.groups == nil {
			return ""
		}
		return i18n.UISumNoGrace
	}
	return m.ctx.Styles.Running.Render(i18n.UISumGraceRunning(n, common.DateBR(next), what))
}

// runningGrace is how many grace periods run, the earliest end among them and what it is.
func (m *Model) runningGrace() (n int, next, what string) {
	now := m.now()
	consider := func(status, end, desc string) {
		if model.GraceStatus(status, end, now) != model.GraceRunning {
			return
		}
		n++
		if t, ok := model.ParseDate(end); ok {
			if cur, ok := model.ParseDate(next); !ok || t.Before(cur) {
				next, what = end, desc
			}
		}
	}
	if m.classes != nil {
		for _, c := range m.classes.Items {
			if m.classes.Transfer {
				consider(c.CurStatus, c.CurEnd, c.Description)
			} else {
				consider(c.Status, c.End, c.Description)
			}
		}
	}
	if m.groups != nil {
		for _, g := range m.groups.Items {
			consider(g.Status, g.Date, g.Description)
		}
	}
	return n, next, what
}

// familySummary is the family's size.
func (m *Model) familySummary() string {
	if m.family == nil || len(m.family.Members) == 0 {
		return ""
	}
	return i18n.UISumFamilySize(len(m.family.Members))
}

// summaryNotes are the notes column: what the other tabs warn about, then the last protocols as items.
func (m *Model) summaryNotes() []list.Row {
	st := m.ctx.Styles
	out := []string{" " + st.Section.Render(i18n.UISumWarnings)}
	warns := m.warnings()
	switch {
	case len(warns) == 0 && m.Loading():
		out = append(out, " "+st.Dim.Render(i18n.UISumLoading))
	case len(warns) == 0:
		out = append(out, " "+st.Dim.Render(i18n.UISumNoWarnings))
	}
	for _, w := range warns {
		out = append(out, " "+st.WarningBold.Render("!")+" "+w)
	}
	title := " " + st.Section.Render(i18n.UISumProtocols)
	if len(m.protocols) > 0 && !m.loads[kProtocols].loading {
		title += st.Dim.Render("  " + i18n.UIProtoOpenHint)
	}
	out = append(out, "", title)
	if m.loads[kProtocols].loading || m.loads[kProtocols].err != nil || len(m.protocols) == 0 {
		return textRows(append(out, " "+m.fact(kProtocols, "")))
	}
	rows := textRows(out)
	for i, p := range m.protocols[:min(len(m.protocols), sumProtocols)] {
		day := ""
		if !p.Registered.IsZero() {
			day = "  " + model.FormatDateBR(p.Registered)
		}
		number, rest := common.GroupDigits(p.Number), "  "+p.Status.Name
		text := " " + st.Bold.Render(number) + rest + st.Dim.Render(day+"  "+protocolSubject(p))
		rows = append(rows, list.Row{Item: i, Text: text,
			Selected: st.Selected.Render("▸" + number + rest + day + "  " + protocolSubject(p))})
	}
	return rows
}

// warnings gathers, tab by tab, what each would warn about: a call that failed, or the tab's own warnings.
func (m *Model) warnings() []string {
	var out []string
	for t, tb := range tabList {
		if t == TabSummary {
			continue
		}
		switch m.tabState(t) {
		case stateError:
			out = append(out, i18n.UISumWarnTab(tb.title, i18n.UIWarnLoadFailed))
			continue
		case stateLoading:
			continue
		}
		if tb.warn == nil {
			continue
		}
		for _, w := range tb.warn(m) {
			out = append(out, i18n.UISumWarnTab(tb.title, w))
		}
	}
	return out
}

// contractWarnings: a block, present or future.
func (m *Model) contractWarnings() []string {
	if m.data == nil {
		return nil
	}
	switch model.FoldText(m.data.Situation) {
	case model.FoldText(model.SituationBlocked):
		return []string{i18n.UIWarnBlocked}
	case model.FoldText(model.SituationFutureBlock):
		return []string{i18n.UIWarnFutureBlock}
	}
	return nil
}

// familyWarnings: another member is blocked.
func (m *Model) familyWarnings() []string {
	if m.family == nil {
		return nil
	}
	for _, f := range m.family.Members {
		if model.Digits(f.Card) != model.Digits(m.ben.Card) &&
			model.FoldText(f.Situation) == model.FoldText(model.SituationBlocked) {
			return []string{i18n.UIWarnMembersBlock}
		}
	}
	return nil
}

// graceWarnings: grace periods still running.
func (m *Model) graceWarnings() []string {
	if n, _, _ := m.runningGrace(); n > 0 {
		return []string{i18n.UIWarnGraceRunning(n)}
	}
	return nil
}

// protocolWarnings: protocols still open (their status says nothing of done, closed or cancelled).
func (m *Model) protocolWarnings() []string {
	n := 0
	for _, p := range m.protocols {
		if !closedStatus(p.Status.Name) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return []string{i18n.UIWarnOpenProtocols(n)}
}

// closedStatus reports whether a Mosia status reads as finished.
func closedStatus(s string) bool {
	f := model.FoldText(s)
	for _, w := range []string{"realizad", "finaliz", "conclu", "cancel", "encerr", "fechad", "resolvid"} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}
