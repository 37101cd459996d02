package i18n

import (
	"fmt"
	"strings"
)

// Texts of balcao audit (the access record).
const (
	// AuditShort describes balcao audit.
	AuditShort = "Mostra quem acessou os dados de uma pessoa (registro de acessos, LGPD art. 37)"
	// AuditLong describes balcao audit at length.
	AuditLong = `Lista, do registro de acessos, quem viu os dados de uma pessoa: atendentes que abriram o
beneficiário (e quais abas carregaram), buscas do painel do Mosia que o devolveram e ocorrências
enviadas. É a resposta que a operadora deve ao titular que pergunta quem acessou seus dados.

"balcao audit verify" confere que nenhuma linha foi apagada ou alterada.`
	// AuditVerifyShort describes balcao audit verify.
	AuditVerifyShort = "Confere o encadeamento do registro de acessos (nenhuma linha apagada ou alterada)"
	// FlagAuditChave describes --chave.
	FlagAuditChave = "chave única (CPF) da pessoa"
	// FlagAuditDesde describes --desde.
	FlagAuditDesde = "só acessos a partir desta data (DD/MM/AAAA ou AAAA-MM-DD)"
	// AuditNeedChave says which flag to give.
	AuditNeedChave = "informe de quem: balcao audit --chave 52998224725 [--desde 01/01/2026]"
	// AuditBadSince says the date could not be read.
	AuditBadSince = "data inválida em --desde %q: use DD/MM/AAAA ou AAAA-MM-DD"
	// AuditNone says nobody accessed the person's data in the period.
	AuditNone = "Nenhum acesso registrado aos dados de %s%s."
	// AuditKindBeneficiary describes an attendant opening a beneficiary.
	AuditKindBeneficiary = "abriu o beneficiário"
	// AuditKindSearch describes a search from Mosia's panel.
	AuditKindSearch = "busca do painel do Mosia"
	// AuditKindOccurrence describes an occurrence sent.
	AuditKindOccurrence = "ocorrência enviada ao Mosia"
	// AuditKey labels an SSH key's fingerprint.
	AuditKey = "chave SSH"
	// AuditChainOK says the record's chain holds.
	AuditChainOK = "Registro de acessos íntegro: %d linhas (da %d à %d), nenhuma apagada ou alterada.\nAnote o fim da cadeia para conferir depois que nada foi apagado do final: linha %d, %s\n"
	// AuditChainBroken says the record was tampered with.
	AuditChainBroken = "o registro de acessos foi alterado: %d problema(s) — guarde o arquivo como está e avise a segurança"
	// AuditChainProblem is one break of the chain.
	AuditChainProblem = "  linha %d: %s\n"
)

// AuditHeader heads the list of accesses to chave's data, since a date ("" for all).
func AuditHeader(chave, since string) string {
	if since != "" {
		return fmt.Sprintf("Acessos aos dados de %s desde %s:", chave, since)
	}
	return fmt.Sprintf("Acessos aos dados de %s:", chave)
}

// AuditCount closes the list with how many accesses it had.
func AuditCount(n int) string { return Plural(n, "1 acesso.", "%d acessos.") }

// AuditSince is the " desde DATA" of AuditNone, or "".
func AuditSince(date string) string {
	if date == "" {
		return ""
	}
	return " desde " + date
}

// AuditOthers says how many other people the same line returned (a search lists several).
func AuditOthers(n int) string {
	if n <= 0 {
		return ""
	}
	return Plural(n, " (e mais 1 pessoa)", " (e mais %d pessoas)")
}

// Plural picks the singular text for n == 1 and the plural one otherwise; a "%d" in the chosen text is n.
func Plural(n int, one, many string) string {
	s := many
	if n == 1 || n == -1 {
		s = one
	}
	if strings.Contains(s, "%d") {
		return fmt.Sprintf(s, n)
	}
	return s
}
