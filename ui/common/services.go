// Package common holds what every screen of the console shares: the services it calls, the per-session
// context (size, styles, keys, renderer, logger), and the messages that cross screens.
package common

import (
	"context"
	"errors"
	"time"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Directory searches the beneficiary directory (satisfied by *directory.Directory).
type Directory interface {
	Search(ctx context.Context, q model.Query, limit int) ([]model.Match, error)
	ByCard(ctx context.Context, card string) (model.Beneficiary, bool, error)
}

// TOTVS reads a beneficiary's contract, family, grace periods, authorizations and billing, and searches the plan's
// own register when the directory finds nobody (satisfied by *totvs.Client).
type TOTVS interface {
	Contract(ctx context.Context, card string) (*model.Contract, error)
	Family(ctx context.Context, card string) (*model.Family, error)
	GraceClasses(ctx context.Context, card string) (*model.GraceClasses, error)
	GraceGroups(ctx context.Context, card string) (*model.GraceGroups, error)
	// Authorizations is one page of the card's authorization guides in a window of dates, newest first.
	Authorizations(ctx context.Context, card string, q model.AuthorizationQuery) (*model.Authorizations, error)
	// BillingMonth is the family's billing of a month as the attendant asks for it (billed, or to be billed).
	BillingMonth(ctx context.Context, card string, month, current model.Month) (*model.Billing, error)
	// SearchQuery asks the plan's own search with a classified query; rows are marked model.OriginTOTVS.
	SearchQuery(ctx context.Context, q model.Query) ([]model.Match, error)
}

// Mosia lists a beneficiary's latest protocols and details one (satisfied by *mosia.Client).
type Mosia interface {
	LatestProtocols(ctx context.Context, chaveUnica string, n int) ([]model.Protocol, error)
	Detail(ctx context.Context, protocol string) (*model.ProtocolDetail, error)
}

// Outbox stores occurrences durably and sends them (satisfied by the console's adapter over outbox.Queue and
// outbox.Sender, wired in cmd).
type Outbox interface {
	// Submit commits the occurrence locally first, then tries to send it once now; the item's state says what happened.
	// An error means nothing was stored.
	Submit(ctx context.Context, attendant string, occ model.Occurrence) (OutboxItem, error)
	List(ctx context.Context) ([]OutboxItem, error) // items not yet sent, and sent ones flagged for a person, oldest first
	RetryNow(ctx context.Context, id string) (OutboxItem, error)
	Resubmit(ctx context.Context, id string, occ model.Occurrence) (OutboxItem, error)
	PendingCount(ctx context.Context) (int, error)
	// Cancel gives up an unsent item for good, recording who did it; it is never sent.
	Cancel(ctx context.Context, id, attendant string) (OutboxItem, error)

	// SubmitFollowUp commits an action on an existing protocol (a note, a status change, a draft activation)
	// locally first, then tries to send it once now, like Submit. An error means nothing was stored
	// (errors.Is(err, model.ErrFollowUp) when the action itself is refused; its text is the pt-BR reason).
	SubmitFollowUp(ctx context.Context, attendant string, f model.FollowUp) (OutboxItem, error)
	// ResubmitFollowUp replaces an unsent follow-up's action (corrected) and tries it once now.
	ResubmitFollowUp(ctx context.Context, id string, f model.FollowUp) (OutboxItem, error)
	// ForProtocol lists the follow-ups on a protocol not sent yet, oldest first.
	ForProtocol(ctx context.Context, protocol string) ([]OutboxItem, error)
	// Discard drops a follow-up Mosia refused, or one under review that a person found in Mosia.
	Discard(ctx context.Context, id string) (OutboxItem, error)
	// ResolveFollowUp is a person's decision on a follow-up under review: applied (found in Mosia: marked sent),
	// or not (sent again now).
	ResolveFollowUp(ctx context.Context, id string, applied bool) (OutboxItem, error)
}

// ErrMayHaveReached is Outbox.Cancel's answer for an item an earlier attempt may have delivered: it cannot be
// given up, only checked.
var ErrMayHaveReached = errors.New("an earlier attempt may have reached Mosia")

// OutboxState is where an occurrence is on its way to Mosia.
type OutboxState string

// Outbox states, as the outbox names them.
const (
	OutboxPending         OutboxState = "pending"
	OutboxSending         OutboxState = "sending"
	OutboxSent            OutboxState = "sent"
	OutboxNeedsCorrection OutboxState = "needs_correction"
	OutboxNeedsReview     OutboxState = "needs_review" // the outbox cannot tell alone whether Mosia has it
	OutboxCancelled       OutboxState = "cancelled"    // an attendant gave it up: never sent
	OutboxDiscarded       OutboxState = "discarded"    // a follow-up a person dropped (refused, or found in Mosia)
)

// OutboxKind is what an item asks of Mosia, as the outbox names it.
type OutboxKind string

// Outbox item kinds: a new occurrence, or a follow-up action on an existing protocol (an item without a kind is
// an occurrence).
const (
	KindOccurrence OutboxKind = "occurrence"
	KindNote       OutboxKind = "note"
	KindStatus     OutboxKind = "status"
	KindActivate   OutboxKind = "activate"
)

// OutboxItem is an occurrence, or a follow-up on a protocol, as the console shows it.
type OutboxItem struct {
	ID         string
	Kind       OutboxKind // KindOccurrence for a new occurrence
	Attendant  string
	CreatedAt  time.Time
	Occurrence model.Occurrence // a new occurrence
	FollowUp   model.FollowUp   // a follow-up's action
	Summary    string           // pt-BR: what the item asks of Mosia, one line ("Anotação no protocolo …")
	State      OutboxState
	Attempts   int
	Reason     string // pt-BR: why it is not sent yet (Mosia's message for a correction)
	Protocol   string // the protocol Mosia gave a new occurrence
	NextTry    time.Time
	Flag       string // pt-BR: why a person should look at a sent item
}

// IsFollowUp reports whether the item is an action on an existing protocol.
func (it OutboxItem) IsFollowUp() bool {
	return it.Kind == KindNote || it.Kind == KindStatus || it.Kind == KindActivate
}

// Target is the protocol the item concerns: the one acted on (a follow-up), the one Mosia gave (an occurrence).
func (it OutboxItem) Target() string {
	if it.IsFollowUp() {
		return it.FollowUp.Protocol
	}
	return it.Protocol
}

// OutboxEventMsg tells every open console that an item changed state in the background (sent, retrying, failed).
type OutboxEventMsg struct {
	Item  OutboxItem
	Quiet bool // the screen on view shows this outcome itself (the form correcting it): no flash
}

// OutcomeShower is a screen that shows an outbox item's outcome itself (the occurrence form sending or correcting
// it); the root then keeps the status bar from flashing the same news with another instruction.
type OutcomeShower interface {
	ShowsOutcome(it OutboxItem) bool
}

// Status reports what the status bar shows (the busca server and upstream health).
type Status interface {
	ServerAddr() string  // "" when the busca server is not running
	ServerError() string // pt-BR reason when it could not start (e.g. port taken), else ""
	ServerRequests() int64
	Upstreams() (totvs, mosia Health)
}

// HealthState is what the console knows of an upstream.
type HealthState int

// Upstream health states.
const (
	HealthUnknown HealthState = iota // nothing answered yet
	HealthOK                         // the last call or probe answered in time
	HealthSlow                       // it answers, slowly
	HealthDown                       // the last call or probe failed
)

// Health is one upstream's state and when it was last heard of.
type Health struct {
	State HealthState
	Since time.Time // when it last changed (zero when unknown)
}

// Access is one attendant's look at one person's data, for the access record.
type Access struct {
	Attendant string   // the session's attendant
	Key       string   // the SSH key's fingerprint ("" locally)
	Chave     string   // whose data: the chaveUnica (the card when the directory has none)
	Tabs      []string // what loaded: contrato, familia, carencias, protocolos
}

// Accesses keeps the access record (satisfied by the console's adapter over audit.Log, wired in cmd).
type Accesses interface {
	Opened(ctx context.Context, a Access) error
}

// Services is everything the console calls; one value is shared by every session.
type Services struct {
	Directory Directory
	TOTVS     TOTVS
	Mosia     Mosia
	Outbox    Outbox
	Accesses  Accesses // nil: no access record
	Status    Status
	Drafts    Drafts // nil: typed forms are not kept
	Catalogue config.Catalogue
	Demo      bool   // running on the embedded sandbox and demo directory
	StartTab  string // the Beneficiário tab that opens first (console.start_tab), "" for Resumo
}

// Draft is an occurrence being typed, kept locally so that nothing typed is lost (a crash, Ctrl+C, a closed SSH
// window): one per attendant and beneficiary.
type Draft struct {
	Attendant  string
	Key        string // the beneficiary's card (else chaveUnica)
	Occurrence model.Occurrence
	Updated    time.Time
	Seq        int64 // a later save of the same form has a higher Seq; an older one never overwrites it
}

// Drafts keeps the drafts (satisfied by *drafts.Store, wired in cmd).
type Drafts interface {
	Save(ctx context.Context, d Draft) error
	Load(ctx context.Context, attendant, key string) (Draft, bool, error)
	Delete(ctx context.Context, attendant, key string) error
}

// StateWord is an outbox state in words, the same on every screen (Pendências, the protocol's actions, the history).
func StateWord(s OutboxState) string {
	switch s {
	case OutboxSending:
		return i18n.PendStateSending
	case OutboxNeedsCorrection:
		return i18n.PendStateNeedsCorrection
	case OutboxNeedsReview:
		return i18n.PendStateReview
	case OutboxSent:
		return i18n.PendStateSent
	case OutboxCancelled:
		return i18n.PendStateCancel
	case OutboxDiscarded:
		return i18n.PendStateDiscarded
	}
	return i18n.PendStatePending
}
