package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/fleet"
	"github.com/balcao/balcao/internal/loadgen"
	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/sandbox"
)

// BenchmarkFleetBusca compares one instance's busca throughput in fleet mode with SQLite mode: the same balcao
// serve binary on the same 1,000,000-beneficiary directory (BALCAO_BENCH_BENEFICIARIES to change), the access
// record on in both (its SQLite file; the local queue shipped to PostgreSQL), 64 keep-alive connections of mixed
// searches (CPF, card, two-word names), the two modes interleaved BALCAO_BENCH_ROUNDS times (default 3) so the
// machine's noise falls on both. It reports each mode's median req/s and fleet/sqlite.
//
//	go test ./cmd/balcao -run '^$' -bench FleetBusca -benchtime 1x
func BenchmarkFleetBusca(b *testing.B) {
	n, rounds := 1_000_000, 3
	if v, err := strconv.Atoi(os.Getenv("BALCAO_BENCH_BENEFICIARIES")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("BALCAO_BENCH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	ds := sandbox.NewDatasetAt(7, n, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	src := benchFleetDirectory(b, ds)
	url := pgtest.URL(b)
	ctx := context.Background()
	f, err := fleet.Open(ctx, url, nil)
	require.NoError(b, err)
	d, err := directory.Open(ctx, src, directory.Options{})
	require.NoError(b, err)
	lock, err := fleet.LockImport(ctx, f.Pool)
	require.NoError(b, err)
	_, err = fleet.Publish(ctx, f.Pool, d, "bench")
	lock.Unlock()
	require.NoError(b, err)
	require.NoError(b, d.Close())
	require.NoError(b, f.Close())

	sqliteURL := benchServe(b, src, "")
	fleetURL := benchServe(b, filepath.Join(b.TempDir(), "diretorio.db"), url)
	bodies := benchFleetBodies(ds, 1000)
	header := http.Header{"Authorization": {fleetSecret}}
	results := map[string][]float64{}
	b.ResetTimer()
	for range b.N {
		for r := 0; r < rounds; r++ {
			for _, m := range []struct{ name, url string }{{"sqlite", sqliteURL}, {"fleet", fleetURL}} {
				warm := loadgen.Run(ctx, m.url, header, 64, 256, bodies)
				require.Zero(b, warm.Errors, "%s warm-up: %+v", m.name, warm)
				res := loadgen.Run(ctx, m.url, header, 64, 20_000, bodies)
				require.Zero(b, res.Errors, "%s: %+v", m.name, res)
				results[m.name] = append(results[m.name], res.PerSec)
				b.Logf("round %d %-6s %7.0f req/s  p50 %.2f ms  p99 %.2f ms", r+1, m.name, res.PerSec,
					float64(res.P50.Microseconds())/1000, float64(res.P99.Microseconds())/1000)
			}
		}
	}
	b.StopTimer()
	med := func(xs []float64) float64 { s := slices.Clone(xs); slices.Sort(s); return s[len(s)/2] }
	sq, fl := med(results["sqlite"]), med(results["fleet"])
	b.ReportMetric(sq, "sqlite_req/s")
	b.ReportMetric(fl, "fleet_req/s")
	b.ReportMetric(fl/sq, "fleet/sqlite")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d beneficiaries: sqlite %v req/s, fleet %v req/s (medians %.0f / %.0f, ratio %.3f)", ds.Len(),
		results["sqlite"], results["fleet"], sq, fl, fl/sq)
}

// benchFleetDirectory is the directory benchmarks' cached file for ds, built when missing.
func benchFleetDirectory(b *testing.B, ds *sandbox.Dataset) string {
	b.Helper()
	cache, err := os.UserCacheDir()
	require.NoError(b, err)
	dir := filepath.Join(cache, "balcao-bench")
	require.NoError(b, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, fmt.Sprintf("directory-v%s-sandbox-1-7-%d.db", directory.CurrentVersion(), ds.Len()))
	if _, err := os.Stat(path); err != nil {
		require.NoError(b, directory.Build(context.Background(), path, ds.Len(), ds.Beneficiary))
	}
	return path
}

// benchServe starts balcao serve on the directory at db — in fleet mode when pgURL is given — and returns its
// busca URL once /healthz answers. Both modes get the same configuration (upstreams that are never called, the
// sandbox's catalogue, an access record in a temporary directory).
func benchServe(b *testing.B, db, pgURL string) string {
	b.Helper()
	dir := b.TempDir()
	addr := freePort(b)
	cfg := map[string]any{
		"db":       db,
		"totvs":    map[string]any{"url": "http://127.0.0.1:9/rest", "user": "u", "password": "p"},
		"mosia":    map[string]any{"url": "http://127.0.0.1:9", "token": "t"},
		"server":   map[string]any{"addr": addr, "secret": fleetSecret, "rate": 1e9, "burst": 1 << 30},
		"audit":    map[string]any{"file": filepath.Join(dir, "acessos.db")},
		"log":      map[string]any{"file": filepath.Join(dir, "balcao.log")},
		"catalogo": config.DefaultCatalogue(),
	}
	if pgURL != "" {
		cfg["postgres"] = map[string]any{"url": pgURL}
	}
	raw, err := toml.Marshal(cfg)
	require.NoError(b, err)
	cfgPath := filepath.Join(dir, "config.toml")
	require.NoError(b, os.WriteFile(cfgPath, raw, 0o600))
	cmd := exec.Command(binPath, "--config", cfgPath, "serve")
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "XDG_DATA_HOME=" + dir, "XDG_STATE_HOME=" + dir,
		"XDG_CACHE_HOME=" + dir, "XDG_CONFIG_HOME=" + dir}
	stderr := &tailBuffer{}
	cmd.Stdout, cmd.Stderr = io.Discard, stderr // the request log costs what it costs in production
	require.NoError(b, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	b.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); <-exited })
	start := time.Now()
	for {
		select {
		case <-exited:
			b.Fatalf("serve ended: %s", stderr.String())
		default:
		}
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				b.Logf("serve (fleet: %v) answering after %s", pgURL != "", time.Since(start).Round(time.Millisecond))
				return "http://" + addr + "/buscaBeneficiarios"
			}
		}
		require.Less(b, time.Since(start), 10*time.Minute, "serve never answered: %s", stderr.String())
		time.Sleep(100 * time.Millisecond)
	}
}

// benchFleetBodies are mixed busca bodies of people in ds: CPF, card and two-word names in turn.
func benchFleetBodies(ds *sandbox.Dataset, n int) [][]byte {
	out := make([][]byte, 0, n)
	step := max(1, ds.Len()/n)
	for i := 0; len(out) < n; i++ {
		x := ds.Beneficiary((i*step + 13) % ds.Len())
		var body map[string]string
		switch words := strings.Fields(x.Name); i % 3 {
		case 0:
			body = map[string]string{"cpf": x.CPF}
		case 1:
			body = map[string]string{"carteirinha": x.Card}
		default:
			body = map[string]string{"nome": words[0] + " " + words[len(words)-1]}
		}
		if body["cpf"] == "" && body["carteirinha"] == "" && body["nome"] == "" {
			continue
		}
		raw, _ := json.Marshal(body)
		out = append(out, raw)
	}
	return out
}

// tailBuffer keeps the last 4 KiB written to it, safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = t.buf[len(t.buf)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
