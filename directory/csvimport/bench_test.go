package csvimport_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/benchdata"
	"github.com/balcao/balcao/directory/csvimport"
	"github.com/balcao/balcao/model"
)

// The import benchmark imports the benchmark import file (benchdata.CSV: one row per beneficiary and
// contract, as a Protheus export) of $BALCAO_BENCH_SIZE people (default 1,000,000; make bench-10m:
// 10,000,000), each import in a process of its own, as `balcao import` runs, so that its peak resident
// memory (the kernel's maxrss) is the import's alone. One iteration (-benchtime 1x) is a measurement:
//
//	go test ./directory/csvimport -run '^$' -bench Import -benchtime 1x

const benchSize = 1_000_000

// benchImportEnv asks the test binary to run one import ("db|csv|replace") and print its report as JSON.
const benchImportEnv = "BALCAO_CSVIMPORT_BENCH_IMPORT"

func init() {
	if spec := os.Getenv(benchImportEnv); spec != "" {
		if os.Getenv("GOMEMLIMIT") == "" { // as balcao import
			debug.SetMemoryLimit(csvimport.MemoryLimit)
		}
		f := strings.SplitN(spec, "|", 3)
		stop := profile(os.Getenv(benchProfileEnv))
		rep, err := csvimport.File(context.Background(), f[0], f[1], csvimport.Options{Replace: f[2] == "replace"})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		stop()
		_ = json.NewEncoder(os.Stdout).Encode(imported{Report: rep, PeakKB: peakKB()})
		os.Exit(0)
	}
}

// benchProfileEnv names a file prefix: each import process of the benchmark writes its CPU profile to
// <prefix>.cpu and its blocking profile to <prefix>.block (go tool pprof reads them).
const benchProfileEnv = "BALCAO_BENCH_PROFILE"

// profile starts the profiles asked by prefix (none when empty) and returns what writes them.
func profile(prefix string) (stop func()) {
	if prefix == "" {
		return func() {}
	}
	cpu, err := os.Create(prefix + ".cpu")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = pprof.StartCPUProfile(cpu)
	runtime.SetBlockProfileRate(1)
	return func() {
		pprof.StopCPUProfile()
		_ = cpu.Close()
		if f, err := os.Create(prefix + ".block"); err == nil {
			_ = pprof.Lookup("block").WriteTo(f, 0)
			_ = f.Close()
		}
	}
}

// importProcess imports csvPath into db in a process of its own and returns its report and peak memory (MB).
func importProcess(b *testing.B, db, csvPath string, replace bool) (csvimport.Report, float64) {
	b.Helper()
	mode := ""
	if replace {
		mode = "replace"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchImportEnv+"="+db+"|"+csvPath+"|"+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(b, err, "import process")
	var im imported
	require.NoError(b, json.Unmarshal(out, &im))
	require.NotZero(b, im.PeakKB, "the import process's peak memory")
	return im.Report, float64(im.PeakKB) / 1024
}

// imported is what an import process prints: its report and its peak resident memory.
type imported struct {
	Report csvimport.Report
	PeakKB int64
}

// peakKB is the process's peak resident memory (VmHWM), 0 when unknown. Not the kernel's maxrss of the
// child: a child exec'd from the benchmark starts with the benchmark's own resident size there (a
// benchmark that built a 10M directory first would report its memory as the import's).
func peakKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// benchN is the benchmark's number of people.
func benchN() int {
	if v, err := strconv.Atoi(os.Getenv("BALCAO_BENCH_SIZE")); err == nil && v > 0 {
		return v
	}
	return benchSize
}

// report reports an import's rate, peak memory, CPU-free phases and runs.
func report(b *testing.B, rep csvimport.Report, peakMB float64) {
	b.ReportMetric(float64(rep.Rows)/rep.Elapsed.Seconds(), "rows/s")
	b.ReportMetric(peakMB, "peak_MB")
	b.ReportMetric(rep.Elapsed.Seconds(), "s")
	b.ReportMetric(0, "ns/op")
	st := rep.Build
	if st.Write == 0 && st.Install == 0 { // upserted: no file built
		b.Logf("%d rows upserted in %s (%d new, %d merged; sorting by rank %s), peak RSS %.0f MB", rep.Rows,
			rep.Elapsed.Round(time.Millisecond), rep.Inserted, rep.Updated, st.Merge.Round(time.Millisecond), peakMB)
		return
	}
	read := rep.Elapsed - st.Merge - st.Write - st.Install
	b.Logf("%d rows in %s: reading and sorting by identity %s, merging and sorting by rank %s, writing %s, "+
		"installing %s; %d runs, %.0f MB spilled", rep.Rows, rep.Elapsed.Round(time.Millisecond), read.Round(time.Millisecond),
		st.Merge.Round(time.Millisecond), st.Write.Round(time.Millisecond), st.Install.Round(time.Millisecond),
		st.Runs, float64(st.Spilled)/(1<<20))
}

// BenchmarkImport measures `balcao import` of the benchmark file: into a new directory (new), over that
// directory with --replace (replace: the old one serves until the swap), the whole file again without
// --replace (merge: a daily full export, the directory rebuilt merged with it; skipped past 1M, see
// $BALCAO_BENCH_MERGE), and a file of 10,000 rows, half of them people already there and half new, upserted
// into it (upsert: the name index takes them as a delta), the new ones searched at once.
func BenchmarkImport(b *testing.B) {
	n := benchN()
	csvPath, rows, err := benchdata.CSV(n)
	require.NoError(b, err)
	dir := b.TempDir()
	db := filepath.Join(dir, "diretorio.db")
	b.Run("new", func(b *testing.B) {
		for range b.N {
			require.NoError(b, os.RemoveAll(dir))
			require.NoError(b, os.MkdirAll(dir, 0o700))
			rep, peak := importProcess(b, db, csvPath, false)
			require.Equal(b, rows, rep.Rows)
			report(b, rep, peak)
		}
	})
	ensure := func(b *testing.B) {
		if _, err := os.Stat(db); err != nil {
			_, _ = importProcess(b, db, csvPath, false)
		}
	}
	b.Run("replace", func(b *testing.B) {
		ensure(b)
		for range b.N {
			rep, peak := importProcess(b, db, csvPath, true)
			require.Equal(b, rows, rep.Rows)
			report(b, rep, peak)
		}
	})
	b.Run("merge", func(b *testing.B) {
		if n > benchSize && os.Getenv("BALCAO_BENCH_MERGE") == "" {
			b.Skip("past 1M only with BALCAO_BENCH_MERGE=1")
		}
		ensure(b)
		for range b.N {
			rep, peak := importProcess(b, db, csvPath, false)
			require.Equal(b, rows, rep.Rows)
			report(b, rep, peak)
		}
	})
	b.Run("upsert", func(b *testing.B) {
		small := filepath.Join(b.TempDir(), "small.csv")
		more := benchdata.NewPeople(n + 5000)
		smallRows := writeSmall(b, more, n-5000, n+5000, small)
		cached, err := benchdata.Directory(context.Background(), n)
		require.NoError(b, err)
		db := filepath.Join(b.TempDir(), "diretorio.db")
		for range b.N {
			copyDirectory(b, cached, db) // each time the same directory: half the file's people are new
			rep, peak := importProcess(b, db, small, false)
			require.Equal(b, smallRows, rep.Rows)
			report(b, rep, peak)
			checkVisible(b, db, more.Beneficiary(n+4999))
		}
	})
}

// copyDirectory copies the directory at src (its database and name index files) over dst, synced: a
// directory at rest, the same one for each iteration.
func copyDirectory(b *testing.B, src, dst string) {
	b.Helper()
	olds, _ := filepath.Glob(dst + "*")
	for _, f := range olds {
		require.NoError(b, os.Remove(f))
	}
	idx, err := filepath.Glob(src + ".index-*")
	require.NoError(b, err)
	require.Len(b, idx, 1, "the cached directory's name index file")
	for _, p := range [][2]string{{src, dst}, {idx[0], dst + strings.TrimPrefix(idx[0], src)}} {
		in, err := os.Open(p[0])
		require.NoError(b, err)
		out, err := os.OpenFile(p[1], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		require.NoError(b, err)
		_, err = io.Copy(out, in)
		require.NoError(b, err)
		require.NoError(b, out.Sync())
		require.NoError(b, out.Close())
		require.NoError(b, in.Close())
	}
}

// writeSmall writes people from..to-1 as an import file and returns its rows.
func writeSmall(b *testing.B, p *benchdata.People, from, to int, path string) int {
	b.Helper()
	f, err := os.Create(path)
	require.NoError(b, err)
	defer f.Close()
	w := bufio.NewWriter(f)
	rows, err := benchdata.WriteCSV(w, p, from, to)
	require.NoError(b, err)
	require.NoError(b, w.Flush())
	return rows
}

// checkVisible checks that a person upserted is found by CPF and by name.
func checkVisible(b *testing.B, db string, x model.Beneficiary) {
	b.Helper()
	d, err := directory.Open(context.Background(), db, directory.Options{})
	require.NoError(b, err)
	defer d.Close()
	ms, err := d.Search(context.Background(), model.Classify(model.FormatCPF(x.CPF)), 5)
	require.NoError(b, err)
	require.NotEmpty(b, ms, "the upserted person by CPF")
	ms, err = d.Search(context.Background(), model.Classify(x.Name+" "+model.FormatCPF(x.CPF)), 5)
	require.NoError(b, err)
	require.NotEmpty(b, ms, "the upserted person by name")
}
