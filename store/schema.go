package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/balcao/balcao/model"
)

// DirectorySchemaVersion is the version of the directory's tables; files of another version are rebuilt by import.
const DirectorySchemaVersion = 5

// ErrDirectoryVersion means the file was written by a newer (or unknown) version of balcão.
var ErrDirectoryVersion = errors.New("directory: unsupported schema version")

// dirTables creates the directory's tables. A beneficiary's INTEGER PRIMARY KEY is its rank key (rk, see
// dirRankBase): rk order visits names shortest-first and alphabetically, which is the search's ranking
// after the whole-word tier. Its fields are one record (see dirAppendRec). Its chaveUnica, card and CPF are
// rows of keys (see dirKeysOf); phones, birth dates, matrículas and contract numbers are in the name index
// (see dirNames): a bulk build writes sorted key rows instead of building SQLite indexes, about half the
// cost, and the fewer rows the better. Names are searched in memory;
// name_index is that index's snapshot, in parts, of the generation in directory_meta.
const dirTables = `
CREATE TABLE IF NOT EXISTS directory_meta(
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS beneficiaries(
	rk  INTEGER PRIMARY KEY,
	rec BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS keys( -- a kind letter and an identifier (see dirKeysOf), and who holds it
	key TEXT NOT NULL,
	rk  INTEGER NOT NULL,
	PRIMARY KEY(key, rk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS name_index(
	part INTEGER PRIMARY KEY,
	data BLOB NOT NULL
);
`

// Key kinds: the first byte of a keys row, before the identifier in its stored form.
const (
	dirKeyCard  = 'c' // card digits
	dirKeyCPF   = 'f' // CPF digits, only when the chaveUnica is something else
	dirKeyChave = 'u' // chaveUnica (the CPF for nearly everyone)
)

// dirKeyOf is the key of kind for the identifier v, as stored in keys.
func dirKeyOf(kind byte, v string) string { return string(kind) + v }

// dirKeysOf returns the keys of a normalised beneficiary, without duplicates.
func dirKeysOf(b *model.Beneficiary) []string { return dirAppendKeys(nil, b) }

// dirAppendKeys appends the keys of a normalised beneficiary to ks, without duplicates.
func dirAppendKeys(ks []string, b *model.Beneficiary) []string {
	start := len(ks)
	add := func(kind byte, v string) {
		if v == "" {
			return
		}
		if k := dirKeyOf(kind, v); !slices.Contains(ks[start:], k) {
			ks = append(ks, k)
		}
	}
	add(dirKeyChave, b.ChaveUnica)
	add(dirKeyCard, b.Card)
	if b.CPF != b.ChaveUnica {
		add(dirKeyCPF, b.CPF)
	}
	return ks
}

// Meta keys.
const (
	dirMetaVersion    = "schema_version"
	dirMetaCount      = "beneficiaries"
	dirMetaGeneration = "generation" // changes with every write; tags the name index snapshot
)

// Reader connections keep small page caches and map no file pages: a pooled connection's cache and a
// mapped file both count in the process's resident memory, and the OS page cache serves re-reads anyway.
const (
	dirReaderCacheKiB = 2048
	dirWriterCacheKiB = 16384
)

// dirDSN builds the modernc.org/sqlite DSN of a directory file for readers (readOnly) or the writer.
func dirDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "mmap_size(0)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "cache_size(-"+strconv.Itoa(dirReaderCacheKiB)+")")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "cache_size(-"+strconv.Itoa(dirWriterCacheKiB)+")")
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// dirReaderConns is the size of the reader pool: two per core, at least 4.
func dirReaderConns() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// openSQLite opens a directory file pool: the writer has one connection, readers two per core (at least 4).
func openSQLite(path string, readOnly bool) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dirDSN(path, readOnly))
	if err != nil {
		return nil, fmt.Errorf("directory open %s: %w", path, err)
	}
	if readOnly {
		n := dirReaderConns()
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	} else {
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// dirMigrate creates the schema on a new file, rebuilds files of versions 1 to 3 and checks the version of others.
func dirMigrate(ctx context.Context, db *sql.DB, path string) error {
	var has int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'directory_meta'`).Scan(&has); err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	if has == 0 {
		return dirCreate(ctx, db)
	}
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, dirMetaVersion).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return dirCreate(ctx, db)
	case err != nil:
		return fmt.Errorf("directory schema version: %w", err)
	case v == "1":
		return dirUpgradeV1(ctx, db, path)
	case v == "2" || v == "3":
		return dirUpgradeRebuild(ctx, db, path, `SELECT rk, chave_unica, card, cpf, birth_date, phone, rec FROM beneficiaries`)
	case v == "4": // the same tables, but contracts and matrículas were key rows: records hold every field
		return dirUpgradeRebuild(ctx, db, path, `SELECT rk, '', '', '', '', '', rec FROM beneficiaries`)
	case v != strconv.Itoa(DirectorySchemaVersion):
		return fmt.Errorf("%w: file has %q, this build reads %d", ErrDirectoryVersion, v, DirectorySchemaVersion)
	}
	return nil
}

// dirCreate makes the tables, indexes and meta rows of an empty directory.
func dirCreate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, dirTables); err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO directory_meta(key, value) VALUES (?, ?), (?, '0')
		ON CONFLICT(key) DO NOTHING`, dirMetaVersion, strconv.Itoa(DirectorySchemaVersion), dirMetaCount); err != nil {
		return fmt.Errorf("directory schema version: %w", err)
	}
	var gen sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, dirMetaGeneration).Scan(&gen); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("directory schema: %w", err)
	}
	if !gen.Valid { // another process may have created it meanwhile
		if err := dirWriteNames(ctx, tx, newDirNamesBuilder(0).finish(dirNewGeneration())); err != nil {
			return fmt.Errorf("directory schema: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	return nil
}

// dirUpgradeV1 rebuilds a version 1 file (other columns, names in word-posting tables) in the current
// layout: its beneficiaries are read, written into a new file by the bulk path and restored over it.
func dirUpgradeV1(ctx context.Context, db *sql.DB, path string) error {
	bk := newDirBulk()
	rows, err := db.QueryContext(ctx, `SELECT b.chave_unica, b.card, b.cpf, b.name, b.birth_date, b.rg,
		b.id_matricula, b.mother_name, b.phone, b.email, b.situation, c.number, c.description
		FROM beneficiaries b LEFT JOIN contracts c ON c.rk = b.rk ORDER BY b.rk, c.number`)
	if err != nil {
		return fmt.Errorf("directory upgrade: %w", err)
	}
	var cur model.Beneficiary
	started := false
	for rows.Next() {
		var (
			b        model.Beneficiary
			num, dsc sql.NullString
		)
		if err := rows.Scan(&b.ChaveUnica, &b.Card, &b.CPF, &b.Name, &b.BirthDate, &b.RG, &b.IDMatricula,
			&b.MotherName, &b.Phone, &b.Email, &b.Situation, &num, &dsc); err != nil {
			rows.Close()
			return fmt.Errorf("directory upgrade: %w", err)
		}
		if !started || b.ChaveUnica != cur.ChaveUnica || b.Card != cur.Card {
			if started {
				bk.add(cur)
			}
			cur, started = b, true
		}
		if num.Valid {
			cur.Contracts = append(cur.Contracts, model.ContractRef{Number: num.String, Description: dsc.String})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("directory upgrade: %w", err)
	}
	if started {
		bk.add(cur)
	}
	tmp, _, err := dirBuildTemp(ctx, path, bk)
	if err != nil {
		return fmt.Errorf("directory upgrade: %w", err)
	}
	defer dirRemoveTemp(tmp)
	if err := dirRestore(ctx, db, path, tmp); err != nil {
		return fmt.Errorf("directory upgrade: %w", err)
	}
	return nil
}

// dirUpgradeRebuild rebuilds a file of version 2 (no matrícula table), 3 (phone and birth-date indexes in
// SQLite, an older name index snapshot) or 4 (contracts and matrículas as key rows) in the current layout
// from its beneficiaries, which query reads: rank key, chaveUnica, card, CPF, birth date, phone (the
// columns of versions 2 and 3) and record.
func dirUpgradeRebuild(ctx context.Context, db *sql.DB, path, query string) error {
	bk := newDirBulk()
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("directory upgrade: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rk  int64
			b   model.Beneficiary
			rec sql.RawBytes
		)
		if err := rows.Scan(&rk, &b.ChaveUnica, &b.Card, &b.CPF, &b.BirthDate, &b.Phone, &rec); err != nil {
			return fmt.Errorf("directory upgrade: %w", err)
		}
		if err := dirDecodeRec(rec, &b); err != nil {
			return fmt.Errorf("directory upgrade: beneficiary %d: %w", rk, err)
		}
		bk.add(b)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("directory upgrade: %w", err)
	}
	rows.Close()
	tmp, _, err := dirBuildTemp(ctx, path, bk)
	if err != nil {
		return fmt.Errorf("directory upgrade: %w", err)
	}
	defer dirRemoveTemp(tmp)
	if err := dirRestore(ctx, db, path, tmp); err != nil {
		return fmt.Errorf("directory upgrade: %w", err)
	}
	return nil
}

// Rank key layout (63 bits): name length (6) | first 7 name characters, 5 bits each (35) | tie counter (22).
const (
	dirRankChars       = 7
	dirRankCounterBits = 22
	dirRankCounterMax  = 1<<dirRankCounterBits - 1
)

// dirRankBase is the rank key of a folded name (words joined by one space) with a zero tie counter:
// shorter names first, then alphabetical on the first characters. Rows sharing a base are ordered by the
// counter, given in full name order by a bulk build and in arrival order by later upserts.
func dirRankBase(folded string) int64 {
	v := int64(min(len(folded), 63))
	for i := 0; i < dirRankChars; i++ {
		var c int64
		if i < len(folded) {
			switch ch := folded[i]; {
			case ch == ' ':
				c = 0
			case ch >= '0' && ch <= '9':
				c = 1
			case ch >= 'a' && ch <= 'z':
				c = int64(ch-'a') + 2
			default:
				c = 28
			}
		}
		v = v<<5 | c
	}
	return v << dirRankCounterBits
}

// dirNameWords are the distinct folded words of a name, in order.
func dirNameWords(name string) []string {
	ws := model.NameWords(name)
	out := ws[:0]
	for i, w := range ws {
		dup := false
		for _, o := range ws[:i] {
			if o == w {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, w)
		}
	}
	return out
}
