package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/balcao/balcao/directory/benchdata"
	"github.com/balcao/balcao/i18n"
)

// The benchmarks of this file run the real binary in production mode on the benchmark directory of
// $BALCAO_BENCH_SIZE people (benchdata.Directory, default 1,000,000; make bench-10m: 10,000,000), built once
// and cached; TOTVS and Mosia point to a closed port (neither is called before the measured moment).

// benchSize is the benchmark directory's size.
func benchSize() int {
	if v, err := strconv.Atoi(os.Getenv("BALCAO_BENCH_SIZE")); err == nil && v > 0 {
		return v
	}
	return 1_000_000
}

// productionEnv returns the environment and config file of a production-mode run on the benchmark
// directory, and the directory's path.
func productionEnv(b *testing.B) (env []string, conf, db string) {
	b.Helper()
	n := benchSize()
	start := time.Now()
	db, err := benchdata.Directory(context.Background(), n)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("directory of %d: %s (%s; cached after the first run)", n, db, time.Since(start).Round(time.Millisecond))
	home := b.TempDir()
	conf = filepath.Join(home, "config.toml")
	err = os.WriteFile(conf, []byte("[[catalogo.tipos]]\nid = 128\nnome = \"Solicitacao\"\npadrao = true\n"+
		"  [[catalogo.tipos.assuntos]]\n  id = 173\n  nome = \"Atualizacao cadastral\"\n  padrao = true\n"), 0o600)
	if err != nil {
		b.Fatal(err)
	}
	env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_STATE_HOME="+filepath.Join(home, "state"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"BALCAO_TOTVS_URL=http://127.0.0.1:1/rest", "BALCAO_TOTVS_USER=u", "BALCAO_TOTVS_PASSWORD=p",
		"BALCAO_MOSIA_URL=http://127.0.0.1:1", "BALCAO_MOSIA_TOKEN=t", "BALCAO_SERVER_SECRET="+testSecret,
		"BALCAO_AUDIT_FILE="+filepath.Join(home, "acessos.db"), "BALCAO_OUTBOX_DB="+filepath.Join(home, "ocorrencias.db"),
		"TERM=xterm-256color")
	return env, conf, db
}

// buildBinary builds balcao for a benchmark.
func buildBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "balcao")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// BenchmarkServeToHealthz measures, on the real binary, the time from `balcao serve` starting to its first
// answer on /healthz, and its resident memory then, over 5 starts (p50 and max).
func BenchmarkServeToHealthz(b *testing.B) {
	env, conf, db := productionEnv(b)
	bin := buildBinary(b)
	var took []time.Duration
	var rss []float64
	b.ResetTimer()
	for range max(b.N, 5) {
		addr := freeAddr(b)
		cmd := exec.Command(bin, "serve", "--config", conf, "--db", db, "--addr", addr)
		cmd.Env = env
		var errb bytes.Buffer
		cmd.Stderr = &errb
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		deadline := t0.Add(60 * time.Second)
		for {
			r, err := http.Get("http://" + addr + "/healthz")
			if err == nil {
				r.Body.Close()
				if r.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				b.Fatalf("no /healthz within 60 s: %s", errb.String())
			}
			time.Sleep(2 * time.Millisecond)
		}
		took = append(took, time.Since(t0))
		rss = append(rss, procRSS(cmd.Process.Pid))
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max_ms")
	b.ReportMetric(slices.Max(rss), "RSS_MB")
	b.ReportMetric(float64(benchSize()), "beneficiaries")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkStartupToFirstFrameDirectory is BenchmarkStartupToFirstFrame in production mode on the benchmark
// directory: process start to the search field drawn, in a real pseudo-terminal, over 10 starts.
func BenchmarkStartupToFirstFrameDirectory(b *testing.B) {
	env, conf, db := productionEnv(b)
	bin := buildBinary(b)
	env = append(env, "BALCAO_SERVER_DISABLED=true")
	want := []byte(i18n.UISearchPrompt)
	b.ResetTimer()
	took := firstFrames(b, max(b.N, 10), want, func() *exec.Cmd {
		cmd := exec.Command(bin, "--config", conf, "--db", db)
		cmd.Env = env
		return cmd
	})
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max_ms")
	b.ReportMetric(float64(benchSize()), "beneficiaries")
	b.ReportMetric(0, "ns/op")
}

// freeAddr is a free loopback address.
func freeAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// procRSS reads a process's resident memory in MB.
func procRSS(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(data, []byte{'\n'}) {
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			kb, _ := strconv.ParseFloat(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 64)
			return kb / 1024
		}
	}
	return 0
}
