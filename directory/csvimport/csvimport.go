// Package csvimport loads CSV exports of beneficiaries (Protheus and spreadsheets) into the directory: it
// sniffs the encoding (UTF-8, with or without BOM, or Windows-1252) and the delimiter, maps the header's
// columns, reports every bad row with its line and reason in pt-BR, and hands the good rows to the
// directory's bulk path (directory.Builder).
package csvimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

// Options tunes an import.
type Options struct {
	Replace   bool                            // rebuild the directory from the file alone (atomic), instead of upserting
	Progress  func(rows int, bytesRead int64) // called every few thousand rows and at the end; may be nil
	BatchSize int                             // rows per transaction when upserting (default 10,000)
	Logger    *slog.Logger                    // for File: reports a rebuild of an older directory file (see directory.Open); nil: slog.Default()
}

// Report is what an import did. Rows = Inserted + Updated + BadTotal.
type Report struct {
	Rows      int           // data rows read (the header excluded)
	Inserted  int           // rows that created a beneficiary
	Updated   int           // rows merged into an existing beneficiary (a re-import, or another contract of one)
	Bad       []BadRow      // rejected rows, in file order (the first MaxBadRows)
	BadTotal  int           // all rejected rows
	Encoding  string        // "UTF-8" or "Windows-1252"
	Delimiter string        // ";" or ","
	Elapsed   time.Duration // wall time of the whole import
}

// BadRow is a rejected row: its line in the file (the header is line 1) and why, in pt-BR.
type BadRow struct {
	Line   int
	Reason string
}

// MaxBadRows is how many bad rows a report lists (BadTotal counts them all).
const MaxBadRows = 100_000

// Encodings an import reports.
const (
	EncodingUTF8 = "UTF-8"
	Encoding1252 = "Windows-1252"
)

// HeaderError is a header that lacks required columns; Error is pt-BR, for the operator.
type HeaderError struct {
	Missing []string
}

// Error says which columns are missing, in pt-BR.
func (e *HeaderError) Error() string { return i18n.ImportHeaderMissing(e.Missing) }

// ErrEmpty is an import of an empty file.
var ErrEmpty = errors.New(i18n.ImportEmptyFile)

// A new directory's rows are counted in advance from the file's size: about rowBytes a row (a Protheus
// export has 200 to 250), never more than maxHint.
const (
	rowBytes = 200
	maxHint  = 10_000_000
)

// Import loads a CSV export of beneficiaries (columns: see columns) into the open directory d (see
// directory.Directory.Load): with Replace — or into an empty directory — the directory becomes the file's
// content alone; otherwise rows are upserted. Re-importing a file changes nothing. Bad rows are reported with
// their line and never stop the good ones.
func Import(ctx context.Context, d *directory.Directory, r io.Reader, opts Options) (Report, error) {
	start := time.Now()
	var rep Report
	bk := directory.NewBuilder(0)
	err := run(ctx, r, opts, &rep, func(b model.Beneficiary) { bk.AddNormalized(b) })
	if err == nil {
		var c directory.LoadCounts
		c, err = d.Load(ctx, bk, directory.LoadOptions{Replace: opts.Replace, BatchSize: opts.BatchSize})
		rep.Inserted, rep.Updated = c.Inserted, c.Updated
	}
	rep.Elapsed = time.Since(start)
	return rep, err
}

// File imports the CSV at csvPath into the directory file at dbPath (see Import). A new directory, and
// Replace, are built in a new file next to dbPath and swapped in atomically.
func File(ctx context.Context, dbPath, csvPath string, opts Options) (Report, error) {
	f, err := os.Open(csvPath)
	if err != nil {
		return Report{}, fmt.Errorf("import %s: %w", csvPath, err)
	}
	defer f.Close()
	var rep Report
	if _, serr := os.Stat(dbPath); opts.Replace || errors.Is(serr, fs.ErrNotExist) {
		rep, err = build(ctx, f, dbPath, opts)
	} else {
		rep, err = into(ctx, f, dbPath, opts)
	}
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", csvPath, err)
	}
	return rep, nil
}

// build imports f as the whole directory at dbPath, built through the bulk path and installed.
func build(ctx context.Context, f *os.File, dbPath string, opts Options) (Report, error) {
	start := time.Now()
	var rep Report
	hint := 0
	if st, err := f.Stat(); err == nil {
		hint = int(min(st.Size()/rowBytes, maxHint))
	}
	bk := directory.NewBuilder(hint)
	err := run(ctx, f, opts, &rep, func(b model.Beneficiary) {
		if bk.AddNormalized(b) {
			rep.Updated++
		} else {
			rep.Inserted++
		}
	})
	if err == nil {
		err = bk.Install(ctx, dbPath)
	}
	rep.Elapsed = time.Since(start)
	return rep, err
}

// into imports f into the existing directory at dbPath.
func into(ctx context.Context, f *os.File, dbPath string, opts Options) (Report, error) {
	d, err := directory.Open(ctx, dbPath, directory.Options{Logger: opts.Logger})
	if err != nil {
		return Report{}, err
	}
	rep, err := Import(ctx, d, f, opts)
	return rep, errors.Join(err, d.Close())
}
