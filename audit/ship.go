package audit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/internal/sqlitefile"
)

// Shipper is the access record of a fleet instance. Append writes the group to a local queue (an SQLite file,
// 0600, synchronous=FULL): a search is answered once its line is on this machine's disk, without waiting on the
// network, and keeps being answered while the shared database is out of reach. Run ships the queued lines, in
// order, to the shared record (Postgres), where they take their place in its one chain; each carries the queue's
// id and its own number, so a batch shipped again after a lost answer adds nothing. Reads go to the shared record.
type Shipper struct {
	db      *sql.DB
	id      string // this queue's id, the first half of each line's origin
	primary *Postgres
	log     *slog.Logger
	nudge   chan struct{}

	mu      sync.Mutex // one shipping at a time
	failing bool       // Run's own: the last shipping failed (logged once per outage)
}

var _ Store = (*Shipper)(nil)

var queueSteps = []migrate.Step{{To: 1, Name: "queue", Apply: func(ctx context.Context, tx *sql.Tx) error {
	var b [8]byte
	_, _ = rand.Read(b[:])
	_, err := tx.ExecContext(ctx, `
CREATE TABLE queue (
	id     INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a line's origin is its id
	at     INTEGER NOT NULL,
	who    TEXT    NOT NULL,
	key    TEXT    NOT NULL,
	kind   TEXT    NOT NULL,
	chaves TEXT    NOT NULL,
	what   TEXT    NOT NULL
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('queue_id', '`+hex.EncodeToString(b[:])+`');`)
	return err
}}}

// shipBatch bounds the lines of one shipping transaction.
const shipBatch = 1000

// OpenShipper opens (creating if needed, mode 0600) the local queue at path, shipping to primary.
func OpenShipper(path string, primary *Postgres, log *slog.Logger) (*Shipper, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db, err := sqlitefile.Open(path, 2)
	if err != nil {
		return nil, fmt.Errorf("audit queue %s: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := &Shipper{db: db, primary: primary, log: log.With(slog.String("component", "audit")),
		nudge: make(chan struct{}, 1)}
	if _, _, err := migrate.Run(ctx, db, queueSteps); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("audit queue %s: %w", path, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'queue_id'`).Scan(&s.id); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("audit queue %s: %w", path, err)
	}
	return s, nil
}

// Append queues group on this machine's disk, in one transaction, and wakes Run.
func (s *Shipper) Append(ctx context.Context, group []Entry) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO queue (at, who, key, kind, chaves, what) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, e := range group {
		if _, err := ins.ExecContext(ctx, e.At.UnixNano(), e.Who, e.Key, string(e.Kind), strings.Join(e.Chaves, "\x1f"),
			e.What); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	select {
	case s.nudge <- struct{}{}:
	default:
	}
	return nil
}

// Pending counts the lines not shipped yet.
func (s *Shipper) Pending(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM queue`).Scan(&n)
	return n, err
}

// Ship moves every queued line to the shared record, in order, a batch per transaction, and returns how many it
// shipped; it stops at the first error (the shared database is out of reach) and the rest waits.
func (s *Shipper) Ship(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	shipped := 0
	for {
		group, ids, err := s.batch(ctx)
		if err != nil || len(group) == 0 {
			return shipped, err
		}
		origins := make([]string, len(ids))
		for i, id := range ids {
			origins[i] = s.id + ":" + strconv.FormatInt(id, 10)
		}
		if _, err := s.primary.appendOnce(ctx, group, origins); err != nil {
			return shipped, fmt.Errorf("audit ship: %w", err)
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM queue WHERE id <= ?`, ids[len(ids)-1]); err != nil {
			return shipped, fmt.Errorf("audit ship: %w", err)
		}
		shipped += len(group)
	}
}

// batch reads the oldest queued lines.
func (s *Shipper) batch(ctx context.Context) ([]Entry, []int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, who, key, kind, chaves, what FROM queue ORDER BY id LIMIT ?`, shipBatch)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var (
		group []Entry
		ids   []int64
	)
	for rows.Next() {
		var (
			e      Entry
			id, at int64
			kind   string
			chaves string
		)
		if err := rows.Scan(&id, &at, &e.Who, &e.Key, &kind, &chaves, &e.What); err != nil {
			return nil, nil, err
		}
		e.At, e.Kind = time.Unix(0, at), Kind(kind)
		if chaves != "" {
			e.Chaves = strings.Split(chaves, "\x1f")
		}
		group, ids = append(group, e), append(ids, id)
	}
	return group, ids, rows.Err()
}

// Run ships queued lines as they come (and every second, and with growing pauses up to 10 s while the shared
// database is out of reach) until ctx ends.
func (s *Shipper) Run(ctx context.Context) {
	wait := time.Second
	for {
		_, err := s.Ship(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			if !s.failing {
				s.log.Warn("access record: shared database out of reach; lines wait on this machine", "err", err)
			}
			s.failing = true
			wait = min(2*wait, 10*time.Second)
		case err == nil:
			if s.failing {
				s.log.Info("access record: shipping again")
			}
			s.failing, wait = false, time.Second
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.nudge:
			t.Stop()
		case <-t.C:
		}
	}
}

// Index does nothing: see Postgres.Index.
func (s *Shipper) Index(ctx context.Context) error { return s.primary.Index(ctx) }

// Who asks the shared record (lines still queued on some instance are not in it yet).
func (s *Shipper) Who(ctx context.Context, chave string, since time.Time) ([]Entry, error) {
	return s.primary.Who(ctx, chave, since)
}

// Walk reads the shared record.
func (s *Shipper) Walk(ctx context.Context, start func(int64, string), each func(Entry) error) error {
	return s.primary.Walk(ctx, start, each)
}

// Purge purges the shared record.
func (s *Shipper) Purge(ctx context.Context, before time.Time) (int, error) {
	return s.primary.Purge(ctx, before)
}

// Close ships what it can in two seconds and closes the queue; what is left ships at the next start.
func (s *Shipper) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	_, err := s.Ship(ctx)
	cancel()
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("access record: lines left on this machine until the next start", "err", err)
	}
	return s.db.Close()
}
