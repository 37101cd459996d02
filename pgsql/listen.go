package pgsql

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listen calls onNotify with the payload of every NOTIFY on channel until ctx ends, on a connection of its own
// that it opens again (waiting 100 ms, then up to 5 s between tries) whenever it is lost. A notification sent
// while the connection was down is lost, so onConnect is called each time listening starts: the caller checks
// there what it may have missed.
func Listen(ctx context.Context, pool *Pool, channel string, onConnect func(), onNotify func(payload string), log *slog.Logger) {
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := listenOnce(ctx, pool, channel, onConnect, onNotify)
		if ctx.Err() != nil {
			return
		}
		log.Warn("postgres listen lost; trying again", "channel", channel, "in", wait.String(), "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// listenOnce listens on one connection until it fails.
func listenOnce(ctx context.Context, pool *Pool, channel string, onConnect func(), onNotify func(string)) error {
	cctx, cancel := context.WithTimeout(ctx, pool.Config().ConnConfig.ConnectTimeout+time.Second)
	conn, err := pgx.ConnectConfig(cctx, pool.Config().ConnConfig.Copy())
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	onConnect()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		onNotify(n.Payload)
	}
}
