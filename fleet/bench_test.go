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
// to change): publishing a directory into PostgreSQL — its records (COPY) and, alongside, its built files — and
// the refresh of another instance that is serving the previous generation, from the bump (the publication's
// transaction time) to the new index serving there, the instance hearing it by NOTIFY and downloading the files
// (target ≤ 5 s). With BALCAO_BENCH_FLEET_REBUILD=1 it also publishes once without the files and times the
// refresh that rebuilds from the records, and the publication alone, for comparison. Figures in seconds.
//
//	go test ./fleet -run '^$' -bench FleetRefresh -benchtime 1x
func BenchmarkFleetRefresh(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("BALCAO_BENCH_BENEFICIARIES")); err == nil && v > 0 {
		n = v
	}
	srcPath := benchDirectory(b, n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src, err := directory.Open(ctx, srcPath, directory.Options{})
	require.NoError(b, err)
	defer src.Close()
	url := pgtest.URL(b)
	f, inst := open(b, url), open(b, url) // the importer, and an instance
	publish := func() (fleet.PublishReport, time.Duration) {
		t0 := time.Now()
		lock, err := fleet.LockImport(ctx, f.Pool)
		require.NoError(b, err)
		defer lock.Unlock()
		rep, err := fleet.Publish(ctx, f.Pool, src, "bench")
		require.NoError(b, err)
		return rep, time.Since(t0)
	}
	b.ResetTimer()
	for range b.N {
		publish()
		dir, ref, err := inst.Directory(ctx, filepath.Join(b.TempDir(), "diretorio.db"), time.Hour) // an empty index: fetched at once
		require.NoError(b, err)
		first := ref.LastRebuild()
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { ref.Run(runCtx); close(done) }()
		pub, pubTime := publish()
		for ref.Local().ID != pub.Generation.ID {
			time.Sleep(2 * time.Millisecond)
		}
		served := time.Since(pub.Generation.PublishedAt)
		stop()
		<-done
		refresh := ref.LastRebuild()
		require.Equal(b, fleet.ViaDownload, refresh.Via)
		b.ReportMetric(pubTime.Seconds(), "publish_s")
		b.ReportMetric(pub.Rows.Seconds(), "publish_rows_s")
		b.ReportMetric(pub.Files.Seconds(), "publish_files_s")
		b.ReportMetric(served.Seconds(), "bump_to_serving_s")
		b.ReportMetric(refresh.ReadTime.Seconds(), "download_s")
		b.ReportMetric(refresh.LoadTime.Seconds(), "swap_s")
		b.ReportMetric((first.ReadTime + first.LoadTime).Seconds(), "first_fetch_s")
		b.ReportMetric(0, "ns/op")
		b.Logf("%d beneficiaries: publish %s (records %s, files %s alongside, %d MB); bump to serving on another "+
			"instance %s (download and check %s, swap %s); first fetch into an empty index %s (%s)",
			pub.Generation.Beneficiaries, pubTime.Round(time.Millisecond), pub.Rows.Round(time.Millisecond),
			pub.Files.Round(time.Millisecond), pub.FileBytes>>20, served.Round(time.Millisecond),
			refresh.ReadTime.Round(time.Millisecond), refresh.LoadTime.Round(time.Millisecond),
			(first.ReadTime + first.LoadTime).Round(time.Millisecond), first.Via)
		if os.Getenv("BALCAO_BENCH_FLEET_REBUILD") == "1" {
			benchRebuild(b, publish, ref)
		}
		require.NoError(b, dir.Close())
	}
}

// benchRebuild publishes without the files and times the refresh that rebuilds from the records.
func benchRebuild(b *testing.B, publish func() (fleet.PublishReport, time.Duration), ref *fleet.Refresher) {
	fleet.SetShipFiles(false)
	defer fleet.SetShipFiles(true)
	pub, pubTime := publish()
	changed, err := ref.Sync(context.Background())
	require.NoError(b, err)
	require.True(b, changed)
	rb := ref.LastRebuild()
	require.Equal(b, fleet.ViaRebuild, rb.Via)
	b.ReportMetric(pubTime.Seconds(), "publish_no_files_s")
	b.ReportMetric((rb.ReadTime + rb.LoadTime).Seconds(), "rebuild_s")
	b.Logf("without the files: publish %s (records %s); refresh by rebuilding from the records %s (read %s, build+swap %s)",
		pubTime.Round(time.Millisecond), pub.Rows.Round(time.Millisecond), (rb.ReadTime + rb.LoadTime).Round(time.Millisecond),
		rb.ReadTime.Round(time.Millisecond), rb.LoadTime.Round(time.Millisecond))
}
