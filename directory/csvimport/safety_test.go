package csvimport_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/csvimport"
	"github.com/balcao/balcao/directory/internal/dirtest"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// countOf is the directory file's beneficiary count.
func countOf(t *testing.T, db string) int {
	t.Helper()
	info, err := directory.Inspect(context.Background(), db)
	require.NoError(t, err)
	return info.Beneficiaries
}

// TestImportNeverEmptiesOrHalvesByAccident: a file without a good row is refused in every mode, and a
// replacing file of less than half the directory's beneficiaries unless AllowShrink; the directory is left
// as it was. Half exactly is accepted.
func TestImportNeverEmptiesOrHalvesByAccident(t *testing.T) {
	people := dirtest.GenNames(100, 31)
	header := "nome;cpf;carteirinha;numero_contrato;contrato_descricao\n"
	allBad := header + ";52998224725;;1;X\nAna;123;;1;X\n"
	cases := []struct {
		name    string
		csv     string
		opts    csvimport.Options
		noRows  int // want a NoRowsError with this Bad, or -1
		shrink  bool
		wantLen int
	}{
		{"header only, replace", header, csvimport.Options{Replace: true}, 0, false, 100},
		{"header only, upsert", header, csvimport.Options{}, 0, false, 100},
		{"header only, replace, allow-shrink", header, csvimport.Options{Replace: true, AllowShrink: true}, 0, false, 100},
		{"all rows bad, replace", allBad, csvimport.Options{Replace: true}, 2, false, 100},
		{"40 of 100, replace", peopleText(people[:40]), csvimport.Options{Replace: true}, -1, true, 100},
		{"40 of 100, replace, allow-shrink", peopleText(people[:40]), csvimport.Options{Replace: true, AllowShrink: true}, -1, false, 40},
		{"50 of 100, replace", peopleText(people[:50]), csvimport.Options{Replace: true}, -1, false, 50},
		{"40 of 100, upsert", peopleText(people[:40]), csvimport.Options{}, -1, false, 100},
	}
	for _, c := range cases {
		for _, via := range []string{"file", "open directory"} {
			t.Run(c.name+" via "+via, func(t *testing.T) {
				ctx := context.Background()
				db := filepath.Join(t.TempDir(), "d.db")
				_, err := csvimport.File(ctx, db, writeCSV(t, peopleText(people)), csvimport.Options{})
				require.NoError(t, err)
				if via == "file" {
					_, err = csvimport.File(ctx, db, writeCSV(t, c.csv), c.opts)
				} else {
					d := dirtest.OpenPath(t, db)
					_, err = csvimport.Import(ctx, d, strings.NewReader(c.csv), c.opts)
					require.NoError(t, d.Close())
				}
				var nr *csvimport.NoRowsError
				var se *csvimport.ShrinkError
				switch {
				case c.noRows >= 0:
					require.ErrorAs(t, err, &nr)
					assert.Equal(t, c.noRows, nr.Bad)
					assert.Contains(t, err.Error(), "o diretório não mudou")
				case c.shrink:
					require.ErrorAs(t, err, &se)
					assert.Equal(t, csvimport.ShrinkError{Have: 100, Want: 40}, *se)
					assert.Contains(t, err.Error(), "--allow-shrink")
				default:
					require.NoError(t, err)
				}
				assert.Equal(t, c.wantLen, countOf(t, db))
			})
		}
	}
}

// TestImportCellLimits: a cell of a column the import reads over 1 KiB (even one of a record over 1 MiB, on
// several lines) and a name over 200 characters make their rows bad, reported by line; the limits themselves
// pass, an ignored column may be longer, and the rows after a long record keep their line numbers (a record
// too long to be held is TestImportBigCellBoundedMemory's).
func TestImportCellLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	name200 := strings.Repeat("é", 200)
	lines := []string{
		"nome;cpf;nome_mae;observacao",
		"Ana Limite;" + dirtest.CPF(1) + ";" + long(1024) + ";", // 2: the limits themselves
		"Bia Longa;" + dirtest.CPF(2) + ";" + long(1025) + ";",  // 3: mother's name over 1 KiB
		name200 + ";" + dirtest.CPF(3) + ";;",                   // 4: 200 characters (400 bytes)
		name200 + "x;" + dirtest.CPF(4) + ";;",                  // 5: 201 characters
		"Caio Obs;" + dirtest.CPF(5) + ";;" + long(5000),        // 6: an ignored column may be long
		"Duda Aberta;" + dirtest.CPF(6) + ";\"" + long(600<<10) + "\n" + // 7: a quoted cell…
			long(600<<10) + "\n" + long(10) + "\";", // …over 1 MiB on 3 lines
		"Eva Depois;" + dirtest.CPF(7) + ";;", // 10
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "d.db")
	rep, err := csvimport.File(ctx, db, writeCSV(t, strings.Join(lines, "\n")+"\n"), csvimport.Options{})
	require.NoError(t, err)
	assert.Equal(t, []csvimport.BadRow{
		{Line: 3, Reason: i18n.ImportCellTooLong("nome_mae", 1025, 1024)},
		{Line: 5, Reason: i18n.ImportNameTooLong(201, 200)},
		{Line: 7, Reason: i18n.ImportCellTooLong("nome_mae", 2*(600<<10+1)+10, 1024)},
	}, rep.Bad)
	assert.Equal(t, 7, rep.Rows)
	assert.Equal(t, 4, rep.Inserted)
	d := dirtest.OpenPath(t, db)
	assert.Len(t, dirtest.Search(t, d, "eva depois"), 1)
	assert.Len(t, dirtest.Search(t, d, "ana limite"), 1)
	assert.Empty(t, dirtest.Search(t, d, "duda"))
}

// bigCellEnv asks the test binary to import a CSV ("db|csv") and print its report as JSON: a process of its
// own, whose peak memory the parent reads.
const bigCellEnv = "BALCAO_CSVIMPORT_TEST_IMPORT"

func init() {
	if spec := os.Getenv(bigCellEnv); spec != "" {
		db, csvPath, _ := strings.Cut(spec, "|")
		rep, err := csvimport.File(context.Background(), db, csvPath, csvimport.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = json.NewEncoder(os.Stdout).Encode(rep)
		os.Exit(0)
	}
}

// TestImportBigCellBoundedMemory imports, in a process of its own, a file with one 256 MB cell (quoted,
// spanning lines; $BALCAO_TEST_BIG_CELL_MB changes the size) between good rows: the row is reported bad
// with its line, the rows after it keep theirs, and the process's peak resident memory stays far below the
// cell's size.
func TestImportBigCellBoundedMemory(t *testing.T) {
	mb := 256
	if v, err := strconv.Atoi(os.Getenv("BALCAO_TEST_BIG_CELL_MB")); err == nil && v > 0 {
		mb = v
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "big.csv")
	f, err := os.Create(csvPath)
	require.NoError(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "nome;cpf;nome_mae\nAna Antes;%s;\nBia Enorme;%s;\"", dirtest.CPF(1), dirtest.CPF(2))
	line := strings.Repeat("x", 1023) + "\n" // 1 KiB a line: the cell spans mb×1024 lines
	for range mb << 10 {
		_, _ = w.WriteString(line)
	}
	fmt.Fprintf(w, "\"\nCaio Depois;%s;\n", dirtest.CPF(3))
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), bigCellEnv+"="+filepath.Join(dir, "d.db")+"|"+csvPath)
	out, err := cmd.Output()
	require.NoError(t, err, "import process: %s", out)
	var rep csvimport.Report
	require.NoError(t, json.Unmarshal(out, &rep))
	assert.Equal(t, []csvimport.BadRow{{Line: 3, Reason: i18n.ImportRecordTooLong(1<<20, 1<<10)}}, rep.Bad)
	assert.Equal(t, 2, rep.Inserted)
	d := dirtest.OpenPath(t, filepath.Join(dir, "d.db"))
	ms := dirtest.Search(t, d, dirtest.CPF(3))
	require.Len(t, ms, 1, "the row after the cell")
	peakMB := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss >> 10 // KiB on Linux
	t.Logf("a %d MB cell: the import's peak resident memory was %d MB", mb, peakMB)
	limit := int64(128) // the cell alone is 256 MB; an import holding it twice, as before, peaked at 3 GB
	if raceEnabled {
		limit = 400
	}
	assert.Less(t, peakMB, limit, "the import held the cell")
}

// TestImportUTF16: UTF-16 files, little- and big-endian, with a byte order mark or without, import as their
// UTF-8 original does.
func TestImportUTF16(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "beneficiarios_utf8_bom.csv"))
	require.NoError(t, err)
	text := strings.TrimPrefix(string(src), "\ufeff")
	ctx := context.Background()
	want, err := csvimport.File(ctx, filepath.Join(t.TempDir(), "d.db"), writeCSV(t, text), csvimport.Options{})
	require.NoError(t, err)
	cases := []struct {
		name     string
		order    unicode.Endianness
		bom      unicode.BOMPolicy
		encoding string
	}{
		{"LE with BOM", unicode.LittleEndian, unicode.UseBOM, csvimport.EncodingUTF16LE},
		{"BE with BOM", unicode.BigEndian, unicode.UseBOM, csvimport.EncodingUTF16BE},
		{"LE without BOM", unicode.LittleEndian, unicode.IgnoreBOM, csvimport.EncodingUTF16LE},
		{"BE without BOM", unicode.BigEndian, unicode.IgnoreBOM, csvimport.EncodingUTF16BE},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, err := unicode.UTF16(c.order, c.bom).NewEncoder().String(text)
			require.NoError(t, err)
			db := filepath.Join(t.TempDir(), "d.db")
			rep, err := csvimport.File(ctx, db, writeCSV(t, raw), csvimport.Options{})
			require.NoError(t, err)
			assert.Equal(t, c.encoding, rep.Encoding)
			assert.Equal(t, want.Bad, rep.Bad)
			assert.Equal(t, want.Rows, rep.Rows)
			assert.Equal(t, want.Inserted, rep.Inserted)
			d := dirtest.OpenPath(t, db)
			ms := dirtest.Search(t, d, "conceicao")
			require.Len(t, ms, 1)
			assert.Equal(t, "Maria da Conceição", ms[0].Beneficiary.Name)
		})
	}
}

// TestImportConflicts: rows of one CPF (or chaveUnica) with different names are reported with both lines;
// the file's last row of that CPF is kept, with the rows of the same name (spelled with other case or
// accents), whatever their card; the others are not imported. The same holds in every mode.
func TestImportConflicts(t *testing.T) {
	x, y := dirtest.CPF(101), dirtest.CPF(102)
	csv := "nome;cpf;carteirinha;numero_contrato\n" +
		"Maria Silva;" + x + ";;0000001\n" + // 2: same name as the last: kept
		"Joana Souza;" + x + ";;0000002\n" + // 3: dropped
		"Pedro Lima;" + y + ";" + dirtest.Card(1) + ";0000003\n" + // 4: dropped (another card, same CPF)
		"Paulo Lima;" + y + ";" + dirtest.Card(2) + ";0000004\n" + // 5: kept
		"MARIA SILVA;" + x + ";;0000005\n" + // 6: the last of x
		"Rui Reis;" + dirtest.CPF(103) + ";;0000006\n"
	want := []directory.Conflict{{Chave: x, Line: 3, Kept: 6}, {Chave: y, Line: 4, Kept: 5}}
	for _, opts := range []csvimport.Options{{}, {Replace: true}} {
		for _, via := range []string{"file", "open directory"} {
			t.Run(fmt.Sprintf("%s replace=%v", via, opts.Replace), func(t *testing.T) {
				ctx := context.Background()
				db := filepath.Join(t.TempDir(), "d.db")
				var rep csvimport.Report
				var err error
				if via == "file" {
					rep, err = csvimport.File(ctx, db, writeCSV(t, csv), opts)
				} else {
					d := dirtest.OpenPath(t, db)
					rep, err = csvimport.Import(ctx, d, strings.NewReader(csv), opts)
					require.NoError(t, d.Close())
				}
				require.NoError(t, err)
				assert.Equal(t, want, rep.Conflicts)
				assert.Equal(t, 2, rep.ConflictTotal)
				assert.Equal(t, 6, rep.Rows)
				assert.Equal(t, 3, rep.Inserted)
				assert.Equal(t, 1, rep.Updated)
				d := dirtest.OpenPath(t, db)
				assert.Equal(t, []string{"MARIA SILVA|0000001", "MARIA SILVA|0000005"}, dirtest.Rows(dirtest.Search(t, d, x)))
				assert.Equal(t, []string{"Paulo Lima|0000004"}, dirtest.Rows(dirtest.Search(t, d, y)))
				assert.Empty(t, dirtest.Search(t, d, "joana"))
			})
		}
	}
}

// peopleText is people as a CSV (one row per contract).
func peopleText(people []model.Beneficiary) string {
	var b strings.Builder
	b.WriteString("nome;cpf;carteirinha;numero_contrato;contrato_descricao\n")
	for _, p := range people {
		for _, c := range p.Contracts {
			fmt.Fprintf(&b, "%s;%s;%s;%s;%s\n", p.Name, p.CPF, p.Card, c.Number, c.Description)
		}
	}
	return b.String()
}

// writeCSV writes text to a new file and returns its path.
func writeCSV(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}
