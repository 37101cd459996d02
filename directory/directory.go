// Package directory is the beneficiary directory: one SQLite file (modernc.org/sqlite) holding every
// beneficiary, searched by CPF, card, chaveUnica, phone, matrícula, contract number, birth date and name
// through a name index (package index, which also holds the search ranking) kept in a file next to it and
// mapped into memory (see names). It alone knows the files' layout. Whole directories are written by the bulk
// path (Builder), in bounded memory whatever their size; a few beneficiaries by Upsert.
package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/balcao/balcao/internal/sqlitefile"
	"github.com/balcao/balcao/model"
)

// Directory is an open directory file (WAL). It is safe for concurrent use; writes are serialised.
type Directory struct {
	path string
	rdb  *sql.DB // readers (query_only), a pool
	wdb  *sql.DB // the one writer connection
	wmu  sync.Mutex

	// searching admits one search per core (at least 2), first come first served: the reader pool itself
	// hands a freed connection to a random waiter, which under load makes a few searches wait for many
	// turns (the latency tail), and more searches at once than cores only add contention and garbage.
	searching chan struct{}

	stmts *stmtCache // prepared reader statements

	namesMu sync.Mutex            // serialises loading the name index
	names   atomic.Pointer[names] // the name index last loaded or written; nil until first needed

	log *slog.Logger
}

// Options tunes Open.
type Options struct {
	Logger *slog.Logger // reports a rebuild of a file of another version; nil: slog.Default()
}

// Open opens the directory file at path, creating it (0600) when missing; a file others can read is taken
// back to 0600, with its WAL, and what a crashed build left next to it is removed (see RemoveLeftovers). A file of another version (see Version)
// is first rebuilt from its records, reported in the log; cancelling ctx meanwhile leaves it as it was and
// returns ctx's error. A file written by a newer build is refused with ErrVersion.
func Open(ctx context.Context, path string, opts Options) (*Directory, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	if err := sqlitefile.Private(path); err != nil {
		return nil, fmt.Errorf("directory %s: %w", path, err)
	}
	if err := checkLockPage(path); err != nil {
		return nil, err
	}
	if err := RemoveLeftovers(path, log); err != nil {
		log.Warn("directory build leftovers", "err", err) // they wait for the next start
	}
	wdb, err := openPool(path, false)
	if err != nil {
		return nil, err
	}
	if err := prepare(ctx, wdb, path, log); err != nil {
		_ = wdb.Close()
		return nil, fmt.Errorf("directory %s: %w", path, err)
	}
	rdb, err := openPool(path, true)
	if err != nil {
		_ = wdb.Close()
		return nil, err
	}
	removeStaleIndexes(path, log)
	return &Directory{path: path, rdb: rdb, wdb: wdb, stmts: newStmtCache(rdb), log: log,
		searching: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}, nil
}

// Path is the directory's file.
func (d *Directory) Path() string { return d.path }

// Close releases the file.
func (d *Directory) Close() error {
	d.stmts.close()
	return errors.Join(d.rdb.Close(), d.wdb.Close())
}

// Ping checks that the file can be read.
func (d *Directory) Ping(ctx context.Context) error {
	if _, err := d.Count(ctx); err != nil {
		return fmt.Errorf("directory ping: %w", err)
	}
	return nil
}

// Count is the number of beneficiaries.
func (d *Directory) Count(ctx context.Context) (int, error) {
	var v string
	if err := d.queryRow(ctx, `SELECT value FROM directory_meta WHERE key = '`+metaCount+`'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("directory count: %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("directory count %q: %w", v, err)
	}
	return n, nil
}

// ByCard returns the beneficiary holding a card (with or without separators).
func (d *Directory) ByCard(ctx context.Context, card string) (model.Beneficiary, bool, error) {
	c, ok := model.NormalizeCard(card)
	if !ok {
		return model.Beneficiary{}, false, nil
	}
	var rk int64
	err := d.queryRow(ctx, `SELECT rk FROM keys WHERE key = ? ORDER BY rk LIMIT 1`, keyOf(keyCard, c)).Scan(&rk)
	if errors.Is(err, sql.ErrNoRows) {
		return model.Beneficiary{}, false, nil
	}
	if err != nil {
		return model.Beneficiary{}, false, fmt.Errorf("directory card %s: %w", model.FormatCard(c), err)
	}
	got, err := d.readRows(ctx, []int64{rk})
	if err != nil {
		return model.Beneficiary{}, false, fmt.Errorf("directory card %s: %w", model.FormatCard(c), err)
	}
	b, ok := got[rk]
	return b, ok, nil
}

// namesFor returns the name index of the directory's current generation, loading it when the file changed
// since (a write of this process installs its index itself; another process's write is seen here).
func (d *Directory) namesFor(ctx context.Context) (*names, error) {
	var gen string
	if err := d.queryRow(ctx, `SELECT value FROM directory_meta WHERE key = '`+metaGeneration+`'`).Scan(&gen); err != nil {
		return nil, fmt.Errorf("name index generation: %w", err)
	}
	if n := d.names.Load(); n != nil && n.gen == gen {
		return n, nil
	}
	d.namesMu.Lock()
	defer d.namesMu.Unlock()
	if n := d.names.Load(); n != nil && n.gen == gen {
		return n, nil
	}
	tx, err := d.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("name index: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	n, err := d.loadNames(ctx, tx, d.names.Load())
	if err != nil {
		return nil, err
	}
	d.names.Store(n)
	return n, nil
}

// installNames makes n, just committed, the index searches use.
func (d *Directory) installNames(n *names) {
	d.namesMu.Lock()
	d.names.Store(n)
	d.namesMu.Unlock()
}

// rowScanner is what QueryRow returns, with the prepare error folded in.
type rowScanner struct {
	row *sql.Row
	err error
}

// Scan copies the row's columns into dest, or returns the error of preparing its query.
func (r rowScanner) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.row.Scan(dest...)
}

// queryRow runs a reader query through the statement cache.
func (d *Directory) queryRow(ctx context.Context, query string, args ...any) rowScanner {
	s, err := d.stmts.get(ctx, query)
	if err != nil {
		return rowScanner{err: err}
	}
	defer d.stmts.release(s)
	return rowScanner{row: s.QueryRowContext(ctx, args...)}
}

// query runs a reader query through the statement cache.
func (d *Directory) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := d.stmts.get(ctx, query)
	if err != nil {
		return nil, err
	}
	defer d.stmts.release(s)
	return s.QueryContext(ctx, args...)
}

// columns are the beneficiary columns scan reads, in order.
const columns = `b.rk, b.rec`

// scan reads a row of columns.
func scan(rows *sql.Rows) (int64, model.Beneficiary, error) {
	var rk int64
	b, err := scanInto(rows, &rk)
	return rk, b, err
}

// scanInto reads a row of columns, its rank key into rk and any further columns into more.
func scanInto(rows *sql.Rows, rk *int64, more ...any) (model.Beneficiary, error) {
	var (
		b   model.Beneficiary
		rec sql.RawBytes
	)
	if err := rows.Scan(append([]any{rk, &rec}, more...)...); err != nil {
		return b, err
	}
	if err := decodeRec(rec, &b); err != nil {
		return b, fmt.Errorf("beneficiary %d: %w", *rk, err)
	}
	return b, nil
}

// readRows reads beneficiaries with their contracts (ordered by number) by rank key.
func (d *Directory) readRows(ctx context.Context, rks []int64) (map[int64]model.Beneficiary, error) {
	out := make(map[int64]model.Beneficiary, len(rks))
	if len(rks) == 0 {
		return out, nil
	}
	rows, err := d.query(ctx, `SELECT `+columns+` FROM beneficiaries b
		WHERE b.rk IN (SELECT value FROM json_each(?))`, jsonList(rks))
	if err != nil {
		return nil, fmt.Errorf("load beneficiaries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		rk, b, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("load beneficiaries: %w", err)
		}
		out[rk] = b
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load beneficiaries: %w", err)
	}
	return out, nil
}

// jsonList is rank keys as a JSON array, for `IN (SELECT value FROM json_each(?))`.
func jsonList(rks []int64) string {
	js := make([]byte, 0, 20*len(rks)+2)
	js = append(js, '[')
	for i, rk := range rks {
		if i > 0 {
			js = append(js, ',')
		}
		js = strconv.AppendInt(js, rk, 10)
	}
	return string(append(js, ']'))
}
