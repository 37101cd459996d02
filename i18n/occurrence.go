package i18n

import "fmt"

// Texts of the Nova ocorrência and Pendências screens (packages ui/occurrence and ui/pending).

// OccTitle is the title of the new-occurrence form.
const OccTitle = "Nova ocorrência"

// OccTitleCorrection is the title of the form when it edits an occurrence Mosia asked to correct.
const OccTitleCorrection = "Corrigir ocorrência"

// OccBeneficiaryLine introduces the beneficiary the occurrence is about.
func OccBeneficiaryLine(name string) string { return "Beneficiário: " + name }

// OccCPF labels a CPF in the header.
const OccCPF = "CPF"

// OccCard labels a TOTVS card in the header.
const OccCard = "Carteirinha"

// OccFieldType labels the occurrence type field.
const OccFieldType = "Tipo"

// OccFieldSubject labels the subject field.
const OccFieldSubject = "Assunto"

// OccFieldRequester labels the requester (solicitante) choice.
const OccFieldRequester = "Solicitante"

// OccFieldOtherName labels the other person's name.
const OccFieldOtherName = "Nome"

// OccFieldOtherKey labels the other person's unique key.
const OccFieldOtherKey = "Chave única (CPF)"

// OccFieldOtherEmail labels the other person's e-mail.
const OccFieldOtherEmail = "E-mail"

// OccFieldOtherPhone labels the other person's phone.
const OccFieldOtherPhone = "Telefone"

// OccFieldContract labels the contract number.
const OccFieldContract = "Contrato"

// OccFieldDraft labels the draft toggle.
const OccFieldDraft = "Rascunho no Mosia"

// OccFieldNote labels the note.
const OccFieldNote = "Anotação"

// OccFieldForm labels the form choice.
const OccFieldForm = "Formulário"

// OccRequesterBeneficiary is the requester choice "the beneficiary themself".
const OccRequesterBeneficiary = "o beneficiário"

// OccRequesterOther is the requester choice "someone else", which reveals name, key, e-mail and phone.
const OccRequesterOther = "outra pessoa"

// OccRequesterFamily is the requester choice of a family member.
func OccRequesterFamily(name, kinship string) string {
	if kinship == "" {
		return "familiar: " + name
	}
	return fmt.Sprintf("familiar: %s (%s)", name, kinship)
}

// OccFormNone is the form choice "no form".
const OccFormNone = "nenhum"

// OccSelectNone is a select field with nothing chosen yet.
const OccSelectNone = "— escolha com ←/→ —"

// OccDraftOn is the draft toggle when on.
const OccDraftOn = "[x] sim: vai ao Mosia como rascunho, sem andamento"

// OccDraftOff is the draft toggle when off.
const OccDraftOff = "[ ] não: vai ativa ao Mosia (espaço alterna)"

// OccNoSubject is shown when the chosen type has no subjects in the catalogue.
const OccNoSubject = "(este tipo não tem assuntos)"

// OccUnknownType names a type id the catalogue no longer has (an item saved under an older catalogue).
func OccUnknownType(id int) string { return fmt.Sprintf("tipo %d (fora do catálogo)", id) }

// OccUnknownSubject names a subject id the catalogue no longer has.
func OccUnknownSubject(id int) string { return fmt.Sprintf("assunto %d (fora do catálogo)", id) }

// OccUnknownForm names a form id the catalogue no longer has.
func OccUnknownForm(id string) string { return fmt.Sprintf("formulário %s (fora do catálogo)", id) }

// OccNotePlaceholder is the note's placeholder.
const OccNotePlaceholder = "O que a pessoa pediu ou relatou (Enter quebra a linha)"

// OccKeyPlaceholder is the other person's key placeholder.
const OccKeyPlaceholder = "CPF, só números ou com pontos"

// OccPhonePlaceholder is a phone placeholder.
const OccPhonePlaceholder = "(11) 98765-4321"

// OccEmailPlaceholder is an e-mail placeholder.
const OccEmailPlaceholder = "nome@exemplo.com.br"

// OccErrRequired says a required field is empty.
const OccErrRequired = "Campo obrigatório: preencha para continuar."

// OccErrEmail says an e-mail is malformed.
const OccErrEmail = "E-mail inválido: use o formato nome@exemplo.com.br."

// OccErrPhone says a phone is malformed.
const OccErrPhone = "Telefone inválido: informe DDD e número, por exemplo (11) 98765-4321."

// OccErrCPF says a CPF's check digits do not match.
const OccErrCPF = "CPF inválido: confira os 11 dígitos (os dois últimos são verificadores)."

// OccErrSelect says a required select field has no option chosen.
const OccErrSelect = "Escolha uma opção com ←/→ ou espaço."

// OccErrFamilyUnknown says the chosen family member has no unique key in the directory.
const OccErrFamilyUnknown = "Este familiar não está no diretório do balcão: escolha \"outra pessoa\" e informe o CPF dele."

// OccErrFamilyLoading says the family member's record is still being looked up.
const OccErrFamilyLoading = "Ainda buscando os dados deste familiar no diretório; aguarde um instante e tecle Ctrl+S de novo."

// OccErrNoKey says the beneficiary has no unique key in the directory, so cannot be the requester.
const OccErrNoKey = "O beneficiário está sem chave única no diretório: escolha \"outra pessoa\" e informe o CPF."

// OccErrNoType says the catalogue has no occurrence types.
const OccErrNoType = "O catálogo não tem tipos de ocorrência: avise o suporte para configurar o catálogo do Mosia."

// OccErrNoOutbox says the console was started without an outbox.
const OccErrNoOutbox = "O envio de ocorrências não está disponível nesta sessão: avise o suporte."

// OccErrInvalid summarises how many fields need fixing before sending.
func OccErrInvalid(n int) string {
	if n == 1 {
		return "Há 1 campo a corrigir (em destaque). Corrija e tecle Ctrl+S de novo."
	}
	return fmt.Sprintf("Há %d campos a corrigir; o primeiro está em destaque. Corrija e tecle Ctrl+S de novo.", n)
}

// OccSubmitFailed says the occurrence could not be stored locally; the form is kept.
const OccSubmitFailed = "Não foi possível guardar a ocorrência neste computador; o que foi digitado continua na tela. " +
	"Tente de novo com Ctrl+S; se persistir, avise o suporte."

// OccSentTitle heads the success screen.
const OccSentTitle = "Ocorrência registrada no Mosia"

// OccSentDraftTitle heads the success screen of a draft.
const OccSentDraftTitle = "Rascunho registrado no Mosia"

// OccProtocolLabel introduces the protocol.
const OccProtocolLabel = "Protocolo"

// OccNoProtocol stands in for a protocol Mosia did not return.
const OccNoProtocol = "(o Mosia não informou o protocolo; confira em Protocolos)"

// OccCopyFailed says the clipboard could not be reached.
const OccCopyFailed = "Não foi possível copiar: este terminal não aceitou a cópia. Anote o protocolo da tela."

// OccPendingTitle heads the "stored, will be sent" screen.
const OccPendingTitle = "Ocorrência guardada com segurança"

// OccPending explains that the occurrence is stored and will be sent when Mosia answers.
func OccPending(localID string) string {
	return fmt.Sprintf("Ocorrência guardada com segurança (nº local %s). Será enviada automaticamente assim que o "+
		"Mosia responder; acompanhe em Pendências (p). Nada do que foi digitado se perdeu.", localID)
}

// OccPendingReason introduces why it was not sent yet.
const OccPendingReason = "Motivo: "

// OccConfirmDiscard asks before discarding typed changes.
const OccConfirmDiscard = "Descartar o que foi digitado? s/n"

// OccKeyNextField is the help of the next-field key.
const OccKeyNextField = "próximo campo"

// OccKeyPrevField is the help of the previous-field key.
const OccKeyPrevField = "campo anterior"

// OccKeyCycleKeys names the keys that cycle a choice in the help.
const OccKeyCycleKeys = "←/→/espaço"

// OccKeyCycle is the help of the keys that cycle a choice.
const OccKeyCycle = "escolher opção"

// OccKeyYes is the help of the confirm key.
const OccKeyYes = "sim, descartar"

// OccKeyNo is the help of the cancel key.
const OccKeyNo = "não, continuar"

// OccKeyReturn is the help of Enter on an outcome screen.
const OccKeyReturn = "voltar"

// PendTitle is the title of the outbox screen.
const PendTitle = "Pendências"

// PendCount says how many occurrences are waiting.
func PendCount(n int) string {
	if n == 1 {
		return "1 ocorrência ainda não enviada ao Mosia"
	}
	return fmt.Sprintf("%d ocorrências ainda não enviadas ao Mosia", n)
}

// PendEmpty is shown when the outbox is empty.
const PendEmpty = "Nada pendente: todas as ocorrências e ações em protocolos foram enviadas ao Mosia."

// PendLoading is shown while the outbox is read.
const PendLoading = "Lendo as pendências…"

// PendListFailed says the outbox could not be read.
const PendListFailed = "Não foi possível ler as pendências guardadas. Tente de novo com r; se persistir, avise o suporte."

// PendStatePending labels an item waiting for its next try.
const PendStatePending = "Pendente"

// PendStateSending labels an item being sent.
const PendStateSending = "Enviando"

// PendStateNeedsCorrection labels an item Mosia refused.
const PendStateNeedsCorrection = "Precisa de correção"

// PendStateSent labels an item that reached Mosia.
const PendStateSent = "Enviada"

// PendColCreated heads the creation time column.
const PendColCreated = "Criada em"

// PendColBeneficiary heads the beneficiary column.
const PendColBeneficiary = "Beneficiário"

// PendColState heads the state column.
const PendColState = "Situação"

// PendColAttempts heads the attempts column.
const PendColAttempts = "Tent."

// PendColNext heads the next-try column.
const PendColNext = "Próxima"

// PendNextNow is the next try when it is due.
const PendNextNow = "agora"

// PendNextNone is the next try of an item that waits for the attendant or is being sent.
const PendNextNone = "—"

// PendNoName stands in for an occurrence without a beneficiary name.
const PendNoName = "(sem nome)"

// PendCorrectHint is appended to an item that needs correction.
const PendCorrectHint = "Enter abre para corrigir."

// PendRetrying says a retry is under way.
const PendRetrying = "Tentando enviar de novo…"

// PendRetrySent says the retry reached Mosia.
func PendRetrySent(protocol string) string {
	return fmt.Sprintf("Enviada ao Mosia: protocolo %s.", protocol)
}

// PendRetryPending says the retry did not reach Mosia yet.
const PendRetryPending = "O Mosia ainda não respondeu; a ocorrência continua guardada e será reenviada automaticamente."

// PendRetryPendingAction is PendRetryPending for an action on a protocol.
const PendRetryPendingAction = "O Mosia ainda não respondeu; a ação continua guardada e será reenviada automaticamente."

// PendRetryCorrection says the retry was refused and needs the attendant.
const PendRetryCorrection = "O Mosia recusou a ocorrência: tecle Enter nela para corrigir."

// PendRetryFailed says the retry could not even start.
const PendRetryFailed = "Não foi possível tentar de novo agora. O envio automático continua; tente r outra vez em instantes."

// PendKeyRetry is the help of r on the outbox screen.
const PendKeyRetry = "tentar de novo"

// PendKeyEdit is the help of Enter on the outbox screen.
const PendKeyEdit = "corrigir"
