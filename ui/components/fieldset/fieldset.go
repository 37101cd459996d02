// Package fieldset draws a form's fields in two columns, label and value: the focused field marked "›" with its
// label bold, each field's error wrapped under its value, the whole scrolled so that the focused field shows. It
// keeps the focus order's position (clamped or wrapping) and draws a lone field in a box framed by its focus.
package fieldset

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/balcao/balcao/ui/common"
)

// Field is one field as the set draws it.
type Field struct {
	Label    string // plain text, cut with "…" to the label column
	Required bool   // marked " *"
	Indent   bool   // part of a group (the other person, a catalogue form): the label is indented
	Value    string // rendered; the lines after the first go under the value column
	Err      string // plain text wrapped under the value; "" when the field is valid
}

// Model is a field set's focus and scroll position over fields given at each View.
type Model struct {
	st         *common.Styles
	labelWidth int
	valueWidth int
	focus      int
	offset     int // first line shown
}

// New builds a field set whose label column is labelWidth cells (after the 2-cell focus marker).
func New(st *common.Styles, labelWidth int) Model {
	return Model{st: st, labelWidth: labelWidth, valueWidth: 1}
}

// SetValueWidth sets the width of the value column (errors wrap to it).
func (m *Model) SetValueWidth(w int) { m.valueWidth = max(w, 1) }

// Focused is the index of the focused field.
func (m *Model) Focused() int { return m.focus }

// Focus moves the focus to field i of n (clamped to them) and returns it.
func (m *Model) Focus(i, n int) int {
	m.focus = max(min(i, n-1), 0)
	return m.focus
}

// Step is the index delta fields away from the focused one among n, wrapping around (the focus does not move).
func (m *Model) Step(delta, n int) int {
	if n <= 0 {
		return 0
	}
	return ((m.focus+delta)%n + n) % n
}

// View draws the fields scrolled so that the focused one shows (from its label, when it is taller than height):
// at most height lines. active false draws no field as focused (while sending, say).
func (m *Model) View(fields []Field, active bool, height int) []string {
	lines, spans := m.lines(fields, active)
	start, end := 0, 0
	if f := m.focus; f >= 0 && f < len(spans) {
		start, end = spans[f][0], spans[f][1]
	} else {
		start, end = m.offset, m.offset
	}
	m.offset = common.Reveal(m.offset, start, end, height, len(lines))
	return lines[m.offset:min(len(lines), m.offset+height)]
}

// lines draws every field and returns each one's span of lines [first, last].
func (m *Model) lines(fields []Field, active bool) ([]string, [][2]int) {
	lines := make([]string, 0, len(fields)+8)
	spans := make([][2]int, len(fields))
	pad := strings.Repeat(" ", 2+m.labelWidth)
	for i, f := range fields {
		start := len(lines)
		vl := strings.Split(f.Value, "\n")
		lines = append(lines, m.label(f, active && i == m.focus)+vl[0])
		for _, l := range vl[1:] {
			lines = append(lines, pad+l)
		}
		if f.Err != "" {
			for j, l := range wrap(f.Err, m.valueWidth-2) {
				mark := "  "
				if j == 0 {
					mark = "✗ "
				}
				lines = append(lines, pad+m.st.Error.Render(mark+l))
			}
		}
		spans[i] = [2]int{start, len(lines) - 1}
	}
	return lines, spans
}

// label is the focus marker and the label, padded to the label column.
func (m *Model) label(f Field, focused bool) string {
	label := f.Label
	if f.Required {
		label += " *"
	}
	if f.Indent {
		label = "  " + label
	}
	label = ansi.Truncate(label, m.labelWidth-1, common.Ellipsis)
	label += strings.Repeat(" ", max(m.labelWidth-ansi.StringWidth(label), 0))
	if focused {
		return m.st.Title.Render("›") + " " + m.st.Bold.Render(label)
	}
	return "  " + m.st.Label.Render(label)
}

// wrap word-wraps plain text to width (long words are broken).
func wrap(s string, width int) []string {
	return strings.Split(ansi.Wrap(s, max(width, 1), ""), "\n")
}

// Box draws a lone field (the search field) in a box width cells wide, its border showing whether it has focus.
func Box(st *common.Styles, content string, focused bool, width int) string {
	frame := st.FieldBlurred
	if focused {
		frame = st.FieldFocused
	}
	return frame.Width(max(1, width-2)).Render(common.Truncate(content, max(1, width-4)))
}
