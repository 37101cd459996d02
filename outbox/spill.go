package outbox

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/balcao/balcao/i18n"
)

// Spill is a Store over a shared primary (PostgreSQL in fleet mode) that never refuses a new item because the
// primary is out of reach: the item goes to a local SQLite file (the spill, 0600) and waits there, pending, until
// Drain moves it to the primary. Spilled items are listed and counted with the others, and can be corrected, but
// are not sent from the spill: delivery, the duplicate check and the one-at-a-time rule need the shared queue.
// Everything else goes to the primary, and fails while it is out of reach.
type Spill struct {
	primary     Store
	local       *SQLite
	unavailable func(error) bool
	timeout     time.Duration
	log         *slog.Logger
}

var _ Store = (*Spill)(nil)

// DefaultSpillTimeout bounds how long a new item waits for the primary before it goes to the spill.
const DefaultSpillTimeout = 3 * time.Second

// NewSpill builds the store; unavailable tells an outage of the primary from an error of the item itself (see
// pgsql.Unavailable). Closing it closes both stores.
func NewSpill(primary Store, local *SQLite, unavailable func(error) bool, log *slog.Logger) *Spill {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Spill{primary: primary, local: local, unavailable: unavailable, timeout: DefaultSpillTimeout,
		log: log.With(slog.String("component", "outbox"))}
}

// Insert stores the item in the primary or, when the primary cannot be reached in time, in the spill, with a
// reason saying so. An item whose insert reached the primary although its answer did not is found there by
// Drain, which then drops the spilled copy: it is never queued twice.
func (s *Spill) Insert(ctx context.Context, it Item) error {
	pctx, cancel := context.WithTimeout(ctx, s.timeout)
	err := s.primary.Insert(pctx, it)
	cancel()
	if err == nil || !s.unavailable(err) || ctx.Err() != nil {
		return err
	}
	it.LastError = i18n.OutboxSpilled
	if lerr := s.local.Insert(ctx, it); lerr != nil {
		return fmt.Errorf("outbox spill: %w (primary: %w)", lerr, err)
	}
	s.log.Warn("outbox: shared queue out of reach; item kept in the local spill", slog.String("item", it.ID),
		slog.String("err", err.Error()))
	return nil
}

// Get returns the item from the spill or the primary.
func (s *Spill) Get(ctx context.Context, id string) (Item, error) {
	it, err := s.local.Get(ctx, id)
	if !errors.Is(err, ErrNotFound) {
		return it, err
	}
	return s.primary.Get(ctx, id)
}

// List returns the primary's items and the spilled ones, oldest first.
func (s *Spill) List(ctx context.Context, f Filter) ([]Item, error) {
	items, err := s.primary.List(ctx, f)
	if err != nil {
		return nil, err
	}
	spilled, err := s.local.List(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(spilled) == 0 {
		return items, nil
	}
	items = append(items, spilled...)
	slices.SortFunc(items, func(a, b Item) int { return cmp.Compare(a.ID, b.ID) })
	return slices.CompactFunc(items, func(a, b Item) bool { return a.ID == b.ID }), nil
}

// Count counts the items of both stores in the given states.
func (s *Spill) Count(ctx context.Context, states []State) (int, error) {
	n, err := s.primary.Count(ctx, states)
	if err != nil {
		return 0, err
	}
	m, err := s.local.Count(ctx, states)
	return n + m, err
}

// Update changes a spilled item in the spill, any other in the primary.
func (s *Spill) Update(ctx context.Context, id string, change func(*Item) error) (Item, error) {
	it, err := s.local.Update(ctx, id, change)
	if !errors.Is(err, ErrNotFound) {
		return it, err
	}
	return s.primary.Update(ctx, id, change)
}

// ClaimDue claims from the primary: spilled items wait for Drain.
func (s *Spill) ClaimDue(ctx context.Context, owner string, until, now time.Time) (Item, bool, error) {
	return s.primary.ClaimDue(ctx, owner, until, now)
}

// ClaimItem claims from the primary; a spilled item is returned as is, not claimed (it waits for Drain).
func (s *Spill) ClaimItem(ctx context.Context, id, owner string, until, now time.Time) (Item, bool, error) {
	if it, err := s.local.Get(ctx, id); err == nil {
		return it, false, nil
	}
	return s.primary.ClaimItem(ctx, id, owner, until, now)
}

// ProtocolHolders asks the primary (a spilled item holds no protocol).
func (s *Spill) ProtocolHolders(ctx context.Context, protocol string) ([]string, error) {
	return s.primary.ProtocolHolders(ctx, protocol)
}

// NextDue asks the primary.
func (s *Spill) NextDue(ctx context.Context) (time.Time, bool, error) { return s.primary.NextDue(ctx) }

// Purge purges the primary (a spilled item is never sent).
func (s *Spill) Purge(ctx context.Context, before time.Time) (int, error) {
	return s.primary.Purge(ctx, before)
}

// Close closes both stores.
func (s *Spill) Close() error { return errors.Join(s.primary.Close(), s.local.Close()) }

// Spilled counts the items waiting in the spill.
func (s *Spill) Spilled(ctx context.Context) (int, error) { return s.local.Count(ctx, nil) }

// Drain moves every spilled item to the primary, oldest first, each in one step that holds the spill's write
// lock (so an edit of the item by this or another process on the same file is never lost): the item is inserted
// into the primary, or found there already, and only then deleted from the spill. It stops at the first error
// (the primary is out of reach again) and returns how many it moved.
func (s *Spill) Drain(ctx context.Context) (int, error) {
	items, err := s.local.List(ctx, Filter{})
	if err != nil {
		return 0, fmt.Errorf("outbox drain: %w", err)
	}
	moved := 0
	for _, it := range items {
		err := s.local.takeOut(ctx, it.ID, func(cur Item) error {
			if cur.LastError == i18n.OutboxSpilled {
				cur.LastError = ""
			}
			pctx, cancel := context.WithTimeout(ctx, s.timeout)
			defer cancel()
			if err := s.primary.Insert(pctx, cur); err != nil && !isDuplicate(err) {
				return err
			}
			return nil
		})
		if err != nil {
			return moved, fmt.Errorf("outbox drain %s: %w", it.ID, err)
		}
		moved++
	}
	if moved > 0 {
		s.log.Info("outbox: spilled items moved to the shared queue", slog.Int("items", moved))
	}
	return moved, nil
}

// isDuplicate reports whether an insert was refused because the item is there already (its earlier insert
// reached the primary although its answer did not).
func isDuplicate(err error) bool {
	var coded interface{ SQLState() string }
	return errors.As(err, &coded) && coded.SQLState() == "23505"
}

// RunDrain drains the spill every interval until ctx ends (each round is cheap when the spill is empty).
func (s *Spill) RunDrain(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.Spilled(ctx); err == nil && n > 0 {
			if _, err := s.Drain(ctx); err != nil && ctx.Err() == nil {
				s.log.Debug("outbox drain waits for the shared queue", slog.String("err", err.Error()))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// takeOut reads item id and, in the same write transaction, calls move with it and deletes it when move
// succeeds. Nothing changes when move fails.
func (s *SQLite) takeOut(ctx context.Context, id string, move func(Item) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil // moved meanwhile by another process sharing the file
	}
	if err != nil {
		return err
	}
	if err := move(it); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM items WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.Commit()
}
