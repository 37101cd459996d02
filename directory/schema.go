package directory

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

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/model"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// LayoutVersion is the version of the file layout this build writes (tables, record encoding, key kinds, name
// index snapshot), kept in the file's PRAGMA user_version. Files written before the layout was versioned so
// (user_version 0) carry theirs, 1 to 5, in directory_meta.schema_version; the numbering goes on from there.
// Bump it with any change of the layout, and teach readRecords to read the layout it replaces.
const LayoutVersion = 7

// tables creates the directory's tables. A beneficiary's INTEGER PRIMARY KEY is its rank key (rk, see
// index.RankBase): rk order is the search's name order. Its fields are one record (see appendRec). Its
// chaveUnica, card and CPF are rows of keys (see keysOf); phones, birth dates, matrículas and contract numbers
// are in the name index (package index): a bulk build writes sorted key rows instead of building SQLite
// indexes, about half the cost, and the fewer rows the better. Names are searched in memory, in the name
// index: its base is an index file next to the directory's (see indexPath), of the build in directory_meta;
// name_delta holds the rows upserts changed since (see names).
const tables = `
CREATE TABLE IF NOT EXISTS directory_meta(
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS beneficiaries(
	rk  INTEGER PRIMARY KEY,
	rec BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS keys( -- a kind letter and an identifier (see keysOf), and who holds it
	key TEXT NOT NULL,
	rk  INTEGER NOT NULL,
	PRIMARY KEY(key, rk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS name_delta( -- a row's words and extra (see encodeDelta); NULL: the row is gone
	rk   INTEGER PRIMARY KEY,
	data BLOB
);
`

// Key kinds: the first byte of a keys row, before the identifier in its stored form.
const (
	keyCard  = 'c' // card digits
	keyCPF   = 'f' // CPF digits, only when the chaveUnica is something else
	keyChave = 'u' // chaveUnica (the CPF for nearly everyone)
)

// keyOf is the key of kind for the identifier v, as stored in keys.
func keyOf(kind byte, v string) string { return string(kind) + v }

// keysOf returns the keys of a normalised beneficiary, without duplicates.
func keysOf(b *model.Beneficiary) []string { return appendKeys(nil, b) }

// appendKeys appends the keys of a normalised beneficiary to ks, without duplicates.
func appendKeys(ks []string, b *model.Beneficiary) []string {
	start := len(ks)
	add := func(kind byte, v string) {
		if v == "" {
			return
		}
		if k := keyOf(kind, v); !slices.Contains(ks[start:], k) {
			ks = append(ks, k)
		}
	}
	add(keyChave, b.ChaveUnica)
	add(keyCard, b.Card)
	if b.CPF != b.ChaveUnica {
		add(keyCPF, b.CPF)
	}
	return ks
}

// Meta keys.
const (
	// metaVersion is the layout version: the only version of files before user_version was used, and kept so
	// that those builds refuse newer files instead of reading them as theirs
	metaVersion    = "schema_version"
	metaRanking    = "ranking_version" // the index.RankingVersion the rank keys were given by
	metaCount      = "beneficiaries"
	metaGeneration = "generation" // changes with every write
	metaBase       = "name_base"  // the generation of the name index's base (see names)
)

// Reader connections keep small page caches and map no file pages: a pooled connection's cache and a
// mapped file both count in the process's resident memory, and the OS page cache serves re-reads anyway.
const (
	readerCacheKiB = 2048
	writerCacheKiB = 65536
)

// dsn builds the modernc.org/sqlite DSN of a directory file for readers (readOnly) or the writer.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "mmap_size(0)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "cache_size(-"+strconv.Itoa(readerCacheKiB)+")")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "cache_size(-"+strconv.Itoa(writerCacheKiB)+")")
		q.Add("_pragma", "wal_autocheckpoint(0)") // see Directory.checkpoint
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// readerConns is the size of the reader pool: two per core, at least 4.
func readerConns() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// openPool opens a directory file pool: the writer has one connection, readers two per core (at least 4).
func openPool(path string, readOnly bool) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn(path, readOnly))
	if err != nil {
		return nil, fmt.Errorf("directory open %s: %w", path, err)
	}
	if readOnly {
		n := readerConns()
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	} else {
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// create makes the tables and meta rows of an empty directory at the current version, unless another process
// made them meanwhile.
func create(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, found, err := readVersion(ctx, tx); err != nil || found {
		return err // found: created meanwhile (an older file is left to the caller's next look)
	}
	if _, err := tx.ExecContext(ctx, tables); err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	if err := writeMeta(ctx, tx, 0, newGeneration(), emptyBase); err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	if err := migrate.Set(ctx, tx, LayoutVersion); err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	return nil
}

// writeMeta writes the meta rows of a file at the current version holding count beneficiaries, of
// generation gen and name index base base.
func writeMeta(ctx context.Context, ex execer, count int, gen, base string) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO directory_meta(key, value) VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		metaVersion, strconv.Itoa(LayoutVersion), metaRanking, strconv.Itoa(index.RankingVersion),
		metaCount, strconv.Itoa(count), metaGeneration, gen, metaBase, base)
	return err
}

// errNotDirectory is a file with a schema version of its own but no directory tables (another database).
var errNotDirectory = errors.New("directory: not a directory file")
