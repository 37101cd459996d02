package pgsql_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/pgsql"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Five instances starting at once on one database: each step runs once, every instance ends at the last
// version, and a build that knows fewer steps refuses the database untouched.
func TestMigrateOnceUnderConcurrentStarts(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	var applied [3]atomic.Int32
	steps := []pgsql.Step{
		{To: 1, Name: "table", Apply: func(ctx context.Context, tx pgx.Tx) error {
			applied[0].Add(1)
			time.Sleep(50 * time.Millisecond) // the others reach the lock meanwhile
			_, err := tx.Exec(ctx, `CREATE TABLE t (id int PRIMARY KEY)`)
			return err
		}},
		{To: 2, Name: "column", Apply: func(ctx context.Context, tx pgx.Tx) error {
			applied[1].Add(1)
			_, err := tx.Exec(ctx, `ALTER TABLE t ADD COLUMN v text NOT NULL DEFAULT ''`)
			return err
		}},
	}
	var wg sync.WaitGroup
	tos := make([]int, 5)
	for i := range tos {
		wg.Go(func() {
			pool, err := pgsql.Open(ctx, url)
			if !assert.NoError(t, err) {
				return
			}
			defer pool.Close()
			_, to, err := pgsql.Migrate(ctx, pool, "test", steps)
			assert.NoError(t, err)
			tos[i] = to
		})
	}
	wg.Wait()
	assert.Equal(t, []int{2, 2, 2, 2, 2}, tos)
	assert.EqualValues(t, 1, applied[0].Load())
	assert.EqualValues(t, 1, applied[1].Load())

	pool, err := pgsql.Open(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	_, _, err = pgsql.Migrate(ctx, pool, "test", steps[:1])
	require.ErrorIs(t, err, pgsql.ErrTooNew)
	from, to, err := pgsql.Migrate(ctx, pool, "other", steps[:0])
	require.NoError(t, err)
	assert.Equal(t, [2]int{0, 0}, [2]int{from, to}, "parts are versioned apart")

	// a failing step leaves the part where it was
	bad := append(steps[:2:2], pgsql.Step{To: 3, Name: "bad", Apply: func(ctx context.Context, tx pgx.Tx) error {
		applied[2].Add(1)
		if _, err := tx.Exec(ctx, `ALTER TABLE t ADD COLUMN w int`); err != nil {
			return err
		}
		return errors.New("boom")
	}})
	_, _, err = pgsql.Migrate(ctx, pool, "test", bad)
	require.ErrorContains(t, err, "boom")
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'w'`).Scan(&n))
	assert.Zero(t, n, "the failed step's change was rolled back")
}

func TestUnavailableTellsOutageFromBadStatement(t *testing.T) {
	c, url := pgtest.Restartable(t)
	ctx := context.Background()
	pool, err := pgsql.Open(ctx, url)
	require.NoError(t, err)
	defer pool.Close()

	_, err = pool.Exec(ctx, `SELEKT 1`)
	require.Error(t, err)
	assert.False(t, pgsql.Unavailable(err), "a syntax error is the statement's: %v", err)
	_, err = pool.Exec(ctx, `CREATE TABLE u (id int PRIMARY KEY); INSERT INTO u VALUES (1)`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO u VALUES (1)`)
	assert.True(t, pgsql.IsUniqueViolation(err))
	assert.False(t, pgsql.Unavailable(err))

	require.NoError(t, c.Stop(true))
	_, err = pool.Exec(ctx, `SELECT 1`)
	require.Error(t, err)
	assert.True(t, pgsql.Unavailable(err), "server down: %v", err)
	_, err = pgsql.Open(ctx, url)
	assert.True(t, pgsql.Unavailable(err), "cannot connect: %v", err)
	require.NoError(t, c.Start())
	_, err = pool.Exec(ctx, `SELECT 1`)
	assert.NoError(t, err, "the pool connects again")
}

// A listener hears notifications, and after the server restarts it listens again and says so (onConnect), so the
// caller can look for what it missed.
func TestListenSurvivesARestart(t *testing.T) {
	c, url := pgtest.Restartable(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool, err := pgsql.Open(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	connects := make(chan struct{}, 10)
	got := make(chan string, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pgsql.Listen(ctx, pool, "balcao_test", func() { connects <- struct{}{} },
			func(p string) { got <- p }, slog.New(slog.DiscardHandler))
	}()
	wait := func(what string, ch <-chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
			t.Fatalf("no %s", what)
		}
	}
	wait("first connect", connects)
	_, err = pool.Exec(ctx, `SELECT pg_notify('balcao_test', 'um')`)
	require.NoError(t, err)
	assert.Equal(t, "um", <-got)

	require.NoError(t, c.Stop(true))
	require.NoError(t, c.Start())
	wait("connect after the restart", connects)
	for range 5 { // the pool's connections from before the restart fail once each
		if _, err = pool.Exec(ctx, `SELECT pg_notify('balcao_test', 'dois')`); err == nil {
			break
		}
		assert.True(t, pgsql.Unavailable(err), "%v", err)
	}
	require.NoError(t, err)
	select {
	case p := <-got:
		assert.Equal(t, "dois", p)
	case <-time.After(30 * time.Second):
		t.Fatal("no notification after the restart")
	}
	cancel()
	<-done
}

func TestRedactHidesThePassword(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://balcao:segredo@db:5432/balcao", "postgres://balcao:xxxxx@db:5432/balcao"},
		{"postgres://balcao@db/balcao?password=segredo&sslmode=require", "postgres://balcao@db/balcao?password=xxxxx&sslmode=require"},
		{"postgres://db/balcao", "postgres://db/balcao"},
		{"host=db password=segredo", "(URL com senha omitida)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pgsql.Redact(tt.in))
	}
}
