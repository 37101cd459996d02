// Package migrate versions the schema of an SQLite file with PRAGMA user_version: a list of numbered steps, each
// applied once, in its own write transaction together with the new version number, so that a crash leaves the
// file at a version, never between two.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Step moves a file from version To-1 to version To.
type Step struct {
	To    int
	Name  string                                      // for logs and errors
	Apply func(ctx context.Context, tx *sql.Tx) error // runs inside the step's transaction
}

// ErrTooNew means the file was written by a newer build: its version is above the last step known here.
var ErrTooNew = errors.New("schema version newer than this build")

// Querier reads the version inside a transaction or on a pool.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Version reads the file's user_version (0 for a new file, or one written before versioning).
func Version(ctx context.Context, q Querier) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// Set writes the file's user_version inside tx.
func Set(ctx context.Context, tx *sql.Tx, v int) error {
	// PRAGMA takes no bound parameters; v is an int, formatted here.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v)); err != nil {
		return fmt.Errorf("set schema version %d: %w", v, err)
	}
	return nil
}

// Run applies the steps the file lacks, in order, and returns the version found and the version reached. Steps
// must be numbered 1..n without gaps. Each step's transaction re-reads the version first, so two processes
// opening one file at once apply each step once (the database's write lock orders them: open the pool with an
// immediate transaction lock). A file newer than the last step is refused with ErrTooNew, untouched.
func Run(ctx context.Context, db *sql.DB, steps []Step) (from, to int, err error) {
	for i, s := range steps {
		if s.To != i+1 || s.Apply == nil {
			return 0, 0, fmt.Errorf("migrate: step %d (%q) is numbered %d", i+1, s.Name, s.To)
		}
	}
	from = -1
	for {
		done, before, after, err := runOne(ctx, db, steps)
		if from < 0 {
			from = before
		}
		if err != nil || done {
			return from, after, err
		}
	}
}

// runOne applies the next missing step in its own transaction and returns the version before and after it;
// done is true when the file was already up to date.
func runOne(ctx context.Context, db *sql.DB, steps []Step) (done bool, before, after int, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, 0, 0, fmt.Errorf("migrate: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	v, err := Version(ctx, tx)
	if err != nil {
		return false, 0, 0, err
	}
	switch {
	case v > len(steps):
		return false, v, v, fmt.Errorf("migrate: file at version %d, this build knows up to %d: %w", v, len(steps), ErrTooNew)
	case v == len(steps):
		return true, v, v, tx.Commit()
	}
	s := steps[v]
	if err := s.Apply(ctx, tx); err != nil {
		return false, v, v, fmt.Errorf("migrate to version %d (%s): %w", s.To, s.Name, err)
	}
	if err := Set(ctx, tx, s.To); err != nil {
		return false, v, v, err
	}
	if err := tx.Commit(); err != nil {
		return false, v, v, fmt.Errorf("migrate to version %d (%s): %w", s.To, s.Name, err)
	}
	return false, v, s.To, nil
}
