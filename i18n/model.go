package i18n

import "fmt"

// FieldTrue is how a logical (SX3 type L) contract field reads when true.
const FieldTrue = "Sim"

// FieldFalse is how a logical (SX3 type L) contract field reads when false.
const FieldFalse = "Não"

// FollowUpBadProtocol refuses a follow-up without a valid protocol number.
const FollowUpBadProtocol = "Protocolo inválido: abra o protocolo na aba Protocolos e tente de novo."

// FollowUpNoAction refuses a follow-up that says nothing to do.
const FollowUpNoAction = "Escolha o que fazer no protocolo: anotação, mudança de status ou ativação do rascunho."

// FollowUpEmptyNote refuses an empty note.
const FollowUpEmptyNote = "Escreva o texto da anotação antes de enviar."

// FollowUpBadText refuses a text with invalid characters.
const FollowUpBadText = "O texto tem caracteres inválidos: apague-os e digite de novo."

// FollowUpNoStatus refuses a status change without a status.
const FollowUpNoStatus = "Escolha o novo status."

// FollowUpNoRequester refuses a status change when the protocol's requester is unknown.
const FollowUpNoRequester = "O Mosia não informou quem abriu este protocolo; atualize o protocolo (r) e tente de novo."

// FollowUpOutcomeNeedsReason refuses an outcome text without a closing reason (the Mosia requires both).
const FollowUpOutcomeNeedsReason = "O desfecho precisa de um motivo de encerramento: escolha o motivo ou apague o texto."

// FollowUpTextTooLong refuses a text over the limit.
func FollowUpTextTooLong(n, limit int) string {
	return fmt.Sprintf("Texto longo demais (%d caracteres; o limite é %d): resuma e envie de novo.", n, limit)
}

// AuthPhases are the words for an authorization guide's phase (BD5_FASE) when the plan sends only the code.
var AuthPhases = map[string]string{
	"1": "Digitação",
	"2": "Conferência",
	"3": "Pronta",
	"4": "Faturada",
}

// AuthStatuses are the words for an authorization guide's situation (BD5_SITUAC) when the plan sends only the code.
var AuthStatuses = map[string]string{
	"1": "Ativa",
	"2": "Cancelada",
	"3": "Bloqueada",
}

// AuthGuideTypes are the words for a guide type (BD5_TIPGUI) when the plan sends no description.
var AuthGuideTypes = map[string]string{
	"01": "Guia de consulta",
	"02": "Guia de SP/SADT",
	"03": "Guia de solicitação de internação",
	"04": "Guia de reembolso",
	"05": "Guia de resumo de internação",
	"06": "Guia de honorários",
	"07": "Guia odontológica",
}

// AuthCodeUnknown renders a code the catalogue has no words for.
func AuthCodeUnknown(code string) string { return "código " + code }

// AuthFieldGuideType labels a guide's type description in its field list.
const AuthFieldGuideType = "Tipo de guia"

// AuthFieldKey labels a guide's key in the plan in its field list.
const AuthFieldKey = "Chave da autorização"
