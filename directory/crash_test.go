package directory_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/csvimport"
	"github.com/balcao/balcao/directory/internal/dirtest"
	"github.com/balcao/balcao/model"
)

// crashEnv asks the test binary to run `balcao import --replace` of a CSV into a directory ("point|db|csv")
// and to stop at the named point of the build (see directory's hook), saying "at <point>" on stdout: the
// parent kills it there with SIGKILL.
const crashEnv = "BALCAO_DIRECTORY_TEST_CRASH"

func init() {
	if spec := os.Getenv(crashEnv); spec != "" {
		os.Exit(crashHelper(spec))
	}
}

// crashHelper is the import process of the crash tests.
func crashHelper(spec string) int {
	f := strings.SplitN(spec, "|", 3)
	point, db, csvPath := f[0], f[1], f[2]
	directory.SetRestoreStep(8)       // many steps, so that the kill lands between two
	directory.SetSortBudget(64 << 10) // many runs, for the kills during the sorts
	directory.SetTestHook(func(p string) {
		if p == point {
			fmt.Println("at " + p)
			select {} // until killed
		}
	})
	_, err := csvimport.File(context.Background(), db, csvPath, csvimport.Options{Replace: true, AllowShrink: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("done")
	return 0
}

// killAt runs the import process of csvPath into db until it reaches point, and kills it there (kill -9).
func killAt(t *testing.T, point, db, csvPath string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+point+"|"+db+"|"+csvPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "at "+point {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the import never reached %s: %q %v; stderr: %s", point, line, err, stderr.String())
	}
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
}

// leftovers lists the build files next to db.
func leftovers(t *testing.T, db string) []string {
	t.Helper()
	m, err := filepath.Glob(db + ".build-*")
	require.NoError(t, err)
	return m
}

// indexFiles lists the name index files next to db.
func indexFiles(t *testing.T, db string) []string {
	t.Helper()
	m, err := filepath.Glob(db + ".index-*")
	require.NoError(t, err)
	return m
}

// crashCSV writes people as an import file and returns its path.
func crashCSV(t *testing.T, people []model.Beneficiary) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("nome;cpf;carteirinha;numero_contrato\n")
	for _, p := range people {
		fmt.Fprintf(&b, "%s;%s;%s;%s\n", p.Name, p.CPF, p.Card, p.Contracts[0].Number)
	}
	path := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

// TestKilledReplaceLeavesOldDirectoryAndNoLeftovers kills `import --replace` processes (kill -9) at points
// of their build: while the rows are sorted by identity, then by rank key, while the new file is written
// and its keys sorted, once it is written, and in the middle of copying it over the directory. Each time
// the old directory keeps serving the process that had it open, the files left behind are private (0600),
// and the next start (Open, or the next import) removes them — the build's files, and a name index file
// published for a directory that never was — saying so in the log; the next import then completes.
func TestKilledReplaceLeavesOldDirectoryAndNoLeftovers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "diretorio.db")
	old := dirtest.GenNames(3000, 41)
	_, err := csvimport.File(ctx, db, crashCSV(t, old), csvimport.Options{})
	require.NoError(t, err)
	rows := 6000 // with the helper's small sort buffers, enough for every point; $BALCAO_TEST_CRASH_ROWS for more
	if v, err := strconv.Atoi(os.Getenv("BALCAO_TEST_CRASH_ROWS")); err == nil && v > 0 {
		rows = v
	}
	fresh := dirtest.GenNames(rows, 42)
	for i := range fresh {
		fresh[i].CPF, fresh[i].Card = dirtest.CPF(700_000+i), dirtest.Card(7000+i)
	}
	freshCSV := crashCSV(t, fresh)
	current := indexFiles(t, db)
	require.Len(t, current, 1)

	serving := dirtest.OpenPath(t, db) // a process serving the old directory all along
	points := []string{"spill-rows", "spill-ranked", "build-records", "spill-keys", "build-written", "restore-step"}
	for i, point := range points {
		t.Run(point, func(t *testing.T) {
			killAt(t, point, db, freshCSV)
			left := leftovers(t, db)
			require.NotEmpty(t, left, "the build's files are there after the kill")
			for _, p := range append(append(left, indexFiles(t, db)...), db, db+"-wal") {
				if st, err := os.Stat(p); err == nil {
					assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "%s", p)
				}
			}
			n, err := serving.Count(ctx)
			require.NoError(t, err)
			assert.Equal(t, len(old), n, "the old directory keeps serving")
			assert.Len(t, dirtest.Search(t, serving, old[7].CPF), 1)
			assert.NotEmpty(t, dirtest.Search(t, serving, old[8].Name))
			assert.Empty(t, dirtest.Search(t, serving, fresh[7].CPF))

			var log bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&log, nil))
			if i%2 == 0 { // a start: serve and the console open the directory
				d, err := directory.Open(ctx, db, directory.Options{Logger: logger})
				require.NoError(t, err)
				assert.Len(t, dirtest.Search(t, d, old[7].CPF), 1)
				require.NoError(t, d.Close())
				assert.Equal(t, current, indexFiles(t, db), "only the directory's index file is left")
			} else { // an import removes them too
				require.NoError(t, directory.RemoveLeftovers(db, logger))
			}
			assert.Empty(t, leftovers(t, db), "removed at the next start")
			anchor := strings.SplitN(strings.TrimPrefix(left[0], db+".build-"), ".", 2)[0]
			assert.Contains(t, log.String(), "file="+db+".build-"+anchor, "the log names what was removed")
		})
	}
	rep, err := csvimport.File(ctx, db, freshCSV, csvimport.Options{Replace: true, AllowShrink: true})
	require.NoError(t, err, "the next import completes")
	assert.Equal(t, len(fresh), rep.Inserted)
	require.Eventually(t, func() bool { n, _ := serving.Count(ctx); return n == len(fresh) }, 10*time.Second, 10*time.Millisecond)
	assert.Len(t, dirtest.Search(t, serving, fresh[7].CPF), 1)
	assert.Empty(t, leftovers(t, db))
	assert.Len(t, indexFiles(t, db), 1)
	assert.NotEqual(t, current, indexFiles(t, db))
}

// TestRemoveLeftoversSparesLiveBuilds: a build file whose anchor a live build holds is left alone, an
// unlocked one (another version's, or a crashed build's) is removed, and so are companions without an
// anchor; other files are never touched.
func TestRemoveLeftoversSparesLiveBuilds(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	live := make(chan struct{})
	release := make(chan struct{})
	directory.SetTestHook(func(p string) {
		if p == "build-written" {
			close(live)
			<-release
		}
	})
	defer directory.SetTestHook(nil)
	done := make(chan error, 1)
	go func() {
		done <- directory.Build(context.Background(), db, 10, func(i int) model.Beneficiary { return dirtest.GenNames(10, 1)[i] })
	}()
	<-live
	building := leftovers(t, db)
	require.NotEmpty(t, building)
	for _, name := range []string{"d.db.build-123", "d.db.build-123-wal", "d.db.build-77.db", "d.db.build-9.run-1",
		"d.db.builder", "d.db-wal", "outro.db.build-5"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600))
	}
	var log bytes.Buffer
	require.NoError(t, directory.RemoveLeftovers(db, slog.New(slog.NewTextHandler(&log, nil))))
	for _, p := range building {
		assert.FileExists(t, p, "a live build's file")
	}
	for _, name := range []string{"d.db.build-123", "d.db.build-123-wal", "d.db.build-77.db", "d.db.build-9.run-1"} {
		assert.NoFileExists(t, filepath.Join(dir, name))
	}
	for _, anchor := range []string{"d.db.build-123", "d.db.build-77", "d.db.build-9"} {
		assert.Contains(t, log.String(), "file="+filepath.Join(dir, anchor)+" ")
	}
	for _, name := range []string{"d.db.builder", "d.db-wal", "outro.db.build-5"} {
		assert.FileExists(t, filepath.Join(dir, name), "not a build file of d.db")
	}
	close(release)
	require.NoError(t, <-done)
	assert.Empty(t, leftovers(t, db), "the build removed its own files")
}

// TestOpenMakesDirectoryPrivate: a new directory file is 0600, and one others can read is taken back to 0600
// with its WAL.
func TestOpenMakesDirectoryPrivate(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "d.db")
	d, err := directory.Open(ctx, db, directory.Options{})
	require.NoError(t, err)
	require.NoError(t, d.Upsert(ctx, dirtest.People()))
	require.NoError(t, d.Close())
	st, err := os.Stat(db)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	require.NoError(t, os.Chmod(db, 0o644))
	require.NoError(t, os.WriteFile(db+"-wal", nil, 0o644))
	require.NoError(t, os.Chmod(db+"-wal", 0o644))
	d, err = directory.Open(ctx, db, directory.Options{})
	require.NoError(t, err)
	defer d.Close()
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		st, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "%s", p)
	}
}
