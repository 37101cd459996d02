package i18n

import (
	"fmt"
	"strings"
)

// ---- console: keys added for the attendants' day (issue: every key counts, nothing typed is lost) ----

// Help texts of keys shared by several screens.
const (
	UIKeyHome       = "início"                  // g/Home
	UIKeyEnd        = "fim"                     // G/End
	UIKeyHistory    = "enviadas nesta sessão"   // h
	UIKeyClear      = "limpar o campo"          // Ctrl+U
	UIKeyClearField = "limpar a busca"          // Esc on the results: clear and type again
	PendKeyDetail   = "ver texto completo"      // v on Pendências
	PendKeyCancel   = "cancelar pendência"      // x on Pendências
	UIKeyResume     = "retomar rascunho"        // n when a draft is kept
	UIKeyCancelYes  = "cancelar a ocorrência"   // s answers "cancel this pending item?"
	UIKeyCancelNo   = "manter"                  // n answers it
	UIKeyLeaveSend  = "sair (o envio continua)" // Esc while sending
)

// ---- quitting ----

// UIQuitAsk asks before quitting with a form being typed or occurrences not yet delivered; the answer keys follow.
func UIQuitAsk(drafts, sending, pending int) string {
	var why []string
	if drafts > 0 {
		why = append(why, "há uma ocorrência sendo digitada (o rascunho fica guardado e volta quando você abrir o beneficiário)")
	}
	if sending > 0 {
		why = append(why, "uma ocorrência está sendo enviada agora")
	}
	if pending > 0 {
		why = append(why, Plural(pending, "1 ocorrência ainda não chegou ao Mosia", "%d ocorrências ainda não chegaram ao Mosia")+
			" (ficam guardadas; o envio continua quando o balcão estiver aberto)")
	}
	return "Sair? " + strings.Join(why, "; ") + ". s sai, n continua."
}

// ---- status bar ----

// UIStatusHealth renders an upstream's state on the bar ("TOTVS ok", "Mosia lento", "TOTVS falha", and "TOTVS …"
// while nothing answered yet).
func UIStatusHealth(name string, state int) string {
	switch state {
	case 1:
		return name + " ok"
	case 2:
		return name + " lento"
	case 3:
		return name + " falha"
	}
	return name + " …"
}

// ---- Beneficiário: Resumo and the tab list ----

// Tab titles added to the Beneficiário screen.
const (
	UITabSummary = "Resumo"
)

// Resumo labels.
const (
	UISumSocialName = "Nome social"
	UISumPlan       = "Plano"
	UISumContract   = "Contrato"
	UISumSituation  = "Situação"
	UISumGrace      = "Carências"
	UISumFamily     = "Família"
	UISumProtocols  = "Últimos protocolos"
	UISumWarnings   = "Atenção"
	UISumNoWarnings = "Nada a destacar nas outras abas."
	UISumLoading    = "carregando…"
	UISumFailed     = "não carregou (r tenta de novo)"
	UISumNoGrace    = "nenhuma em curso"
)

// UISumBlocked renders a block: "Bloqueado desde 10/02/2025 · motivo".
func UISumBlocked(situation, date, reason string) string {
	s := situation
	if date != "" {
		s += " desde " + date
	}
	if reason != "" {
		s += " · " + reason
	}
	return s
}

// UISumGraceRunning says how many grace periods run and which ends first.
func UISumGraceRunning(n int, next, what string) string {
	s := Plural(n, "1 em curso", "%d em curso")
	if next != "" {
		s += " · a próxima termina em " + next
		if what != "" {
			s += " (" + what + ")"
		}
	}
	return s
}

// UISumFamilySize says how many people the family has.
func UISumFamilySize(n int) string { return Plural(n, "1 pessoa", "%d pessoas") }

// UISumWarnTab prefixes a warning with the tab it comes from: "Carências: 2 em curso".
func UISumWarnTab(tab, text string) string { return tab + ": " + text }

// Warnings the Resumo gathers from the other tabs.
const (
	UIWarnBlocked      = "plano bloqueado"
	UIWarnFutureBlock  = "bloqueio futuro marcado"
	UIWarnLoadFailed   = "não carregou (r tenta de novo)"
	UIWarnMembersBlock = "há membro bloqueado"
)

// UIWarnGraceRunning says grace periods are running.
func UIWarnGraceRunning(n int) string {
	return Plural(n, "1 carência em curso", "%d carências em curso")
}

// UIWarnOpenProtocols says protocols are still open.
func UIWarnOpenProtocols(n int) string {
	return Plural(n, "1 protocolo em aberto", "%d protocolos em aberto")
}

// UIDraftKept offers a draft left open back: when it was last typed, and the key.
func UIDraftKept(when string) string {
	return "Há um rascunho de ocorrência guardado (" + when + "): n retoma."
}

// UIProtoHeaderN says how many protocols are listed (of how many asked) and how to change it.
func UIProtoHeaderN(shown, asked int) string {
	switch {
	case shown == 0:
		return "Protocolos no Mosia (+/- muda a quantidade, 1 a 10)"
	case shown == 1:
		return "Último protocolo no Mosia (+/- muda a quantidade, 1 a 10; y copia o selecionado)"
	case shown < asked:
		return fmt.Sprintf("Os %d protocolos no Mosia (+/- muda a quantidade, 1 a 10; y copia o selecionado)", shown)
	}
	return fmt.Sprintf("Últimos %d protocolos no Mosia (+/- muda a quantidade, 1 a 10; y copia o selecionado)", shown)
}

// UIProtocolCopied says a protocol was copied.
func UIProtocolCopied(p string) string { return "Protocolo " + p + " copiado." }

// UIGraceRunningCase highlights a running grace period in the case TOTVS uses for the others ("Em carência até").
func UIGraceRunningCase(until string) string {
	if until == "" {
		return "Em carência"
	}
	return "Em carência até " + until
}

// ---- Busca ----

// UISearchCountN summarises the results with proper plurals.
func UISearchCountN(n, contracts int, capped bool) string {
	s := Plural(n, "1 resultado", "%d resultados") + " em " + Plural(contracts, "1 contrato", "%d contratos")
	if capped {
		s += " — mostrando os primeiros; refine a busca"
	}
	return s + ". Enter abre, n nova ocorrência."
}

// UISearchPosition says which results are in view when they do not all fit.
func UISearchPosition(first, last, total int) string {
	return fmt.Sprintf("resultados %d–%d de %d · PgUp/PgDn, g/G", first, last, total)
}

// UISearchPartialCPF says how many digits a CPF being typed still lacks.
func UISearchPartialCPF(missing int) string {
	return Plural(missing, "Falta 1 dígito para um CPF completo.", "Faltam %d dígitos para um CPF completo.")
}

// UISearchByPhone says a result was found by its phone.
func UISearchByPhone(phone string) string { return "pelo telefone " + phone }

// ---- session history ----

// History screen texts.
const (
	UIHistTitle = "Ocorrências e ações enviadas nesta sessão"
	UIHistEmpty = "Nada enviado nesta sessão ainda."
	UIHistHint  = "Enter abre · y copia (sem espaços) · Esc volta"
	UIHistNoPro = "aguardando protocolo"
)

// UIHistCount says how many occurrences and actions the session sent.
func UIHistCount(n int) string {
	return Plural(n, "1 envio nesta sessão", "%d envios nesta sessão")
}

// Short labels of the Beneficiário header on narrow terminals.
const (
	UILabelBirthShort    = "Nasc."
	UILabelCardShort     = "Cart."
	UILabelContractShort = "Contr."
)

// Contrato: the section of what is looked for first.
const (
	UIContractMain        = "Principais"
	UIContractCompany     = "Empresa"
	UIContractSubcontract = "Subcontrato"
)

// ---- Nova ocorrência ----

// OccDraftResumed says the form opened on a draft left open.
const OccDraftResumed = "Rascunho retomado: o que foi digitado antes está de volta. Esc descarta, Ctrl+S envia."

// OccLeftWhileSending says the form was left while its occurrence was being sent.
const OccLeftWhileSending = "A ocorrência continua guardada na fila de envio: o protocolo aparece aqui embaixo e em h."

// OccTitleCorrected is the title once a correction was sent.
const OccTitleCorrected = "Correção enviada"

// OccCorrectionOnly introduces Mosia's refusal on the correction screen (where the form is already open).
const OccCorrectionOnly = "O Mosia pediu correção. Corrija os campos abaixo e tecle Ctrl+S para enviar de novo."

// OccOutcomeHint tells what to do on the outcome screens.
const OccOutcomeHint = "y copia o protocolo (sem espaços) · Enter volta"

// OccPendingOutcomeHint tells what to do on the pending outcome screen.
const OccPendingOutcomeHint = "Enter volta · p abre Pendências"

// OccSendingFor is the sending line with the seconds waited.
func OccSendingFor(elapsed string) string {
	if elapsed == "" {
		return "Enviando… (Esc sai; a ocorrência fica guardada)"
	}
	return "Enviando… " + elapsed + " (Esc sai; a ocorrência fica guardada)"
}

// OccSideContract titles the contract beside the form.
const OccSideContract = "Contrato"

// OccSideProtocols titles the last protocols beside the form.
const OccSideProtocols = "Últimos protocolos"

// ---- Pendências ----

// Pendências: cancelling and the detail.
const (
	PendCancelAsk    = "Cancelar esta ocorrência? Ela não será enviada ao Mosia (fica registrado que foi você). s cancela, n mantém."
	PendCancelled    = "Ocorrência cancelada: não será enviada."
	PendCancelFailed = "Não foi possível cancelar: ela pode estar sendo enviada agora. Tente de novo em instantes."
	// PendCancelMayHaveReached refuses cancelling an item an earlier attempt may have delivered.
	PendCancelMayHaveReached = "Não dá para cancelar: uma tentativa anterior pode ter chegado ao Mosia. O balcão confere antes de reenviar; se ela existir, anote ou encerre o protocolo no Mosia."
	PendDetailTitle          = "Ocorrência na fila"
	PendDetailHint           = "Esc fecha · ↑/↓ rolam"
	PendDetailNote           = "Anotação"
	PendDetailReason         = "Situação"
	PendDetailWho            = "Beneficiário"
	PendDetailAsked          = "Solicitante"
	PendDetailType           = "Tipo / assunto"
	PendDetailWhen           = "Criada em"
	PendDetailTries          = "Tentativas"
	PendDetailDraft          = "Contrato"
	PendStateCancel          = "Cancelada"
)
