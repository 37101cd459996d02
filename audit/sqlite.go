package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/balcao/balcao/internal/migrate"
)

// maxGroup bounds how many lines one transaction writes.
const maxGroup = 1024

// ErrClosed is a Record after Close.
var ErrClosed = errors.New("audit: record closed")

// Log is the access record in an SQLite file (0600), safe for concurrent use, also by several processes sharing
// the file (each group re-reads the chain's head under the file's write lock).
type Log struct {
	db   *sql.DB
	reqs chan request

	mu     sync.RWMutex // guards closed against sends on reqs
	closed bool
	done   chan struct{}
}

type request struct {
	e    Entry
	done chan error
}

var schemaSteps = []migrate.Step{{To: 1, Name: "lines", Apply: func(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `
CREATE TABLE lines (
	seq    INTEGER PRIMARY KEY,
	at     INTEGER NOT NULL,
	who    TEXT    NOT NULL,
	key    TEXT    NOT NULL,
	kind   TEXT    NOT NULL,
	chaves TEXT    NOT NULL,
	what   TEXT    NOT NULL,
	prev   TEXT    NOT NULL,
	hash   TEXT    NOT NULL
);
CREATE TABLE chaves (
	chave TEXT    NOT NULL,
	seq   INTEGER NOT NULL,
	PRIMARY KEY (chave, seq)
) WITHOUT ROWID;
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;`)
	return err
}}}

// Meta keys: the chain's anchor, the last line purged (lines before it were dropped by the retention).
const (
	metaAnchorSeq  = "anchor_seq"
	metaAnchorHash = "anchor_hash"
)

// Open opens (creating if needed, mode 0600) the access record at path and starts its writer.
func Open(path string) (*Log, error) {
	if err := privateFile(path); err != nil {
		return nil, fmt.Errorf("audit open %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(15000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("audit open %s: %w", path, err)
	}
	db.SetMaxOpenConns(2) // the writer, and one reader
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, _, err := migrate.Run(ctx, db, schemaSteps); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("audit schema %s: %w", path, err)
	}
	l := &Log{db: db, reqs: make(chan request, maxGroup), done: make(chan struct{})}
	go l.writer()
	return l, nil
}

// privateFile creates path 0600 when missing and takes a file others can read (and its WAL) back to 0600.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

// Record appends an entry and returns once it is on disk (or ctx ends first: then the line may still be written).
func (l *Log) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	r := request{e: e, done: make(chan error, 1)}
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return ErrClosed
	}
	select {
	case l.reqs <- r:
		l.mu.RUnlock()
	case <-ctx.Done():
		l.mu.RUnlock()
		return fmt.Errorf("audit record: %w", ctx.Err())
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("audit record: %w", ctx.Err())
	}
}

// Close writes what is queued and closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.reqs)
	l.mu.Unlock()
	<-l.done
	return l.db.Close()
}

// writer writes the queued entries in groups: whatever arrived while the previous group was being written.
func (l *Log) writer() {
	defer close(l.done)
	for r := range l.reqs {
		group := []request{r}
	more:
		for len(group) < maxGroup {
			select {
			case r, ok := <-l.reqs:
				if !ok {
					break more
				}
				group = append(group, r)
			default:
				break more
			}
		}
		err := l.write(group)
		for _, g := range group {
			g.done <- err
		}
	}
}

// write appends a group in one transaction, chained to the head it reads under the write lock.
func (l *Log) write(group []request) error {
	ctx := context.Background()
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("audit write: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	seq, prev, err := head(ctx, tx)
	if err != nil {
		return fmt.Errorf("audit write: %w", err)
	}
	for _, r := range group {
		e := r.e
		seq++
		e.Seq, e.Prev = seq, prev
		e.Hash = e.hash()
		prev = e.Hash
		if _, err := tx.ExecContext(ctx, `INSERT INTO lines (seq, at, who, key, kind, chaves, what, prev, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.At.UnixNano(), e.Who, e.Key, string(e.Kind),
			strings.Join(e.Chaves, "\x1f"), e.What, e.Prev, e.Hash); err != nil {
			return fmt.Errorf("audit write: %w", err)
		}
		for _, c := range dedupe(e.Chaves) {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO chaves (chave, seq) VALUES (?, ?)`, c, e.Seq); err != nil {
				return fmt.Errorf("audit write: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("audit write: %w", err)
	}
	return nil
}

// head is the last line's seq and hash, or the anchor when every line was purged, or the genesis.
func head(ctx context.Context, q querier) (int64, string, error) {
	var (
		seq  int64
		hash string
	)
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM lines ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if err == nil {
		return seq, hash, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, "", err
	}
	return anchor(ctx, q)
}

// anchor is where the chain starts: the last purged line's seq and hash, or 0 and the genesis.
func anchor(ctx context.Context, q querier) (int64, string, error) {
	var seqText, hash string
	err := q.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key = ?), (SELECT value FROM meta WHERE key = ?)`,
		metaAnchorSeq, metaAnchorHash).Scan(nullable(&seqText), nullable(&hash))
	if err != nil {
		return 0, "", err
	}
	if seqText == "" {
		return 0, genesis, nil
	}
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("anchor %q: %w", seqText, err)
	}
	return seq, hash, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// nullable scans a NULL as "".
func nullable(s *string) any { return &nullString{s} }

type nullString struct{ s *string }

func (n *nullString) Scan(v any) error {
	var ns sql.NullString
	if err := ns.Scan(v); err != nil {
		return err
	}
	*n.s = ns.String
	return nil
}

func dedupe(cs []string) []string {
	seen := make(map[string]bool, len(cs))
	out := cs[:0:0]
	for _, c := range cs {
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}
