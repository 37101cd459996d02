package fleet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/csvimport"
)

// ImportReport is what a fleet import did: the CSV import's own report and the generation it published.
type ImportReport struct {
	csvimport.Report
	Generation Generation
	Published  time.Duration // copying the result into PostgreSQL
	Publish    PublishReport // the publication in detail
}

// Import loads the CSV at csvPath into the shared directory with the rules of a local `balcao import`: under the
// import lock, the current generation is read into a temporary local directory in workDir (not for Replace),
// the file is imported into it (csvimport, same report, same bad rows), and the result is published as the next
// generation, which every instance then loads. Rows a file rejects leave the others imported, as locally. The
// temporary files are removed.
func (f *Fleet) Import(ctx context.Context, csvPath, workDir, source string, opts csvimport.Options) (ImportReport, error) {
	var rep ImportReport
	if err := os.MkdirAll(workDir, 0o700); err != nil {
		return rep, fmt.Errorf("fleet import: %w", err)
	}
	tmpDir, err := os.MkdirTemp(workDir, "balcao-import-*")
	if err != nil {
		return rep, fmt.Errorf("fleet import: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	lock, err := LockImport(ctx, f.Pool)
	if err != nil {
		return rep, err
	}
	defer lock.Unlock()

	tmp := filepath.Join(tmpDir, "diretorio.db")
	if !opts.Replace {
		if err := f.materialize(ctx, tmp); err != nil {
			return rep, err
		}
	}
	rep.Report, err = csvimport.File(ctx, tmp, csvPath, opts)
	if err != nil {
		return rep, err
	}
	start := time.Now()
	d, err := directory.Open(ctx, tmp, directory.Options{Logger: f.log})
	if err != nil {
		return rep, fmt.Errorf("fleet import: %w", err)
	}
	defer d.Close()
	rep.Publish, err = Publish(ctx, f.Pool, d, source)
	rep.Generation, rep.Published = rep.Publish.Generation, time.Since(start)
	return rep, err
}

// materialize writes the current generation, if any, into a new directory file at path: its files downloaded,
// or rebuilt from its records.
func (f *Fleet) materialize(ctx context.Context, path string) error {
	g, ok, err := CurrentGeneration(ctx, f.Pool)
	if err != nil || !ok {
		return err
	}
	d, err := directory.Open(ctx, path, directory.Options{Logger: f.log})
	if err != nil {
		return fmt.Errorf("fleet import: %w", err)
	}
	defer d.Close()
	if _, err := Refresh(ctx, f.Pool, g, d, f.log); err != nil {
		return fmt.Errorf("fleet import: %w", err)
	}
	return nil
}
