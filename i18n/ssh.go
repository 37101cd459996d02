package i18n

import "fmt"

// Texts of balcao ssh (the console over SSH, package sshserver).
const (
	// SSHShort is the one-line description of balcao ssh.
	SSHShort = "Console via SSH: um console por atendente conectado (chaves autorizadas)"
	// FlagSSHAddr describes --addr.
	FlagSSHAddr = "endereço HOST:PORTA do servidor SSH (padrão 127.0.0.1:2222; BALCAO_SSH_ADDR)"
	// FlagSSHAuthorizedKeys describes --authorized-keys.
	FlagSSHAuthorizedKeys = "arquivo authorized_keys com as chaves públicas dos atendentes (BALCAO_SSH_AUTHORIZED_KEYS)"
	// FlagSSHHostKey describes --host-key.
	FlagSSHHostKey = "chave do host SSH (ed25519, gerada na primeira vez e reutilizada; BALCAO_SSH_HOST_KEY)"
	// FlagSSHDemo describes --demo.
	FlagSSHDemo = "acesso aberto para demonstração: sem authorized_keys, aceita qualquer chave, só em 127.0.0.1"

	// SSHNoAccess explains why the server refuses to start without authorized keys.
	SSHNoAccess = "nenhuma chave autorizada: informe --authorized-keys ARQUIVO (ou ssh.authorized_keys na configuração) " +
		"com as chaves públicas dos atendentes; para uma demonstração neste computador, use --demo com um endereço 127.0.0.1"
	// SSHOpenNotLoopback explains that open access is only allowed on loopback.
	SSHOpenNotLoopback = "acesso aberto (--demo) só é permitido em 127.0.0.1 ou localhost, não em %s: " +
		"use --addr 127.0.0.1:PORTA ou informe --authorized-keys ARQUIVO"
	// SSHAuthorizedKeysRead explains an unreadable authorized_keys file.
	SSHAuthorizedKeysRead = "não foi possível ler as chaves autorizadas em %s: %v; confira o caminho e as permissões"
	// SSHAuthorizedKeysEmpty explains an authorized_keys file without any usable key.
	SSHAuthorizedKeysEmpty = "%s não tem nenhuma chave utilizável: acrescente uma linha por atendente, com o nome dele, " +
		"assim: attendant=\"maria\" ssh-ed25519 AAAA… (o conteúdo de ~/.ssh/id_ed25519.pub); veja no log as linhas ignoradas e por quê"
	// SSHKeyLineSkipped names a line of authorized_keys that is not used, and why.
	SSHKeyLineSkipped = "linha %d de %s ignorada: %s"
	// SSHKeyInvalid is a line that is not a public key.
	SSHKeyInvalid = "não é uma chave pública SSH válida (formato: attendant=\"maria\" ssh-ed25519 AAAA… comentário)"
	// SSHKeyNoAttendant is a key without attendant="…".
	SSHKeyNoAttendant = "a chave não diz de qual atendente é: comece a linha com attendant=\"nome\""
	// SSHKeyBadAttendant is an attendant name balcão refuses.
	SSHKeyBadAttendant = "nome de atendente inválido %q: use letras sem acento, dígitos, ponto, hífen, sublinhado ou @, até 64"
	// SSHKeyBadExpiry is an expiry-time balcão cannot read.
	SSHKeyBadExpiry = "expiry-time inválido %q: use AAAAMMDD ou AAAAMMDDHHMM (com Z no fim para UTC)"
	// SSHKeyUnknownOption is an authorized_keys option balcão does not implement (refused, never ignored).
	SSHKeyUnknownOption = "a opção %q não é suportada pelo balcão (só attendant, from e expiry-time): a chave não foi carregada"
	// SSHKeyExpired is a key past its expiry-time.
	SSHKeyExpired = "a chave expirou em %s"
	// SSHAttendantBusy tells an attendant they have too many sessions open.
	SSHAttendantBusy = "balcão: você já tem %d sessões abertas (o máximo por atendente). Feche uma delas e conecte de novo."
	// SSHHostKeyExposed refuses a host key others can read, as OpenSSH does.
	SSHHostKeyExposed = "a chave do host SSH %s pode ser lida por outros usuários (modo %s): rode chmod 600 %s"
	// SSHHostKeyError explains a host key that could not be read or created.
	SSHHostKeyError = "chave do host SSH %s: %v; confira as permissões do diretório ou use --host-key ARQUIVO"
	// SSHListenError explains a port that could not be opened.
	SSHListenError = "não foi possível escutar em %s: %v; a porta pode estar em uso — escolha outra com --addr"

	// SSHOpenBanner is shown to whoever connects to an open (demo) server, before and inside the console.
	SSHOpenBanner = "balcão — acesso aberto (DEMONSTRAÇÃO): qualquer chave entra, só neste computador."
	// SSHOpenNotice is the console notice of an open (demo) server.
	SSHOpenNotice = "Acesso aberto (demonstração): qualquer pessoa neste computador pode entrar."
	// SSHBusy tells an attendant that the server is full.
	SSHBusy = "balcão: o servidor já tem %d atendentes conectados (o máximo). Tente de novo em alguns minutos ou fale com o suporte."
	// SSHGoodbye tells connected attendants that the server is shutting down.
	SSHGoodbye = "O servidor balcão está sendo desligado: a sessão será encerrada. Ocorrências já enviadas ou pendentes estão salvas; conecte de novo em alguns minutos."
	// SSHGoodbyeNotice is the console's one-line notice that the server is shutting down.
	SSHGoodbyeNotice = "Servidor desligando: a sessão será encerrada em instantes (o que foi enviado está salvo)."
	// SSHIdle tells an attendant that a forgotten session was closed.
	SSHIdle = "Sessão do balcão encerrada por inatividade (%s sem uso). Conecte de novo quando precisar."
	// SSHCrashed tells an attendant that the console stopped on an unexpected error.
	SSHCrashed = "O console do balcão parou por um erro inesperado (já registrado no log). Conecte de novo; se repetir, avise o suporte."
)

// SSHNeedsTerminal tells a client that connected without a terminal how to connect.
func SSHNeedsTerminal(port string) string {
	return fmt.Sprintf("balcão precisa de um terminal interativo. Conecte com: ssh -t -p %s atendente@servidor", port)
}

// SSHListening is what balcao ssh prints when it starts.
func SSHListening(addr, fingerprint, hostKeyPath, host, port string, open bool, keys int, keysPath string) string {
	access := fmt.Sprintf("Acesso: %d chave(s) autorizada(s) em %s (o nome de usuário do ssh identifica o atendente).", keys, keysPath)
	if open {
		access = "Acesso ABERTO (demonstração): qualquer chave ou senha entra, só neste computador."
	}
	return fmt.Sprintf("balcão via SSH escutando em %s\n"+
		"Chave do host: %s (%s)\n"+
		"Conecte com:   ssh -p %s atendente@%s\n"+
		"%s\n"+
		"Ctrl+C encerra: os atendentes conectados são avisados e os envios em andamento terminam.\n",
		addr, fingerprint, hostKeyPath, port, host, access)
}
