package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/internal/sqlitefile"
)

// SQLite is the access record's store in one SQLite file (0600, WAL, synchronous=FULL), shared safely by
// several processes (each group re-reads the chain's head under the file's write lock).
type SQLite struct {
	db *sql.DB
}

var _ Store = (*SQLite)(nil)

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

// OpenSQLite opens (creating if needed, mode 0600) the access record's file at path.
func OpenSQLite(path string) (*SQLite, error) {
	db, err := sqlitefile.Open(path, 2) // the writer, and one reader
	if err != nil {
		return nil, fmt.Errorf("audit open %s: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, _, err := migrate.Run(ctx, db, schemaSteps); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("audit schema %s: %w", path, err)
	}
	return &SQLite{db: db}, nil
}

// Close closes the file.
func (s *SQLite) Close() error { return s.db.Close() }

// Append writes a group in one transaction, chained to the head it reads under the write lock. Only the lines
// are written here: the index of whose data each line touched is built later, in bulk (see Index), so a search
// answering fifty people costs one row, not fifty-one.
func (s *SQLite) Append(ctx context.Context, group []Entry) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	seq, prev, err := head(ctx, tx)
	if err != nil {
		return err
	}
	Chain(seq, prev, group)
	ins, err := tx.PrepareContext(ctx, `INSERT INTO lines (seq, at, who, key, kind, chaves, what, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`) // once a group: parsing it again was most of a line's cost
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, e := range group {
		if _, err := ins.ExecContext(ctx, e.Seq, e.At.UnixNano(), e.Who, e.Key, string(e.Kind),
			strings.Join(e.Chaves, "\x1f"), e.What, e.Prev, e.Hash); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// indexBatch is how many lines one transaction of index reads.
const indexBatch = 5000

// Index brings the chaveUnica index up to the last line written. Several processes may run it at once; each
// batch runs under the file's write lock.
func (s *SQLite) Index(ctx context.Context) error {
	for {
		n, err := s.indexBatch(ctx)
		if err != nil {
			return err
		}
		if n < indexBatch {
			return nil
		}
	}
}

// indexBatch indexes up to indexBatch lines past the last one indexed, sorted by chave so the index's pages are
// written in order, and returns how many lines it read.
func (s *SQLite) indexBatch(ctx context.Context) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
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
