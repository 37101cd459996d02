package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/model"
)

func newAuditCmd(g *globalFlags) *cobra.Command {
	var chave, desde string
	cmd := &cobra.Command{
		Use:     "audit",
		Short:   i18n.AuditShort,
		Long:    i18n.AuditLong,
		Example: "  balcao audit --chave 52998224725\n  balcao audit --chave 529.982.247-25 --desde 01/01/2026\n  balcao audit verify",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(chave) == "" {
				return fmt.Errorf("%s", i18n.AuditNeedChave)
			}
			var since time.Time
			if desde != "" {
				t, ok := model.ParseDate(desde)
				if !ok {
					return fmt.Errorf(i18n.AuditBadSince, desde)
				}
				since = t
			}
			return withAudit(g, func(l *audit.Log) error {
				return printAccesses(cmd, l, model.NormalizeChave(chave), desde, since)
			})
		},
	}
	cmd.Flags().StringVar(&chave, "chave", "", i18n.FlagAuditChave)
	cmd.Flags().StringVar(&desde, "desde", "", i18n.FlagAuditDesde)
	cmd.PersistentFlags().StringVar(&g.postgres, "postgres", "", i18n.FlagPostgres)
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: i18n.AuditVerifyShort,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAudit(g, func(l *audit.Log) error { return verifyAudit(cmd, l) })
		},
	})
	return cmd
}

// withAudit opens the configured access record for f.
func withAudit(g *globalFlags, f func(*audit.Log) error) error {
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	if cfg.Fleet() {
		return withFleetAudit(cfg, f)
	}
	path := auditPath(cfg)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	l, err := audit.Open(path)
	if err != nil {
		return err
	}
	defer l.Close()
	return f(l)
}

// auditPath is the access record of cfg: the demo's next to the demo's outbox.
func auditPath(cfg *config.Config) string {
	if cfg.Demo() && cfg.Audit.File == "" {
		return demoPath("acessos.db")
	}
	return cfg.AuditPath()
}

func printAccesses(cmd *cobra.Command, l *audit.Log, chave, desde string, since time.Time) error {
	lines, err := l.Who(cmd.Context(), chave, since)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if len(lines) == 0 {
		fmt.Fprintf(w, i18n.AuditNone+"\n", chave, i18n.AuditSince(desde))
		return nil
	}
	fmt.Fprintln(w, i18n.AuditHeader(chave, desde))
	for _, e := range lines {
		printAccess(w, e)
	}
	fmt.Fprintln(w, i18n.AuditCount(len(lines)))
	return nil
}

// printAccess writes one access: when, who (and the SSH key), what.
func printAccess(w io.Writer, e audit.Entry) {
	what := map[audit.Kind]string{audit.KindBeneficiary: i18n.AuditKindBeneficiary, audit.KindSearch: i18n.AuditKindSearch,
		audit.KindOccurrence: i18n.AuditKindOccurrence}[e.Kind]
	if what == "" {
		what = string(e.Kind)
	}
	who := e.Who
	if e.Key != "" {
		who += " (" + i18n.AuditKey + " " + e.Key + ")"
	}
	detail := ""
	if e.What != "" {
		detail = ": " + e.What
	}
	fmt.Fprintf(w, "  %s  %s  %s%s%s\n", model.FormatDateTimeBR(e.At), who, what, detail, i18n.AuditOthers(len(e.Chaves)-1))
}

func verifyAudit(cmd *cobra.Command, l *audit.Log) error {
	rep, err := l.Verify(cmd.Context())
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if len(rep.Problems) > 0 {
		for _, p := range rep.Problems {
			fmt.Fprintf(w, i18n.AuditChainProblem, p.Seq, p.Reason)
		}
		return fmt.Errorf(i18n.AuditChainBroken, len(rep.Problems))
	}
	fmt.Fprintf(w, i18n.AuditChainOK, rep.Lines, rep.FirstSeq, rep.LastSeq, rep.LastSeq, rep.LastHash)
	return nil
}
