// Command balcao is the attendant console for health-plan operators on Mosia Omnichannel and TOTVS Saúde Planos:
// the console (default), the buscaBeneficiarios service, the console over SSH, the sandbox, and the directory import.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
)

// version is set by the Makefile (-ldflags "-X main.version=…").
var version = "dev"

// globalFlags are the flags every subcommand takes.
type globalFlags struct {
	configPath string
	debug      bool
	db         string
	postgres   string // --postgres: fleet mode on this database
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, i18n.ErrorPrefix+err.Error())
		if errors.Is(err, directory.ErrBrokenBuild) {
			fmt.Fprintln(os.Stderr, i18n.DirectoryBrokenBuild)
		}
		var ce *config.Error
		if errors.As(err, &ce) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	g := &globalFlags{}
	var cf consoleFlags
	root := &cobra.Command{
		Use:           "balcao",
		Short:         i18n.CmdShort,
		Long:          i18n.CmdLong,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConsole(cmd.Context(), g, cf)
		},
	}
	addConsoleFlags(root, &cf)
	addPostgresFlag(root, g)
	root.PersistentFlags().StringVar(&g.configPath, "config", "", i18n.FlagConfig)
	root.PersistentFlags().BoolVar(&g.debug, "debug", false, i18n.FlagDebug)
	root.PersistentFlags().StringVar(&g.db, "db", "", i18n.FlagDB)
	root.AddCommand(
		newConsoleCmd(g),
		newServeCmd(g),
		newSSHCmd(g),
		newSandboxCmd(g),
		newImportCmd(g),
		newInfoCmd(g),
		newAuditCmd(g),
		newMigrateCmd(g),
	)
	localizeCobra(root)
	return root
}

// loadConfig reads the configuration and applies the global flags.
func loadConfig(g *globalFlags) (*config.Config, error) {
	cfg, err := config.Load(g.configPath, os.Environ())
	if err != nil {
		return nil, err
	}
	if g.debug {
		cfg.Log.Debug = true
	}
	if g.db != "" {
		cfg.DB = g.db
	}
	if g.postgres != "" {
		cfg.Postgres.URL = g.postgres
	}
	return cfg, nil
}

// localizeCobra puts cobra's own help texts in pt-BR.
func localizeCobra(root *cobra.Command) {
	root.SetHelpCommand(&cobra.Command{Use: "help [comando]", Short: i18n.CmdHelpShort, Hidden: true,
		Run: func(c *cobra.Command, args []string) {
			cmd, _, err := c.Root().Find(args)
			if cmd == nil || err != nil {
				cmd = c.Root()
			}
			_ = cmd.Help()
		}})
	root.InitDefaultHelpFlag()
	root.Flags().Lookup("help").Usage = i18n.FlagHelp
	root.InitDefaultVersionFlag()
	root.Flags().Lookup("version").Usage = i18n.FlagVersion
	root.SetUsageTemplate(i18n.UsageTemplate)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf(i18n.FlagError, err, c.CommandPath())
	})
	root.CompletionOptions.DisableDefaultCmd = true
	for _, c := range root.Commands() {
		c.InitDefaultHelpFlag()
		if f := c.Flags().Lookup("help"); f != nil {
			f.Usage = i18n.FlagHelp
		}
	}
}
