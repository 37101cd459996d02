package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/spf13/cobra"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/demo"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/internal/gctune"
	"github.com/balcao/balcao/server"
)

func newServeCmd(g *globalFlags) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: i18n.ServeShort,
		Long:  i18n.ServeLong,
		Example: "  BALCAO_SERVER_SECRET=\"$(head -c 32 /dev/urandom | base64)\" balcao serve --addr 0.0.0.0:8089 \\\n" +
			"      --tls-cert /etc/balcao/cert.pem --tls-key /etc/balcao/key.pem --db /srv/balcao/diretorio.db\n" +
			"  balcao serve --demo",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(g)
			if err != nil {
				return err
			}
			f.apply(cfg)
			if err := cfg.Validate(); err != nil {
				return err
			}
			return runServe(cmd.Context(), cfg, f.demo, stderrLog(cfg), cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&f.addr, "addr", "", i18n.FlagServeAddr)
	cmd.Flags().BoolVar(&f.demo, "demo", false, i18n.FlagServeDemo)
	cmd.Flags().StringVar(&f.tlsCert, "tls-cert", "", i18n.FlagServeTLSCert)
	cmd.Flags().StringVar(&f.tlsKey, "tls-key", "", i18n.FlagServeTLSKey)
	cmd.Flags().BoolVar(&f.behindProxy, "behind-proxy", false, i18n.FlagServeBehindProxy)
	addPostgresFlag(cmd, g)
	return cmd
}

// serveFlags are balcao serve's own flags.
type serveFlags struct {
	addr, tlsCert, tlsKey string
	demo, behindProxy     bool
}

// apply puts the flags given over the configuration.
func (f serveFlags) apply(cfg *config.Config) {
	if f.addr != "" {
		cfg.Server.Addr = f.addr
	}
	if f.tlsCert != "" {
		cfg.Server.TLSCert = f.tlsCert
	}
	if f.tlsKey != "" {
		cfg.Server.TLSKey = f.tlsKey
	}
	if f.behindProxy {
		cfg.Server.BehindProxy = true
	}
	cfg.Server.Disabled = false // serve serves: its checks always apply
}

// runServe serves buscaBeneficiarios until ctx is done (SIGTERM/SIGINT), finishing requests in flight.
func runServe(ctx context.Context, cfg *config.Config, useDemo bool, log *slog.Logger, out io.Writer) error {
	if cfg.Fleet() {
		if useDemo {
			return &config.Error{Key: "--demo", Reason: i18n.ConfigPostgresDemo}
		}
		return runFleetServe(ctx, cfg, log, out)
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
	rec, err := openAccessRecord(auditPath(cfg))
	if err != nil {
		return err
	}
	defer rec.Close()
	dir, err := directory.Open(ctx, dbPath, directory.Options{Logger: log})
	if err != nil {
		return fmt.Errorf(i18n.ErrDirectoryFile, dbPath, err)
	}
	defer dir.Close()
	return serveDirectory(ctx, cfg, log, out, dir, rec, dbPath, nil)
}

// serveDirectory serves dir until ctx is done; db is the fleet's database state (nil on one machine).
func serveDirectory(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer, dir *directory.Directory,
	rec *audit.Log, dbPath string, db server.DatabaseCheck) error {
	var fb server.Fallback
	if cfg.Server.TOTVSFallback {
		if cfg.TOTVS.URL == "" { // serve --demo has no TOTVS of its own
			log.Warn("server.totvs_fallback ignored: no TOTVS configured")
		} else {
			c := totvs.New(totvsOptions(cfg, log))
			defer c.Close()
			fb = c
		}
	}
	opts, local, err := buscaOptions(cfg, log, rec, fb)
	if err != nil {
		return err
	}
	opts.Database = db
	gctune.Tighten()
	if err := dir.Warm(ctx); err != nil { // before listening: the first requests must not pay for it
		return fmt.Errorf(i18n.ErrDirectoryFile, dbPath, err)
	}
	srv, err := server.New(dir, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf(i18n.ServeCannotListen, cfg.Server.Addr, err)
	}
	n, _ := dir.Count(ctx)
	scheme := "http"
	if opts.TLS != nil {
		scheme = "https"
	}
	fmt.Fprintf(out, i18n.ServeListening, scheme, ln.Addr().String()+srv.BuscaPath(), dbPath, n)
	if opts.TLS != nil {
		fmt.Fprintln(out, i18n.ServeTLSOn)
	}
	if local != "" {
		fmt.Fprintf(out, i18n.ServeLocalSecretNote+"\n", local)
	}
	log.Info("serve start", "addr", ln.Addr().String(), "beneficiarios", n, "tls", opts.TLS != nil,
		"credential", credentialKind(opts))
	err = srv.Serve(ctx, ln)
	log.Info("serve end")
	return err
}

// credentialKind names, for the log, which credential guards the service (never its value).
func credentialKind(o server.Options) string {
	switch {
	case o.SecretName == server.LocalSecretName:
		return server.LocalSecretName
	case o.Secret != "" && o.AuthUser != "":
		return "segredo+usuario"
	case o.Secret != "":
		return "segredo"
	}
	return "usuario"
}
