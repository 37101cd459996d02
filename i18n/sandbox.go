package i18n

// Texts of the TOTVS + Mosia sandbox: the start banner, and the messages the emulated APIs answer
// (vendor wording where the vendors' published examples show it).

// SandboxBanner heads the sandbox start message.
const SandboxBanner = "Sandbox balcão (emulador TOTVS + Mosia) no ar — dados fictícios de demonstração."

// SandboxTOTVSLine shows the TOTVS base URL and credentials: url, user, password.
const SandboxTOTVSLine = "TOTVS Saúde Planos: %s  (usuário %q, senha %q; Basic ou OAuth2 em /api/oauth2/v1/token)"

// SandboxMosiaLine shows the Mosia base URL and token: url, token.
const SandboxMosiaLine = "Mosia Omnichannel:  %s  (header Authorization: %s)"

// SandboxDatasetLine describes the dataset: beneficiaries, seed.
const SandboxDatasetLine = "Base fictícia: %d beneficiários (semente %d). Exemplos: CPF 133.315.847-54, carteirinha 0001.1008.000027.01-0, " +
	"protocolo 1111120240710000017; só no TOTVS (fora do diretório): Larissa Monteiro Duarte, Renato Farias Lins."

// SandboxEnvHint introduces the environment lines to copy.
const SandboxEnvHint = "Para apontar o balcão para este sandbox, copie para o ambiente:"

// SandboxStopHint tells how to stop the sandbox.
const SandboxStopHint = "Pressione Ctrl+C para encerrar."

// SandboxStopped is printed when the sandbox stops.
const SandboxStopped = "Sandbox encerrado."

// SandboxTOTVSUnavailable is the message of an injected TOTVS server error.
const SandboxTOTVSUnavailable = "Serviço temporariamente indisponível. Tente novamente em instantes."

// SandboxTOTVSNotFound answers an unknown TOTVS path.
const SandboxTOTVSNotFound = "Recurso não encontrado."

// SandboxTOTVSBadRequest answers a malformed token request.
const SandboxTOTVSBadRequest = "Requisição inválida."

// SandboxTOTVSBadGrant answers an unsupported grant_type.
const SandboxTOTVSBadGrant = "grant_type inválido: use password ou refresh_token."

// SandboxTOTVSBadCredentials answers wrong user or password at the token endpoint.
const SandboxTOTVSBadCredentials = "Usuário ou senha inválidos."

// SandboxTOTVSBadCredentialsDetail details SandboxTOTVSBadCredentials.
const SandboxTOTVSBadCredentialsDetail = "Confira BALCAO_TOTVS_USER e BALCAO_TOTVS_PASSWORD."

// SandboxTOTVSBadRefresh answers an unknown or used refresh token.
const SandboxTOTVSBadRefresh = "Refresh token inválido ou já utilizado."

// SandboxTOTVSBadRefreshDetail details SandboxTOTVSBadRefresh.
const SandboxTOTVSBadRefreshDetail = "Solicite um novo token com grant_type=password."

// SandboxTOTVSUnauthorized answers a missing, wrong or expired credential.
const SandboxTOTVSUnauthorized = "Não autorizado."

// SandboxTOTVSUnauthorizedDetail details SandboxTOTVSUnauthorized.
const SandboxTOTVSUnauthorizedDetail = "Token ausente, inválido ou expirado: obtenha um novo token ou use Basic."

// SandboxTOTVSBadTenant answers a wrong tenantId header.
const SandboxTOTVSBadTenant = "tenantId inválido: informe empresa e filial (ex.: 01,006001)."

// SandboxTOTVSBadPage answers a bad page or pageSize.
const SandboxTOTVSBadPage = "Parâmetro de paginação inválido: page e pageSize devem ser inteiros maiores que zero."

// SandboxMosiaUnavailable is the message of an injected Mosia server error.
const SandboxMosiaUnavailable = "Serviço temporariamente indisponível. Tente novamente em instantes."

// SandboxMosiaNotFound answers an unknown Mosia path.
const SandboxMosiaNotFound = "Rota não encontrada."

// SandboxMosiaUnauthorized answers a missing or wrong Mosia token.
const SandboxMosiaUnauthorized = "Token inválido ou não informado."

// SandboxMosiaMissingChave answers ultimosProtocolos without chaveUnica.
const SandboxMosiaMissingChave = "O header chaveUnica é obrigatório."

// SandboxMosiaBadTotal answers totalProtocolos outside 1–10.
const SandboxMosiaBadTotal = "O header totalProtocolos deve ser um número entre 1 e 10."

// SandboxMosiaProtocolsLoaded is ultimosProtocolos' success message, as in Mosia's example.
const SandboxMosiaProtocolsLoaded = "Ocorrências carregadas com sucesso."

// SandboxMosiaNoProtocols is ultimosProtocolos' message when the key has none.
const SandboxMosiaNoProtocols = "Nenhuma ocorrência encontrada para este beneficiário."

// SandboxMosiaCreated is the create-occurrence success message.
const SandboxMosiaCreated = "Ocorrência criada com sucesso."

// SandboxMosiaNoOccurrence answers the detail of a protocol the sandbox does not have.
const SandboxMosiaNoOccurrence = "Ocorrência não encontrada."

// SandboxMosiaOccurrenceLoaded is the occurrence detail's success message.
const SandboxMosiaOccurrenceLoaded = "Ocorrência carregada com sucesso."

// SandboxMosiaBadJSON answers a body that is not a JSON object.
const SandboxMosiaBadJSON = "Corpo da requisição inválido: envie um objeto JSON."

// SandboxMosiaBodyTooLarge answers a body over the limit.
const SandboxMosiaBodyTooLarge = "Corpo da requisição grande demais."

// SandboxMosiaFieldRequired answers a missing field: field name.
const SandboxMosiaFieldRequired = "O campo %s é obrigatório."

// SandboxMosiaFieldInt answers a field that must be an integer: field name.
const SandboxMosiaFieldInt = "O campo %s deve ser um número inteiro."

// SandboxMosiaFieldBool answers a field that must be a boolean: field name.
const SandboxMosiaFieldBool = "O campo %s deve ser true ou false."

// SandboxMosiaFieldString answers a field that must be a string: field name.
const SandboxMosiaFieldString = "O campo %s deve ser um texto."

// SandboxMosiaFieldObject answers a field that must be an object: field name.
const SandboxMosiaFieldObject = "O campo %s deve ser um objeto."

// SandboxMosiaFieldArray answers a field that must be an array: field name.
const SandboxMosiaFieldArray = "O campo %s deve ser uma lista."

// SandboxMosiaUnknownType answers an unknown idTipoOcorrencia: id.
const SandboxMosiaUnknownType = "Tipo de ocorrência %d não encontrado."

// SandboxMosiaUnknownSubject answers an idAssunto not under the type: subject id, type id.
const SandboxMosiaUnknownSubject = "Assunto %d não pertence ao tipo de ocorrência %d."

// SandboxSetupHint introduces the line that starts a console on the sandbox: path is the config file written.
func SandboxSetupHint(path string) string {
	return "Configuração para usar este sandbox (URLs, credenciais, catálogo e um diretório com as pessoas da base) " +
		"gravada em " + path + ". Para abrir o console nele, em outro terminal:"
}

// SandboxConfigHeader heads the config file the sandbox writes.
const SandboxConfigHeader = "Gerado por balcao sandbox: aponta o balcão para o sandbox local (dados fictícios). Não use em produção."

// Flags of balcao sandbox that write the console's setup.
const (
	FlagSandboxWriteConfig    = "onde gravar o arquivo de configuração do console para este sandbox (padrão: sandbox/balcao.toml no diretório de dados)"
	FlagSandboxWriteDirectory = "grava o diretório de beneficiários com as pessoas do sandbox neste arquivo SQLite (padrão: o diretório de demonstração em cache)"
)

// SandboxMosiaContentType answers a write without Content-Type: application/json.
const SandboxMosiaContentType = "Envie o corpo como JSON (Content-Type: application/json)."

// SandboxMosiaNoteAdded is the note's success message.
const SandboxMosiaNoteAdded = "Anotação registrada com sucesso."

// SandboxMosiaStatusChanged is the status change's success message.
const SandboxMosiaStatusChanged = "Status da ocorrência alterado com sucesso."

// SandboxMosiaActivated is the activation's success message.
const SandboxMosiaActivated = "Ocorrência ativada com sucesso."

// SandboxMosiaNotDraft refuses activating an occurrence that is not a draft.
const SandboxMosiaNotDraft = "A ocorrência não está em rascunho."

// SandboxMosiaIsDraft refuses changing the status of a draft.
const SandboxMosiaIsDraft = "A ocorrência está em rascunho: ative-a antes de alterar o status."

// SandboxMosiaUnknownStatus answers an idNovoStatus the desk does not have: id.
const SandboxMosiaUnknownStatus = "Status %d não encontrado."

// SandboxMosiaUnknownReason answers an idMotivoEncerramento the desk does not have: id.
const SandboxMosiaUnknownReason = "Motivo de encerramento %d não encontrado."

// SandboxMosiaOutcomeNeedsReason refuses textoDesfecho without idMotivoEncerramento.
const SandboxMosiaOutcomeNeedsReason = "O campo textoDesfecho exige idMotivoEncerramento."

// SandboxMosiaWrongRequester refuses a chaveUnicaSolicitante that is not the occurrence's requester.
const SandboxMosiaWrongRequester = "chaveUnicaSolicitante não confere com o solicitante da ocorrência."

// SandboxTOTVSContentType answers a TOTVS call without Content-Type: application/json (the vendor marks it required).
const SandboxTOTVSContentType = "Cabeçalho Content-Type obrigatório: application/json."

// SandboxTOTVSBadTokenBody answers a token request whose body claims to be JSON but is not.
const SandboxTOTVSBadTokenBody = "Corpo inválido: JSON malformado."

// SandboxTOTVSBadDate answers a date parameter that is not AAAA-MM-DD: parameter=value.
const SandboxTOTVSBadDate = "Data inválida (use AAAA-MM-DD): %s"

// SandboxTOTVSBadBillingParam answers a missing or invalid billing parameter: parameter name.
const SandboxTOTVSBadBillingParam = "Parâmetro %s obrigatório e inválido ou ausente."

// SandboxTOTVSMissingKey answers a search without key.
const SandboxTOTVSMissingKey = "Parâmetro key obrigatório: informe nome, carteirinha ou CPF."

// SandboxTOTVSSearchNotFound answers a search that found nobody.
const SandboxTOTVSSearchNotFound = "Nenhum beneficiário encontrado."
