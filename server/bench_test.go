package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/benchdata"
	"github.com/balcao/balcao/internal/gctune"
	"github.com/balcao/balcao/internal/loadgen"
	"github.com/balcao/balcao/internal/testcert"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

// Load benchmark settings. The directory is, in order: $BALCAO_BENCH_DIRECTORY (a directory file built from
// sandbox.NewDatasetAt(benchSeed, $BALCAO_BENCH_SIZE, benchNow)), the benchmarks' directory of
// $BALCAO_BENCH_SIZE people (benchdata.Directory, built once and cached; make bench-10m), the directory
// benchmarks' cached 1M directory when present, or a 200k one built in b.TempDir().
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

// benchDirectoryPath returns the benchmark's directory file and the dataset it was built from.
func benchDirectoryPath(b *testing.B) (string, *sandbox.Dataset) {
	b.Helper()
	path, n := os.Getenv("BALCAO_BENCH_DIRECTORY"), 0
	size, sizeErr := strconv.Atoi(os.Getenv("BALCAO_BENCH_SIZE"))
	if path != "" {
		require.NoError(b, sizeErr, "BALCAO_BENCH_SIZE must give the dataset size of BALCAO_BENCH_DIRECTORY")
		n = size
	} else if sizeErr == nil && size > 0 {
		p, err := benchdata.Directory(context.Background(), size)
		require.NoError(b, err)
		path, n = p, size
	} else if cache, err := benchdata.CacheDir(); err == nil {
		// the directory benchmarks build it: go test ./directory -run '^$' -bench DirectorySearch -benchtime 1x
		if p := filepath.Join(cache, benchdata.DirectoryName(bench1M)); fileExists(p) {
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
	return path, sandbox.NewDatasetAt(benchSeed, n, benchNow)
}

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
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

// benchServeEnv asks the test binary to serve a benchmark directory ("path|secret") on a loopback port,
// printed on stdout, until its stdin closes: BenchmarkServiceLoad's server runs in its own process, so its
// resident memory is the service's alone and not the load generator's. With $BALCAO_SERVER_BENCH_SERVE_CPUPROFILE
// set to a file, the server process writes its CPU profile there.
const benchServeEnv = "BALCAO_SERVER_BENCH_SERVE"

// benchBodiesEnv names a file BenchmarkServiceLoad writes its request bodies to, one per line, so an external
// load generator (wrk with server/testdata/wrk_bodies.lua) can replay the same mix against a server process
// started with $BALCAO_SERVER_BENCH_SERVE.
const benchBodiesEnv = "BALCAO_SERVER_BENCH_BODIES"

// benchRequests is how many requests one iteration of BenchmarkServiceLoad sends; percentiles are over all.
const benchRequests = 20_000

func init() {
	if spec := os.Getenv(benchServeEnv); spec != "" {
		os.Exit(benchServe(spec))
	}
}

// benchServe is the server process of BenchmarkServiceLoad: spec is "path|secret[|cert|key|audit]", with TLS
// when cert and key are given and the access record when audit names its file.
func benchServe(spec string) int {
	f := append(strings.Split(spec, "|"), "", "", "")
	path, secret, cert, key, auditPath := f[0], f[1], f[2], f[3], f[4]
	d, err := directory.Open(context.Background(), path, directory.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer d.Close()
	gctune.Tighten() // as balcao serve does
	if err := d.Warm(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))        // production logging cost, without the disk
	o := Options{Secret: secret, Logger: logger, Rate: math.Inf(1)} // the load is one credential
	if cert != "" {
		if o.TLS, err = LoadTLS(cert, key, logger); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	if auditPath != "" {
		l, err := audit.Open(auditPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer l.Close()
		o.Audit = l
	}
	s, err := New(d, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if prof := os.Getenv(benchServeEnv + "_CPUPROFILE"); prof != "" { // for whoever tunes the service
		if f, err := os.Create(prof); err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
	fmt.Println(ln.Addr().String())
	if err := s.Serve(ctx, ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// benchServer starts the server process on spec (see benchServe) and returns its address and process id; it
// stops with b.
func benchServer(b *testing.B, spec string) (string, int) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchServeEnv+"="+spec)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(b, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(b, err)
	require.NoError(b, cmd.Start())
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(b, err, "server process")
	return strings.TrimSpace(addr), cmd.Process.Pid
}

// BenchmarkServiceLoad drives the real service, in its own process, over loopback with 64 keep-alive
// connections of mixed searches: each iteration sends benchRequests requests, so -benchtime 1x is enough.
// It reports the mix's throughput and latency, the two-word names' alone, and the server process's memory.
//
//	go test ./server -run '^$' -bench ServiceLoad -benchtime 1x
func BenchmarkServiceLoad(b *testing.B) {
	path, ds := benchDirectoryPath(b)
	bodies := benchBodies(b, ds, 1000)
	if f := os.Getenv(benchBodiesEnv); f != "" { // for an external load generator such as wrk
		require.NoError(b, os.WriteFile(f, append(bytes.Join(bodies, []byte("\n")), '\n'), 0o600))
	}
	const secret = "bench-secret"
	addr, pid := benchServer(b, path+"|"+secret)
	ctx := context.Background()
	url := "http://" + addr + "/buscaBeneficiarios"
	header := http.Header{"Authorization": {secret}}
	warm := loadgen.Run(ctx, url, header, benchConns, 4*benchConns, bodies)
	require.Zero(b, warm.Errors, "warm-up: %+v", warm)

	var all loadgen.Result
	b.ResetTimer()
	for range b.N {
		res := loadgen.Run(ctx, url, header, benchConns, benchRequests, bodies)
		require.Zero(b, res.Errors, "%+v", res)
		require.Equal(b, benchRequests, res.Requests)
		all = res // one iteration is the usual; more only repeat it
	}
	b.StopTimer()
	b.ReportMetric(all.PerSec, "req/s")
	b.ReportMetric(msOf(all.P50), "p50_ms")
	b.ReportMetric(msOf(all.P99), "p99_ms")
	b.Logf("directory %d beneficiaries, %d requests over %d connections: %+v", ds.Len(), benchRequests, benchConns, all)
	for k, kind := range benchKinds { // per kind, for whoever tunes the directory
		var only [][]byte
		for i := k; i < len(bodies); i += len(benchKinds) {
			only = append(only, bodies[i])
		}
		r := loadgen.Run(ctx, url, header, benchConns, 20*benchConns, only)
		b.Logf("%-10s %6.0f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d", kind, r.PerSec, msOf(r.P50), msOf(r.P99), r.Errors)
		if kind == "name2" {
			b.ReportMetric(r.PerSec, "name2_req/s")
		}
	}
	hwm, rss := procMemMB(b, pid)
	b.ReportMetric(hwm, "VmHWM_MB")
	b.ReportMetric(rss, "VmRSS_MB")
	b.ReportMetric(0, "ns/op")
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// procMemMB reads the peak and current resident memory of process pid from /proc/<pid>/status.
func procMemMB(b *testing.B, pid int) (hwm, rss float64) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Logf("no /proc/%d/status: %v", pid, err)
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

// BenchmarkServiceModes measures the mix of BenchmarkServiceLoad with what stands in a request's way turned on
// one at a time: plain HTTP, TLS, the access record, and both. Each mode serves from its own process.
//
//	go test ./server -run '^$' -bench ServiceModes -benchtime 1x
func BenchmarkServiceModes(b *testing.B) {
	path, ds := benchDirectoryPath(b)
	bodies := benchBodies(b, ds, 1000)
	const secret = "bench-secret-0123456789"
	ca, err := testcert.NewCA()
	require.NoError(b, err)
	dir := b.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(b, ca.Issue(cert, key, 1))
	tc := &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"}
	for _, mode := range []struct {
		name  string
		tls   bool
		audit bool
	}{{"plain", false, false}, {"tls", true, false}, {"audit", false, true}, {"tls+audit", true, true}} {
		b.Run(mode.name, func(b *testing.B) {
			spec, scheme, conf := path+"|"+secret, "http", (*tls.Config)(nil)
			if mode.tls {
				spec, scheme, conf = spec+"|"+cert+"|"+key, "https", tc
			} else {
				spec += "||"
			}
			if mode.audit {
				spec += "|" + filepath.Join(b.TempDir(), "acessos.db")
			}
			addr, _ := benchServer(b, spec)
			url := scheme + "://" + addr + "/buscaBeneficiarios"
			header := http.Header{"Authorization": {secret}}
			warm := loadgen.RunTLS(context.Background(), conf, url, header, benchConns, 4*benchConns, bodies)
			require.Zero(b, warm.Errors, "warm-up: %+v", warm)
			var res loadgen.Result
			b.ResetTimer()
			for range b.N {
				res = loadgen.RunTLS(context.Background(), conf, url, header, benchConns, benchRequests, bodies)
				require.Zero(b, res.Errors, "%+v", res)
			}
			b.StopTimer()
			b.ReportMetric(res.PerSec, "req/s")
			b.ReportMetric(msOf(res.P50), "p50_ms")
			b.ReportMetric(msOf(res.P99), "p99_ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
