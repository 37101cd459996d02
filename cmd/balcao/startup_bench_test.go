package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/balcao/balcao/demo"
	"github.com/balcao/balcao/i18n"
)

// BenchmarkStartupToFirstFrame measures, on the real binary in a real pseudo-terminal, the time from process start
// to the first interactive frame (the search field drawn), with a 1,000,000-beneficiary demo directory. The
// directory is built once and cached under the user cache dir (balcao-bench/), as `make run` caches its own.
func BenchmarkStartupToFirstFrame(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("BALCAO_BENCH_BENEFICIARIES")); err == nil && v > 0 {
		n = v
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		b.Skip("no user cache dir")
	}
	cacheDir := filepath.Join(cache, "balcao-bench", "demo-cache")
	start := time.Now()
	if _, err := demo.Directory(context.Background(), filepath.Join(cacheDir, "balcao"), 1, n); err != nil {
		b.Fatal(err)
	}
	b.Logf("demo directory of %d ready in %s (cached after the first run)", n, time.Since(start).Round(time.Millisecond))

	bin := filepath.Join(b.TempDir(), "balcao")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	home := b.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+cacheDir, "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_STATE_HOME="+filepath.Join(home, "state"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"BALCAO_SANDBOX_BENEFICIARIES="+strconv.Itoa(n), "BALCAO_SERVER_DISABLED=true", "TERM=xterm-256color")
	for _, k := range []string{"BALCAO_TOTVS_URL", "BALCAO_MOSIA_URL"} {
		env = append(env, k+"=")
	}
	want := []byte(i18n.UISearchPrompt)

	b.ResetTimer()
	took := firstFrames(b, max(b.N, 10), want, func() *exec.Cmd {
		cmd := exec.Command(bin)
		cmd.Env = env
		return cmd
	})
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(took[len(took)/2]), "p50_ms")
	b.ReportMetric(ms(took[len(took)-1]), "max_ms")
	b.ReportMetric(float64(n), "beneficiaries")
}

// firstFrames starts the command runs times in a 200×50 pseudo-terminal and returns, for each start, the time until
// want is drawn; each run then ends with Ctrl+C.
func firstFrames(b *testing.B, runs int, want []byte, command func() *exec.Cmd) []time.Duration {
	var took []time.Duration
	for range runs {
		cmd := command()
		t0 := time.Now()
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 200, Rows: 50})
		if err != nil {
			b.Fatal(err)
		}
		var seen bytes.Buffer
		buf := make([]byte, 32<<10)
		deadline := time.Now().Add(30 * time.Second)
		answered := 0
		for !bytes.Contains(seen.Bytes(), want) && time.Now().Before(deadline) {
			_ = f.SetReadDeadline(time.Now().Add(time.Second))
			k, _ := f.Read(buf)
			seen.Write(buf[:k])
			answered = answerQueries(f, seen.Bytes(), answered)
		}
		if !bytes.Contains(seen.Bytes(), want) {
			_ = cmd.Process.Kill()
			b.Fatalf("no first frame within 30 s; output:\n%q", seen.String())
		}
		took = append(took, time.Since(t0))
		_, _ = f.Write([]byte{3}) // Ctrl+C
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		f.Close()
	}
	return took
}

// answerQueries answers, as a real terminal (xterm) does, the background-colour (OSC 11) and cursor-position (DSR)
// queries that lipgloss/termenv send at start-up; a silent pty would make each wait for termenv's 5 s timeout.
// It returns how many queries have been answered so far.
func answerQueries(w interface{ Write([]byte) (int, error) }, out []byte, answered int) int {
	queries := bytes.Count(out, []byte("\x1b]11;?")) + bytes.Count(out, []byte("\x1b[6n"))
	for ; answered < queries; answered++ {
		_, _ = w.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[1;1R"))
	}
	return answered
}
