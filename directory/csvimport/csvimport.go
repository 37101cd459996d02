// Package csvimport loads CSV exports of beneficiaries (Protheus and spreadsheets) into the directory: it
// sniffs the encoding (UTF-8, with or without BOM, Windows-1252 or UTF-16) and the delimiter, maps the
// header's columns, reports every bad row with its line and reason in pt-BR (and every row dropped because
// another gives its CPF another name), and hands the good rows to the directory's bulk path
// (directory.Builder). It never empties or halves a directory by accident (see Options.AllowShrink).
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
	Replace     bool                            // rebuild the directory from the file alone (atomic), instead of upserting
	AllowShrink bool                            // with Replace: a file of less than half the directory's beneficiaries replaces it too
	Progress    func(rows int, bytesRead int64) // called every few thousand rows and at the end; may be nil
	BatchSize   int                             // rows per transaction when upserting (default 10,000)
	Logger      *slog.Logger                    // for File: reports a rebuild of an older directory file (see directory.Open); nil: slog.Default()
}

// Report is what an import did. Rows = Inserted + Updated + BadTotal + ConflictTotal.
type Report struct {
	Rows          int                  // data rows read (the header excluded)
	Inserted      int                  // rows that created a beneficiary
	Updated       int                  // rows merged into an existing beneficiary (a re-import, or another contract of one)
	Bad           []BadRow             // rejected rows, in file order (the first MaxBadRows)
	BadTotal      int                  // all rejected rows
	Conflicts     []directory.Conflict // rows dropped for another name of their CPF, by line (the first MaxBadRows)
	ConflictTotal int                  // all of them
	Encoding      string               // "UTF-8", "Windows-1252", "UTF-16LE" or "UTF-16BE"
	Delimiter     string               // ";" or ","
	Elapsed       time.Duration        // wall time of the whole import
	Build         directory.BuildStats // where a bulk build's time went (zero when rows were upserted)
}

// Good is the number of rows imported (merged into a beneficiary, new or not).
func (r *Report) Good() int { return r.Inserted + r.Updated }

// setCounts records what the directory did with the rows.
func (r *Report) setCounts(c directory.LoadCounts) {
	r.Inserted, r.Updated = c.Inserted, c.Updated
	r.ConflictTotal = len(c.Conflicts)
	r.Conflicts = c.Conflicts[:min(len(c.Conflicts), MaxBadRows)]
}

// BadRow is a rejected row: its line in the file (the header is line 1) and why, in pt-BR.
type BadRow struct {
	Line   int
	Reason string
}

// MemoryLimit is the soft memory limit (as GOMEMLIMIT) balcao import runs under: an import's live memory is
// bounded (the sorts' buffers, see directory.Builder), and the limit makes the garbage collector keep the
// process near it rather than let garbage double it.
const MemoryLimit = 640 << 20

// MaxBadRows is how many bad rows a report lists (BadTotal counts them all).
const MaxBadRows = 100_000

// Encodings an import reports.
const (
	EncodingUTF8    = "UTF-8"
	Encoding1252    = "Windows-1252"
	EncodingUTF16LE = "UTF-16LE"
	EncodingUTF16BE = "UTF-16BE"
)

// HeaderError is a header that lacks required columns; Error is pt-BR, for the operator.
type HeaderError struct {
	Missing []string
}

// Error says which columns are missing, in pt-BR.
func (e *HeaderError) Error() string { return i18n.ImportHeaderMissing(e.Missing) }

// ErrEmpty is an import of an empty file.
var ErrEmpty = errors.New(i18n.ImportEmptyFile)

// ErrLongHeader is a file whose first line (the header) does not end within its first 64 KiB.
var ErrLongHeader = errors.New(i18n.ImportLongHeader)

// NoRowsError is a file without one good row: nothing is imported (a replacing import would have emptied the
// directory). Error is pt-BR, for the operator.
type NoRowsError struct {
	Bad int // its rows, all bad (0: the file has only its header)
}

// Error says the file had nothing to import and what to do, in pt-BR.
func (e *NoRowsError) Error() string { return i18n.ImportNoGoodRows(e.Bad) }

// ShrinkError is a replacing import refused because the file has less than half the directory's
// beneficiaries (see Options.AllowShrink). Error is pt-BR, for the operator.
type ShrinkError struct {
	Have, Want int
}

// Error says what the file would have done and what to do, in pt-BR.
func (e *ShrinkError) Error() string { return i18n.ImportShrink(e.Want, e.Have) }

// typed returns the import's errors for the directory's refusals (a shrinking build, a key repeated
// beyond reason), else err.
func typed(err error) error {
	var se *directory.ShrinkError
	if errors.As(err, &se) {
		return &ShrinkError{Have: se.Have, Want: se.Want}
	}
	var te *directory.TooManyRowsError
	if errors.As(err, &te) {
		return errors.New(i18n.ImportTooManyRows(model.MaskCPF(te.Chave)))
	}
	return err
}

// noRows returns a NoRowsError when the rows read hold no good one.
func noRows(rep *Report) error {
	if rep.Rows == rep.BadTotal {
		return &NoRowsError{Bad: rep.BadTotal}
	}
	return nil
}

// Import loads a CSV export of beneficiaries (columns: see columns) into the open directory d (see
// directory.Directory.Load): with Replace — or into an empty directory — the directory becomes the file's
// content alone; otherwise rows are upserted. Re-importing a file changes nothing. Bad rows are reported with
// their line and never stop the good ones.
func Import(ctx context.Context, d *directory.Directory, r io.Reader, opts Options) (Report, error) {
	start := time.Now()
	var rep Report
	bk, err := d.NewBuilder()
	if err != nil {
		return rep, err
	}
	defer bk.Close()
	bk.SetConflicts(true)
	err = run(ctx, r, opts, &rep, bk.AddRow)
	if err == nil {
		err = noRows(&rep)
	}
	if err == nil {
		var c directory.LoadCounts
		c, err = d.Load(ctx, bk, directory.LoadOptions{Replace: opts.Replace, AllowShrink: opts.AllowShrink,
			BatchSize: opts.BatchSize})
		rep.setCounts(c)
		rep.Build = bk.Stats()
		err = typed(err)
	}
	rep.Elapsed = time.Since(start)
	return rep, err
}

// File imports the CSV at csvPath into the directory file at dbPath (see Import). A new directory, and
// Replace, are built in a new file next to dbPath and swapped in atomically. What a crashed build left next
// to dbPath is removed first (see directory.RemoveLeftovers).
func File(ctx context.Context, dbPath, csvPath string, opts Options) (Report, error) {
	if err := directory.RemoveLeftovers(dbPath, opts.Logger); err != nil {
		return Report{}, fmt.Errorf("import %s: %w", csvPath, err)
	}
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
	bk, err := directory.NewBuilder(dbPath)
	if err != nil {
		return rep, err
	}
	defer bk.Close()
	bk.SetConflicts(true)
	err = run(ctx, f, opts, &rep, bk.AddRow)
	if err == nil {
		err = noRows(&rep)
	}
	if err == nil {
		var c directory.LoadCounts
		c, err = bk.Install(ctx, dbPath, directory.InstallOptions{AllowShrink: opts.AllowShrink})
		rep.setCounts(c)
		rep.Build = bk.Stats()
		err = typed(err)
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
