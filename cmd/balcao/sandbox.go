package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

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
	)
	cmd := &cobra.Command{
		Use:     "sandbox",
		Short:   i18n.SandboxShort,
		Long:    i18n.SandboxLong,
		Example: "  balcao sandbox --addr 127.0.0.1:9000\n  balcao sandbox --beneficiaries 1000000 --latency 200ms --fail-rate 0.3",
		Args:    noArgs,
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
			return sandbox.Run(cmd.Context(), opts, addr, cmd.OutOrStdout())
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
	return cmd
}
