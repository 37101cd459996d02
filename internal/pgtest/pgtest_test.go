package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Two tests get two databases of one server, each empty, and a restart keeps what was committed.
func TestDatabasesAreFreshAndSurviveARestart(t *testing.T) {
	ctx := context.Background()
	c, u1 := pgtest.Restartable(t)
	u2 := pgtest.URL(t)
	require.NotEqual(t, u1, u2)
	conn, err := pgx.Connect(ctx, u1)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)`)
	require.NoError(t, err)
	conn.Close(ctx)

	require.NoError(t, c.Stop(true))
	_, err = pgx.Connect(ctx, u1)
	require.Error(t, err, "the server is down")
	require.NoError(t, c.Start())

	conn, err = pgx.Connect(ctx, u1)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var v int
	require.NoError(t, conn.QueryRow(ctx, `SELECT v FROM kept`).Scan(&v))
	require.Equal(t, 42, v)
	conn2, err := pgx.Connect(ctx, u2)
	require.NoError(t, err)
	defer conn2.Close(ctx)
	var n int
	require.NoError(t, conn2.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'kept'`).Scan(&n))
	require.Zero(t, n, "the other database is empty")
}
