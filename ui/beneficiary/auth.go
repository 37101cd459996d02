package beneficiary

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// authState is the Autorizações tab's: the window of dates, the guides of the pages loaded so far, and what the
// plan says is left. Pages load as the plan pages them: the next one when the selection reaches the list's end.
type authState struct {
	win       model.Window
	items     []model.Authorization
	page      int  // the last page loaded (0: none yet)
	want      int  // the page the call in flight asks for
	more      bool // the plan has more pages
	remaining int  // items after the last page loaded
}

// authWide is the width from which a guide fits one line.
const authWide = 150

// initPeriods sets the default window (the last 90 days) and month (the current one), once.
func (m *Model) initPeriods() {
	if m.auth.win.To.IsZero() {
		m.auth.win = model.LastDays(m.now(), model.DefaultAuthorizationDays)
	}
	if m.billing.month.Year == 0 {
		m.billing.month = model.MonthOf(m.now())
	}
}

// defaultWindow reports whether the window is the one the screen opened with (the Resumo's warnings speak of it).
func (m *Model) defaultWindow() bool {
	return m.auth.win == model.LastDays(m.now(), model.DefaultAuthorizationDays)
}

// authQuery is the query of the next authorization call (the page asked in want).
func (m *Model) authQuery() model.AuthorizationQuery {
	return model.AuthorizationQuery{Window: m.auth.win, Page: max(m.auth.want, 1)}
}

// applyAuth stores a page of guides: the first replaces what was shown, the next ones are appended.
func (m *Model) applyAuth(a *model.Authorizations) {
	if a == nil {
		a = &model.Authorizations{}
	}
	items := cleanAuthorizations(a.Items)
	if m.auth.want > 1 && m.auth.page > 0 {
		m.auth.items = append(m.auth.items, items...)
	} else {
		m.auth.items = items
	}
	m.auth.page, m.auth.more, m.auth.remaining = max(m.auth.want, 1), a.More, a.Remaining
}

// loadMoreAuth asks for the next page when the plan has one and none is loading.
func (m *Model) loadMoreAuth() tea.Cmd {
	if !m.auth.more || m.loads[kAuth].loading || m.loads[kAuth].err != nil {
		return nil
	}
	m.auth.want = m.auth.page + 1
	cmd := m.start(kAuth)
	m.refreshKind(kAuth)
	return tea.Batch(cmd, m.startSpinner())
}

// shiftPeriod moves the active tab's period: the window of Autorizações by its own length, Financeiro's month by one.
func (m *Model) shiftPeriod(n int) tea.Cmd {
	switch m.tabs.Active() {
	case TabAuthorizations:
		if n > 0 && !m.canGoLater() {
			return nil
		}
		m.auth = authState{win: m.auth.win.Shift(n), want: 1}
		m.lists[TabAuthorizations].Top()
		return tea.Batch(m.start(kAuth), m.startSpinner(), m.refreshCmd(kAuth))
	case TabBilling:
		if n > 0 && !m.canGoLater() {
			return nil
		}
		m.billing = billingState{month: m.billing.month.Add(n)}
		m.lists[TabBilling].Top()
		return tea.Batch(m.start(kBilling), m.startSpinner(), m.refreshCmd(kBilling))
	}
	return nil
}

// refreshCmd rebuilds a call's tabs now and returns no command (so it can sit in a batch).
func (m *Model) refreshCmd(k kind) tea.Cmd {
	m.refreshKind(k)
	return nil
}

// canGoLater reports whether ] may move the active tab's period on: never past today, nor past this month.
func (m *Model) canGoLater() bool {
	switch m.tabs.Active() {
	case TabAuthorizations:
		return m.auth.win.To.Before(model.LastDays(m.now(), 1).To)
	case TabBilling:
		return m.billing.month.Before(model.MonthOf(m.now()))
	}
	return false
}

// authSection is the window's guides as the list's items (and a last item to load more), or the call's state.
func (m *Model) authSection() []list.Row {
	st := m.ctx.Styles
	head := " " + st.Dim.Render(i18n.UIAuthWindow(model.FormatDateBR(m.auth.win.From), model.FormatDateBR(m.auth.win.To),
		m.auth.win.Days()))
	l := m.loads[kAuth]
	if m.auth.want > 1 && m.auth.page > 0 && (l.loading || l.err != nil) { // the next page: what is loaded stays
		lines := []string{" " + m.spin.View() + " " + st.Dim.Render(i18n.UIAuthLoadingMore)}
		if !l.loading {
			lines, _ = m.callState(kAuth, i18n.UILoadingAuthorizations)
		}
		return append(m.authRows(head), textRows(lines)...)
	}
	if lines, ready := m.callState(kAuth, i18n.UILoadingAuthorizations); !ready {
		return textRows(append([]string{head, ""}, lines...))
	}
	return m.authRows(head)
}

// authRows are the header, the count and one item per guide (one line when wide, two when narrow).
func (m *Model) authRows(head string) []list.Row {
	st := m.ctx.Styles
	out := textRows([]string{head})
	if len(m.auth.items) == 0 {
		return append(out, textRows([]string{"", " " + st.Dim.Render(i18n.UIAuthNone)})...)
	}
	out = append(out, textRows([]string{" " + st.Dim.Render(i18n.UIAuthCount(len(m.auth.items), m.auth.remaining, m.auth.more))})...)
	if m.width >= authWide {
		out = append(out, m.authTable()...)
	} else {
		out = append(out, m.authStacked()...)
	}
	if m.auth.more && !m.loads[kAuth].loading {
		text := " " + st.Dim.Render(i18n.UIAuthMore(m.auth.remaining))
		out = append(out, list.Row{Item: len(m.auth.items), Text: text,
			Selected: st.Selected.Render("▸" + i18n.UIAuthMore(m.auth.remaining))})
	}
	return out
}

// authStatus renders a guide's situation in words, marked when it is not active (never by colour alone).
func (m *Model) authStatus(a model.Authorization) string {
	st := m.ctx.Styles
	s := a.Status
	if s == "" {
		s = i18n.UIEmpty
	}
	switch a.StatusKind {
	case model.AuthStatusCancelled, model.AuthStatusBlocked:
		return st.Error.Render(s)
	case model.AuthStatusActive:
		return st.Success.Render(s)
	}
	return s
}

// authColumns are the widths of the status and phase columns: their longest values, so neither is ever cut.
func (m *Model) authColumns() (status, phase int) {
	status, phase = len([]rune(i18n.UIColStatus)), len([]rune(i18n.UIColPhase))
	for _, a := range m.auth.items {
		status = max(status, common.Width(a.Status))
		phase = max(phase, common.Width(a.Phase))
	}
	return status, phase
}

// authStacked draws each guide on two lines: date, status, phase and type first (never cut), then the guide
// number, the provider and the procedure.
func (m *Model) authStacked() []list.Row {
	st := m.ctx.Styles
	sw, pw := m.authColumns()
	var out []list.Row
	for i, a := range m.auth.items {
		date := common.PadRight(common.DateBR(a.Date), 10)
		l1 := " " + date + "  " + common.PadRight(a.Status, sw) + "  " + common.PadRight(a.Phase, pw) + "  " + a.Type
		l2 := common.Truncate("   "+strings.Join(nonEmpty(a.Guide, a.Provider, procedureOf(a)), " · "), m.width-1)
		text1 := " " + date + "  " + common.PadRight(m.authStatus(a), sw) + "  " + common.PadRight(a.Phase, pw) + "  " + a.Type
		out = append(out, list.Row{Item: i, Text: text1, Selected: st.Selected.Render("▸" + l1[1:])},
			list.Row{Item: i, Text: st.Dim.Render(l2), Selected: st.Selected.Render(l2)})
	}
	return out
}

// authTable draws one guide a line under the column titles.
func (m *Model) authTable() []list.Row {
	st := m.ctx.Styles
	sw, pw := m.authColumns()
	w := cols(m.width-2, []int{10, 22, sw, pw, 24, 0, 0}, 2)
	flex := max(12, (m.width-2-10-22-sw-pw-24-6*2-1)/2)
	w[5], w[6] = min(flex, maxFlex), min(flex, maxFlex)
	out := textRows([]string{st.Label.Render(row(w, i18n.UIColDate, i18n.UIColGuide, i18n.UIColStatus,
		i18n.UIColPhase, i18n.UIColGuideType, i18n.UIColProvider, i18n.UIColProcedure))})
	for i, a := range m.auth.items {
		cells := []string{common.DateBR(a.Date), a.Guide, a.Status, a.Phase, a.Type, a.Provider, procedureOf(a)}
		plain := row(w, cells...)
		cells[2] = m.authStatus(a)
		out = append(out, list.Row{Item: i, Text: row(w, cells...), Selected: st.Selected.Render("▸" + plain[1:])})
	}
	return out
}

// procedureOf is a guide's procedure, or the words that say it was not sent.
func procedureOf(a model.Authorization) string {
	if a.Procedure == "" {
		return i18n.UIAuthNoProcedure
	}
	return a.Procedure
}

// nonEmpty keeps the values that are not empty.
func nonEmpty(vs ...string) []string {
	out := vs[:0:0]
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

// onMoreRow reports whether the selection is on Autorizações' "load more" line.
func (m *Model) onMoreRow() bool {
	return m.auth.more && m.lists[TabAuthorizations].Selected() == len(m.auth.items)
}

// openGuide shows the selected guide's fields (or loads the next page from the "more" line).
func (m *Model) openGuide() tea.Cmd {
	if m.onMoreRow() {
		return m.loadMoreAuth()
	}
	i := m.lists[TabAuthorizations].Selected()
	if i < 0 || i >= len(m.auth.items) {
		return nil
	}
	return m.ctx.Navigate(common.OpenGuideMsg{Guide: m.auth.items[i], Name: m.ben.Name})
}

// authWarnings: guides of the default window cancelled or blocked (only the pages loaded are counted).
func (m *Model) authWarnings() []string {
	if !m.defaultWindow() {
		return nil
	}
	n := 0
	for _, a := range m.auth.items {
		if a.StatusKind == model.AuthStatusCancelled || a.StatusKind == model.AuthStatusBlocked {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return []string{i18n.UIWarnAuthDenied(n)}
}
