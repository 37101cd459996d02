package i18n

import (
	"fmt"
	"strings"
)

// ---- root, layout, help ----

// UITooSmallTitle heads the screen shown when the terminal is below the minimum size.
const UITooSmallTitle = "Terminal pequeno demais"

// UITooSmall says the current and minimum sizes and what to do.
func UITooSmall(w, h, minW, minH int) string {
	return fmt.Sprintf("Agora: %d×%d. Mínimo: %d×%d. Aumente a janela ou diminua a fonte.", w, h, minW, minH)
}

// UIHelpTitle heads the full help: the keys of every screen (first column), then the screen's.
const UIHelpTitle = "Ajuda: na primeira coluna as teclas de qualquer tela; depois, as desta tela. ? ou Esc fecha."

// ---- keys: what the footer and the full help say each key does ----

// Help texts of the keys every screen shares.
const (
	UIKeyUp        = "subir"                    // ↑/k moves up
	UIKeyDown      = "descer"                   // ↓/j moves down
	UIKeyPageUp    = "página acima"             // PgUp
	UIKeyPageDown  = "página abaixo"            // PgDn
	UIKeyOpen      = "abrir"                    // Enter opens the selection
	UIKeyBack      = "voltar"                   // Esc goes back
	UIKeyOutbox    = "pendências"               // p opens Pendências
	UIKeyHelp      = "ajuda"                    // ? shows the full help
	UIKeyQuit      = "sair"                     // q quits
	UIKeyForceQuit = "sair sempre"              // Ctrl+C quits even while typing
	UIKeyChoose    = "escolher"                 // ↑/↓ choose a row (the footer's one entry for both)
	UIKeyRefresh   = "atualizar/tentar de novo" // r reloads or retries
)

// Help texts of the Busca keys.
const (
	UIKeySearch     = "buscar"        // / focuses the search field
	UIKeyLeaveField = "sair do campo" // Esc leaves the search field
)

// Help texts of the Beneficiário keys.
const (
	UIKeyNextTab    = "próxima aba"      // Tab
	UIKeyPrevTab    = "aba anterior"     // Shift+Tab
	UIKeyTabs       = "abas"             // the footer's one entry for Tab and 1–4
	UIKeyScroll     = "rolar"            // ↑/↓ scroll a tab that has no rows to choose
	UIKeyMemberUp   = "membro acima"     // ↑ on Família
	UIKeyMemberDown = "membro abaixo"    // ↓ on Família
	UIKeyOpenMember = "abrir membro"     // Enter on Família
	UIKeyRowUp      = "escolher acima"   // ↑ on Autorizações, Protocolos, the Resumo's protocols
	UIKeyRowDown    = "escolher abaixo"  // ↓ there
	UIKeyNew        = "nova ocorrência"  // n
	UIKeyCopy       = "copiar protocolo" // y
	UIKeyMore       = "mais protocolos"  // +
	UIKeyLess       = "menos protocolos" // -
	UIKeyCount      = "quantidade"       // the footer's one entry for + and -
	UIKeySubmit     = "enviar"           // Ctrl+S
)

// ---- status bar ----

// UIStatusDemo marks a console running on the embedded sandbox and demo directory.
const UIStatusDemo = "DEMONSTRAÇÃO"

// UIStatusProd marks a console talking to the real upstreams.
const UIStatusProd = "PRODUÇÃO"

// UIStatusServer renders the busca server's address and request count.
func UIStatusServer(addr string, requests int64) string {
	return fmt.Sprintf("busca %s (%d req.)", addr, requests)
}

// UIStatusServerOff says the busca server is not running in this console.
const UIStatusServerOff = "busca: desligada"

// UIStatusServerErr renders why the busca server could not start.
func UIStatusServerErr(reason string) string { return "busca: " + reason }

// UIStatusPending renders the number of occurrences not yet sent.
func UIStatusPending(n int) string {
	switch n {
	case 0:
		return "nenhuma pendência"
	case 1:
		return "1 pendência (p)"
	}
	return fmt.Sprintf("%d pendências (p)", n)
}

// UIStatusPendingUnknown is shown when the outbox cannot be read.
const UIStatusPendingUnknown = "pendências: ?"

// UINoticeSent says an occurrence reached Mosia and got a protocol.
func UINoticeSent(who, protocol string) string {
	if who == "" {
		return fmt.Sprintf("Ocorrência enviada: protocolo %s", groupDigits(protocol))
	}
	return fmt.Sprintf("Ocorrência de %s enviada: protocolo %s", who, groupDigits(protocol))
}

// UINoticeNeedsCorrection says the Mosia refused an occurrence and it waits in Pendências.
func UINoticeNeedsCorrection(who string) string {
	return fmt.Sprintf("A ocorrência de %s precisa de correção: abra Pendências (p).", who)
}

// ---- Busca ----

// UISearchPrompt is the search field's prompt.
const UISearchPrompt = "Buscar: "

// UISearchPlaceholder hints what can be typed in the search field.
const UISearchPlaceholder = "nome, CPF, carteirinha, telefone ou contrato"

// UISearchHint is shown while the field is empty.
const UISearchHint = "Digite o nome (sem acentos serve), o CPF, a carteirinha, o telefone ou o número do contrato. " +
	"Use ↑/↓ para escolher e Enter para abrir."

// UISearching is shown while a search runs.
const UISearching = "Buscando…"

// UISearchNone says nothing was found and what else to try.
func UISearchNone(term string) string {
	return fmt.Sprintf("Nenhum beneficiário encontrado para “%s”. Tente o CPF, a carteirinha, o telefone, ou parte do nome.", term)
}

// UISearchInvalidCPF warns that the term looks like a CPF with wrong check digits.
func UISearchInvalidCPF(cpf string) string {
	return fmt.Sprintf("CPF com dígitos verificadores inválidos: confira %s (ainda buscamos como chave única).", cpf)
}

// UISearchError says the directory search failed (slow: it ran out of time); the cause is in the log, not on screen.
func UISearchError(slow bool) string {
	if slow {
		return "A busca no diretório demorou demais e foi interrompida. Tente de novo (Enter); se persistir, " +
			"avise o suporte."
	}
	return "A busca no diretório falhou. Tente de novo (Enter); se persistir, avise o suporte (o motivo está no log)."
}

// UINoContract labels the group of results that have no contract.
const UINoContract = "sem contrato"

// UIContractHeader renders a contract group header.
func UIContractHeader(number, description string) string {
	switch {
	case number == "" && description == "":
		return UINoContract
	case number == "":
		return description
	case description == "":
		return "Contrato " + number
	}
	return description + " — contrato " + number
}

// UIBornOn labels a birth date.
const UIBornOn = "nasc."

// ---- Beneficiário ----

// Tab titles of the Beneficiário screen.
const (
	UITabContract  = "Contrato"
	UITabFamily    = "Família"
	UITabGrace     = "Carências"
	UITabProtocols = "Protocolos"
)

// Labels of the Beneficiário header.
const (
	UILabelCPF      = "CPF"
	UILabelCard     = "Carteirinha"
	UILabelContract = "Contrato"
	UILabelBirth    = "Nascimento"
)

// UILoading says what a tab is loading.
func UILoading(what string) string { return "Carregando " + what + "…" }

// What each tab loads (for UILoading).
const (
	UILoadingContract  = "o contrato no TOTVS"
	UILoadingFamily    = "a família no TOTVS"
	UILoadingClasses   = "as classes de carência no TOTVS"
	UILoadingGroups    = "os grupos de carência no TOTVS"
	UILoadingProtocols = "os protocolos no Mosia"
)

// UIRetryHint tells how to retry a failed tab.
const UIRetryHint = "Pressione r para tentar de novo."

// UIEmpty marks an empty contract field.
const UIEmpty = "—"

// UIOtherFields titles contract fields of unknown folders.
const UIOtherFields = "Outros"

// UIExtraFields titles contract fields the TOTVS sent without a description.
const UIExtraFields = "Outros campos"

// UIContractEmpty says the TOTVS returned no contract fields.
const UIContractEmpty = "O TOTVS não retornou campos para este contrato."

// UIFamilyEmpty says the family list is empty.
const UIFamilyEmpty = "O TOTVS não retornou membros da família."

// UIFamilyThis marks the open beneficiary in the family list.
const UIFamilyThis = "●"

// UIFamilyHint tells how to open a member.
const UIFamilyHint = "● em tela · ↑/↓ escolhe, Enter abre o membro."

// Family table headers.
const (
	UIColCard      = "Carteirinha"
	UIColName      = "Nome"
	UIColKinship   = "Parentesco"
	UIColSituation = "Situação"
)

// Grace tab texts.
const (
	UIGraceClasses     = "Classes de carência"
	UIGraceGroups      = "Grupos de carência"
	UIGraceNone        = "Nenhum item retornado pelo TOTVS."
	UIGraceTransfer    = "Beneficiário com transferência de plano: rede anterior e rede atual."
	UIColCode          = "Cód."
	UIColClass         = "Classe"
	UIColGroup         = "Grupo"
	UIColEnd           = "Fim"
	UIColDate          = "Data"
	UIColStatus        = "Situação"
	UIColPrevious      = "Rede anterior"
	UIColCurrent       = "Rede atual"
	UIGraceMoreOnTOTVS = "Há mais itens no TOTVS do que os mostrados."
)

// Protocol tab texts.
const (
	UIColProtocol = "Protocolo"
	UIColType     = "Tipo"
	UIColSubject  = "Assunto"
	UIColRegister = "Registro"
	UIColUpdated  = "Atualização"
	UIProtoNone   = "Nenhum protocolo no Mosia para esta chave única."
)

// UINoChave says protocols cannot be listed because the directory has no chaveUnica for the person.
const UINoChave = "Este beneficiário não tem chave única no diretório: não é possível listar os protocolos no Mosia. " +
	"Busque-o pelo CPF na tela de busca."

// UIScroll says which lines of a long tab are visible and how to see the rest.
func UIScroll(first, last, total int, atTop, atBottom bool) string {
	s := fmt.Sprintf("linhas %d–%d de %d", first, last, total)
	switch {
	case atTop:
		return s + " · ↓ ou PgDn mostra mais abaixo"
	case atBottom:
		return s + " · ↑ ou PgUp volta"
	}
	return s + " · ↑/↓ ou PgUp/PgDn rolam"
}

// UIContractCard labels the contract's card field (fields.card, outside SX3).
const UIContractCard = "Carteirinha"

// UIContractSituation labels the contract's situation field (fields.situation, outside SX3).
const UIContractSituation = "Situação"

// BenAccessNotRecorded is the notice when the access record could not note a beneficiary's opening.
const BenAccessNotRecorded = "Não foi possível gravar este acesso no registro de acessos: avise o suporte (o log tem o motivo)."

// groupDigits writes a protocol in groups of four to be read aloud ("3456 7820 2611 3050 0001").
func groupDigits(s string) string {
	if len(s) <= 4 || strings.Trim(s, "0123456789") != "" {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}
