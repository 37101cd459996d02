package beneficiary

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// Update handles keys, the answers of the five calls, the spinner and occurrences sent for this beneficiary.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	cmd := m.update(msg)
	m.markTabs()
	return m, cmd
}

// update is Update's work; the tab marks follow whatever it changed.
func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd := m.handleKey(msg)
		m.updateKeys()
		return cmd
	case LoadedMsg:
		return m.applyLoaded(msg)
	case memberMsg:
		if msg.screen != m.id {
			return nil
		}
		m.opening = false
		return common.Cmd(msg.open)
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
	case common.OccurrenceSentMsg:
		if msg.ChaveUnica == "" || msg.ChaveUnica != m.ben.ChaveUnica || m.loads[kProtocols].loading {
			return nil
		}
		cmd := m.start(kProtocols)
		m.refresh(TabProtocols)
		return tea.Batch(cmd, m.startSpinner())
	}
	return nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.cancel()
		return common.Cmd(common.BackMsg{})
	case key.Matches(msg, k.NextTab):
		m.setTab(m.tabs.Next())
	case key.Matches(msg, k.PrevTab):
		m.setTab(m.tabs.Prev())
	case key.Matches(msg, k.Tab1):
		m.setTab(TabContract)
	case key.Matches(msg, k.Tab2):
		m.setTab(TabFamily)
	case key.Matches(msg, k.Tab3):
		m.setTab(TabGrace)
	case key.Matches(msg, k.Tab4):
		m.setTab(TabProtocols)
	case key.Matches(msg, k.Up): // Família moves its selection; the other tabs scroll
		m.lists[m.tabs.Active()].Move(-1)
	case key.Matches(msg, k.Down):
		m.lists[m.tabs.Active()].Move(1)
	case key.Matches(msg, k.PageUp):
		m.lists[m.tabs.Active()].PageUp()
	case key.Matches(msg, k.PageDown):
		m.lists[m.tabs.Active()].PageDown()
	case key.Matches(msg, k.Open):
		sel := m.lists[TabFamily].Selected()
		if m.tabs.Active() == TabFamily && m.family != nil && sel >= 0 && sel < len(m.family.Members) && !m.opening {
			f := m.family.Members[sel]
			if model.Digits(f.Card) == model.Digits(m.ben.Card) {
				return nil // already on screen
			}
			return m.openMember(f)
		}
	case key.Matches(msg, k.New):
		var fam []model.FamilyMember
		if m.family != nil {
			fam = m.family.Members
		}
		return common.Cmd(common.NewOccurrenceMsg{Beneficiary: m.ben, Contract: m.contract, Family: fam})
	case key.Matches(msg, k.Refresh):
		return m.retry()
	case key.Matches(msg, k.More):
		return m.setProtocols(m.nProto + 1)
	case key.Matches(msg, k.Less):
		return m.setProtocols(m.nProto - 1)
	}
	return nil
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
	m.refresh(TabProtocols)
	return tea.Batch(cmd, m.startSpinner())
}
