// Package list is a scrolling list of pre-rendered rows: items that may span several rows, header rows that are
// never selected, a selection that the window follows, paging, and the window's position for a "12–24 de 80" line.
// A list without items is plain scrolling text (the keys then move the window instead of a selection).
package list

import (
	"strings"

	"github.com/balcao/balcao/ui/common"
)

// Header is the Item of a row that belongs to no item: a group title, a table's column titles, a line of text.
const Header = -1

// Row is one line of the list, already rendered (the list never styles anything).
type Row struct {
	Item     int    // the item the row belongs to (0, 1, … in display order, an item's rows together), or Header
	Text     string // the row as drawn
	Selected string // the row as drawn while its item is selected; "" draws Text
}

// Model is a list's rows, its selected item and its window. The zero value is an empty list with no window.
type Model struct {
	rows   []Row
	spans  [][2]int // per item: its first and last row
	sel    int
	offset int // first row in the window
	width  int
	height int
	// Fill draws the window as a viewport does: tabs as four spaces, every row padded to the width (cut with "…"
	// when wider) and blank rows up to the height.
	Fill bool
	// Sticky keeps the title of the group in view: scrolled down, the window's first line is the header row above
	// (a contract's title over its people) instead of a row of the group.
	Sticky bool
}

// SetRows replaces the rows; the selection stays on the same index (clamped) and in view.
func (m *Model) SetRows(rows []Row) {
	m.rows = rows
	m.spans = m.spans[:0]
	for i, r := range rows {
		switch {
		case r.Item < 0:
		case r.Item >= len(m.spans):
			m.spans = append(m.spans, [2]int{i, i})
		default:
			m.spans[r.Item][1] = i
		}
	}
	m.Select(m.sel)
}

// SetSize sets the width (used by Fill) and the window's height; the selection stays in view.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 0), max(height, 0)
	m.Select(m.sel)
}

// Height is the window's height in rows.
func (m *Model) Height() int { return m.height }

// Len is how many items the list has (header rows are not items).
func (m *Model) Len() int { return len(m.spans) }

// Selected is the selected item's index, or -1 when the list has no items.
func (m *Model) Selected() int {
	if len(m.spans) == 0 {
		return -1
	}
	return m.sel
}

// Offset is the first row in the window.
func (m *Model) Offset() int { return m.offset }

// Select selects item i (clamped to the items) and scrolls as little as possible to show it with the header rows
// right above it (a group's title), as many as fit; without items it only keeps the window within the rows.
func (m *Model) Select(i int) {
	if len(m.spans) == 0 {
		m.sel = 0
		m.scrollTo(m.offset)
		return
	}
	m.sel = min(max(i, 0), len(m.spans)-1)
	if m.height <= 0 {
		m.offset = 0
		return
	}
	start, end := m.spans[m.sel][0], m.spans[m.sel][1]
	end = min(end, start+m.height-1) // an item taller than the window shows its first rows
	top := start
	for top > 0 && m.rows[top-1].Item == Header {
		top--
	}
	start = max(top, end-m.height+1)
	m.offset = common.Reveal(m.offset, start, end, m.height, len(m.rows))
	if m.Sticky && m.offset > 0 && m.offset == start && m.rows[start].Item >= 0 {
		m.offset-- // the sticky title covers the first line: keep the selected item's first row below it
	}
}

// Move moves the selection by delta items; a list without items scrolls by delta rows instead.
func (m *Model) Move(delta int) {
	if len(m.spans) == 0 {
		m.scrollTo(m.offset + delta)
		return
	}
	m.Select(m.sel + delta)
}

// PageStep is how far PageUp and PageDown move: the window's height less one (one row of context stays), counted
// in rows for plain text and in items (as many as fit in those rows) for a list with items.
func (m *Model) PageStep() int {
	rows := max(1, m.height-1)
	if len(m.spans) == 0 {
		return rows
	}
	per := m.spans[m.sel][1] - m.spans[m.sel][0] + 1
	return max(1, rows/per)
}

// PageUp moves the selection (or the window) up by PageStep.
func (m *Model) PageUp() { m.Move(-m.PageStep()) }

// PageDown moves the selection (or the window) down by PageStep.
func (m *Model) PageDown() { m.Move(m.PageStep()) }

// Top selects the first item and shows the first row.
func (m *Model) Top() {
	m.offset = 0
	m.Select(0)
}

// Bottom selects the last item and shows the last rows.
func (m *Model) Bottom() {
	m.scrollTo(len(m.rows))
	m.Select(len(m.spans) - 1)
}

// scrollTo puts row offset at the top of the window, kept within the rows.
func (m *Model) scrollTo(offset int) {
	m.offset = max(min(offset, len(m.rows)-m.height), 0)
}

// VisibleItems is the range [from, to) of the items with a row in the window (from == to when none has).
func (m *Model) VisibleItems() (from, to int) {
	end := min(len(m.rows), m.offset+m.height)
	from, to = len(m.spans), 0
	for i := m.offset; i < end; i++ {
		if it := m.rows[i].Item; it >= 0 {
			from, to = min(from, it), max(to, it+1)
		}
	}
	if to == 0 {
		return 0, 0
	}
	return from, to
}

// View draws the rows in the window, the selected item's rows as selected; one line per row, joined by "\n".
func (m *Model) View() string {
	end := min(len(m.rows), m.offset+m.height)
	var b strings.Builder
	sticky := m.stickyRow()
	for i := m.offset; i < end; i++ {
		if i > m.offset {
			b.WriteByte('\n')
		}
		r := m.rows[i]
		if i == m.offset && sticky >= 0 {
			r = m.rows[sticky]
		}
		line := r.Text
		if r.Item >= 0 && r.Item == m.sel && r.Selected != "" {
			line = r.Selected
		}
		if m.Fill {
			line = common.PadRight(strings.ReplaceAll(line, "\t", "    "), m.width)
		}
		b.WriteString(line)
	}
	if m.Fill {
		blank := strings.Repeat(" ", m.width)
		for n := max(end-m.offset, 0); n < m.height; n++ {
			if n > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(blank)
		}
	}
	return b.String()
}

// stickyRow is the header row drawn over the window's first line (-1 when none: not Sticky, not scrolled, or the
// first line is a header already).
func (m *Model) stickyRow() int {
	if !m.Sticky || m.offset <= 0 || m.offset >= len(m.rows) || m.rows[m.offset].Item < 0 {
		return -1
	}
	for i := m.offset - 1; i >= 0; i-- {
		if m.rows[i].Item < 0 {
			return i
		}
	}
	return -1
}

// Position is where the window is over the rows.
type Position struct {
	First, Last, Total int // the rows shown, counted from 1, and how many there are
	AtTop, AtBottom    bool
}

// Position returns the window's position; ok is false when every row is in view (nothing to say).
func (m *Model) Position() (p Position, ok bool) {
	total := len(m.rows)
	if total <= m.height || m.height <= 0 {
		return Position{}, false
	}
	return Position{
		First: m.offset + 1, Last: min(total, m.offset+m.height), Total: total,
		AtTop: m.offset <= 0, AtBottom: m.offset >= total-m.height,
	}, true
}
