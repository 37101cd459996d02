package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/store"
)

// Load benchmark settings. The directory is, in order: $BALCAO_BENCH_DIRECTORY (a directory file built from
// sandbox.NewDatasetAt(benchSeed, $BALCAO_BENCH_SIZE, benchNow)), the store benchmarks' cached 1M directory
// when present, or a 200k one built in b.TempDir().
const (
	benchSeed  = 7
	benchConns = 64
	benchOwn   = 200_000
	bench1M    = 1_000_000
)

var benchNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// benchBuildEnv asks the test binary (see TestMain) to only build a benchmark directory, so the build's memory
// does not count in the serving process's VmHWM.
const benchBuildEnv = "BALCAO_SERVER_BENCH_BUILD"

var (
	benchOnce sync.Once
	benchTmp  string // removed by TestMain
	benchPath string
	benchErr  error
)

// benchDirectory opens the benchmark's directory and returns the dataset it was built from.
func benchDirectory(b *testing.B) (*store.Directory, *sandbox.Dataset) {
	b.Helper()
	path, n := os.Getenv("BALCAO_BENCH_DIRECTORY"), 0
	if path != "" {
		var err error
		n, err = strconv.Atoi(os.Getenv("BALCAO_BENCH_SIZE"))
		require.NoError(b, err, "BALCAO_BENCH_SIZE must give the dataset size of BALCAO_BENCH_DIRECTORY")
	} else if cache, err := os.UserCacheDir(); err == nil {
		p := filepath.Join(cache, "balcao-bench",
			fmt.Sprintf("directory-v%d-sandbox-1-%d-%d.db", store.DirectorySchemaVersion, benchSeed, bench1M))
		if _, err := os.Stat(p); err == nil {
			path, n = p, bench1M
		}
	}
	if path == "" {
		n = benchOwn
		benchOnce.Do(func() {
			if benchTmp, benchErr = os.MkdirTemp("", "balcao-server-bench-"); benchErr != nil {
				return
			}
			benchPath = filepath.Join(benchTmp, "directory.db")
			start := time.Now()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), benchBuildEnv+"="+benchPath+"|"+strconv.Itoa(n))
			out, err := cmd.CombinedOutput()
			if err != nil {
				benchErr = fmt.Errorf("build bench directory: %w: %s", err, out)
				return
			}
			b.Logf("built a %d-beneficiary directory in %s (separate process)", n, time.Since(start).Round(time.Millisecond))
		})
		require.NoError(b, benchErr)
		path = benchPath
	}
	ds := sandbox.NewDatasetAt(benchSeed, n, benchNow)
	d, err := store.OpenDirectory(path)
	require.NoError(b, err)
	b.Cleanup(func() { _ = d.Close() })
	return d, ds
}

// benchKinds names the search kinds of benchBodies, in the order they cycle.
var benchKinds = []string{"cpf", "card", "chaveUnica", "name2", "name+date"}

// benchBodies builds mixed buscaBeneficiarios bodies of people in the dataset: CPF, card, chaveUnica,
// two-word names and name plus birth date, in equal parts and in that order (see benchKinds).
func benchBodies(b *testing.B, ds *sandbox.Dataset, n int) [][]byte {
	b.Helper()
	out := make([][]byte, 0, n)
	step := max(1, ds.Len()/n)
	for i := 0; len(out) < n; i++ {
		x := ds.Beneficiary((i*step + 13) % ds.Len())
		words := strings.Fields(x.Name)
		var body map[string]any
		switch len(out) % len(benchKinds) {
		case 0:
			if !model.ValidCPF(x.CPF) {
				continue
			}
			body = map[string]any{"cpf": model.FormatCPF(x.CPF)}
		case 1:
			body = map[string]any{"carteirinha": x.Card}
		case 2:
			body = map[string]any{"chaveUnica": x.ChaveUnica}
		case 3:
			body = map[string]any{"nome": words[0] + " " + words[len(words)-1]}
		case 4:
			if x.BirthDate == "" {
				continue
			}
			body = map[string]any{"nome": words[0] + " " + words[len(words)-1], "dataNascimento": dateBR(x.BirthDate)}
		}
		j, err := json.Marshal(body)
		require.NoError(b, err)
		out = append(out, j)
	}
	return out
}

// BenchmarkServiceLoad drives the real service over loopback with 64 keep-alive connections of mixed
// searches; b.N is the number of requests (use -benchtime 20000x).
//
//	go test ./server -run '^$' -bench ServiceLoad -benchtime 20000x
func BenchmarkServiceLoad(b *testing.B) {
	d, ds := benchDirectory(b)
	bodies := benchBodies(b, ds, 1000)
	const secret = "bench-secret"
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil)) // production logging cost, without the disk
	s := New(d, Options{Secret: secret, Logger: logger})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	defer func() { cancel(); require.NoError(b, <-served) }()

	url := "http://" + ln.Addr().String() + "/buscaBeneficiarios"
	header := http.Header{"Authorization": {secret}}
	warm := RunLoad(ctx, url, header, benchConns, 2*benchConns, bodies)
	require.Zero(b, warm.Errors, "warm-up: %+v", warm)

	b.ResetTimer()
	res := RunLoad(ctx, url, header, benchConns, b.N, bodies)
	b.StopTimer()
	require.Zero(b, res.Errors, "%+v", res)
	require.Equal(b, b.N, res.Requests)

	b.ReportMetric(res.PerSec, "req/s")
	b.ReportMetric(msOf(res.P50), "p50_ms")
	b.ReportMetric(msOf(res.P99), "p99_ms")
	hwm, rss := procMemMB(b)
	b.ReportMetric(hwm, "VmHWM_MB")
	b.ReportMetric(rss, "VmRSS_MB")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "goheap_MB")
	b.ReportMetric(0, "ns/op")
	b.Logf("directory %d beneficiaries, %d requests over %d connections: %+v", ds.Len(), b.N, benchConns, res)

	if b.N >= 1000 { // per kind, for whoever tunes the directory
		for k, kind := range benchKinds {
			var only [][]byte
			for i := k; i < len(bodies); i += len(benchKinds) {
				only = append(only, bodies[i])
			}
			r := RunLoad(ctx, url, header, benchConns, 10*benchConns, only)
			b.Logf("%-10s %6.0f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d", kind, r.PerSec, msOf(r.P50), msOf(r.P99), r.Errors)
		}
	}
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// procMemMB reads the peak and current resident memory of this process from /proc/self/status.
func procMemMB(b *testing.B) (hwm, rss float64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Logf("no /proc/self/status: %v", err)
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmHWM" && k != "VmRSS") {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		if err != nil {
			continue
		}
		if k == "VmHWM" {
			hwm = kb / 1024
		} else {
			rss = kb / 1024
		}
	}
	return hwm, rss
}
