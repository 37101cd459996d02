package i18n

// Texts of fleet mode (balcão on PostgreSQL): the shared queue, the directory's generations, migrate --to-postgres.

// OutboxSpilled is the reason of an occurrence kept on this machine while the shared database is out of reach.
const OutboxSpilled = "Guardada neste computador: o banco de dados compartilhado não respondeu. Ela vai para a " +
	"fila comum assim que ele voltar e então é enviada; não é preciso digitar de novo."

// ConfigPostgresURL says postgres.url cannot be read.
const ConfigPostgresURL = "URL inválida: use postgres://usuario@servidor:5432/banco?sslmode=verify-full " +
	"(a senha pode ficar em ~/.pgpass ou em PGPASSWORD)"

// ConfigPostgresDemo says fleet mode needs real upstreams.
const ConfigPostgresDemo = "o modo frota precisa de TOTVS e Mosia configurados (totvs.url, mosia.url): a " +
	"demonstração é de um computador só"

// Flags and messages of fleet mode in the commands.
const (
	// FlagPostgres describes --postgres.
	FlagPostgres = "modo frota: URL do PostgreSQL compartilhado por todas as instâncias (postgres.url, BALCAO_POSTGRES_URL)"
	// FleetCannotConnect says the fleet's database cannot be reached at start; %v is the cause.
	FleetCannotConnect = "não foi possível usar o PostgreSQL da frota: %v — confira postgres.url (ou --postgres, " +
		"BALCAO_POSTGRES_URL), a senha (~/.pgpass ou PGPASSWORD), o firewall e se o banco está no ar"
	// FleetSchemaTooNew says the fleet's database was migrated by a newer balcão; %v is the cause.
	FleetSchemaTooNew = "o PostgreSQL da frota já foi atualizado por uma versão mais nova do balcão (%v); esta versão " +
		"não o usa nem o altera — instale neste computador a mesma versão das outras instâncias"
	// FleetNoDirectory says an instance has no local index and cannot build one; %v is the cause.
	FleetNoDirectory = "sem diretório para servir: %v — carregue-o uma vez com \"balcao import --postgres URL " +
		"ARQUIVO.csv\" (ou \"balcao migrate --to-postgres\" num computador que já tem um) e verifique se o banco está no ar"
	// FleetHostKeyPlace names where the fleet's SSH host key lives.
	FleetHostKeyPlace = "no banco da frota (a mesma em todas as instâncias)"
	// FleetServing is what balcao serve prints in fleet mode: the database (no password) and the generation.
	FleetServing = "Modo frota: PostgreSQL %s; índice local na geração %d (atualizado sozinho a cada importação)."
	// FleetImportDest names where a fleet import went: database, generation, time to publish.
	FleetImportDest = "PostgreSQL %s, geração %d (publicada em %s; as instâncias se atualizam sozinhas)"
	// FleetImportNoFiles follows FleetImportDest when the directory's files could not be shipped; %v is why.
	FleetImportNoFiles = "; os arquivos do diretório não foram enviados (%v): as instâncias reconstroem o índice a " +
		"partir dos registros, mais devagar"
)

// Texts of balcao migrate.
const (
	// MigrateShort is balcao migrate's one-line help.
	MigrateShort = "copia os arquivos deste computador para o PostgreSQL da frota"
	// MigrateLong is balcao migrate's help.
	MigrateLong = "Copia para o PostgreSQL da frota o diretório, as ocorrências (com o estado de cada uma) e o " +
		"registro de acessos deste computador, e a chave do host SSH. Pode rodar de novo: nada é copiado duas vezes. " +
		"Pare o balcão deste computador antes. Veja docs/deploy.md."
	// FlagMigrateToPostgres describes --to-postgres.
	FlagMigrateToPostgres = "URL do PostgreSQL de destino (sem valor: postgres.url ou BALCAO_POSTGRES_URL)"
	// MigrateNeedsTarget says migrate needs --to-postgres.
	MigrateNeedsTarget = "diga o destino: balcao migrate --to-postgres [URL]"
	// MigrateNeedsURL says no URL was given nor configured.
	MigrateNeedsURL = "informe a URL: --to-postgres=postgres://… ou postgres.url / BALCAO_POSTGRES_URL"
	// MigrateFailed wraps a failed migration; what was copied stays (running again copies the rest).
	MigrateFailed = "migração interrompida: %v (o que já foi copiado fica; rode de novo para copiar o resto)"
	// MigrateHeader starts the report; %s is the database.
	MigrateHeader = "Copiado para o PostgreSQL %s:"
	// MigrateMissing says a file was not there (nothing to copy); %s is its path.
	MigrateMissing = "  %s não existe: nada a copiar"
	// MigrateDirectory reports the directory: beneficiaries, generation.
	MigrateDirectory = "  diretório: %d beneficiários, geração %d"
	// MigrateDirectorySkipped says the database had a directory already.
	MigrateDirectorySkipped = "  diretório: o banco já tem um e ele fica (para trocá-lo, balcao import --replace --postgres URL ARQUIVO.csv)"
	// MigrateOutbox reports the outbox: added, already there.
	MigrateOutbox = "  ocorrências: %d copiadas, %d já estavam lá"
	// MigrateAudit reports the access record's lines added.
	MigrateAudit = "  registro de acessos: %d linha(s) copiada(s) com o encadeamento"
	// MigrateNext says what to do next.
	MigrateNext = "Agora inicie as instâncias com --postgres (veja docs/deploy.md)."
)

// MigrateHostKey reports where the fleet's SSH host key came from.
func MigrateHostKey(from, path string) string {
	switch from {
	case "arquivo":
		return "  chave do host SSH: a deste computador (" + path + "); os atendentes não veem aviso de chave nova"
	case "nova":
		return "  chave do host SSH: nenhuma neste computador; uma nova foi gerada no banco"
	}
	return "  chave do host SSH: o banco já tinha a da frota, e ela fica"
}

// Rows of balcao info in fleet mode.
const (
	// InfoFleet labels the fleet's database.
	InfoFleet = "Frota (PostgreSQL)"
	// InfoFleetOff says the instance runs on one machine.
	InfoFleetOff = "não: um computador só (SQLite); veja docs/deploy.md"
	// InfoFleetSpill labels the local spill of occurrences.
	InfoFleetSpill = "Ocorrências à espera do banco"
	// InfoFleetAuditQueue labels the local queue of access record lines.
	InfoFleetAuditQueue = "Acessos à espera do banco"
)
