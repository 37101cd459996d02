// Package beneficiary is the Beneficiário screen: a header (name, CPF, card, situation, contract) and the tabs
// Resumo, Contrato, Família, Carências, Autorizações, Financeiro and Protocolos, whose seven upstream calls start
// together when the screen opens.
package beneficiary

import (
	"context"
	"fmt"
	"slices"
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

// Tabs of the screen, in order (their index in tabList).
const (
	TabSummary = iota
	TabContract
	TabFamily
	TabGrace
	TabAuthorizations
	TabBilling
	TabProtocols
	numTabs
)

// tab is one tab of the screen: what it is called, the calls it shows, how it draws them and what the Resumo
// should say about it. A new tab is one more entry in tabList (its key is its position: 1–9).
type tab struct {
	id    string // the name in the access record and in console.start_tab
	title string
	short string                    // the title when the bar does not fit
	kinds []kind                    // the calls it shows (its mark: spinner while any loads, "!" when one failed)
	rows  func(m *Model) []list.Row // its content, rebuilt when its data or the width changes
	warn  func(m *Model) []string   // what the Resumo shows about it (nil: nothing to say)
}

// tabList is the screen's tabs, in order (set in init: the Resumo's rows read the list).
var tabList [numTabs]tab

func init() { tabList = tabDefs() }

// tabDefs defines the tabs.
func tabDefs() [numTabs]tab {
	return [numTabs]tab{
		{id: "resumo", title: i18n.UITabSummary, short: i18n.UITabShortSummary,
			kinds: []kind{kContract, kFamily, kClasses, kGroups, kAuth, kBilling, kProtocols}, rows: (*Model).summaryRows},
		{id: "contrato", title: i18n.UITabContract, short: i18n.UITabShortContract, kinds: []kind{kContract},
			rows: func(m *Model) []list.Row { return m.section(kContract, i18n.UILoadingContract, m.contractLines) },
			warn: (*Model).contractWarnings},
		{id: "familia", title: i18n.UITabFamily, short: i18n.UITabShortFamily, kinds: []kind{kFamily},
			rows: (*Model).familySection, warn: (*Model).familyWarnings},
		{id: "carencias", title: i18n.UITabGrace, short: i18n.UITabShortGrace, kinds: []kind{kClasses, kGroups},
			rows: (*Model).graceRows, warn: (*Model).graceWarnings},
		{id: "autorizacoes", title: i18n.UITabAuthorizations, short: i18n.UITabShortAuthorizations, kinds: []kind{kAuth},
			rows: (*Model).authSection, warn: (*Model).authWarnings},
		{id: "financeiro", title: i18n.UITabBilling, short: i18n.UITabShortBilling, kinds: []kind{kBilling},
			rows: (*Model).billingSection, warn: (*Model).billingWarnings},
		{id: "protocolos", title: i18n.UITabProtocols, short: i18n.UITabShortProtocols, kinds: []kind{kProtocols},
			rows: (*Model).protocolSection, warn: (*Model).protocolWarnings},
	}
}

// TabByID is the index of the tab named id (as console.start_tab names it); ok is false for an unknown name.
func TabByID(id string) (int, bool) {
	for i, t := range tabList {
		if t.id == id {
			return i, true
		}
	}
	return 0, false
}

// TabIDs are the tabs' names, in order (for console.start_tab's message).
func TabIDs() []string {
	out := make([]string, len(tabList))
	for i, t := range tabList {
		out[i] = t.id
	}
	return out
}

// kind is one of the seven upstream calls.
type kind int

const (
	kContract kind = iota
	kFamily
	kClasses
	kGroups
	kAuth
	kBilling
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

	auth    authState    // Autorizações: the window, the pages loaded
	billing billingState // Financeiro: the month and its billing

	tabs    tabs.Model
	opening bool

	spin    spinner.Model
	ticking bool
	started time.Time // when the calls in flight started (the spinner shows the seconds since)

	lists [numTabs]list.Model // each tab's rows; Família's members and the protocols are items

	draft *common.Draft // a draft left open for this beneficiary, offered back on n
}

// LoadedMsg carries one upstream answer back to the screen that asked, tagged with the screen and the call.
type LoadedMsg struct {
	Screen uint64
	kind   kind
	gen    int
	value  any
	err    error
}

// New builds the screen for a beneficiary; Init starts the seven upstream calls.
func New(ctx *common.Context, msg common.OpenBeneficiaryMsg) *Model {
	parent, cancel := context.WithCancel(context.Background())
	m := &Model{
		ctx: ctx, id: common.NewScreenID(), now: ctx.Now, ben: cleanBeneficiary(msg.Beneficiary),
		contract: msg.Contract, parent: parent, cancel: cancel, nProto: DefaultProtocols,
		spin: spinner.New(spinner.WithSpinner(common.SpinnerDot), spinner.WithStyle(ctx.Styles.Warning)),
	}
	m.keys = newKeyMap(ctx.Keys)
	m.tabs = newTabBar(ctx.Styles)
	if t, ok := TabByID(ctx.Services.StartTab); ok {
		m.tabs.SetActive(t)
	}
	if m.contract.Number == "" && m.contract.Description == "" && len(m.ben.Contracts) > 0 {
		m.contract = m.ben.Contracts[0]
	}
	for i := range m.lists {
		m.lists[i].Fill = true
	}
	m.updateKeys()
	return m
}

// newTabBar is the bar of the tabs: "N Title", shortened to "N Short", then to "N", when the bar does not fit.
func newTabBar(st *common.Styles) tabs.Model {
	titles, shorts, digits := make([]string, numTabs), make([]string, numTabs), make([]string, numTabs)
	for t, tb := range tabList {
		titles[t] = fmt.Sprintf("%d %s", t+1, tb.title)
		shorts[t] = fmt.Sprintf("%d %s", t+1, tb.short)
		digits[t] = fmt.Sprintf("%d", t+1)
	}
	bar := tabs.New(st, titles...)
	bar.SetShort(shorts...)
	bar.SetShort(digits...)
	return bar
}

// Init starts the seven calls at once, each its own command, the spinner, and the look for a draft left open.
func (m *Model) Init() tea.Cmd {
	m.initPeriods()
	cmds := make([]tea.Cmd, 0, numKinds+2)
	for k := kind(0); k < numKinds; k++ {
		cmds = append(cmds, m.start(k))
	}
	cmds = append(cmds, m.startSpinner(), m.loadDraft())
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
	Up, Down, PageUp, PageDown, Home, End, Open, Back, NextTab, PrevTab, New, Refresh, More, Less, Copy key.Binding
	PrevPeriod, NextPeriod                                                                              key.Binding
	Tab                                                                                                 []key.Binding // 1–N: straight to a tab
}

func newKeyMap(k *common.KeyMap) keyMap {
	km := keyMap{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Home: k.Home, End: k.End,
		Open: k.OpenMember, Back: k.Back, NextTab: k.NextTab, PrevTab: k.PrevTab, New: k.New, Refresh: k.Refresh,
		More: k.More, Less: k.Less, Copy: k.Copy, PrevPeriod: k.PrevPeriod, NextPeriod: k.NextPeriod}
	for i, t := range tabList {
		if b, ok := common.TabKey(i, t.title); ok {
			km.Tab = append(km.Tab, b)
		}
	}
	return km
}

// updateKeys enables only what works on the active tab: ↑/↓ choose a member, a guide or a protocol where there
// are some and scroll elsewhere; Enter opens what is chosen; [ and ] move the period.
func (m *Model) updateKeys() {
	k, t := m.ctx.Keys, m.tabs.Active()
	m.keys.Up, m.keys.Down = k.ScrollUp, k.ScrollDown
	switch {
	case m.choosing() && t == TabFamily:
		m.keys.Up, m.keys.Down = k.MemberUp, k.MemberDown
	case m.choosing():
		m.keys.Up, m.keys.Down = k.RowUp, k.RowDown
	}
	m.keys.Open = m.openKey()
	m.keys.More.SetEnabled(t == TabProtocols && m.nProto < MaxProtocols)
	m.keys.Less.SetEnabled(t == TabProtocols && m.nProto > MinProtocols)
	m.keys.Copy.SetEnabled((t == TabProtocols || t == TabSummary) && len(m.protocols) > 0)
	period := t == TabAuthorizations || t == TabBilling
	m.keys.PrevPeriod.SetEnabled(period)
	m.keys.NextPeriod.SetEnabled(period && m.canGoLater())
	if m.draft != nil {
		m.keys.New = m.ctx.Keys.Resume
	} else {
		m.keys.New = m.ctx.Keys.New
	}
}

// choosing reports whether the active tab has rows to choose (members, guides, protocols).
func (m *Model) choosing() bool {
	switch m.tabs.Active() {
	case TabFamily:
		return true
	case TabSummary, TabProtocols, TabAuthorizations:
		return m.lists[m.tabs.Active()].Len() > 0
	}
	return false
}

// openKey is what Enter does on the active tab (disabled where there is nothing to open).
func (m *Model) openKey() key.Binding {
	k := m.ctx.Keys
	var b key.Binding
	switch m.tabs.Active() {
	case TabFamily:
		b = k.OpenMember
		b.SetEnabled(m.family != nil && len(m.family.Members) > 0)
	case TabAuthorizations:
		b = k.OpenGuide
		if m.onMoreRow() {
			b = k.MoreItems
		}
		b.SetEnabled(m.lists[TabAuthorizations].Len() > 0)
	default:
		b = k.OpenProto
		b.SetEnabled(m.choosing() && len(m.protocols) > 0)
	}
	return b
}

// ShortHelp lists the keys shown in the footer (some combined, for display only).
func (m *Model) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	move := k.Scroll
	if m.choosing() {
		move = k.Choose
	}
	count := k.Count
	count.SetEnabled(m.tabs.Active() == TabProtocols)
	period := k.Period
	period.SetEnabled(m.keys.PrevPeriod.Enabled())
	return []key.Binding{m.keys.New, common.TabsHelp(numTabs), move, m.keys.Open, m.keys.Back, period, m.keys.Copy,
		count, m.keys.Refresh}
}

// FullHelp lists every key of the screen, in columns.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		append([]key.Binding{m.keys.NextTab, m.keys.PrevTab}, m.keys.Tab...),
		{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Home, m.keys.End, m.keys.Open},
		{m.keys.New, m.keys.Copy, m.keys.Refresh, m.keys.More, m.keys.Less, m.keys.PrevPeriod, m.keys.NextPeriod,
			m.keys.Back},
	}
}

// kindsOf lists the calls a tab shows.
func kindsOf(t int) []kind {
	if t < 0 || t >= numTabs {
		return nil
	}
	return tabList[t].kinds
}

// tabsOf are the tabs that show a call (the Resumo shows them all).
func tabsOf(k kind) []int {
	var out []int
	for i, t := range tabList {
		if slices.Contains(t.kinds, k) {
			out = append(out, i)
		}
	}
	return out
}
