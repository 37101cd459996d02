// Package demo builds the demonstration directory from the sandbox dataset, once, and caches it on disk, so that
// every search result of the demo console opens in the sandbox's TOTVS.
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/sandbox"
)

// Version changes whenever the way the demo directory is built changes; the directory's version is part of the
// cached file's name too, so a new layout or ranking builds a new cache instead of rebuilding it at start-up.
const Version = "2"

// Path is where the cached demo directory for a dataset lives under cacheDir. The name carries a fingerprint of
// a sample of the dataset, so a change of the generator rebuilds the cache by itself.
func Path(cacheDir string, ds *sandbox.Dataset) string {
	return filepath.Join(cacheDir, versionPrefix()+fmt.Sprintf("-s%d-n%d-%s.db", ds.Seed(), ds.Len(), fingerprint(ds)))
}

// versionPrefix starts the names of the demo directories of this build (demo and directory versions).
func versionPrefix() string { return fmt.Sprintf("demo-v%s.%s", Version, directory.CurrentVersion()) }

func fingerprint(ds *sandbox.Dataset) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	n := ds.Len()
	for _, i := range []int{0, 1, 2, 3, 4, 5, 6, 7, n / 3, n / 2, n - 1} {
		if i >= 0 && i < n {
			_ = enc.Encode(ds.Beneficiary(i))
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Directory returns the path of the demo directory for the dataset (seed, n), building it first if it is not cached.
func Directory(ctx context.Context, cacheDir string, seed int64, n int) (string, error) {
	ds := sandbox.NewDataset(seed, n)
	path := Path(cacheDir, ds)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return "", fmt.Errorf("demo directory cache %s: %w", cacheDir, err)
	}
	if err := directory.Build(ctx, path, ds.Len(), ds.Beneficiary); err != nil {
		return "", fmt.Errorf("demo directory %s: %w", path, err)
	}
	removeStale(cacheDir)
	return path, nil
}

// removeStale removes the demo directories of other versions from cacheDir (with their WAL and index
// files): this build never opens them again, and at a million beneficiaries each is hundreds of MB.
func removeStale(cacheDir string) {
	files, _ := filepath.Glob(filepath.Join(cacheDir, "demo-v*"))
	for _, f := range files {
		if !strings.HasPrefix(filepath.Base(f), versionPrefix()+"-") {
			_ = os.Remove(f)
		}
	}
}
