package csvimport_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/csvimport"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

// The import benchmark writes its CSV from the sandbox dataset; one iteration (-benchtime 1x) is a measurement:
//
//	go test ./directory/csvimport -run '^$' -bench . -benchtime 1x

const (
	benchSeed    = 7
	benchCSVRows = 200_000
)

var benchNow = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

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
			rep, err := csvimport.File(ctx, db, csvPath, csvimport.Options{})
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
			d, err := directory.Open(ctx, db, directory.Options{})
			require.NoError(b, err)
			require.NoError(b, d.Upsert(ctx, []model.Beneficiary{ds.Beneficiary(0)}))
			f, err := os.Open(csvPath)
			require.NoError(b, err)
			b.StartTimer()
			rep, err := csvimport.Import(ctx, d, f, csvimport.Options{})
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
			_, err := csvimport.File(ctx, built, csvPath, csvimport.Options{})
			require.NoError(b, err)
		}
		var total time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db := filepath.Join(b.TempDir(), "dir.db")
			src, err := os.ReadFile(built)
			require.NoError(b, err)
			require.NoError(b, os.WriteFile(db, src, 0o600))
			d, err := directory.Open(ctx, db, directory.Options{})
			require.NoError(b, err)
			f, err := os.Open(small)
			require.NoError(b, err)
			b.StartTimer()
			rep, err := csvimport.Import(ctx, d, f, csvimport.Options{})
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
