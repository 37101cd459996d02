package fleet_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/fleet"
	"github.com/balcao/balcao/internal/pgtest"
	"github.com/balcao/balcao/model"
)

// publish publishes src as the next generation, under the import lock.
func publish(t testing.TB, f *fleet.Fleet, src *directory.Directory) fleet.PublishReport {
	t.Helper()
	lock, err := fleet.LockImport(context.Background(), f.Pool)
	require.NoError(t, err)
	defer lock.Unlock()
	rep, err := fleet.Publish(context.Background(), f.Pool, src, "teste")
	require.NoError(t, err)
	return rep
}

// morePeople is people() and two more, for a second generation.
func morePeople() []model.Beneficiary {
	return append(people(),
		model.Beneficiary{CPF: "11144477735", ChaveUnica: "11144477735", Name: "Pedro Alves", BirthDate: "1990-01-01",
			Contracts: []model.ContractRef{{Number: "0000011", Description: "MS BRONZE"}}},
		model.Beneficiary{CPF: "12345678909", ChaveUnica: "12345678909", Name: "Maria Souza"})
}

// buildFiles lists the temporary files of builds and downloads next to the directory file at path.
func buildFiles(t testing.TB, path string) []string {
	t.Helper()
	m, err := filepath.Glob(path + ".build-*")
	require.NoError(t, err)
	return m
}

// generations lists the generations that have files in the database, from the description and the chunks.
func generations(t testing.TB, f *fleet.Fleet) (described, chunked []int64) {
	t.Helper()
	ctx := context.Background()
	rows, err := f.Pool.Query(ctx, `SELECT generation FROM directory_files ORDER BY 1`)
	require.NoError(t, err)
	described, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)
	rows, err = f.Pool.Query(ctx, `SELECT DISTINCT generation FROM directory_file_chunks ORDER BY 1`)
	require.NoError(t, err)
	chunked, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	require.NoError(t, err)
	return described, chunked
}

// An instance takes the importer's built files instead of rebuilding from the records — into an empty index at
// start, and into one serving the previous generation — and then holds the same beneficiaries and answers
// searches of the new ones; its files are private (0600), no temporary file is left, and the database keeps
// the current generation's files only.
func TestRefreshDownloadsTheImportersFiles(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	importer := open(t, url)
	pub := publish(t, importer, localDir(t, people()))
	require.NoError(t, pub.FilesSkip)
	assert.Positive(t, pub.FileBytes)

	path := filepath.Join(t.TempDir(), "diretorio.db")
	dir, ref, err := open(t, url).Directory(ctx, path, time.Hour)
	require.NoError(t, err)
	defer dir.Close()
	rep := ref.LastRebuild()
	assert.Equal(t, fleet.ViaDownload, rep.Via, "an empty index takes the files")
	assert.Zero(t, rep.Read, "no record read")
	assert.Equal(t, pub.FileBytes, rep.Bytes)
	assert.Equal(t, all(t, localDir(t, people())), all(t, dir))

	src2 := localDir(t, morePeople())
	pub2 := publish(t, importer, src2)
	changed, err := ref.Sync(ctx)
	require.NoError(t, err)
	require.True(t, changed)
	rep = ref.LastRebuild()
	assert.Equal(t, fleet.ViaDownload, rep.Via, "a serving index takes the files")
	assert.Empty(t, rep.Fallback)
	assert.Equal(t, pub2.Generation.ID, ref.Local().ID)
	assert.Equal(t, all(t, src2), all(t, dir))
	ms, err := dir.Search(ctx, model.Classify("pedro alves"), 10)
	require.NoError(t, err)
	assert.Len(t, ms, 1)

	idx, err := filepath.Glob(path + ".index-*")
	require.NoError(t, err)
	require.Len(t, idx, 1, "the previous generation's index file is gone")
	for _, p := range append(idx, path, fleet.MarkerPath(path)) {
		st, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), p)
	}
	assert.Empty(t, buildFiles(t, path))
	described, chunked := generations(t, importer)
	assert.Equal(t, []int64{2}, described, "only the current generation's files are kept")
	assert.Equal(t, []int64{2}, chunked)
}

// Files that cannot be used — a chunk changed, missing or cut short, a recorded checksum that does not match,
// another layout version (a fleet in a rolling upgrade), none at all — are never served: the instance rebuilds
// the generation from its records, says why, and leaves no temporary file.
func TestUnusableFilesFallBackToTheRecords(t *testing.T) {
	fleet.SetChunkSize(4096) // several chunks a file
	defer fleet.SetChunkSize(4 << 20)
	tests := []struct {
		name, spoil, why string
	}{
		{"a byte of a chunk changed", `UPDATE directory_file_chunks SET data = set_byte(data, 100, 255 - get_byte(data, 100))
			WHERE file = 'db' AND chunk = 1`, "SHA-256"},
		{"a chunk missing", `DELETE FROM directory_file_chunks WHERE file = 'db' AND chunk = 2`, "out of place"},
		{"a chunk cut short", `UPDATE directory_file_chunks SET data = substring(data from 1 for 10)
			WHERE file = 'db' AND chunk = 0`, "bytes, want"},
		{"another checksum recorded", `UPDATE directory_files SET index_sha256 = repeat('0', 64)`, "SHA-256"},
		{"another layout version", `UPDATE directory_files SET layout = '6.1'`, "layout 6.1"},
		{"no files", `DELETE FROM directory_files`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := pgtest.URL(t)
			ctx := context.Background()
			importer := open(t, url)
			publish(t, importer, localDir(t, people()))
			path := filepath.Join(t.TempDir(), "diretorio.db")
			dir, ref, err := open(t, url).Directory(ctx, path, time.Hour)
			require.NoError(t, err)
			defer dir.Close()
			require.Equal(t, fleet.ViaDownload, ref.LastRebuild().Via)

			src2 := localDir(t, morePeople())
			publish(t, importer, src2)
			tag, err := importer.Pool.Exec(ctx, tc.spoil)
			require.NoError(t, err)
			require.Positive(t, tag.RowsAffected(), "the files were spoiled")
			changed, err := ref.Sync(ctx)
			require.NoError(t, err)
			require.True(t, changed)
			rep := ref.LastRebuild()
			assert.Equal(t, fleet.ViaRebuild, rep.Via)
			assert.Equal(t, 5, rep.Read, "every record read")
			if tc.why == "" {
				assert.Empty(t, rep.Fallback)
			} else {
				assert.Contains(t, rep.Fallback, tc.why)
			}
			assert.Equal(t, all(t, src2), all(t, dir))
			assert.Empty(t, buildFiles(t, path))
		})
	}
}

// downloadEnv asks the test binary to open an instance's directory ("url|path") and bring it to the current
// generation, stopping in the download once it has written a chunk, saying "at download" on stdout: the
// parent kills it there with SIGKILL.
const downloadEnv = "BALCAO_FLEET_TEST_DOWNLOAD"

func init() {
	if spec := os.Getenv(downloadEnv); spec != "" {
		os.Exit(downloadHelper(spec))
	}
}

// downloadHelper is the instance process of the crash test.
func downloadHelper(spec string) int {
	url, path, _ := strings.Cut(spec, "|")
	chunks := 0
	fleet.SetTestHook(func(p string) {
		if chunks++; p == "download-chunk" && chunks == 2 {
			fmt.Println("at download")
			select {} // until killed
		}
	})
	ctx := context.Background()
	f, err := fleet.Open(ctx, url, nil)
	if err == nil {
		var ref *fleet.Refresher
		if _, ref, err = f.Directory(ctx, path, time.Hour); err == nil {
			_, err = ref.Sync(ctx)
		}
	}
	fmt.Fprintln(os.Stderr, "the download was never stopped:", err)
	return 1
}

// An instance killed (kill -9) in the middle of downloading a generation's files leaves them in temporary files
// (0600); its next start removes them, serves the generation it had, and then downloads the new one.
func TestKilledDownloadLeavesTheOldDirectoryAndNoLeftovers(t *testing.T) {
	fleet.SetChunkSize(4096)
	defer fleet.SetChunkSize(4 << 20)
	url := pgtest.URL(t)
	ctx := context.Background()
	importer := open(t, url)
	publish(t, importer, localDir(t, people()))
	path := filepath.Join(t.TempDir(), "diretorio.db")
	inst := open(t, url)
	dir, _, err := inst.Directory(ctx, path, time.Hour)
	require.NoError(t, err)
	require.NoError(t, dir.Close())
	src2 := localDir(t, morePeople())
	publish(t, importer, src2)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), downloadEnv+"="+url+"|"+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "at download" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the download never started: %q %v; stderr: %s", line, err, stderr.String())
	}
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	left := buildFiles(t, path)
	require.NotEmpty(t, left, "the download's files are there until the next start")
	for _, p := range left {
		st, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), p)
	}
	dir, ref, err := inst.Directory(ctx, path, time.Hour)
	require.NoError(t, err)
	defer dir.Close()
	assert.Empty(t, buildFiles(t, path), "the next start removes them")
	assert.EqualValues(t, 1, ref.Local().Number)
	assert.Equal(t, all(t, localDir(t, people())), all(t, dir), "the old directory serves")
	changed, err := ref.Sync(ctx)
	require.NoError(t, err)
	require.True(t, changed)
	assert.Equal(t, fleet.ViaDownload, ref.LastRebuild().Via)
	assert.Equal(t, all(t, src2), all(t, dir))
}

// A generation superseded before its files were fetched gives way to the current one instead of being rebuilt
// from its records (its files are gone), and the next sync downloads the current one.
func TestSupersededGenerationGivesWay(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	importer := open(t, url)
	publish(t, importer, localDir(t, people()))
	path := filepath.Join(t.TempDir(), "diretorio.db")
	dir, ref, err := open(t, url).Directory(ctx, path, time.Hour)
	require.NoError(t, err)
	defer dir.Close()
	old := publish(t, importer, localDir(t, morePeople())).Generation
	src3 := localDir(t, morePeople()[1:])
	publish(t, importer, src3)

	_, err = fleet.Refresh(ctx, importer.Pool, old, dir, nil)
	require.ErrorIs(t, err, fleet.ErrSuperseded)
	assert.Equal(t, all(t, localDir(t, people())), all(t, dir), "left as it was")
	changed, err := ref.Sync(ctx)
	require.NoError(t, err)
	require.True(t, changed)
	assert.EqualValues(t, 3, ref.Local().Number)
	assert.Equal(t, fleet.ViaDownload, ref.LastRebuild().Via)
	assert.Equal(t, all(t, src3), all(t, dir))
}
