package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// Info describes a directory file as Inspect found it.
type Info struct {
	Version       Version // the file's; zero for a file without a directory yet
	Want          Version // the one this build writes (CurrentVersion)
	Beneficiaries int
	Rebuild       bool // opening the file will rebuild it from its records (another version than Want)
	TooNew        bool // the file was written by a newer build: opening it fails with ErrVersion
}

// Inspect reads a directory file's version and size without changing it. A missing file is an error
// satisfying errors.Is(err, fs.ErrNotExist).
func Inspect(ctx context.Context, path string) (Info, error) {
	info := Info{Want: CurrentVersion()}
	if _, err := os.Stat(path); err != nil {
		return info, fmt.Errorf("directory %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return info, fmt.Errorf("directory %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // the version and the count of one state
	if err != nil {
		return info, fmt.Errorf("directory %s: %w", path, err)
	}
	defer func() { _ = tx.Rollback() }()
	v, found, err := readVersion(ctx, tx)
	if err != nil {
		return info, fmt.Errorf("directory %s: %w", path, err)
	}
	if !found {
		return info, nil // opening creates the tables in place: nothing to rebuild
	}
	info.Version = v
	info.TooNew = v.Layout > LayoutVersion
	info.Rebuild = !info.TooNew && v != info.Want
	var n string
	err = tx.QueryRowContext(ctx, `SELECT value FROM directory_meta WHERE key = ?`, metaCount).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return info, fmt.Errorf("directory %s: count: %w", path, err)
	}
	if n != "" {
		if info.Beneficiaries, err = strconv.Atoi(n); err != nil {
			return info, fmt.Errorf("directory %s: count %q: %w", path, n, err)
		}
	}
	return info, nil
}
