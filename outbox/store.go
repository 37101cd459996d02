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
	// List returns the items in the given states (all when none), oldest first.
	List(ctx context.Context, states []State) ([]Item, error)
	// Count counts the items in the given states.
	Count(ctx context.Context, states []State) (int, error)
	// Update reads an item, lets change modify it and writes it back in one atomic step; an error from change
	// aborts and is returned. Giving another item's protocol is ErrProtocolTaken.
	Update(ctx context.Context, id string, change func(*Item) error) (Item, error)
	// ClaimDue leases to owner until `until`, in one atomic step, one item that is due at now: a sending item
	// whose lease expired first, else the pending item due earliest.
	ClaimDue(ctx context.Context, owner string, until, now time.Time) (Item, bool, error)
	// ProtocolHolder returns the id of the item holding protocol, if any.
	ProtocolHolder(ctx context.Context, protocol string) (string, bool, error)
	// NextDue returns when the next pending item falls due or the next lease expires; false when none.
	NextDue(ctx context.Context) (time.Time, bool, error)
	// Close releases the store.
	Close() error
}
