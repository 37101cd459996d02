// Package history is the session history (h): every occurrence and every action on a protocol this session handed
// to the outbox, newest first, with its protocol grouped to be read aloud and its state; Enter opens the selected
// protocol's detail, y copies it as Mosia writes it.
package history

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui/clipboard"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// headerLines are the title, the count and a blank line.
const headerLines = 3

// Model is the session history screen.
type Model struct {
	ctx           *common.Context
	keys          keyMap
	list          list.Model
	width, height int
	shown         int // how many entries the rows were built from
}

type keyMap struct {
	up, down, home, end, copy, back, open key.Binding
}

var _ common.Component = (*Model)(nil)

// New opens the history of the session in ctx.
func New(ctx *common.Context) *Model {
	k := ctx.Keys
	m := &Model{ctx: ctx, keys: keyMap{up: k.Up, down: k.Down, home: k.Home, end: k.End, copy: k.Copy, back: k.Back,
		open: k.OpenProto}}
	for _, b := range []*key.Binding{&m.keys.up, &m.keys.down, &m.keys.home, &m.keys.end, &m.keys.copy, &m.keys.back,
		&m.keys.open} {
		b.SetEnabled(true)
	}
	m.list.Fill = true
	m.SetSize(ctx.Width, ctx.Height)
	return m
}

// Init starts nothing.
func (m *Model) Init() tea.Cmd { return nil }

// Typing is always false.
func (m *Model) Typing() bool { return false }

// SetSize takes the screen's size.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 1), max(height, 1)
	m.list.SetSize(m.width, max(m.height-headerLines, 1))
	m.rebuild()
}

// Update handles keys; outbox events change states, so the rows are rebuilt on every message.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	defer m.rebuild()
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.up):
		m.list.Move(-1)
	case key.Matches(k, m.keys.down):
		m.list.Move(1)
	case key.Matches(k, m.keys.home):
		m.list.Top()
	case key.Matches(k, m.keys.end):
		m.list.Bottom()
	case key.Matches(k, m.keys.copy):
		return m, m.copy()
	case key.Matches(k, m.keys.open):
		return m, m.open()
	case key.Matches(k, m.keys.back):
		return m, m.ctx.Navigate(common.BackMsg{})
	}
	return m, nil
}

// open opens the selected entry's protocol (once it has one).
func (m *Model) open() tea.Cmd {
	items := m.ctx.History.Items()
	i := m.list.Selected()
	if i < 0 || i >= len(items) || items[i].Protocol == "" {
		return nil
	}
	return m.ctx.Navigate(common.OpenProtocolMsg{Protocol: items[i].Protocol})
}

// copy copies the selected protocol, raw (digits only), through the session's terminal.
func (m *Model) copy() tea.Cmd {
	items := m.ctx.History.Items()
	i := m.list.Selected()
	if i < 0 || i >= len(items) || items[i].Protocol == "" {
		return nil
	}
	out, p := m.ctx.Session.Output, items[i].Protocol
	return func() tea.Msg {
		if err := clipboard.Copy(out, p); err != nil {
			return common.NoticeMsg{Text: i18n.OccCopyFailed, Error: true}
		}
		return common.NoticeMsg{Text: i18n.UIProtocolCopied(p)}
	}
}

// rebuild renders each entry: time, protocol (grouped), state, whom and what — on one row when it fits the width,
// else whom and what on a second row under the protocol (an action's summary is never cut to a few letters).
func (m *Model) rebuild() {
	st := m.ctx.Styles
	items := m.ctx.History.Items()
	rows := make([]list.Row, 0, len(items))
	for i, s := range items {
		p := common.GroupDigits(s.Protocol)
		if p == "" {
			p = i18n.UIHistNoPro
		}
		head := " " + common.PadRight(common.DateTime(s.At), 16) + "  " + common.PadRight(p, 24) + "  " +
			common.PadRight(common.StateWord(s.State), 19)
		what := s.Name + " · " + s.Type
		lines := []string{head + "  " + what}
		if lipgloss.Width(lines[0]) > m.width {
			lines = []string{head, strings.Repeat(" ", 19) + what}
		}
		for _, l := range lines {
			l = common.Truncate(l, m.width)
			sel := st.Selected.Render(common.PadRight(l, m.width))
			if len(rows) == 0 || rows[len(rows)-1].Item != i {
				sel = st.Selected.Render(common.PadRight("▸"+l[1:], m.width))
			}
			rows = append(rows, list.Row{Item: i, Text: l, Selected: sel})
		}
	}
	m.list.SetRows(rows)
	m.shown = len(items)
}

// View draws the title, the count and the rows.
func (m *Model) View() string {
	st := m.ctx.Styles
	n := m.ctx.History.Len()
	lines := []string{st.Title.Render(" " + i18n.UIHistTitle)}
	if n == 0 {
		lines = append(lines, "", " "+st.Dim.Render(i18n.UIHistEmpty))
		return common.Fit(strings.Join(lines, "\n"), m.width, m.height)
	}
	lines = append(lines, " "+st.Dim.Render(i18n.UIHistCount(n)+" · "+i18n.UIHistHint), "", m.list.View())
	return common.Fit(strings.Join(lines, "\n"), m.width, m.height)
}

// ShortHelp lists the footer's keys.
func (m *Model) ShortHelp() []key.Binding {
	c, o := m.keys.copy, m.keys.open
	c.SetEnabled(m.ctx.History.Len() > 0)
	o.SetEnabled(m.ctx.History.Len() > 0)
	return []key.Binding{m.ctx.Keys.Choose, o, c, m.keys.back}
}

// FullHelp lists every key.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.up, m.keys.down, m.keys.home, m.keys.end}, {m.keys.open, m.keys.copy, m.keys.back}}
}
