// Package ui is the console's Bubble Tea program: one root model that owns the screens (Busca, Beneficiário,
// Nova ocorrência, Pendências, the session history) on a navigation stack, routes keys to the active one, sizes them all, and draws the
// status bar and the help footer.
package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/search"
	"github.com/balcao/balcao/ui/statusbar"
)

// ProgramOptions are the options every console runs with: the alternate screen, mouse off (it breaks selection).
func ProgramOptions() []tea.ProgramOption {
	return []tea.ProgramOption{tea.WithAltScreen()}
}

// Root is the console's root model.
type Root struct {
	ctx      *common.Context
	stack    []common.Component // stack[0] is Busca; the last is on screen
	status   *statusbar.Model
	help     help.Model
	showHelp bool
	global   globalKeys
	width    int
	height   int
	quitting bool
	asking   bool // "quit?" waits for its answer
	now      func() time.Time
}

type globalKeys struct {
	Help, Quit, ForceQuit, Outbox, Back, History, Search, Yes, No key.Binding
}

// New builds the console for one session (locally, or one per SSH connection).
func New(svc *common.Services, s common.Session) tea.Model {
	return newRoot(svc, s)
}

func newRoot(svc *common.Services, s common.Session) *Root {
	ctx := common.NewContext(svc, s)
	h := help.New()
	st := ctx.Styles
	h.Styles = help.Styles{
		Ellipsis: st.HelpDesc, ShortKey: st.HelpKey, ShortDesc: st.HelpDesc, ShortSeparator: st.Dim,
		FullKey: st.HelpKey, FullDesc: st.HelpDesc, FullSeparator: st.Dim,
	}
	h.ShortSeparator = " · "
	h.FullSeparator = "   "
	h.Ellipsis = "…"
	k := ctx.Keys
	r := &Root{
		ctx: ctx, status: statusbar.New(ctx), help: h, now: ctx.Now,
		global: globalKeys{Help: k.Help, Quit: k.Quit, ForceQuit: k.ForceQuit, Outbox: k.Outbox, Back: k.Back,
			History: k.History, Search: k.Search, Yes: k.Yes, No: k.No},
	}
	r.stack = []common.Component{search.New(ctx)}
	return r
}

// Init starts the status bar and the first screen.
func (r *Root) Init() tea.Cmd {
	return tea.Batch(r.status.Init(), r.active().Init())
}

// active is the screen on top of the stack.
func (r *Root) active() common.Component { return r.stack[len(r.stack)-1] }

// Active returns the screen on screen (for tests).
func (r *Root) Active() common.Component { return r.active() }

// Asking reports whether "quit?" waits for its answer (for tests).
func (r *Root) Asking() bool { return r.asking }

// Depth returns how many screens are on the stack.
func (r *Root) Depth() int { return len(r.stack) }

// closer is a screen that has work to cancel when it leaves the stack.
type closer interface{ Close() }
