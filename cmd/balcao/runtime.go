package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/client/mosia"
	"github.com/balcao/balcao/client/totvs"
	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/demo"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/drafts"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/ui/common"
)

// runtime is everything a running balcão holds: the directory, the upstream clients (the embedded sandbox's in
// demo mode), the outbox and its sender.
type runtime struct {
	cfg     *config.Config
	log     *slog.Logger
	demo    bool
	sandbox *sandbox.Sandbox
	dir     *directory.Directory
	totvs   *totvs.Client
	mosia   *mosia.Client
	box     *outbox.Queue
	audit   *audit.Log
	sender  *outbox.Sender
	fleet   *fleetParts // fleet mode: the shared database's parts; nil on one machine

	healthTOTVS, healthMosia health
	drafts                   *drafts.Store
	closers                  []func() error
	wg                       sync.WaitGroup
}

// startRuntime opens the directory, the clients and the outbox (and, in demo mode, starts the embedded sandbox
// and builds or reuses the cached demo directory). The sender runs until ctx is done.
func startRuntime(ctx context.Context, cfg *config.Config, log *slog.Logger) (*runtime, error) {
	rt := &runtime{cfg: cfg, log: log, demo: cfg.Demo()}
	if err := rt.open(ctx); err != nil {
		rt.close()
		return nil, err
	}
	return rt, nil
}

func (rt *runtime) open(ctx context.Context) error {
	cfg := rt.cfg
	totvsOpts := totvsOptions(cfg, rt.log)
	mosiaOpts := mosia.Options{BaseURL: cfg.Mosia.URL, Token: cfg.Mosia.Token, Timeout: cfg.Mosia.Timeout.Duration,
		Retries: cfg.Mosia.Retries, Logger: rt.log}
	dbPath := cfg.DB
	outboxPath := cfg.OutboxPath()
	if rt.demo && cfg.OutboxDB == "" {
		outboxPath = demoPath("ocorrencias.db")
	}
	if cfg.Fleet() {
		if err := rt.openFleet(ctx); err != nil {
			return err
		}
	} else {
		if err := rt.openOutbox(outboxPath); err != nil {
			return err
		}
		if err := rt.openAudit(auditPath(cfg)); err != nil {
			return err
		}
	}
	if err := rt.openDrafts(draftsPath(cfg, rt.demo)); err != nil {
		return err
	}
	if rt.demo {
		sb := sandbox.New(sandbox.Options{Seed: cfg.Sandbox.Seed, Beneficiaries: cfg.Sandbox.Beneficiaries,
			Faults: sandbox.Faults{Latency: cfg.Sandbox.Latency.Duration}, Logger: rt.log,
			ProtocolFloor: highestProtocol(ctx, rt.box)})
		if err := sb.Start("127.0.0.1:0"); err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		rt.sandbox = sb
		rt.closers = append(rt.closers, sb.Close)
		o := sb.Options()
		totvsOpts.BaseURL, totvsOpts.User, totvsOpts.Password, totvsOpts.OAuth2 = sb.TOTVSURL(), o.TOTVSUser, o.TOTVSPassword, true
		mosiaOpts.BaseURL, mosiaOpts.Token = sb.MosiaURL(), o.MosiaToken
		p, err := demo.Directory(ctx, config.CacheDir(), cfg.Sandbox.Seed, cfg.Sandbox.Beneficiaries)
		if err != nil {
			return err
		}
		dbPath = p
	}
	dir, err := rt.openDirectory(ctx, dbPath)
	if err != nil {
		return err
	}
	rt.dir = dir
	rt.closers = append(rt.closers, dir.Close)
	rt.wg.Add(1)
	go func() { // the first name search would otherwise load the name index while the attendant waits
		defer rt.wg.Done()
		if err := dir.Warm(ctx); err != nil && ctx.Err() == nil {
			rt.log.Warn("directory warm-up", "err", err)
		}
	}()

	rt.totvs = totvs.New(totvsOpts)
	rt.mosia = mosia.New(mosiaOpts)
	rt.closers = append(rt.closers, rt.totvs.Close, rt.mosia.Close)

	cat := cfg.Catalogue
	rt.sender = outbox.NewSender(rt.box, rt.mosia, outbox.Options{
		MinBackoff: cfg.Outbox.MinBackoff.Duration, MaxBackoff: cfg.Outbox.MaxBackoff.Duration,
		MaxAttempts: cfg.Outbox.MaxAttempts, Lease: cfg.Outbox.Lease.Duration, Logger: rt.log, OnSent: rt.auditSent,
		SubjectName: func(typ, subject int) string {
			if t, ok := cat.TypeByID(typ); ok {
				if s, ok := t.SubjectByID(subject); ok {
					return s.Name
				}
			}
			return ""
		},
	})
	rt.wg.Add(4)
	go func() { defer rt.wg.Done(); _ = rt.sender.Run(ctx) }()
	go func() {
		defer rt.wg.Done()
		rt.healthTOTVS.watch(ctx, probeDeadline(cfg.TOTVS.Timeout.Duration), rt.totvs.Ping)
	}()
	go func() {
		defer rt.wg.Done()
		rt.healthMosia.watch(ctx, probeDeadline(cfg.Mosia.Timeout.Duration), rt.mosia.Ping)
	}()
	go func() { defer rt.wg.Done(); rt.purgeDaily(ctx) }()
	return nil
}

// draftsPath is where the console keeps the forms being typed: rascunhos.db next to the outbox (the demo's apart).
func draftsPath(cfg *config.Config, demo bool) string {
	if demo && cfg.OutboxDB == "" {
		return demoPath(drafts.FileName)
	}
	return filepath.Join(filepath.Dir(cfg.OutboxPath()), drafts.FileName)
}

// openDrafts opens the drafts file (its directory 0700).
func (rt *runtime) openDrafts(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf(i18n.ErrDraftsFile, path, err)
	}
	s, err := drafts.Open(path)
	if err != nil {
		return fmt.Errorf(i18n.ErrDraftsFile, path, err)
	}
	rt.drafts = s
	rt.closers = append(rt.closers, s.Close)
	return nil
}

// totvsOptions maps the configuration onto the TOTVS client's options.
func totvsOptions(cfg *config.Config, log *slog.Logger) totvs.Options {
	return totvs.Options{BaseURL: cfg.TOTVS.URL, User: cfg.TOTVS.User, Password: cfg.TOTVS.Password,
		OAuth2: cfg.TOTVS.Auth == "oauth2", TenantID: cfg.TOTVS.TenantID, Timeout: cfg.TOTVS.Timeout.Duration,
		Retries: cfg.TOTVS.Retries, PageSize: cfg.TOTVS.PageSize, MaxPages: cfg.TOTVS.MaxPages, Logger: log}
}

// openAudit opens the access record (its directory 0700).
func (rt *runtime) openAudit(path string) error {
	l, err := openAccessRecord(path)
	if err != nil {
		return err
	}
	rt.audit = l
	rt.closers = append(rt.closers, l.Close)
	return nil
}

// openAccessRecord opens the access record at path (its directory 0700).
func openAccessRecord(path string) (*audit.Log, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf(i18n.ErrAuditFile, path, err)
	}
	l, err := audit.Open(path)
	if err != nil {
		return nil, fmt.Errorf(i18n.ErrAuditFile, path, err)
	}
	return l, nil
}

// auditSent records in the access record an occurrence sent to Mosia, or a follow-up applied to a protocol
// ("anotacao", "status" or "ativar" before the protocol, as Mosia's paths name them).
func (rt *runtime) auditSent(ctx context.Context, it outbox.Item, protocol string) {
	what := "protocolo " + protocol
	switch it.Kind {
	case outbox.KindNote:
		what = "anotacao " + what
	case outbox.KindStatus:
		what = "status " + what
	case outbox.KindActivate:
		what = "ativar " + what
	}
	e := audit.Entry{Who: it.Attendant, Kind: audit.KindOccurrence, Chaves: []string{it.ChaveUnica()}, What: what}
	if err := rt.audit.Record(ctx, e); err != nil {
		rt.log.Error("access record: occurrence not recorded", "item", it.ID, "err", err)
	}
}

// demoPath is where the demo keeps a file of its own (its outbox, its access record): apart from production's.
func demoPath(name string) string { return filepath.Join(config.DataDir(), "demo", name) }

// openOutbox opens the outbox file (its directory 0700).
func (rt *runtime) openOutbox(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf(i18n.ErrOutboxFile, path, err)
	}
	box, err := outbox.Open(path)
	if err != nil {
		return fmt.Errorf(i18n.ErrOutboxFile, path, err)
	}
	rt.box = box
	rt.closers = append(rt.closers, box.Close)
	return nil
}

// highestProtocol is the highest protocol the embedded sandbox handed out that the outbox holds: a restarted
// demo numbers above it, so a kept outbox never meets a number twice.
func highestProtocol(ctx context.Context, box *outbox.Queue) string {
	items, err := box.List(ctx)
	if err != nil {
		return ""
	}
	top := ""
	for _, it := range items {
		if p := it.Protocol; strings.HasPrefix(p, sandbox.RegANS) && (len(p) > len(top) || len(p) == len(top) && p > top) {
			top = p
		}
	}
	return top
}

// purgeDaily applies the retentions, at start and then daily: the content of sent items, and old access lines.
func (rt *runtime) purgeDaily(ctx context.Context) {
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		n, err := rt.box.Purge(ctx, rt.cfg.Outbox.Retention.Duration)
		switch {
		case err != nil && ctx.Err() == nil:
			rt.log.Warn("outbox purge", "err", err)
		case n > 0:
			rt.log.Info("outbox purge", "items", n, "retention", rt.cfg.Outbox.Retention.Duration.String())
		}
		if err := rt.audit.Index(ctx); err != nil && ctx.Err() == nil { // keeps `balcao audit --chave` quick
			rt.log.Warn("access record index", "err", err)
		}
		if n, err := rt.drafts.Purge(ctx, time.Now().Add(-rt.cfg.Console.DraftRetention.Duration)); err != nil && ctx.Err() == nil {
			rt.log.Warn("drafts purge", "err", err)
		} else if n > 0 {
			rt.log.Info("drafts purge", "drafts", n, "retention", rt.cfg.Console.DraftRetention.Duration.String())
		}
		n, err = rt.audit.Purge(ctx, time.Now().Add(-rt.cfg.Audit.Retention.Duration))
		switch {
		case err != nil && ctx.Err() == nil:
			rt.log.Warn("access record purge", "err", err)
		case n > 0:
			rt.log.Info("access record purge", "lines", n, "retention", rt.cfg.Audit.Retention.Duration.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// wait waits for the background goroutines (they end with the context given to startRuntime).
func (rt *runtime) wait() { rt.wg.Wait() }

// close releases everything in reverse order of opening.
func (rt *runtime) close() {
	for i := len(rt.closers) - 1; i >= 0; i-- {
		if err := rt.closers[i](); err != nil {
			rt.log.Warn("close", "err", err)
		}
	}
	rt.closers = nil
}

// services builds the console's services; status is the busca server's state.
func (rt *runtime) services(status *serverStatus) *common.Services {
	cat := rt.cfg.Catalogue
	return &common.Services{
		Directory: rt.dir,
		TOTVS:     observedTOTVS{c: rt.totvs, h: &rt.healthTOTVS},
		Mosia:     observedMosia{c: rt.mosia, h: &rt.healthMosia},
		Outbox:    &consoleOutbox{box: rt.box, sender: rt.sender, mosia: &rt.healthMosia},
		Drafts:    rt.drafts,
		StartTab:  rt.cfg.Console.StartTab,
		Accesses:  consoleAccesses{log: rt.audit},
		Status:    &consoleStatus{rt: rt, server: status},
		Catalogue: cat,
		Demo:      rt.demo,
	}
}
