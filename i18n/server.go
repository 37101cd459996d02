package i18n

import "fmt"

// Texts of the buscaBeneficiarios service (package server). They reach the attendant through Mosia's panel
// as the "mensagem" of a {"status":"false"} body, so each says what to try next.

// ServerNotFound is the answer when no beneficiary matches the criteria.
const ServerNotFound = "Nenhum beneficiário encontrado. Confira o CPF, a carteirinha (17 dígitos) ou o nome completo e tente novamente; se a pessoa não for beneficiária, cadastre o atendimento como não beneficiário."

// ServerNoCriterion is the answer when the request names no search criterion.
const ServerNoCriterion = "Informe ao menos um critério de busca: CPF, nome, carteirinha, chave única, número do contrato ou telefone."

// ServerBirthDateAlone is the answer when only a birth date is given.
const ServerBirthDateAlone = "A data de nascimento sozinha não identifica o beneficiário: informe também o nome, o CPF ou a carteirinha."

// ServerBadJSON is the answer to a body that is not a JSON object.
const ServerBadJSON = "Requisição inválida: envie um objeto JSON com os critérios de busca, por exemplo {\"cpf\":\"12345678909\"}."

// ServerUnauthorized is the answer to missing or wrong credentials.
const ServerUnauthorized = "Acesso não autorizado: confira o cabeçalho de segurança (ou o grupo de autorização) configurado na integração do Mosia."

// ServerBadLogin is the answer of /autorizacao to a wrong usuario or senha.
const ServerBadLogin = "Usuário ou senha inválidos: confira o grupo de autorização configurado na integração do Mosia."

// ServerAuthDisabled is the answer of /autorizacao when no usuario/senha is configured.
const ServerAuthDisabled = "A autorização por usuário e senha não está habilitada neste serviço: use o cabeçalho de segurança estático ou peça ao administrador para configurá-la."

// ServerTooLarge is the answer to a body over the size limit.
const ServerTooLarge = "Requisição grande demais (limite de 64 KiB): envie apenas os critérios de busca."

// ServerMethodNotAllowed is the answer to a method other than the endpoint's.
const ServerMethodNotAllowed = "Método não permitido: use POST com Content-Type application/json."

// ServerNotFoundPath is the answer to an unknown path.
const ServerNotFoundPath = "Endereço não encontrado: o endpoint de busca termina em /buscaBeneficiarios e o de autorização em /autorizacao."

// ServerUnavailable is the answer when the beneficiary directory cannot be read.
const ServerUnavailable = "Busca de beneficiários indisponível no momento. Tente novamente em instantes; se persistir, avise o suporte."

// ServerInternal is the answer to an unexpected failure.
const ServerInternal = "Erro inesperado na busca de beneficiários. Tente novamente; se persistir, avise o suporte."

// ServerInvalidCPF is the answer to a cpf field without 11 digits.
const ServerInvalidCPF = "CPF inválido: informe os 11 dígitos, com ou sem pontuação."

// ServerInvalidCard is the answer to a card field that is neither a 17-digit card nor a known registration.
const ServerInvalidCard = "Carteirinha inválida: informe os 17 dígitos da carteirinha, com ou sem pontuação."

// ServerInvalidPhone is the answer to a phone field that is not a Brazilian phone.
const ServerInvalidPhone = "Telefone inválido: informe DDD e número, por exemplo (11) 98765-4321."

// ServerInvalidDate is the answer to an unreadable dataNascimento.
const ServerInvalidDate = "Data de nascimento inválida: use DD/MM/AAAA (por exemplo 05/08/1994) ou AAAA-MM-DD."

// ServerInvalidName is the answer to a nome with no letters.
const ServerInvalidName = "Nome inválido: informe ao menos uma palavra do nome, por exemplo \"joao silva\"."

// ServerFieldType is the answer to a criterion whose value is not text or a number.
func ServerFieldType(key string) string {
	return fmt.Sprintf("O campo %q deve ser texto ou número: corrija o valor enviado.", key)
}

// ServerNeedsCredential refuses to build a busca service without a credential.
const ServerNeedsCredential = "o serviço de busca precisa de uma credencial: um segredo (BALCAO_SERVER_SECRET, 16 caracteres ou mais) ou usuário e senha de /autorizacao"

// ServerNameTooShort is the answer to a name-only search without a word of min letters.
func ServerNameTooShort(min int) string {
	return fmt.Sprintf("Nome curto demais para buscar sozinho: informe ao menos uma palavra com %d letras ou mais (por exemplo o sobrenome), ou junte outro critério como a data de nascimento, o CPF ou a carteirinha.", min)
}

// ServerWaitCredential is the answer while a client that failed its credential too often must wait.
func ServerWaitCredential(seconds int) string {
	return fmt.Sprintf("Muitas tentativas com credencial errada a partir deste endereço: aguarde %d s e confira o segredo (ou o usuário e a senha) configurado na integração do Mosia.", seconds)
}

// ServerRateLimited is the answer to a credential past its search budget.
const ServerRateLimited = "Muitas buscas em pouco tempo com esta credencial: aguarde um instante e tente de novo. Se o volume for legítimo, peça ao administrador para aumentar server.rate."

// ServerTLSUnreadable explains a TLS file that cannot be read (path, error).
const ServerTLSUnreadable = "não foi possível ler o arquivo TLS %s: %v; confira o caminho em --tls-cert/--tls-key (server.tls_cert, server.tls_key)"

// ServerTLSKeyOpen refuses a TLS private key others may read (path, mode).
const ServerTLSKeyOpen = "a chave privada TLS %s pode ser lida por outros usuários (permissões %v): proteja-a com chmod 600 e inicie de novo"

// ServerTLSBadPair explains a certificate and key that do not load together (cert, key, error).
const ServerTLSBadPair = "o certificado %s e a chave %s não formam um par válido: %v; confira se são PEM e se a chave é a do certificado"

// ServerLocalSecretOpen refuses a local secret file others may read (path, mode).
const ServerLocalSecretOpen = "o segredo local do serviço de busca %s pode ser lido por outros usuários (permissões %v): apague-o (um novo será gerado) ou proteja-o com chmod 600"

// ServerLocalSecretBad refuses a local secret file that is not a usable secret (path).
const ServerLocalSecretBad = "o segredo local do serviço de busca %s está vazio ou curto demais: apague-o, um novo será gerado na próxima vez"

// Headers of the busca answer's columns (the first seven as Mosia's integration page shows them).
const (
	ColName         = "Nome"
	ColBirth        = "Nasc."
	ColRG           = "RG"
	ColMatricula    = "Matricula"
	ColMother       = "Nome da Mãe"
	ColContract     = "Número Contrato"
	ColContractDesc = "Descrição Contrato"
	ColChave        = "Chave única"
	ColCPF          = "CPF"
	ColCard         = "Carteirinha"
	ColPhone        = "Telefone"
	ColEmail        = "E-mail"
	ColSituation    = "Situação"
)
