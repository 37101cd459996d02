package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/cobra"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/demo"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/sandbox"
)

func newSandboxCmd(g *globalFlags) *cobra.Command {
	var (
		addr                         string
		opts                         sandbox.Options
		latency, jitter              time.Duration
		failRate, hangRate, dropRate float64
		dropAfterCreate              float64
		tokenTTL                     time.Duration
		setup                        sandboxSetup
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: i18n.SandboxShort,
		Long:  i18n.SandboxLong,
		Example: "  balcao sandbox --addr 127.0.0.1:9000\n  balcao sandbox --beneficiaries 1000000 --latency 200ms --fail-rate 0.3\n" +
			"  balcao sandbox --write-config ./sandbox.toml --write-directory ./sandbox.db",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for name, v := range map[string]float64{"--fail-rate": failRate, "--hang-rate": hangRate, "--drop-rate": dropRate, "--drop-after-create": dropAfterCreate} {
				if v < 0 || v > 1 {
					return fmt.Errorf(i18n.SandboxBadRate, name, v)
				}
			}
			if opts.Beneficiaries < 1 || opts.Beneficiaries > 2_000_000 {
				return fmt.Errorf(i18n.SandboxBadSize, opts.Beneficiaries)
			}
			opts.TokenTTL = tokenTTL
			opts.Faults = sandbox.Faults{Latency: latency, Jitter: jitter, FailRate: failRate, HangRate: hangRate,
				DropRate: dropRate, DropAfterCreate: dropAfterCreate}
			return runSandbox(cmd.Context(), opts, addr, setup, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8090", i18n.FlagSandboxAddr)
	f.IntVar(&opts.Beneficiaries, "beneficiaries", sandbox.DefaultBeneficiaries, i18n.FlagSandboxBeneficiaries)
	f.Int64Var(&opts.Seed, "seed", 1, i18n.FlagSandboxSeed)
	f.DurationVar(&latency, "latency", 0, i18n.FlagSandboxLatency)
	f.DurationVar(&jitter, "jitter", 0, i18n.FlagSandboxJitter)
	f.Float64Var(&failRate, "fail-rate", 0, i18n.FlagSandboxFailRate)
	f.Float64Var(&hangRate, "hang-rate", 0, i18n.FlagSandboxHangRate)
	f.Float64Var(&dropRate, "drop-rate", 0, i18n.FlagSandboxDropRate)
	f.Float64Var(&dropAfterCreate, "drop-after-create", 0, i18n.FlagSandboxDropAfterCreate)
	f.DurationVar(&tokenTTL, "token-ttl", time.Hour, i18n.FlagSandboxTokenTTL)
	f.StringVar(&opts.TOTVSUser, "totvs-user", "balcao", i18n.FlagSandboxTOTVSUser)
	f.StringVar(&opts.TOTVSPassword, "totvs-password", "balcao", i18n.FlagSandboxTOTVSPassword)
	f.StringVar(&opts.MosiaToken, "mosia-token", "sandbox-token", i18n.FlagSandboxMosiaToken)
	f.StringVar(&setup.config, "write-config", "", i18n.FlagSandboxWriteConfig)
	f.StringVar(&setup.directory, "write-directory", "", i18n.FlagSandboxWriteDirectory)
	return cmd
}

// sandboxSetup is where `balcao sandbox` writes what a console needs to work against it.
type sandboxSetup struct {
	config    string // the config file (default: sandbox/balcao.toml under the data directory)
	directory string // the directory of the sandbox's people (default: the demo directory's cache)
}

// runSandbox starts the sandbox, writes a config file (URLs, credentials, the catalogue it accepts, a directory of
// its people) and prints the one line that starts a console on it; it serves until ctx is done.
func runSandbox(ctx context.Context, opts sandbox.Options, addr string, setup sandboxSetup, out io.Writer) error {
	s := sandbox.New(opts)
	if err := s.Start(addr); err != nil {
		return err
	}
	defer s.Close()
	o := s.Options()
	fmt.Fprintln(out, i18n.SandboxBanner)
	fmt.Fprintf(out, i18n.SandboxTOTVSLine+"\n", s.TOTVSURL(), o.TOTVSUser, o.TOTVSPassword)
	fmt.Fprintf(out, i18n.SandboxMosiaLine+"\n", s.MosiaURL(), o.MosiaToken)
	fmt.Fprintf(out, i18n.SandboxDatasetLine+"\n", s.Dataset().Len(), s.Dataset().Seed())
	path, err := writeSandboxSetup(ctx, s, setup)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, i18n.SandboxSetupHint(path))
	fmt.Fprintln(out, "  balcao --config "+shellQuote(path)+" console")
	fmt.Fprintln(out, i18n.SandboxStopHint)
	<-ctx.Done()
	fmt.Fprintln(out, i18n.SandboxStopped)
	return nil
}

// sandboxConfig is the config file a console reads to work against a running sandbox.
type sandboxConfig struct {
	TOTVS     map[string]string `toml:"totvs"`
	Mosia     map[string]string `toml:"mosia"`
	DB        string            `toml:"db"`
	OutboxDB  string            `toml:"outbox_db"`
	Audit     map[string]string `toml:"audit"`
	Catalogue config.Catalogue  `toml:"catalogo"`
}

// writeSandboxSetup builds (or reuses) the directory of the sandbox's people and writes the config file (0600,
// its directory 0700); it returns the config file's path.
func writeSandboxSetup(ctx context.Context, s *sandbox.Sandbox, setup sandboxSetup) (string, error) {
	o := s.Options()
	dir := filepath.Join(config.DataDir(), "sandbox")
	if setup.config == "" {
		setup.config = filepath.Join(dir, "balcao.toml")
	}
	db := setup.directory
	if db == "" {
		p, err := demo.Directory(ctx, config.CacheDir(), s.Dataset().Seed(), s.Dataset().Len())
		if err != nil {
			return "", err
		}
		db = p
	} else if err := writeSandboxDirectory(ctx, s, db); err != nil {
		return "", err
	}
	home := filepath.Dir(setup.config)
	c := sandboxConfig{
		TOTVS:     map[string]string{"url": s.TOTVSURL(), "user": o.TOTVSUser, "password": o.TOTVSPassword, "auth": "basic"},
		Mosia:     map[string]string{"url": s.MosiaURL(), "token": o.MosiaToken},
		DB:        abs(db),
		OutboxDB:  abs(filepath.Join(home, "ocorrencias-sandbox.db")),
		Audit:     map[string]string{"file": abs(filepath.Join(home, "acessos-sandbox.db"))},
		Catalogue: config.DefaultCatalogue(),
	}
	b, err := toml.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("sandbox config: %w", err)
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return "", fmt.Errorf("sandbox config %s: %w", setup.config, err)
	}
	header := "# " + i18n.SandboxConfigHeader + "\n"
	if err := os.WriteFile(setup.config, append([]byte(header), b...), 0o600); err != nil {
		return "", fmt.Errorf("sandbox config %s: %w", setup.config, err)
	}
	return abs(setup.config), nil
}

// writeSandboxDirectory builds the directory of the sandbox's people at path (replacing what is there).
func writeSandboxDirectory(ctx context.Context, s *sandbox.Sandbox, path string) error {
	if err := os.MkdirAll(filepath.Dir(abs(path)), 0o700); err != nil {
		return fmt.Errorf("sandbox directory %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("sandbox directory %s: %w", path, err)
		}
	}
	ds := s.Dataset()
	if err := directory.Build(ctx, path, ds.Len(), ds.Beneficiary); err != nil {
		return fmt.Errorf("sandbox directory %s: %w", path, err)
	}
	return nil
}

// abs is path made absolute (as it is when that fails).
func abs(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}

// shellQuote quotes a path for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
