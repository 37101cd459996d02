package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
)

func newInfoCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: i18n.InfoShort,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			printInfo(cmd.Context(), cmd.OutOrStdout(), cfg)
			return cfg.Validate()
		},
	}
}

// printInfo says where everything lives and which mode is on, like k9s info.
func printInfo(ctx context.Context, w io.Writer, cfg *config.Config) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	mode := i18n.InfoModeProduction
	if cfg.Demo() {
		mode = i18n.InfoModeDemo
	}
	src := cfg.Source
	if src == "" {
		src = fmt.Sprintf(i18n.InfoNoConfigFile, config.Path(""))
	}
	rows := [][2]string{
		{i18n.InfoMode, mode},
		{i18n.InfoConfig, src},
		{i18n.InfoDirectory, cfg.DB},
		{i18n.InfoDirectoryVersion, directoryState(ctx, cfg.DB)},
		{i18n.InfoDirectorySize, directorySize(cfg.DB)},
		{i18n.InfoOutbox, outboxFile(cfg)},
		{i18n.InfoOutboxSize, fileSize(outboxFile(cfg))},
		{i18n.InfoDrafts, i18n.InfoDraftsWhat(draftsPath(cfg, cfg.Demo()), i18n.Days(cfg.Console.DraftRetention.Duration))},
		{i18n.InfoAccessRecord, auditPath(cfg)},
		{i18n.InfoAccessRecordSize, fileSize(auditPath(cfg))},
		{i18n.InfoLog, cfg.Log.File},
		{i18n.InfoCache, config.CacheDir()},
		{i18n.InfoServer, cfg.Server.Addr + cfg.Server.Prefix + "/buscaBeneficiarios"},
		{i18n.InfoServerCredential, serverCredential(cfg)},
		{i18n.InfoSSH, cfg.SSH.Addr},
		{i18n.InfoHostKey, cfg.SSH.HostKey},
		{"TOTVS", orDash(cfg.TOTVS.URL)},
		{"Mosia", orDash(cfg.Mosia.URL)},
	}
	rows = append(rows, fleetInfo(cfg)...)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", r[0], r[1])
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.InfoEnvHeader)
	for _, ev := range config.EnvVars {
		fmt.Fprintf(tw, "  %s\t%s\n", ev.Name, ev.Help)
	}
	_ = tw.Flush()
}

// directoryState says the directory file's version and size, and whether opening it will rebuild it.
func directoryState(ctx context.Context, path string) string {
	info, err := directory.Inspect(ctx, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return i18n.InfoDirectoryMissing
	case err != nil:
		return i18n.InfoDirectoryUnreadable(err)
	case info.Version == directory.Version{}:
		return i18n.InfoDirectoryEmpty
	}
	have := i18n.InfoVersion(info.Version.Layout, info.Version.Ranking)
	want := i18n.InfoVersion(info.Want.Layout, info.Want.Ranking)
	switch {
	case info.TooNew:
		return i18n.InfoDirectoryTooNew(have, want)
	case info.Rebuild:
		return i18n.InfoDirectoryRebuild(have, want, info.Beneficiaries)
	}
	return i18n.InfoDirectoryCurrent(have, info.Beneficiaries)
}

// outboxFile is the outbox file the console and the SSH server use (the demo keeps its own).
func outboxFile(cfg *config.Config) string {
	if cfg.Demo() && cfg.OutboxDB == "" {
		return demoPath("ocorrencias.db")
	}
	return cfg.OutboxPath()
}

// directorySize says how much the directory takes on disk: its file with its WAL, and its name index file.
func directorySize(path string) string {
	s := fileSize(path)
	if s == i18n.InfoFileMissing {
		return s
	}
	files, _ := filepath.Glob(path + ".index-*")
	var ix int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			ix += st.Size()
		}
	}
	if ix == 0 {
		return s
	}
	return i18n.InfoDirectoryWithIndex(s, ix)
}

// fileSize says how much an SQLite file takes on disk, with its WAL (where the last writes wait to be copied
// into it).
func fileSize(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return i18n.InfoFileMissing
	}
	var wal int64
	if w, err := os.Stat(path + "-wal"); err == nil {
		wal = w.Size()
	}
	return i18n.InfoFileSize(st.Size(), wal)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// serverCredential says what guards the busca service: the configured credential (never its value), or the
// local secret's file.
func serverCredential(cfg *config.Config) string {
	s := cfg.Server
	switch {
	case s.Secret != "" && s.AuthUser != "":
		return i18n.InfoCredentialBoth
	case s.Secret != "":
		return i18n.InfoCredentialSecret
	case s.AuthUser != "":
		return i18n.InfoCredentialUser
	}
	return fmt.Sprintf(i18n.InfoCredentialLocal, cfg.LocalSecretPath())
}
