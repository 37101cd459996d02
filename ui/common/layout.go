package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Ellipsis marks text cut to fit the width.
const Ellipsis = "…"

// Min sizes below which the console shows "Terminal pequeno demais" instead of a screen.
const (
	MinWidth  = 60
	MinHeight = 16
)

// Width is the display width of s in cells, ignoring ANSI sequences.
func Width(s string) int { return ansi.StringWidth(s) }

// Truncate cuts s (ANSI-aware, one line) to at most width cells, ending it with "…" when anything was cut.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, Ellipsis)
}

// PadRight pads s with spaces to exactly width cells, truncating it with "…" when it is wider.
func PadRight(s string, width int) string {
	s = Truncate(s, width)
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// PadLeft right-aligns s in width cells, truncating it with "…" when it is wider.
func PadLeft(s string, width int) string {
	s = Truncate(s, width)
	if w := ansi.StringWidth(s); w < width {
		return strings.Repeat(" ", width-w) + s
	}
	return s
}

// Fit makes a block exactly height lines of at most width cells: long lines end in "…", missing lines are blank,
// extra lines are dropped.
func Fit(s string, width, height int) string {
	if height <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = Truncate(l, width)
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// Reveal returns the first line to show of a window of height lines over total lines: offset moved as little as
// possible so that lines start..end are in view (from start, when they do not all fit), and never past the end.
func Reveal(offset, start, end, height, total int) int {
	if height <= 0 {
		return 0
	}
	end = min(end, start+height-1)
	if start < offset {
		offset = start
	}
	if end >= offset+height {
		offset = end - height + 1
	}
	return max(min(offset, total-height), 0)
}

// Lines counts the lines of a rendered block ("" is one empty line).
func Lines(s string) int { return strings.Count(s, "\n") + 1 }

// WrapWords wraps plain text at word boundaries to width cells; words longer than a line are cut with "…".
func WrapWords(s string, width int) []string {
	if width <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			w = Truncate(w, width)
			switch {
			case line == "":
				line = w
			case ansi.StringWidth(line)+1+ansi.StringWidth(w) <= width:
				line += " " + w
			default:
				out = append(out, line)
				line = w
			}
		}
		out = append(out, line)
	}
	return out
}
