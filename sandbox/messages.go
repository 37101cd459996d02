package sandbox

import "github.com/balcao/balcao/i18n"

// Messages the emulated APIs answer, from the i18n catalogue.
const (
	msgTOTVSUnavailable          = i18n.SandboxTOTVSUnavailable
	msgTOTVSNotFound             = i18n.SandboxTOTVSNotFound
	msgTOTVSBadRequest           = i18n.SandboxTOTVSBadRequest
	msgTOTVSBadGrant             = i18n.SandboxTOTVSBadGrant
	msgTOTVSBadCredentials       = i18n.SandboxTOTVSBadCredentials
	msgTOTVSBadCredentialsDetail = i18n.SandboxTOTVSBadCredentialsDetail
	msgTOTVSBadRefresh           = i18n.SandboxTOTVSBadRefresh
	msgTOTVSBadRefreshDetail     = i18n.SandboxTOTVSBadRefreshDetail
	msgTOTVSUnauthorized         = i18n.SandboxTOTVSUnauthorized
	msgTOTVSUnauthorizedDetail   = i18n.SandboxTOTVSUnauthorizedDetail
	msgTOTVSBadTenant            = i18n.SandboxTOTVSBadTenant
	msgTOTVSBadPage              = i18n.SandboxTOTVSBadPage
	msgMosiaUnavailable          = i18n.SandboxMosiaUnavailable
	msgMosiaNotFound             = i18n.SandboxMosiaNotFound
	msgMosiaUnauthorized         = i18n.SandboxMosiaUnauthorized
	msgMosiaMissingChave         = i18n.SandboxMosiaMissingChave
	msgMosiaBadTotal             = i18n.SandboxMosiaBadTotal
	msgMosiaProtocolsLoaded      = i18n.SandboxMosiaProtocolsLoaded
	msgMosiaNoProtocols          = i18n.SandboxMosiaNoProtocols
	msgMosiaCreated              = i18n.SandboxMosiaCreated
	msgMosiaNoOccurrence         = i18n.SandboxMosiaNoOccurrence
	msgMosiaOccurrenceLoaded     = i18n.SandboxMosiaOccurrenceLoaded
	msgMosiaBadJSON              = i18n.SandboxMosiaBadJSON
	msgMosiaBodyTooLarge         = i18n.SandboxMosiaBodyTooLarge
	msgMosiaFieldRequired        = i18n.SandboxMosiaFieldRequired
	msgMosiaFieldInt             = i18n.SandboxMosiaFieldInt
	msgMosiaFieldBool            = i18n.SandboxMosiaFieldBool
	msgMosiaFieldString          = i18n.SandboxMosiaFieldString
	msgMosiaFieldObject          = i18n.SandboxMosiaFieldObject
	msgMosiaFieldArray           = i18n.SandboxMosiaFieldArray
	msgMosiaUnknownType          = i18n.SandboxMosiaUnknownType
	msgMosiaUnknownSubject       = i18n.SandboxMosiaUnknownSubject
	msgMosiaContentType          = i18n.SandboxMosiaContentType
	msgMosiaNoteAdded            = i18n.SandboxMosiaNoteAdded
	msgMosiaStatusChanged        = i18n.SandboxMosiaStatusChanged
	msgMosiaActivated            = i18n.SandboxMosiaActivated
	msgMosiaNotDraft             = i18n.SandboxMosiaNotDraft
	msgMosiaIsDraft              = i18n.SandboxMosiaIsDraft
	msgMosiaUnknownStatus        = i18n.SandboxMosiaUnknownStatus
	msgMosiaUnknownReason        = i18n.SandboxMosiaUnknownReason
	msgMosiaOutcomeNeedsReason   = i18n.SandboxMosiaOutcomeNeedsReason
	msgMosiaWrongRequester       = i18n.SandboxMosiaWrongRequester
	msgTOTVSContentType          = i18n.SandboxTOTVSContentType
	msgTOTVSBadTokenBody         = i18n.SandboxTOTVSBadTokenBody
	msgTOTVSBadDate              = i18n.SandboxTOTVSBadDate
	msgTOTVSBadBillingParam      = i18n.SandboxTOTVSBadBillingParam
	msgTOTVSMissingKey           = i18n.SandboxTOTVSMissingKey
	msgTOTVSSearchNotFound       = i18n.SandboxTOTVSSearchNotFound
)
