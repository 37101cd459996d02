package common

import (
	"io"
	"sync/atomic"
	"time"

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
	History  *History         // the occurrences sent in this session, newest first
	Now      func() time.Time // the session's clock (tests fix it to the dataset's day)

	nav []navigation // screens asked the root to move (see Navigate)
}

// navigation is one move a screen asked for; taken once the root acted on it.
type navigation struct {
	msg   tea.Msg
	taken *atomic.Bool
}

// Navigate asks the root to change screens (open a beneficiary, go back, …). The root acts on it as soon as the
// screen's Update returns, before the next key: keys that arrive together (a burst over SSH) land on the screen
// each one opens. The command it returns delivers msg only if nothing took it by then (a screen run without the
// root, as in its tests).
func (c *Context) Navigate(msg tea.Msg) tea.Cmd {
	taken := new(atomic.Bool)
	c.nav = append(c.nav, navigation{msg: msg, taken: taken})
	return func() tea.Msg {
		if taken.Load() {
			return nil
		}
		return msg
	}
}

// TakeNavigation returns the navigation asked since the last call, marked as taken.
func (c *Context) TakeNavigation() []tea.Msg {
	out := make([]tea.Msg, 0, len(c.nav))
	for _, n := range c.nav {
		n.taken.Store(true)
		out = append(out, n.msg)
	}
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
	return &Context{Services: svc, Session: s, Styles: st, Keys: DefaultKeyMap(), History: &History{}, Now: time.Now}
}

// screenIDs numbers the screens of every session: messages addressed to one screen (SubmittedMsg) carry its id,
// so no two screens may share one, whatever their kind.
var screenIDs atomic.Uint64

// NewScreenID returns an id no other screen has.
func NewScreenID() uint64 { return screenIDs.Add(1) }
