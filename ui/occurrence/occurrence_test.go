package occurrence

import (
	"errors"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/ui/common"
)

func TestOpenThenSubmitSendsCatalogueDefaultsAndBeneficiary(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	assert.False(t, m.dirty(), "a fresh form has nothing to discard")

	msgs := submitNow(t, m)

	require.Len(t, e.ob.submits, 1)
	got := e.ob.submits[0]
	maria := model.Party{Name: "Maria da Conceição Souza", ChaveUnica: "52998224725",
		Email: "maria.souza@example.com.br", Phone: "11987654321"}
	want := model.Occurrence{
		Function:    9298,
		TypeID:      128, // the type marked default, not the first
		SubjectID:   310, // its subject marked default
		Draft:       false,
		Requester:   maria,
		Contract:    "00000000001", // the beneficiary's first contract
		Beneficiary: &maria,
	}
	assert.Equal(t, want, got)

	assert.Equal(t, phaseSent, m.phase)
	assert.Contains(t, msgs, tea.Msg(common.OccurrenceSentMsg{ChaveUnica: "52998224725", Protocol: "10101020250310000042"}))
}

func TestContractFromMessageWins(t *testing.T) {
	e := newEnv(t, 80, 24)
	c := New(e.ctx, common.NewOccurrenceMsg{Beneficiary: maria, Contract: model.ContractRef{Number: "00000000002"}})
	m := c.(*Model)
	assert.Equal(t, "00000000002", m.request().Contract)
}

func TestDoubleSubmitSubmitsOnce(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	first := send(m, keyCtrlS)
	require.NotNil(t, first)
	assert.Equal(t, phaseSending, m.phase)
	assert.True(t, m.Typing(), "while sending the screen holds every key: no q, p or Esc leaves it")
	assert.Nil(t, send(m, keyCtrlS), "a second Ctrl+S while sending does nothing")
	typeText(m, "x") // typing is ignored while locked
	assert.Contains(t, m.View(), "Enviando…")

	for _, msg := range collect(first) {
		send(m, msg)
	}
	assert.Nil(t, send(m, keyCtrlS), "after sending, Ctrl+S does nothing")
	assert.Len(t, e.ob.submits, 1)
}

func TestValidationMessagesAndFirstInvalidFocus(t *testing.T) {
	e := newEnv(t, 100, 40)
	m := e.open(t)
	// Requester → outra pessoa (the last choice).
	focusOn(t, m, fRequester, 0)
	send(m, keyLeft)
	require.True(t, m.isOther())

	focusOn(t, m, fOtherKey, 0)
	typeText(m, "123.456.789-00") // wrong check digits
	focusOn(t, m, fOtherEmail, 0)
	typeText(m, "maria@exemplo")
	focusOn(t, m, fOtherPhone, 0)
	typeText(m, "12345")
	focusOn(t, m, fNote, 0)

	submitNow(t, m)
	assert.Empty(t, e.ob.submits, "nothing is submitted while a field is invalid")
	assert.Equal(t, i18n.OccErrRequired, m.errs[slot{id: fOtherName}])
	assert.Equal(t, i18n.OccErrCPF, m.errs[slot{id: fOtherKey}])
	assert.Equal(t, i18n.OccErrEmail, m.errs[slot{id: fOtherEmail}])
	assert.Equal(t, i18n.OccErrPhone, m.errs[slot{id: fOtherPhone}])
	assert.Equal(t, slot{id: fOtherName}, m.focused(), "the first invalid field takes focus")
	assert.True(t, m.Typing())
	v := m.View()
	assert.Contains(t, v, i18n.OccErrInvalid(4))
	assert.Contains(t, v, "✗ CPF inválido")

	// Fix them one by one; each error disappears as soon as the value is right.
	typeText(m, "Pedro Alves")
	assert.Empty(t, m.errs[slot{id: fOtherName}])
	focusOn(t, m, fOtherKey, 0)
	for range 14 {
		send(m, tea.KeyMsg{Type: tea.KeyBackspace})
	}
	typeText(m, "529.982.247-25")
	focusOn(t, m, fOtherEmail, 0)
	typeText(m, ".com.br")
	focusOn(t, m, fOtherPhone, 0)
	for range 5 {
		send(m, tea.KeyMsg{Type: tea.KeyBackspace})
	}
	typeText(m, "+55 (21) 99876-5432")
	submitNow(t, m)
	require.Len(t, e.ob.submits, 1, "errors: %v", m.errs)
	assert.Equal(t, model.Party{Name: "Pedro Alves", ChaveUnica: "52998224725",
		Email: "maria@exemplo.com.br", Phone: "21998765432"}, e.ob.submits[0].Requester)
	assert.Equal(t, maria.ChaveUnica, e.ob.submits[0].Beneficiary.ChaveUnica, "the beneficiary stays the beneficiary")
}

func TestValidationAsYouLeaveAField(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	focusOn(t, m, fRequester, 0)
	send(m, keyLeft) // outra pessoa
	send(m, keyTab)  // into Nome
	require.Equal(t, slot{id: fOtherName}, m.focused())
	send(m, keyTab) // leave it empty
	assert.Equal(t, i18n.OccErrRequired, m.errs[slot{id: fOtherName}])
	typeText(m, "99999999999") // 11 digits, not a CPF
	send(m, keyDown)
	assert.Equal(t, i18n.OccErrCPF, m.errs[slot{id: fOtherKey}])
	send(m, keyUp)
	send(m, keyUp)
	typeText(m, "X")
	assert.Empty(t, m.errs[slot{id: fOtherName}])
}

func TestOtherKeyMayBeAnEmail(t *testing.T) {
	assert.Empty(t, checkKey("everson@mobilesaude.com.br"))
	assert.Empty(t, checkKey("529.982.247-25"))
	assert.Equal(t, i18n.OccErrCPF, checkKey("529.982.247-2"))
	assert.Equal(t, i18n.OccErrCPF, checkKey("11111111111"))
	assert.Equal(t, i18n.OccErrRequired, checkKey("  "))
	assert.Equal(t, "52998224725", model.NormalizeChave(" 529.982.247-25 "))
	assert.Equal(t, "everson@mobilesaude.com.br", model.NormalizeChave("everson@mobilesaude.com.br"))
}

func TestEmailCheck(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"a@b.co", true}, {"maria.souza@example.com.br", true}, {"a@b", false}, {"@b.com", false},
		{"a@@b.com", false}, {"a b@c.com", false}, {"a@b..com", false}, {"a@b.com.", false}, {"Ana <a@b.com>", false},
	} {
		assert.Equal(t, tt.ok, model.ValidEmail(tt.in), tt.in)
	}
}

func TestRequesterFamilyMember(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	focusOn(t, m, fRequester, 0)
	send(m, keyRight) // João (Cônjuge); Maria herself is not offered twice
	assert.Contains(t, m.View(), "familiar: João Souza (Cônjuge)")
	submitNow(t, m)
	require.Len(t, e.ob.submits, 1)
	assert.Equal(t, model.Party{Name: "João Souza", ChaveUnica: "23576483098", Email: "joao@example.com",
		Phone: "1134567890"}, e.ob.submits[0].Requester)
	assert.Equal(t, maria.ChaveUnica, e.ob.submits[0].Beneficiary.ChaveUnica)
}

func TestRequesterFamilyMemberNotInDirectory(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	focusOn(t, m, fRequester, 0)
	send(m, keyRight)
	send(m, keySpace) // Ana: not in the directory
	assert.Equal(t, i18n.OccErrFamilyUnknown, m.errs[slot{id: fRequester}], "told right away")
	submitNow(t, m)
	assert.Empty(t, e.ob.submits)
	send(m, keyRight) // outra pessoa: the error goes, the inputs appear
	assert.Empty(t, m.errs[slot{id: fRequester}])
	assert.Contains(t, m.View(), i18n.OccFieldOtherKey)
}

func TestFormWithSelectField(t *testing.T) {
	e := newEnv(t, 120, 40)
	m := e.open(t)
	focusOn(t, m, fForm, 0)
	send(m, keySpace)
	require.NotNil(t, m.form())
	fs := m.form()
	assert.Equal(t, "Maria da Conceição Souza", fs.inputs[0].Value(), "a field asking for the name is prefilled")
	assert.Equal(t, "529.982.247-25", fs.inputs[3].Value(), "and one asking for the CPF")
	for i := range fs.inputs {
		fs.inputs[i].SetValue("") // the test types its own
	}
	submitNow(t, m)
	assert.Empty(t, e.ob.submits)
	assert.Equal(t, i18n.OccErrRequired, m.errs[slot{id: fFormField, sub: 0}])
	assert.Equal(t, i18n.OccErrSelect, m.errs[slot{id: fFormField, sub: 4}])
	assert.Equal(t, slot{id: fFormField, sub: 0}, m.focused())

	typeText(m, "Maria")
	send(m, keyEnter) // Enter moves on in a one-line field
	typeText(m, "maria@x.com")
	send(m, keyTab)
	typeText(m, "(11) 2345-6789")
	send(m, keyTab)
	typeText(m, "529.982.247-25")
	send(m, keyTab)
	send(m, keyRight)
	send(m, keyRight) // Elogio (value 2)
	submitNow(t, m)
	require.Len(t, e.ob.submits, 1, "errors: %v", m.errs)
	assert.Equal(t, []model.FormAnswers{{FormID: "64dcd2b1342146345191ee00", Fields: []model.FormAnswer{
		{Key: "seu-nome", Value: "Maria"}, {Key: "email", Value: "maria@x.com"}, {Key: "telefone", Value: "1123456789"},
		{Key: "cpf-titular", Value: "52998224725"}, {Key: "tipo", Label: "Elogio", Value: "2", Choice: true},
	}}}, e.ob.submits[0].Forms, "phones and CPFs as digits, the choice as its label and value")
}

func TestSelectCyclesThroughNothingChosen(t *testing.T) {
	e := newEnv(t, 120, 40)
	m := e.open(t)
	focusOn(t, m, fForm, 0)
	send(m, keySpace)
	focusOn(t, m, fFormField, 4)
	send(m, keyLeft) // from nothing back to the last option: "Crítica", value by position
	fs := m.form()
	assert.Equal(t, option{Label: "Crítica", Value: "3"}, fs.opts[4][fs.sel[4]])
	send(m, keyRight)
	assert.Equal(t, -1, fs.sel[4])
}

func TestTypeChangeResetsSubject(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	focusOn(t, m, fSubject, 0)
	send(m, keyLeft)
	assert.Equal(t, 173, m.request().SubjectID)
	focusOn(t, m, fType, 0)
	send(m, keyRight) // Reclamação
	assert.Equal(t, 469, m.request().TypeID)
	assert.Equal(t, 320, m.request().SubjectID, "the new type's default subject")
	send(m, keyRight) // wraps to Atendimento Ativo
	assert.Equal(t, 171, m.request().TypeID)
	assert.Equal(t, 309, m.request().SubjectID, "no default marked: the first")
}

func TestDraftAndNote(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	focusOn(t, m, fDraft, 0)
	send(m, keySpace)
	send(m, keyTab)
	require.Equal(t, slot{id: fNote}, m.focused())
	typeText(m, "linha um")
	send(m, keyEnter) // a newline in the note
	typeText(m, "linha dois")
	send(m, keyUp) // moves inside the note, not out of it
	assert.Equal(t, slot{id: fNote}, m.focused())
	req := m.request()
	assert.True(t, req.Draft)
	assert.Equal(t, "linha um\nlinha dois", req.Note)
	assert.True(t, m.dirty())
}

func TestOutcomeSentShowsProtocolLargeAndCopies(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	submitNow(t, m)
	v := m.View()
	assert.Contains(t, v, "║    1010 1020 2503 1000 0042    ║", "the protocol in its double-bordered box, grouped")
	assert.Contains(t, v, i18n.OccOutcomeHint)
	assert.NotContains(t, flat(v), "enter voltar · esc voltar")
	assert.False(t, m.Typing())

	msgs := collect(send(m, runes("y")))
	assert.Equal(t, []tea.Msg{common.NoticeMsg{Text: i18n.UIProtocolCopied("10101020250310000042")}}, msgs)
	assert.Contains(t, e.out.String(), "\x1b]52;c;MTAxMDEwMjAyNTAzMTAwMDAwNDI=\x07")

	assert.Equal(t, []tea.Msg{common.BackMsg{}}, collect(send(m, keyEnter)))
}

func TestCopyWithoutTerminal(t *testing.T) {
	e := newEnv(t, 80, 24)
	e.ctx.Session.Output = nil
	m := e.open(t)
	submitNow(t, m)
	assert.Equal(t, []tea.Msg{common.NoticeMsg{Text: i18n.OccCopyFailed, Error: true}}, collect(send(m, runes("y"))))
}

func TestOutcomePendingThenSentInBackground(t *testing.T) {
	e := newEnv(t, 80, 24)
	e.ob.state, e.ob.protocol = common.OutboxPending, ""
	e.ob.reason = "Não enviada ainda: o Mosia não respondeu a tempo."
	m := e.open(t)
	submitNow(t, m)
	assert.Equal(t, phasePending, m.phase)
	v := m.View()
	assert.Contains(t, v, "Ocorrência guardada com segurança (nº local 42)")
	assert.Contains(t, v, "Pendências (p)")

	// Another item's event changes nothing; ours, sent, shows the protocol.
	assert.Nil(t, send(m, common.OutboxEventMsg{Item: common.OutboxItem{ID: "7", State: common.OutboxSent}}))
	msgs := collect(send(m, common.OutboxEventMsg{Item: common.OutboxItem{ID: "42", State: common.OutboxSent,
		Protocol: "10101020250310000099"}}))
	assert.Equal(t, phaseSent, m.phase)
	assert.Empty(t, msgs, "the root announces protocols that arrive as events")
	assert.Contains(t, m.View(), "1010 1020 2503 1000 0099")
	assert.Equal(t, []tea.Msg{common.BackMsg{}}, collect(send(m, keyEsc)))
}

func TestNeedsCorrectionThenResubmit(t *testing.T) {
	e := newEnv(t, 80, 24)
	e.ob.state, e.ob.protocol = common.OutboxNeedsCorrection, ""
	e.ob.reason = `O Mosia recusou a ocorrência: "assunto inválido para o tipo".`
	m := e.open(t)
	submitNow(t, m)
	assert.Equal(t, phaseEditing, m.phase)
	v := m.View()
	assert.Contains(t, v, i18n.OccTitleCorrection)
	assert.Contains(t, v, "assunto inválido para o tipo")
	assert.Contains(t, flat(v), flat(i18n.OccCorrectionOnly), "one instruction, whole")
	assert.NotContains(t, v, "Pendências (tecla p)", "no contradiction: the form is open here")

	focusOn(t, m, fSubject, 0)
	send(m, keyRight)
	e.ob.state, e.ob.protocol, e.ob.reason = common.OutboxSent, "10101020250310000050", ""
	submitNow(t, m)
	assert.Len(t, e.ob.submits, 1, "a correction is not a new submission")
	require.Len(t, e.ob.resubmits["42"], 1)
	assert.Equal(t, 173, e.ob.resubmits["42"][0].SubjectID)
	assert.Equal(t, phaseSent, m.phase)
	assert.NotContains(t, m.View(), i18n.OccTitleCorrection, "after success the title no longer says Corrigir")
}

func TestSubmitErrorKeepsForm(t *testing.T) {
	e := newEnv(t, 80, 24)
	e.ob.err = errors.New("disk full")
	m := e.open(t)
	focusOn(t, m, fNote, 0)
	typeText(m, "importante")
	submitNow(t, m)
	assert.Equal(t, phaseEditing, m.phase)
	assert.Equal(t, "importante", m.note.Value())
	assert.Equal(t, slot{id: fNote}, m.focused())
	assert.Contains(t, m.View(), "Não foi possível guardar a ocorrência")
	e.ob.err = nil
	submitNow(t, m)
	require.Len(t, e.ob.submits, 1)
	assert.Equal(t, "importante", e.ob.submits[0].Note)
}

func TestEscConfirmsDiscard(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	assert.Equal(t, []tea.Msg{common.BackMsg{}}, collect(send(m, keyEsc)), "nothing typed: Esc just returns")

	m = e.open(t)
	focusOn(t, m, fNote, 0)
	typeText(m, "abc")
	assert.Nil(t, send(m, keyEsc))
	assert.True(t, m.confirm)
	assert.True(t, m.Typing(), "the confirmation takes every key")
	assert.Contains(t, m.View(), i18n.OccConfirmDiscard)
	assert.Nil(t, send(m, runes("n")))
	assert.False(t, m.confirm)
	assert.Equal(t, "abc", m.note.Value())
	send(m, keyEsc)
	assert.Nil(t, send(m, runes("q")), "other keys wait for s/n")
	assert.Equal(t, []tea.Msg{common.BackMsg{}}, collect(send(m, runes("s"))))
}

func TestNewFromItemRestoresEverything(t *testing.T) {
	e := newEnv(t, 100, 40)
	req := model.Occurrence{
		Function: 9298, TypeID: 469, SubjectID: 321, Draft: true,
		Requester:   model.Party{Name: "Pedro Alves", ChaveUnica: "52998224725", Email: "p@x.com"},
		Contract:    "00000000002",
		Beneficiary: &model.Party{Name: "João Souza", ChaveUnica: "23576483098"},
		Note:        "texto",
		Forms: []model.FormAnswers{{FormID: "64dcd2b1342146345191ee00", Fields: []model.FormAnswer{
			{Key: "seu-nome", Value: "Pedro"}, {Key: "email"}, {Key: "telefone"}, {Key: "cpf-titular"},
			{Key: "tipo", Label: "Elogio", Value: "2", Choice: true},
		}}},
	}
	item := common.OutboxItem{ID: "9", State: common.OutboxNeedsCorrection, Occurrence: req, Reason: "Mosia: contrato inválido"}
	m := NewFromItem(e.ctx, item).(*Model)
	assert.Equal(t, req, m.request(), "opening and not touching rebuilds the same request")
	assert.False(t, m.dirty())
	assert.Contains(t, m.View(), "contrato inválido")
	focusOn(t, m, fContract, 0)
	send(m, tea.KeyMsg{Type: tea.KeyBackspace})
	typeText(m, "3")
	submitNow(t, m)
	require.Len(t, e.ob.resubmits["9"], 1)
	assert.Equal(t, "00000000003", e.ob.resubmits["9"][0].Contract)
}

func TestNewFromItemOutsideCatalogue(t *testing.T) {
	e := newEnv(t, 80, 24)
	req := model.Occurrence{TypeID: 999, SubjectID: 5, Requester: model.Party{Name: "X", ChaveUnica: "k"},
		Forms: []model.FormAnswers{{FormID: "abc", Fields: []model.FormAnswer{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}}}}}
	m := NewFromItem(e.ctx, common.OutboxItem{ID: "1", State: common.OutboxNeedsCorrection, Occurrence: req}).(*Model)
	got := m.request()
	got.Function = 0
	assert.Equal(t, req, got, "unknown ids and forms are kept, nothing is lost")
	assert.Contains(t, m.View(), "tipo 999 (fora do catálogo)")
}

func TestEmptyCatalogueSaysWhatToDo(t *testing.T) {
	e := newEnv(t, 80, 24)
	e.ctx.Services.Catalogue = config.Catalogue{}
	m := New(e.ctx, common.NewOccurrenceMsg{Beneficiary: maria}).(*Model)
	submitNow(t, m)
	assert.Empty(t, e.ob.submits)
	assert.Equal(t, i18n.OccErrNoType, m.errs[slot{id: fType}])
}

func TestKeysHelpFollowsState(t *testing.T) {
	e := newEnv(t, 80, 24)
	m := e.open(t)
	has := func(desc string) bool {
		for _, b := range m.ShortHelp() {
			if b.Help().Desc == desc {
				return true
			}
		}
		return false
	}
	assert.True(t, has(i18n.OccKeyCycle), "on a choice")
	assert.False(t, m.Typing(), "a clean form on a choice leaves q, p and ? to the root")
	send(m, keyRight)
	assert.True(t, m.Typing(), "with changes on screen, a stray q must not quit")
	send(m, keyLeft)
	assert.False(t, m.Typing())
	assert.False(t, has("copiar protocolo"))
	focusOn(t, m, fNote, 0)
	assert.False(t, has(i18n.OccKeyCycle), "in the note")
	assert.True(t, m.Typing())
	submitNow(t, m)
	assert.True(t, has("copiar protocolo"))
	assert.False(t, has("enviar"))
	require.Len(t, m.FullHelp(), 1)
}
