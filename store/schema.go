package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/balcao/balcao/model"
)

// DirectorySchemaVersion is the version of the directory's tables; files of another version are rebuilt by import.
const DirectorySchemaVersion = 1

// ErrDirectoryVersion means the file was written by a newer (or unknown) version of balcão.
var ErrDirectoryVersion = errors.New("directory: unsupported schema version")

// dirTables creates the directory's tables. A beneficiary's INTEGER PRIMARY KEY is its rank key (rk, see
// dirRankBase): scanning the table, or a word's postings, in rk order visits names shortest-first and
// alphabetically, which is the search's ranking after the whole-word tier. So the best N matches of a
// common name are the first N rows of a stream, and a search never has to visit every match.
const dirTables = `
CREATE TABLE IF NOT EXISTS directory_meta(
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS beneficiaries(
	rk           INTEGER PRIMARY KEY,
	name_key     TEXT NOT NULL, -- ' joao pedro ': folded name words between single spaces
	chave_unica  TEXT NOT NULL,
	card         TEXT NOT NULL,
	cpf          TEXT NOT NULL,
	name         TEXT NOT NULL,
	birth_date   TEXT NOT NULL, -- YYYY-MM-DD or ''
	rg           TEXT NOT NULL,
	id_matricula TEXT NOT NULL,
	mother_name  TEXT NOT NULL,
	phone        TEXT NOT NULL, -- DDD+number digits
	phone_local  TEXT NOT NULL, -- number without DDD
	email        TEXT NOT NULL,
	situation    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contracts(
	rk          INTEGER NOT NULL,
	number      TEXT NOT NULL,
	number_key  TEXT NOT NULL, -- digits-only numbers without leading zeros, others as written
	description TEXT NOT NULL,
	PRIMARY KEY(rk, number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS name_post(
	word TEXT NOT NULL,
	rk   INTEGER NOT NULL,
	PRIMARY KEY(word, rk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS name_vocab(
	word TEXT PRIMARY KEY,
	n    INTEGER NOT NULL
) WITHOUT ROWID;
`

// dirIndexes are the exact-identifier indexes; a bulk build creates them after loading the rows. The
// chaveUnica is the CPF for nearly everyone, so CPFs are found through the identity index and only the
// others are indexed; phones are indexed by their number without DDD (the DDD is checked on the row).
const dirIndexes = `
CREATE UNIQUE INDEX IF NOT EXISTS beneficiaries_identity ON beneficiaries(chave_unica, card);
CREATE INDEX IF NOT EXISTS beneficiaries_cpf ON beneficiaries(cpf) WHERE cpf <> chave_unica;
CREATE INDEX IF NOT EXISTS beneficiaries_card ON beneficiaries(card);
CREATE INDEX IF NOT EXISTS beneficiaries_phone ON beneficiaries(phone_local);
CREATE INDEX IF NOT EXISTS beneficiaries_birth ON beneficiaries(birth_date);
CREATE INDEX IF NOT EXISTS contracts_number ON contracts(number_key);
`

// Meta keys.
const (
	dirMetaVersion = "schema_version"
	dirMetaCount   = "beneficiaries"
)

// dirDSN builds the modernc.org/sqlite DSN of a directory file for readers (readOnly) or the writer.
func dirDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "mmap_size(1073741824)")
	q.Add("_pragma", "cache_size(-32768)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// openSQLite opens a directory file pool: the writer has one connection, readers one per core and more.
func openSQLite(path string, readOnly bool) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dirDSN(path, readOnly))
	if err != nil {
		return nil, fmt.Errorf("directory open %s: %w", path, err)
	}
	if readOnly {
		n := max(4, 2*runtime.GOMAXPROCS(0))
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	} else {
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// dirMigrate creates the schema on a new file and checks the version of an existing one.
func dirMigrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, dirTables+dirIndexes); err != nil {
		return fmt.Errorf("directory schema: %w", err)
	}
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, dirMetaVersion).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = db.ExecContext(ctx, `INSERT INTO directory_meta(key, value) VALUES (?, ?), (?, '0')
			ON CONFLICT(key) DO NOTHING`, dirMetaVersion, strconv.Itoa(DirectorySchemaVersion), dirMetaCount)
		if err != nil {
			return fmt.Errorf("directory schema version: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("directory schema version: %w", err)
	case v != strconv.Itoa(DirectorySchemaVersion):
		return fmt.Errorf("%w: file has %q, this build reads %d", ErrDirectoryVersion, v, DirectorySchemaVersion)
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

// dirNameKey is the searchable form of a name: ' joao pedro ' (folded words between single spaces).
func dirNameKey(name string) (key, folded string) {
	folded = model.FoldText(name)
	return " " + folded + " ", folded
}

// dirContractKey is the indexed form of a contract number: digits-only numbers lose their leading zeros.
func dirContractKey(number string) string {
	n := strings.TrimSpace(number)
	if n == "" {
		return ""
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return n
		}
	}
	if t := strings.TrimLeft(n, "0"); t != "" {
		return t
	}
	return "0"
}

// dirChaveKey normalises a chaveUnica: a number written with separators keeps its digits, an e-mail is
// lower-cased, anything else is trimmed.
func dirChaveKey(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if strings.Contains(s, "@") {
		return strings.ToLower(s)
	}
	if strings.Trim(s, "0123456789.-/ ") == "" {
		return model.Digits(s)
	}
	return s
}

// dirPhone normalises a phone into (DDD+number, number without DDD); unreadable phones keep their digits.
func dirPhone(s string) (full, local string) {
	if strings.TrimSpace(s) == "" {
		return "", ""
	}
	p, ok := model.NormalizePhone(s)
	if !ok {
		p = model.Digits(s)
	}
	if len(p) >= 10 && len(p) <= 11 {
		return p, p[2:]
	}
	return p, p
}
