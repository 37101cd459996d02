package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/pgsql"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func openPGStore(t *testing.T, url string) *Postgres {
	t.Helper()
	pool, err := pgsql.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	st, err := OpenPostgres(context.Background(), pool)
	require.NoError(t, err)
	return st
}

// Three instances write 600 lines at once into the shared record: one chain without a break, every line there,
// Who finds a person's lines, and an edit made in the table is found.
func TestPostgresRecordOneChainAcrossInstances(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 3 {
		l := NewLog(openPGStore(t, url))
		t.Cleanup(func() { _ = l.Close() })
		wg.Go(func() {
			var inner sync.WaitGroup
			for g := range 10 {
				inner.Go(func() {
					for i := range 20 {
						assert.NoError(t, l.Record(ctx, entry(i, fmt.Sprintf("chave-%d-%d", w, g), "comum")))
					}
				})
			}
			inner.Wait()
		})
	}
	wg.Wait()
	l := NewLog(openPGStore(t, url))
	defer l.Close()
	rep, err := l.Verify(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, 600, rep.Lines)
	assert.Equal(t, int64(600), rep.LastSeq)
	got, err := l.Who(ctx, "chave-1-7", time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, 20)
	got, err = l.Who(ctx, "comum", time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Empty(t, got, "since filters")

	st := l.Store().(*Postgres)
	_, err = st.pool.Exec(ctx, `UPDATE audit_lines SET what = 'nada' WHERE seq = 300`)
	require.NoError(t, err)
	_, err = st.pool.Exec(ctx, `DELETE FROM audit_lines WHERE seq = 400`)
	require.NoError(t, err)
	rep, err = l.Verify(ctx)
	require.NoError(t, err)
	require.Len(t, rep.Problems, 2)
	assert.Equal(t, int64(300), rep.Problems[0].Seq)
	assert.Equal(t, int64(401), rep.Problems[1].Seq)

	n, err := l.Purge(ctx, time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 599, n)
	require.NoError(t, l.Record(ctx, entry(1, "depois")))
	rep, err = l.Verify(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems, "the purge anchors the chain")
	assert.Equal(t, int64(601), rep.LastSeq)
}

// An instance answers (records) while PostgreSQL is down: the lines wait in its queue (0600) and are shipped
// once the database is back, each exactly once even when a shipping's answer was lost.
func TestShipperRecordsWhilePostgresIsDownAndShipsOnce(t *testing.T) {
	c, url := pgtest.Restartable(t)
	ctx := context.Background()
	primary := openPGStore(t, url)
	path := filepath.Join(t.TempDir(), "acessos-envio.db")
	sh, err := OpenShipper(path, primary, nil)
	require.NoError(t, err)
	l := NewLog(sh)
	defer l.Close()

	for i := range 5 {
		require.NoError(t, l.Record(ctx, entry(i, "antes")))
	}
	n, err := sh.Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	require.NoError(t, c.Stop(true))
	for i := range 7 {
		require.NoError(t, l.Record(ctx, entry(i, "durante")), "recorded on this machine while the database is down")
	}
	pending, err := sh.Pending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 7, pending)
	_, err = sh.Ship(ctx)
	require.Error(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	require.NoError(t, c.Start())
	// a shipping whose answer is lost: the batch reached the record, the queue still holds it
	group, ids, err := sh.batch(ctx)
	require.NoError(t, err)
	origins := make([]string, len(ids))
	for i, id := range ids {
		origins[i] = fmt.Sprintf("%s:%d", sh.id, id)
	}
	require.Eventually(t, func() bool { _, err := primary.appendOnce(ctx, group[:3], origins[:3]); return err == nil },
		30*time.Second, 100*time.Millisecond)
	n, err = sh.Ship(ctx)
	require.NoError(t, err)
	assert.Equal(t, 7, n)

	rep, err := l.Verify(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, 12, rep.Lines, "each line once")
	got, err := l.Who(ctx, "durante", time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, 7)
}

// balcao migrate --to-postgres: a machine's record moves with its numbers and hashes (its noted head still
// verifies), its purge anchor with it; a second run adds nothing; another machine's record is appended after it.
func TestImportLinesKeepsTheChain(t *testing.T) {
	ctx := context.Background()
	old := openT(t, filepath.Join(t.TempDir(), "acessos.db"))
	for i := range 30 {
		require.NoError(t, old.Record(ctx, Entry{At: time.Unix(int64(1000+i), 0), Who: "ana", Kind: KindSearch,
			Chaves: []string{fmt.Sprint(i)}, What: "cpf"}))
	}
	_, err := old.Purge(ctx, time.Unix(1010, 0))
	require.NoError(t, err)
	before, err := old.Verify(ctx)
	require.NoError(t, err)
	require.Empty(t, before.Problems)

	st := openPGStore(t, pgtest.URL(t))
	n, err := st.ImportLines(ctx, old.Store(), "maquina-1")
	require.NoError(t, err)
	assert.Equal(t, 20, n)
	n, err = st.ImportLines(ctx, old.Store(), "maquina-1")
	require.NoError(t, err)
	assert.Zero(t, n, "a second run adds nothing")
	l := NewLog(st)
	after, err := l.Verify(ctx)
	require.NoError(t, err)
	assert.Empty(t, after.Problems)
	assert.Equal(t, before.LastHash, after.LastHash, "the head noted before the move still matches")
	assert.Equal(t, before.FirstSeq, after.FirstSeq)
	assert.Equal(t, 20, after.Lines)

	other := openT(t, filepath.Join(t.TempDir(), "acessos.db"))
	require.NoError(t, other.Record(ctx, entry(1, "outra")))
	n, err = st.ImportLines(ctx, other.Store(), "maquina-2")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	after, err = l.Verify(ctx)
	require.NoError(t, err)
	assert.Empty(t, after.Problems)
	assert.Equal(t, 21, after.Lines)
}
