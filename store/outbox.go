package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/balcao/balcao/model"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// OutboxState is the life-cycle state of an outbox item.
type OutboxState string

// Outbox states. Sending is Pending with a live lease: a sender is working on it right now.
const (
	OutboxPending         OutboxState = "pending"
	OutboxSending         OutboxState = "sending"
	OutboxSent            OutboxState = "sent"
	OutboxNeedsCorrection OutboxState = "needs_correction"
)

// Errors the outbox returns where callers branch.
var (
	ErrOutboxNotFound      = errors.New("outbox: item not found")
	ErrOutboxLeased        = errors.New("outbox: item is being sent by another worker")
	ErrOutboxLeaseLost     = errors.New("outbox: lease lost to another worker")
	ErrOutboxAlreadySent   = errors.New("outbox: item already sent")
	ErrOutboxProtocolTaken = errors.New("outbox: protocol already held by another item")
)

// OutboxItem is one occurrence typed by an attendant and its delivery record.
type OutboxItem struct {
	ID             string
	Attendant      string
	CreatedAt      time.Time
	Request        model.OccurrenceRequest
	State          OutboxState
	Attempts       int
	LastError      string // pt-BR reason of the last failure, for the attendant
	Protocol       string
	FirstAttemptAt time.Time
	LastAttemptAt  time.Time
	NextAttemptAt  time.Time
	SentAt         time.Time
	LeaseOwner     string
	LeaseUntil     time.Time
	Uncertain      bool // an earlier attempt may have reached Mosia: check before sending again
}

// ChaveUnica is the beneficiary key the occurrence is filed under (beneficiário, else solicitante).
func (it OutboxItem) ChaveUnica() string {
	if it.Request.Beneficiario != nil && it.Request.Beneficiario.ChaveUnica != "" {
		return it.Request.Beneficiario.ChaveUnica
	}
	return it.Request.Solicitante.ChaveUnica
}

// Outbox is the durable queue of occurrences to send to Mosia, in its own SQLite file shared safely by processes.
type Outbox struct {
	db *sql.DB
}

const outboxSchema = `
CREATE TABLE IF NOT EXISTS outbox_items (
	id               TEXT PRIMARY KEY,
	attendant        TEXT    NOT NULL,
	created_at       INTEGER NOT NULL,
	request          TEXT    NOT NULL,
	state            TEXT    NOT NULL,
	attempts         INTEGER NOT NULL DEFAULT 0,
	last_error       TEXT    NOT NULL DEFAULT '',
	protocol         TEXT    NOT NULL DEFAULT '',
	first_attempt_at INTEGER NOT NULL DEFAULT 0,
	last_attempt_at  INTEGER NOT NULL DEFAULT 0,
	next_attempt_at  INTEGER NOT NULL DEFAULT 0,
	sent_at          INTEGER NOT NULL DEFAULT 0,
	lease_owner      TEXT    NOT NULL DEFAULT '',
	lease_until      INTEGER NOT NULL DEFAULT 0,
	uncertain        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_items_due ON outbox_items(state, next_attempt_at, id);
CREATE UNIQUE INDEX IF NOT EXISTS outbox_items_protocol ON outbox_items(protocol) WHERE protocol <> '';
`

const outboxColumns = `id, attendant, created_at, request, state, attempts, last_error, protocol,
	first_attempt_at, last_attempt_at, next_attempt_at, sent_at, lease_owner, lease_until, uncertain`

// OpenOutbox opens (creating if needed) the outbox file at path: WAL, synchronous=FULL, busy timeout.
func OpenOutbox(path string) (*Outbox, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(15000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("outbox open %s: %w", path, err)
	}
	// One connection per handle: the handle's writers queue in Go instead of spinning in SQLite's busy handler
	// (whose sleeps grow to 100 ms and starve writers under load); other processes still meet busy_timeout.
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, outboxSchema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("outbox schema %s: %w", path, err)
	}
	return &Outbox{db: db}, nil
}

// Close closes the file.
func (o *Outbox) Close() error { return o.db.Close() }

// Submit stores a new occurrence as pending and commits it (durably) before anything is sent.
func (o *Outbox) Submit(ctx context.Context, attendant string, req model.OccurrenceRequest) (OutboxItem, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return OutboxItem{}, fmt.Errorf("outbox submit: encode request: %w", err)
	}
	now := time.Now()
	it := OutboxItem{
		ID:        outboxNewID(now),
		Attendant: attendant,
		CreatedAt: now,
		Request:   req,
		State:     OutboxPending,
	}
	_, err = o.db.ExecContext(ctx,
		`INSERT INTO outbox_items (id, attendant, created_at, request, state) VALUES (?, ?, ?, ?, ?)`,
		it.ID, attendant, outboxTime(now), string(body), string(OutboxPending))
	if err != nil {
		return OutboxItem{}, fmt.Errorf("outbox submit: %w", err)
	}
	return it, nil
}

// Get returns one item.
func (o *Outbox) Get(ctx context.Context, id string) (OutboxItem, error) {
	row := o.db.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox_items WHERE id = ?`, id)
	it, err := outboxScan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxItem{}, fmt.Errorf("outbox get %s: %w", id, ErrOutboxNotFound)
	}
	if err != nil {
		return OutboxItem{}, fmt.Errorf("outbox get %s: %w", id, err)
	}
	return it, nil
}

// List returns the items in the given states (all items when none is given), oldest first.
// OutboxPending also matches items being sent right now (stored as OutboxSending).
func (o *Outbox) List(ctx context.Context, states ...OutboxState) ([]OutboxItem, error) {
	query := `SELECT ` + outboxColumns + ` FROM outbox_items`
	var args []any
	if len(states) > 0 {
		seen := map[OutboxState]bool{}
		for _, s := range states {
			seen[s] = true
			if s == OutboxPending {
				seen[OutboxSending] = true
			}
		}
		marks := make([]string, 0, len(seen))
		for s := range seen {
			marks = append(marks, "?")
			args = append(args, string(s))
		}
		query += ` WHERE state IN (` + strings.Join(marks, ",") + `)`
	}
	query += ` ORDER BY id`
	rows, err := o.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox list: %w", err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		it, err := outboxScan(rows)
		if err != nil {
			return nil, fmt.Errorf("outbox list: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox list: %w", err)
	}
	return out, nil
}

// PendingCount counts the items not sent yet: pending (sending included) and needs_correction.
func (o *Outbox) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := o.db.QueryRowContext(ctx, `SELECT count(*) FROM outbox_items WHERE state IN (?, ?, ?)`,
		string(OutboxPending), string(OutboxSending), string(OutboxNeedsCorrection)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("outbox pending count: %w", err)
	}
	return n, nil
}

// Resubmit replaces the request of an unsent item (after the attendant corrected it) and makes it due now.
// The item keeps its attempt history: if an earlier attempt may have reached Mosia, it is still checked first.
func (o *Outbox) Resubmit(ctx context.Context, id string, req model.OccurrenceRequest) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("outbox resubmit %s: encode request: %w", id, err)
	}
	return o.outboxTx(ctx, "resubmit "+id, func(tx *sql.Tx) error {
		it, err := outboxGetTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := outboxEditable(it, time.Now()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox_items SET request = ?, state = ?, next_attempt_at = 0,
			last_error = '', lease_owner = '', lease_until = 0 WHERE id = ?`, string(body), string(OutboxPending), id)
		return err
	})
}

// RetryNow makes an unsent item due now (a needs_correction item goes back to pending unchanged).
func (o *Outbox) RetryNow(ctx context.Context, id string) error {
	return o.outboxTx(ctx, "retry "+id, func(tx *sql.Tx) error {
		it, err := outboxGetTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := outboxEditable(it, time.Now()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox_items SET state = ?, next_attempt_at = 0,
			lease_owner = '', lease_until = 0 WHERE id = ?`, string(OutboxPending), id)
		return err
	})
}

// Claim atomically leases ONE due item to owner until now+lease: a pending item whose next attempt is due, or an
// item whose sender's lease expired (it crashed or hung). ok is false when nothing is due.
func (o *Outbox) Claim(ctx context.Context, owner string, lease time.Duration, now time.Time) (OutboxItem, bool, error) {
	n := outboxTime(now)
	// A pending item never holds a lease (every release clears it); an expired sending one goes first.
	row := o.db.QueryRowContext(ctx, `UPDATE outbox_items SET state = ?, lease_owner = ?, lease_until = ?
		WHERE id = coalesce(
			(SELECT id FROM outbox_items WHERE state = ? AND lease_until < ? LIMIT 1),
			(SELECT id FROM outbox_items WHERE state = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1))
		RETURNING `+outboxColumns,
		string(OutboxSending), owner, outboxTime(now.Add(lease)),
		string(OutboxSending), n, string(OutboxPending), n)
	it, err := outboxScan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxItem{}, false, nil
	}
	if err != nil {
		return OutboxItem{}, false, fmt.Errorf("outbox claim: %w", err)
	}
	return it, true, nil
}

// ClaimID leases one given item to owner whether or not it is due (the attendant asked to send it now).
// A sent or needs_correction item is returned as is with ok false; ErrOutboxLeased when another worker holds it.
func (o *Outbox) ClaimID(ctx context.Context, id, owner string, lease time.Duration, now time.Time) (OutboxItem, bool, error) {
	var it OutboxItem
	var ok bool
	err := o.outboxTx(ctx, "claim "+id, func(tx *sql.Tx) error {
		var err error
		it, err = outboxGetTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if it.State == OutboxSent || it.State == OutboxNeedsCorrection {
			return nil
		}
		if it.LeaseOwner != "" && it.LeaseOwner != owner && !it.LeaseUntil.Before(now) {
			return ErrOutboxLeased
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox_items SET state = ?, lease_owner = ?, lease_until = ? WHERE id = ?`,
			string(OutboxSending), owner, outboxTime(now.Add(lease)), id)
		if err != nil {
			return err
		}
		it.State, it.LeaseOwner, it.LeaseUntil, ok = OutboxSending, owner, now.Add(lease), true
		return nil
	})
	return it, ok, err
}

// MarkAttempt records, BEFORE the POST, that owner is about to send: attempts+1, first/last attempt time, the
// lease renewed to at+lease, and Uncertain set (the POST may reach Mosia even if its answer never comes back).
func (o *Outbox) MarkAttempt(ctx context.Context, id, owner string, lease time.Duration, at time.Time) (OutboxItem, error) {
	row := o.db.QueryRowContext(ctx, `UPDATE outbox_items SET attempts = attempts + 1,
		first_attempt_at = CASE WHEN first_attempt_at = 0 THEN ? ELSE first_attempt_at END,
		last_attempt_at = ?, lease_until = ?, uncertain = 1
		WHERE id = ? AND state = ? AND lease_owner = ? RETURNING `+outboxColumns,
		outboxTime(at), outboxTime(at), outboxTime(at.Add(lease)), id, string(OutboxSending), owner)
	it, err := outboxScan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxItem{}, fmt.Errorf("outbox attempt %s: %w", id, ErrOutboxLeaseLost)
	}
	if err != nil {
		return OutboxItem{}, fmt.Errorf("outbox attempt %s: %w", id, err)
	}
	return it, nil
}

// MarkSent stores the protocol and marks the item sent, whoever holds the lease (Mosia has it: record it).
// ErrOutboxAlreadySent when it was marked sent before (Get tells with which protocol); ErrOutboxProtocolTaken when
// another item already holds this protocol.
func (o *Outbox) MarkSent(ctx context.Context, id, protocol string, at time.Time) error {
	return o.outboxTx(ctx, "sent "+id, func(tx *sql.Tx) error {
		it, err := outboxGetTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if it.State == OutboxSent {
			return fmt.Errorf("%w (protocol %s)", ErrOutboxAlreadySent, it.Protocol)
		}
		var holder string
		err = tx.QueryRowContext(ctx, `SELECT id FROM outbox_items WHERE protocol = ? AND protocol <> '' AND id <> ?`, protocol, id).Scan(&holder)
		if err == nil {
			return fmt.Errorf("%w (%s)", ErrOutboxProtocolTaken, holder)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox_items SET state = ?, protocol = ?, sent_at = ?, last_error = '',
			lease_owner = '', lease_until = 0, uncertain = 0 WHERE id = ?`,
			string(OutboxSent), protocol, outboxTime(at), id)
		return err
	})
}

// MarkRetry puts owner's item back to pending with a pt-BR reason, due at next; uncertain records whether any
// attempt so far may have reached Mosia.
func (o *Outbox) MarkRetry(ctx context.Context, id, owner, reason string, next time.Time, uncertain bool) error {
	return o.outboxRelease(ctx, "retry", id, owner, OutboxPending, reason, next, uncertain, true)
}

// MarkNeedsCorrection parks owner's item until the attendant corrects it; msg is Mosia's reason, in pt-BR.
func (o *Outbox) MarkNeedsCorrection(ctx context.Context, id, owner, msg string, uncertain bool) error {
	return o.outboxRelease(ctx, "needs correction", id, owner, OutboxNeedsCorrection, msg, time.Time{}, uncertain, true)
}

// Release gives owner's lease back without changing the schedule or reason (shutdown mid-send).
func (o *Outbox) Release(ctx context.Context, id, owner string, uncertain bool) error {
	return o.outboxRelease(ctx, "release", id, owner, OutboxPending, "", time.Time{}, uncertain, false)
}

// ProtocolHolder returns the id of the item holding protocol, if any.
func (o *Outbox) ProtocolHolder(ctx context.Context, protocol string) (string, bool, error) {
	var id string
	err := o.db.QueryRowContext(ctx, `SELECT id FROM outbox_items WHERE protocol = ? AND protocol <> ''`, protocol).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("outbox protocol holder: %w", err)
	}
	return id, true, nil
}

func (o *Outbox) outboxRelease(ctx context.Context, what, id, owner string, state OutboxState, reason string,
	next time.Time, uncertain, schedule bool) error {
	u := 0
	if uncertain {
		u = 1
	}
	var res sql.Result
	var err error
	if schedule {
		res, err = o.db.ExecContext(ctx, `UPDATE outbox_items SET state = ?, last_error = ?, next_attempt_at = ?,
			uncertain = ?, lease_owner = '', lease_until = 0 WHERE id = ? AND state = ? AND lease_owner = ?`,
			string(state), reason, outboxTime(next), u, id, string(OutboxSending), owner)
	} else {
		res, err = o.db.ExecContext(ctx, `UPDATE outbox_items SET state = ?, uncertain = ?, lease_owner = '',
			lease_until = 0 WHERE id = ? AND state = ? AND lease_owner = ?`,
			string(state), u, id, string(OutboxSending), owner)
	}
	if err != nil {
		return fmt.Errorf("outbox %s %s: %w", what, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("outbox %s %s: %w", what, id, ErrOutboxLeaseLost)
	}
	return nil
}

// outboxTx runs fn in an IMMEDIATE transaction (the DSN's _txlock), so its reads and writes are one atomic step.
func (o *Outbox) outboxTx(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("outbox %s: %w", what, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("outbox %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("outbox %s: %w", what, err)
	}
	return nil
}

// outboxEditable refuses edits of sent items and of items another worker is sending right now.
func outboxEditable(it OutboxItem, now time.Time) error {
	switch {
	case it.State == OutboxSent:
		return ErrOutboxAlreadySent
	case it.State == OutboxSending && !it.LeaseUntil.Before(now):
		return ErrOutboxLeased
	}
	return nil
}

func outboxGetTx(ctx context.Context, tx *sql.Tx, id string) (OutboxItem, error) {
	it, err := outboxScan(tx.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox_items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxItem{}, ErrOutboxNotFound
	}
	return it, err
}

type outboxScanner interface{ Scan(dest ...any) error }

func outboxScan(s outboxScanner) (OutboxItem, error) {
	var it OutboxItem
	var body, state string
	var created, first, last, next, sent, leaseUntil int64
	var uncertain int
	err := s.Scan(&it.ID, &it.Attendant, &created, &body, &state, &it.Attempts, &it.LastError, &it.Protocol,
		&first, &last, &next, &sent, &it.LeaseOwner, &leaseUntil, &uncertain)
	if err != nil {
		return OutboxItem{}, err
	}
	if err := json.Unmarshal([]byte(body), &it.Request); err != nil {
		return OutboxItem{}, fmt.Errorf("decode request of %s: %w", it.ID, err)
	}
	it.State = OutboxState(state)
	it.CreatedAt, it.FirstAttemptAt, it.LastAttemptAt = outboxFromTime(created), outboxFromTime(first), outboxFromTime(last)
	it.NextAttemptAt, it.SentAt, it.LeaseUntil = outboxFromTime(next), outboxFromTime(sent), outboxFromTime(leaseUntil)
	it.Uncertain = uncertain != 0
	return it, nil
}

// outboxTime stores a time as Unix nanoseconds; the zero time is 0.
func outboxTime(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func outboxFromTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

const outboxCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// outboxIDState makes IDs of one process strictly increasing, also within one millisecond (monotonic ULID).
var outboxIDState struct {
	sync.Mutex
	ms     uint64
	hi, lo uint64 // the last ID's 128 bits
}

// outboxNewID returns a 26-character ULID: 48-bit milliseconds then 80 random bits, sortable by creation time.
func outboxNewID(t time.Time) string {
	ms := uint64(t.UnixMilli()) & (1<<48 - 1)
	var b [16]byte
	_, _ = rand.Read(b[6:])
	binary.BigEndian.PutUint64(b[:8], ms<<16|uint64(binary.BigEndian.Uint16(b[6:8])))
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])

	st := &outboxIDState
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
		out[i] = outboxCrockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// NextDue returns when the next pending item falls due (or a lease expires); ok is false when nothing is pending.
func (o *Outbox) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullInt64
	err := o.db.QueryRowContext(ctx, `SELECT min(CASE WHEN state = ? THEN next_attempt_at ELSE lease_until END)
		FROM outbox_items WHERE state IN (?, ?)`,
		string(OutboxPending), string(OutboxPending), string(OutboxSending)).Scan(&next)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("outbox next due: %w", err)
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return outboxFromTime(next.Int64), true, nil
}
