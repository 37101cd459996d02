package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/balcao/balcao/directory/csvimport"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

func newImportCmd(g *globalFlags) *cobra.Command {
	var replace, allowShrink bool
	var maxBad int
	cmd := &cobra.Command{
		Use:     "import ARQUIVO.csv",
		Short:   i18n.ImportShort,
		Long:    i18n.ImportLong,
		Example: "  balcao import beneficiarios.csv\n  balcao import --replace --db /srv/balcao/diretorio.db exportacao_protheus.csv",
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			if cfg.Fleet() {
				return runFleetImport(cmd, cfg, args[0], replace, allowShrink, maxBad)
			}
			if err := os.MkdirAll(filepath.Dir(cfg.DB), 0o700); err != nil {
				return fmt.Errorf("%s: %w", cfg.DB, err)
			}
			if os.Getenv("GOMEMLIMIT") == "" {
				debug.SetMemoryLimit(csvimport.MemoryLimit)
			}
			bar, progress, err := importProgress(cmd, args[0])
			if err != nil {
				return err
			}
			rep, err := csvimport.File(cmd.Context(), cfg.DB, args[0], csvimport.Options{Replace: replace,
				AllowShrink: allowShrink, Logger: stderrLog(cfg), Progress: progress})
			_ = bar.Finish()
			if err != nil {
				if nr := (*csvimport.NoRowsError)(nil); errors.As(err, &nr) {
					printBadRows(cmd.OutOrStdout(), rep, maxBad)
				}
				return fmt.Errorf(i18n.ImportFailed, args[0], err)
			}
			return printImportReport(cmd.OutOrStdout(), rep, maxBad, cfg.DB)
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, i18n.FlagReplace)
	cmd.Flags().BoolVar(&allowShrink, "allow-shrink", false, i18n.FlagAllowShrink)
	cmd.Flags().IntVar(&maxBad, "max-bad", 200, i18n.FlagMaxBad)
	addPostgresFlag(cmd, g)
	return cmd
}

// importProgress is the import's progress bar on stderr and the callback that moves it.
func importProgress(cmd *cobra.Command, csvPath string) (*progressbar.ProgressBar, func(int, int64), error) {
	st, err := os.Stat(csvPath)
	if err != nil {
		return nil, nil, fmt.Errorf(i18n.ImportCannotRead, csvPath, err)
	}
	bar := progressbar.NewOptions64(st.Size(),
		progressbar.OptionSetWriter(cmd.ErrOrStderr()),
		progressbar.OptionSetDescription(i18n.ImportProgress),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
	)
	start := time.Now()
	return bar, func(rows int, bytesRead int64) {
		rate := float64(rows) / time.Since(start).Seconds()
		bar.Describe(fmt.Sprintf(i18n.ImportProgressRate, rows, rate))
		_ = bar.Set64(bytesRead)
	}, nil
}

// printImportReport prints what an import did into dest, its bad rows and its conflicts (an error when there
// were any).
func printImportReport(w io.Writer, rep csvimport.Report, maxBad int, dest string) error {
	secs := max(rep.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, i18n.ImportSummary, rep.Rows, rep.Inserted, rep.Updated, rep.BadTotal, rep.ConflictTotal,
		rep.Elapsed.Round(time.Millisecond), float64(rep.Rows)/secs, rep.Encoding, rep.Delimiter, dest)
	printBadRows(w, rep, maxBad)
	printConflicts(w, rep, maxBad)
	if n := rep.BadTotal + rep.ConflictTotal; n > 0 {
		return fmt.Errorf(i18n.ImportHadBadRows, n)
	}
	return nil
}

// printBadRows lists the report's bad rows, at most maxBad of them (0: all).
func printBadRows(w io.Writer, rep csvimport.Report, maxBad int) {
	if rep.BadTotal == 0 {
		return
	}
	fmt.Fprintln(w, i18n.ImportBadHeader)
	for i, b := range rep.Bad {
		if maxBad > 0 && i >= maxBad {
			fmt.Fprintf(w, i18n.ImportBadMore, rep.BadTotal-i)
			return
		}
		fmt.Fprintf(w, i18n.ImportBadRow, b.Line, b.Reason)
	}
}

// printConflicts lists the rows dropped for another name of their CPF, at most maxBad of them (0: all).
func printConflicts(w io.Writer, rep csvimport.Report, maxBad int) {
	if rep.ConflictTotal == 0 {
		return
	}
	fmt.Fprintln(w, i18n.ImportConflictHeader)
	for i, c := range rep.Conflicts {
		if maxBad > 0 && i >= maxBad {
			fmt.Fprintf(w, i18n.ImportBadMore, rep.ConflictTotal-i)
			return
		}
		fmt.Fprint(w, i18n.ImportConflict(c.Line, c.Kept, model.MaskCPF(c.Chave)))
	}
}
