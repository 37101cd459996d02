package i18n

// Texts of fleet mode (balcão on PostgreSQL): the shared queue, the directory's generations, migrate --to-postgres.

// OutboxSpilled is the reason of an occurrence kept on this machine while the shared database is out of reach.
const OutboxSpilled = "Guardada neste computador: o banco de dados compartilhado não respondeu. Ela vai para a " +
	"fila comum assim que ele voltar e então é enviada; não é preciso digitar de novo."
