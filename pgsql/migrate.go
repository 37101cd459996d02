package pgsql

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Step moves a part's tables from version To-1 to version To. Adding a column is one step with one ALTER TABLE.
type Step struct {
	To    int
	Name  string                                     // for logs and errors
	Apply func(ctx context.Context, tx pgx.Tx) error // runs in the migration's transaction
}

// ErrTooNew means the database was brought by a newer build past the last step this build knows.
var ErrTooNew = errors.New("schema version newer than this build")

// Advisory lock keys: the first half names balcão, the second what is locked.
const (
	LockSpace     = 0x62616c63 // "balc"
	lockMigrate   = 1
	LockImport    = 2 // one directory import at a time
	LockAudit     = 3 // the access record's chain head
	LockOutboxKey = 4 // look-alike outbox items: pg_advisory_xact_lock(LockOutboxKey, hashtext(alike))
	LockHostKey   = 5 // the SSH host key's creation
)

// Migrate applies the steps part lacks, in order, in one transaction holding an advisory lock: the first
// instance to start applies them while the others wait on the lock and then find them applied. It returns the
// versions found and reached. A database past the last step is refused with ErrTooNew, untouched.
func Migrate(ctx context.Context, pool *Pool, part string, steps []Step) (from, to int, err error) {
	for i, s := range steps {
		if s.To != i+1 || s.Apply == nil {
			return 0, 0, fmt.Errorf("migrate %s: step %d (%q) is numbered %d", part, i+1, s.Name, s.To)
		}
	}
	err = InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, LockSpace, lockMigrate); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS balcao_schema (
			part       text        PRIMARY KEY,
			version    integer     NOT NULL,
			updated_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT version FROM balcao_schema WHERE part = $1), 0)`,
			part).Scan(&from); err != nil {
			return err
		}
		to = from
		if from > len(steps) {
			return fmt.Errorf("database at version %d, this build knows up to %d: %w", from, len(steps), ErrTooNew)
		}
		for _, s := range steps[from:] {
			if err := s.Apply(ctx, tx); err != nil {
				return fmt.Errorf("to version %d (%s): %w", s.To, s.Name, err)
			}
			to = s.To
		}
		if to == from {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO balcao_schema (part, version) VALUES ($1, $2)
			ON CONFLICT (part) DO UPDATE SET version = excluded.version, updated_at = now()`, part, to)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("migrate %s: %w", part, err)
	}
	return from, to, nil
}

// Exec is a step that runs one SQL text.
func Exec(sql string) func(ctx context.Context, tx pgx.Tx) error {
	return func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, sql)
		return err
	}
}
