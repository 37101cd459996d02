// Package termtest runs a terminal program inside a real terminal (a detached tmux session with its own socket)
// and drives it like a person: type, press keys, wait for text, read the screen, resize.
//
//	term := termtest.Start(t, termtest.Options{Width: 100, Height: 30, Env: []string{"HOME=" + dir}}, bin)
//	term.Type("joao pedro")
//	term.WaitFor("João Pedro", 10*time.Second)
//	term.SendKeys("Enter")
//	screen := term.Screen()
//
// Tests that use it are skipped when tmux is not installed, unless BALCAO_E2E_REQUIRED=1 (then they fail).
// Every session is closed when the test ends.
package termtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// RequiredEnv makes a missing tmux a failure instead of a skip.
const RequiredEnv = "BALCAO_E2E_REQUIRED"

// Options say how to start the terminal.
type Options struct {
	Width, Height int      // terminal size; 80×24 when zero
	Env           []string // KEY=VALUE added to the program's environment (TERM defaults to xterm-256color)
	Dir           string   // working directory; the test's when empty
}

// Term is one program running in its own tmux server.
type Term struct {
	tb     testing.TB
	socket string
	closed atomic.Bool
}

var sessions atomic.Int64

// Require skips the test when tmux is missing (fails it when BALCAO_E2E_REQUIRED=1).
func Require(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv(RequiredEnv) == "1" {
			tb.Fatalf("termtest: tmux not installed (apt-get install tmux) and %s=1", RequiredEnv)
		}
		tb.Skip("termtest: tmux not installed (apt-get install tmux)")
	}
}

// Start runs name with args in a new detached tmux session of the given size. When the program exits, the pane
// stays and shows "[programa terminou: status N]".
func Start(tb testing.TB, opts Options, name string, args ...string) *Term {
	tb.Helper()
	Require(tb)
	if opts.Width <= 0 {
		opts.Width = 80
	}
	if opts.Height <= 0 {
		opts.Height = 24
	}
	t := &Term{tb: tb, socket: fmt.Sprintf("termtest-%d-%d", os.Getpid(), sessions.Add(1))}
	env := append([]string{"TERM=xterm-256color"}, opts.Env...)
	var cmd strings.Builder
	cmd.WriteString("env")
	for _, e := range env {
		cmd.WriteString(" " + quote(e))
	}
	cmd.WriteString(" " + quote(name))
	for _, a := range args {
		cmd.WriteString(" " + quote(a))
	}
	cmd.WriteString("; echo \"[programa terminou: status $?]\"; sleep 3600")
	tmuxArgs := []string{"new-session", "-d", "-s", "main", "-x", fmt.Sprint(opts.Width), "-y", fmt.Sprint(opts.Height)}
	if opts.Dir != "" {
		tmuxArgs = append(tmuxArgs, "-c", opts.Dir)
	}
	tmuxArgs = append(tmuxArgs, cmd.String())
	if out, err := t.tmux(tmuxArgs...); err != nil {
		tb.Fatalf("termtest: start tmux: %v: %s", err, out)
	}
	_, _ = t.tmux("set-option", "-g", "status", "off")
	tb.Cleanup(t.Close)
	return t
}

// tmux runs one tmux command against this terminal's own server.
func (t *Term) tmux(args ...string) (string, error) {
	full := append([]string{"-L", t.socket, "-f", "/dev/null"}, args...)
	var out bytes.Buffer
	c := exec.Command("tmux", full...)
	c.Stdout, c.Stderr = &out, &out
	err := c.Run()
	return out.String(), err
}

// SendKeys presses tmux keys: Enter Escape Tab BTab Up Down Left Right PageUp PageDown BSpace Space C-s C-c F1 …
func (t *Term) SendKeys(keys ...string) {
	t.tb.Helper()
	if out, err := t.tmux(append([]string{"send-keys", "-t", "main"}, keys...)...); err != nil {
		t.tb.Fatalf("termtest: send-keys %v: %v: %s", keys, err, out)
	}
}

// Type types text literally.
func (t *Term) Type(text string) {
	t.tb.Helper()
	if out, err := t.tmux("send-keys", "-t", "main", "-l", "--", text); err != nil {
		t.tb.Fatalf("termtest: type %q: %v: %s", text, err, out)
	}
}

// Screen returns the visible screen as plain text, one line per row (trailing blanks trimmed by tmux).
func (t *Term) Screen() string {
	out, err := t.tmux("capture-pane", "-p", "-t", "main")
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(out, "\n")
}

// ScreenANSI returns the visible screen with its colours and attributes as escape sequences.
func (t *Term) ScreenANSI() string {
	out, err := t.tmux("capture-pane", "-p", "-e", "-t", "main")
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(out, "\n")
}

// Until polls the screen until cond holds or timeout passes; it returns the last screen and whether cond held.
func (t *Term) Until(cond func(screen string) bool, timeout time.Duration) (string, bool) {
	deadline := time.Now().Add(timeout)
	for {
		s := t.Screen()
		if cond(s) {
			return s, true
		}
		if time.Now().After(deadline) {
			return s, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitFor waits until text is on the screen and returns the screen; it fails the test (showing the screen) if
// text never shows up within timeout.
func (t *Term) WaitFor(text string, timeout time.Duration) string {
	t.tb.Helper()
	s, ok := t.Until(func(s string) bool { return strings.Contains(s, text) }, timeout)
	if !ok {
		t.tb.Fatalf("termtest: %q not on screen after %s; screen:\n%s", text, timeout, s)
	}
	return s
}

// WaitGone waits until text is no longer on the screen; it fails the test if it stays beyond timeout.
func (t *Term) WaitGone(text string, timeout time.Duration) string {
	t.tb.Helper()
	s, ok := t.Until(func(s string) bool { return !strings.Contains(s, text) }, timeout)
	if !ok {
		t.tb.Fatalf("termtest: %q still on screen after %s; screen:\n%s", text, timeout, s)
	}
	return s
}

// ProgramPID is the process id of the program the terminal runs (the pane's shell's child), 0 when it has ended.
func (t *Term) ProgramPID() int {
	out, err := t.tmux("display-message", "-p", "-t", "main", "#{pane_pid}")
	if err != nil {
		return 0
	}
	var shell int
	if _, err := fmt.Sscan(out, &shell); err != nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", shell, shell))
	if err != nil {
		return 0
	}
	var child int
	if _, err := fmt.Sscan(string(b), &child); err != nil {
		return 0
	}
	return child
}

// Resize changes the terminal's size (the program gets SIGWINCH).
func (t *Term) Resize(width, height int) {
	t.tb.Helper()
	if out, err := t.tmux("resize-window", "-t", "main", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height)); err != nil {
		t.tb.Fatalf("termtest: resize to %dx%d: %v: %s", width, height, err, out)
	}
}

// Size returns the terminal's current size.
func (t *Term) Size() (width, height int) {
	out, err := t.tmux("display-message", "-p", "-t", "main", "#{pane_width} #{pane_height}")
	if err != nil {
		return 0, 0
	}
	_, _ = fmt.Sscan(out, &width, &height)
	return width, height
}

// Close ends the program and its tmux server (also done when the test ends).
func (t *Term) Close() {
	if t.closed.Swap(true) {
		return
	}
	_, _ = t.tmux("kill-server")
}

// quote quotes s for the shell tmux runs the command with.
func quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '=' || r == ':' || r == ',' || r == '+' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
