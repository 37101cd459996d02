package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Queue is the durable queue of requests to Mosia: what may happen to an item, and when, over a Store.
// It is safe for concurrent use, also by several processes sharing one store.
type Queue struct {
	st Store
}

// NewQueue builds the queue over a store.
func NewQueue(st Store) *Queue { return &Queue{st: st} }

// Close closes the store.
func (q *Queue) Close() error { return q.st.Close() }

// Submit stores a new occurrence as pending and commits it (durably) before anything is sent.
func (q *Queue) Submit(ctx context.Context, attendant string, occ model.Occurrence) (Item, error) {
	now := time.Now()
	it := Item{ID: NewID(now), Kind: KindOccurrence, Attendant: attendant, CreatedAt: now, Occurrence: occ, State: Pending}
	if err := q.st.Insert(ctx, it); err != nil {
		return Item{}, fmt.Errorf("outbox submit: %w", err)
	}
	return it, nil
}

// SubmitFollowUp stores an action on an existing protocol (a note, a status change, a draft activation) as
// pending and commits it (durably) before anything is sent; attendant is the console's attendant, and
// f.AttendantID their Mosia idAtendente. A follow-up that fails model.FollowUp.Check is refused (nothing is
// stored; the error's text is the pt-BR reason, and errors.Is(err, model.ErrFollowUp)).
func (q *Queue) SubmitFollowUp(ctx context.Context, attendant string, f model.FollowUp) (Item, error) {
	if err := f.Check(); err != nil {
		return Item{}, err
	}
	now := time.Now()
	f.Protocol = strings.TrimSpace(f.Protocol)
	it := Item{ID: NewID(now), Kind: kindOf(f), Attendant: attendant, CreatedAt: now, FollowUp: f, State: Pending}
	if err := q.st.Insert(ctx, it); err != nil {
		return Item{}, fmt.Errorf("outbox submit follow-up: %w", err)
	}
	return it, nil
}

// ResubmitFollowUp replaces the action of an unsent follow-up (the attendant corrected the note, chose another
// status) and makes it due now; it must stay on the same protocol and of the same kind.
func (q *Queue) ResubmitFollowUp(ctx context.Context, id string, f model.FollowUp) error {
	if err := f.Check(); err != nil {
		return err
	}
	return q.update(ctx, "resubmit follow-up", id, func(it *Item) error {
		if err := editable(*it, time.Now()); err != nil {
			return err
		}
		if !it.Kind.IsFollowUp() || kindOf(f) != it.Kind || strings.TrimSpace(f.Protocol) != it.FollowUp.Protocol {
			return ErrWrongKind
		}
		f.Protocol = it.FollowUp.Protocol
		it.FollowUp, it.State, it.NextAttemptAt, it.LastError = f, Pending, time.Time{}, ""
		it.LeaseOwner, it.LeaseUntil = "", time.Time{}
		return nil
	})
}

// ForProtocol returns the follow-ups on a protocol, oldest first: only the unsent ones, or with all every one
// kept (sent and discarded too).
func (q *Queue) ForProtocol(ctx context.Context, protocol string, all bool) ([]Item, error) {
	protocol = strings.TrimSpace(protocol)
	if protocol == "" {
		return nil, nil
	}
	f := Filter{Target: protocol, States: Unsent}
	if all {
		f.States = nil
	}
	items, err := q.st.List(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("outbox for protocol: %w", err)
	}
	return items, nil
}

// Discard drops a follow-up a person decided not to send: one Mosia refused (needs_correction), or one whose
// arrival could not be confirmed (needs_review) and that the person found in Mosia. It is kept as discarded;
// new occurrences are never discarded.
func (q *Queue) Discard(ctx context.Context, id string, at time.Time) error {
	return q.update(ctx, "discard", id, func(it *Item) error {
		if !it.Kind.IsFollowUp() || (it.State != NeedsCorrection && it.State != NeedsReview) {
			return ErrNotDiscardable
		}
		it.State, it.SentAt, it.Uncertain, it.NextAttemptAt = Discarded, at, false, time.Time{}
		it.LeaseOwner, it.LeaseUntil = "", time.Time{}
		return nil
	})
}

// MarkDone records a follow-up as applied in Mosia, whoever holds the lease. ErrAlreadySent when it was before.
func (q *Queue) MarkDone(ctx context.Context, id string, at time.Time) error {
	return q.update(ctx, "done", id, func(it *Item) error {
		if !it.Kind.IsFollowUp() {
			return ErrWrongKind
		}
		if it.State == Sent {
			return ErrAlreadySent
		}
		it.State, it.SentAt, it.LastError = Sent, at, ""
		it.LeaseOwner, it.LeaseUntil, it.Uncertain = "", time.Time{}, false
		return nil
	})
}

// ResolveFollowUp is a person's decision on a follow-up under review: applied when they found it in Mosia (the
// item is marked sent), otherwise it is sent again, now.
func (q *Queue) ResolveFollowUp(ctx context.Context, id string, applied bool, at time.Time) error {
	return q.update(ctx, "resolve follow-up", id, func(it *Item) error {
		switch {
		case !it.Kind.IsFollowUp():
			return ErrWrongKind
		case it.State != NeedsReview:
			return fmt.Errorf("%w: state %s", ErrNotUnderReview, it.State)
		case applied:
			it.State, it.SentAt, it.LastError = Sent, at, ""
		default:
			it.State, it.NextAttemptAt, it.LastError = Pending, time.Time{}, ""
		}
		it.Uncertain = false
		return nil
	})
}

// Get returns one item.
func (q *Queue) Get(ctx context.Context, id string) (Item, error) {
	it, err := q.st.Get(ctx, id)
	if err != nil {
		return Item{}, fmt.Errorf("outbox get %s: %w", id, err)
	}
	return it, nil
}

// List returns the items in the given states (all items when none is given), oldest first. Pending also
// matches items being sent right now (stored as Sending).
func (q *Queue) List(ctx context.Context, states ...State) ([]Item, error) {
	items, err := q.st.List(ctx, Filter{States: withSending(states)})
	if err != nil {
		return nil, fmt.Errorf("outbox list: %w", err)
	}
	return items, nil
}

// Attention returns what a person should see, oldest first: the items not sent yet, and the sent ones carrying a
// flag.
func (q *Queue) Attention(ctx context.Context) ([]Item, error) {
	items, err := q.st.List(ctx, Filter{States: Unsent, Flagged: true})
	if err != nil {
		return nil, fmt.Errorf("outbox attention: %w", err)
	}
	return items, nil
}

// PendingCount counts the items not sent yet: pending (sending included) and needs_correction.
func (q *Queue) PendingCount(ctx context.Context) (int, error) {
	n, err := q.st.Count(ctx, Unsent)
	if err != nil {
		return 0, fmt.Errorf("outbox pending count: %w", err)
	}
	return n, nil
}

// withSending adds Sending to states that ask for Pending.
func withSending(states []State) []State {
	if slices.Contains(states, Pending) && !slices.Contains(states, Sending) {
		return append(slices.Clone(states), Sending)
	}
	return states
}

// Resubmit replaces the occurrence of an unsent item (after the attendant corrected it) and makes it due now.
// The item keeps its attempt history: if an earlier attempt may have reached Mosia, it is still checked first.
func (q *Queue) Resubmit(ctx context.Context, id string, occ model.Occurrence) error {
	return q.update(ctx, "resubmit", id, func(it *Item) error {
		if err := editable(*it, time.Now()); err != nil {
			return err
		}
		if it.Kind != KindOccurrence {
			return ErrWrongKind
		}
		it.Occurrence, it.State, it.NextAttemptAt, it.LastError = occ, Pending, time.Time{}, ""
		it.LeaseOwner, it.LeaseUntil = "", time.Time{}
		return nil
	})
}

// RetryNow makes an unsent item due now (a needs_correction item goes back to pending unchanged).
func (q *Queue) RetryNow(ctx context.Context, id string) error {
	return q.update(ctx, "retry", id, func(it *Item) error {
		if err := editable(*it, time.Now()); err != nil {
			return err
		}
		it.State, it.NextAttemptAt, it.LeaseOwner, it.LeaseUntil = Pending, time.Time{}, "", time.Time{}
		return nil
	})
}

// Cancel gives up an unsent item for good: it is never sent, and its reason records who cancelled it and when.
// An item being sent right now, or already sent, is refused (ErrLeased, ErrAlreadySent).
func (q *Queue) Cancel(ctx context.Context, id, attendant string) error {
	return q.update(ctx, "cancel", id, func(it *Item) error {
		if err := editable(*it, time.Now()); err != nil {
			return err
		}
		if it.Uncertain { // Mosia may have it already: only the duplicate check can tell, so it goes on
			return ErrMayHaveReached
		}
		now := time.Now()
		it.State, it.NextAttemptAt, it.LeaseOwner, it.LeaseUntil = Cancelled, time.Time{}, "", time.Time{}
		it.SentAt = now // when it was settled: the retention counts from here
		it.LastError = i18n.OutboxCancelledBy(attendant, now)
		return nil
	})
}

// Claim atomically leases ONE due item to owner until now+lease: a pending item whose next attempt is due, or
// an item whose sender's lease expired (it crashed or hung). ok is false when nothing is due.
func (q *Queue) Claim(ctx context.Context, owner string, lease time.Duration, now time.Time) (Item, bool, error) {
	it, ok, err := q.st.ClaimDue(ctx, owner, now.Add(lease), now)
	if err != nil {
		return Item{}, false, fmt.Errorf("outbox claim: %w", err)
	}
	return it, ok, nil
}

// ClaimID leases one given item to owner whether or not it is due (the attendant asked to send it now). A sent,
// needs_correction or needs_review item is returned as is with ok false; ErrLeased when another worker holds it;
// ErrHeldBack when a look-alike item must be settled first (it then waits its turn in the background).
func (q *Queue) ClaimID(ctx context.Context, id, owner string, lease time.Duration, now time.Time) (Item, bool, error) {
	it, ok, err := q.st.ClaimItem(ctx, id, owner, now.Add(lease), now)
	if err != nil {
		return it, false, fmt.Errorf("outbox claim %s: %w", id, err)
	}
	return it, ok, nil
}

// MarkAttempt records, BEFORE the POST, that owner is about to send: attempts+1, first/last attempt time, the
// lease renewed to at+lease, and Uncertain set (the POST may reach Mosia even if its answer never comes back).
func (q *Queue) MarkAttempt(ctx context.Context, id, owner string, lease time.Duration, at time.Time) (Item, error) {
	it, err := q.st.Update(ctx, id, func(it *Item) error {
		if it.State != Sending || it.LeaseOwner != owner {
			return ErrLeaseLost
		}
		it.Attempts++
		if it.FirstAttemptAt.IsZero() {
			it.FirstAttemptAt = at
		}
		it.LastAttemptAt, it.LeaseUntil, it.Uncertain = at, at.Add(lease), true
		return nil
	})
	if err != nil {
		return Item{}, fmt.Errorf("outbox attempt %s: %w", id, err)
	}
	return it, nil
}

// MarkSent stores the protocol and marks the item sent, whoever holds the lease: Mosia answered with it, so it is
// a creation, never to be sent again. When other items already hold the same protocol, it is recorded anyway and
// every holder is flagged for a person, and the holders are returned (ErrProtocolTaken wraps them). ErrAlreadySent
// when it was marked sent before (Get tells with which protocol).
func (q *Queue) MarkSent(ctx context.Context, id, protocol string, at time.Time) error {
	holders, err := q.st.ProtocolHolders(ctx, protocol)
	if err != nil {
		return fmt.Errorf("outbox sent %s: %w", id, err)
	}
	others := slices.DeleteFunc(holders, func(h string) bool { return h == id })
	err = q.update(ctx, "sent", id, func(it *Item) error {
		if it.Kind.IsFollowUp() {
			return ErrWrongKind // a follow-up has no protocol of its own: MarkDone
		}
		if it.State == Sent {
			return fmt.Errorf("%w (protocol %s)", ErrAlreadySent, it.Protocol)
		}
		it.State, it.Protocol, it.SentAt, it.LastError = Sent, protocol, at, ""
		it.LeaseOwner, it.LeaseUntil, it.Uncertain = "", time.Time{}, false
		if len(others) > 0 {
			it.Flag = i18n.OutboxFlagShared(protocol)
		}
		return nil
	})
	if err != nil || len(others) == 0 {
		return err
	}
	for _, h := range others {
		if ferr := q.flag(ctx, h, i18n.OutboxFlagShared(protocol)); ferr != nil {
			return fmt.Errorf("outbox sent %s: flag %s: %w", id, h, ferr)
		}
	}
	return fmt.Errorf("outbox sent %s: %w (%s)", id, ErrProtocolTaken, strings.Join(others, ", "))
}

// SetReason records why an unsent item waits (pt-BR), without changing its schedule.
func (q *Queue) SetReason(ctx context.Context, id, reason string) error {
	return q.update(ctx, "reason", id, func(it *Item) error {
		if it.State != Pending {
			return errUnchanged
		}
		it.LastError = reason
		return nil
	})
}

// errUnchanged aborts an update that has nothing to write.
var errUnchanged = errors.New("unchanged")

// Flag marks an item for a person with a pt-BR reason (a sent item stays sent).
func (q *Queue) Flag(ctx context.Context, id, reason string) error {
	if err := q.flag(ctx, id, reason); err != nil {
		return fmt.Errorf("outbox flag %s: %w", id, err)
	}
	return nil
}

func (q *Queue) flag(ctx context.Context, id, reason string) error {
	_, err := q.st.Update(ctx, id, func(it *Item) error {
		it.Flag = reason
		return nil
	})
	return err
}

// Acknowledge clears an item's flag: attendant has looked (the caller logs who).
func (q *Queue) Acknowledge(ctx context.Context, id string) error {
	return q.update(ctx, "acknowledge", id, func(it *Item) error {
		it.Flag = ""
		return nil
	})
}

// MarkReview parks owner's item until a person decides: the outbox cannot tell alone whether Mosia has it.
func (q *Queue) MarkReview(ctx context.Context, id, owner, reason string) error {
	return q.release(ctx, "review", id, owner, func(it *Item) {
		it.State, it.LastError, it.NextAttemptAt = NeedsReview, reason, time.Time{}
	})
}

// Resolve is a person's decision on an occurrence under review: protocol is the occurrence they found in Mosia
// for it (the item is marked sent with it), or "" when Mosia does not have it (the item is sent again, now).
// Follow-ups are resolved by ResolveFollowUp.
func (q *Queue) Resolve(ctx context.Context, id, protocol string, at time.Time) error {
	if protocol != "" {
		return q.MarkSent(ctx, id, protocol, at)
	}
	return q.update(ctx, "resolve", id, func(it *Item) error {
		if it.State != NeedsReview {
			return fmt.Errorf("%w: state %s", ErrNotUnderReview, it.State)
		}
		it.State, it.Uncertain, it.NextAttemptAt, it.LastError = Pending, false, time.Time{}, ""
		return nil
	})
}

// Purge drops the content of the items sent more than retention ago (see Store.Purge).
func (q *Queue) Purge(ctx context.Context, retention time.Duration) (int, error) {
	n, err := q.st.Purge(ctx, time.Now().Add(-retention))
	if err != nil {
		return 0, fmt.Errorf("outbox purge: %w", err)
	}
	return n, nil
}

// MarkRetry puts owner's item back to pending with a pt-BR reason, due at next; uncertain records whether any
// attempt so far may have reached Mosia.
func (q *Queue) MarkRetry(ctx context.Context, id, owner, reason string, next time.Time, uncertain bool) error {
	return q.release(ctx, "retry", id, owner, func(it *Item) {
		it.State, it.LastError, it.NextAttemptAt, it.Uncertain = Pending, reason, next, uncertain
	})
}

// MarkNeedsCorrection parks owner's item until the attendant corrects it; msg is Mosia's reason, in pt-BR.
func (q *Queue) MarkNeedsCorrection(ctx context.Context, id, owner, msg string, uncertain bool) error {
	return q.release(ctx, "needs correction", id, owner, func(it *Item) {
		it.State, it.LastError, it.NextAttemptAt, it.Uncertain = NeedsCorrection, msg, time.Time{}, uncertain
	})
}

// Release gives owner's lease back without changing the schedule or reason (shutdown mid-send).
func (q *Queue) Release(ctx context.Context, id, owner string, uncertain bool) error {
	return q.release(ctx, "release", id, owner, func(it *Item) { it.State, it.Uncertain = Pending, uncertain })
}

// ProtocolHolders returns the ids of the items holding protocol, oldest first.
func (q *Queue) ProtocolHolders(ctx context.Context, protocol string) ([]string, error) {
	ids, err := q.st.ProtocolHolders(ctx, protocol)
	if err != nil {
		return nil, fmt.Errorf("outbox protocol holders: %w", err)
	}
	return ids, nil
}

// NextDue returns when the next pending item falls due (or a lease expires); ok is false when nothing is pending.
func (q *Queue) NextDue(ctx context.Context) (time.Time, bool, error) {
	t, ok, err := q.st.NextDue(ctx)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("outbox next due: %w", err)
	}
	return t, ok, nil
}

// release applies set to owner's item and clears its lease; ErrLeaseLost when owner no longer holds it.
func (q *Queue) release(ctx context.Context, what, id, owner string, set func(*Item)) error {
	return q.update(ctx, what, id, func(it *Item) error {
		if it.State != Sending || it.LeaseOwner != owner {
			return ErrLeaseLost
		}
		set(it)
		it.LeaseOwner, it.LeaseUntil = "", time.Time{}
		return nil
	})
}

// update runs one atomic change of an item, wrapping its error with what was done.
func (q *Queue) update(ctx context.Context, what, id string, change func(*Item) error) error {
	if _, err := q.st.Update(ctx, id, change); err != nil {
		return fmt.Errorf("outbox %s %s: %w", what, id, err)
	}
	return nil
}

// editable refuses edits of sent items and of items another worker is sending right now.
func editable(it Item, now time.Time) error {
	switch {
	case it.State == Sent:
		return ErrAlreadySent
	case it.State == Sending && !it.LeaseUntil.Before(now):
		return ErrLeased
	}
	return nil
}

// Open opens the queue on its default store: the SQLite file at path (created 0600 when missing).
func Open(path string) (*Queue, error) {
	st, err := OpenSQLite(path)
	if err != nil {
		return nil, err
	}
	return NewQueue(st), nil
}
