package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/balcao/balcao/pgsql"
)

// Postgres is the access record in fleet mode: one chain in the tables audit_lines and audit_meta of the shared
// database, appended under an advisory lock so every instance's lines take their turn in it. Lines find their
// chaveUnica through a GIN index on the chaves array, so Index has nothing to do.
type Postgres struct {
	pool *pgsql.Pool
}

var _ Store = (*Postgres)(nil)

// PostgresSchema versions the access record's tables (part "audit" of balcao_schema).
//
//	1: audit_lines (at_ns is the exact time the hash covers; at the same, for people reading the table; origin
//	   names a line shipped from an instance's queue, so shipping it again adds nothing), audit_meta.
var PostgresSchema = []pgsql.Step{
	{To: 1, Name: "audit_lines", Apply: pgsql.Exec(`
CREATE TABLE audit_lines (
	seq    bigint      PRIMARY KEY,
	at_ns  bigint      NOT NULL,
	at     timestamptz NOT NULL,
	who    text        NOT NULL,
	key    text        NOT NULL,
	kind   text        NOT NULL,
	chaves text[]      NOT NULL,
	what   text        NOT NULL,
	prev   text        NOT NULL,
	hash   text        NOT NULL,
	origin text        UNIQUE
);
CREATE INDEX audit_lines_chaves ON audit_lines USING gin (chaves);
CREATE INDEX audit_lines_at ON audit_lines (at_ns);
CREATE TABLE audit_meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);`)},
}

// OpenPostgres brings the access record's tables up to date on pool and returns the store; closing it leaves
// the pool open.
func OpenPostgres(ctx context.Context, pool *pgsql.Pool) (*Postgres, error) {
	if _, _, err := pgsql.Migrate(ctx, pool, "audit", PostgresSchema); err != nil {
		return nil, fmt.Errorf("audit postgres: %w", err)
	}
	return &Postgres{pool: pool}, nil
}

// Close does nothing: the pool belongs to the caller.
func (p *Postgres) Close() error { return nil }

// Append chains group to the head and writes it in one transaction holding the record's lock.
func (p *Postgres) Append(ctx context.Context, group []Entry) error {
	_, err := p.appendOnce(ctx, group, nil)
	return err
}

// appendOnce appends the lines of group whose origin (when origins is given, one per line) is not in the record
// yet, chained in order; the others are already there from an earlier shipping whose answer was lost. It returns
// how many it added.
func (p *Postgres) appendOnce(ctx context.Context, group []Entry, origins []string) (int, error) {
	added := 0
	err := pgsql.InTx(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, pgsql.LockSpace, pgsql.LockAudit); err != nil {
			return err
		}
		if origins != nil {
			rows, err := tx.Query(ctx, `SELECT origin FROM audit_lines WHERE origin = ANY($1)`, origins)
			if err != nil {
				return err
			}
			seen, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return err
			}
			group, origins = without(group, origins, seen)
		}
		seq, prev, err := p.head(ctx, tx)
		if err != nil {
			return err
		}
		Chain(seq, prev, group)
		added = len(group)
		return insertLines(ctx, tx, group, origins)
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// without drops the lines whose origin is in seen.
func without(group []Entry, origins, seen []string) ([]Entry, []string) {
	if len(seen) == 0 {
		return group, origins
	}
	skip := make(map[string]bool, len(seen))
	for _, o := range seen {
		skip[o] = true
	}
	var g []Entry
	var o []string
	for i, e := range group {
		if !skip[origins[i]] {
			g, o = append(g, e), append(o, origins[i])
		}
	}
	return g, o
}

// insertLines copies lines (chained already) into audit_lines; origins, when given, are theirs.
func insertLines(ctx context.Context, tx pgx.Tx, group []Entry, origins []string) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_lines"},
		[]string{"seq", "at_ns", "at", "who", "key", "kind", "chaves", "what", "prev", "hash", "origin"},
		pgx.CopyFromSlice(len(group), func(i int) ([]any, error) {
			e := group[i]
			var origin *string
			if origins != nil {
				origin = &origins[i]
			}
			chaves := e.Chaves
			if chaves == nil {
				chaves = []string{}
			}
			return []any{e.Seq, e.At.UnixNano(), e.At, e.Who, e.Key, string(e.Kind), chaves, e.What, e.Prev, e.Hash,
				origin}, nil
		}))
	return err
}

// head is the last line's seq and hash, or the anchor.
func (p *Postgres) head(ctx context.Context, q pgx.Tx) (int64, string, error) {
	var (
		seq  int64
		hash string
	)
	err := q.QueryRow(ctx, `SELECT seq, hash FROM audit_lines ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if err == nil {
		return seq, hash, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, "", err
	}
	return pgAnchor(ctx, q)
}

// pgAnchor is the last purged line's seq and hash, or 0 and the genesis.
func pgAnchor(ctx context.Context, q pgx.Tx) (int64, string, error) {
	var seqText, hash *string
	err := q.QueryRow(ctx, `SELECT (SELECT value FROM audit_meta WHERE key = $1), (SELECT value FROM audit_meta WHERE key = $2)`,
		metaAnchorSeq, metaAnchorHash).Scan(&seqText, &hash)
	if err != nil {
		return 0, "", err
	}
	if seqText == nil || hash == nil {
		return 0, genesis, nil
	}
	seq, err := strconv.ParseInt(*seqText, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("anchor %q: %w", *seqText, err)
	}
	return seq, *hash, nil
}

// Index does nothing: the GIN index on chaves is kept by PostgreSQL as lines are written.
func (p *Postgres) Index(context.Context) error { return nil }

const pgLineColumns = `seq, at_ns, who, key, kind, chaves, what, prev, hash`

// Who lists the lines that touched chave's data since `since`, oldest first.
func (p *Postgres) Who(ctx context.Context, chave string, since time.Time) ([]Entry, error) {
	rows, err := p.pool.Query(ctx, `SELECT `+pgLineColumns+` FROM audit_lines
		WHERE chaves @> ARRAY[$1]::text[] AND at_ns >= $2 ORDER BY seq`, chave, since.UnixNano())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanPGEntry)
}

func scanPGEntry(row pgx.CollectableRow) (Entry, error) {
	var (
		e    Entry
		at   int64
		kind string
	)
	if err := row.Scan(&e.Seq, &at, &e.Who, &e.Key, &kind, &e.Chaves, &e.What, &e.Prev, &e.Hash); err != nil {
		return Entry{}, err
	}
	e.At, e.Kind = time.Unix(0, at), Kind(kind)
	if len(e.Chaves) == 0 {
		e.Chaves = nil
	}
	return e, nil
}

// Walk reads the anchor and every line, in order, in one repeatable-read transaction.
func (p *Postgres) Walk(ctx context.Context, start func(seq int64, hash string), each func(Entry) error) error {
	tx, err := p.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	seq, prev, err := pgAnchor(ctx, tx)
	if err != nil {
		return err
	}
	start(seq, prev)
	rows, err := tx.Query(ctx, `SELECT `+pgLineColumns+` FROM audit_lines ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanPGEntry(rows)
		if err != nil {
			return err
		}
		if err := each(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Purge drops the lines older than before, under the record's lock; the last one dropped becomes the anchor.
func (p *Postgres) Purge(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := pgsql.InTx(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, pgsql.LockSpace, pgsql.LockAudit); err != nil {
			return err
		}
		var (
			seq  int64
			hash string
		)
		err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_lines
			WHERE seq = (SELECT max(seq) FROM audit_lines WHERE at_ns < $1)`, before.UnixNano()).Scan(&seq, &hash)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM audit_lines WHERE seq <= $1`, seq)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `INSERT INTO audit_meta (key, value) VALUES ($1, $2), ($3, $4)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			metaAnchorSeq, strconv.FormatInt(seq, 10), metaAnchorHash, hash)
		return err
	})
	return int(n), err
}

// ImportLines copies every line of src into this record, for balcao migrate --to-postgres. Into an empty record
// the lines keep their numbers and hashes (the chain still verifies against a head noted before the move), and
// src's anchor becomes this record's. Otherwise they are appended, chained anew after this record's head. Each is
// named by tag and its number, so that a second run adds nothing. It returns how many lines it added.
func (p *Postgres) ImportLines(ctx context.Context, src Store, tag string) (int, error) {
	const batch = 2000
	var (
		lines      []Entry
		anchorSeq  int64
		anchorHash string
		added      int
	)
	empty, err := p.empty(ctx)
	if err != nil {
		return 0, err
	}
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		origins := make([]string, len(lines))
		for i, e := range lines {
			origins[i] = tag + ":" + strconv.FormatInt(e.Seq, 10)
		}
		var (
			n   = len(lines)
			err error
		)
		if empty {
			err = pgsql.InTx(ctx, p.pool, func(tx pgx.Tx) error { return insertLines(ctx, tx, lines, origins) })
		} else {
			n, err = p.appendOnce(ctx, lines, origins)
		}
		added += n
		lines = lines[:0]
		return err
	}
	err = src.Walk(ctx, func(seq int64, hash string) { anchorSeq, anchorHash = seq, hash }, func(e Entry) error {
		lines = append(lines, e)
		if len(lines) >= batch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil && empty && anchorSeq > 0 {
		_, err = p.pool.Exec(ctx, `INSERT INTO audit_meta (key, value) VALUES ($1, $2), ($3, $4)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			metaAnchorSeq, strconv.FormatInt(anchorSeq, 10), metaAnchorHash, anchorHash)
	}
	if err != nil {
		return added, fmt.Errorf("audit import: %w", err)
	}
	return added, nil
}

// empty reports whether the record has neither lines nor an anchor.
func (p *Postgres) empty(ctx context.Context) (bool, error) {
	var n int
	err := p.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM (SELECT 1 FROM audit_lines LIMIT 1) l) +
		(SELECT count(*) FROM audit_meta WHERE key = $1)`, metaAnchorSeq).Scan(&n)
	return n == 0, err
}
