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

// EnvHelp describes each BALCAO_* variable, for balcao info and the README.
var EnvHelp = map[string]string{
	"BALCAO_TOTVS_URL":             "URL base do TOTVS (…/rest); vazio = demonstração",
	"BALCAO_TOTVS_USER":            "usuário do TOTVS",
	"BALCAO_TOTVS_PASSWORD":        "senha do TOTVS",
	"BALCAO_TOTVS_AUTH":            "basic ou oauth2",
	"BALCAO_TOTVS_TENANT_ID":       "cabeçalho tenantId (empresa,filial), opcional",
	"BALCAO_TOTVS_TIMEOUT":         "tempo máximo de cada chamada ao TOTVS",
	"BALCAO_MOSIA_URL":             "URL base do Mosia; vazio = demonstração",
	"BALCAO_MOSIA_TOKEN":           "token do cliente Mosia (cabeçalho Authorization)",
	"BALCAO_MOSIA_TIMEOUT":         "tempo máximo de cada chamada ao Mosia",
	"BALCAO_DB":                    "arquivo SQLite do diretório de beneficiários",
	"BALCAO_OUTBOX_DB":             "arquivo SQLite das ocorrências pendentes",
	"BALCAO_AUDIT_FILE":            "arquivo SQLite do registro de acessos (quem viu os dados de quem)",
	"BALCAO_ATTENDANT":             "identificação do atendente local",
	"BALCAO_SERVER_ADDR":           "endereço do serviço buscaBeneficiarios",
	"BALCAO_SERVER_PREFIX":         "prefixo do caminho (…/buscaBeneficiarios)",
	"BALCAO_SERVER_SECRET":         "segredo do cabeçalho estático exigido do Mosia",
	"BALCAO_SERVER_SECRET_HEADER":  "nome do cabeçalho do segredo (padrão Authorization)",
	"BALCAO_SERVER_AUTH_USER":      "usuário de /autorizacao",
	"BALCAO_SERVER_AUTH_PASSWORD":  "senha de /autorizacao",
	"BALCAO_SERVER_DISABLED":       "true: o console não sobe o serviço de busca",
	"BALCAO_SERVER_TLS_CERT":       "certificado TLS (PEM) do serviço de busca; recarregado quando muda",
	"BALCAO_SERVER_TLS_KEY":        "chave privada TLS (PEM) do serviço de busca",
	"BALCAO_SERVER_BEHIND_PROXY":   "true: um proxy TLS atende na frente do serviço de busca",
	"BALCAO_SERVER_TOTVS_FALLBACK": "true: o serviço de busca consulta o TOTVS quando o diretório não encontra ninguém",
	"BALCAO_SERVER_TOTVS_TIMEOUT":  "tempo máximo da consulta ao TOTVS feita pelo serviço de busca",
	"BALCAO_SSH_ADDR":              "endereço do servidor SSH",
	"BALCAO_SSH_AUTHORIZED_KEYS":   "arquivo authorized_keys dos atendentes",
	"BALCAO_SSH_HOST_KEY":          "chave do host SSH (gerada uma vez)",
	"BALCAO_SANDBOX_BENEFICIARIES": "tamanho do diretório de demonstração",
	"BALCAO_CONSOLE_START_TAB":     "aba do beneficiário que abre primeiro (resumo, contrato, familia, carencias, protocolos)",
	"BALCAO_LOG":                   "arquivo de log",
	"BALCAO_DEBUG":                 "true: log detalhado",
	"BALCAO_POSTGRES_URL":          "modo frota: URL do PostgreSQL compartilhado (postgres://…); vazio = um computador só",
}

// ConfigError is a configuration problem's message: the key, and what to do.
func ConfigError(key, reason string) string { return fmt.Sprintf("configuração %s: %s", key, reason) }

// ConfigBadDuration refuses a duration it cannot read.
func ConfigBadDuration(v string) string {
	return fmt.Sprintf("duração inválida %q (use por exemplo 10s, 500ms, 2m, 90d)", v)
}

// ConfigUnreadable says the configuration file could not be read.
func ConfigUnreadable(path string, err error) string {
	return fmt.Sprintf("não foi possível ler %s: %v", path, err)
}

// ConfigBadInteger refuses a whole number it cannot read.
func ConfigBadInteger(v string) string { return fmt.Sprintf("número inteiro inválido %q", v) }

// ConfigBadBool refuses a boolean it cannot read.
func ConfigBadBool(v string) string { return fmt.Sprintf("use true ou false, não %q", v) }

// ConfigBadURL refuses a base URL it cannot read.
func ConfigBadURL(v string) string {
	return fmt.Sprintf("URL inválida %q: use http(s)://host[:porta]/caminho", v)
}

// ConfigBothOrNeither asks for both upstream URLs or neither.
const ConfigBothOrNeither = "configure os dois (TOTVS e Mosia) ou nenhum (modo demonstração)"

// ConfigTOTVSCredentials asks for TOTVS's user and password.
const ConfigTOTVSCredentials = "usuário e senha do TOTVS são obrigatórios (BALCAO_TOTVS_USER, BALCAO_TOTVS_PASSWORD)"

// ConfigMosiaToken asks for Mosia's token.
const ConfigMosiaToken = "o token do Mosia é obrigatório (BALCAO_MOSIA_TOKEN)"

// ConfigTOTVSAuth refuses an unknown TOTVS authentication.
func ConfigTOTVSAuth(v string) string { return fmt.Sprintf("use basic ou oauth2, não %q", v) }

// ConfigBadAddr refuses a listen address it cannot read.
func ConfigBadAddr(v string) string {
	return fmt.Sprintf("endereço inválido %q: use HOST:PORTA, por exemplo 127.0.0.1:8089", v)
}

// ConfigPrefix refuses a path prefix of the wrong shape.
const ConfigPrefix = "deve começar com / e não terminar com / (por exemplo /mosia)"

// ConfigDB asks for the directory's file.
const ConfigDB = "informe o arquivo do diretório (BALCAO_DB)"

// ConfigMaxStartups refuses an ssh.max_startups it cannot read.
func ConfigMaxStartups(v string) string {
	return fmt.Sprintf("use início:taxa:máximo, como o OpenSSH (por exemplo 10:30:100), não %q", v)
}

// ConfigAtLeastOne refuses a count below one.
const ConfigAtLeastOne = "deve ser pelo menos 1"

// ConfigAuditRetention refuses an access-record retention under a day.
const ConfigAuditRetention = "deve ser de pelo menos um dia (por exemplo 1826d, cinco anos)"

// ConfigOutboxRetention refuses an outbox retention under a day.
const ConfigOutboxRetention = "deve ser de pelo menos um dia (por exemplo 90d)"

// ConfigLease refuses an outbox lease under two seconds.
const ConfigLease = "deve ser de pelo menos 2s (por exemplo 2m)"

// ConfigCatalogueTypes asks for the catalogue's occurrence types in production.
const ConfigCatalogueTypes = "cadastre os tipos de ocorrência do Mosia no arquivo de configuração (seção [[catalogo.tipos]]; veja o README)"

// ConfigFormIDAndName asks a catalogue form for its id and name.
const ConfigFormIDAndName = "id e nome são obrigatórios"

// ConfigSelectOptions asks a select field for its options.
const ConfigSelectOptions = "um campo select precisa de opções"

// ConfigFieldKey asks a form field for its key.
const ConfigFieldKey = "a chave do campo é obrigatória"

// ConfigFieldKind refuses an unknown form field kind.
func ConfigFieldKind(v string) string {
	return fmt.Sprintf("tipo %q desconhecido: use text, email, phone, cpf ou select", v)
}
