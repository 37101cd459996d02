package directory_test

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/benchdata"
	"github.com/balcao/balcao/model"
)

// Benchmarks run on a 1,000,000-beneficiary directory built once from the sandbox dataset and cached under
// the user cache dir (balcao-bench/, see benchdata.Directory), keyed by the directory's version and the
// generator's; $BALCAO_BENCH_SIZE sets another size (make bench-10m: 10,000,000). Each search benchmark times
// a fixed set of benchQueries queries per iteration and reports percentiles over every query timed, so
//
//	go test ./directory -run '^$' -bench . -benchtime 1x
//
// already gives meaningful figures; more iterations only add samples.

const (
	benchSize    = 1_000_000
	benchCSVRows = 200_000
	benchQueries = 2000 // queries timed per iteration of a search benchmark
)

// benchN is the benchmarks' directory size: $BALCAO_BENCH_SIZE, or benchSize.
func benchN() int {
	if v, err := strconv.Atoi(os.Getenv("BALCAO_BENCH_SIZE")); err == nil && v > 0 {
		return v
	}
	return benchSize
}

// benchDirectory returns the cached benchmark directory, building it on first use.
func benchDirectory(b *testing.B) (*directory.Directory, *benchdata.People) {
	b.Helper()
	start := time.Now()
	path, err := benchdata.Directory(context.Background(), benchN())
	require.NoError(b, err)
	b.Logf("directory of %d: %s (%s; built once, then cached)", benchN(), path, time.Since(start).Round(time.Millisecond))
	d, err := directory.Open(context.Background(), path, directory.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { _ = d.Close() })
	return d, benchdata.NewPeople(benchN())
}

// threadCPU is the CPU time of the calling OS thread (the goroutine is locked to it while measuring).
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// benchSearch times every query of qs (cycled up to benchQueries) once per iteration and reports p50/p99 in
// ms of wall time and of the searching thread's CPU time (which other processes on a shared machine do not
// inflate).
func benchSearch(b *testing.B, d *directory.Directory, qs []model.Query, wantHit bool) {
	b.Helper()
	ctx := context.Background()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	lat := make([]time.Duration, 0, b.N*benchQueries)
	cpu := make([]time.Duration, 0, b.N*benchQueries)
	b.ResetTimer()
	for range b.N {
		for i := range benchQueries {
			q := qs[i%len(qs)]
			t0, c0 := time.Now(), threadCPU()
			ms, err := d.Search(ctx, q, 50)
			lat = append(lat, time.Since(t0))
			cpu = append(cpu, threadCPU()-c0)
			if err != nil {
				b.Fatal(err)
			}
			if wantHit && len(ms) == 0 {
				b.Fatalf("no match for %+v", q)
			}
		}
	}
	b.StopTimer()
	pct := func(ds []time.Duration, p float64) float64 {
		slices.Sort(ds)
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(lat, 0.50), "p50-ms")
	b.ReportMetric(pct(lat, 0.99), "p99-ms")
	b.ReportMetric(pct(cpu, 0.50), "cpu-p50-ms")
	b.ReportMetric(pct(cpu, 0.99), "cpu-p99-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkDirectorySearch measures lookups and name searches on the 1M directory.
func BenchmarkDirectorySearch(b *testing.B) {
	d, ds := benchDirectory(b)
	rng := rand.New(rand.NewPCG(1, 2))
	sample := func(f func(model.Beneficiary) model.Query) []model.Query {
		qs := make([]model.Query, benchQueries)
		for i := range qs {
			qs[i] = f(ds.Beneficiary(rng.IntN(ds.Len())))
		}
		return qs
	}
	b.Run("cpf", func(b *testing.B) {
		benchSearch(b, d, sample(func(x model.Beneficiary) model.Query { return model.Classify(model.FormatCPF(x.CPF)) }), true)
	})
	b.Run("card", func(b *testing.B) {
		benchSearch(b, d, sample(func(x model.Beneficiary) model.Query { return model.Classify(model.FormatCard(x.Card)) }), true)
	})
	b.Run("chaveUnica", func(b *testing.B) {
		benchSearch(b, d, sample(func(x model.Beneficiary) model.Query {
			return model.Query{IDs: []model.Identifier{{Value: x.ChaveUnica, Kinds: []model.IDKind{model.IDChaveUnica}}}}
		}), true)
	})
	b.Run("contract", func(b *testing.B) { // digits only: also tried as chaveUnica and matrícula
		benchSearch(b, d, sample(func(x model.Beneficiary) model.Query {
			if len(x.Contracts) == 0 {
				return model.Classify(x.ChaveUnica)
			}
			return model.Classify(x.Contracts[0].Number)
		}), false)
	})
	names := []string{"maria silva", "jose santos", "maria", "ana oliveira", "joao souza", "antonio pereira",
		"francisco lima", "maria aparecida", "jose", "ana", "carlos ferreira", "maria santos", "jose silva",
		"paulo costa", "pedro alves", "ana silva"}
	nameQs := make([]model.Query, len(names))
	for i, n := range names {
		nameQs[i] = model.Classify(n)
	}
	b.Run("name", func(b *testing.B) { benchSearch(b, d, nameQs, true) })
	b.Run("name2", func(b *testing.B) { // first and last word of random people, as the service's load
		benchSearch(b, d, sample(func(x model.Beneficiary) model.Query {
			ws := strings.Fields(x.Name)
			return model.Classify(ws[0] + " " + ws[len(ws)-1])
		}), true)
	})
	prefixes := []string{"mar", "jo silv", "ana ol", "m s", "franc", "mari sant", "pedro a", "luc"}
	prefQs := make([]model.Query, len(prefixes))
	for i, n := range prefixes {
		prefQs[i] = model.Classify(n)
	}
	b.Run("prefix", func(b *testing.B) { benchSearch(b, d, prefQs, true) })
	b.Run("name+date", func(b *testing.B) {
		benchSearch(b, d, sample(func(x model.Beneficiary) model.Query {
			ws := strings.Fields(x.Name)
			q := model.Classify(ws[0])
			q.BirthDate = x.BirthDate
			return q
		}), false)
	})
}
