package i18n

import (
	"fmt"
	"strings"
)

// ConfigGenHint says how to make a good secret.
const ConfigGenHint = "Gere um bom segredo com: head -c 32 /dev/urandom | base64"

// ConfigUserWithoutPassword refuses server.auth_user without a password.
const ConfigUserWithoutPassword = "com server.auth_user é preciso a senha (BALCAO_SERVER_AUTH_PASSWORD): sem ela, qualquer um pegaria um token. " + ConfigGenHint

// ConfigPasswordWithoutUser refuses server.auth_password without a user.
const ConfigPasswordWithoutUser = "a senha de /autorizacao precisa de um usuário (BALCAO_SERVER_AUTH_USER); sem usuário ela não protege nada"

// ConfigSecretTooShort refuses a static secret shorter than the minimum.
func ConfigSecretTooShort(n, min int) string {
	return fmt.Sprintf("curto demais (%d caracteres; mínimo %d). %s", n, min, ConfigGenHint)
}

// ConfigTLSPair refuses a TLS certificate without its key or the other way round.
const ConfigTLSPair = "informe os dois arquivos (--tls-cert e --tls-key) ou nenhum"

// ConfigOpenToAnyone refuses a busca service beyond loopback without a credential.
func ConfigOpenToAnyone(addr string) string {
	return fmt.Sprintf("o serviço de busca em %s ficaria aberto a qualquer um: configure BALCAO_SERVER_SECRET (ou usuário e senha de /autorizacao). %s", addr, ConfigGenHint)
}

// ConfigNeedsTLS refuses a busca service beyond loopback in plain HTTP without a proxy in front.
func ConfigNeedsTLS(addr string) string {
	return fmt.Sprintf("em %s o tráfego (CPFs, nomes, o segredo) passaria sem criptografia: informe --tls-cert e --tls-key, ou --behind-proxy se um proxy TLS (nginx, Caddy) atende na frente", addr)
}

// ConfigRate refuses a zero or negative per-credential search budget.
const ConfigRate = "o limite de buscas por credencial deve ser maior que zero (server.rate, buscas por segundo, e server.burst)"

// ConfigUnknownColumn refuses a server.columns id the service cannot fill.
func ConfigUnknownColumn(id string, known []string) string {
	return fmt.Sprintf("coluna %q desconhecida; use algumas destas: %v", id, known)
}

// ConfigStartTab says console.start_tab names no tab, and lists the ones it may.
func ConfigStartTab(got string, tabs []string) string {
	return fmt.Sprintf("aba desconhecida %q: use uma de %s", got, strings.Join(tabs, ", "))
}

// ConfigDraftRetention says the draft retention must be positive.
const ConfigDraftRetention = "use uma duração positiva, por exemplo 7d (rascunhos abandonados são apagados depois dela)"

// ConfigIDAndName says a catalogue entry needs an id above zero and a name.
const ConfigIDAndName = "id (maior que zero) e nome são obrigatórios"

// ConfigRepeatedID says a catalogue id appears twice.
func ConfigRepeatedID(id int) string { return fmt.Sprintf("id %d repetido", id) }

// ConfigClosingNeedsReasons says closing statuses need closing reasons to choose from.
const ConfigClosingNeedsReasons = "há status que encerram o protocolo (encerra = true), mas nenhum motivo de " +
	"encerramento: cadastre os motivos do Mosia em [[catalogo.motivos]] (id e nome; veja o README)"
