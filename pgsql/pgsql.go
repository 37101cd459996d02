// Package pgsql is balcão's way into PostgreSQL (github.com/jackc/pgx/v5) in fleet mode: the connection pool,
// versioned schema steps applied by one instance while the others wait (an advisory lock), the test of whether an
// error means the database is out of reach, and a LISTEN loop that survives reconnections.
//
// Each part of balcão (the outbox, the access record, the directory, the SSH host key) owns its tables and its
// list of steps; the version each part reached is a row of balcao_schema.
package pgsql

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Pool is a pool of connections to balcão's database.
type Pool = pgxpool.Pool

// Conn is one connection taken from a Pool.
type Conn = pgxpool.Conn

// Defaults of Open.
const (
	DefaultMaxConns       = 12
	DefaultConnectTimeout = 5 * time.Second
)

// Open connects to the database at url (postgres://… or key=value; libpq's PG* variables and ~/.pgpass fill
// what it leaves out) and checks it answers. The pool holds at most DefaultMaxConns connections unless the URL
// says pool_max_conns; a connection attempt gives up after DefaultConnectTimeout unless it says connect_timeout.
func Open(ctx context.Context, url string) (*Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", Redact(url), err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "balcao"
	}
	cfg.MaxConnIdleTime = time.Minute
	cfg.HealthCheckPeriod = 10 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", Redact(url), err)
	}
	pctx, cancel := context.WithTimeout(ctx, cfg.ConnConfig.ConnectTimeout+time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", Redact(url), err)
	}
	return pool, nil
}

// Redact is url without its password, for logs and messages.
func Redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		if strings.Contains(s, "password") {
			return "(URL com senha omitida)"
		}
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Unavailable reports whether err means the database could not be reached or cannot take writes right now (it
// is down, restarting, in recovery, read-only after a failover, or the network is cut), as opposed to an error
// of the statement itself. A deadline that ran out counts: the database did not answer in time.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"): // connection exception
			return true
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // shutdown, crash shutdown, cannot connect now
			return true
		case pe.Code == "25006": // read_only_sql_transaction: a standby after a failover
			return true
		case pe.Code == "53300": // too_many_connections
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "closed pool") ||
		strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "connection reset")
}

// IsUniqueViolation reports whether err is a unique constraint refusing a row that is already there.
func IsUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// InTx runs f in a transaction, committed when f returns nil and rolled back otherwise.
func InTx(ctx context.Context, pool *Pool, f func(tx pgx.Tx) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
