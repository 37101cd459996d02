package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/balcao/balcao/i18n"
)

// ErrorKind classifies a failed upstream call so callers can branch on it.
type ErrorKind int

// Error kinds.
const (
	KindOther      ErrorKind = iota // anything not covered below
	KindTimeout                     // no answer in time (per attempt or the caller's deadline)
	KindRefused                     // connection refused, reset or dropped before an answer
	KindAuth                        // 401/403: credentials rejected
	KindNotFound                    // 404 or TOTVS E001
	KindBadRequest                  // other 4xx, Mosia status:false, or invalid input caught before sending
	KindServer                      // 5xx or 429
	KindMalformed                   // the body could not be decoded
	KindCanceled                    // the caller's context was canceled
)

var kindNames = [...]string{"other", "timeout", "refused", "auth", "not found", "bad request", "server", "malformed", "canceled"}

// String names the kind for logs.
func (k ErrorKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ErrNotFound matches (errors.Is) every error of KindNotFound.
var ErrNotFound = errors.New("not found")

// Reach records whether a request may have reached the server.
type Reach int8

// Reach values.
const (
	ReachUnknown Reach = iota // decide from the kind
	ReachMaybe                // the request may have reached the server
	ReachNo                   // the request provably did not (refused before sending, or a 4xx)
)

// Error is a failed call to TOTVS or Mosia.
type Error struct {
	Kind    ErrorKind
	Op      string // "totvs contract", "mosia criarOcorrencia", … (the first word names the service)
	Status  int    // HTTP status, 0 when there was no answer
	Code    string // vendor error code (TOTVS "E001")
	Message string // vendor message, pt-BR as the vendor wrote it
	Detail  string // vendor detailed message or a short excerpt of an unreadable body
	Err     error  // underlying cause
	Reached Reach  // whether the request may have reached the server (see Sent)
	Advice  string // pt-BR, set by a vendor client when its operation needs a message of its own; wins in UserMessage
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(e.Kind.String())
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Detail != "" {
		b.WriteString(" (" + e.Detail + ")")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) true for KindNotFound.
func (e *Error) Is(target error) bool { return target == ErrNotFound && e.Kind == KindNotFound }

// Sent reports whether the request may have reached the server (so resending could duplicate it).
func (e *Error) Sent() bool {
	switch e.Reached {
	case ReachMaybe:
		return true
	case ReachNo:
		return false
	}
	switch e.Kind {
	case KindTimeout, KindServer, KindMalformed:
		return true
	}
	return false
}

// service names the upstream from the first word of Op.
func (e *Error) service() string {
	op := strings.ToLower(e.Op)
	switch {
	case strings.HasPrefix(op, "totvs"):
		return i18n.ServiceTOTVS
	case strings.HasPrefix(op, "mosia"):
		return i18n.ServiceMosia
	}
	return i18n.ServiceUnknown
}

// Service names the upstream of the error in pt-BR, from the first word of Op.
func (e *Error) Service() string { return e.service() }

// UserMessage says in pt-BR what happened and what to do next.
func (e *Error) UserMessage() string {
	if e.Advice != "" {
		return e.Advice
	}
	svc := e.service()
	switch e.Kind {
	case KindTimeout:
		return i18n.ClientTimeout(svc)
	case KindRefused:
		return i18n.ClientRefused(svc)
	case KindAuth:
		return i18n.ClientAuth(svc)
	case KindNotFound:
		return i18n.ClientNotFound(svc, e.vendorText())
	case KindBadRequest:
		return i18n.ClientBadRequest(svc, e.vendorText())
	case KindServer:
		if v := e.vendorText(); v != "" {
			return i18n.ClientServerSaid(svc, e.Status, v)
		}
		return i18n.ClientServer(svc, e.Status)
	case KindMalformed:
		return i18n.ClientMalformed(svc)
	case KindCanceled:
		return i18n.ClientCanceled(svc)
	}
	return i18n.ClientOther(svc)
}

// vendorText is what the vendor said: its message, with its detailed message when it adds something (TOTVS's
// detailedMessage names the card it did not find). A detail without a message is an excerpt of an unreadable
// body and is not shown.
func (e *Error) vendorText() string {
	msg, det := strings.TrimSpace(e.Message), strings.TrimSpace(e.Detail)
	if msg == "" {
		return ""
	}
	if det == "" || strings.EqualFold(strings.TrimRight(det, ". "), strings.TrimRight(msg, ". ")) {
		return msg
	}
	return i18n.ClientVendorDetail(msg, det)
}

// KindOf returns the kind of err: its *Error's kind, KindCanceled/KindTimeout for context errors, else KindOther.
func KindOf(err error) ErrorKind {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Kind
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	}
	return KindOther
}

// UserMessage returns the pt-BR message for err ("" for nil).
func UserMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.UserMessage()
	}
	switch KindOf(err) {
	case KindCanceled:
		return i18n.ClientCanceled(i18n.ServiceUnknown)
	case KindTimeout:
		return i18n.ClientTimeout(i18n.ServiceUnknown)
	}
	return i18n.ClientUnknownError
}
