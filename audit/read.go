package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Who lists the lines that touched chave's data since `since` (all when zero), oldest first: the answer an
// operator owes a data subject asking who saw their data.
func (l *Log) Who(ctx context.Context, chave string, since time.Time) ([]Entry, error) {
	if err := l.Index(ctx); err != nil {
		return nil, err
	}
	rows, err := l.db.QueryContext(ctx, `SELECT l.seq, l.at, l.who, l.key, l.kind, l.chaves, l.what, l.prev, l.hash
		FROM chaves c JOIN lines l ON l.seq = c.seq WHERE c.chave = ? AND l.at >= ? ORDER BY l.seq`,
		chave, since.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("audit query: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("audit query: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit query: %w", err)
	}
	return out, nil
}

func scanEntry(rows *sql.Rows) (Entry, error) {
	var (
		e      Entry
		at     int64
		kind   string
		chaves string
	)
	if err := rows.Scan(&e.Seq, &at, &e.Who, &e.Key, &kind, &chaves, &e.What, &e.Prev, &e.Hash); err != nil {
		return Entry{}, err
	}
	e.At, e.Kind = time.Unix(0, at), Kind(kind)
	if chaves != "" {
		e.Chaves = strings.Split(chaves, "\x1f")
	}
	return e, nil
}

// Problem is a break of the chain Verify found.
type Problem struct {
	Seq    int64  // the line where the chain breaks
	Reason string // what is wrong (English, for the operator's log and the pt-BR report's detail)
}

// Report is what Verify found.
type Report struct {
	Lines     int       // lines checked
	FirstSeq  int64     // the first line checked (after the retention's anchor)
	LastSeq   int64     // the last line checked
	LastHash  string    // the chain's head: write it down to detect lines removed from the end later
	Problems  []Problem // breaks, in order (empty: the chain holds)
	CheckedAt time.Time
}

// Verify walks the whole record and checks that every line follows the one before it (seq and prev) and that its
// hash is its own: a line removed or edited breaks the chain there. Lines removed from the end leave no break:
// compare LastSeq and LastHash with a head noted earlier.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	rep := Report{CheckedAt: time.Now()}
	tx, err := l.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, fmt.Errorf("audit verify: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	seq, prev, err := anchor(ctx, tx)
	if err != nil {
		return rep, fmt.Errorf("audit verify: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, who, key, kind, chaves, what, prev, hash FROM lines ORDER BY seq`)
	if err != nil {
		return rep, fmt.Errorf("audit verify: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return rep, fmt.Errorf("audit verify: %w", err)
		}
		if rep.Lines == 0 {
			rep.FirstSeq = e.Seq
		}
		rep.Lines++
		switch {
		case e.Seq != seq+1:
			rep.Problems = append(rep.Problems, Problem{e.Seq, fmt.Sprintf("lines %d to %d are missing", seq+1, e.Seq-1)})
		case e.Prev != prev:
			rep.Problems = append(rep.Problems, Problem{e.Seq, "does not follow the line before it (edited or removed)"})
		}
		if e.hash() != e.Hash {
			rep.Problems = append(rep.Problems, Problem{e.Seq, "its content does not match its hash (edited)"})
		}
		seq, prev = e.Seq, e.Hash
	}
	rep.LastSeq, rep.LastHash = seq, prev
	return rep, rows.Err()
}

// Purge drops the lines older than `before`, keeping the chain checkable: the last dropped line's seq and hash
// become the anchor the remaining lines chain to.
func (l *Log) Purge(ctx context.Context, before time.Time) (int, error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("audit purge: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var (
		seq  sql.NullInt64
		hash sql.NullString
	)
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM lines WHERE seq = (SELECT max(seq) FROM lines WHERE at < ?)`,
		before.UnixNano()).Scan(&seq, &hash); err != nil && err != sql.ErrNoRows {
		return 0, fmt.Errorf("audit purge: %w", err)
	}
	if !seq.Valid {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM lines WHERE seq <= ?`, seq.Int64)
	if err != nil {
		return 0, fmt.Errorf("audit purge: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM chaves WHERE seq <= ?`, seq.Int64); err != nil {
		return 0, fmt.Errorf("audit purge: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		metaAnchorSeq, fmt.Sprint(seq.Int64), metaAnchorHash, hash.String); err != nil {
		return 0, fmt.Errorf("audit purge: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Commit()
}
