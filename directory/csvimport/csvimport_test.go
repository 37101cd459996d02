package csvimport_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/csvimport"
	"github.com/balcao/balcao/directory/internal/dirtest"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

func TestImportFileEncodingsAndBadRows(t *testing.T) {
	cases := []struct {
		file                   string
		encoding, delim        string
		rows, inserted, upd    int
		bad                    []csvimport.BadRow
		term                   string
		wantName, wantContract string
	}{
		{
			file: "beneficiarios_utf8_bom.csv", encoding: csvimport.EncodingUTF8, delim: ";",
			rows: 12, inserted: 4, upd: 1, // 13 lines: one record spans two
			bad: []csvimport.BadRow{
				{Line: 5, Reason: i18n.ImportNoName},
				{Line: 6, Reason: i18n.ImportBadDate("31/02/1990")},
				{Line: 7, Reason: i18n.ImportNoKey},
				{Line: 8, Reason: i18n.ImportColumnCount(15, 14)},
				{Line: 9, Reason: i18n.ImportBadCard("0001.1008.0004")},
				{Line: 10, Reason: i18n.ImportBadCPF("123.456")},
				{Line: 14, Reason: i18n.ImportBadDate("xx/yy/zzzz")},
			},
			term: "conceicao", wantName: "Maria da Conceição", wantContract: "0000010",
		},
		{
			file: "beneficiarios_1252.csv", encoding: csvimport.Encoding1252, delim: ",",
			rows: 4, inserted: 2, upd: 1,
			bad:  []csvimport.BadRow{{Line: 5, Reason: i18n.ImportNoKey}},
			term: "CONCEIÇÃO araujo", wantName: "CONCEIÇÃO ARAÚJO", wantContract: "0000010",
		},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ctx := context.Background()
			db := filepath.Join(t.TempDir(), "d.db")
			var progress atomic.Int64
			rep, err := csvimport.File(ctx, db, filepath.Join("testdata", c.file), csvimport.Options{
				Progress: func(rows int, _ int64) { progress.Store(int64(rows)) }})
			require.NoError(t, err)
			assert.Equal(t, c.encoding, rep.Encoding)
			assert.Equal(t, c.delim, rep.Delimiter)
			assert.Equal(t, c.rows, rep.Rows)
			assert.Equal(t, c.inserted, rep.Inserted)
			assert.Equal(t, c.upd, rep.Updated)
			assert.Equal(t, c.bad, rep.Bad)
			assert.Equal(t, len(c.bad), rep.BadTotal)
			assert.Equal(t, int64(c.rows), progress.Load())

			d, err := directory.Open(context.Background(), db, directory.Options{})
			require.NoError(t, err)
			defer d.Close()
			n, err := d.Count(ctx)
			require.NoError(t, err)
			assert.Equal(t, c.inserted, n)

			// the seed person: two rows merged into one beneficiary with both contracts
			ms := dirtest.Search(t, d, "15846772777")
			require.Len(t, ms, 2)
			b := ms[0].Beneficiary
			assert.Equal(t, "00011008000027010", b.Card)
			assert.Equal(t, "1994-08-05", b.BirthDate)
			assert.Equal(t, "3025-517", b.RG)
			assert.Equal(t, "123-123-321", b.IDMatricula)
			assert.Equal(t, "27998765432", b.Phone)
			assert.Equal(t, "Ativo", b.Situation)
			assert.Equal(t, "0000001", ms[0].Contract.Number)
			assert.Equal(t, "MS GOLD", ms[1].Contract.Description)
			assert.Equal(t, dirtest.Rows(ms), dirtest.Rows(dirtest.Search(t, d, "joao pedro")))

			ms = dirtest.Search(t, d, c.term)
			require.Len(t, ms, 1)
			assert.Equal(t, c.wantName, ms[0].Beneficiary.Name)
			assert.Equal(t, c.wantContract, ms[0].Contract.Number)
		})
	}
}

func TestImportDetails(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "d.db")
	_, err := csvimport.File(ctx, db, filepath.Join("testdata", "beneficiarios_utf8_bom.csv"), csvimport.Options{})
	require.NoError(t, err)
	d, err := directory.Open(context.Background(), db, directory.Options{})
	require.NoError(t, err)
	defer d.Close()

	ms := dirtest.Search(t, d, "jose antonio")
	require.Len(t, ms, 1)
	assert.Equal(t, "12345678909", ms[0].Beneficiary.CPF)
	assert.Equal(t, "12345678909", ms[0].Beneficiary.ChaveUnica, "chaveUnica defaults to the CPF")
	assert.Equal(t, "MS\nGOLD; PLUS", ms[0].Contract.Description, "quoted field with delimiter and newline")
	assert.Equal(t, "Bloqueado", ms[0].Beneficiary.Situation)

	ms = dirtest.Search(t, d, "silva jr")
	require.Len(t, ms, 1)
	assert.Equal(t, "Silva; Jr, Antônio", ms[0].Beneficiary.Name)
	assert.Equal(t, "", ms[0].Beneficiary.ChaveUnica, "card-only rows keep an empty chaveUnica")
	assert.Equal(t, model.ContractRef{}, ms[0].Contract)
	assert.Len(t, dirtest.Search(t, d, "0001.1008.000600.01-0"), 1)
	assert.Len(t, dirtest.Search(t, d, "(11) 98765-4321"), 1)
}

func TestReimportIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "d.db")
	csvPath := filepath.Join("testdata", "beneficiarios_utf8_bom.csv")
	first, err := csvimport.File(ctx, db, csvPath, csvimport.Options{})
	require.NoError(t, err)
	d, err := directory.Open(context.Background(), db, directory.Options{})
	require.NoError(t, err)
	before := dirtest.Search(t, d, "15846772777")
	require.NoError(t, d.Close())

	for _, batch := range []int{0, 1, 3} {
		again, err := csvimport.File(ctx, db, csvPath, csvimport.Options{BatchSize: batch})
		require.NoError(t, err)
		assert.Equal(t, 0, again.Inserted)
		assert.Equal(t, first.Inserted+first.Updated, again.Updated)
		assert.Equal(t, first.Bad, again.Bad)
	}
	d, err = directory.Open(context.Background(), db, directory.Options{})
	require.NoError(t, err)
	defer d.Close()
	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, first.Inserted, n)
	assert.Equal(t, before, dirtest.Search(t, d, "15846772777"))
	assert.Len(t, dirtest.Search(t, d, "maria"), 1)
}

func TestImportHeaderAndEmpty(t *testing.T) {
	ctx := context.Background()
	d, err := directory.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"), directory.Options{})
	require.NoError(t, err)
	defer d.Close()
	cases := []struct {
		csv     string
		missing []string
	}{
		{"cpf;carteirinha\n52998224725;00011008000027010\n", []string{"nome"}},
		{"nome;telefone\nAna;11987654321\n", []string{i18n.ImportKeyOrColumns}},
		{"a,b\n1,2\n", []string{"nome", i18n.ImportKeyOrColumns}},
	}
	for _, c := range cases {
		_, err := csvimport.Import(ctx, d, strings.NewReader(c.csv), csvimport.Options{})
		var he *csvimport.HeaderError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, c.missing, he.Missing)
		assert.Contains(t, err.Error(), "cabeçalho")
	}
	for _, empty := range []string{"", "\ufeff", "  \n\n"} {
		_, err := csvimport.Import(ctx, d, strings.NewReader(empty), csvimport.Options{})
		require.ErrorIs(t, err, csvimport.ErrEmpty)
	}
	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
}

// TestImportStrayWindows1252Field: a UTF-8 file (seen so in its first 64 KiB) with one Windows-1252 field.
func TestImportStrayWindows1252Field(t *testing.T) {
	var b strings.Builder
	b.WriteString("nome;cpf\n")
	i := 0
	for ; b.Len() < 80<<10; i++ {
		fmt.Fprintf(&b, "José Número %d;%s\n", i, dirtest.CPF(10_000+i))
	}
	raw := b.String() + "JO\xc3O LATINO;" + dirtest.CPF(5) + "\n"
	d, err := directory.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"), directory.Options{})
	require.NoError(t, err)
	defer d.Close()
	rep, err := csvimport.Import(context.Background(), d, strings.NewReader(raw), csvimport.Options{})
	require.NoError(t, err)
	assert.Equal(t, csvimport.EncodingUTF8, rep.Encoding)
	assert.Equal(t, i+1, rep.Inserted)
	assert.Empty(t, rep.Bad)
	ms := dirtest.Search(t, d, "joão latino")
	require.Len(t, ms, 1)
	assert.Equal(t, "JOÃO LATINO", ms[0].Beneficiary.Name)
	ms = dirtest.Search(t, d, dirtest.CPF(10_012))
	require.Len(t, ms, 1)
	assert.Equal(t, "José Número 12", ms[0].Beneficiary.Name)
}

// peopleCSV writes people as a CSV (one row per contract) and returns its path.
func peopleCSV(t *testing.T, people []model.Beneficiary) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("nome;cpf;carteirinha;numero_contrato;contrato_descricao\n")
	for _, p := range people {
		for _, c := range p.Contracts {
			fmt.Fprintf(&b, "%s;%s;%s;%s;%s\n", p.Name, p.CPF, p.Card, c.Number, c.Description)
		}
	}
	path := filepath.Join(t.TempDir(), "people.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

// TestImportReplaceIsAtomic: readers polling during a replacing import see the old count or the new one.
func TestImportReplaceIsAtomic(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "d.db")
	old := dirtest.GenNames(1500, 11)
	_, err := csvimport.File(ctx, db, peopleCSV(t, old), csvimport.Options{})
	require.NoError(t, err)
	fresh := dirtest.GenNames(600, 12)
	for i := range fresh {
		fresh[i].CPF, fresh[i].Card = dirtest.CPF(90_000+i), dirtest.Card(9000+i)
	}
	freshCSV := peopleCSV(t, fresh)

	reader, err := directory.Open(context.Background(), db, directory.Options{})
	require.NoError(t, err)
	defer reader.Close()
	seen := sync.Map{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n, err := reader.Count(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				seen.Store(n, true)
				if _, err := reader.Search(ctx, model.Classify("maria s"), 20); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for _, live := range []bool{false, true} {
		var rep csvimport.Report
		if live { // through the open directory
			f, err := os.Open(peopleCSV(t, old))
			require.NoError(t, err)
			rep, err = csvimport.Import(ctx, reader, f, csvimport.Options{Replace: true})
			_ = f.Close()
			require.NoError(t, err)
			assert.Equal(t, len(old), rep.Inserted)
		} else { // through the file, as `balcao import --replace`
			rep, err = csvimport.File(ctx, db, freshCSV, csvimport.Options{Replace: true, AllowShrink: true})
			require.NoError(t, err)
			assert.Equal(t, len(fresh), rep.Inserted)
			n, err := reader.Count(ctx)
			require.NoError(t, err)
			assert.Equal(t, len(fresh), n)
			assert.Empty(t, dirtest.Search(t, reader, old[0].CPF), "old rows are gone")
			assert.Len(t, dirtest.Search(t, reader, fresh[0].CPF), 1)
		}
	}
	close(stop)
	wg.Wait()
	seen.Range(func(k, _ any) bool {
		assert.Contains(t, []int{len(old), len(fresh)}, k.(int), "a reader saw a partial directory")
		return true
	})
	n, err := reader.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(old), n)
}

// TestImportBigFileRebuildsMerged: a big upsert (a full export) rebuilds the directory merged with the file.
func TestImportBigFileRebuildsMerged(t *testing.T) {
	ctx := context.Background()
	d := dirtest.Open(t, dirtest.People())
	more := dirtest.GenNames(12_000, 21)
	var b strings.Builder
	b.WriteString("nome;chaveUnica;cpf;carteirinha;numero_contrato;contrato_descricao\n")
	b.WriteString("João Pedro;15846772777;;00011008000027010;0000003;MS BRONZE\n")
	for _, p := range more {
		fmt.Fprintf(&b, "%s;;%s;%s;%s;%s\n", p.Name, p.CPF, p.Card, p.Contracts[0].Number, p.Contracts[0].Description)
	}
	for round := 0; round < 2; round++ {
		rep, err := csvimport.Import(ctx, d, strings.NewReader(b.String()), csvimport.Options{})
		require.NoError(t, err)
		if round == 0 {
			assert.Equal(t, len(more), rep.Inserted)
			assert.Equal(t, 1, rep.Updated)
		} else {
			assert.Zero(t, rep.Inserted)
			assert.Equal(t, len(more)+1, rep.Updated)
		}
		n, err := d.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, len(dirtest.People())+len(more), n)
		ms := dirtest.Search(t, d, "15846772777")
		assert.Equal(t, []string{"João Pedro|0000001", "João Pedro|0000002", "João Pedro|0000003"}, dirtest.Rows(ms))
		assert.Equal(t, "3025-517", ms[0].Beneficiary.RG, "fields the file leaves empty keep their value")
		assert.Equal(t, []string{"João da Silva|0000010"}, dirtest.Rows(dirtest.Search(t, d, "529.982.247-25")))
		assert.Len(t, dirtest.Search(t, d, more[123].CPF), 1)
	}
}

// TestConcurrentSearchWhileImporting runs searches from many goroutines while batches are upserted.
func TestConcurrentSearchWhileImporting(t *testing.T) {
	ctx := context.Background()
	d := dirtest.Open(t, dirtest.People())
	more := dirtest.GenNames(1200, 9)
	var csv strings.Builder
	csv.WriteString("nome;cpf;carteirinha;numero_contrato;contrato_descricao\n")
	for _, p := range more {
		fmt.Fprintf(&csv, "%s;%s;%s;%s;%s\n", p.Name, p.CPF, p.Card, p.Contracts[0].Number, p.Contracts[0].Description)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 16)
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			terms := []string{"maria silva", "15846772777", "joao", "mar", "529.982.247-25", "silva 12/03/1980"}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ms, err := d.Search(ctx, model.Classify(terms[(i+g)%len(terms)]), 20)
				if err != nil {
					errs <- err
					return
				}
				if terms[(i+g)%len(terms)] == "15846772777" && len(ms) != 2 {
					errs <- fmt.Errorf("seed person: %d matches", len(ms))
					return
				}
			}
		}()
	}
	rep, err := csvimport.Import(ctx, d, strings.NewReader(csv.String()), csvimport.Options{BatchSize: 200})
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	require.NoError(t, err)
	assert.Equal(t, len(more), rep.Inserted)
	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(dirtest.People())+len(more), n)
}

// TestImportMatricula imports a CSV of the sandbox's first beneficiary and finds João Pedro by his matrícula.
func TestImportMatricula(t *testing.T) {
	ctx := context.Background()
	d, err := directory.Open(ctx, filepath.Join(t.TempDir(), "d.db"), directory.Options{})
	require.NoError(t, err)
	defer d.Close()
	csv := "nome;id_matricula;chaveUnica;carteirinha;numero_contrato\n" +
		"João Pedro;123-123-321;15846772777;0001.1008.000027.01-0;0000001\n" +
		"João Pedro;123-123-321;15846772777;0001.1008.000027.01-0;0000002\n"
	for _, replace := range []bool{false, true} {
		_, err = csvimport.Import(ctx, d, strings.NewReader(csv), csvimport.Options{Replace: replace})
		require.NoError(t, err)
		assert.Equal(t, []string{"João Pedro|0000001", "João Pedro|0000002"}, dirtest.NilIfEmpty(dirtest.Rows(dirtest.Search(t, d, "123-123-321"))))
	}
}

// TestImportIntoOlderFile imports into a directory file written before layout 6 (see directory's
// testdata/diretorio-v5.db, 61 beneficiaries): upserting rebuilds it first and keeps its people; replacing
// installs the file's content alone. Either way the file ends at the current version.
func TestImportIntoOlderFile(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "diretorio-v5.db"))
	require.NoError(t, err)
	csvPath := filepath.Join("testdata", "beneficiarios_utf8_bom.csv")
	for _, replace := range []bool{false, true} {
		t.Run(fmt.Sprint("replace=", replace), func(t *testing.T) {
			ctx := context.Background()
			db := filepath.Join(t.TempDir(), "d.db")
			require.NoError(t, os.WriteFile(db, src, 0o600))
			rep, err := csvimport.File(ctx, db, csvPath, csvimport.Options{Replace: replace, AllowShrink: true})
			require.NoError(t, err)
			info, err := directory.Inspect(ctx, db)
			require.NoError(t, err)
			assert.Equal(t, directory.CurrentVersion(), info.Version)
			d := dirtest.OpenPath(t, db)
			fixture := dirtest.Search(t, d, "ana fixture legada")
			if replace {
				assert.Equal(t, rep.Inserted, info.Beneficiaries)
				assert.Empty(t, fixture)
			} else {
				assert.Len(t, fixture, 2)
				assert.Len(t, dirtest.Search(t, d, "123.456.789-09"), 1, "a person of the CSV")
			}
		})
	}
}
