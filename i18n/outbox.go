package i18n

import (
	"fmt"
	"strings"
	"time"
)

// OutboxStatePending labels an occurrence waiting to be sent.
const OutboxStatePending = "Aguardando envio"

// OutboxStateSending labels an occurrence being sent right now.
const OutboxStateSending = "Enviando…"

// OutboxStateSent labels an occurrence Mosia registered.
const OutboxStateSent = "Enviada"

// OutboxStateNeedsCorrection labels an occurrence Mosia refused, waiting for the attendant's correction.
const OutboxStateNeedsCorrection = "Precisa de correção"

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
