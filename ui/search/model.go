// Package search is the Busca screen: one field, search as you type over the beneficiary directory, results
// grouped by contract on a scrolling list of pre-rendered rows. When the directory finds nobody, TOTVS's own search
// is asked (people who joined since the last import) and its answers are marked "do TOTVS".
package search

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// Debounce is how long the screen waits after a keystroke before it searches.
const Debounce = 120 * time.Millisecond

// Limit is how many matches one search asks the directory for.
const Limit = 50

// searchTimeout bounds one directory search.
const searchTimeout = 10 * time.Second

// FallbackDelay is how long the screen waits, after the directory found nobody, before it asks TOTVS: a term still
// being typed is not sent to the plan.
const FallbackDelay = 400 * time.Millisecond

// fallbackTimeout bounds the TOTVS search (the client has its own, shorter timeout per call).
const fallbackTimeout = 20 * time.Second

// Model is the Busca screen.
type Model struct {
	ctx    *common.Context
	keys   keyMap
	input  textinput.Model
	width  int
	height int

	seq       int    // tag of the latest keystroke; a result carries the seq it was asked with
	shownSeq  int    // tag of the results on screen: older results never replace them
	term      string // the term the results on screen were searched with
	query     model.Query
	searching bool
	err       string
	// openOnArrival: Enter came before the results of the term typed; open the best match when they arrive.
	openOnArrival bool

	groups []model.ContractGroup
	items  []model.Match // the list's items, in display order
	list   list.Model    // pre-rendered rows, rebuilt on new results or width

	fallback fallbackState // TOTVS, asked when the directory finds nobody
}

// fallbackState is the TOTVS search of the term on screen.
type fallbackState struct {
	asking bool               // waiting for TOTVS
	asked  bool               // TOTVS answered for the term on screen (the results are its, or nobody)
	err    string             // pt-BR: why TOTVS could not be asked
	cancel context.CancelFunc // stops the call in flight when a newer term is typed
}

// fallbackMsg fires FallbackDelay after the directory found nobody; TOTVS is asked only if no newer keystroke came.
type fallbackMsg struct {
	seq   int
	term  string
	query model.Query
}

// debounceMsg fires Debounce after a keystroke; it searches only if no newer keystroke came.
type debounceMsg struct {
	seq  int
	term string
}

// ResultsMsg carries a directory answer (or TOTVS's, when the directory found nobody) back, tagged with the
// keystroke it answers.
type ResultsMsg struct {
	Seq       int
	Term      string
	Query     model.Query
	Matches   []model.Match
	Err       error
	FromTOTVS bool // TOTVS's answer for a term the directory had nobody for
}

// New builds the Busca screen with its field focused.
func New(ctx *common.Context) *Model {
	ti := textinput.New()
	ti.Prompt = i18n.UISearchPrompt
	ti.Placeholder = i18n.UISearchPlaceholder
	ti.CharLimit = 200
	ti.PromptStyle = ctx.Styles.Bold
	ti.TextStyle = ctx.Styles.Value
	ti.PlaceholderStyle = ctx.Styles.Dim
	ti.Cursor.Style = ctx.Styles.Cursor
	ti.Cursor.TextStyle = ctx.Styles.Value
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Focus()
	m := &Model{ctx: ctx, keys: newKeyMap(ctx.Keys), input: ti}
	m.list.Sticky = true
	m.updateKeys()
	return m
}

// Init starts nothing: the screen waits for keys.
func (m *Model) Init() tea.Cmd { return nil }

// Typing reports whether the search field has focus.
func (m *Model) Typing() bool { return m.input.Focused() }

// Value returns the text in the search field.
func (m *Model) Value() string { return m.input.Value() }

// Selected returns the selected match, if any.
func (m *Model) Selected() (model.Match, bool) {
	i := m.list.Selected()
	if i < 0 || i >= len(m.items) {
		return model.Match{}, false
	}
	return m.items[i], true
}

// Results returns the matches on screen, in display order.
func (m *Model) Results() []model.Match { return m.items }

// SetSize takes the screen's size from the root.
func (m *Model) SetSize(width, height int) {
	if width == m.width && height == m.height {
		return
	}
	m.width, m.height = width, height
	m.input.Width = max(1, width-4-common.Width(m.input.Prompt)-1)
	m.render()
}

type keyMap struct {
	Up, Down, PageUp, PageDown, Home, End, Open, New, Focus, Blur, Clear, Clear2 key.Binding
}

func newKeyMap(k *common.KeyMap) keyMap {
	return keyMap{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Home: k.Home, End: k.End,
		Open: k.Open, New: k.New, Focus: k.Search, Blur: k.LeaveField, Clear: k.Clear, Clear2: k.ClearField}
}

// updateKeys enables only what works now (help shows only those); while the field has focus, only the arrows move.
func (m *Model) updateKeys() {
	k := m.ctx.Keys
	if m.input.Focused() {
		m.keys.Up, m.keys.Down = k.FieldUp, k.FieldDown
	} else {
		m.keys.Up, m.keys.Down = k.Up, k.Down
	}
	has := len(m.items) > 0
	m.keys.Up.SetEnabled(has)
	m.keys.Down.SetEnabled(has)
	m.keys.PageUp.SetEnabled(has)
	m.keys.PageDown.SetEnabled(has)
	m.keys.Home.SetEnabled(has && !m.input.Focused())
	m.keys.End.SetEnabled(has && !m.input.Focused())
	m.keys.Open.SetEnabled(has)
	m.keys.New.SetEnabled(has && !m.input.Focused())
	m.keys.Focus.SetEnabled(!m.input.Focused())
	m.keys.Blur.SetEnabled(m.input.Focused())
	m.keys.Clear.SetEnabled(m.input.Focused() && m.input.Value() != "")
	m.keys.Clear2.SetEnabled(!m.input.Focused() && m.input.Value() != "")
}

// ShortHelp lists the keys shown in the footer.
func (m *Model) ShortHelp() []key.Binding {
	move := m.ctx.Keys.Choose
	move.SetEnabled(len(m.items) > 0)
	return []key.Binding{move, m.keys.Open, m.keys.Blur, m.keys.Clear2, m.keys.Clear, m.keys.New, m.keys.Focus}
}

// FullHelp lists every key of the screen, in columns.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Home, m.keys.End},
		{m.keys.Open, m.keys.New, m.keys.Focus, m.keys.Blur, m.keys.Clear, m.keys.Clear2}}
}
