package fleet_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/fleet"
	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/sandbox"
)

// benchDirectory is a directory file of n beneficiaries of the sandbox's dataset: the directory benchmarks' cached
// 1M file when n is 1M and it is there, else one built now (and cached beside it).
func benchDirectory(b *testing.B, n int) string {
	b.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "balcao-bench")
	require.NoError(b, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, fmt.Sprintf("directory-v%s-sandbox-1-7-%d.db", directory.CurrentVersion(), n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	ds := sandbox.NewDatasetAt(7, n, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	start := time.Now()
	require.NoError(b, directory.Build(context.Background(), path, ds.Len(), ds.Beneficiary))
	b.Logf("built %s in %s", path, time.Since(start).Round(time.Millisecond))
	return path
}

// BenchmarkFleetRefresh measures what an import costs the fleet at 1,000,000 beneficiaries (BALCAO_BENCH_BENEFICIARIES
// to change): publishing a directory into PostgreSQL (COPY), and an instance's refresh — reading the generation's
// records and building and swapping in its local index while the old one serves (target ≤ 5 s). It reports each
// part in seconds.
//
//	go test ./fleet -run '^$' -bench FleetRefresh -benchtime 1x
func BenchmarkFleetRefresh(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("BALCAO_BENCH_BENEFICIARIES")); err == nil && v > 0 {
		n = v
	}
	srcPath := benchDirectory(b, n)
	ctx := context.Background()
	src, err := directory.Open(ctx, srcPath, directory.Options{})
	require.NoError(b, err)
	defer src.Close()
	url := pgtest.URL(b)
	f, inst := open(b, url), open(b, url) // the importer, and an instance
	local := filepath.Join(b.TempDir(), "diretorio.db")

	var first, refresh fleet.RebuildReport
	var publishTime time.Duration
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		lock, err := fleet.LockImport(ctx, f.Pool)
		require.NoError(b, err)
		_, err = fleet.Publish(ctx, f.Pool, src, "bench")
		lock.Unlock()
		require.NoError(b, err)
		publishTime = time.Since(t0)
		if i == 0 {
			dir, ref, err := inst.Directory(ctx, local, time.Hour) // an empty index: built at once
			require.NoError(b, err)
			first = ref.LastRebuild()
			// a second generation reaches an index that is serving: the refresh an import causes
			lock, err := fleet.LockImport(ctx, f.Pool)
			require.NoError(b, err)
			_, err = fleet.Publish(ctx, f.Pool, src, "bench")
			lock.Unlock()
			require.NoError(b, err)
			changed, err := ref.Sync(ctx)
			require.NoError(b, err)
			require.True(b, changed)
			refresh = ref.LastRebuild()
			require.NoError(b, dir.Close())
		}
	}
	b.StopTimer()
	b.ReportMetric(publishTime.Seconds(), "publish_s")
	b.ReportMetric(refresh.ReadTime.Seconds(), "refresh_read_s")
	b.ReportMetric(refresh.LoadTime.Seconds(), "refresh_load_s")
	b.ReportMetric((refresh.ReadTime + refresh.LoadTime).Seconds(), "refresh_s")
	b.ReportMetric((first.ReadTime + first.LoadTime).Seconds(), "first_build_s")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d beneficiaries: publish %s; refresh of a serving index %s (read %s, build+swap %s); first build %s",
		refresh.Read, publishTime.Round(time.Millisecond), (refresh.ReadTime + refresh.LoadTime).Round(time.Millisecond),
		refresh.ReadTime.Round(time.Millisecond), refresh.LoadTime.Round(time.Millisecond),
		(first.ReadTime + first.LoadTime).Round(time.Millisecond))
}
