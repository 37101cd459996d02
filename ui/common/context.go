package common

import (
	"io"

	"log/slog"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/charmbracelet/lipgloss"
)

// Session is what one attendant's console knows about itself: built per session (locally, or one per SSH
// connection), never a package global.
type Session struct {
	Attendant      string             // the attendant's id (local user name, or the SSH key's attendant)
	AttendantID    int                // the attendant's Mosia idAtendente (0 when not configured)
	KeyFingerprint string             // the SSH key that signed the session in ("" locally)
	Renderer       *lipgloss.Renderer // every style comes from it, so colours match the attendant's terminal
	Output         io.Writer          // the session's terminal, for OSC 52 copy; nil disables copy
	Logger         *slog.Logger       // never the screen; masked
	NoColor        bool               // NO_COLOR: no colour, but bold, reverse and underline stay
}

// Context is the per-session value passed to every screen: services, session, styles, keys and size.
type Context struct {
	Services *Services
	Session  Session
	Styles   *Styles
	Keys     *KeyMap
	Width    int
	Height   int
	History  *History // the occurrences sent in this session, newest first

	nav []tea.Msg // screens asked the root to move (see Navigate)
}

// Navigate asks the root to change screens (open a beneficiary, go back, …). The root acts on it as soon as the
// screen's Update returns, before the next key: keys that arrive together (a burst over SSH) land on the screen
// each one opens. It returns nil so that a screen can `return m.ctx.Navigate(msg)`.
func (c *Context) Navigate(msg tea.Msg) tea.Cmd {
	c.nav = append(c.nav, msg)
	return nil
}

// TakeNavigation returns the navigation asked since the last call and forgets it.
func (c *Context) TakeNavigation() []tea.Msg {
	out := c.nav
	c.nav = nil
	return out
}

// NewContext builds a session's context with styles from its renderer.
func NewContext(svc *Services, s Session) *Context {
	if s.Renderer == nil {
		s.Renderer = lipgloss.DefaultRenderer()
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st := NewStyles(s.Renderer)
	if s.NoColor {
		if s.Renderer.ColorProfile() == termenv.Ascii { // Ascii drops every attribute, not only colour
			s.Renderer.SetColorProfile(termenv.ANSI)
		}
		st = NewMonoStyles(s.Renderer)
	}
	return &Context{Services: svc, Session: s, Styles: st, Keys: DefaultKeyMap(), History: &History{}}
}
