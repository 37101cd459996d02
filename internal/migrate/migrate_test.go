package migrate

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestRunAppliesMissingStepsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	var applied [3]atomic.Int32
	steps := []Step{
		{To: 1, Name: "table", Apply: func(ctx context.Context, tx *sql.Tx) error {
			applied[0].Add(1)
			_, err := tx.ExecContext(ctx, `CREATE TABLE t(x INTEGER)`)
			return err
		}},
		{To: 2, Name: "column", Apply: func(ctx context.Context, tx *sql.Tx) error {
			applied[1].Add(1)
			_, err := tx.ExecContext(ctx, `ALTER TABLE t ADD COLUMN y TEXT NOT NULL DEFAULT ''`)
			return err
		}},
	}
	from, to, err := Run(ctx, open(t, path), steps[:1])
	require.NoError(t, err)
	assert.Equal(t, [2]int{0, 1}, [2]int{from, to})

	// two processes (two pools) opening at once: each step still runs once
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			_, to, err := Run(ctx, open(t, path), steps)
			assert.NoError(t, err)
			assert.Equal(t, 2, to)
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), applied[0].Load())
	assert.Equal(t, int32(1), applied[1].Load())
	v, err := Version(ctx, open(t, path))
	require.NoError(t, err)
	assert.Equal(t, 2, v)
}

func TestRunRefusesNewerAndRollsBackFailures(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	db := open(t, path)
	boom := errors.New("boom")
	steps := []Step{
		{To: 1, Name: "ok", Apply: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `CREATE TABLE t(x INTEGER)`)
			return err
		}},
		{To: 2, Name: "fails", Apply: func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE u(x INTEGER)`); err != nil {
				return err
			}
			return boom
		}},
	}
	_, to, err := Run(ctx, db, steps)
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 1, to)
	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'u'`).Scan(&n))
	assert.Zero(t, n, "a failed step leaves nothing behind")

	_, _, err = Run(ctx, db, []Step{})
	require.ErrorIs(t, err, ErrTooNew)

	_, _, err = Run(ctx, db, []Step{{To: 2, Name: "gap", Apply: steps[0].Apply}})
	require.Error(t, err, "steps must be numbered from 1")
}
