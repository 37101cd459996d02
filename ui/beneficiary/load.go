package beneficiary

import (
	"context"
	"errors"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

// errNoChave is why protocols cannot be listed for someone the directory has no chaveUnica for.
var errNoChave = errors.New("beneficiary has no chaveUnica")

// start marks a call in flight under a new tag and returns the command that makes it.
func (m *Model) start(k kind) tea.Cmd {
	l := &m.loads[k]
	if !m.Loading() {
		m.started = m.now()
	}
	l.gen++
	l.loading, l.err = true, nil
	m.round[k] = true
	gen, id, parent := l.gen, m.id, m.parent
	card, log := m.ben.Card, m.ctx.Session.Logger
	call := m.call(k)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, callTimeout)
		defer cancel()
		v, err := call(ctx)
		if err != nil && parent.Err() == nil {
			log.Warn("beneficiary call failed", "call", int(k), "card", model.MaskTerm(card), "err", err)
		}
		return LoadedMsg{Screen: id, kind: k, gen: gen, value: v, err: err}
	}
}

// call is the upstream call of kind k with what the screen asks now (the card, the window, the month, the count).
func (m *Model) call(k kind) func(ctx context.Context) (any, error) {
	card, chave, n := m.ben.Card, m.ben.ChaveUnica, m.nProto
	q, month, current := m.authQuery(), m.billing.month, model.MonthOf(m.now())
	svc := m.ctx.Services
	return func(ctx context.Context) (any, error) {
		switch k {
		case kContract:
			return svc.TOTVS.Contract(ctx, card)
		case kFamily:
			return svc.TOTVS.Family(ctx, card)
		case kClasses:
			return svc.TOTVS.GraceClasses(ctx, card)
		case kGroups:
			return svc.TOTVS.GraceGroups(ctx, card)
		case kAuth:
			return svc.TOTVS.Authorizations(ctx, card, q)
		case kBilling:
			return svc.TOTVS.BillingMonth(ctx, card, month, current)
		default:
			if chave == "" {
				return nil, errNoChave
			}
			return svc.Mosia.LatestProtocols(ctx, chave, n)
		}
	}
}

// startSpinner starts ticking unless it already does.
func (m *Model) startSpinner() tea.Cmd {
	if m.ticking || !m.Loading() {
		return nil
	}
	m.ticking = true
	return m.spin.Tick
}

// applyLoaded stores an answer unless it belongs to another screen or an older call.
func (m *Model) applyLoaded(msg LoadedMsg) tea.Cmd {
	if msg.Screen != m.id || msg.kind < 0 || msg.kind >= numKinds {
		return nil
	}
	l := &m.loads[msg.kind]
	if msg.gen != l.gen || !l.loading {
		return nil
	}
	l.loading = false
	if msg.err != nil {
		l.err = msg.err
		m.refreshKind(msg.kind)
		return nil
	}
	l.loaded = true
	var cmd tea.Cmd
	switch v := msg.value.(type) {
	case *model.Contract:
		m.data = cleanContract(v)
		cmd = m.completeIdentity()
	case *model.Family:
		m.family = cleanFamily(v)
	case *model.GraceClasses:
		m.classes = cleanClasses(v)
	case *model.GraceGroups:
		m.groups = cleanGroups(v)
	case []model.Protocol:
		m.protocols = cleanProtocols(v)
	case *model.Authorizations:
		m.applyAuth(v)
	case *model.Billing:
		m.billing.bill = cleanBilling(v)
	}
	m.updateKeys()
	m.refreshKind(msg.kind)
	if msg.kind == kFamily {
		m.lists[TabFamily].Select(m.selfIndex())
	}
	return cmd
}

// settled records, once every call of a round has answered, which tabs loaded in the access record.
func (m *Model) settled() tea.Cmd {
	if m.Loading() || m.round == [numKinds]bool{} {
		return nil
	}
	var tabs []string
	for k, started := range m.round {
		name := accessTab[k]
		if started && m.loads[k].err == nil && m.loads[k].loaded && !slices.Contains(tabs, name) {
			tabs = append(tabs, name)
		}
	}
	m.round = [numKinds]bool{}
	rec := m.ctx.Services.Accesses
	if rec == nil {
		return nil
	}
	a := common.Access{Attendant: m.ctx.Session.Attendant, Key: m.ctx.Session.KeyFingerprint,
		Chave: m.ben.ChaveUnica, Tabs: tabs}
	if a.Chave == "" {
		a.Chave = m.ben.Card
	}
	log := m.ctx.Session.Logger
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		if err := rec.Opened(ctx, a); err != nil {
			log.Error("access record: beneficiary opening not recorded", "chave", model.MaskTerm(a.Chave), "err", err)
			return common.NoticeMsg{Text: i18n.BenAccessNotRecorded, Error: true}
		}
		return nil
	}
}

// accessTab names each call's tab in the access record.
var accessTab = [numKinds]string{kContract: "contrato", kFamily: "familia", kClasses: "carencias",
	kGroups: "carencias", kAuth: "autorizacoes", kBilling: "financeiro", kProtocols: "protocolos"}

// completeIdentity fills what a thin beneficiary (opened from a family row) lacks from the contract fields, and
// lists protocols once a chaveUnica is known.
func (m *Model) completeIdentity() tea.Cmd {
	if m.data == nil {
		return nil
	}
	if m.ben.CPF == "" {
		m.ben.CPF = m.data.CPF
	}
	if m.ben.Name == "" {
		m.ben.Name = m.data.Name
	}
	if m.ben.Situation == "" {
		m.ben.Situation = m.data.Situation
	}
	if m.ben.BirthDate == "" {
		m.ben.BirthDate = m.data.BirthDate
	}
	if m.contract == (model.ContractRef{}) && m.data.Number != "" { // found only in TOTVS: its contract
		m.contract = model.ContractRef{Number: m.data.Number, Description: m.data.Plan}
	}
	if m.ben.ChaveUnica == "" && model.ValidCPF(m.ben.CPF) {
		m.ben.ChaveUnica = m.ben.CPF // chaveUnica is the CPF by default
		if l := m.loads[kProtocols]; !l.loading && errors.Is(l.err, errNoChave) {
			return tea.Batch(m.start(kProtocols), m.startSpinner())
		}
	}
	return nil
}

// selfIndex is the open beneficiary's row in the family list (0 when absent).
func (m *Model) selfIndex() int {
	if m.family == nil {
		return 0
	}
	for i, f := range m.family.Members {
		if model.Digits(f.Card) == model.Digits(m.ben.Card) {
			return i
		}
	}
	return 0
}

// retry reloads the active tab's calls and every call that failed.
func (m *Model) retry() tea.Cmd {
	var cmds []tea.Cmd
	want := map[kind]bool{}
	for _, k := range kindsOf(m.tabs.Active()) {
		want[k] = true
	}
	for k := kind(0); k < numKinds; k++ {
		if m.loads[k].err != nil {
			want[k] = true
		}
	}
	for k := kind(0); k < numKinds; k++ {
		if want[k] && !m.loads[k].loading {
			cmds = append(cmds, m.start(k))
			m.refreshKind(k)
		}
	}
	cmds = append(cmds, m.startSpinner())
	return tea.Batch(cmds...)
}

// openMember looks a family member up in the directory and opens them (with the family row when not found).
func (m *Model) openMember(f model.FamilyMember) tea.Cmd {
	dir := m.ctx.Services.Directory
	contract := m.contract
	parent := m.parent
	log := m.ctx.Session.Logger
	id := m.id
	m.opening = true
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, callTimeout)
		defer cancel()
		card := model.Digits(f.Card)
		b, ok, err := dir.ByCard(ctx, card)
		if err != nil {
			log.Warn("family member lookup failed", "card", model.MaskTerm(card), "err", err)
		}
		if err != nil || !ok {
			b = model.Beneficiary{Card: card, Name: f.Name, Situation: f.Situation}
		}
		if parent.Err() != nil {
			return nil // the screen closed meanwhile
		}
		return memberMsg{screen: id, open: common.OpenBeneficiaryMsg{Beneficiary: b, Contract: contract}}
	}
}

// memberMsg is the directory's answer for a family member, opened when it reaches its screen.
type memberMsg struct {
	screen uint64
	open   common.OpenBeneficiaryMsg
}

// draftMsg carries the draft left open for the screen's beneficiary (nil when none).
type draftMsg struct {
	screen uint64
	draft  *common.Draft
}

// draftKey is what the beneficiary's draft is filed under: the card, else the chaveUnica.
func (m *Model) draftKey() string { return common.DraftKey(m.ben) }

// loadDraft looks for a draft this attendant left open for the beneficiary.
func (m *Model) loadDraft() tea.Cmd {
	d := m.ctx.Services.Drafts
	k := m.draftKey()
	if d == nil || k == "" {
		return nil
	}
	id, attendant, log := m.id, m.ctx.Session.Attendant, m.ctx.Session.Logger
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		got, ok, err := d.Load(ctx, attendant, k)
		if err != nil {
			log.Warn("draft lookup failed", "err", err)
		}
		if err != nil || !ok {
			return nil
		}
		return draftMsg{screen: id, draft: &got}
	}
}
