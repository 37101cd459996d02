package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/balcao/balcao/pgsql"
)

// Postgres is the outbox's store in fleet mode: the table outbox_items of a PostgreSQL database shared by every
// instance. A claim takes its item with FOR UPDATE SKIP LOCKED, so two instances never claim one item, and
// takes an advisory lock on the item's look-alike key before checking that no look-alike is being sent or is
// uncertain, so the one-at-a-time rule holds across instances too (two claimers of look-alikes are ordered by
// the lock, and the second sees the first's claim).
type Postgres struct {
	pool *pgsql.Pool
}

var _ Store = (*Postgres)(nil)

// PostgresSchema versions outbox_items (part "outbox" of balcao_schema). It mirrors the SQLite file's columns
// (see sqlite_schema.go); a time is a timestamptz, -infinity standing for none.
//
//	1: outbox_items, its indexes.
//	2: target, the protocol a follow-up acts on (SQLite's step 4).
//
// A new column is one more step: ALTER TABLE outbox_items ADD COLUMN … NOT NULL DEFAULT …, plus the column in
// pgColumns, pgRow and scanPG.
var PostgresSchema = []pgsql.Step{
	{To: 1, Name: "outbox_items", Apply: pgsql.Exec(`
CREATE TABLE outbox_items (
	id               text        PRIMARY KEY,
	kind             text        NOT NULL,
	attendant        text        NOT NULL,
	created_at       timestamptz NOT NULL,
	payload          jsonb       NOT NULL,
	state            text        NOT NULL,
	attempts         integer     NOT NULL DEFAULT 0,
	last_error       text        NOT NULL DEFAULT '',
	protocol         text        NOT NULL DEFAULT '',
	first_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
	last_attempt_at  timestamptz NOT NULL DEFAULT '-infinity',
	next_attempt_at  timestamptz NOT NULL DEFAULT '-infinity',
	sent_at          timestamptz NOT NULL DEFAULT '-infinity',
	lease_owner      text        NOT NULL DEFAULT '',
	lease_until      timestamptz NOT NULL DEFAULT '-infinity',
	uncertain        boolean     NOT NULL DEFAULT false,
	alike            text        NOT NULL DEFAULT '',
	flag             text        NOT NULL DEFAULT '',
	purged           boolean     NOT NULL DEFAULT false
);
CREATE INDEX outbox_items_due ON outbox_items (state, next_attempt_at, id);
CREATE INDEX outbox_items_protocol ON outbox_items (protocol) WHERE protocol <> '';
CREATE INDEX outbox_items_alike ON outbox_items (alike, id) WHERE state <> 'sent';
CREATE INDEX outbox_items_flag ON outbox_items (id) WHERE flag <> '';`)},
	{To: 2, Name: "target", Apply: pgsql.Exec(`
ALTER TABLE outbox_items ADD COLUMN target text NOT NULL DEFAULT '';
CREATE INDEX outbox_items_target ON outbox_items (target, id) WHERE target <> '';`)},
}

// OpenPostgres brings outbox_items up to date on pool (one instance migrates, the others wait) and returns the
// store. Closing the store leaves the pool open: it is shared.
func OpenPostgres(ctx context.Context, pool *pgsql.Pool) (*Postgres, error) {
	if _, _, err := pgsql.Migrate(ctx, pool, "outbox", PostgresSchema); err != nil {
		return nil, fmt.Errorf("outbox postgres: %w", err)
	}
	return &Postgres{pool: pool}, nil
}

// Close does nothing: the pool belongs to the caller.
func (s *Postgres) Close() error { return nil }

const pgColumns = `id, kind, attendant, created_at, payload, state, attempts, last_error, protocol, first_attempt_at,
	last_attempt_at, next_attempt_at, sent_at, lease_owner, lease_until, uncertain, alike, flag, purged, target`

// Insert stores a new item; an item whose id is there already is refused (pgsql.IsUniqueViolation).
func (s *Postgres) Insert(ctx context.Context, it Item) error {
	row, err := pgRow(it)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO outbox_items (`+pgColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)`, row...)
	return err
}

// Get returns one item.
func (s *Postgres) Get(ctx context.Context, id string) (Item, error) {
	it, err := scanPG(s.pool.QueryRow(ctx, `SELECT `+pgColumns+` FROM outbox_items WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Item{}, ErrNotFound
	}
	return it, err
}

// List returns the items in the filter's states (all when none), and the flagged ones when asked, oldest first;
// with a Target, only the follow-ups on that protocol.
func (s *Postgres) List(ctx context.Context, f Filter) ([]Item, error) {
	cond, args := `true`, []any{}
	if len(f.States) > 0 {
		cond, args = `state = ANY($1)`, []any{stateNames(f.States)}
	}
	if f.Flagged {
		if len(f.States) == 0 {
			cond = `flag <> ''`
		} else {
			cond += ` OR flag <> ''`
		}
	}
	if f.Target != "" {
		args = append(args, f.Target)
		cond = fmt.Sprintf(`target = $%d AND (%s)`, len(args), cond)
	}
	where := ` WHERE ` + cond
	rows, err := s.pool.Query(ctx, `SELECT `+pgColumns+` FROM outbox_items`+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanPG(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Count counts the items in the given states.
func (s *Postgres) Count(ctx context.Context, states []State) (int, error) {
	var n int
	if len(states) == 0 {
		err := s.pool.QueryRow(ctx, `SELECT count(*) FROM outbox_items`).Scan(&n)
		return n, err
	}
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM outbox_items WHERE state = ANY($1)`, stateNames(states)).Scan(&n)
	return n, err
}

func stateNames(states []State) []string {
	out := make([]string, len(states))
	for i, st := range states {
		out[i] = string(st)
	}
	return out
}

// Update reads an item under a row lock, changes it and writes it back in one transaction.
func (s *Postgres) Update(ctx context.Context, id string, change func(*Item) error) (Item, error) {
	var out Item
	err := pgsql.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		it, err := scanPG(tx.QueryRow(ctx, `SELECT `+pgColumns+` FROM outbox_items WHERE id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := change(&it); err != nil {
			return err
		}
		if err := s.write(ctx, tx, it); err != nil {
			return err
		}
		out = it
		return nil
	})
	if err != nil {
		return Item{}, err
	}
	return out, nil
}

// write writes every column of it over its row.
func (s *Postgres) write(ctx context.Context, tx pgx.Tx, it Item) error {
	row, err := pgRow(it)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE outbox_items SET kind=$2, attendant=$3, created_at=$4, payload=$5, state=$6,
		attempts=$7, last_error=$8, protocol=$9, first_attempt_at=$10, last_attempt_at=$11, next_attempt_at=$12,
		sent_at=$13, lease_owner=$14, lease_until=$15, uncertain=$16, alike=$17, flag=$18, purged=$19, target=$20
		WHERE id = $1`, row...)
	return err
}

// pgNotBlocked is the look-alike condition of sqlite.go's notBlocked (follow-ups on one protocol in order too);
// c is the candidate, $1 the time now.
const pgNotBlocked = `NOT EXISTS (SELECT 1 FROM outbox_items o WHERE c.alike <> '' AND o.alike = c.alike
	AND o.id <> c.id AND o.state NOT IN ('sent', 'discarded', 'cancelled')
	AND ((o.uncertain AND (o.id < c.id OR NOT c.uncertain))
		OR (o.state = 'sending' AND o.lease_until >= $1)
		OR (c.kind <> 'occurrence' AND o.id < c.id AND o.state IN ('pending', 'sending'))))`

// claimTries bounds how many candidates one ClaimDue looks at when others win the race for them.
const claimTries = 4

// ClaimDue leases one due item: an expired sending item first, else the pending item due earliest; an item a
// look-alike blocks is skipped, and an item another instance is claiming right now too.
func (s *Postgres) ClaimDue(ctx context.Context, owner string, until, now time.Time) (Item, bool, error) {
	for range claimTries {
		it, found, retry, err := s.claimOne(ctx, owner, until, now)
		if err != nil || found || !retry {
			return it, found, err
		}
	}
	return Item{}, false, nil
}

// claimOne tries the first due candidate; retry is true when a look-alike claimed meanwhile held it back.
func (s *Postgres) claimOne(ctx context.Context, owner string, until, now time.Time) (it Item, found, retry bool, err error) {
	err = pgsql.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var id, alike string
		err := tx.QueryRow(ctx, `SELECT id, alike FROM outbox_items c
			WHERE state = 'sending' AND lease_until < $1 AND `+pgNotBlocked+`
			ORDER BY lease_until LIMIT 1 FOR UPDATE OF c SKIP LOCKED`, pgTime(now)).Scan(&id, &alike)
		if errors.Is(err, pgx.ErrNoRows) {
			err = tx.QueryRow(ctx, `SELECT id, alike FROM outbox_items c
				WHERE state = 'pending' AND next_attempt_at <= $1 AND `+pgNotBlocked+`
				ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE OF c SKIP LOCKED`, pgTime(now)).Scan(&id, &alike)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		free, err := s.lockAlike(ctx, tx, id, alike, now)
		if err != nil || !free {
			retry = true
			return err
		}
		it, err = scanPG(tx.QueryRow(ctx, `UPDATE outbox_items SET state = 'sending', lease_owner = $2,
			lease_until = $3 WHERE id = $1 RETURNING `+pgColumns, id, owner, pgTime(until)))
		found = err == nil
		return err
	})
	return it, found && err == nil, retry, err
}

// lockAlike takes the advisory lock of alike for the rest of tx and then checks, seeing every claim committed
// before it, that no look-alike holds id back.
func (s *Postgres) lockAlike(ctx context.Context, tx pgx.Tx, id, alike string, now time.Time) (bool, error) {
	if alike == "" {
		return true, nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, pgsql.LockOutboxKey, alike); err != nil {
		return false, err
	}
	var free bool
	err := tx.QueryRow(ctx, `SELECT `+pgNotBlocked+` FROM outbox_items c WHERE id = $2`, pgTime(now), id).Scan(&free)
	return free, err
}

// ClaimItem leases one given item, checking under its look-alike lock that no look-alike holds it back.
func (s *Postgres) ClaimItem(ctx context.Context, id, owner string, until, now time.Time) (Item, bool, error) {
	var (
		it Item
		ok bool
	)
	err := pgsql.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		it, err = scanPG(tx.QueryRow(ctx, `SELECT `+pgColumns+` FROM outbox_items WHERE id = $1 FOR UPDATE`, id))
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return ErrNotFound
		case err != nil:
			return err
		case it.State != Pending && it.State != Sending:
			return nil
		case it.LeaseOwner != "" && it.LeaseOwner != owner && !it.LeaseUntil.Before(now):
			return ErrLeased
		}
		free, err := s.lockAlike(ctx, tx, id, alikeKey(it), now)
		if err != nil {
			return err
		}
		if !free {
			return ErrHeldBack
		}
		it.State, it.LeaseOwner, it.LeaseUntil = Sending, owner, until
		ok = true
		_, err = tx.Exec(ctx, `UPDATE outbox_items SET state = 'sending', lease_owner = $2, lease_until = $3
			WHERE id = $1`, id, owner, pgTime(until))
		return err
	})
	switch {
	case errors.Is(err, ErrLeased), errors.Is(err, ErrHeldBack):
		return it, false, err
	case err != nil:
		return Item{}, false, err
	}
	return it, ok, nil
}

// ProtocolHolders returns the ids of the items holding protocol, oldest first.
func (s *Postgres) ProtocolHolders(ctx context.Context, protocol string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM outbox_items WHERE protocol = $1 AND protocol <> '' ORDER BY id`, protocol)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// NextDue returns when the next pending item a look-alike does not block falls due, or the next lease expires.
func (s *Postgres) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT min(CASE WHEN state = 'pending' THEN next_attempt_at ELSE lease_until END)
		FROM outbox_items c WHERE state = 'pending' AND `+pgNotBlocked+` OR state = 'sending'`, pgTime(time.Now())).Scan(&next)
	if err != nil || !next.Valid {
		return time.Time{}, false, err
	}
	return fromPGTime(next), true, nil
}

// Purge drops the payload of the items settled (sent, discarded or cancelled) before `before` that carry no flag:
// only the protocol (a follow-up's target too), the times, the kind and the attendant remain.
func (s *Postgres) Purge(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for _, k := range []Kind{KindOccurrence, KindNote, KindStatus, KindActivate} {
		payload, err := encodePayload(Item{Kind: k, Purged: true})
		if err != nil {
			return total, err
		}
		tag, err := s.pool.Exec(ctx, `UPDATE outbox_items SET payload = $1, last_error = '', purged = true
			WHERE kind = $2 AND state = ANY($3) AND NOT purged AND sent_at > '-infinity' AND sent_at < $4 AND flag = ''`,
			string(payload), string(k), stateNames(settledStates), pgTime(before))
		if err != nil {
			return total, err
		}
		total += int(tag.RowsAffected())
	}
	return total, nil
}

// pgRow is an item's column values, in pgColumns order.
func pgRow(it Item) ([]any, error) {
	payload, err := encodePayload(it)
	if err != nil {
		return nil, err
	}
	return []any{it.ID, string(it.Kind), it.Attendant, pgTime(it.CreatedAt), string(payload), string(it.State),
		it.Attempts, it.LastError, it.Protocol, pgTime(it.FirstAttemptAt), pgTime(it.LastAttemptAt),
		pgTime(it.NextAttemptAt), pgTime(it.SentAt), it.LeaseOwner, pgTime(it.LeaseUntil), it.Uncertain,
		alikeKey(it), it.Flag, it.Purged, targetOf(it)}, nil
}

func scanPG(row pgx.Row) (Item, error) {
	var (
		it                                          Item
		kind, payload, state, alike, target         string
		created, first, last, next, sent, leaseTill pgtype.Timestamptz
	)
	err := row.Scan(&it.ID, &kind, &it.Attendant, &created, &payload, &state, &it.Attempts, &it.LastError,
		&it.Protocol, &first, &last, &next, &sent, &it.LeaseOwner, &leaseTill, &it.Uncertain, &alike, &it.Flag,
		&it.Purged, &target)
	if err != nil {
		return Item{}, err
	}
	if err := decodePayload([]byte(payload), &it); err != nil {
		return Item{}, fmt.Errorf("item %s: %w", it.ID, err)
	}
	if it.Kind != Kind(kind) {
		return Item{}, fmt.Errorf("item %s: kind %q, payload says %q", it.ID, kind, it.Kind)
	}
	it.State = State(state)
	it.CreatedAt, it.FirstAttemptAt, it.LastAttemptAt = fromPGTime(created), fromPGTime(first), fromPGTime(last)
	it.NextAttemptAt, it.SentAt, it.LeaseUntil = fromPGTime(next), fromPGTime(sent), fromPGTime(leaseTill)
	return it, nil
}

// pgTime stores a time as a timestamptz; the zero time is -infinity (before every time, as 0 is in SQLite).
func pgTime(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

func fromPGTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid || t.InfinityModifier != pgtype.Finite {
		return time.Time{}
	}
	return t.Time
}
