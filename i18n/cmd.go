package i18n

import "time"

// Texts of the command line (cmd/balcao).
const (
	// ErrorPrefix starts every error printed by the command line.
	ErrorPrefix = "balcao: "
	// CmdShort is the one-line description of balcao.
	CmdShort = "Console de atendimento para operadoras de saúde (Mosia Omnichannel + TOTVS Saúde Planos)"
	// CmdLong is the long description of balcao.
	CmdLong = `balcão identifica quem liga ou chega ao balcão, mostra contrato, família, carências e
protocolos, e abre ocorrências no Mosia — tudo pelo teclado.

Sem configuração, roda em modo DEMONSTRAÇÃO: um sandbox embutido do TOTVS e do Mosia
e um diretório de beneficiários fictícios. Configure BALCAO_TOTVS_URL e BALCAO_MOSIA_URL
(veja "balcao info" e o README) para usar os sistemas reais.`
	// CmdHelpShort describes the help command.
	CmdHelpShort = "Ajuda sobre um comando"
	// FlagHelp describes --help.
	FlagHelp = "mostra esta ajuda"
	// FlagVersion describes --version.
	FlagVersion = "mostra a versão"
	// FlagConfig describes --config.
	FlagConfig = "arquivo de configuração (padrão: $XDG_CONFIG_HOME/balcao/config.toml)"
	// FlagDebug describes --debug.
	FlagDebug = "log detalhado"
	// FlagDB describes --db.
	FlagDB = "arquivo SQLite do diretório de beneficiários (BALCAO_DB)"
	// UsageTemplate is cobra's usage template in pt-BR.
	UsageTemplate = `Uso:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [comando]{{end}}{{if gt (len .Aliases) 0}}

Também: {{.NameAndAliases}}{{end}}{{if .HasExample}}

Exemplos:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Comandos:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Opções:
{{.LocalFlags.FlagUsages}}{{end}}{{if .HasAvailableInheritedFlags}}

Opções globais:
{{.InheritedFlags.FlagUsages}}{{end}}{{if .HasAvailableSubCommands}}

Use "{{.CommandPath}} [comando] --help" para saber mais sobre um comando.{{end}}
`
)

// Texts of balcao info.
const (
	// InfoShort describes balcao info.
	InfoShort = "Mostra onde fica cada coisa (configuração, banco, log) e o modo atual"
	// InfoMode labels the mode.
	InfoMode = "Modo"
	// InfoModeDemo is the demo mode.
	InfoModeDemo = "DEMONSTRAÇÃO (sandbox embutido, dados fictícios)"
	// InfoModeProduction is the production mode.
	InfoModeProduction = "PRODUÇÃO"
	// InfoConfig labels the config file.
	InfoConfig = "Configuração"
	// InfoNoConfigFile says no config file was found at the given path.
	InfoNoConfigFile = "nenhum arquivo (procurado em %s)"
	// InfoDirectory labels the directory database.
	InfoDirectory = "Diretório"
	// InfoDirectoryVersion labels the directory file's version and size.
	InfoDirectoryVersion = "Versão do diretório"
	// InfoDirectoryMissing says the directory file does not exist yet.
	InfoDirectoryMissing = "o arquivo ainda não existe (balcao import cria)"
	// InfoDirectoryEmpty says the directory file holds no directory yet (opening creates it).
	InfoDirectoryEmpty = "ainda sem diretório (criado ao abrir)"
	// InfoOutbox labels the outbox database.
	InfoOutbox = "Pendências"
	// InfoDrafts labels the drafts file.
	InfoDrafts = "Rascunhos"
	// InfoLog labels the log file.
	InfoLog = "Log"
	// InfoCache labels the cache dir.
	InfoCache = "Cache"
	// InfoServer labels the busca service.
	InfoServer = "Serviço de busca"
	// InfoSSH labels the SSH address.
	InfoSSH = "SSH"
	// InfoServerCredential labels what guards the busca service.
	InfoServerCredential = "Credencial da busca"
	// InfoCredentialBoth: a static secret and /autorizacao's user and password.
	InfoCredentialBoth = "segredo estático (BALCAO_SERVER_SECRET) e usuário/senha de /autorizacao"
	// InfoCredentialSecret: a static secret.
	InfoCredentialSecret = "segredo estático (BALCAO_SERVER_SECRET)"
	// InfoCredentialUser: /autorizacao's user and password.
	InfoCredentialUser = "usuário e senha de /autorizacao"
	// InfoCredentialLocal: the local secret, in its file (path).
	InfoCredentialLocal = "segredo local em %s (só loopback; gerado na primeira partida, permissões 600)"
	// InfoHostKey labels the SSH host key.
	InfoHostKey = "Chave do host SSH"
	// InfoEnvHeader introduces the environment variables.
	InfoEnvHeader = "Variáveis de ambiente:"
)

// Texts of balcao import.
const (
	// ImportShort describes balcao import.
	ImportShort = "Carrega beneficiários de um CSV no diretório (com progresso e relatório de linhas ruins)"
	// ImportLong explains balcao import.
	ImportLong = `Carrega beneficiários de um CSV (exportação do Protheus ou planilha) no diretório.

O separador (; ou ,) e a codificação (UTF-8, Windows-1252 ou UTF-16) são detectados. A
primeira linha é o cabeçalho; as colunas aceitas estão no README. Reimportar é seguro: quem
já existe é atualizado. Linhas com problema, e linhas que dão outro nome a um CPF já visto
no arquivo, são listadas com o número da linha e o motivo, e não impedem as boas. Com
--replace o diretório é reconstruído de uma vez: quem estiver buscando nunca vê um
diretório pela metade; um arquivo sem nenhuma linha boa, ou com menos da metade dos
beneficiários de hoje (sem --allow-shrink), é recusado sem mudar nada.`
	// FlagReplace describes --replace.
	FlagReplace = "reconstrói o diretório inteiro a partir do arquivo (troca atômica)"
	// FlagAllowShrink describes --allow-shrink.
	FlagAllowShrink = "com --replace, aceita um arquivo com menos da metade dos beneficiários do diretório atual"
	// FlagMaxBad describes --max-bad.
	FlagMaxBad = "quantas linhas ruins listar no máximo (0 = todas)"
	// ImportCannotRead says the file cannot be read.
	ImportCannotRead = "não foi possível abrir %s: %w"
	// ImportProgress is the progress bar's label.
	ImportProgress = "importando"
	// ImportProgressRate is the progress bar's label with rows and rows/s.
	ImportProgressRate = "importando: %d linhas (%.0f linhas/s)"
	// ImportFailed says the import failed.
	ImportFailed = "importação de %s falhou: %w"
	// ImportSummary reports an import: rows, inserted, updated, bad, conflicts, elapsed, rows/s, encoding, delimiter, db.
	ImportSummary = "%d linhas lidas: %d novas, %d atualizadas, %d com problema, %d em conflito, em %s (%.0f linhas/s; %s, separador %q) → %s\n"
	// ImportBadHeader introduces the bad rows.
	ImportBadHeader = "Linhas com problema (corrija e importe de novo; as demais já foram carregadas):"
	// ImportConflictHeader introduces the rows dropped because another row gives their CPF another name.
	ImportConflictHeader = "Linhas em conflito (mesmo CPF com nomes diferentes no arquivo; ficou a última de cada CPF — confira e importe de novo):"
	// ImportBadRow is one bad row.
	ImportBadRow = "  linha %d: %s\n"
	// ImportBadMore says how many more bad rows were not listed.
	ImportBadMore = "  … e mais %d (use --max-bad 0 para ver todas)\n"
	// ImportHadBadRows is the error when some rows were bad.
	ImportHadBadRows = "%d linha(s) não foram importadas"
)

// Texts of balcao sandbox.
const (
	// SandboxShort describes balcao sandbox.
	SandboxShort = "Sobe só o emulador do TOTVS e do Mosia, para integrar e testar"
	// SandboxLong explains balcao sandbox.
	SandboxLong = `Sobe um emulador do TOTVS Saúde Planos (beneficiaryPosition, token OAuth2) e do Mosia
(últimos protocolos, criar ocorrência) em 127.0.0.1, com uma base fictícia determinística
(as pessoas dos documentos de referência incluídas), e injeta lentidão e falhas quando pedido.`
	// SandboxBadRate says a rate flag is out of range.
	SandboxBadRate = "%s deve estar entre 0 e 1 (recebido %v)"
	// SandboxBadSize says the dataset size is out of range.
	SandboxBadSize = "--beneficiaries deve estar entre 1 e 2.000.000 (recebido %d)"
	// FlagSandboxAddr describes --addr.
	FlagSandboxAddr = "endereço HOST:PORTA onde escutar"
	// FlagSandboxBeneficiaries describes --beneficiaries.
	FlagSandboxBeneficiaries = "quantos beneficiários fictícios gerar (até 2.000.000)"
	// FlagSandboxSeed describes --seed.
	FlagSandboxSeed = "semente da base fictícia (mesma semente, mesmos dados)"
	// FlagSandboxLatency describes --latency.
	FlagSandboxLatency = "atraso fixo em cada resposta (ex.: 200ms)"
	// FlagSandboxJitter describes --jitter.
	FlagSandboxJitter = "atraso aleatório extra, até este valor"
	// FlagSandboxFailRate describes --fail-rate.
	FlagSandboxFailRate = "fração das respostas que falham com 5xx (0 a 1)"
	// FlagSandboxHangRate describes --hang-rate.
	FlagSandboxHangRate = "fração das chamadas que nunca respondem (0 a 1)"
	// FlagSandboxDropRate describes --drop-rate.
	FlagSandboxDropRate = "fração das conexões derrubadas sem resposta (0 a 1)"
	// FlagSandboxDropAfterCreate describes --drop-after-create.
	FlagSandboxDropAfterCreate = "fração das ocorrências criadas cuja resposta se perde (0 a 1)"
	// FlagSandboxTokenTTL describes --token-ttl.
	FlagSandboxTokenTTL = "validade do token OAuth2 do TOTVS"
	// FlagSandboxTOTVSUser describes --totvs-user.
	FlagSandboxTOTVSUser = "usuário aceito pelo TOTVS emulado"
	// FlagSandboxTOTVSPassword describes --totvs-password.
	FlagSandboxTOTVSPassword = "senha aceita pelo TOTVS emulado"
	// FlagSandboxMosiaToken describes --mosia-token.
	FlagSandboxMosiaToken = "token aceito pelo Mosia emulado"
)

// Texts of the runtime wiring.
const (
	// RuntimeNoDirectory says the directory file does not exist yet.
	RuntimeNoDirectory = "o diretório de beneficiários %s não existe: carregue-o com \"balcao import ARQUIVO.csv\" (ou rode sem BALCAO_TOTVS_URL/BALCAO_MOSIA_URL para a demonstração)"
)

// Texts of balcao console.
const (
	// ConsoleShort describes balcao console.
	ConsoleShort = "O console do atendente (o padrão quando nenhum comando é dado)"
	// FlagConsoleServerAddr describes --server-addr.
	FlagConsoleServerAddr = "endereço do serviço buscaBeneficiarios que o console sobe (padrão 127.0.0.1:8089)"
	// FlagConsoleNoServer describes --no-server.
	FlagConsoleNoServer = "não sobe o serviço buscaBeneficiarios"
	// ConsoleNeedsTerminal wraps a terminal failure of the console.
	ConsoleNeedsTerminal = "o console precisa de um terminal interativo: %w"
	// ConsoleServerDisabled is the status when the busca server is off.
	ConsoleServerDisabled = "desligada"
	// ConsolePortTaken is the status when the busca server's port is taken.
	ConsolePortTaken = "porta %s ocupada"
)

// Texts of balcao serve.
const (
	// ServeShort describes balcao serve.
	ServeShort = "Sobe só o serviço buscaBeneficiarios que o painel do Mosia chama (produção)"
	// ServeLong explains balcao serve.
	ServeLong = `Atende POST <prefixo>/buscaBeneficiarios (e /autorizacao, /healthz, /metrics) sobre o
diretório de beneficiários. Sem segredo configurado (BALCAO_SERVER_SECRET), só escuta em
loopback. Logs em JSON na saída de erro; SIGTERM encerra terminando as requisições em curso.`
	// FlagServeAddr describes --addr.
	FlagServeAddr = "endereço HOST:PORTA (padrão: server.addr, 127.0.0.1:8089)"
	// FlagServeTLSCert describes --tls-cert.
	FlagServeTLSCert = "certificado TLS (PEM, com a cadeia); relido quando o arquivo muda (server.tls_cert)"
	// FlagServeTLSKey describes --tls-key.
	FlagServeTLSKey = "chave privada TLS (PEM, permissões 600) do certificado (server.tls_key)"
	// FlagServeBehindProxy describes --behind-proxy.
	FlagServeBehindProxy = "um proxy TLS (nginx, Caddy) atende na frente: aceita HTTP sem TLS fora do loopback e lê o endereço do cliente em X-Forwarded-For (server.behind_proxy)"
	// FlagServeDemo describes --demo.
	FlagServeDemo = "usa o diretório de demonstração (beneficiários fictícios do sandbox)"
	// ServeCannotListen says the address could not be bound.
	ServeCannotListen = "não foi possível escutar em %s (porta ocupada ou sem permissão?): %w"
	// ServeListening reports where the service listens: scheme, address and path, directory file, row count.
	ServeListening = "buscaBeneficiarios em %s://%s (diretório %s, %d beneficiários)\n"
	// ServeLocalSecretNote says which secret guards the loopback service when none is configured (its file).
	ServeLocalSecretNote = "Sem credencial configurada: só esta máquina pode buscar, com o segredo local guardado em %s (envie-o no cabeçalho Authorization)."
	// ServeLocalSecret explains a local secret file that could not be made or read (file, error).
	ServeLocalSecret = "segredo local do serviço de busca %s: %w"
	// ServeTLSOn says the service answers only HTTPS.
	ServeTLSOn = "TLS ligado (TLS 1.2 ou mais; o certificado é relido quando o arquivo muda): HTTP sem TLS é recusado."
)

// FlagError wraps a command-line error: the error, then the command whose --help to read.
const FlagError = "%v (veja \"%s --help\")"

// Texts of argument errors.
const (
	// ArgsNone says an unexpected argument or unknown command was given: the argument, the command path.
	ArgsNone = "argumento ou comando desconhecido %q (veja \"%s --help\")"
	// ArgsExact says the wrong number of arguments was given: usage, how many were given, the command path.
	ArgsExact = "uso: balcao %s (recebi %d argumento(s); veja \"%s --help\")"
)

// InfoDraftsWhat says where the forms being typed are kept and for how long an abandoned one stays.
func InfoDraftsWhat(path, retention string) string {
	return path + " (ocorrências sendo digitadas; apagadas ao enviar ou descartar, e as abandonadas após " + retention + ")"
}

// Days renders a duration in whole days when it is one ("7 dias"), else as Go writes it.
func Days(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return Plural(int(d/(24*time.Hour)), "1 dia", "%d dias")
	}
	return d.String()
}

// Error prefixes naming the file a command could not open (path, cause).
const (
	ErrDirectoryFile = "diretório %s: %w"
	// DirectoryBrokenBuild says what to do with a directory file an earlier build wrote wrong (over 1 GiB).
	DirectoryBrokenBuild = "O arquivo do diretório foi gravado por uma versão anterior do balcão com um defeito que " +
		"aparece em diretórios acima de 1 GB: parte dele não pode ser lida. Nada foi alterado. Importe o diretório " +
		"de novo com \"balcao import --replace ARQUIVO.csv\" (o mesmo arquivo da última importação completa)."
	ErrOutboxFile = "pendências %s: %w"
	ErrAuditFile  = "registro de acessos %s: %w"
	ErrDraftsFile = "rascunhos %s: %w"
)

// MigrateFromConfig is --to-postgres given without a URL: the configured one.
const MigrateFromConfig = "(configuração)"
