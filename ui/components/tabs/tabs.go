// Package tabs is a tab bar: titles, each with an optional state mark (a spinner frame, an error "!"), the active
// one in brackets so that it reads without colour. Every piece is styled on its own and the pieces are joined: a
// styled mark is never passed through a tab's style, whose underline would cut its escape codes into visible text.
// When the bar does not fit, it drops the tabs' padding, then shows the inactive tabs by shorter titles (the active
// one always keeps its own).
package tabs

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/balcao/balcao/ui/common"
)

// look is how one kind of tab (active or not) is drawn.
type look struct {
	text        lipgloss.Style // the tab's style without its padding
	open, close string         // around the title: brackets on the active tab
	padL, padR  string         // the style's padding, as plain spaces (the tab styles have no background)
}

func newLook(s lipgloss.Style, open, close string) look {
	return look{
		text: s.UnsetPadding(), open: open, close: close,
		padL: strings.Repeat(" ", s.GetPaddingLeft()), padR: strings.Repeat(" ", s.GetPaddingRight()),
	}
}

// Model is a tab bar's titles, marks and active tab.
type Model struct {
	titles  []string
	alts    [][]string // shorter titles for the inactive tabs, tried in order when the bar does not fit
	marks   []string
	active  int
	on, off look
	sep     string
}

// New builds a tab bar with the session's tab styles; titles are plain text (any styling is removed).
func New(st *common.Styles, titles ...string) Model {
	m := Model{
		titles: make([]string, len(titles)), marks: make([]string, len(titles)),
		on: newLook(st.TabActive, "[", "]"), off: newLook(st.TabInactive, " ", " "),
		sep: st.Dim.Render("│"),
	}
	for i, t := range titles {
		m.titles[i] = ansi.Strip(t)
	}
	return m
}

// Len is how many tabs there are.
func (m *Model) Len() int { return len(m.titles) }

// Active is the index of the active tab.
func (m *Model) Active() int { return m.active }

// SetActive makes tab i active (ignored when there is no such tab).
func (m *Model) SetActive(i int) {
	if i >= 0 && i < len(m.titles) {
		m.active = i
	}
}

// Next is the index of the tab after the active one, wrapping around.
func (m *Model) Next() int { return (m.active + 1) % max(len(m.titles), 1) }

// Prev is the index of the tab before the active one, wrapping around.
func (m *Model) Prev() int { return (m.active + len(m.titles) - 1) % max(len(m.titles), 1) }

// SetMark sets the mark shown after tab i's title ("" for none); it may be styled and is drawn as given.
func (m *Model) SetMark(i int, mark string) {
	if i >= 0 && i < len(m.marks) {
		m.marks[i] = mark
	}
}

// SetShort adds a set of shorter titles for the inactive tabs (one per tab, plain text), used when the bar does not
// fit with the ones before it; sets added later are shorter still.
func (m *Model) SetShort(titles ...string) {
	if len(titles) != len(m.titles) {
		return
	}
	alt := make([]string, len(titles))
	for i, t := range titles {
		alt[i] = ansi.Strip(t)
	}
	m.alts = append(m.alts, alt)
}

// View draws the bar in at most width cells: with padding when it fits, else without, else with the shorter
// titles for the inactive tabs; cut with "…" when even the shortest does not fit.
func (m *Model) View(width int) string {
	out := m.render(m.titles, true)
	if common.Width(out) <= width {
		return out
	}
	out = m.render(m.titles, false)
	for _, alt := range m.alts {
		if common.Width(out) <= width {
			return out
		}
		out = m.render(alt, false)
	}
	return common.Truncate(out, width)
}

// render draws the bar with titles for the inactive tabs (the active one keeps its own), padded or not.
func (m *Model) render(titles []string, padded bool) string {
	var b strings.Builder
	for i, title := range titles {
		if i > 0 {
			b.WriteString(m.sep)
		}
		l := m.off
		if i == m.active {
			l, title = m.on, m.titles[i]
		}
		if padded {
			b.WriteString(l.padL)
		}
		if mark := m.marks[i]; mark == "" {
			b.WriteString(l.text.Render(l.open + title + l.close))
		} else {
			b.WriteString(l.text.Render(l.open + title + " "))
			b.WriteString(mark)
			b.WriteString(l.text.Render(l.close))
		}
		if padded {
			b.WriteString(l.padR)
		}
	}
	return b.String()
}
