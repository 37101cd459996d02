package main

import (
	"context"
	"io"
	"log/slog"
	"sync"

	"github.com/balcao/balcao/config"
	"github.com/balcao/balcao/ui"
	"github.com/balcao/balcao/ui/common"
)

// consoles is what the console and the SSH server share: the runtime, the busca server in the background, and the
// hub that relays the outbox's events to every open console.
type consoles struct {
	ctx     context.Context
	cancel  context.CancelFunc
	log     *slog.Logger
	logFile io.Closer
	rt      *runtime
	hub     *ui.Hub
	svc     *common.Services
	bg      sync.WaitGroup
}

// startConsoles opens the log, the runtime and the busca server, and starts relaying events; stop ends it all.
func startConsoles(ctx context.Context, cfg *config.Config) (*consoles, error) {
	log, logFile, err := openLog(cfg)
	if err != nil {
		return nil, err
	}
	c := &consoles{log: log, logFile: logFile, hub: ui.NewHub()}
	c.ctx, c.cancel = context.WithCancel(ctx)
	c.rt, err = startRuntime(c.ctx, cfg, log)
	if err != nil {
		c.cancel()
		logFile.Close()
		return nil, err
	}
	status, err := startBackgroundServer(c.ctx, cfg, c.rt, &c.bg)
	if err != nil {
		c.cancel()
		c.rt.wait()
		c.rt.close()
		logFile.Close()
		return nil, err
	}
	c.svc = c.rt.services(status)
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		relayEvents(c.ctx, c.rt.sender, c.rt.box, &c.rt.healthMosia, func(m any) { c.hub.Broadcast(m) })
	}()
	return c, nil
}

// stop cancels the background work, waits for it, and closes everything.
func (c *consoles) stop() {
	c.cancel()
	c.bg.Wait()
	c.rt.wait()
	c.rt.close()
	c.logFile.Close()
}
