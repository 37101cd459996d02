package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/directory/csvimport"
	"github.com/balcao/balcao/fleet"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/pgsql"
	"github.com/balcao/balcao/server"
	"github.com/balcao/balcao/sshserver"
)

// Fleet mode (--postgres, postgres.url, BALCAO_POSTGRES_URL): the instance's parts on the shared database; see
// docs/deploy.md.

// addPostgresFlag gives cmd the --postgres flag (kept in g, applied by loadConfig).
func addPostgresFlag(cmd *cobra.Command, g *globalFlags) {
	cmd.Flags().StringVar(&g.postgres, "postgres", "", i18n.FlagPostgres)
}

// fleetParts is what an instance in fleet mode holds besides the usual parts.
type fleetParts struct {
	f       *fleet.Fleet
	ref     *fleet.Refresher
	spill   *outbox.Spill
	shipper *audit.Shipper
}

// connectFleet connects to the fleet's database, saying in pt-BR what to check when it cannot.
func connectFleet(ctx context.Context, cfg *config.Config, log *slog.Logger) (*fleet.Fleet, error) {
	f, err := fleet.Open(ctx, cfg.Postgres.URL, log)
	if err != nil {
		return nil, fmt.Errorf(i18n.FleetCannotConnect, err)
	}
	return f, nil
}

// openFleetParts connects and opens the shared outbox (with its spill) and access record (with its queue);
// the goroutines they start end with ctx.
func openFleetParts(ctx context.Context, cfg *config.Config, log *slog.Logger, withOutbox bool) (
	*fleetParts, *outbox.Queue, *audit.Log, error) {
	f, err := connectFleet(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	p := &fleetParts{f: f}
	var box *outbox.Queue
	if withOutbox {
		if box, p.spill, err = f.Outbox(ctx, cfg.SpillPath()); err != nil {
			_ = f.Close()
			return nil, nil, nil, fmt.Errorf(i18n.ErrOutboxFile, cfg.SpillPath(), err)
		}
	}
	rec, sh, err := f.Audit(ctx, cfg.AuditQueuePath())
	if err != nil {
		if box != nil {
			_ = box.Close()
		}
		_ = f.Close()
		return nil, nil, nil, fmt.Errorf(i18n.ErrAuditFile, cfg.AuditQueuePath(), err)
	}
	p.shipper = sh
	return p, box, rec, nil
}

// directory opens the local index at cfg.DB, built from the shared directory when empty, and starts its
// refresher until ctx ends (counted in wg).
func (p *fleetParts) directory(ctx context.Context, cfg *config.Config, wg *sync.WaitGroup) (*directory.Directory, error) {
	dir, ref, err := p.f.Directory(ctx, cfg.DB, cfg.Postgres.Poll.Duration)
	if errors.Is(err, fleet.ErrNoDirectory) {
		return nil, fmt.Errorf(i18n.FleetNoDirectory, err)
	}
	if err != nil {
		return nil, fmt.Errorf(i18n.ErrDirectoryFile, cfg.DB, err)
	}
	p.ref = ref
	wg.Go(func() { ref.Run(ctx) })
	return dir, nil
}

// status is /healthz's view of the shared database.
func (p *fleetParts) status(ctx context.Context) server.DatabaseStatus {
	h := fleet.Status{Fleet: p.f, Refresher: p.ref, Spill: p.spill, Shipper: p.shipper}.Check(ctx)
	return server.DatabaseStatus{OK: h.Database, Generation: h.Generation, Local: h.Local, Spilled: h.SpilledItems,
		Queued: h.QueuedAccesses}
}

// close closes the pool (the stores on it are closed by their owners first).
func (p *fleetParts) close() error { return p.f.Close() }

// databaseStatus is the busca service's Database option: nil on one machine.
func (rt *runtime) databaseStatus() server.DatabaseCheck {
	if rt.fleet == nil {
		return nil
	}
	return rt.fleet.status
}

// openFleet opens the runtime's outbox and access record on the shared database.
func (rt *runtime) openFleet(ctx context.Context) error {
	p, box, rec, err := openFleetParts(ctx, rt.cfg, rt.log, true)
	if err != nil {
		return err
	}
	rt.fleet, rt.box, rt.audit = p, box, rec
	rt.closers = append(rt.closers, p.close, box.Close, rec.Close)
	return nil
}

// openDirectory opens the runtime's directory: the local index of the shared one in fleet mode, else the file.
func (rt *runtime) openDirectory(ctx context.Context, path string) (*directory.Directory, error) {
	if rt.fleet == nil {
		if !rt.demo {
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf(i18n.RuntimeNoDirectory, path)
			}
		}
		dir, err := directory.Open(ctx, path, directory.Options{Logger: rt.log})
		if err != nil {
			return nil, fmt.Errorf(i18n.ErrDirectoryFile, path, err)
		}
		return dir, nil
	}
	return rt.fleet.directory(ctx, rt.cfg, &rt.wg)
}

// fleetHostKey puts the fleet's SSH host key in opts (fleet mode only): every instance presents the same one.
func (rt *runtime) fleetHostKey(ctx context.Context, opts *sshserver.Options) error {
	if rt.fleet == nil {
		return nil
	}
	signer, from, err := rt.fleet.f.HostKey(ctx, rt.cfg.SSH.HostKey)
	if err != nil {
		return err
	}
	rt.log.Info("ssh host key from the fleet's database", "from", from)
	opts.HostKey, opts.HostKeyPath = signer, i18n.FleetHostKeyPlace
	return nil
}

// runFleetServe is balcao serve in fleet mode: the local index of the shared directory, kept current in the
// background, and the access record shipped to the database.
func runFleetServe(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p, _, rec, err := openFleetParts(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	dir, err := p.directory(ctx, cfg, &wg)
	if err != nil {
		_ = rec.Close()
		_ = p.close()
		return err
	}
	defer func() { // the refresher writes into dir: stop it first
		cancel()
		wg.Wait()
		_ = dir.Close()
		_ = rec.Close()
		_ = p.close()
	}()
	fmt.Fprintf(out, i18n.FleetServing+"\n", p.f.URL, p.ref.Local().Number)
	return serveDirectory(ctx, cfg, log, out, dir, rec, cfg.DB, p.status)
}

// withFleetAudit runs f on the shared access record (balcao audit in fleet mode).
func withFleetAudit(cfg *config.Config, f func(*audit.Log) error) error {
	ctx := context.Background()
	fl, err := connectFleet(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer fl.Close()
	return f(audit.NewLog(fl.AuditStore()))
}

// runFleetImport is balcao import in fleet mode: the file merged into (or replacing) the shared directory,
// published as its next generation, which every instance then loads.
func runFleetImport(cmd *cobra.Command, cfg *config.Config, csvPath string, replace, allowShrink bool, maxBad int) error {
	ctx := cmd.Context()
	f, err := connectFleet(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer f.Close()
	bar, progress, err := importProgress(cmd, csvPath)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	rep, err := f.Import(ctx, csvPath, filepath.Dir(cfg.DB), filepath.Base(csvPath)+" @"+host,
		csvimport.Options{Replace: replace, AllowShrink: allowShrink, Logger: stderrLog(cfg), Progress: progress})
	_ = bar.Finish()
	if err != nil {
		if nr := (*csvimport.NoRowsError)(nil); errors.As(err, &nr) {
			printBadRows(cmd.OutOrStdout(), rep.Report, maxBad)
		}
		return fmt.Errorf(i18n.ImportFailed, csvPath, err)
	}
	dest := fmt.Sprintf(i18n.FleetImportDest, f.URL, rep.Generation.Number, rep.Published.Round(time.Millisecond))
	return printImportReport(cmd.OutOrStdout(), rep.Report, maxBad, dest)
}

// fleetInfo is what balcao info adds in fleet mode: the database (no password) and the files waiting for it.
func fleetInfo(cfg *config.Config) [][2]string {
	if !cfg.Fleet() {
		return [][2]string{{i18n.InfoFleet, i18n.InfoFleetOff}}
	}
	return [][2]string{
		{i18n.InfoFleet, pgsql.Redact(cfg.Postgres.URL)},
		{i18n.InfoFleetSpill, cfg.SpillPath()},
		{i18n.InfoFleetAuditQueue, cfg.AuditQueuePath()},
	}
}
