package beneficiary

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/clipboard"
	"github.com/balcao/balcao/ui/common"
)

// Update handles keys, the answers of the seven calls, the spinner and what was sent for this beneficiary.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	cmd := m.update(msg)
	m.updateKeys()
	m.markTabs()
	return m, cmd
}

// update is Update's work; the tab marks follow whatever it changed.
func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.handleKey(msg)
	case LoadedMsg:
		cmd := m.applyLoaded(msg)
		if msg.Screen == m.id {
			cmd = tea.Batch(cmd, m.settled())
		}
		return cmd
	case memberMsg:
		if msg.screen != m.id {
			return nil
		}
		m.opening = false
		return m.ctx.Navigate(msg.open)
	case draftMsg:
		if msg.screen == m.id {
			m.draft = msg.draft
			m.updateKeys()
			m.refresh(TabSummary)
		}
		return nil
	case spinner.TickMsg:
		if msg.ID != m.spin.ID() {
			return nil
		}
		if !m.Loading() {
			m.ticking = false
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.refresh(m.tabs.Active())
		return cmd
	case common.SubmittedMsg:
		if msg.Err == nil && msg.DraftKey != "" && msg.DraftKey == m.draftKey() {
			m.draft = nil // sent: nothing to resume any more
			m.updateKeys()
			m.refresh(TabSummary)
		}
		return nil
	case common.OccurrenceSentMsg:
		if msg.ChaveUnica == "" || msg.ChaveUnica != m.ben.ChaveUnica {
			return nil
		}
		return m.reloadProtocols()
	case common.FollowUpSentMsg:
		if !m.protocolShown(msg.Protocol) {
			return nil
		}
		return m.reloadProtocols()
	}
	return nil
}

// reloadProtocols lists the protocols again (one was sent or changed), unless they are loading already.
func (m *Model) reloadProtocols() tea.Cmd {
	if m.loads[kProtocols].loading {
		return nil
	}
	cmd := m.start(kProtocols)
	m.refreshKind(kProtocols)
	return tea.Batch(cmd, m.startSpinner())
}

// protocolShown reports whether a protocol is among the ones listed.
func (m *Model) protocolShown(number string) bool {
	for _, p := range m.protocols {
		if p.Number == number {
			return true
		}
	}
	return false
}

// handleKey switches tabs, moves on the active tab, or acts: back, open a member, new occurrence, retry, protocols.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if t, ok := m.tabKey(msg); ok {
		m.setTab(t)
		return nil
	}
	if m.moveKey(msg) {
		if m.tabs.Active() == TabAuthorizations && m.onMoreRow() {
			return m.loadMoreAuth() // the end of the list reached: the next page, as the plan pages them
		}
		return nil
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.cancel()
		return m.ctx.Navigate(common.BackMsg{})
	case key.Matches(msg, k.Open):
		return m.openSelected()
	case key.Matches(msg, k.PrevPeriod):
		return m.shiftPeriod(-1)
	case key.Matches(msg, k.NextPeriod):
		return m.shiftPeriod(1)
	case key.Matches(msg, k.New):
		var fam []model.FamilyMember
		if m.family != nil {
			fam = m.family.Members
		}
		plan := ""
		if m.data != nil {
			plan = m.data.Plan
		}
		return m.ctx.Navigate(common.NewOccurrenceMsg{Beneficiary: m.ben, Contract: m.contract, Family: fam,
			Draft: m.draft, Plan: plan, Protocols: m.protocols})
	case key.Matches(msg, k.Copy):
		return m.copyProtocol()
	case key.Matches(msg, k.Refresh):
		return m.retry()
	case key.Matches(msg, k.More):
		return m.setProtocols(m.nProto + 1)
	case key.Matches(msg, k.Less):
		return m.setProtocols(m.nProto - 1)
	}
	return nil
}

// tabKey is the tab a key asks for: Tab and Shift+Tab go round, 1–N go straight to one.
func (m *Model) tabKey(msg tea.KeyMsg) (int, bool) {
	k := m.keys
	switch {
	case key.Matches(msg, k.NextTab):
		return m.tabs.Next(), true
	case key.Matches(msg, k.PrevTab):
		return m.tabs.Prev(), true
	}
	for i, b := range k.Tab {
		if key.Matches(msg, b) {
			return i, true
		}
	}
	return 0, false
}

// moveKey moves Família's selection, or scrolls the other tabs; it reports whether the key was one of those.
func (m *Model) moveKey(msg tea.KeyMsg) bool {
	k, l := m.keys, &m.lists[m.tabs.Active()]
	switch {
	case key.Matches(msg, k.Up):
		l.Move(-1)
	case key.Matches(msg, k.Down):
		l.Move(1)
	case key.Matches(msg, k.PageUp):
		l.PageUp()
	case key.Matches(msg, k.PageDown):
		l.PageDown()
	case key.Matches(msg, k.Home):
		l.Top()
	case key.Matches(msg, k.End):
		l.Bottom()
	default:
		return false
	}
	return true
}

// openSelected opens what is chosen on the active tab: a family member, a guide, a protocol.
func (m *Model) openSelected() tea.Cmd {
	switch m.tabs.Active() {
	case TabFamily:
		return m.openSelectedMember()
	case TabAuthorizations:
		return m.openGuide()
	case TabSummary, TabProtocols:
		return m.openProtocol()
	}
	return nil
}

// openProtocol opens the protocol chosen on the Resumo or on Protocolos.
func (m *Model) openProtocol() tea.Cmd {
	i := m.lists[m.tabs.Active()].Selected()
	if i < 0 || i >= len(m.protocols) {
		return nil
	}
	return m.ctx.Navigate(common.OpenProtocolMsg{Protocol: m.protocols[i].Number, Beneficiary: m.ben})
}

// openSelectedMember opens the family member selected on Família (not the person already on screen).
func (m *Model) openSelectedMember() tea.Cmd {
	sel := m.lists[TabFamily].Selected()
	if m.family == nil || sel < 0 || sel >= len(m.family.Members) || m.opening {
		return nil
	}
	f := m.family.Members[sel]
	if model.Digits(f.Card) == model.Digits(m.ben.Card) {
		return nil // already on screen
	}
	return m.openMember(f)
}

func (m *Model) setTab(t int) {
	m.tabs.SetActive(t)
	m.refresh(t)
}

// setProtocols changes how many protocols are listed (1–10) and lists them again.
func (m *Model) setProtocols(n int) tea.Cmd {
	if m.tabs.Active() != TabProtocols {
		return nil
	}
	n = min(max(n, MinProtocols), MaxProtocols)
	if n == m.nProto {
		return nil
	}
	m.nProto = n
	cmd := m.start(kProtocols)
	m.refreshKind(kProtocols)
	return tea.Batch(cmd, m.startSpinner())
}

// copyProtocol copies the selected protocol (on the Resumo or Protocolos), raw, through the session's terminal.
func (m *Model) copyProtocol() tea.Cmd {
	if len(m.protocols) == 0 {
		return nil
	}
	i := min(max(m.lists[m.tabs.Active()].Selected(), 0), len(m.protocols)-1)
	out, p := m.ctx.Session.Output, m.protocols[i].Number
	return func() tea.Msg {
		if err := clipboard.Copy(out, p); err != nil {
			return common.NoticeMsg{Text: i18n.OccCopyFailed, Error: true}
		}
		return common.NoticeMsg{Text: i18n.UIProtocolCopied(p)}
	}
}
