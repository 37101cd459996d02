package i18n

import (
	"fmt"
	"strings"
	"time"
)

// OutboxCauseRefused is the short cause "no connection / connection dropped".
const OutboxCauseRefused = "sem conexão com o Mosia ou conexão interrompida"

// OutboxCauseTimeout is the short cause "no answer in time".
const OutboxCauseTimeout = "o Mosia não respondeu a tempo"

// OutboxCauseNoProtocol is the short cause "accepted, but the answer had no protocol".
const OutboxCauseNoProtocol = "o Mosia aceitou o pedido mas não informou o protocolo"

// OutboxCauseOther is the short cause for an unexpected failure.
const OutboxCauseOther = "falha inesperada na comunicação com o Mosia"

// OutboxCauseServer is the short cause "Mosia answered with a server error".
func OutboxCauseServer(status int) string {
	if status == 0 {
		return "o Mosia respondeu com erro interno"
	}
	return fmt.Sprintf("o Mosia respondeu com erro %d", status)
}

// OutboxRetrying is an item's reason after a temporary failure: it is kept and resent automatically.
func OutboxRetrying(cause string) string {
	return fmt.Sprintf("Não enviada ainda: %s. A ocorrência está guardada e será reenviada automaticamente; "+
		"não é preciso digitar de novo (tecle r em Pendências para tentar agora).", cause)
}

// OutboxMaybeReached is appended when an attempt may have reached Mosia: the next one checks first.
const OutboxMaybeReached = " A tentativa anterior pode ter chegado ao Mosia: antes de reenviar, o balcão " +
	"confere os últimos protocolos do beneficiário para não duplicar."

// OutboxVerifyFailed is an item's reason when the duplicate check itself failed.
func OutboxVerifyFailed(cause string) string {
	return fmt.Sprintf("Não foi possível conferir se a tentativa anterior chegou ao Mosia (%s). "+
		"A ocorrência está guardada; o balcão confere de novo em instantes e só reenvia se ela não estiver lá.", cause)
}

// OutboxAuth is an item's reason when Mosia refused the integration token (a configuration problem).
const OutboxAuth = "O Mosia recusou o token da integração (HTTP 401/403). A ocorrência está guardada e será " +
	"reenviada sozinha quando o acesso voltar; avise o suporte para conferir o token do Mosia na configuração."

// OutboxEndpoint is an item's reason when Mosia does not know the occurrence address (a configuration problem).
const OutboxEndpoint = "O Mosia não reconheceu o endereço de criação de ocorrências (HTTP 404). A ocorrência está " +
	"guardada e será reenviada sozinha; avise o suporte para conferir o endereço do Mosia na configuração."

// OutboxCorrectInPending ends a refusal's reason: where to correct it.
const OutboxCorrectInPending = " Corrija os dados em Pendências (tecla p) e envie de novo."

// OutboxNeedsCorrection is an item's reason when Mosia refused its content: the attendant must edit it. Mosia's
// message is quoted without its own final stop (no `."."`).
func OutboxNeedsCorrection(mosiaMsg string) string {
	if mosiaMsg == "" {
		return "O Mosia recusou a ocorrência sem dizer o motivo. Confira tipo, assunto, solicitante e contrato em " +
			"Pendências (tecla p), corrija e envie de novo; se estiver tudo certo, avise o suporte."
	}
	return "O Mosia recusou a ocorrência: “" + strings.TrimRight(strings.TrimSpace(mosiaMsg), ".") + "”." +
		OutboxCorrectInPending
}

// MosiaRefusal is a refusal's reason without where to correct it (for the screen where it is being corrected).
func MosiaRefusal(reason string) string {
	return strings.TrimSuffix(reason, OutboxCorrectInPending)
}

// OutboxStalled is appended once an item failed many times in a row.
func OutboxStalled(attempts int) string {
	return fmt.Sprintf(" Já foram %d tentativas sem sucesso: avise o suporte.", attempts)
}

// OutboxFlagShared says a sent item's protocol is another item's too: a person must check Mosia.
func OutboxFlagShared(protocol string) string {
	return "O Mosia deu o protocolo " + protocol + " também a outra ocorrência desta fila. Confira no Mosia se as duas " +
		"chegaram (o texto de cada uma) e dispense o aviso."
}

// OutboxFlagTwoProtocols says Mosia may hold two occurrences for one item.
func OutboxFlagTwoProtocols(recorded, other string) string {
	return "Esta ocorrência foi registrada com o protocolo " + recorded + ", mas o Mosia também respondeu com " + other +
		": pode haver duas no Mosia. Confira e encerre a repetida."
}

// OutboxReviewUnreadableDate parks an item whose duplicate check met a date it cannot read.
func OutboxReviewUnreadableDate(protocol string) string {
	return "Não sabemos se esta ocorrência já chegou ao Mosia: o protocolo " + protocol + " é parecido, mas a data " +
		"dele veio num formato que não entendemos. Confira no Mosia: se for esta, informe o protocolo; se não, " +
		"mande de novo."
}

// OutboxHeldBack says an occurrence waits for an earlier one for the same beneficiary, type and subject.
const OutboxHeldBack = "Aguardando o envio de outra ocorrência parecida (mesmo beneficiário, tipo e assunto): " +
	"as duas seguem uma de cada vez, para que nenhuma se perca nem se repita."

// OutboxCancelledBy is a cancelled item's reason: who gave it up and when.
func OutboxCancelledBy(attendant string, at time.Time) string {
	return fmt.Sprintf("Cancelada por %s em %s.", attendant, at.In(saoPaulo()).Format("02/01/2006 15:04"))
}

// saoPaulo is the attendants' time zone (UTC-3 when the zone database is missing).
func saoPaulo() *time.Location {
	if loc, err := time.LoadLocation("America/Sao_Paulo"); err == nil {
		return loc
	}
	return time.FixedZone("BRT", -3*3600)
}

// OutboxSummaryOccurrence is a list's line for a new occurrence: for whom, and its protocol once it has one.
func OutboxSummaryOccurrence(who, protocol string) string {
	switch {
	case who == "" && protocol == "":
		return "Nova ocorrência"
	case protocol == "":
		return "Nova ocorrência para " + who
	case who == "":
		return "Ocorrência " + protocol
	}
	return "Ocorrência " + protocol + " para " + who
}

// OutboxSummaryNote is a list's line for a note: the protocol, public or internal, and the note's start.
func OutboxSummaryNote(protocol string, public bool, text string) string {
	kind := "interna"
	if public {
		kind = "pública"
	}
	if text == "" {
		return fmt.Sprintf("Anotação %s no protocolo %s", kind, protocol)
	}
	return fmt.Sprintf("Anotação %s no protocolo %s: “%s”", kind, protocol, text)
}

// OutboxSummaryStatus is a list's line for a status change: the protocol, the new status and the reason.
func OutboxSummaryStatus(protocol, status, reason string) string {
	switch {
	case status == "":
		return "Mudança de status do protocolo " + protocol
	case reason == "":
		return fmt.Sprintf("Protocolo %s para “%s”", protocol, status)
	}
	return fmt.Sprintf("Protocolo %s para “%s” (%s)", protocol, status, reason)
}

// OutboxSummaryActivate is a list's line for a draft activation.
func OutboxSummaryActivate(protocol string) string {
	return "Ativar o rascunho " + protocol
}

// OutboxFollowUpRefused is a follow-up's reason when Mosia refused it: the attendant corrects it or drops it.
func OutboxFollowUpRefused(mosiaMsg string) string {
	if mosiaMsg == "" {
		return "O Mosia recusou a ação no protocolo sem dizer o motivo. Corrija e envie de novo, ou descarte-a se " +
			"não fizer mais sentido; se estiver tudo certo, avise o suporte."
	}
	return fmt.Sprintf("O Mosia recusou a ação no protocolo: %q. Corrija e envie de novo, ou descarte-a se não "+
		"fizer mais sentido.", mosiaMsg)
}

// OutboxProtocolNotFound is a follow-up's reason when Mosia does not find its protocol (HTTP 404).
func OutboxProtocolNotFound(protocol string) string {
	return "O Mosia não encontrou o protocolo " + protocol + " (HTTP 404). A ação está guardada e será reenviada " +
		"sozinha; confira o número do protocolo e avise o suporte para conferir o endereço do Mosia na configuração."
}

// OutboxMaybeApplied is appended when an attempt of a follow-up may have reached Mosia: the next one checks first.
const OutboxMaybeApplied = " A tentativa anterior pode ter chegado ao Mosia: antes de reenviar, o balcão " +
	"confere o protocolo para não repetir a ação."

// OutboxReviewNote parks a note whose arrival the outbox cannot check: the protocol's detail does not list notes.
func OutboxReviewNote(protocol string) string {
	return "Não sabemos se esta anotação chegou ao Mosia: a resposta se perdeu e o Mosia não lista as anotações " +
		"do protocolo " + protocol + " para conferir. Abra o protocolo no Mosia: se a anotação estiver lá, " +
		"confirme que chegou; se não, mande de novo."
}

// OutboxReviewNoteUndated parks a note whose possible twin in Mosia has no date to compare.
func OutboxReviewNoteUndated(protocol string) string {
	return "Não sabemos se esta anotação chegou ao Mosia: o protocolo " + protocol + " tem uma anotação igual, mas " +
		"sem data para conferir se é esta. Confira no Mosia: se for esta, confirme que chegou; se não, mande de novo."
}

// OutboxReviewStatus parks a status change when the protocol changed since the first attempt by someone else, or
// its update time cannot be read: resending could undo another person's change.
func OutboxReviewStatus(protocol string) string {
	return "Não sabemos se a mudança de status chegou ao Mosia: o protocolo " + protocol + " mudou depois da nossa " +
		"tentativa (ou não informou quando mudou). Confira no Mosia: se o status estiver como pedido, confirme que " +
		"chegou; se não, mande de novo."
}

// OutboxFollowUpWaits says a follow-up waits for an earlier action on the same protocol.
const OutboxFollowUpWaits = "Aguardando o envio de uma ação anterior no mesmo protocolo: as ações de um protocolo " +
	"seguem uma de cada vez, na ordem em que foram feitas."
