package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/balcao/balcao/client"
	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/demo"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/i18n"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/sandbox"
	"github.com/balcao/balcao/store"
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
	totvs   *client.TOTVS
	mosia   *client.Mosia
	box     *store.Outbox
	sender  *outbox.Sender

	healthTOTVS, healthMosia atomic.Bool
	closers                  []func() error
	wg                       sync.WaitGroup
}

// startRuntime opens the directory, the clients and the outbox (and, in demo mode, starts the embedded sandbox
// and builds or reuses the cached demo directory). The sender runs until ctx is done.
func startRuntime(ctx context.Context, cfg *config.Config, log *slog.Logger) (*runtime, error) {
	rt := &runtime{cfg: cfg, log: log, demo: cfg.Demo()}
	rt.healthTOTVS.Store(true)
	rt.healthMosia.Store(true)
	if err := rt.open(ctx); err != nil {
		rt.close()
		return nil, err
	}
	return rt, nil
}

func (rt *runtime) open(ctx context.Context) error {
	cfg := rt.cfg
	totvsOpts := client.TOTVSOptions{BaseURL: cfg.TOTVS.URL, User: cfg.TOTVS.User, Password: cfg.TOTVS.Password,
		OAuth2: cfg.TOTVS.Auth == "oauth2", TenantID: cfg.TOTVS.TenantID, Timeout: cfg.TOTVS.Timeout.Duration,
		Retries: cfg.TOTVS.Retries, PageSize: cfg.TOTVS.PageSize, MaxPages: cfg.TOTVS.MaxPages, Logger: rt.log}
	mosiaOpts := client.MosiaOptions{BaseURL: cfg.Mosia.URL, Token: cfg.Mosia.Token, Timeout: cfg.Mosia.Timeout.Duration,
		Retries: cfg.Mosia.Retries, Logger: rt.log}
	dbPath := cfg.DB
	outboxPath := cfg.OutboxPath()
	if rt.demo {
		sb := sandbox.New(sandbox.Options{Seed: cfg.Sandbox.Seed, Beneficiaries: cfg.Sandbox.Beneficiaries,
			Faults: sandbox.Faults{Latency: cfg.Sandbox.Latency.Duration}, Logger: rt.log})
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
		if cfg.OutboxDB == "" {
			outboxPath = filepath.Join(config.DataDir(), "demo", "ocorrencias.db")
		}
	} else if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf(i18n.RuntimeNoDirectory, dbPath)
	}
	dir, err := directory.Open(ctx, dbPath, directory.Options{Logger: rt.log})
	if err != nil {
		return fmt.Errorf("diretório %s: %w", dbPath, err)
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

	rt.totvs = client.NewTOTVS(totvsOpts)
	rt.mosia = client.NewMosia(mosiaOpts)
	rt.closers = append(rt.closers, rt.totvs.Close, rt.mosia.Close)

	if err := os.MkdirAll(filepath.Dir(outboxPath), 0o700); err != nil {
		return fmt.Errorf("pendências %s: %w", outboxPath, err)
	}
	box, err := store.OpenOutbox(outboxPath)
	if err != nil {
		return fmt.Errorf("pendências %s: %w", outboxPath, err)
	}
	rt.box = box
	rt.closers = append(rt.closers, box.Close)
	cat := cfg.Catalogue
	rt.sender = outbox.NewSender(box, rt.mosia, outbox.Options{
		MinBackoff: cfg.Outbox.MinBackoff.Duration, MaxBackoff: cfg.Outbox.MaxBackoff.Duration,
		MaxAttempts: cfg.Outbox.MaxAttempts, Logger: rt.log,
		SubjectName: func(typ, subject int) string {
			if t, ok := cat.TypeByID(typ); ok {
				if s, ok := t.SubjectByID(subject); ok {
					return s.Name
				}
			}
			return ""
		},
	})
	rt.wg.Add(2)
	go func() { defer rt.wg.Done(); _ = rt.sender.Run(ctx) }()
	go func() { defer rt.wg.Done(); rt.watchHealth(ctx) }()
	return nil
}

// watchHealth probes the upstreams every 30 s for the status bar.
func (rt *runtime) watchHealth(ctx context.Context) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		rt.healthTOTVS.Store(rt.totvs.Ping(pctx) == nil || ctx.Err() != nil)
		rt.healthMosia.Store(rt.mosia.Ping(pctx) == nil || ctx.Err() != nil)
		cancel()
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
		TOTVS:     rt.totvs,
		Mosia:     rt.mosia,
		Outbox:    &consoleOutbox{box: rt.box, sender: rt.sender},
		Status:    &consoleStatus{rt: rt, server: status},
		Catalogue: cat,
		Demo:      rt.demo,
	}
}
