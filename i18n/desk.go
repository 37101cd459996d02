package i18n

import (
	"fmt"
	"strings"
)

// ---- console: the whole desk (a protocol's detail and follow-ups, authorizations, billing, TOTVS search) ----

// Tab titles added to the Beneficiário screen, and the short titles every tab takes when the bar does not fit.
const (
	UITabAuthorizations = "Autorizações"
	UITabBilling        = "Financeiro"

	UITabShortSummary        = "Resumo"
	UITabShortContract       = "Contr."
	UITabShortFamily         = "Fam."
	UITabShortGrace          = "Carên."
	UITabShortAuthorizations = "Autor."
	UITabShortBilling        = "Fin."
	UITabShortProtocols      = "Prot."
)

// Help texts of the desk's keys.
const (
	DeskKeyPrevPeriod   = "período anterior"             // [
	DeskKeyNextPeriod   = "período seguinte"             // ]
	DeskKeyPeriod       = "período"                      // [/] (the footer's one entry for both)
	DeskKeyOpenProtocol = "abrir protocolo"              // Enter on a protocol
	DeskKeyOpenGuide    = "ver a guia"                   // Enter on an authorization
	DeskKeyMoreGuides   = "carregar mais"                // Enter on the "more" line of Autorizações
	DeskKeyAddNote      = "anotação"                     // a on a protocol
	DeskKeySetStatus    = "status/encerrar"              // s on a protocol
	DeskKeyActivate     = "ativar rascunho"              // t on a protocol
	DeskKeyDiscardYes   = "descartar"                    // s answers "discard what was typed?"
	DeskKeyDiscardNo    = "continuar"                    // n answers it
	DeskKeyActivateYes  = "ativar"                       // s answers "activate the draft?"
	DeskKeyResend       = "enviar de novo"               // r on a follow-up under review
	DeskKeyDiscardItem  = "descartar"                    // x on a refused or doubtful follow-up
	DeskKeyFoundInMosia = "descartar (já está no Mosia)" // x on a follow-up under review
)

// ---- Beneficiário: Autorizações ----

// UILoadingAuthorizations names the authorizations call while it runs ("Carregando …").
const UILoadingAuthorizations = "autorizações"

// UIAuthWindow heads the Autorizações tab: the window of dates and how to move it.
func UIAuthWindow(from, to string, days int) string {
	return fmt.Sprintf("Guias de %s a %s (%d dias) · [ ] mudam o período", from, to, days)
}

// UIAuthCount says how many guides are listed and how many the plan still has.
func UIAuthCount(shown, remaining int, more bool) string {
	s := Plural(shown, "1 guia", "%d guias")
	if more {
		if remaining > 0 {
			return s + fmt.Sprintf(" · mais %d no TOTVS", remaining)
		}
		return s + " · há mais no TOTVS"
	}
	return s
}

// UIAuthNone says the window has no guide.
const UIAuthNone = "Nenhuma guia de autorização neste período. [ mostra o período anterior."

// UIAuthMore is the last line of the list while the plan has more pages.
func UIAuthMore(remaining int) string {
	if remaining > 0 {
		return fmt.Sprintf("▾ mais %d guias: Enter ou ↓ carrega a próxima página", remaining)
	}
	return "▾ há mais guias: Enter ou ↓ carrega a próxima página"
}

// UIAuthLoadingMore is the last line while the next page loads.
const UIAuthLoadingMore = "carregando a próxima página…"

// Column titles of Autorizações.
const (
	UIColGuide     = "Guia"
	UIColProvider  = "Prestador"
	UIColGuideType = "Tipo"
	UIColPhase     = "Fase"
	UIColProcedure = "Procedimento"
)

// UIAuthNoProcedure stands for a guide without a procedure description.
const UIAuthNoProcedure = "procedimento não informado"

// ---- Beneficiário: Financeiro ----

// UILoadingBilling names the billing call while it runs ("Carregando …").
const UILoadingBilling = "financeiro"

// UIBillMonth heads the Financeiro tab: the month, which kind of billing it is, and how to move.
func UIBillMonth(month string, billed bool) string {
	kind := "a faturar"
	if billed {
		kind = "faturado"
	}
	return fmt.Sprintf("Mês %s · %s · [ ] mudam o mês", month, kind)
}

// UIBillEmpty says the plan has nothing for the month.
const UIBillEmpty = "Nada faturado nem a faturar neste mês. [ mostra o mês anterior."

// Labels of Financeiro.
const (
	UIBillTitle      = "Título"
	UIBillCollection = "Lote de cobrança"
	UIBillTotal      = "Total"
	UIBillTotalDebt  = "a pagar"
	UIBillTotalCred  = "a favor da família"
	UIBillDebts      = "Débitos"
	UIBillCredits    = "Créditos"
	UIBillFamily     = "Valor da família"
	UIBillEmployer   = "Parte da empresa"
	UIBillMembers    = "Por pessoa"
	UIBillCredit     = "crédito"
	UIBillRetro      = "retroativo"
)

// ---- Beneficiário: Resumo warnings from the new tabs ----

// UISumBilling labels the Resumo's line with the month's bill.
const UISumBilling = "Financeiro"

// UIWarnAuthDenied says guides of the last window were cancelled or blocked.
func UIWarnAuthDenied(n int) string {
	return Plural(n, "1 guia cancelada ou bloqueada", "%d guias canceladas ou bloqueadas") + " nos últimos 90 dias"
}

// UIWarnBillCredit says the month's total is a credit to the family.
const UIWarnBillCredit = "o total do mês é crédito a favor da família"

// UIWarnBillRetro says the month carries a retroactive adjustment.
const UIWarnBillRetro = "há cobrança retroativa no mês"

// UIProtoOpenHint is the hint over the Resumo's last protocols.
const UIProtoOpenHint = "↑/↓ escolhe, Enter abre"

// UIProtoRequestedBy says who opened a protocol when it was not the beneficiary.
func UIProtoRequestedBy(name string) string { return "aberto por " + name }

// ---- Guia (one authorization's fields) ----

// GuideTitle heads the guide's screen.
func GuideTitle(guide, name string) string {
	if name == "" {
		return "Guia " + guide
	}
	return "Guia " + guide + " · " + name
}

// ---- Protocolo (the detail of one protocol) ----

// Protocol screen texts.
const (
	ProtoLoading        = "Carregando o protocolo no Mosia…"
	ProtoLabelType      = "Tipo"
	ProtoLabelSubject   = "Assunto"
	ProtoLabelStatus    = "Status"
	ProtoLabelRegister  = "Registrado em"
	ProtoLabelUpdated   = "Atualizado em"
	ProtoLabelSLA       = "Prazo (SLA)"
	ProtoLabelRequester = "Solicitante"
	ProtoLabelBenef     = "Beneficiário"
	ProtoLabelContract  = "Contrato"
	ProtoLabelChannel   = "Canal"
	ProtoLabelNature    = "Natureza"
	ProtoLabelFunction  = "Funcionalidade"
	ProtoLabelDraft     = "Rascunho"
	ProtoLabelOutcome   = "Desfecho"
	ProtoLabelReason    = "Motivo"
	ProtoSectionNote    = "Anotação de abertura"
	ProtoSectionForms   = "Formulários"
	ProtoSectionNotes   = "Anotações"
	ProtoSectionQueue   = "Ações ainda não enviadas"
	ProtoNoNotes        = "Nenhuma anotação."
	ProtoNotesUnknown   = "O Mosia não informou as anotações deste protocolo."
	ProtoOverdue        = "vencido"
	ProtoDraftYes       = "sim: t ativa o rascunho"
	ProtoPublic         = "pública"
	ProtoPrivate        = "interna"
	ProtoUnnamedForm    = "Formulário"
	ProtoNoKeyToChange  = "O protocolo não informa a chave do solicitante: o Mosia não aceita mudar o status sem ela."
	ProtoNotDraft       = "Este protocolo não é um rascunho: não há o que ativar."
	ProtoDraftFirst     = "Este protocolo é um rascunho: ative-o (t) antes de mudar o status."
	ProtoNoStatuses     = "O catálogo não tem status configurados ([[catalogo.status]]): não há para onde mudar."
	ProtoNoOutbox       = "A fila de envio não está disponível: nada foi enviado."
	ProtoAccessFailed   = "O acesso a este protocolo não foi registrado no registro de acessos."
	ProtoDiscardAsk     = "Descartar o que foi digitado? s descarta, n continua."
	ProtoNoteHeading    = "Nova anotação"
	ProtoStatusHeading  = "Mudar o status"
	ProtoActivateAsk    = "Ativar este rascunho no Mosia? s ativa, n volta."
	ProtoCorrectHeading = "Corrigir ação recusada"
)

// ProtoHeader is the title line: the protocol, grouped to be read aloud.
func ProtoHeader(protocol string) string { return "Protocolo " + groupDigits(protocol) }

// ProtoOverdueSince renders an SLA due date that passed.
func ProtoOverdueSince(due string) string { return due + " · " + ProtoOverdue }

// ProtoNoteBy renders who wrote a note and when.
func ProtoNoteBy(at, who string, public bool) string {
	vis := ProtoPrivate
	if public {
		vis = ProtoPublic
	}
	parts := []string{}
	if at != "" {
		parts = append(parts, at)
	}
	if who != "" {
		parts = append(parts, who)
	}
	return strings.Join(append(parts, vis), " · ")
}

// ProtoAttendant names an attendant by Mosia id.
func ProtoAttendant(id int) string { return fmt.Sprintf("atendente %d", id) }

// Labels of the follow-up forms.
const (
	ProtoFieldNote    = "Anotação"
	ProtoFieldPublic  = "Visível ao beneficiário"
	ProtoFieldStatus  = "Novo status"
	ProtoFieldOutcome = "Desfecho"
	ProtoFieldReason  = "Motivo"
	ProtoYes          = "sim"
	ProtoNo           = "não (anotação interna)"
	ProtoCloses       = "encerra"
	ProtoNotePlace    = "O que foi tratado, combinado ou informado"
	ProtoOutcomePlace = "Como terminou o atendimento (opcional, pede um motivo)"
	ProtoFormHint     = "Ctrl+S envia · Tab próximo campo · Esc volta"
	ProtoReasonNeeded = "Escolha o motivo do encerramento."
	ProtoReasonNone   = "escolha com ←/→"
)

// ProtoSending says a follow-up is being handed to the outbox and sent.
const ProtoSending = "Enviando ao Mosia…"

// ProtoSent says a follow-up reached Mosia.
func ProtoSent(summary string) string { return "Enviada: " + summary }

// ProtoQueued says a follow-up is stored and will be sent by the outbox.
func ProtoQueued(reason string) string {
	s := "Guardada na fila: o balcão envia sozinho assim que o Mosia responder."
	if reason != "" {
		s += " " + reason
	}
	return s
}

// ProtoRefused says Mosia refused a follow-up; it waits in Pendências.
func ProtoRefused(reason string) string {
	return "O Mosia recusou: " + strings.TrimSpace(reason) + " Corrija (Enter em Pendências, tecla p) ou descarte."
}

// ProtoReview says the outbox cannot tell whether Mosia has the follow-up.
func ProtoReview(reason string) string {
	return "A confirmar: " + strings.TrimSpace(reason)
}

// ProtoNotStored says nothing was stored, and why.
func ProtoNotStored(reason string) string { return "Não foi guardada: " + reason }

// ProtoOpenedNotice is the status-bar notice when the follow-up reached Mosia.
func ProtoOpenedNotice(summary string) string { return summary + ": enviada ao Mosia." }

// ---- Busca: TOTVS when the directory misses ----

// UISearchAskingTOTVS says the directory found nobody and TOTVS is being asked.
const UISearchAskingTOTVS = "Ninguém no diretório. Consultando o TOTVS…"

// UISearchFromTOTVS heads results the TOTVS found when the directory had nobody.
func UISearchFromTOTVS(n int) string {
	return "Ninguém no diretório; " + Plural(n, "o TOTVS encontrou 1 pessoa (marcada “do TOTVS”: o diretório ainda não a tem).",
		"o TOTVS encontrou %d pessoas (marcadas “do TOTVS”: o diretório ainda não as tem).")
}

// UISearchNoneAnywhere says neither the directory nor TOTVS found anyone, and what else to try.
func UISearchNoneAnywhere(term string) string {
	return fmt.Sprintf("Nenhum beneficiário encontrado para “%s” (nem no TOTVS). Tente o CPF, a carteirinha, o telefone, "+
		"ou parte do nome.", term)
}

// UISearchTOTVSFailed says the directory found nobody and TOTVS could not be asked.
func UISearchTOTVSFailed(term, why string) string {
	return fmt.Sprintf("Nenhum beneficiário encontrado para “%s” no diretório, e o TOTVS não respondeu: %s "+
		"Enter pergunta ao TOTVS de novo.", term, why)
}

// UISearchFromTOTVSMark marks a result that came from TOTVS.
const UISearchFromTOTVSMark = "do TOTVS"

// UISearchTOTVSGroup heads the results TOTVS found (it does not say their contract).
const UISearchTOTVSGroup = "do TOTVS — ainda não estão no diretório (o contrato aparece ao abrir)"

// ---- Pendências: follow-ups ----

// Pendências texts for follow-ups.
const (
	PendStateReview      = "A confirmar"
	PendStateDiscarded   = "Descartada"
	PendDiscardAsk       = "Descartar esta ação? Ela não será enviada ao Mosia. s descarta, n mantém."
	PendDiscardReviewAsk = "Você conferiu no Mosia e a ação já está lá? s descarta (não envia de novo), n mantém."
	PendDiscarded        = "Ação descartada: não será enviada."
	PendDiscardFailed    = "Não foi possível descartar: tente de novo em instantes."
	PendReviewHint       = "Confira o protocolo no Mosia: r envia de novo, x descarta se já estiver lá."
	// PendRetryCorrectionAction says r does not resend an action Mosia refused: correct it (Enter) or discard it (x).
	PendRetryCorrectionAction = "O Mosia recusou esta ação: tecle Enter nela para corrigir no protocolo, ou x para descartá-la."
	PendDetailAction          = "Ação"
	PendDetailProtocol        = "Protocolo"
	PendFollowUpTitle         = "Ação na fila"
)

// PendCountItems heads Pendências: how many occurrences and actions on protocols wait (PendCount when all are
// occurrences).
func PendCountItems(occurrences, actions int) string {
	acts := Plural(actions, "1 ação em protocolo", "%d ações em protocolos")
	switch {
	case actions == 0:
		return PendCount(occurrences)
	case occurrences == 0:
		return acts + Plural(actions, " ainda não enviada ao Mosia", " ainda não enviadas ao Mosia")
	}
	return Plural(occurrences, "1 ocorrência", "%d ocorrências") + " e " + acts + " ainda não enviadas ao Mosia"
}
