// Package protocol is the Protocolo screen: one protocol as Mosia details it (type, subject, status, dates, the
// SLA due date, requester, beneficiary, forms with their answers, notes), and the actions on it — a note (a), a
// status change or closing (s), a draft's activation (t) — each handed to the durable outbox and sent at once,
// with its state on screen until Mosia has it.
package protocol

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// callTimeout bounds the detail's call (the client has its own, shorter timeout).
const callTimeout = 60 * time.Second

// submitTimeout bounds one submission: storing is local; a Mosia slower than this leaves the item in the queue.
const submitTimeout = 30 * time.Second

// Model is the Protocolo screen.
type Model struct {
	ctx  *common.Context
	id   uint64
	keys keyMap
	now  func() time.Time

	number string
	ben    model.Beneficiary

	parent context.Context
	cancel context.CancelFunc

	detail  *model.ProtocolDetail
	loading bool
	err     error
	gen     int       // tag of the detail call in flight
	started time.Time // when the call (or the send) in flight started
	queue   []common.OutboxItem
	qseq    int // tag of the queue's read in flight
	logged  bool

	spin    spinner.Model
	ticking bool
	list    list.Model

	form     *form
	confirm  confirmKind
	sending  bool
	result   *result // the last action's outcome, shown under the detail
	correct  *common.OutboxItem
	reveal   reveal // where to scroll once the detail loads again
	rebuilds int    // how many times the rows were rebuilt (tests check View does not rebuild them)

	width, height int
}

// confirmKind is the question waiting for s/n.
type confirmKind int

const (
	confirmNone     confirmKind = iota
	confirmDiscard              // discard what was typed?
	confirmActivate             // activate the draft?
)

// reveal is where the detail scrolls when it loads again after an action.
type reveal int

const (
	revealNone   reveal = iota
	revealTop           // a status changed: the facts
	revealBottom        // a note added: the notes
)

// result is what became of the last action handed to the outbox.
type result struct {
	item common.OutboxItem
	err  error
}

var _ common.Component = (*Model)(nil)

// New opens a protocol; Init asks Mosia for its detail. With msg.Correct, the refused action's form opens filled.
func New(ctx *common.Context, msg common.OpenProtocolMsg) *Model {
	parent, cancel := context.WithCancel(context.Background())
	m := &Model{ctx: ctx, id: common.NewScreenID(), keys: newKeyMap(ctx.Keys), now: ctx.Now,
		number: model.Digits(msg.Protocol), ben: msg.Beneficiary, parent: parent, cancel: cancel,
		spin: spinner.New(spinner.WithSpinner(common.SpinnerDot), spinner.WithStyle(ctx.Styles.Spinner))}
	m.list.Fill = true
	if it := msg.Correct; it != nil && it.IsFollowUp() {
		c := *it
		m.correct = &c
	}
	m.SetSize(ctx.Width, ctx.Height)
	return m
}

// Init loads the detail and the actions still queued on the protocol.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.load(), m.loadQueue(), m.startSpinner())
}

// Close cancels the detail's call (the root calls it when the screen leaves the stack). A submission in flight
// is not cancelled: the outbox holds it either way.
func (m *Model) Close() { m.cancel() }

// Protocol is the protocol on screen.
func (m *Model) Protocol() string { return m.number }

// Detail is the detail on screen (nil before it loaded).
func (m *Model) Detail() *model.ProtocolDetail { return m.detail }

// Typing reports whether every key goes to the screen: a form is open, a question waits, or an action is being sent.
func (m *Model) Typing() bool { return m.form != nil || m.confirm != confirmNone || m.sending }

// Unsaved reports whether a form holds typed text.
func (m *Model) Unsaved() bool { return m.form != nil && m.form.dirty() }

// Busy reports whether an action is being handed to the outbox right now.
func (m *Model) Busy() bool { return m.sending }

// Sending reports whether an action is being sent (for tests).
func (m *Model) Sending() bool { return m.sending }

// FormOpen reports whether a form is open (for tests).
func (m *Model) FormOpen() bool { return m.form != nil }

// SetSize takes the screen's size and lays the rows out again.
func (m *Model) SetSize(width, height int) {
	if width == m.width && height == m.height {
		return
	}
	m.width, m.height = max(width, 1), max(height, 1)
	m.layout()
}

// layout sizes the detail's list (what the form and the result lines leave) and rebuilds its rows.
func (m *Model) layout() {
	m.sizeForm()
	m.list.SetSize(m.width, max(1, m.height-headerLines-m.bottomHeight()))
	m.rebuild()
}

// startSpinner starts ticking while something is in flight, unless it already does.
func (m *Model) startSpinner() tea.Cmd {
	if m.ticking || !(m.loading || m.sending) {
		return nil
	}
	m.ticking = true
	return m.spin.Tick
}
