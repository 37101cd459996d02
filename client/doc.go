// Package client talks to the upstreams over HTTP (resty): TOTVS Saúde Planos (beneficiaryPosition; Basic or OAuth2
// bearer, tenantId, pagination, error model) and Mosia Omnichannel (latest protocols, new occurrences).
//
// Every failure is an *Error with a Kind callers branch on, a pt-BR UserMessage, and Sent() telling whether the
// request may have reached the server. GETs and the TOTVS token call are retried with exponential backoff and
// jitter on connection errors, timeouts, 5xx and 429; a POST is never retried here (the outbox decides).
// Logs never carry a full CPF, name or phone.
package client
