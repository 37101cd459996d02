package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
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
	metaIndexed    = "indexed_seq" // the last line whose chaves are in the chaves table
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

// gatherFor is how long the writer waits, after a line arrives, for others to share its commit. A commit costs
// far more than a line: without the wait, a busy service committed nearly every line alone.
const gatherFor = time.Millisecond

// writer writes the queued entries in groups: a line, and those that arrive within gatherFor of it.
func (l *Log) writer() {
	defer close(l.done)
	timer := time.NewTimer(gatherFor)
	for r := range l.reqs {
		group := []request{r}
		timer.Reset(gatherFor)
	more:
		for len(group) < maxGroup {
			select {
			case r, ok := <-l.reqs:
				if !ok {
					break more
				}
				group = append(group, r)
			case <-timer.C:
				break more
			}
		}
		timer.Stop()
		err := l.write(group)
		for _, g := range group {
			g.done <- err
		}
	}
}

// write appends a group in one transaction, chained to the head it reads under the write lock. Only the lines
// are written here: the index of whose data each line touched is built later, in bulk (see index), so a search
// answering fifty people costs one row, not fifty-one.
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
	ins, err := tx.PrepareContext(ctx, `INSERT INTO lines (seq, at, who, key, kind, chaves, what, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`) // once a group: parsing it again was most of a line's cost
	if err != nil {
		return fmt.Errorf("audit write: %w", err)
	}
	defer ins.Close()
	for _, r := range group {
		e := r.e
		seq++
		e.Seq, e.Prev = seq, prev
		e.Hash = e.hash()
		prev = e.Hash
		if _, err := ins.ExecContext(ctx, e.Seq, e.At.UnixNano(), e.Who, e.Key, string(e.Kind),
			strings.Join(e.Chaves, "\x1f"), e.What, e.Prev, e.Hash); err != nil {
			return fmt.Errorf("audit write: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("audit write: %w", err)
	}
	return nil
}

// indexBatch is how many lines one transaction of index reads.
const indexBatch = 5000

// Index brings the chaveUnica index up to the last line written: Who calls it first, and the daily purge keeps
// it close. Several processes may run it at once; each batch runs under the file's write lock.
func (l *Log) Index(ctx context.Context) error {
	for {
		n, err := l.indexBatch(ctx)
		if err != nil {
			return fmt.Errorf("audit index: %w", err)
		}
		if n < indexBatch {
			return nil
		}
	}
}

// indexBatch indexes up to indexBatch lines past the last one indexed, sorted by chave so the index's pages are
// written in order, and returns how many lines it read.
func (l *Log) indexBatch(ctx context.Context) (int, error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	var doneText string
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key = ?)`, metaIndexed).
		Scan(nullable(&doneText)); err != nil {
		return 0, err
	}
	done, _ := strconv.ParseInt(doneText, 10, 64)
	type pair struct {
		chave string
		seq   int64
	}
	var pairs []pair
	n, last := 0, done
	rows, err := tx.QueryContext(ctx, `SELECT seq, chaves FROM lines WHERE seq > ? ORDER BY seq LIMIT ?`, done, indexBatch)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var chaves string
		if err := rows.Scan(&last, &chaves); err != nil {
			rows.Close()
			return 0, err
		}
		n++
		for _, c := range dedupe(strings.Split(chaves, "\x1f")) {
			pairs = append(pairs, pair{c, last})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || n == 0 {
		return 0, err
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.chave, b.chave) })
	ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO chaves (chave, seq) VALUES (?, ?)`)
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	for _, p := range pairs {
		if _, err := ins.ExecContext(ctx, p.chave, p.seq); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, metaIndexed, strconv.FormatInt(last, 10)); err != nil {
		return 0, err
	}
	return n, tx.Commit()
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
