package outbox

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// State is where an item is on its way to Mosia.
type State string

// Item states. Sending is Pending with a live lease: a sender is working on it right now.
const (
	Pending         State = "pending"
	Sending         State = "sending"
	Sent            State = "sent"
	NeedsCorrection State = "needs_correction" // Mosia refused its content: the attendant corrects it
	NeedsReview     State = "needs_review"     // the outbox cannot tell alone whether Mosia has it: a person decides
	Cancelled       State = "cancelled"        // an attendant gave it up before it was sent: never sent
	Discarded       State = "discarded"        // a follow-up Mosia refused (or a person could not confirm), dropped by a person
)

// Kind is what an item asks of Mosia.
type Kind string

// Item kinds: a new occurrence, or a follow-up action on an existing protocol.
const (
	KindOccurrence Kind = "occurrence" // open a new occurrence
	KindNote       Kind = "note"       // add a note to a protocol
	KindStatus     Kind = "status"     // change a protocol's status (close it)
	KindActivate   Kind = "activate"   // activate a draft protocol
)

// IsFollowUp reports whether the kind is an action on an existing protocol.
func (k Kind) IsFollowUp() bool { return k == KindNote || k == KindStatus || k == KindActivate }

// kindOf is the item kind of a follow-up ("" when it carries no single action).
func kindOf(f model.FollowUp) Kind {
	switch f.Kind() {
	case model.FollowUpNote:
		return KindNote
	case model.FollowUpStatus:
		return KindStatus
	case model.FollowUpActivate:
		return KindActivate
	}
	return ""
}

// Errors the queue returns where callers branch.
var (
	ErrNotFound       = errors.New("outbox: item not found")
	ErrLeased         = errors.New("outbox: item is being sent by another worker")
	ErrLeaseLost      = errors.New("outbox: lease lost to another worker")
	ErrAlreadySent    = errors.New("outbox: item already sent")
	ErrProtocolTaken  = errors.New("outbox: protocol also held by another item")
	ErrNotUnderReview = errors.New("outbox: item is not waiting for a person")
	ErrHeldBack       = errors.New("outbox: a look-alike item goes first")
	ErrWrongKind      = errors.New("outbox: the item is of another kind")
	ErrNotDiscardable = errors.New("outbox: only a refused or doubtful follow-up can be discarded")
	ErrMayHaveReached = errors.New("outbox: an earlier attempt may have reached Mosia")
)

// settledStates are the states an item never leaves: nothing more will be sent for it.
var settledStates = []State{Sent, Discarded, Cancelled}

// Item is one request an attendant made of Mosia and its delivery record.
type Item struct {
	ID             string
	Kind           Kind
	Attendant      string
	CreatedAt      time.Time
	Occurrence     model.Occurrence // the occurrence to open (KindOccurrence)
	FollowUp       model.FollowUp   // the action on an existing protocol (KindNote, KindStatus, KindActivate)
	State          State
	Attempts       int
	LastError      string // pt-BR reason of the last failure, for the attendant
	Protocol       string // the protocol Mosia gave a new occurrence ("" for follow-ups: see Target)
	FirstAttemptAt time.Time
	LastAttemptAt  time.Time
	NextAttemptAt  time.Time
	SentAt         time.Time
	LeaseOwner     string
	LeaseUntil     time.Time
	Uncertain      bool   // an earlier attempt may have reached Mosia: check before sending again
	Flag           string // pt-BR: why a person should look at a sent item (its protocol is another item's too)
	Purged         bool   // kept past the retention: only the protocol, the times and the attendant remain
}

// ChaveUnica is the beneficiary key the item is filed under (beneficiário, else solicitante).
func (it Item) ChaveUnica() string {
	if it.Kind.IsFollowUp() {
		if it.FollowUp.Beneficiary != "" {
			return it.FollowUp.Beneficiary
		}
		return it.FollowUp.Requester
	}
	return it.Occurrence.ChaveUnica()
}

// Target is the protocol the item concerns: the one acted on for a follow-up, the one Mosia gave a new
// occurrence once sent ("" before).
func (it Item) Target() string {
	if it.Kind.IsFollowUp() {
		return it.FollowUp.Protocol
	}
	return it.Protocol
}

// Summary is a short pt-BR line for lists: what the item asks of Mosia.
func (it Item) Summary() string {
	f := it.FollowUp
	switch it.Kind {
	case KindNote:
		if f.Note == nil {
			return i18n.OutboxSummaryNote(f.Protocol, false, "")
		}
		return i18n.OutboxSummaryNote(f.Protocol, f.Note.Public, clip(f.Note.Text, summaryRunes))
	case KindStatus:
		if f.Status == nil {
			return i18n.OutboxSummaryStatus(f.Protocol, "", "")
		}
		return i18n.OutboxSummaryStatus(f.Protocol, f.Status.StatusName, f.Status.ReasonName)
	case KindActivate:
		return i18n.OutboxSummaryActivate(f.Protocol)
	}
	who := it.Occurrence.Requester.Name
	if b := it.Occurrence.Beneficiary; b != nil && b.Name != "" {
		who = b.Name
	}
	return i18n.OutboxSummaryOccurrence(who, it.Protocol)
}

// summaryRunes is how much of a note a summary shows.
const summaryRunes = 40

// clip cuts s to n runes on one line, marking the cut with "…".
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// Unsent are the states of items not yet sent: pending (sending included), needs_correction and needs_review.
var Unsent = []State{Pending, Sending, NeedsCorrection, NeedsReview}

// alikeKey is the look-alike key of an item: LookAlike for occurrences, the protocol for follow-ups (every
// action on one protocol goes one at a time, in order: a note written before a closing reaches Mosia first).
func alikeKey(it Item) string {
	if it.Kind.IsFollowUp() {
		return followUpAlike + it.FollowUp.Protocol
	}
	return LookAlike(it.Occurrence)
}

// followUpAlike prefixes the look-alike key of follow-ups (no occurrence key starts so: it starts with a key).
const followUpAlike = "acao|"

// LookAlike is what the duplicate check tells items apart by: the beneficiary, the type, the subject and the
// requester. Items sharing it are delivered one at a time (see Store.ClaimDue).
func LookAlike(o model.Occurrence) string {
	return model.NormalizeChave(o.ChaveUnica()) + "|" + strconv.Itoa(o.TypeID) + "|" + strconv.Itoa(o.SubjectID) +
		"|" + model.NormalizeChave(o.Requester.ChaveUnica)
}

// crockford is the alphabet of IDs (Crockford's base32: no I, L, O, U).
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// idState makes IDs of one process strictly increasing, also within one millisecond (monotonic ULID).
var idState struct {
	sync.Mutex
	ms     uint64
	hi, lo uint64 // the last ID's 128 bits
}

// NewID returns a 26-character ULID: 48-bit milliseconds then 80 random bits, sortable by creation time.
func NewID(t time.Time) string {
	ms := uint64(t.UnixMilli()) & (1<<48 - 1)
	var b [16]byte
	_, _ = rand.Read(b[6:])
	binary.BigEndian.PutUint64(b[:8], ms<<16|uint64(binary.BigEndian.Uint16(b[6:8])))
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])

	st := &idState
	st.Lock()
	if ms <= st.ms { // same millisecond (or the clock stepped back): last ID + 1
		hi, lo = st.hi, st.lo+1
		if lo == 0 {
			hi++
		}
	} else {
		st.ms = ms
	}
	st.hi, st.lo = hi, lo
	st.Unlock()

	var out [26]byte
	for i := 25; i >= 0; i-- { // 128 bits → 26 base32 digits, least significant last
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}
