package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// cpfOf makes a valid CPF from a 9-digit base.
func cpfOf(base int) string {
	d := fmt.Sprintf("%09d", base)
	for _, w := range []int{10, 11} {
		sum := 0
		for i := range d {
			sum += int(d[i]-'0') * (w - i)
		}
		r := sum % 11
		if r < 2 {
			d += "0"
		} else {
			d += fmt.Sprint(11 - r)
		}
	}
	return d
}

// peopleFile writes an import file of n people (names Pessoa <i>) and returns its path.
func peopleFile(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("nome;cpf;numero_contrato\n")
	for i := range n {
		fmt.Fprintf(&b, "Pessoa %d;%s;%07d\n", i, cpfOf(100+i), i)
	}
	return textFile(t, b.String())
}

// textFile writes text to a new file and returns its path.
func textFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return p
}

// dirCount is the directory file's beneficiary count.
func dirCount(t *testing.T, db string) int {
	t.Helper()
	info, err := directory.Inspect(context.Background(), db)
	require.NoError(t, err)
	return info.Beneficiaries
}

// TestImportReplaceRefusesToEmptyOrHalve: `balcao import --replace` refuses, exit 1 and the directory as it
// was, a header-only file, a file whose rows are all bad (listing them), and a file of less than half the
// directory's beneficiaries unless --allow-shrink.
func TestImportReplaceRefusesToEmptyOrHalve(t *testing.T) {
	e := env(t)
	db := filepath.Join(t.TempDir(), "diretorio.db")
	_, stderr, code := run(t, e, "--db", db, "import", peopleFile(t, 10))
	require.Equal(t, 0, code, stderr)
	cases := []struct {
		name   string
		file   string
		flags  []string
		stdout string
		stderr string
		code   int
		count  int
	}{
		{"header only", textFile(t, "nome;cpf\n"), nil, "", i18n.ImportNoGoodRows(0), 1, 10},
		{"all rows bad", textFile(t, "nome;cpf\n;52998224725\nAna;123\n"), nil, "linha 3:", i18n.ImportNoGoodRows(2), 1, 10},
		{"4 of 10", peopleFile(t, 4), nil, "", i18n.ImportShrink(4, 10), 1, 10},
		{"4 of 10, allowed", peopleFile(t, 4), []string{"--allow-shrink"}, "4 linhas lidas: 4 novas", "", 0, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--db", db, "import", "--replace"}, c.flags...)
			stdout, stderr, code := run(t, e, append(args, c.file)...)
			assert.Equal(t, c.code, code, stderr)
			assert.Contains(t, stdout, c.stdout)
			assert.Contains(t, stderr, c.stderr)
			assert.NotContains(t, stderr, "panic")
			assert.Equal(t, c.count, dirCount(t, db))
		})
	}
}

// TestImportReportsConflicts: rows giving one CPF two names are listed with both lines and the one kept (the
// last); the import exits 1.
func TestImportReportsConflicts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "diretorio.db")
	x := cpfOf(555)
	file := textFile(t, "nome;cpf;numero_contrato\n"+
		"Maria Silva;"+x+";1\n"+"Ana Souza;"+cpfOf(556)+";2\n"+"Joana Lima;"+x+";3\n")
	stdout, stderr, code := run(t, env(t), "--db", db, "import", file)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "1 em conflito")
	assert.Contains(t, stdout, i18n.ImportConflictHeader)
	assert.Contains(t, stdout, i18n.ImportConflict(2, 4, model.MaskCPF(x)))
	assert.NotContains(t, stdout+stderr, x, "the CPF is masked")
	assert.Contains(t, stderr, "1 linha(s) não foram importadas")
	assert.Equal(t, 2, dirCount(t, db))
}

// TestInfoShowsFileSizes: balcao info gives the sizes of the directory, the outbox and the access record,
// in pt-BR.
func TestInfoShowsFileSizes(t *testing.T) {
	e := env(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "diretorio.db")
	_, stderr, code := run(t, e, "--db", db, "import", peopleFile(t, 3000))
	require.Equal(t, 0, code, stderr)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ocorrencias.db"), make([]byte, 1_300_000), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ocorrencias.db-wal"), make([]byte, 2048), 0o600))
	prod := append(e, "BALCAO_TOTVS_URL=http://127.0.0.1:1/rest", "BALCAO_TOTVS_USER=u", "BALCAO_TOTVS_PASSWORD=p",
		"BALCAO_MOSIA_URL=http://127.0.0.1:1", "BALCAO_MOSIA_TOKEN=t", "BALCAO_AUDIT_FILE="+filepath.Join(dir, "acessos.db"))
	out, _, _ := run(t, prod, "--db", db, "info")
	st, err := os.Stat(db)
	require.NoError(t, err)
	ix, err := filepath.Glob(db + ".index-*")
	require.NoError(t, err)
	require.Len(t, ix, 1)
	ist, err := os.Stat(ix[0])
	require.NoError(t, err)
	row := func(label string) string {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(label) + ` +(.*)$`).FindStringSubmatch(out)
		require.NotNil(t, m, "no row %q in:\n%s", label, out)
		return m[1]
	}
	assert.Equal(t, i18n.InfoDirectoryWithIndex(i18n.Size(st.Size()), ist.Size()), row(i18n.InfoDirectorySize))
	assert.Regexp(t, `^\d+(,\d)? KB e mais \d+(,\d)? KB do `, row(i18n.InfoDirectorySize))
	assert.Equal(t, "1,2 MB (mais 2 KB no WAL, o diário de escrita)", row(i18n.InfoOutboxSize))
	assert.Equal(t, i18n.InfoFileMissing, row(i18n.InfoAccessRecordSize))
}

// TestServeRemovesBuildLeftovers: a start of balcao serve removes what a crashed import left next to its
// directory, and its log names the file.
func TestServeRemovesBuildLeftovers(t *testing.T) {
	e := env(t, "BALCAO_SERVER_SECRET="+testSecret, "BALCAO_SANDBOX_BENEFICIARIES=300")
	start := func() string {
		cmd := exec.Command(binPath, "serve", "--demo", "--addr", freePort(t))
		cmd.Env = e
		var out, errb lockedBuffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		require.NoError(t, cmd.Start())
		require.Eventually(t, func() bool { return strings.Contains(out.String(), "buscaBeneficiarios em") },
			60*time.Second, 20*time.Millisecond, "serve never listened: %s", errb.String())
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		return errb.String()
	}
	start() // builds the demo directory
	dbs, err := filepath.Glob(filepath.Join(envValue(e, "XDG_CACHE_HOME"), "balcao", "demo-*.db"))
	require.NoError(t, err)
	require.Len(t, dbs, 1)
	left := dbs[0] + ".build-4242.db"
	require.NoError(t, os.WriteFile(left, []byte("dados pessoais"), 0o600))
	log := start()
	assert.NoFileExists(t, left)
	assert.Contains(t, log, "directory build leftovers removed")
	assert.Contains(t, log, `"file":"`+dbs[0]+`.build-4242"`, "the log names the build's files")
}

// envValue is the value of key in environ.
func envValue(environ []string, key string) string {
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}
