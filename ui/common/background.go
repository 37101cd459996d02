package common

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// NewRenderer returns a renderer for a terminal without asking it anything: asking the terminal for its background
// colour (OSC 11) blocks for seconds when the terminal does not answer, so the background is read from COLORFGBG
// (set by many terminals) and taken as dark otherwise. environ is the session's environment ("K=V").
// The default renderer (used by the bubbles components' own default styles) is told the same, so it never asks.
func NewRenderer(r *lipgloss.Renderer, environ []string) *lipgloss.Renderer {
	dark := darkBackground(environ)
	r.SetHasDarkBackground(dark)
	lipgloss.DefaultRenderer().SetHasDarkBackground(dark)
	return r
}

// darkBackground reads COLORFGBG ("fg;bg" or "fg;default;bg"): background colours 0–6 and 8 are dark.
func darkBackground(environ []string) bool {
	for _, kv := range environ {
		v, ok := strings.CutPrefix(kv, "COLORFGBG=")
		if !ok {
			continue
		}
		parts := strings.Split(v, ";")
		bg, err := strconv.Atoi(parts[len(parts)-1])
		if err != nil {
			return true
		}
		return bg <= 6 || bg == 8
	}
	return true
}

// NoColor reports whether the environment ("K=V") asks for no colour: NO_COLOR set and not empty (no-color.org).
func NoColor(environ []string) bool {
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	return false
}
