package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/fleet"
	"github.com/balcao/balcao/i18n"
)

// fromConfig is --to-postgres given without a URL: the configured postgres.url (or BALCAO_POSTGRES_URL).
const fromConfig = i18n.MigrateFromConfig

func newMigrateCmd(g *globalFlags) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "migrate --to-postgres [URL]",
		Short: i18n.MigrateShort,
		Long:  i18n.MigrateLong,
		Example: "  BALCAO_POSTGRES_URL=postgres://balcao@db.interno/balcao balcao migrate --to-postgres\n" +
			"  balcao migrate --to-postgres=postgres://balcao@db.interno/balcao --db /srv/balcao/diretorio.db",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("to-postgres") {
				return fmt.Errorf("%s", i18n.MigrateNeedsTarget)
			}
			if to != fromConfig {
				cfg.Postgres.URL = to
			}
			if cfg.Postgres.URL == "" {
				return &config.Error{Key: "postgres.url", Reason: i18n.MigrateNeedsURL}
			}
			f, err := connectFleet(cmd.Context(), cfg, nil)
			if err != nil {
				return err
			}
			defer f.Close()
			src := fleet.Sources{Directory: cfg.DB, Outbox: cfg.OutboxPath(), Audit: cfg.AuditPath(), HostKey: cfg.SSH.HostKey}
			c, err := f.ToPostgres(cmd.Context(), src)
			if err != nil {
				return fmt.Errorf(i18n.MigrateFailed, err)
			}
			printMigrated(cmd.OutOrStdout(), f.URL, src, c)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to-postgres", "", i18n.FlagMigrateToPostgres)
	cmd.Flags().Lookup("to-postgres").NoOptDefVal = fromConfig
	return cmd
}

// printMigrated says what moved where, and what was left as it was.
func printMigrated(w io.Writer, url string, src fleet.Sources, c fleet.Copied) {
	fmt.Fprintf(w, i18n.MigrateHeader+"\n", url)
	switch {
	case c.DirectoryMissing:
		fmt.Fprintf(w, i18n.MigrateMissing+"\n", src.Directory)
	case c.DirectorySkipped:
		fmt.Fprintln(w, i18n.MigrateDirectorySkipped)
	default:
		fmt.Fprintf(w, i18n.MigrateDirectory+"\n", c.Generation.Beneficiaries, c.Generation.Number)
	}
	if c.OutboxMissing {
		fmt.Fprintf(w, i18n.MigrateMissing+"\n", src.Outbox)
	} else {
		fmt.Fprintf(w, i18n.MigrateOutbox+"\n", c.Items, c.ItemsAlready)
	}
	if c.AuditMissing {
		fmt.Fprintf(w, i18n.MigrateMissing+"\n", src.Audit)
	} else {
		fmt.Fprintf(w, i18n.MigrateAudit+"\n", c.Lines)
	}
	fmt.Fprintln(w, i18n.MigrateHostKey(c.HostKey, src.HostKey))
	fmt.Fprintln(w, i18n.MigrateNext)
}
