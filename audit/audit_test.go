package audit

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openT(t *testing.T, path string) *Log {
	t.Helper()
	l, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func entry(i int, chaves ...string) Entry {
	return Entry{Who: fmt.Sprintf("atendente-%d", i%3), Key: "SHA256:abc", Kind: KindBeneficiary, Chaves: chaves,
		What: "contrato,familia"}
}

func TestRecordChainAndQuery(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "acessos.db")
	l := openT(t, path)
	t0 := time.Now()
	require.NoError(t, l.Record(ctx, entry(0, "52998224725")))
	require.NoError(t, l.Record(ctx, Entry{Who: "mosia", Kind: KindSearch, What: "cpf",
		Chaves: []string{"52998224725", "23576483098", "52998224725"}}))
	require.NoError(t, l.Record(ctx, Entry{Who: "ana", Kind: KindOccurrence, Chaves: []string{"23576483098"},
		What: "protocolo 1111120240710000017"}))

	got, err := l.Who(ctx, "52998224725", time.Time{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, KindBeneficiary, got[0].Kind)
	assert.Equal(t, "atendente-0", got[0].Who)
	assert.Equal(t, "SHA256:abc", got[0].Key)
	assert.Equal(t, KindSearch, got[1].Kind)
	assert.False(t, got[0].At.Before(t0.Add(-time.Second)))
	got, err = l.Who(ctx, "23576483098", time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Empty(t, got, "--desde filters")

	rep, err := l.Verify(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, 3, rep.Lines)
	assert.Equal(t, int64(3), rep.LastSeq)

	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestVerifyFindsEditsAndRemovals(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, sql string
		seq       int64
	}{
		{"edited who", `UPDATE lines SET who = 'outra pessoa' WHERE seq = 3`, 3},
		{"edited whom", `UPDATE lines SET chaves = '11111111111' WHERE seq = 2`, 2},
		{"removed", `DELETE FROM lines WHERE seq = 3`, 4},
		{"rehashed after an edit", `UPDATE lines SET what = 'x', hash = 'f00' WHERE seq = 2`, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "acessos.db")
			l := openT(t, path)
			for i := range 5 {
				require.NoError(t, l.Record(ctx, entry(i, strconv.Itoa(i))))
			}
			db, err := sql.Open("sqlite", "file:"+path)
			require.NoError(t, err)
			_, err = db.Exec(tc.sql)
			require.NoError(t, err)
			require.NoError(t, db.Close())
			rep, err := l.Verify(ctx)
			require.NoError(t, err)
			require.NotEmpty(t, rep.Problems)
			assert.Equal(t, tc.seq, rep.Problems[0].Seq)
		})
	}
}

func TestPurgeKeepsTheChainCheckable(t *testing.T) {
	ctx := context.Background()
	l := openT(t, filepath.Join(t.TempDir(), "acessos.db"))
	old := time.Now().Add(-6 * 365 * 24 * time.Hour)
	for i := range 4 {
		e := entry(i, "velho")
		e.At = old.Add(time.Duration(i) * time.Minute)
		require.NoError(t, l.Record(ctx, e))
	}
	require.NoError(t, l.Record(ctx, entry(9, "novo")))
	n, err := l.Purge(ctx, time.Now().Add(-5*365*24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	got, err := l.Who(ctx, "velho", time.Time{})
	require.NoError(t, err)
	assert.Empty(t, got)
	require.NoError(t, l.Record(ctx, entry(10, "novo")))
	rep, err := l.Verify(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems, "the remaining lines chain to the purge's anchor")
	assert.Equal(t, int64(5), rep.FirstSeq)
	assert.Equal(t, 2, rep.Lines)
}

// Two processes (two handles) and many goroutines writing at once keep one unbroken chain.
func TestConcurrentWritersOneChain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "acessos.db")
	a, b := openT(t, path), openT(t, path)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			l := a
			if g%2 == 1 {
				l = b
			}
			for i := range 50 {
				assert.NoError(t, l.Record(ctx, entry(i, fmt.Sprintf("%d-%d", g, i))))
			}
		})
	}
	wg.Wait()
	rep, err := a.Verify(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, 800, rep.Lines)
}

func TestRecordAfterCloseFails(t *testing.T) {
	l, err := Open(filepath.Join(t.TempDir(), "acessos.db"))
	require.NoError(t, err)
	require.NoError(t, l.Close())
	require.ErrorIs(t, l.Record(context.Background(), entry(0, "x")), ErrClosed)
	require.NoError(t, l.Close(), "closing twice is harmless")
}

// TestHelperWriter is the child of the kill -9 test: it records lines and prints each acknowledged seq.
func TestHelperWriter(t *testing.T) {
	path := os.Getenv("BALCAO_AUDIT_CHILD")
	if path == "" {
		t.Skip("helper process")
	}
	l, err := Open(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				if err := l.Record(context.Background(), entry(i, fmt.Sprintf("%d-%d", g, i))); err != nil {
					return
				}
				mu.Lock()
				fmt.Printf("ack %d-%d\n", g, i)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// kill -9 while writing: every acknowledged line is there afterwards, and the chain holds.
func TestKillWhileWritingLosesNoAcknowledgedLine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "acessos.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	cmd.Env = append(os.Environ(), "BALCAO_AUDIT_CHILD="+path)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	acked := map[string]bool{}
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 400 {
		if k, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked[k] = true
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	for sc.Scan() { // lines acknowledged before the kill landed
		if k, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked[k] = true
		}
	}
	l := openT(t, path)
	rep, err := l.Verify(context.Background())
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	for k := range acked {
		got, err := l.Who(context.Background(), k, time.Time{})
		require.NoError(t, err)
		assert.Len(t, got, 1, "acknowledged line %s is on disk", k)
	}
}

// BenchmarkRecordParallel64 records from 64 goroutines at once, as a busy busca service does: the group commit
// makes one disk sync serve many lines. It reports lines per second.
func BenchmarkRecordParallel64(b *testing.B) {
	l, err := Open(filepath.Join(b.TempDir(), "acessos.db"))
	require.NoError(b, err)
	defer l.Close()
	ctx := context.Background()
	b.SetParallelism(32) // 32 × GOMAXPROCS goroutines
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			if err := l.Record(ctx, Entry{Who: "mosia", Kind: KindSearch, What: "nome",
				Chaves: []string{"52998224725", "23576483098"}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "lines/s")
}

func TestIndexCatchesUpInBatchesAndAcrossOpens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "acessos.db")
	l := openT(t, path)
	const n = indexBatch + 700 // more than one batch
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < n; i += 8 {
				assert.NoError(t, l.Record(ctx, entry(i, fmt.Sprintf("c%05d", i%50), "todos", fmt.Sprintf("c%05d", i%50))))
			}
		})
	}
	wg.Wait()
	got, err := l.Who(ctx, "todos", time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, n, "every line, over two batches")
	got, err = l.Who(ctx, "c00007", time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, n/50)

	// Lines written after an index, by another process's Log, are found too.
	require.NoError(t, l.Close())
	other := openT(t, path)
	require.NoError(t, other.Record(ctx, entry(1, "nova")))
	got, err = other.Who(ctx, "nova", time.Time{})
	require.NoError(t, err)
	require.Len(t, got, 1)
	got, err = other.Who(ctx, "todos", time.Time{})
	require.NoError(t, err)
	assert.Len(t, got, n, "indexing again adds nothing twice")
}
