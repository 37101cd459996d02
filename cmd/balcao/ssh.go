package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/sshserver"
)

// sshFlags are balcao ssh's own flags; each overrides its config key when given.
type sshFlags struct {
	addr           string
	authorizedKeys string
	hostKey        string
	demo           bool
}

func newSSHCmd(g *globalFlags) *cobra.Command {
	var f sshFlags
	cmd := &cobra.Command{
		Use:   "ssh",
		Short: i18n.SSHShort,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSSH(cmd.Context(), g, f, cmd)
		},
	}
	cmd.Flags().StringVar(&f.addr, "addr", "", i18n.FlagSSHAddr)
	cmd.Flags().StringVar(&f.authorizedKeys, "authorized-keys", "", i18n.FlagSSHAuthorizedKeys)
	cmd.Flags().StringVar(&f.hostKey, "host-key", "", i18n.FlagSSHHostKey)
	cmd.Flags().BoolVar(&f.demo, "demo", false, i18n.FlagSSHDemo)
	addPostgresFlag(cmd, g)
	return cmd
}

// runSSH serves the console over SSH, with the busca server in the background, until SIGINT/SIGTERM, then shuts
// down gracefully (connected attendants are told, submissions in flight finish).
func runSSH(ctx context.Context, g *globalFlags, f sshFlags, cmd *cobra.Command) error {
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	if f.addr != "" {
		cfg.SSH.Addr = f.addr
	}
	if f.authorizedKeys != "" {
		cfg.SSH.AuthorizedKeys = f.authorizedKeys
	}
	if f.hostKey != "" {
		cfg.SSH.HostKey = f.hostKey
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	startups, _ := cfg.SSH.Startups() // validated
	opts := sshserver.Options{
		Addr: cfg.SSH.Addr, HostKeyPath: cfg.SSH.HostKey, AuthorizedKeysPath: cfg.SSH.AuthorizedKeys, Demo: f.demo,
		MaxSessions: cfg.SSH.MaxSessions, IdleTimeout: cfg.SSH.IdleTimeout.Duration, Attendants: cfg.Attendants,
		LoginGrace: cfg.SSH.LoginGrace.Duration, MaxStartups: startups,
		SessionsPerAttendant: cfg.SSH.MaxSessionsPerAttendant,
	}
	if err := sshserver.CheckAccess(opts); err != nil { // before starting anything
		return err
	}
	c, err := startConsoles(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.stop()
	if err := c.rt.fleetHostKey(ctx, &opts); err != nil {
		return err
	}
	c.log.Info("ssh start", "addr", cfg.SSH.Addr, "demo_data", c.rt.demo, "open", f.demo && cfg.SSH.AuthorizedKeys == "")
	opts.Logger = c.log
	runErr := sshserver.Run(c.ctx, c.svc, c.hub, opts, cmd.OutOrStdout())
	c.log.Info("ssh end")
	return runErr
}
