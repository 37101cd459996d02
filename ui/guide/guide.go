// Package guide is the screen of one authorization guide: every field the plan sent, titled as its dictionary
// titles them, in its order, under the guide's number, date, status and procedure.
package guide

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// headerLines are the title, the summary line and the position line.
const headerLines = 3

// maxLabel caps the label column.
const maxLabel = 28

// Model is the guide screen.
type Model struct {
	ctx           *common.Context
	guide         model.Authorization
	name          string
	keys          keyMap
	list          list.Model
	width, height int
}

type keyMap struct {
	up, down, pageUp, pageDown, home, end, back key.Binding
}

var _ common.Component = (*Model)(nil)

// New opens one guide.
func New(ctx *common.Context, msg common.OpenGuideMsg) *Model {
	k := ctx.Keys
	m := &Model{ctx: ctx, guide: msg.Guide, name: common.Clean(msg.Name),
		keys: keyMap{up: k.ScrollUp, down: k.ScrollDown, pageUp: k.PageUp, pageDown: k.PageDown, home: k.Home,
			end: k.End, back: k.Back}}
	for _, b := range []*key.Binding{&m.keys.up, &m.keys.down, &m.keys.pageUp, &m.keys.pageDown, &m.keys.home,
		&m.keys.end, &m.keys.back} {
		b.SetEnabled(true) // another screen may have disabled the originals
	}
	m.list.Fill = true
	m.SetSize(ctx.Width, ctx.Height)
	return m
}

// Init starts nothing: the guide came with the list.
func (m *Model) Init() tea.Cmd { return nil }

// Typing is always false.
func (m *Model) Typing() bool { return false }

// SetSize takes the screen's size and lays the fields out again.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 1), max(height, 1)
	m.list.SetSize(m.width, max(m.height-headerLines, 1))
	m.list.SetRows(m.rows())
}

// Update scrolls; Esc goes back.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.up):
		m.list.Move(-1)
	case key.Matches(k, m.keys.down):
		m.list.Move(1)
	case key.Matches(k, m.keys.pageUp):
		m.list.PageUp()
	case key.Matches(k, m.keys.pageDown):
		m.list.PageDown()
	case key.Matches(k, m.keys.home):
		m.list.Top()
	case key.Matches(k, m.keys.end):
		m.list.Bottom()
	case key.Matches(k, m.keys.back):
		return m, m.ctx.Navigate(common.BackMsg{})
	}
	return m, nil
}

// rows are the guide's fields, label and value, the value wrapped under itself.
func (m *Model) rows() []list.Row {
	st := m.ctx.Styles
	fields := m.guide.Fields
	if len(fields) == 0 { // the plan sent no dictionary: the fields the list shows
		fields = []model.Field{{Label: i18n.UIColGuide, Value: m.guide.Guide}, {Label: i18n.UIColDate, Value: common.DateBR(m.guide.Date)},
			{Label: i18n.UIColProvider, Value: m.guide.Provider}, {Label: i18n.UIColGuideType, Value: m.guide.Type},
			{Label: i18n.UIColPhase, Value: m.guide.Phase}, {Label: i18n.UIColStatus, Value: m.guide.Status},
			{Label: i18n.UIColProcedure, Value: m.guide.Procedure}}
	}
	lw := 0
	for _, f := range fields {
		lw = max(lw, common.Width(f.Label))
	}
	lw = min(lw, maxLabel, max(8, m.width/3))
	var out []list.Row
	for _, f := range fields {
		value := st.Value.Render
		if f.Value == "" {
			value = func(...string) string { return st.EmptyValue.Render(i18n.UIEmpty) }
		}
		for i, l := range common.WrapWords(f.Value, max(m.width-lw-4, 10)) {
			head := strings.Repeat(" ", lw)
			if i == 0 {
				head = st.Label.Render(common.PadRight(f.Label, lw))
			}
			out = append(out, list.Row{Item: list.Header, Text: common.Truncate(" "+head+"  "+value(l), m.width)})
		}
	}
	return out
}

// View draws the title, the guide's summary (date, status, procedure, phase, type) and its fields.
func (m *Model) View() string {
	st := m.ctx.Styles
	g := m.guide
	title := st.Title.Render(" " + i18n.GuideTitle(g.Guide, m.name))
	// the status comes before the procedure and the rest, so a narrow screen cuts those first
	sum := " " + strings.Join(nonEmpty(common.DateBR(g.Date), g.Status, g.Procedure, g.Phase, g.Type), " · ")
	lines := []string{common.Truncate(title, m.width), st.Dim.Render(common.Truncate(sum, m.width)), m.list.View()}
	if p, ok := m.list.Position(); ok {
		lines = append(lines, st.Dim.Render(common.Truncate(" "+i18n.UIScroll(p.First, p.Last, p.Total, p.AtTop, p.AtBottom), m.width)))
	}
	return common.Fit(strings.Join(lines, "\n"), m.width, m.height)
}

// nonEmpty keeps the values that are not empty.
func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

// ShortHelp lists the footer's keys.
func (m *Model) ShortHelp() []key.Binding {
	_, scrolls := m.list.Position()
	move := m.ctx.Keys.Scroll
	move.SetEnabled(scrolls)
	return []key.Binding{move, m.keys.back}
}

// FullHelp lists every key.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.up, m.keys.down, m.keys.pageUp, m.keys.pageDown, m.keys.home, m.keys.end},
		{m.keys.back}}
}
