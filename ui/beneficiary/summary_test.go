package beneficiary

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
	"github.com/balcao/balcao/ui/internal/uitest"
)

// console.start_tab names the tabs by the same ids as the screen: a new tab must be added to both.
func TestTabIDsMatchTheConfig(t *testing.T) {
	assert.Equal(t, config.ConsoleTabs, TabIDs())
}

func TestStartTabFromConfig(t *testing.T) {
	f := newFixture(t)
	f.svc.StartTab = "protocolos"
	m := f.loaded(t, uitest.SeedHernandesCard, 100, 30)
	assert.Equal(t, TabProtocols, m.ActiveTab())
	f.svc.StartTab = ""
	m = f.loaded(t, uitest.SeedHernandesCard, 100, 30)
	assert.Equal(t, TabSummary, m.ActiveTab(), "the Resumo by default")
}

// The Resumo holds who, plan, contract, situation, grace periods, family, the warnings and the last protocols in the
// body of an 80×24 console (24 less the status bar and the footer), with nothing cut.
func TestSummaryFitsAt80x24(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedPatrickCard, 80, 21)
	v := ansi.Strip(m.View())
	for _, want := range []string{"Plano", "Contrato", "Situação", "Carências", "Família", "Atenção", "Últimos protocolos"} {
		assert.Contains(t, v, want)
	}
	ps := f.up.ProtocolNumbers(m.Beneficiary().ChaveUnica)
	require.NotEmpty(t, ps)
	assert.Contains(t, v, common.GroupDigits(ps[0]), "protocols grouped to be read aloud")
	assert.NotContains(t, v, "linhas ", "no scrolling: it all fits")
	for i, l := range strings.Split(v, "\n") {
		assert.LessOrEqual(t, ansi.StringWidth(l), 80, "line %d", i)
	}
}

// What the other tabs would warn about shows on the Resumo, tab by tab.
func TestSummaryGathersWarnings(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedHernandesCard, 100, 30)
	m.classes = &model.GraceClasses{Items: []model.GraceClass{
		{Code: "002", Description: "PARTO", End: "2025-09-30", Status: "Em Carência"},
		{Code: "003", Description: "INTERNAÇÃO", End: "2025-06-30", Status: "Em Carência"},
	}}
	m.data.Situation, m.data.BlockDate, m.data.BlockReason = model.SituationBlocked, "2025-02-10", "inadimplência"
	m.refreshAll()
	v := flat(m.View())
	assert.Contains(t, v, "Carências 2 em curso · a próxima termina em 30/06/2025 (INTERNAÇÃO)")
	assert.Contains(t, v, "! Contrato: plano bloqueado")
	assert.Contains(t, v, "! Carências: 2 carências em curso")
	assert.Contains(t, v, "desde 10/02/2025 · inadimplência")
}

// pt-BR: no "Últimos 1 protocolos", and fewer protocols than asked are not "the last N".
func TestProtocolHeaderCounts(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedPatrickCard, 100, 30)
	m.setTab(TabProtocols)
	all := m.protocols
	require.NotEmpty(t, all)
	m.protocols = all[:1]
	m.refresh(TabProtocols)
	assert.Contains(t, flat(m.View()), "Último protocolo no Mosia")
	assert.NotContains(t, flat(m.View()), "Últimos 1")
	m.nProto = 10
	m.protocols = all
	m.refresh(TabProtocols)
	assert.NotContains(t, flat(m.View()), "Últimos 10", "fewer exist than asked")
}

// Text from TOTVS and the directory never reaches the terminal with tabs or control characters.
func TestUpstreamTextIsSanitized(t *testing.T) {
	f := newFixture(t)
	b, _, err := f.svc.Directory.ByCard(context.Background(), uitest.SeedHernandesCard)
	require.NoError(t, err)
	b.Name = "HERNANDES\tALVES\x1b[31m DA SILVA\x07"
	m := New(f.ctx, common.OpenBeneficiaryMsg{Beneficiary: b})
	m.now = func() time.Time { return uitest.Now }
	m.SetSize(100, 30)
	m.Update(LoadedMsg{Screen: m.id, kind: kFamily, gen: m.loads[kFamily].gen,
		value: &model.Family{Members: []model.FamilyMember{{Card: b.Card, Name: "ANA\tMARIA\x1b]52;c;ZXZpbA==\x07", Kinship: "FILHA"}}}})
	m.setTab(TabFamily)
	v := m.View()
	assert.NotContains(t, v, "\t")
	assert.NotContains(t, v, "\x1b[31m")
	assert.NotContains(t, v, "\x1b]52")
	assert.NotContains(t, v, "\x07")
	assert.Contains(t, ansi.Strip(v), "HERNANDES ALVES[31m DA SILVA")
}

// A draft left open is offered on the Resumo, and n opens the form on it.
func TestDraftLeftOpenIsOffered(t *testing.T) {
	f := newFixture(t)
	m := f.loaded(t, uitest.SeedHernandesCard, 100, 30)
	d := &common.Draft{Key: common.DraftKey(m.Beneficiary()), Updated: uitest.Now,
		Occurrence: model.Occurrence{Note: "pediu segunda via"}}
	m.Update(draftMsg{screen: m.id, draft: d})
	assert.Contains(t, flat(m.View()), "Há um rascunho de ocorrência guardado")
	_, cmd := m.Update(uitest.Key("n"))
	msg, ok := cmd().(common.NewOccurrenceMsg)
	require.True(t, ok)
	assert.Same(t, d, msg.Draft)
	m.Update(common.SubmittedMsg{DraftKey: d.Key})
	assert.NotContains(t, flat(m.View()), "Há um rascunho", "sent: nothing to resume")
}
