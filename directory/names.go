package directory

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/balcao/balcao/directory/index"
)

// names is the name index of one generation of the file (see metaGeneration). The file keeps it as one
// snapshot (name_index, in parts) rewritten by every write and tagged with the generation; a reader reloads
// it when the generation changes, whoever wrote.
type names struct {
	gen string
	*index.Index
}

// newNames tags a new index with a new generation.
func newNames(ix *index.Index) *names { return &names{gen: newGeneration(), Index: ix} }

// newGeneration tags a new state of the directory.
func newGeneration() string { return strconv.FormatUint(rand.Uint64(), 36) }

// namesPart is the size of the blobs a snapshot is stored in.
const namesPart = 4 << 20

// execer is what writes a file: a transaction, a connection or a bulk build's driver connection.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// writeNames replaces the stored snapshot with n's and sets the directory's generation to n.gen.
func writeNames(ctx context.Context, ex execer, n *names) error {
	b := n.Encode()
	if _, err := ex.ExecContext(ctx, `DELETE FROM name_index`); err != nil {
		return fmt.Errorf("name index: %w", err)
	}
	for part := 0; len(b) > 0 || part == 0; part++ {
		k := min(len(b), namesPart)
		if _, err := ex.ExecContext(ctx, `INSERT INTO name_index(part, data) VALUES (?, ?)`, part, b[:k]); err != nil {
			return fmt.Errorf("name index: %w", err)
		}
		b = b[k:]
	}
	if _, err := ex.ExecContext(ctx, `INSERT INTO directory_meta(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, metaGeneration, n.gen); err != nil {
		return fmt.Errorf("name index generation: %w", err)
	}
	return nil
}

// readNames loads the stored snapshot and its generation; call it inside a transaction so both agree.
func readNames(ctx context.Context, q querier) (*names, error) {
	var gen string
	if err := q.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, metaGeneration).Scan(&gen); err != nil {
		return nil, fmt.Errorf("name index generation: %w", err)
	}
	var size int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(sum(length(data)), 0) FROM name_index`).Scan(&size); err != nil {
		return nil, fmt.Errorf("name index: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT data FROM name_index ORDER BY part`)
	if err != nil {
		return nil, fmt.Errorf("name index: %w", err)
	}
	defer rows.Close()
	b := make([]byte, 0, size) // the snapshot is as big as a tenth of the index: no growing copies
	for rows.Next() {
		var part sql.RawBytes
		if err := rows.Scan(&part); err != nil {
			return nil, fmt.Errorf("name index: %w", err)
		}
		b = append(b, part...)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("name index: %w", err)
	}
	ix, err := index.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("name index (generation %s): %w", gen, err)
	}
	return &names{gen: gen, Index: ix}, nil
}
