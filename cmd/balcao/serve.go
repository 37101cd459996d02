package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"

	"github.com/spf13/cobra"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/demo"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/server"
)

func newServeCmd(g *globalFlags) *cobra.Command {
	var addr string
	var useDemo bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: i18n.ServeShort,
		Long:  i18n.ServeLong,
		Example: "  BALCAO_SERVER_SECRET=s3gr3do balcao serve --addr 0.0.0.0:8089 --db /srv/balcao/diretorio.db\n" +
			"  balcao serve --demo",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			if addr != "" {
				cfg.Server.Addr = addr
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			return runServe(cmd.Context(), cfg, useDemo, stderrLog(cfg), cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", i18n.FlagServeAddr)
	cmd.Flags().BoolVar(&useDemo, "demo", false, i18n.FlagServeDemo)
	return cmd
}

// runServe serves buscaBeneficiarios until ctx is done (SIGTERM/SIGINT), finishing requests in flight.
func runServe(ctx context.Context, cfg *config.Config, useDemo bool, log *slog.Logger, out interface{ Write([]byte) (int, error) }) error {
	secret := cfg.Server.Secret
	if secret == "" {
		secret = cfg.Server.AuthPassword
	}
	if err := server.CheckListenAddr(cfg.Server.Addr, secret); err != nil {
		return err
	}
	dbPath := cfg.DB
	if useDemo {
		p, err := demo.Directory(ctx, config.CacheDir(), cfg.Sandbox.Seed, cfg.Sandbox.Beneficiaries)
		if err != nil {
			return err
		}
		dbPath = p
	} else if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf(i18n.RuntimeNoDirectory, dbPath)
	}
	dir, err := directory.Open(ctx, dbPath, directory.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("diretório %s: %w", dbPath, err)
	}
	defer dir.Close()
	server.TightenGC()
	if err := dir.Warm(ctx); err != nil { // before listening: the first requests must not pay for it
		return fmt.Errorf("diretório %s: %w", dbPath, err)
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf(i18n.ServeCannotListen, cfg.Server.Addr, err)
	}
	srv := server.New(dir, serverOptions(cfg, log))
	n, _ := dir.Count(ctx)
	fmt.Fprintf(out, i18n.ServeListening, ln.Addr().String()+srv.BuscaPath(), dbPath, n)
	if cfg.Server.Secret == "" && cfg.Server.AuthPassword == "" {
		fmt.Fprintln(out, i18n.ServeNoSecret)
	}
	log.Info("serve start", "addr", ln.Addr().String(), "beneficiarios", n)
	err = srv.Serve(ctx, ln)
	log.Info("serve end")
	return err
}

// serverOptions maps the configuration onto the busca server's options.
func serverOptions(cfg *config.Config, log *slog.Logger) server.Options {
	return server.Options{
		Prefix: cfg.Server.Prefix, SecretHeader: cfg.Server.SecretHeader, Secret: cfg.Server.Secret,
		AuthUser: cfg.Server.AuthUser, AuthPassword: cfg.Server.AuthPassword, TokenTTL: cfg.Server.TokenTTL.Duration,
		MaxResults: cfg.Server.MaxResults, Logger: log,
	}
}
