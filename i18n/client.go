package i18n

import (
	"fmt"
	"strings"
)

// ServiceTOTVS is how attendants call the TOTVS Saúde Planos upstream.
const ServiceTOTVS = "TOTVS"

// ServiceMosia is how attendants call the Mosia Omnichannel upstream.
const ServiceMosia = "Mosia"

// ServiceUnknown names an upstream the message cannot tell.
const ServiceUnknown = "serviço externo"

// ClientTimeout says an upstream did not answer in time.
func ClientTimeout(svc string) string {
	return fmt.Sprintf("O %s não respondeu a tempo. Tente de novo com r; se persistir, avise o suporte.", svc)
}

// ClientRefused says the connection to an upstream failed or was dropped.
func ClientRefused(svc string) string {
	return fmt.Sprintf("Não foi possível falar com o %s (conexão recusada ou interrompida). "+
		"Verifique a rede e tente de novo com r; se persistir, avise o suporte.", svc)
}

// ClientAuth says an upstream refused balcão's credentials.
func ClientAuth(svc string) string {
	return fmt.Sprintf("O %s recusou as credenciais do balcão. "+
		"Avise o suporte para conferir usuário, senha ou token na configuração.", svc)
}

// ClientNotFound says an upstream did not find what was asked; vendorMsg is the upstream's own text, if any.
func ClientNotFound(svc, vendorMsg string) string {
	if vendorMsg != "" {
		return fmt.Sprintf("O %s respondeu: “%s”. Confira a carteirinha ou a chave e tente de novo.", svc, quoted(vendorMsg))
	}
	return fmt.Sprintf("O %s não encontrou o que foi pedido. Confira a carteirinha ou a chave e tente de novo.", svc)
}

// ClientBadRequest says an upstream rejected the request; vendorMsg is the upstream's own text, if any.
func ClientBadRequest(svc, vendorMsg string) string {
	if vendorMsg != "" {
		return fmt.Sprintf("O %s recusou o pedido: “%s”. Confira os dados informados; "+
			"se estiverem corretos, avise o suporte.", svc, quoted(vendorMsg))
	}
	return fmt.Sprintf("O %s recusou o pedido. Confira os dados informados; se estiverem corretos, avise o suporte.", svc)
}

// ClientServer says an upstream failed on its side (HTTP status when known, 0 otherwise).
func ClientServer(svc string, status int) string {
	if status > 0 {
		return fmt.Sprintf("O %s está com problemas (erro %d). Tente de novo em alguns instantes com r; "+
			"se persistir, avise o suporte.", svc, status)
	}
	return fmt.Sprintf("O %s está com problemas. Tente de novo em alguns instantes com r; se persistir, avise o suporte.", svc)
}

// ClientMalformed says an upstream answered something balcão cannot read.
func ClientMalformed(svc string) string {
	return fmt.Sprintf("O %s respondeu algo que o balcão não entende. Tente de novo com r; "+
		"se persistir, avise o suporte.", svc)
}

// ClientCanceled says the request was canceled before it finished.
func ClientCanceled(svc string) string {
	return fmt.Sprintf("A consulta ao %s foi cancelada. Tente de novo com r se ainda precisar.", svc)
}

// ClientOther says an unexpected failure happened talking to an upstream.
func ClientOther(svc string) string {
	return fmt.Sprintf("Falha inesperada ao falar com o %s. Tente de novo com r; se persistir, avise o suporte.", svc)
}

// ClientMaybeCreated says an occurrence may have been registered although the answer was lost.
func ClientMaybeCreated(svc string) string {
	return fmt.Sprintf("O %s não confirmou a ocorrência (sem resposta a tempo, conexão interrompida ou erro no servidor) "+
		"e ela pode ter sido registrada. Confira os últimos protocolos do beneficiário antes de enviar de novo.", svc)
}

// ClientNoProtocol says an occurrence was accepted but its protocol number could not be learned.
func ClientNoProtocol(svc string) string {
	return fmt.Sprintf("O %s aceitou a ocorrência, mas não informou o número do protocolo. "+
		"Confira os últimos protocolos do beneficiário; não envie de novo.", svc)
}

// ClientTotalProtocolosRange says how many protocols may be asked for.
const ClientTotalProtocolosRange = "A quantidade de protocolos deve ficar entre 1 e 10."

// ClientMissingKey says the request lacks the beneficiary's key (chaveUnica or card).
const ClientMissingKey = "Falta a identificação do beneficiário (chave única ou carteirinha). Abra o beneficiário e tente de novo."

// ClientUnknownError is shown for an error that did not come from the client package.
const ClientUnknownError = "Algo deu errado. Tente de novo com r; se persistir, avise o suporte."

// quoted trims a vendor message for quoting inside a sentence (no trailing period, one line).
func quoted(s string) string {
	return strings.TrimRight(strings.Join(strings.Fields(s), " "), ". ")
}

// ClientBadProtocol says a protocol number is not one (digits only).
const ClientBadProtocol = "número de protocolo inválido"

// ClientBadProtocolAdvice says what to do with an invalid protocol number.
const ClientBadProtocolAdvice = "O número do protocolo não é válido (só dígitos). Abra o protocolo pela aba Protocolos e tente de novo."

// ClientProtocolNotFound says Mosia does not know a protocol; vendorMsg is its own text, if any.
func ClientProtocolNotFound(protocol, vendorMsg string) string {
	if vendorMsg != "" {
		return fmt.Sprintf("O Mosia não encontrou o protocolo %s: “%s”. Confira o número; se ele aparece na aba "+
			"Protocolos, atualize com r e tente de novo.", protocol, quoted(vendorMsg))
	}
	return fmt.Sprintf("O Mosia não encontrou o protocolo %s. Confira o número; se ele aparece na aba Protocolos, "+
		"atualize com r e tente de novo.", protocol)
}

// ClientMaybeApplied says a change to a protocol may have been applied although the answer was lost.
func ClientMaybeApplied(svc string) string {
	return fmt.Sprintf("O %s não confirmou a alteração (sem resposta a tempo, conexão interrompida ou erro no servidor) "+
		"e ela pode ter sido aplicada. Confira o protocolo antes de repetir.", svc)
}

// ClientVendorDetail joins a vendor's message and its detailed message.
func ClientVendorDetail(msg, detail string) string {
	return quoted(msg) + " — " + quoted(detail)
}

// ClientServerSaid says an upstream failed on its side and what it said.
func ClientServerSaid(svc string, status int, vendorMsg string) string {
	return fmt.Sprintf("O %s está com problemas (erro %d: “%s”). Tente de novo em alguns instantes com r; "+
		"se persistir, avise o suporte.", svc, status, quoted(vendorMsg))
}

// ClientCardLength refuses a card of the wrong length before asking TOTVS.
func ClientCardLength(n, want int) string {
	return fmt.Sprintf("A carteirinha informada tem %d dígitos; o TOTVS usa carteirinhas de %d dígitos "+
		"(operadora, empresa, matrícula, tipo e dígito). Confira o número na carteirinha e digite de novo.", n, want)
}

// ClientCardNotDigits refuses a card with letters or symbols before asking TOTVS.
const ClientCardNotDigits = "A carteirinha deve ter só números (17 dígitos, com ou sem pontos). Confira e digite de novo."

// ClientBadWindow refuses an authorization window without valid dates.
const ClientBadWindow = "Período inválido: a data inicial deve vir antes da final. Use [ e ] para mudar o período."

// ClientBadMonth refuses a billing month that does not exist.
const ClientBadMonth = "Mês inválido para o financeiro. Use [ e ] para escolher o mês."
