package outbox

import (
	"context"
	"time"
)

// Store keeps the items durably. It only stores, reads and updates atomically: the queue's rules (leases,
// attempts, what may change when) live in Queue, so every backend follows the same rules.
type Store interface {
	// Insert stores a new item, durably, before it returns.
	Insert(ctx context.Context, it Item) error
	// Get returns one item (ErrNotFound when there is none).
	Get(ctx context.Context, id string) (Item, error)
	// List returns the items the filter asks for, oldest first.
	List(ctx context.Context, f Filter) ([]Item, error)
	// Count counts the items in the given states.
	Count(ctx context.Context, states []State) (int, error)
	// Update reads an item, lets change modify it and writes it back in one atomic step; an error from change
	// aborts and is returned.
	Update(ctx context.Context, id string, change func(*Item) error) (Item, error)
	// ClaimDue leases to owner until `until`, in one atomic step, one item that is due at now: a sending item
	// whose lease expired first, else the pending item due earliest. Look-alike items (same LookAlike key) go one
	// at a time: an item is skipped while another look-alike is being sent under a live lease, or is uncertain
	// (an uncertain item is held back only by an earlier uncertain one, so the earliest always moves).
	ClaimDue(ctx context.Context, owner string, until, now time.Time) (Item, bool, error)
	// ClaimItem leases the item id to owner until `until`, whether or not it is due, in one atomic step: not when
	// it is sent, needs correction or review (returned as is, false), leased by another worker (ErrLeased), or
	// held back by a look-alike as in ClaimDue (ErrHeldBack).
	ClaimItem(ctx context.Context, id, owner string, until, now time.Time) (Item, bool, error)
	// ProtocolHolders returns the ids of the items holding protocol, oldest first.
	ProtocolHolders(ctx context.Context, protocol string) ([]string, error)
	// NextDue returns when the next pending item (not held back by a look-alike) falls due or the next lease
	// expires; false when none.
	NextDue(ctx context.Context) (time.Time, bool, error)
	// Purge drops the payload of the items sent (or discarded) before `before` that carry no flag: only the
	// protocol, the times, the kind and the attendant remain. It returns how many it purged.
	Purge(ctx context.Context, before time.Time) (int, error)
	// Close releases the store.
	Close() error
}

// Filter selects items: those in States (every state when none and Flagged is false), plus, with Flagged, those
// carrying a flag for a person; with Target, only among the follow-ups on that protocol.
type Filter struct {
	States  []State
	Flagged bool
	Target  string
}
