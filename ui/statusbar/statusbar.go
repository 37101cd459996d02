// Package statusbar draws the console's two bottom lines of state: a transient notice, and the bar with
// demo/production, upstream health, the busca server and the pending occurrences.
package statusbar

import (
	"context"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/ui/common"
)

// Refresh is how often the bar reads the pending count and the server's figures.
const Refresh = 3 * time.Second

// NoticeFor is how long a notice stays on screen (a variable so tests need not wait for it).
var NoticeFor = 10 * time.Second

// Height is the bar's usual height: the notice line and the status line (a long notice takes one more line).
const Height = 2

// maxNoticeLines is how many lines a notice may take: a long one is wrapped, never cut mid-sentence.
const maxNoticeLines = 2

// Lines is the bar's height at width: the notice's lines (one, or two for a long one) and the status line.
func (m *Model) Lines(width int) int { return len(m.noticeLines(width)) + 1 }

// Model is the status bar of one console.
type Model struct {
	ctx *common.Context

	pending    int
	pendingErr bool

	addr, serverErr string
	requests        int64
	totvs, mosia    common.Health

	notice    string
	noticeErr bool
	noticeID  int
}

type tickMsg struct{}

type pendingMsg struct {
	n   int
	err error
}

type clearNoticeMsg struct{ id int }

// New builds a status bar reading from the session's services.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx}
	m.snapshot()
	return m
}

// Init reads the pending count at once and starts the refresh tick.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.fetchPending(), tick()) }

func tick() tea.Cmd { return tea.Tick(Refresh, func(time.Time) tea.Msg { return tickMsg{} }) }

// fetchPending reads the outbox's pending count off the Update goroutine.
func (m *Model) fetchPending() tea.Cmd {
	ob := m.ctx.Services.Outbox
	if ob == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n, err := ob.PendingCount(ctx)
		return pendingMsg{n: n, err: err}
	}
}

// Refresh reads the server's figures now and the pending count in the background.
func (m *Model) Refresh() tea.Cmd {
	m.snapshot()
	return m.fetchPending()
}

// Snapshot copies the server's figures and upstream health now (cheap reads; the root calls it on every message).
func (m *Model) Snapshot() { m.snapshot() }

// snapshot copies the server's figures and upstream health (cheap reads) so View never calls out.
func (m *Model) snapshot() {
	s := m.ctx.Services.Status
	if s == nil {
		return
	}
	m.addr, m.serverErr, m.requests = s.ServerAddr(), s.ServerError(), s.ServerRequests()
	m.totvs, m.mosia = s.Upstreams()
}

// Update handles its tick, the pending count, notices and outbox events (it returns notice commands too).
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tickMsg:
		m.snapshot()
		return tea.Batch(m.fetchPending(), tick())
	case pendingMsg:
		m.pendingErr = msg.err != nil
		if msg.err == nil {
			m.pending = msg.n
		}
	case common.NoticeMsg:
		return m.setNotice(msg.Text, msg.Error)
	case clearNoticeMsg:
		if msg.id == m.noticeID {
			m.notice = ""
		}
	case common.OutboxEventMsg:
		cmds := []tea.Cmd{m.fetchPending()}
		who := requesterName(msg.Item)
		switch msg.Item.State {
		case common.OutboxSent:
			if msg.Item.Protocol != "" {
				cmds = append(cmds, m.setNotice(i18n.UINoticeSent(who, msg.Item.Protocol), false))
			}
		case common.OutboxNeedsCorrection:
			if msg.Quiet { // the form on view says it, with its own instruction
				break
			}
			cmds = append(cmds, m.setNotice(i18n.UINoticeNeedsCorrection(who), true))
		}
		return tea.Batch(cmds...)
	}
	return nil
}

// requesterName is who an occurrence is about (beneficiary, else requester), without Mosia's " - chave" suffix.
func requesterName(it common.OutboxItem) string {
	name := it.Occurrence.Requester.Name
	if b := it.Occurrence.Beneficiary; b != nil && b.Name != "" {
		name = b.Name
	}
	if i := strings.LastIndex(name, " - "); i > 0 {
		name = name[:i]
	}
	return strings.TrimSpace(name)
}

func (m *Model) setNotice(text string, isErr bool) tea.Cmd {
	m.noticeID++
	m.notice, m.noticeErr = text, isErr
	id := m.noticeID
	return tea.Tick(NoticeFor, func(time.Time) tea.Msg { return clearNoticeMsg{id: id} })
}

// Notice returns the notice on screen ("" when none).
func (m *Model) Notice() string { return m.notice }

// Pending returns the last pending count read.
func (m *Model) Pending() int { return m.pending }

// View draws the notice lines and the status line, each at most width cells wide.
func (m *Model) View(width int) string {
	return strings.Join(m.noticeLines(width), "\n") + "\n" + m.statusLine(width)
}

// noticeLines are the notice on screen, green or (a failure) red, wrapped on at most two lines; one blank line
// when there is none.
func (m *Model) noticeLines(width int) []string {
	if m.notice == "" {
		return []string{""}
	}
	style := m.ctx.Styles.Success
	if m.noticeErr {
		style = m.ctx.Styles.Error
	}
	lines := common.WrapWords(m.notice, max(1, width-2))
	if len(lines) > maxNoticeLines {
		lines = lines[:maxNoticeLines]
		lines[maxNoticeLines-1] = common.Truncate(lines[maxNoticeLines-1]+" "+common.Ellipsis, width-2)
	}
	for i, l := range lines {
		lines[i] = style.Render(" " + l)
	}
	return lines
}

// statusLine is demo or production, the upstreams' health, the pending count and the busca server, on the bar.
func (m *Model) statusLine(width int) string {
	st := m.ctx.Styles
	mode := st.StatusProd.Render(i18n.UIStatusProd)
	if m.ctx.Services.Demo {
		mode = st.StatusDemo.Render(i18n.UIStatusDemo)
	}
	bar := st.StatusBar
	sep := bar.Render(" │ ")
	// The server's address is cut first, then the pending count: a warning word ("ocupada", "falha") stays whole.
	head := mode + bar.Render(" ") + m.health(i18n.ServiceTOTVS, m.totvs) + sep + m.health(i18n.ServiceMosia, m.mosia) +
		sep + m.pendingText() + sep
	line := common.Truncate(head+m.serverText(width-common.Width(head)-1), width)
	if w := common.Width(line); w < width {
		line += bar.Render(strings.Repeat(" ", width-w))
	}
	return line
}

// health is an upstream's state on the bar: ok (green), lento (amber), falha (red), or still being checked.
func (m *Model) health(name string, h common.Health) string {
	st := m.ctx.Styles
	text := i18n.UIStatusHealth(name, int(h.State))
	switch h.State {
	case common.HealthOK:
		return st.BarOK.Render(text)
	case common.HealthSlow:
		return st.BarSlow.Render(text)
	case common.HealthDown:
		return st.BarBad.Render(text)
	}
	return st.StatusBar.Render(text)
}

// pendingText is how many occurrences wait to be sent, highlighted when some do.
func (m *Model) pendingText() string {
	pending := i18n.UIStatusPending(m.pending)
	if m.pendingErr {
		pending = i18n.UIStatusPendingUnknown
	}
	if m.pending > 0 {
		return m.ctx.Styles.BarWarning.Render(pending)
	}
	return m.ctx.Styles.StatusBar.Render(pending)
}

// serverText is the busca server's address and requests, why it did not start, or that it is off, in at most
// width cells: a reason is shortened by cutting the address it names, never its last word.
func (m *Model) serverText(width int) string {
	st := m.ctx.Styles
	switch {
	case m.serverErr != "":
		return st.BarBad.Render(fitReason(i18n.UIStatusServerErr(m.serverErr), width))
	case m.addr != "":
		return st.StatusBar.Render(common.Truncate(i18n.UIStatusServer(m.addr, m.requests), width))
	}
	return st.StatusBar.Render(common.Truncate(i18n.UIStatusServerOff, width))
}

// fitReason cuts a reason to width keeping its last word (the one that says what is wrong: "ocupada").
func fitReason(s string, width int) string {
	if common.Width(s) <= width || width <= 0 {
		return common.Truncate(s, width)
	}
	i := strings.LastIndex(s, " ")
	if i < 0 {
		return common.Truncate(s, width)
	}
	last := s[i:]
	return common.Truncate(s[:i], width-common.Width(last)) + last
}
