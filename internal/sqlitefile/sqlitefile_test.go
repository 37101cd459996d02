package sqlitefile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenMakesThePrivateFilesAndKeepsWritesDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(path, 1)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE t (v TEXT)`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO t VALUES ('dado pessoal')`)
	require.NoError(t, err)
	var mode, sync string
	require.NoError(t, db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	require.NoError(t, db.QueryRow(`PRAGMA synchronous`).Scan(&sync))
	assert.Equal(t, "wal", mode)
	assert.Equal(t, "2", sync, "FULL")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), p)
	}
	require.NoError(t, db.Close())
}

func TestPrivateTakesFilesOthersCanReadBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	for _, p := range []string{path, path + "-wal"} {
		require.NoError(t, os.WriteFile(p, nil, 0o644))
		require.NoError(t, os.Chmod(p, 0o644))
	}
	require.NoError(t, Private(path))
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), p)
	}
}
