package list

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// grouped builds groups of items under a header row each, every item lines rows tall: "G0", "0.0", "0.1", …
func grouped(groups, perGroup, lines int) []Row {
	var rows []Row
	item := 0
	for g := 0; g < groups; g++ {
		rows = append(rows, Row{Item: Header, Text: fmt.Sprintf("G%d", g)})
		for i := 0; i < perGroup; i++ {
			for l := 0; l < lines; l++ {
				text := fmt.Sprintf("%d.%d", item, l)
				rows = append(rows, Row{Item: item, Text: text, Selected: ">" + text})
			}
			item++
		}
	}
	return rows
}

// text is n plain rows "0", "1", … (a list without items).
func text(n int) []Row {
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = Row{Item: Header, Text: fmt.Sprint(i)}
	}
	return rows
}

func newList(rows []Row, w, h int) *Model {
	m := &Model{}
	m.SetSize(w, h)
	m.SetRows(rows)
	return m
}

// window is the rows in view as plain lines.
func window(m *Model) []string {
	v := m.View()
	if v == "" {
		return nil
	}
	return strings.Split(v, "\n")
}

func TestSelectionStaysInView(t *testing.T) {
	tests := []struct {
		name          string
		rows          []Row
		height, moves int
	}{
		{"one-line items, headers", grouped(5, 4, 1), 6, 1},
		{"two-line items, headers", grouped(6, 3, 2), 7, 1},
		{"one-row window", grouped(4, 3, 2), 1, 1},
		{"two-row window", grouped(4, 3, 2), 2, 1},
		{"items taller than the window", grouped(2, 3, 5), 3, 1},
		{"pages", grouped(10, 5, 2), 9, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newList(tt.rows, 80, tt.height)
			check := func(step string) {
				t.Helper()
				sel := m.Selected()
				w := window(m)
				require.LessOrEqual(t, len(w), tt.height, step)
				first := fmt.Sprintf(">%d.0", sel)
				assert.Contains(t, w, first, "%s: the selected item's first row is in view: %q", step, w)
			}
			check("start")
			for i := 0; i < m.Len(); i++ {
				m.Move(tt.moves)
				check(fmt.Sprintf("down %d", i))
			}
			assert.Equal(t, m.Len()-1, m.Selected(), "stops at the last item")
			for i := 0; i < m.Len(); i++ {
				m.Move(-tt.moves)
				check(fmt.Sprintf("up %d", i))
			}
			assert.Equal(t, 0, m.Selected(), "stops at the first item")
		})
	}
}

func TestGroupHeaderShowsWithItsFirstItem(t *testing.T) {
	m := newList(grouped(3, 3, 2), 80, 5) // G0 0.0 0.1 1.0 1.1 | 2.0 2.1 G1 3.0 3.1 …
	for m.Selected() < 3 {
		m.Move(1)
	}
	assert.Equal(t, []string{"2.0", "2.1", "G1", ">3.0", ">3.1"}, window(m), "moving down onto a group's first item")
	m.Bottom()
	for m.Selected() > 3 {
		m.Move(-1)
	}
	assert.Equal(t, "G1", window(m)[0], "moving up onto a group's first item shows its header above it")
	m.SetSize(80, 2)
	assert.Equal(t, []string{">3.0", ">3.1"}, window(m), "no room for the header: the item wins")
	m.SetSize(80, 1)
	assert.Equal(t, []string{">3.0"}, window(m))
}

func TestPagingAndEnds(t *testing.T) {
	tests := []struct {
		name   string
		rows   []Row
		height int
		act    func(m *Model)
		sel    int
		offset int
	}{
		{"page down moves height-1 items", grouped(1, 30, 1), 10, (*Model).PageDown, 9, 1},
		{"page up from the end", grouped(1, 30, 1), 10, func(m *Model) { m.Bottom(); m.PageUp() }, 20, 21},
		{"bottom", grouped(1, 30, 1), 10, (*Model).Bottom, 29, 21},
		{"top after bottom", grouped(1, 30, 1), 10, func(m *Model) { m.Bottom(); m.Top() }, 0, 0},
		{"text: page down scrolls", text(30), 10, (*Model).PageDown, -1, 9},
		{"text: never past the end", text(30), 10, func(m *Model) { m.Move(100) }, -1, 20},
		{"text: bottom", text(30), 10, (*Model).Bottom, -1, 20},
		{"text: up from the top", text(30), 10, func(m *Model) { m.Move(-3) }, -1, 0},
		{"text that fits never scrolls", text(5), 10, (*Model).PageDown, -1, 0},
		{"one-row window pages one row", text(30), 1, (*Model).PageDown, -1, 1},
		{"empty", nil, 10, func(m *Model) { m.PageDown(); m.Bottom(); m.Move(1) }, -1, 0},
		{"no window", grouped(2, 3, 1), 0, (*Model).PageDown, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newList(tt.rows, 80, tt.height)
			tt.act(m)
			assert.Equal(t, tt.sel, m.Selected())
			assert.Equal(t, tt.offset, m.Offset())
		})
	}
}

func TestEmptyList(t *testing.T) {
	for _, fill := range []bool{false, true} {
		m := &Model{Fill: fill}
		m.SetSize(60, 3)
		assert.Equal(t, -1, m.Selected())
		assert.Equal(t, 0, m.Len())
		from, to := m.VisibleItems()
		assert.Equal(t, 0, from)
		assert.Equal(t, 0, to)
		_, ok := m.Position()
		assert.False(t, ok)
		m.Move(1)
		m.PageUp()
		m.Top()
		if fill {
			assert.Equal(t, strings.Repeat(" ", 60)+"\n"+strings.Repeat(" ", 60)+"\n"+strings.Repeat(" ", 60), m.View())
		} else {
			assert.Equal(t, "", m.View())
		}
	}
}

func TestFillDrawsExactlyTheWindow(t *testing.T) {
	long := strings.Repeat("palavra ", 40) // 320 cells: cut at every width
	rows := []Row{{Item: Header, Text: "título"}, {Item: 0, Text: long, Selected: "> " + long}, {Item: 1, Text: "curta"}}
	for _, w := range []int{60, 79, 80, 81, 100, 120, 160, 200, 250} {
		for _, h := range []int{1, 2, 3, 10} {
			t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
				m := newList(rows, w, h)
				m.Fill = true
				lines := strings.Split(m.View(), "\n")
				require.Len(t, lines, h)
				for i, l := range lines {
					assert.Equal(t, w, ansi.StringWidth(l), "line %d", i)
				}
				assert.Contains(t, m.View(), "> palavra", "the selected item is drawn selected")
			})
		}
	}
}

func TestFillExpandsTabs(t *testing.T) {
	m := newList([]Row{{Item: Header, Text: "Rua A\t123"}, {Item: Header, Text: "\t\t\t\t\t\t"}}, 20, 2)
	m.Fill = true
	assert.Equal(t, "Rua A    123        \n                   …", m.View(), "a tab never reaches the terminal")
}

func TestPosition(t *testing.T) {
	tests := []struct {
		name   string
		moves  int
		want   Position
		wantOK bool
	}{
		{"top", 0, Position{First: 1, Last: 10, Total: 80, AtTop: true}, true},
		{"middle", 11, Position{First: 12, Last: 21, Total: 80}, true},
		{"bottom", 100, Position{First: 71, Last: 80, Total: 80, AtBottom: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newList(text(80), 80, 10)
			m.Move(tt.moves)
			got, ok := m.Position()
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
	m := newList(text(10), 80, 10)
	_, ok := m.Position()
	assert.False(t, ok, "everything in view: nothing to say")
}

func TestSetRowsKeepsTheSelection(t *testing.T) {
	m := newList(grouped(1, 10, 1), 80, 4)
	m.Select(7)
	m.SetRows(grouped(1, 10, 1)) // the same list redrawn (a spinner frame, a resize)
	assert.Equal(t, 7, m.Selected())
	assert.Contains(t, window(m), ">7.0")
	m.SetRows(grouped(1, 3, 1)) // fewer items
	assert.Equal(t, 2, m.Selected())
	assert.Contains(t, window(m), ">2.0")
	m.SetSize(80, 1)
	assert.Equal(t, []string{">2.0"}, window(m), "a smaller window still shows the selection")
}

func TestVisibleItems(t *testing.T) {
	m := newList(grouped(1, 20, 2), 80, 6) // G0, then two rows per item
	from, to := m.VisibleItems()
	assert.Equal(t, [2]int{0, 3}, [2]int{from, to}, "the header and items 0, 1 and half of 2")
	m.Select(10)
	from, to = m.VisibleItems()
	assert.Equal(t, 10, to-1, "the selected item is the last in view")
	assert.Equal(t, 3, to-from)
}
