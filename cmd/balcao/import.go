package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/balcao/balcao/directory/csvimport"
	"github.com/balcao/balcao/i18n"
)

func newImportCmd(g *globalFlags) *cobra.Command {
	var replace bool
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
				return runFleetImport(cmd, cfg, args[0], replace, maxBad)
			}
			if err := os.MkdirAll(filepath.Dir(cfg.DB), 0o700); err != nil {
				return fmt.Errorf("%s: %w", cfg.DB, err)
			}
			bar, progress, err := importProgress(cmd, args[0])
			if err != nil {
				return err
			}
			rep, err := csvimport.File(cmd.Context(), cfg.DB, args[0], csvimport.Options{Replace: replace, Progress: progress})
			_ = bar.Finish()
			if err != nil {
				return fmt.Errorf(i18n.ImportFailed, args[0], err)
			}
			return printImportReport(cmd.OutOrStdout(), rep, maxBad, cfg.DB)
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, i18n.FlagReplace)
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

// printImportReport prints what an import did into dest, and the bad rows (an error when there were any).
func printImportReport(w io.Writer, rep csvimport.Report, maxBad int, dest string) error {
	secs := max(rep.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, i18n.ImportSummary, rep.Rows, rep.Inserted, rep.Updated, rep.BadTotal, rep.Elapsed.Round(time.Millisecond), float64(rep.Rows)/secs, rep.Encoding, rep.Delimiter, dest)
	if rep.BadTotal == 0 {
		return nil
	}
	fmt.Fprintln(w, i18n.ImportBadHeader)
	for i, b := range rep.Bad {
		if maxBad > 0 && i >= maxBad {
			fmt.Fprintf(w, i18n.ImportBadMore, rep.BadTotal-i)
			break
		}
		fmt.Fprintf(w, i18n.ImportBadRow, b.Line, b.Reason)
	}
	return fmt.Errorf(i18n.ImportHadBadRows, rep.BadTotal)
}
