package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Who lists the lines that touched chave's data since `since` (all when zero), oldest first.
func (s *SQLite) Who(ctx context.Context, chave string, since time.Time) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT l.seq, l.at, l.who, l.key, l.kind, l.chaves, l.what, l.prev, l.hash
		FROM chaves c JOIN lines l ON l.seq = c.seq WHERE c.chave = ? AND l.at >= ? ORDER BY l.seq`,
		chave, since.UnixNano())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
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

// Walk reads the anchor and every line, in order, in one read transaction.
func (s *SQLite) Walk(ctx context.Context, start func(seq int64, hash string), each func(Entry) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	seq, prev, err := anchor(ctx, tx)
	if err != nil {
		return err
	}
	start(seq, prev)
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, who, key, kind, chaves, what, prev, hash FROM lines ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return err
		}
		if err := each(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Purge drops the lines older than `before`, keeping the chain checkable: the last dropped line's seq and hash
// become the anchor the remaining lines chain to.
func (s *SQLite) Purge(ctx context.Context, before time.Time) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	var (
		seq  sql.NullInt64
		hash sql.NullString
	)
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM lines WHERE seq = (SELECT max(seq) FROM lines WHERE at < ?)`,
		before.UnixNano()).Scan(&seq, &hash); err != nil && err != sql.ErrNoRows {
		return 0, err
	}
	if !seq.Valid {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM lines WHERE seq <= ?`, seq.Int64)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM chaves WHERE seq <= ?`, seq.Int64); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		metaAnchorSeq, fmt.Sprint(seq.Int64), metaAnchorHash, hash.String); err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Commit()
}
