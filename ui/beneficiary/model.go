// Package beneficiary is the Beneficiário screen: a header (name, CPF, card, situation, contract) and the tabs
// Contrato, Família, Carências and Protocolos, whose five upstream calls start together when the screen opens.
package beneficiary

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/components/list"
	"github.com/balcao/balcao/ui/components/tabs"
)

// Tabs of the screen, in order.
const (
	TabContract = iota
	TabFamily
	TabGrace
	TabProtocols
	numTabs
)

// kind is one of the five upstream calls.
type kind int

const (
	kContract kind = iota
	kFamily
	kClasses
	kGroups
	kProtocols
	numKinds
)

// Protocol counts the Protocolos tab can ask for.
const (
	DefaultProtocols = 5
	MinProtocols     = 1
	MaxProtocols     = 10
)

// callTimeout bounds one upstream call (the clients have their own, shorter ones).
const callTimeout = 60 * time.Second

// headerHeight is the name line, the identifiers line, the tab bar and the rule under it.
const headerHeight = 4

var screenIDs atomic.Uint64

// load is the state of one upstream call.
type load struct {
	gen     int // tag of the call in flight; a result of an older call is dropped
	loading bool
	loaded  bool
	err     error
}

// Model is the Beneficiário screen.
type Model struct {
	ctx    *common.Context
	id     uint64
	keys   keyMap
	width  int
	height int
	now    func() time.Time

	ben      model.Beneficiary
	contract model.ContractRef

	parent context.Context
	cancel context.CancelFunc

	loads     [numKinds]load
	round     [numKinds]bool // calls started since the access record last heard of this screen
	data      *model.Contract
	family    *model.Family
	classes   *model.GraceClasses
	groups    *model.GraceGroups
	protocols []model.Protocol
	nProto    int

	tabs    tabs.Model
	opening bool

	spin    spinner.Model
	ticking bool

	lists [numTabs]list.Model // each tab's rows; Família's members are its items
}

// LoadedMsg carries one upstream answer back to the screen that asked, tagged with the screen and the call.
type LoadedMsg struct {
	Screen uint64
	kind   kind
	gen    int
	value  any
	err    error
}

// New builds the screen for a beneficiary; Init starts the five upstream calls.
func New(ctx *common.Context, msg common.OpenBeneficiaryMsg) *Model {
	parent, cancel := context.WithCancel(context.Background())
	m := &Model{
		ctx: ctx, id: screenIDs.Add(1), keys: newKeyMap(ctx.Keys), now: time.Now,
		ben: msg.Beneficiary, contract: msg.Contract, parent: parent, cancel: cancel, nProto: DefaultProtocols,
		spin: spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(ctx.Styles.Warning)),
	}
	titles := make([]string, numTabs)
	for t, title := range tabTitles {
		titles[t] = fmt.Sprintf("%d %s", t+1, title)
	}
	m.tabs = tabs.New(ctx.Styles, titles...)
	if m.contract.Number == "" && m.contract.Description == "" && len(m.ben.Contracts) > 0 {
		m.contract = m.ben.Contracts[0]
	}
	for i := range m.lists {
		m.lists[i].Fill = true
	}
	m.updateKeys()
	return m
}

// Init starts the five calls at once, each its own command, and the spinner.
func (m *Model) Init() tea.Cmd {
	cmds := make([]tea.Cmd, 0, numKinds+1)
	for k := kind(0); k < numKinds; k++ {
		cmds = append(cmds, m.start(k))
	}
	cmds = append(cmds, m.startSpinner())
	m.refreshAll()
	m.markTabs()
	return tea.Batch(cmds...)
}

// Close cancels what is still in flight (the root calls it when the screen leaves the stack).
func (m *Model) Close() { m.cancel() }

// Typing is always false: the screen has no text field.
func (m *Model) Typing() bool { return false }

// Beneficiary returns who the screen shows.
func (m *Model) Beneficiary() model.Beneficiary { return m.ben }

// ActiveTab returns the index of the tab on screen.
func (m *Model) ActiveTab() int { return m.tabs.Active() }

// Loading reports whether any call is still in flight.
func (m *Model) Loading() bool {
	for _, l := range m.loads {
		if l.loading {
			return true
		}
	}
	return false
}

// SetSize takes the screen's size from the root.
func (m *Model) SetSize(width, height int) {
	if width == m.width && height == m.height {
		return
	}
	m.width, m.height = width, height
	for i := range m.lists {
		m.lists[i].SetSize(width, height-headerHeight-1) // the last line says whether there is more to scroll
	}
	m.refreshAll()
}

type keyMap struct {
	Up, Down, PageUp, PageDown, Open, Back, NextTab, PrevTab, Tab1, Tab2, Tab3, Tab4, New, Refresh, More, Less key.Binding
}

func newKeyMap(k *common.KeyMap) keyMap {
	return keyMap{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Open: k.OpenMember, Back: k.Back,
		NextTab: k.NextTab, PrevTab: k.PrevTab, Tab1: k.Tab1, Tab2: k.Tab2, Tab3: k.Tab3, Tab4: k.Tab4, New: k.New,
		Refresh: k.Refresh, More: k.More, Less: k.Less}
}

// updateKeys enables only what works on the active tab: ↑/↓ choose a member on Família and scroll elsewhere.
func (m *Model) updateKeys() {
	k := m.ctx.Keys
	if m.tabs.Active() == TabFamily {
		m.keys.Up, m.keys.Down = k.MemberUp, k.MemberDown
	} else {
		m.keys.Up, m.keys.Down = k.ScrollUp, k.ScrollDown
	}
	m.keys.Open.SetEnabled(m.tabs.Active() == TabFamily && m.family != nil && len(m.family.Members) > 0)
	m.keys.More.SetEnabled(m.tabs.Active() == TabProtocols && m.nProto < MaxProtocols)
	m.keys.Less.SetEnabled(m.tabs.Active() == TabProtocols && m.nProto > MinProtocols)
}

// ShortHelp lists the keys shown in the footer (some combined, for display only).
func (m *Model) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	move := k.Scroll
	if m.tabs.Active() == TabFamily {
		move = k.Choose
	}
	count := k.Count
	count.SetEnabled(m.tabs.Active() == TabProtocols)
	return []key.Binding{m.keys.New, k.Tabs, move, m.keys.Back, m.keys.Open, count, m.keys.Refresh}
}

// FullHelp lists every key of the screen, in columns.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.NextTab, m.keys.PrevTab, m.keys.Tab1, m.keys.Tab2, m.keys.Tab3, m.keys.Tab4},
		{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Open},
		{m.keys.New, m.keys.Refresh, m.keys.More, m.keys.Less, m.keys.Back},
	}
}

// tabTitles are the tab names, in order.
var tabTitles = [numTabs]string{i18n.UITabContract, i18n.UITabFamily, i18n.UITabGrace, i18n.UITabProtocols}

// kindsOf lists the calls a tab shows.
func kindsOf(tab int) []kind {
	switch tab {
	case TabContract:
		return []kind{kContract}
	case TabFamily:
		return []kind{kFamily}
	case TabGrace:
		return []kind{kClasses, kGroups}
	}
	return []kind{kProtocols}
}

// tabOf is the tab that shows a call.
func tabOf(k kind) int {
	switch k {
	case kContract:
		return TabContract
	case kFamily:
		return TabFamily
	case kClasses, kGroups:
		return TabGrace
	}
	return TabProtocols
}
