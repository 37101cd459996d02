package common

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
)

// SpinnerDot is bubbles' Dot spinner without the trailing space its frames carry (a mark in a tab or a line is
// spaced by whoever draws it).
var SpinnerDot = spinner.Spinner{
	Frames: []string{"⣾", "⣽", "⣻", "⢿", "⡿", "⣟", "⣯", "⣷"},
	FPS:    spinner.Dot.FPS,
}

// Elapsed is how long something has been waited for, in whole seconds, once it passes one second ("" before):
// "3s". Waiting is visible: the attendant can tell a slow upstream from a stuck screen.
func Elapsed(since, now time.Time) string {
	if since.IsZero() {
		return ""
	}
	d := now.Sub(since)
	if d < time.Second {
		return ""
	}
	return fmt.Sprintf("%ds", int(d/time.Second))
}
