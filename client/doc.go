// Package client is what the upstream clients (client/totvs and client/mosia) share: the HTTP caller (resty)
// with its retries, and the error model.
//
// Every failure is an *Error with a Kind callers branch on, a pt-BR UserMessage, and Sent() telling whether the
// request may have reached the server. Idempotent calls are retried with exponential backoff and jitter on
// connection errors, timeouts, 5xx and 429; a POST is never retried here (the outbox decides). Logs never carry a
// full CPF, name or phone.
package client
