package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/internal/sqlitefile"
)

// SQLite is the outbox's default store: one SQLite file (WAL, synchronous=FULL: it survives kill -9 and power
// loss), 0600, shared safely by several processes (writes take the file's write lock).
type SQLite struct {
	db *sql.DB
}

var _ Store = (*SQLite)(nil)

// OpenSQLite opens (creating if needed, mode 0600) the outbox file at path and brings its schema up to date.
func OpenSQLite(path string) (*SQLite, error) {
	// One connection per handle: the handle's writers queue in Go instead of spinning in SQLite's busy handler
	// (whose sleeps grow to 100 ms and starve writers under load); other processes still meet busy_timeout.
	db, err := sqlitefile.Open(path, 1)
	if err != nil {
		return nil, fmt.Errorf("outbox open %s: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, _, err := migrate.Run(ctx, db, schemaSteps); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("outbox schema %s: %w", path, err)
	}
	return &SQLite{db: db}, nil
}

// Close closes the file.
func (s *SQLite) Close() error { return s.db.Close() }

const itemColumns = `id, kind, attendant, created_at, payload, state, attempts, last_error, protocol,
	first_attempt_at, last_attempt_at, next_attempt_at, sent_at, lease_owner, lease_until, uncertain, alike, flag, purged,
	target`

// Insert stores a new item.
func (s *SQLite) Insert(ctx context.Context, it Item) error {
	payload, err := encodePayload(it)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO items (`+itemColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		rowOf(it, payload)...)
	return err
}

// Get returns one item.
func (s *SQLite) Get(ctx context.Context, id string) (Item, error) {
	it, err := scanItem(s.db.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, ErrNotFound
	}
	return it, err
}

// List returns the items in the filter's states (all when none), and the flagged ones when asked, oldest first;
// with a Target, only the follow-ups on that protocol.
func (s *SQLite) List(ctx context.Context, f Filter) ([]Item, error) {
	where, args := stateFilter(f.States)
	if f.Flagged {
		if where == "" {
			where = ` WHERE flag <> ''`
		} else {
			where += ` OR flag <> ''`
		}
	}
	if f.Target != "" {
		if where == "" {
			where = ` WHERE target = ?`
		} else {
			where = ` WHERE target = ? AND (` + strings.TrimPrefix(where, " WHERE ") + `)`
		}
		args = append([]any{f.Target}, args...)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+itemColumns+` FROM items`+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Count counts the items in the given states.
func (s *SQLite) Count(ctx context.Context, states []State) (int, error) {
	where, args := stateFilter(states)
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM items`+where, args...).Scan(&n)
	return n, err
}

// stateFilter is the WHERE clause of a state list ("" for none).
func stateFilter(states []State) (string, []any) {
	if len(states) == 0 {
		return "", nil
	}
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = string(st)
	}
	return ` WHERE state IN (` + strings.TrimSuffix(strings.Repeat("?,", len(states)), ",") + `)`, args
}

// Update reads, changes and writes one item in an IMMEDIATE transaction.
func (s *SQLite) Update(ctx context.Context, id string, change func(*Item) error) (Item, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Item{}, err
	}
	defer func() { _ = tx.Rollback() }()
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, ErrNotFound
	}
	if err != nil {
		return Item{}, err
	}
	if err := change(&it); err != nil {
		return Item{}, err
	}
	payload, err := encodePayload(it)
	if err != nil {
		return Item{}, err
	}
	row := rowOf(it, payload)
	_, err = tx.ExecContext(ctx, `UPDATE items SET kind=?, attendant=?, created_at=?, payload=?, state=?, attempts=?,
		last_error=?, protocol=?, first_attempt_at=?, last_attempt_at=?, next_attempt_at=?, sent_at=?, lease_owner=?,
		lease_until=?, uncertain=?, alike=?, flag=?, purged=?, target=? WHERE id = ?`, append(row[1:], id)...)
	if err != nil {
		return Item{}, err
	}
	return it, tx.Commit()
}

// notBlocked is the condition that keeps look-alike items one at a time (see Store.ClaimDue); c is the candidate,
// ? the time now. Follow-ups on one protocol also go in order: one waits while an earlier one is pending. The
// term o.state <> 'sent' is written as the partial index items_alike has it, so the index serves the look-up.
const notBlocked = `NOT EXISTS (SELECT 1 FROM items o WHERE c.alike <> '' AND o.alike = c.alike AND o.id <> c.id
	AND o.state <> 'sent' AND o.state <> 'discarded' AND o.state <> 'cancelled'
	AND ((o.uncertain = 1 AND (o.id < c.id OR c.uncertain = 0))
		OR (o.state = 'sending' AND o.lease_until >= ?)
		OR (c.kind <> 'occurrence' AND o.id < c.id AND o.state IN ('pending', 'sending'))))`

// ClaimDue leases one due item in one statement: an expired sending item first, else the pending item due
// earliest (a pending item never holds a lease: every release clears it); an item a look-alike blocks is skipped.
func (s *SQLite) ClaimDue(ctx context.Context, owner string, until, now time.Time) (Item, bool, error) {
	n := unixNano(now)
	it, err := scanItem(s.db.QueryRowContext(ctx, `UPDATE items SET state = ?, lease_owner = ?, lease_until = ?
		WHERE id = coalesce(
			(SELECT id FROM items c WHERE state = ? AND lease_until < ? AND `+notBlocked+` LIMIT 1),
			(SELECT id FROM items c WHERE state = ? AND next_attempt_at <= ? AND `+notBlocked+`
				ORDER BY next_attempt_at, id LIMIT 1))
		RETURNING `+itemColumns,
		string(Sending), owner, unixNano(until), string(Sending), n, n, string(Pending), n, n))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, false, nil
	}
	if err != nil {
		return Item{}, false, err
	}
	return it, true, nil
}

// ClaimItem leases one given item, checking in the same write transaction that no look-alike holds it back.
func (s *SQLite) ClaimItem(ctx context.Context, id, owner string, until, now time.Time) (Item, bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Item{}, false, err
	}
	defer func() { _ = tx.Rollback() }()
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, false, ErrNotFound
	}
	switch {
	case err != nil:
		return Item{}, false, err
	case it.State != Pending && it.State != Sending:
		return it, false, nil
	case it.LeaseOwner != "" && it.LeaseOwner != owner && !it.LeaseUntil.Before(now):
		return it, false, ErrLeased
	}
	var free bool
	if err := tx.QueryRowContext(ctx, `SELECT `+notBlocked+` FROM items c WHERE id = ?`, unixNano(now), id).Scan(&free); err != nil {
		return Item{}, false, err
	}
	if !free {
		return it, false, ErrHeldBack
	}
	it.State, it.LeaseOwner, it.LeaseUntil = Sending, owner, until
	if _, err := tx.ExecContext(ctx, `UPDATE items SET state = ?, lease_owner = ?, lease_until = ? WHERE id = ?`,
		string(Sending), owner, unixNano(until), id); err != nil {
		return Item{}, false, err
	}
	return it, true, tx.Commit()
}

// ProtocolHolders returns the ids of the items holding protocol, oldest first.
func (s *SQLite) ProtocolHolders(ctx context.Context, protocol string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM items WHERE protocol = ? AND protocol <> '' ORDER BY id`, protocol)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// NextDue returns when the next pending item a look-alike does not block falls due, or the next lease expires.
func (s *SQLite) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullInt64
	n := unixNano(time.Now())
	err := s.db.QueryRowContext(ctx, `SELECT min(CASE WHEN state = ? THEN next_attempt_at ELSE lease_until END)
		FROM items c WHERE state = ? AND `+notBlocked+` OR state = ?`,
		string(Pending), string(Pending), n, string(Sending)).Scan(&next)
	if err != nil || !next.Valid {
		return time.Time{}, false, err
	}
	return fromUnixNano(next.Int64), true, nil
}

// Purge drops the payload of the items sent (or discarded, or cancelled) before `before` (and their reasons): only the protocol
// (a follow-up's target too), the times, the kind and the attendant remain.
func (s *SQLite) Purge(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for _, k := range []Kind{KindOccurrence, KindNote, KindStatus, KindActivate} {
		payload, err := encodePayload(Item{Kind: k, Purged: true})
		if err != nil {
			return total, err
		}
		res, err := s.db.ExecContext(ctx, `UPDATE items SET payload = ?, last_error = '', purged = 1
			WHERE kind = ? AND state IN (?, ?, ?) AND purged = 0 AND sent_at > 0 AND sent_at < ? AND flag = ''`,
			string(payload), string(k), string(Sent), string(Discarded), string(Cancelled), unixNano(before))
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += int(n)
	}
	return total, nil
}

// rowOf is an item's column values, in itemColumns order.
func rowOf(it Item, payload []byte) []any {
	return []any{it.ID, string(it.Kind), it.Attendant, unixNano(it.CreatedAt), string(payload), string(it.State),
		it.Attempts, it.LastError, it.Protocol, unixNano(it.FirstAttemptAt), unixNano(it.LastAttemptAt),
		unixNano(it.NextAttemptAt), unixNano(it.SentAt), it.LeaseOwner, unixNano(it.LeaseUntil), boolInt(it.Uncertain),
		alikeKey(it), it.Flag, boolInt(it.Purged), targetOf(it)}
}

// targetOf is the target column: the protocol a follow-up acts on ("" for occurrences).
func targetOf(it Item) string {
	if it.Kind.IsFollowUp() {
		return it.FollowUp.Protocol
	}
	return ""
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

type scanner interface{ Scan(dest ...any) error }

func scanItem(s scanner) (Item, error) {
	var (
		it                                          Item
		kind, payload, state, alike, target         string
		created, first, last, next, sent, leaseTill int64
		uncertain, purged                           int
	)
	err := s.Scan(&it.ID, &kind, &it.Attendant, &created, &payload, &state, &it.Attempts, &it.LastError, &it.Protocol,
		&first, &last, &next, &sent, &it.LeaseOwner, &leaseTill, &uncertain, &alike, &it.Flag, &purged, &target)
	if err != nil {
		return Item{}, err
	}
	if err := decodePayload([]byte(payload), &it); err != nil {
		return Item{}, fmt.Errorf("item %s: %w", it.ID, err)
	}
	if it.Kind != Kind(kind) {
		return Item{}, fmt.Errorf("item %s: kind %q, payload says %q", it.ID, kind, it.Kind)
	}
	if it.Kind.IsFollowUp() && it.FollowUp.Protocol == "" {
		it.FollowUp.Protocol = target // a purged follow-up keeps its protocol in the column
	}
	it.State = State(state)
	it.CreatedAt, it.FirstAttemptAt, it.LastAttemptAt = fromUnixNano(created), fromUnixNano(first), fromUnixNano(last)
	it.NextAttemptAt, it.SentAt, it.LeaseUntil = fromUnixNano(next), fromUnixNano(sent), fromUnixNano(leaseTill)
	it.Uncertain, it.Purged = uncertain != 0, purged != 0
	return it, nil
}

// unixNano stores a time as Unix nanoseconds; the zero time is 0.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
