package common

import (
	"io"
	"log/slog"

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
}

// Context is the per-session value passed to every screen: services, session, styles, keys and size.
type Context struct {
	Services *Services
	Session  Session
	Styles   *Styles
	Keys     *KeyMap
	Width    int
	Height   int
}

// NewContext builds a session's context with styles from its renderer.
func NewContext(svc *Services, s Session) *Context {
	if s.Renderer == nil {
		s.Renderer = lipgloss.DefaultRenderer()
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Context{Services: svc, Session: s, Styles: NewStyles(s.Renderer), Keys: DefaultKeyMap()}
}
