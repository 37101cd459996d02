// Package benchdata makes what the benchmarks of balcão measure on: generated beneficiaries (from the
// sandbox's dataset, sandbox.NewDatasetAt), their import file (CSV, as a Protheus export) and a directory
// built from them, the files cached under the user cache dir (balcao-bench/) so that only the first run pays
// for them. Only tests and benchmarks use it.
package benchdata

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/model"
	"github.com/balcao/balcao/sandbox"
)

// The generated people: the sandbox's dataset of Seed at Now, the one every benchmark uses.
const (
	Seed      = 7
	seed2     = 8 // the second dataset, past the first's size limit
	generator = "bd1"
)

// Now is the day the datasets are generated at (it decides nothing a directory keeps, but fixes the output).
var Now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// People is n generated beneficiaries: the sandbox dataset of Seed (sandbox.NewDatasetAt) up to its size
// limit (about 6 million), then the generated people of a second dataset with their CPFs taken from the
// first's sequence beyond its end (never one of the first's) and their cards under operator 0002, so that
// every CPF and card stays unique. Up to the limit, People(n) is the dataset the other benchmarks generate.
type People struct {
	n      int
	a, b   *sandbox.Dataset
	aGen   int    // generated people of a
	cpfA   uint64 // a's CPF bases are (cpfA·j + cpfB) mod 10⁹ for generated person j
	cpfB   uint64
	seeded map[uint64]bool // the seed people's CPF bases
}

// NewPeople returns n generated beneficiaries (see People).
func NewPeople(n int) *People {
	a := sandbox.NewDatasetAt(Seed, n, Now)
	p := &People{n: n, a: a, aGen: a.Len() - a.SeedCount(), seeded: map[uint64]bool{}}
	if n <= a.Len() {
		return p
	}
	p.b = sandbox.NewDatasetAt(seed2, n-a.Len()+a.SeedCount(), Now)
	base0, base1 := cpfBase(a.Beneficiary(a.SeedCount()).CPF), cpfBase(a.Beneficiary(a.SeedCount()+1).CPF)
	p.cpfA, p.cpfB = (base1+cpfModulus-base0)%cpfModulus, base0
	for i := range a.SeedCount() {
		p.seeded[cpfBase(a.Beneficiary(i).CPF)] = true
	}
	return p
}

const cpfModulus = 1_000_000_000

// cpfBase is the 9-digit base of a CPF.
func cpfBase(cpf string) uint64 {
	v, _ := strconv.ParseUint(cpf[:9], 10, 64)
	return v
}

// Len is the number of beneficiaries.
func (p *People) Len() int { return p.n }

// Beneficiary returns beneficiary i (0 ≤ i < Len).
func (p *People) Beneficiary(i int) model.Beneficiary {
	if i < p.a.Len() {
		return p.a.Beneficiary(i)
	}
	k := i - p.a.Len()
	x := p.b.Beneficiary(p.b.SeedCount() + k)
	j := uint64(p.aGen + k)
	base := (p.cpfA*j + p.cpfB) % cpfModulus
	if p.seeded[base] || base%111_111_111 == 0 { // a seed person's, or all digits equal: take one past every other
		base = (p.cpfA*(j+uint64(p.n)) + p.cpfB) % cpfModulus
	}
	cpf := cpfWithChecks(fmt.Sprintf("%09d", base))
	if x.ChaveUnica == x.CPF {
		x.ChaveUnica = cpf
	}
	x.CPF = cpf
	if len(x.Card) == model.CardLen {
		x.Card = cardWithCheck("0002" + x.Card[4:16])
	}
	return x
}

// cpfWithChecks appends a CPF base's two check digits.
func cpfWithChecks(d string) string {
	for _, w := range []int{10, 11} {
		sum := 0
		for i := 0; i < len(d); i++ {
			sum += int(d[i]-'0') * (w - i)
		}
		if r := sum % 11; r >= 2 {
			d += string(rune('0' + 11 - r))
		} else {
			d += "0"
		}
	}
	return d
}

// cardWithCheck appends a card's check digit (modulo 11, weights 2 to 9 from the right, as the sandbox's).
func cardWithCheck(base string) string {
	sum, w := 0, 2
	for i := len(base) - 1; i >= 0; i-- {
		sum += int(base[i]-'0') * w
		if w++; w > 9 {
			w = 2
		}
	}
	if r := sum % 11; r >= 2 {
		return base + string(rune('0'+11-r))
	}
	return base + "0"
}

// Header is the import file's header: the columns of a Protheus export.
var Header = []string{"nome", "data_nascimento", "registro_geral", "id_matricula", "nome_mae", "numero_contrato",
	"contrato_descricao", "chaveUnica", "cpf", "carteirinha", "telefone", "email", "situacao"}

// WriteCSV writes beneficiaries from..to-1 as an import file (one row per contract, formatted as a Protheus
// export: CPF, card and phone with punctuation, dates DD/MM/AAAA) and returns its rows.
func WriteCSV(w io.Writer, p interface{ Beneficiary(int) model.Beneficiary }, from, to int) (int, error) {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(Header); err != nil {
		return 0, err
	}
	rows := 0
	rec := make([]string, len(Header))
	for i := from; i < to; i++ {
		x := p.Beneficiary(i)
		birth := ""
		if t, ok := model.ParseDate(x.BirthDate); ok {
			birth = model.FormatDateBR(t)
		}
		cs := x.Contracts
		if len(cs) == 0 {
			cs = []model.ContractRef{{}}
		}
		for _, c := range cs {
			rec = append(rec[:0], x.Name, birth, x.RG, x.IDMatricula, x.MotherName, c.Number, c.Description,
				x.ChaveUnica, model.FormatCPF(x.CPF), model.FormatCard(x.Card), model.FormatPhone(x.Phone), x.Email,
				x.Situation)
			if err := cw.Write(rec); err != nil {
				return rows, err
			}
			rows++
		}
	}
	cw.Flush()
	return rows, cw.Error()
}

// CacheDir is where the benchmarks keep their files: balcao-bench/ under the user cache dir.
func CacheDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "balcao-bench")
	return dir, os.MkdirAll(dir, 0o700)
}

// CSV returns the cached import file of the first n People and its rows, writing it first when missing.
func CSV(n int) (path string, rows int, err error) {
	dir, err := CacheDir()
	if err != nil {
		return "", 0, err
	}
	path = filepath.Join(dir, fmt.Sprintf("import-%s-%d-%d.csv", generator, Seed, n))
	if b, err := os.ReadFile(path + ".rows"); err == nil {
		if rows, err = strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			if _, err := os.Stat(path); err == nil {
				return path, rows, nil
			}
		}
	}
	rows, err = writeFile(path, func(w io.Writer) (int, error) { return WriteCSV(w, NewPeople(n), 0, n) })
	if err != nil {
		return "", 0, fmt.Errorf("benchmark import file %s: %w", path, err)
	}
	return path, rows, os.WriteFile(path+".rows", []byte(strconv.Itoa(rows)+"\n"), 0o600)
}

// writeFile writes path through a temporary file renamed at the end.
func writeFile(path string, write func(io.Writer) (int, error)) (int, error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriterSize(f, 1<<20)
	n, err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return n, os.Rename(f.Name(), path)
}

// Directory returns the cached directory file of the first n People, building it first when missing (see
// directory.Build): its name carries the directory's version, so another layout builds another file.
func Directory(ctx context.Context, n int) (string, error) {
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, DirectoryName(n))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	p := NewPeople(n)
	if err := directory.Build(ctx, path, n, p.Beneficiary); err != nil {
		return "", fmt.Errorf("benchmark directory %s: %w", path, err)
	}
	return path, nil
}

// DirectoryName is the file name of the cached directory of the first n People: its layout version and leaf
// fill are in it, so that a build writing other pages builds another file.
func DirectoryName(n int) string {
	return fmt.Sprintf("directory-v%s-f%d-%s-%d-%d.db", directory.CurrentVersion(), directory.LeafFill, generator, Seed, n)
}
