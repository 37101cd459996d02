// Package pending is the console's Pendências screen: the occurrences and the actions on protocols (notes, status
// changes, activations) the outbox has not delivered to Mosia yet, why, when the next try is, and keys to retry now,
// to correct what Mosia refused, to cancel, or to discard an action refused or already in Mosia.
package pending

import (
	"context"
	"errors"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
)

// RefreshEvery is how often the open screen re-reads the outbox on its own.
const RefreshEvery = 10 * time.Second

// callTimeout bounds one outbox call (a retry sends to Mosia once).
const callTimeout = time.Minute

type (
	listMsg struct {
		seq   int
		items []common.OutboxItem
		err   error
	}
	tickMsg  struct{ gen int }
	retryMsg struct {
		id   string
		item common.OutboxItem
		err  error
	}
)

// Model is the Pendências screen.
type Model struct {
	ctx  *common.Context
	keys keyMap
	now  func() time.Time

	items    []common.OutboxItem
	loaded   bool
	err      string
	seq      int        // tag of the latest list request; older answers are dropped
	gen      int        // generation of the refresh tick; a new one stops the old
	list     list.Model // two rows per item, drawn in View (the next try depends on the time)
	retrying map[string]bool

	confirm    bool // "cancel (or discard) this item?" waits for s/n
	detailOpen bool // the selected item's full text is on screen
	detailTop  int  // the detail's first line in view

	width, height int
}

// cancelMsg is the outbox's answer to a cancellation (or a discard).
type cancelMsg struct {
	id      string
	item    common.OutboxItem
	err     error
	discard bool
}

var _ common.Component = (*Model)(nil)

// New opens Pendências; Init reads the outbox and starts the slow refresh.
func New(ctx *common.Context) common.Component {
	m := &Model{
		ctx:      ctx,
		keys:     newKeyMap(ctx.Keys),
		now:      ctx.Now,
		retrying: map[string]bool{},
	}
	m.SetSize(ctx.Width, ctx.Height)
	return m
}

// Init reads the outbox and schedules the refresh tick.
func (m *Model) Init() tea.Cmd {
	m.gen++
	return tea.Batch(m.load(), m.tick())
}

// SetSize sets the screen's size.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 1), max(height, 1)
	m.list.SetSize(m.width, 2*m.rowsVisible())
}

// Typing is always false: the screen has no text field.
func (m *Model) Typing() bool { return false }

func (m *Model) load() tea.Cmd {
	m.seq++
	seq, ob := m.seq, m.ctx.Services.Outbox
	if ob == nil {
		return common.Cmd(listMsg{seq: seq})
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		items, err := ob.List(ctx)
		return listMsg{seq: seq, items: items, err: err}
	}
}

func (m *Model) tick() tea.Cmd {
	gen := m.gen
	return tea.Tick(RefreshEvery, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

func (m *Model) retry(item common.OutboxItem) tea.Cmd {
	return m.attempt(item, "retry", func(ctx context.Context, ob common.Outbox, id string) (common.OutboxItem, error) {
		return ob.RetryNow(ctx, id)
	})
}

// attempt tries item again through call, off the Update goroutine, one attempt at a time per item; the answer
// comes back as a retryMsg.
func (m *Model) attempt(item common.OutboxItem, what string,
	call func(ctx context.Context, ob common.Outbox, id string) (common.OutboxItem, error)) tea.Cmd {
	ob := m.ctx.Services.Outbox
	if ob == nil || m.retrying[item.ID] {
		return nil
	}
	m.retrying[item.ID] = true
	id, logger := item.ID, m.ctx.Session.Logger
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		it, err := call(ctx, ob, id)
		if err != nil {
			logger.Warn("pending: attempt failed", "what", what, "item", id, "err", err)
		}
		return retryMsg{id: id, item: it, err: err}
	}
}

// selected is the item under the cursor.
func (m *Model) selected() (common.OutboxItem, bool) {
	i := m.list.Selected()
	if i < 0 || i >= len(m.items) {
		return common.OutboxItem{}, false
	}
	return m.items[i], true
}

// Update handles keys, list answers, retries, outbox events and the refresh tick. It never blocks.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case listMsg:
		m.onList(msg)
	case tickMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		return m, tea.Batch(m.load(), m.tick())
	case common.OutboxEventMsg:
		return m, m.load()
	case retryMsg:
		return m, m.onRetry(msg)
	case cancelMsg:
		return m, m.onCancel(msg)
	case tea.KeyMsg:
		return m, m.onKey(msg)
	}
	return m, nil
}

func (m *Model) onList(msg listMsg) {
	if msg.seq != m.seq {
		return // a newer list is on its way
	}
	if msg.err != nil {
		m.err = i18n.PendListFailed
		m.ctx.Session.Logger.Warn("pending: list failed", "err", msg.err)
		return
	}
	prev, _ := m.selected()
	m.items, m.loaded, m.err = msg.items, true, ""
	rows := make([]list.Row, 0, 2*len(m.items))
	for i := range m.items {
		rows = append(rows, list.Row{Item: i}, list.Row{Item: i})
	}
	m.list.SetRows(rows)
	for i, it := range m.items { // keep the selection on the same item
		if prev.ID != "" && it.ID == prev.ID {
			m.list.Select(i)
			break
		}
	}
}

func (m *Model) onRetry(msg retryMsg) tea.Cmd {
	delete(m.retrying, msg.id)
	notice := func(text string, isErr bool) tea.Cmd { return common.Cmd(common.NoticeMsg{Text: text, Error: isErr}) }
	if msg.err != nil {
		return tea.Batch(notice(i18n.PendRetryFailed, true), m.load())
	}
	switch msg.item.State {
	case common.OutboxSent:
		if msg.item.IsFollowUp() {
			return tea.Batch(notice(i18n.ProtoOpenedNotice(msg.item.Summary), false), m.load())
		}
		sent := common.OccurrenceSentMsg{Protocol: msg.item.Protocol, ChaveUnica: msg.item.Occurrence.ChaveUnica()}
		return tea.Batch(notice(i18n.PendRetrySent(msg.item.Protocol), false), common.Cmd(sent), m.load())
	case common.OutboxNeedsCorrection:
		return tea.Batch(notice(correctFirst(msg.item), true), m.load())
	case common.OutboxPending, common.OutboxSending:
		if msg.item.IsFollowUp() {
			return tea.Batch(notice(i18n.PendRetryPendingAction, false), m.load())
		}
	}
	return tea.Batch(notice(i18n.PendRetryPending, false), m.load())
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case m.confirm:
		return m.onConfirmKey(msg)
	case m.detailOpen:
		return m.onDetailKey(msg)
	}
	switch {
	case key.Matches(msg, k.home):
		m.list.Top()
	case key.Matches(msg, k.end):
		m.list.Bottom()
	case key.Matches(msg, k.detail):
		if _, ok := m.selected(); ok {
			m.detailOpen, m.detailTop = true, 0
		}
	case key.Matches(msg, k.cancel):
		if it, ok := m.selected(); ok && it.State != common.OutboxSent {
			m.confirm = true
		}
	case key.Matches(msg, k.up):
		m.list.Move(-1)
	case key.Matches(msg, k.down):
		m.list.Move(1)
	case key.Matches(msg, k.pageUp):
		m.list.Move(-m.rowsVisible()) // a page is the items in view
	case key.Matches(msg, k.pageDown):
		m.list.Move(m.rowsVisible())
	case key.Matches(msg, k.retry):
		return m.retryKey()
	case key.Matches(msg, k.edit):
		return m.editKey()
	case key.Matches(msg, k.back):
		return m.ctx.Navigate(common.BackMsg{})
	}
	return nil
}

// retryKey tries the selected item again now: a refused one must be corrected first; an action under review is
// sent again (the attendant checked Mosia and it is not there).
func (m *Model) retryKey() tea.Cmd {
	cmds := []tea.Cmd{m.load()}
	it, ok := m.selected()
	switch {
	case !ok || it.State == common.OutboxSent:
	case it.State == common.OutboxNeedsCorrection:
		cmds = append(cmds, common.Cmd(common.NoticeMsg{Text: correctFirst(it), Error: true}))
	case it.State == common.OutboxNeedsReview && it.IsFollowUp():
		cmds = append(cmds, m.resend(it))
	default:
		cmds = append(cmds, m.retry(it))
	}
	return tea.Batch(cmds...)
}

// correctFirst says a refused item must be corrected before it is sent again (an action: or discarded).
func correctFirst(it common.OutboxItem) string {
	if it.IsFollowUp() {
		return i18n.PendRetryCorrectionAction
	}
	return i18n.PendRetryCorrection
}

// editKey corrects a refused item (an occurrence in its form, an action in its protocol's screen); any other item
// shows its detail.
func (m *Model) editKey() tea.Cmd {
	it, ok := m.selected()
	switch {
	case !ok:
		return nil
	case it.State != common.OutboxNeedsCorrection:
		m.detailOpen, m.detailTop = true, 0
		return nil
	case it.IsFollowUp():
		return m.ctx.Navigate(common.OpenProtocolMsg{Protocol: it.Target(), Correct: &it})
	}
	return m.ctx.Navigate(common.EditOutboxItemMsg{Item: it})
}

// discardable reports whether x discards the item (an action Mosia refused, or one under review) rather than
// cancelling it.
func discardable(it common.OutboxItem) bool {
	return it.IsFollowUp() && (it.State == common.OutboxNeedsCorrection || it.State == common.OutboxNeedsReview)
}

// resend sends an action under review again: the attendant found it is not in Mosia.
func (m *Model) resend(item common.OutboxItem) tea.Cmd {
	return m.attempt(item, "resend", func(ctx context.Context, ob common.Outbox, id string) (common.OutboxItem, error) {
		return ob.ResolveFollowUp(ctx, id, false)
	})
}

// onDetailKey scrolls the detail; Esc (or Enter) closes it.
func (m *Model) onDetailKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.back), key.Matches(msg, k.edit), key.Matches(msg, k.detail):
		m.detailOpen = false
	case key.Matches(msg, k.down), key.Matches(msg, k.pageDown):
		m.detailTop++
	case key.Matches(msg, k.up), key.Matches(msg, k.pageUp):
		m.detailTop = max(0, m.detailTop-1)
	}
	return nil
}

// onConfirmKey answers "cancel this item?": s cancels it (recorded with the attendant), n or Esc keeps it.
func (m *Model) onConfirmKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.yes):
		m.confirm = false
		it, ok := m.selected()
		if !ok {
			return nil
		}
		return m.cancelItem(it)
	case key.Matches(msg, m.keys.no):
		m.confirm = false
	}
	return nil
}

// cancelItem gives an item up in the outbox, off the Update goroutine: an action refused or under review is
// discarded, anything else cancelled.
func (m *Model) cancelItem(it common.OutboxItem) tea.Cmd {
	ob := m.ctx.Services.Outbox
	if ob == nil {
		return nil
	}
	id, attendant, logger, discard := it.ID, m.ctx.Session.Attendant, m.ctx.Session.Logger, discardable(it)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		var got common.OutboxItem
		var err error
		if discard {
			got, err = ob.Discard(ctx, id)
		} else {
			got, err = ob.Cancel(ctx, id, attendant)
		}
		if err != nil {
			logger.Warn("pending: cancel failed", "item", id, "discard", discard, "err", err)
		}
		return cancelMsg{id: id, item: got, err: err, discard: discard}
	}
}

func (m *Model) onCancel(msg cancelMsg) tea.Cmd {
	notice := common.NoticeMsg{Text: i18n.PendCancelled}
	switch {
	case msg.discard && msg.err != nil:
		notice = common.NoticeMsg{Text: i18n.PendDiscardFailed, Error: true}
	case msg.discard:
		notice = common.NoticeMsg{Text: i18n.PendDiscarded}
	case errors.Is(msg.err, common.ErrMayHaveReached):
		notice = common.NoticeMsg{Text: i18n.PendCancelMayHaveReached, Error: true}
	case msg.err != nil:
		notice = common.NoticeMsg{Text: i18n.PendCancelFailed, Error: true}
	}
	m.ctx.History.Update(msg.item)
	return tea.Batch(common.Cmd(notice), m.load())
}
