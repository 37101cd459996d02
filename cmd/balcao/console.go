package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/server"
	"github.com/balcao/balcao/ui"
	"github.com/balcao/balcao/ui/common"
)

// consoleFlags are the console's own flags.
type consoleFlags struct {
	serverAddr string
	noServer   bool
}

func newConsoleCmd(g *globalFlags) *cobra.Command {
	var f consoleFlags
	cmd := &cobra.Command{
		Use:   "console",
		Short: i18n.ConsoleShort,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConsole(cmd.Context(), g, f)
		},
	}
	addConsoleFlags(cmd, &f)
	addPostgresFlag(cmd, g)
	return cmd
}

// addConsoleFlags adds the console's flags to cmd (the root runs the console too).
func addConsoleFlags(cmd *cobra.Command, f *consoleFlags) {
	cmd.Flags().StringVar(&f.serverAddr, "server-addr", "", i18n.FlagConsoleServerAddr)
	cmd.Flags().BoolVar(&f.noServer, "no-server", false, i18n.FlagConsoleNoServer)
}

// runConsole runs the attendant console in this terminal, with the busca server in a background goroutine.
func runConsole(ctx context.Context, g *globalFlags, f consoleFlags) error {
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	if f.serverAddr != "" {
		cfg.Server.Addr = f.serverAddr
	}
	if f.noServer {
		cfg.Server.Disabled = true
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	c, err := startConsoles(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.stop()

	attendant := cfg.Attendant
	if attendant == "" {
		attendant = osUser()
	}
	c.log.Info("console start", "attendant", attendant, "demo", c.rt.demo)
	m := ui.New(c.svc, common.Session{
		Attendant: attendant, AttendantID: cfg.Attendants[attendant], Renderer: common.NewRenderer(lipgloss.NewRenderer(os.Stdout), os.Environ()), Output: os.Stdout, Logger: c.log,
		NoColor: common.NoColor(os.Environ()),
	})
	p := tea.NewProgram(m, append(ui.ProgramOptions(), tea.WithContext(c.ctx))...)
	unregister := c.hub.Register(p)
	_, runErr := p.Run()
	unregister()
	c.log.Info("console end")
	if runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled) && !errors.Is(runErr, context.Canceled) {
		return fmt.Errorf(i18n.ConsoleNeedsTerminal, runErr)
	}
	return nil
}

// startBackgroundServer starts the busca server unless disabled. A configuration it cannot trust (TLS files,
// columns, the local secret) stops the start with its error; a taken port is shown in the status bar, not fatal.
func startBackgroundServer(ctx context.Context, cfg *config.Config, rt *runtime, bg *sync.WaitGroup) (*serverStatus, error) {
	st := &serverStatus{}
	if cfg.Server.Disabled {
		st.fail(i18n.ConsoleServerDisabled)
		return st, nil
	}
	opts, _, err := buscaOptions(cfg, rt.log, rt.audit, rt.totvs)
	if err != nil {
		return nil, err
	}
	opts.Database = rt.databaseStatus()
	srv, err := server.New(rt.dir, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		st.fail(fmt.Sprintf(i18n.ConsolePortTaken, cfg.Server.Addr))
		rt.log.Warn("busca server not started", "addr", cfg.Server.Addr, "err", err)
		return st, nil
	}
	st.set(ln.Addr().String(), srv.Requests)
	bg.Add(1)
	go func() {
		defer bg.Done()
		if err := srv.Serve(ctx, ln); err != nil {
			rt.log.Error("busca server", "err", err)
			st.fail(err.Error())
		}
	}()
	return st, nil
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if v := os.Getenv("USER"); v != "" {
		return v
	}
	return "atendente"
}
