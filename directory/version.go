package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/balcao/balcao/directory/index"
	"github.com/balcao/balcao/internal/migrate"
	"github.com/balcao/balcao/model"
)

// Version identifies what a directory file holds: its layout, and the ranking its rank keys were given by.
// Any other version than CurrentVersion is rebuilt from the file's records when the file is opened (see Open).
type Version struct {
	Layout  int // LayoutVersion of the file
	Ranking int // index.RankingVersion of its rank keys; 0 for files written before it was recorded
}

// CurrentVersion is the version this build writes.
func CurrentVersion() Version { return Version{Layout: LayoutVersion, Ranking: index.RankingVersion} }

// String is "layout.ranking", as in file names and logs.
func (v Version) String() string { return strconv.Itoa(v.Layout) + "." + strconv.Itoa(v.Ranking) }

// ErrVersion means the file was written by a newer build of balcão (a layout this one cannot read), or is not
// a directory file.
var ErrVersion = errors.New("directory: unsupported file version")

// querier reads a file: a pool, a connection or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readVersion reads the file's version; found is false for a file without a directory yet.
func readVersion(ctx context.Context, q querier) (v Version, found bool, err error) {
	uv, err := migrate.Version(ctx, q)
	if err != nil {
		return v, false, fmt.Errorf("directory version: %w", err)
	}
	var tables int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'directory_meta'`).Scan(&tables); err != nil {
		return v, false, fmt.Errorf("directory version: %w", err)
	}
	if tables == 0 {
		if uv != 0 {
			return v, false, fmt.Errorf("%w: %w (user_version %d)", ErrVersion, errNotDirectory, uv)
		}
		return v, false, nil
	}
	meta := map[string]string{}
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM directory_meta WHERE key IN (?, ?)`, metaVersion, metaRanking)
	if err != nil {
		return v, false, fmt.Errorf("directory version: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, val string
		if err := rows.Scan(&k, &val); err != nil {
			return v, false, fmt.Errorf("directory version: %w", err)
		}
		meta[k] = val
	}
	if err := rows.Err(); err != nil {
		return v, false, fmt.Errorf("directory version: %w", err)
	}
	return versionOf(uv, meta)
}

// versionOf reads a version from the file's user_version and meta rows.
func versionOf(uv int, meta map[string]string) (v Version, found bool, err error) {
	v.Layout = uv
	if uv == 0 { // written before user_version was used
		s, ok := meta[metaVersion]
		if !ok {
			return v, false, nil // tables without a version: a creation that did not finish
		}
		if v.Layout, err = strconv.Atoi(s); err != nil || v.Layout < 1 {
			return v, false, fmt.Errorf("%w: schema_version %q", ErrVersion, s)
		}
	}
	if s, ok := meta[metaRanking]; ok {
		if v.Ranking, err = strconv.Atoi(s); err != nil {
			return v, false, fmt.Errorf("%w: ranking_version %q", ErrVersion, s)
		}
	}
	return v, true, nil
}

// tooNew is the error of a file of a layout newer than this build's.
func tooNew(v Version) error {
	return fmt.Errorf("%w: file at layout %d, this build reads up to %d: %w", ErrVersion, v.Layout, LayoutVersion, migrate.ErrTooNew)
}

// prepare brings the file of the writer pool db to the current version: creates a new one, rebuilds one of
// another version, refuses a newer one.
func prepare(ctx context.Context, db *sql.DB, path string, log *slog.Logger) error {
	v, found, err := readVersion(ctx, db)
	switch {
	case err != nil:
		return err
	case !found:
		return create(ctx, db)
	case v == CurrentVersion():
		return nil
	case v.Layout > LayoutVersion:
		return tooNew(v)
	}
	return rebuild(ctx, db, path, v, log)
}

// testHookRebuilt, when set, runs in a rebuild after the new file is built and before it is swapped in.
var testHookRebuilt func()

// rebuild rebuilds the file of the writer pool db, of version from, in the current version: every record
// is read in the file's layout, a new file is written next to it through the bulk path, and swapped in with
// one write (see restore), which sets the new user_version with the rest of the file. The index can always be
// rebuilt from the records, so every version change takes this one path. Cancelling ctx before the swap
// leaves the file as it was; the swap itself is not interrupted.
func rebuild(ctx context.Context, db *sql.DB, path string, from Version, log *slog.Logger) error {
	start := time.Now()
	to := CurrentVersion()
	log.Info("directory rebuild", "path", path, "from_version", from.String(), "to_version", to.String())
	bk, err := NewBuilder(path)
	if err != nil {
		return fmt.Errorf("directory rebuild from version %s: %w", from, err)
	}
	defer bk.Close()
	if err := readRecords(ctx, db, from.Layout, bk); err != nil {
		if ctx.Err() == nil && rebuiltMeanwhile(ctx, db) {
			return nil
		}
		return fmt.Errorf("directory rebuild from version %s: %w", from, contextOr(ctx, err))
	}
	rows := bk.Len()
	err = bk.merge(ctx)
	var out *built
	if err == nil {
		out, err = bk.build(ctx, path)
	}
	if err != nil {
		return fmt.Errorf("directory rebuild from version %s: %w", from, contextOr(ctx, err))
	}
	defer out.release()
	if testHookRebuilt != nil {
		testHookRebuilt()
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("directory rebuild from version %s: %w", from, err)
	}
	if rebuiltMeanwhile(ctx, db) {
		return nil
	}
	if err := out.publish(path); err != nil {
		return fmt.Errorf("directory rebuild from version %s: %w", from, err)
	}
	if err := restore(ctx, db, path, out.db); err != nil {
		return fmt.Errorf("directory rebuild from version %s: %w", from, err)
	}
	removeStaleIndexes(path, log)
	log.Info("directory rebuilt", "path", path, "from_version", from.String(), "to_version", to.String(),
		"rows", rows, "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// storedCount is the file's beneficiary count as its meta row says (every layout has it), 0 when unknown.
func storedCount(ctx context.Context, db *sql.DB) int {
	var v string
	if err := db.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, metaCount).Scan(&v); err != nil {
		return 0
	}
	n, _ := strconv.Atoi(v)
	return max(n, 0)
}

// rebuiltMeanwhile reports whether another process brought the file to the current version during a rebuild.
func rebuiltMeanwhile(ctx context.Context, db *sql.DB) bool {
	v, found, err := readVersion(ctx, db)
	return err == nil && found && v == CurrentVersion()
}

// contextOr returns ctx's error once it is done (what a query interrupted by it reports is less clear), else err.
func contextOr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return err
}

// readRecords adds every beneficiary of the file to bk, reading them in the file's layout.
func readRecords(ctx context.Context, db *sql.DB, layout int, bk *Builder) error {
	switch layout {
	case 1: // fields in columns, contracts in their own table
		return readLayout1(ctx, db, bk)
	case 2, 3: // identifiers, birth date and phone in columns, the other fields in the record
		return readRecordRows(ctx, db, bk, `SELECT rk, chave_unica, card, cpf, birth_date, phone, rec FROM beneficiaries`)
	}
	// 4 on: every field in the record (4 kept contracts and matrículas as key rows too)
	return readRecordRows(ctx, db, bk, `SELECT rk, '', '', '', '', '', rec FROM beneficiaries`)
}

// readRecordRows adds the beneficiaries query reads to bk: rank key, chaveUnica, card, CPF, birth date and
// phone (the columns of layouts 2 and 3) and record.
func readRecordRows(ctx context.Context, db *sql.DB, bk *Builder, query string) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rk  int64
			b   model.Beneficiary
			rec sql.RawBytes
		)
		if err := rows.Scan(&rk, &b.ChaveUnica, &b.Card, &b.CPF, &b.BirthDate, &b.Phone, &rec); err != nil {
			return err
		}
		if err := decodeRec(rec, &b); err != nil {
			return fmt.Errorf("beneficiary %d: %w", rk, err)
		}
		bk.addStored(&b)
		if bk.err != nil {
			return bk.err
		}
	}
	return rows.Err()
}

// readLayout1 adds the beneficiaries of a layout 1 file (fields in columns, names in word-posting tables) to bk.
func readLayout1(ctx context.Context, db *sql.DB, bk *Builder) error {
	rows, err := db.QueryContext(ctx, `SELECT b.chave_unica, b.card, b.cpf, b.name, b.birth_date, b.rg,
		b.id_matricula, b.mother_name, b.phone, b.email, b.situation, c.number, c.description
		FROM beneficiaries b LEFT JOIN contracts c ON c.rk = b.rk ORDER BY b.rk, c.number`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur model.Beneficiary
	started := false
	for rows.Next() {
		var (
			b        model.Beneficiary
			num, dsc sql.NullString
		)
		if err := rows.Scan(&b.ChaveUnica, &b.Card, &b.CPF, &b.Name, &b.BirthDate, &b.RG, &b.IDMatricula,
			&b.MotherName, &b.Phone, &b.Email, &b.Situation, &num, &dsc); err != nil {
			return err
		}
		if !started || b.ChaveUnica != cur.ChaveUnica || b.Card != cur.Card {
			if started {
				bk.AddNormalized(cur)
			}
			cur, started = b, true
		}
		if num.Valid {
			cur.Contracts = append(cur.Contracts, model.ContractRef{Number: num.String, Description: dsc.String})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if started {
		bk.AddNormalized(cur)
	}
	return nil
}
