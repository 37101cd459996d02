package sandbox

import (
	"context"
	"fmt"
	"io"

	"github.com/balcao/balcao/i18n"
)

// Run starts a sandbox on addr, prints its URLs, credentials and the env lines to copy (pt-BR) to out,
// and serves until ctx is done.
func Run(ctx context.Context, opts Options, addr string, out io.Writer) error {
	s := New(opts)
	if err := s.Start(addr); err != nil {
		return err
	}
	defer s.Close()
	o := s.Options()
	fmt.Fprintln(out, i18n.SandboxBanner)
	fmt.Fprintf(out, i18n.SandboxTOTVSLine+"\n", s.TOTVSURL(), o.TOTVSUser, o.TOTVSPassword)
	fmt.Fprintf(out, i18n.SandboxMosiaLine+"\n", s.MosiaURL(), o.MosiaToken)
	fmt.Fprintf(out, i18n.SandboxDatasetLine+"\n", s.data.Len(), s.data.Seed())
	fmt.Fprintln(out, i18n.SandboxEnvHint)
	fmt.Fprintln(out, EnvLines(s))
	fmt.Fprintln(out, i18n.SandboxStopHint)
	<-ctx.Done()
	fmt.Fprintln(out, i18n.SandboxStopped)
	return nil
}

// EnvLines returns the BALCAO_* assignments that point balcão at a started sandbox, on one line.
func EnvLines(s *Sandbox) string {
	o := s.Options()
	return fmt.Sprintf("BALCAO_TOTVS_URL=%s BALCAO_TOTVS_USER=%s BALCAO_TOTVS_PASSWORD=%s BALCAO_MOSIA_URL=%s BALCAO_MOSIA_TOKEN=%s",
		s.TOTVSURL(), o.TOTVSUser, o.TOTVSPassword, s.MosiaURL(), o.MosiaToken)
}
