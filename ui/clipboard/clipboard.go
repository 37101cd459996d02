// Package clipboard copies text to the attendant's clipboard with OSC 52, through the session's own terminal output:
// it works locally, over SSH, and inside tmux.
package clipboard

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
)

// ErrNoOutput means the session has no terminal to write the copy sequence to.
var ErrNoOutput = errors.New("clipboard: no terminal output")

// Copy writes an OSC 52 "set clipboard" sequence for text to w. When the process runs inside tmux it also writes the
// tmux-passthrough form (needs tmux's allow-passthrough; the plain form covers set-clipboard on); a terminal outside
// tmux ignores the passthrough form.
func Copy(w io.Writer, text string) error {
	return CopyEnv(w, text, os.Getenv)
}

// CopyEnv is Copy with the environment given (an SSH session's, for instance) instead of the process's.
func CopyEnv(w io.Writer, text string, getenv func(string) string) error {
	if w == nil {
		return ErrNoOutput
	}
	seq := Sequence(text, InTmux(getenv))
	if _, err := io.WriteString(w, seq); err != nil {
		return fmt.Errorf("clipboard: write osc52: %w", err)
	}
	return nil
}

// Sequence returns the bytes Copy writes: the plain OSC 52 sequence, followed by its tmux-passthrough form when tmux is true.
func Sequence(text string, tmux bool) string {
	seq := osc52.New(text).String()
	if tmux {
		seq += osc52.New(text).Tmux().String()
	}
	return seq
}

// InTmux reports whether an environment belongs to a terminal inside tmux.
func InTmux(getenv func(string) string) bool {
	if getenv == nil {
		return false
	}
	return getenv("TMUX") != "" || strings.HasPrefix(getenv("TERM"), "tmux")
}
