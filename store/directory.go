package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/balcao/balcao/model"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNoKey means a beneficiary has none of chaveUnica, CPF or card, so it cannot be stored.
var ErrNoKey = errors.New("directory: beneficiary without chaveUnica, cpf or card")

// Directory is the beneficiary directory: one SQLite file (WAL) searched by CPF, card, chaveUnica, phone,
// contract number, birth date and name. It is safe for concurrent use; writes are serialised.
type Directory struct {
	path string
	rdb  *sql.DB // readers (query_only), a pool
	wdb  *sql.DB // the one writer connection
	wmu  sync.Mutex

	// searching admits one search per core (at least 2), first come first served: the reader pool itself
	// hands a freed connection to a random waiter, which under load makes a few searches wait for many
	// turns (the latency tail), and more searches at once than cores only add contention and garbage.
	searching chan struct{}

	stmts *dirStmtCache // prepared reader statements

	namesMu sync.Mutex               // serialises loading the name index
	names   atomic.Pointer[dirNames] // the name index last loaded or written; nil until first needed
}

// OpenDirectory opens the directory file at path, creating it and its schema when missing.
func OpenDirectory(path string) (*Directory, error) {
	ctx := context.Background()
	wdb, err := openSQLite(path, false)
	if err != nil {
		return nil, err
	}
	if err := dirMigrate(ctx, wdb, path); err != nil {
		_ = wdb.Close()
		return nil, fmt.Errorf("directory %s: %w", path, err)
	}
	rdb, err := openSQLite(path, true)
	if err != nil {
		_ = wdb.Close()
		return nil, err
	}
	return &Directory{path: path, rdb: rdb, wdb: wdb, stmts: newDirStmtCache(rdb),
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
	if err := d.queryRow(ctx, `SELECT value FROM directory_meta WHERE key = '`+dirMetaCount+`'`).Scan(&v); err != nil {
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
	err := d.queryRow(ctx, `SELECT rk FROM keys WHERE key = ? ORDER BY rk LIMIT 1`, dirKeyOf(dirKeyCard, c)).Scan(&rk)
	if errors.Is(err, sql.ErrNoRows) {
		return model.Beneficiary{}, false, nil
	}
	if err != nil {
		return model.Beneficiary{}, false, fmt.Errorf("directory card %s: %w", model.FormatCard(c), err)
	}
	got, err := d.load(ctx, []int64{rk})
	if err != nil {
		return model.Beneficiary{}, false, fmt.Errorf("directory card %s: %w", model.FormatCard(c), err)
	}
	b, ok := got[rk]
	return b, ok, nil
}

// dirNamesReleaseRows is the index size from which loading it hands the memory it freed back to the OS.
const dirNamesReleaseRows = 100_000

// namesFor returns the name index of the directory's current generation, loading it when the file changed
// since (a write of this process installs its index itself; another process's write is seen here).
func (d *Directory) namesFor(ctx context.Context) (*dirNames, error) {
	var gen string
	if err := d.queryRow(ctx, `SELECT value FROM directory_meta WHERE key = '`+dirMetaGeneration+`'`).Scan(&gen); err != nil {
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
	n, err := dirReadNames(ctx, tx)
	if err != nil {
		return nil, err
	}
	old := d.names.Swap(n)
	if old != nil || len(n.rks) >= dirNamesReleaseRows {
		// the snapshot read and the replaced index are tens of MB at a million names: give them back now
		// rather than let the process's resident size carry them until the heap grows past twice its size
		debug.FreeOSMemory()
	}
	return n, nil
}

// dirRowScanner is what QueryRow returns, with the prepare error folded in.
type dirRowScanner struct {
	row *sql.Row
	err error
}

func (r dirRowScanner) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.row.Scan(dest...)
}

// queryRow runs a reader query through the statement cache.
func (d *Directory) queryRow(ctx context.Context, query string, args ...any) dirRowScanner {
	s, err := d.stmts.get(ctx, query)
	if err != nil {
		return dirRowScanner{err: err}
	}
	defer d.stmts.release(s)
	return dirRowScanner{row: s.QueryRowContext(ctx, args...)}
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

// dirColumns are the beneficiary columns dirScan reads, in order.
const dirColumns = `b.rk, b.rec`

// dirScan reads a row of dirColumns.
func dirScan(rows *sql.Rows) (int64, model.Beneficiary, error) {
	var rk int64
	b, err := dirScanInto(rows, &rk)
	return rk, b, err
}

// dirScanInto reads a row of dirColumns, its rank key into rk and any further columns into more.
func dirScanInto(rows *sql.Rows, rk *int64, more ...any) (model.Beneficiary, error) {
	var (
		b   model.Beneficiary
		rec sql.RawBytes
	)
	if err := rows.Scan(append([]any{rk, &rec}, more...)...); err != nil {
		return b, err
	}
	if err := dirDecodeRec(rec, &b); err != nil {
		return b, fmt.Errorf("beneficiary %d: %w", *rk, err)
	}
	return b, nil
}

// load reads beneficiaries with their contracts (ordered by number) by rank key.
func (d *Directory) load(ctx context.Context, rks []int64) (map[int64]model.Beneficiary, error) {
	out := make(map[int64]model.Beneficiary, len(rks))
	if len(rks) == 0 {
		return out, nil
	}
	rows, err := d.query(ctx, `SELECT `+dirColumns+` FROM beneficiaries b
		WHERE b.rk IN (SELECT value FROM json_each(?))`, dirJSONList(rks))
	if err != nil {
		return nil, fmt.Errorf("load beneficiaries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		rk, b, err := dirScan(rows)
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

// dirJSONList is rank keys as a JSON array, for `IN (SELECT value FROM json_each(?))`.
func dirJSONList(rks []int64) string {
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

// dirKey is a beneficiary's identity: chaveUnica (the CPF by default) and card.
type dirKey struct{ chave, card string }

// dirNormalize cleans a beneficiary for storage: identifiers as digits, chaveUnica defaulting to the CPF,
// contracts deduplicated by number. It fails when no key remains.
func dirNormalize(b model.Beneficiary) (model.Beneficiary, error) {
	b.CPF = model.Digits(b.CPF)
	if c, ok := model.NormalizeCard(b.Card); ok {
		b.Card = c
	} else {
		b.Card = strings.TrimSpace(b.Card)
	}
	b.ChaveUnica = model.NormalizeChave(b.ChaveUnica)
	if b.ChaveUnica == "" {
		b.ChaveUnica = b.CPF
	}
	if b.ChaveUnica == "" && b.Card == "" {
		return b, ErrNoKey
	}
	b.Name = strings.TrimSpace(b.Name)
	if t, ok := model.ParseDate(b.BirthDate); ok {
		b.BirthDate = t.Format("2006-01-02")
	}
	b.Phone, _ = model.PhoneKeys(b.Phone)
	b.Email = strings.TrimSpace(b.Email)
	b.Contracts = dirMergeContracts(nil, b.Contracts)
	return b, nil
}

// dirMergeContracts adds contracts to have by number; a non-empty description replaces an older one.
func dirMergeContracts(have, add []model.ContractRef) []model.ContractRef {
	for _, c := range add {
		c.Number = strings.TrimSpace(c.Number)
		c.Description = strings.TrimSpace(c.Description)
		if c.Number == "" {
			continue
		}
		i := slices.IndexFunc(have, func(h model.ContractRef) bool { return h.Number == c.Number })
		switch {
		case i < 0:
			have = append(have, c)
		case c.Description != "":
			have[i].Description = c.Description
		}
	}
	return have
}

// dirMergeFields overlays the non-empty fields of b on a (same identity); contracts are merged.
func dirMergeFields(a, b model.Beneficiary) model.Beneficiary {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&a.CPF, b.CPF)
	set(&a.Name, b.Name)
	set(&a.BirthDate, b.BirthDate)
	set(&a.RG, b.RG)
	set(&a.IDMatricula, b.IDMatricula)
	set(&a.MotherName, b.MotherName)
	set(&a.Phone, b.Phone)
	set(&a.Email, b.Email)
	set(&a.Situation, b.Situation)
	a.Contracts = dirMergeContracts(a.Contracts, b.Contracts)
	return a
}
