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
			if err := os.MkdirAll(filepath.Dir(cfg.DB), 0o700); err != nil {
				return fmt.Errorf("%s: %w", cfg.DB, err)
			}
			st, err := os.Stat(args[0])
			if err != nil {
				return fmt.Errorf(i18n.ImportCannotRead, args[0], err)
			}
			if os.Getenv("GOMEMLIMIT") == "" {
				debug.SetMemoryLimit(csvimport.MemoryLimit)
			}
			out := cmd.ErrOrStderr()
			bar := progressbar.NewOptions64(st.Size(),
				progressbar.OptionSetWriter(out),
				progressbar.OptionSetDescription(i18n.ImportProgress),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionShowCount(),
				progressbar.OptionClearOnFinish(),
			)
			start := time.Now()
			rep, err := csvimport.File(cmd.Context(), cfg.DB, args[0], csvimport.Options{
				Replace:     replace,
				AllowShrink: allowShrink,
				Logger:      stderrLog(cfg),
				Progress: func(rows int, bytesRead int64) {
					rate := float64(rows) / time.Since(start).Seconds()
					bar.Describe(fmt.Sprintf(i18n.ImportProgressRate, rows, rate))
					_ = bar.Set64(bytesRead)
				},
			})
			_ = bar.Finish()
			w := cmd.OutOrStdout()
			if err != nil {
				var nr *csvimport.NoRowsError
				if errors.As(err, &nr) {
					printBadRows(w, rep, maxBad)
				}
				return fmt.Errorf(i18n.ImportFailed, args[0], err)
			}
			secs := rep.Elapsed.Seconds()
			if secs <= 0 {
				secs = time.Since(start).Seconds()
			}
			fmt.Fprintf(w, i18n.ImportSummary, rep.Rows, rep.Inserted, rep.Updated, rep.BadTotal, rep.ConflictTotal,
				rep.Elapsed.Round(time.Millisecond), float64(rep.Rows)/secs, rep.Encoding, rep.Delimiter, cfg.DB)
			printBadRows(w, rep, maxBad)
			printConflicts(w, rep, maxBad)
			if n := rep.BadTotal + rep.ConflictTotal; n > 0 {
				return fmt.Errorf(i18n.ImportHadBadRows, n)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, i18n.FlagReplace)
	cmd.Flags().BoolVar(&allowShrink, "allow-shrink", false, i18n.FlagAllowShrink)
	cmd.Flags().IntVar(&maxBad, "max-bad", 200, i18n.FlagMaxBad)
	return cmd
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
