package store_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/store"
)

// Benchmarks run on a 1,000,000-beneficiary directory built once from the sandbox dataset and cached under
// the user cache dir (balcao-bench/), keyed by schema and generator version. Each search benchmark times a
// fixed set of benchQueries queries per iteration and reports percentiles over every query timed, so
//
//	go test ./store -run '^$' -bench . -benchtime 1x
//
// already gives meaningful figures; more iterations only add samples.

const (
	benchSize      = 1_000_000
	benchSeed      = 7
	benchGenerator = "sandbox-1" // bump when the sandbox dataset's output changes
	benchCSVRows   = 200_000
	benchQueries   = 2000 // queries timed per iteration of a search benchmark
)

var benchNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// benchDirectory returns the cached 1M directory, building it on first use.
func benchDirectory(b *testing.B) (*store.Directory, *sandbox.Dataset) {
	b.Helper()
	ds := sandbox.NewDatasetAt(benchSeed, benchSize, benchNow)
	benchOnce.Do(func() {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "balcao-bench")
		if benchErr = os.MkdirAll(dir, 0o755); benchErr != nil {
			return
		}
		benchPath = filepath.Join(dir, fmt.Sprintf("directory-v%d-%s-%d-%d.db",
			store.DirectorySchemaVersion, benchGenerator, benchSeed, ds.Len()))
		if _, err := os.Stat(benchPath); err == nil {
			return
		}
		start := time.Now()
		benchErr = store.BuildDemo(context.Background(), benchPath, ds.Len(), ds.Beneficiary)
		b.Logf("built %s in %s", benchPath, time.Since(start))
	})
	require.NoError(b, benchErr)
	d, err := store.OpenDirectory(benchPath)
	require.NoError(b, err)
	b.Cleanup(func() { _ = d.Close() })
	return d, ds
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
func benchSearch(b *testing.B, d *store.Directory, qs []model.Query, wantHit bool) {
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

// BenchmarkDirectoryImport measures CSV import speed on a generated file of 200,000 beneficiaries (one row
// per contract): into a new directory (the bulk path, as --replace), merged into an existing one (a big file:
// the directory is rebuilt with it), and a small file of 5,000 rows upserted row by row into that 200k one.
func BenchmarkDirectoryImport(b *testing.B) {
	ds := sandbox.NewDatasetAt(benchSeed, benchCSVRows, benchNow)
	dir := b.TempDir()
	csvPath := filepath.Join(dir, "beneficiarios.csv")
	rows := benchWriteCSV(b, ds, 0, ds.Len(), csvPath)
	ctx := context.Background()
	rate := func(b *testing.B, rows int, total time.Duration) {
		b.ReportMetric(float64(rows*b.N)/total.Seconds(), "rows/s")
		b.ReportMetric(0, "ns/op")
	}
	built := filepath.Join(dir, "built.db")
	b.Run("new", func(b *testing.B) {
		var total time.Duration
		for i := 0; i < b.N; i++ {
			db := filepath.Join(b.TempDir(), "dir.db")
			rep, err := store.ImportFile(ctx, db, csvPath, store.ImportOptions{})
			require.NoError(b, err)
			require.Equal(b, rows, rep.Rows)
			total += rep.Elapsed
			if i == 0 {
				require.NoError(b, os.Rename(db, built))
			}
		}
		rate(b, rows, total)
	})
	b.Run("merge", func(b *testing.B) {
		var total time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db := filepath.Join(b.TempDir(), "dir.db")
			d, err := store.OpenDirectory(db)
			require.NoError(b, err)
			require.NoError(b, d.Upsert(ctx, []model.Beneficiary{ds.Beneficiary(0)}))
			f, err := os.Open(csvPath)
			require.NoError(b, err)
			b.StartTimer()
			rep, err := d.Import(ctx, f, store.ImportOptions{})
			require.NoError(b, err)
			total += rep.Elapsed
			_ = f.Close()
			_ = d.Close()
		}
		rate(b, rows, total)
	})
	b.Run("upsert-small", func(b *testing.B) {
		more := sandbox.NewDatasetAt(benchSeed, benchCSVRows+5000, benchNow)
		small := filepath.Join(dir, "small.csv")
		smallRows := benchWriteCSV(b, more, benchCSVRows-2500, more.Len(), small) // half known, half new
		if _, err := os.Stat(built); err != nil {                                 // "new" did not run
			_, err := store.ImportFile(ctx, built, csvPath, store.ImportOptions{})
			require.NoError(b, err)
		}
		var total time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db := filepath.Join(b.TempDir(), "dir.db")
			src, err := os.ReadFile(built)
			require.NoError(b, err)
			require.NoError(b, os.WriteFile(db, src, 0o600))
			d, err := store.OpenDirectory(db)
			require.NoError(b, err)
			f, err := os.Open(small)
			require.NoError(b, err)
			b.StartTimer()
			rep, err := d.Import(ctx, f, store.ImportOptions{})
			require.NoError(b, err)
			require.Equal(b, smallRows, rep.Rows)
			total += rep.Elapsed
			_ = f.Close()
			_ = d.Close()
		}
		rate(b, smallRows, total)
	})
}

// benchWriteCSV writes beneficiaries from..to-1 of the dataset as a Protheus-like export (one row per
// contract) and returns its rows.
func benchWriteCSV(b *testing.B, ds *sandbox.Dataset, from, to int, path string) int {
	b.Helper()
	f, err := os.Create(path)
	require.NoError(b, err)
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	w.Comma = ';'
	require.NoError(b, w.Write([]string{"nome", "data_nascimento", "registro_geral", "id_matricula", "nome_mae",
		"numero_contrato", "contrato_descricao", "chaveUnica", "cpf", "carteirinha", "telefone", "email", "situacao"}))
	rows := 0
	for i := from; i < to; i++ {
		x := ds.Beneficiary(i)
		birth := ""
		if t, ok := model.ParseDate(x.BirthDate); ok {
			birth = model.FormatDateBR(t)
		}
		cs := x.Contracts
		if len(cs) == 0 {
			cs = []model.ContractRef{{}}
		}
		for _, c := range cs {
			require.NoError(b, w.Write([]string{x.Name, birth, x.RG, x.IDMatricula, x.MotherName, c.Number,
				c.Description, x.ChaveUnica, model.FormatCPF(x.CPF), model.FormatCard(x.Card),
				model.FormatPhone(x.Phone), x.Email, x.Situation}))
			rows++
		}
	}
	w.Flush()
	require.NoError(b, w.Error())
	require.NoError(b, bw.Flush())
	b.Logf("%s: %s rows", path, strconv.Itoa(rows))
	return rows
}
