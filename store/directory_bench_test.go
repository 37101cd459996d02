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
// the user cache dir (balcao-bench/), keyed by schema and generator version. Run them with
//
//	go test ./store -run '^$' -bench . -benchtime 2000x
//
// so each search kind is timed over 2,000 queries; p50/p99 are computed over those queries.

const (
	benchSize      = 1_000_000
	benchSeed      = 7
	benchGenerator = "sandbox-1" // bump when the sandbox dataset's output changes
	benchCSVRows   = 200_000
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

// benchSearch times each query once (cycling through qs for b.N queries) and reports p50/p99 in ms of
// wall time and of the searching thread's CPU time (which other processes on a shared machine do not inflate).
func benchSearch(b *testing.B, d *store.Directory, qs []model.Query, wantHit bool) {
	b.Helper()
	ctx := context.Background()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	lat := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
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
		qs := make([]model.Query, 2000)
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
	names := []string{"maria silva", "jose santos", "maria", "ana oliveira", "joao souza", "antonio pereira",
		"francisco lima", "maria aparecida", "jose", "ana", "carlos ferreira", "maria santos", "jose silva",
		"paulo costa", "pedro alves", "ana silva"}
	nameQs := make([]model.Query, len(names))
	for i, n := range names {
		nameQs[i] = model.Classify(n)
	}
	b.Run("name", func(b *testing.B) { benchSearch(b, d, nameQs, true) })
	prefixes := []string{"mar", "jo silv", "ana ol", "m s", "franc", "mari sant", "pedro a", "luc"}
	prefQs := make([]model.Query, len(prefixes))
	for i, n := range prefixes {
		prefQs[i] = model.Classify(n)
	}
	b.Run("prefix", func(b *testing.B) { benchSearch(b, d, prefQs, true) })
}

// BenchmarkDirectoryImport measures CSV import speed on a generated file of 200,000 rows: into a new
// directory (the bulk path, as --replace) and upserting into an existing one.
func BenchmarkDirectoryImport(b *testing.B) {
	ds := sandbox.NewDatasetAt(benchSeed, benchCSVRows, benchNow)
	csvPath := filepath.Join(b.TempDir(), "beneficiarios.csv")
	rows := benchWriteCSV(b, ds, csvPath)
	ctx := context.Background()
	b.Run("new", func(b *testing.B) {
		var total time.Duration
		for i := 0; i < b.N; i++ {
			db := filepath.Join(b.TempDir(), "dir.db")
			rep, err := store.ImportFile(ctx, db, csvPath, store.ImportOptions{})
			require.NoError(b, err)
			require.Equal(b, rows, rep.Rows)
			total += rep.Elapsed
		}
		b.ReportMetric(float64(rows*b.N)/total.Seconds(), "rows/s")
	})
	b.Run("upsert", func(b *testing.B) {
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
		b.ReportMetric(float64(rows*b.N)/total.Seconds(), "rows/s")
	})
}

// benchWriteCSV writes the dataset as a Protheus-like export (one row per contract) and returns its rows.
func benchWriteCSV(b *testing.B, ds *sandbox.Dataset, path string) int {
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
	for i := 0; i < ds.Len(); i++ {
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
