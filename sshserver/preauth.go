package sshserver

import (
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
)

// Defaults of the pre-authentication limits, as OpenSSH's LoginGraceTime 30 and MaxStartups 10:30:100.
const (
	DefaultLoginGrace        = 30 * time.Second
	DefaultMaxStartups       = 10  // unauthenticated connections always admitted
	DefaultMaxStartupsRate   = 30  // percent refused once past MaxStartups…
	DefaultMaxStartupsFull   = 100 // …rising linearly to all of them at this many
	DefaultSessionsPerPerson = 3
)

// startups admits unauthenticated connections like OpenSSH's MaxStartups start:rate:full: below start all, from
// start on a growing share is refused at random, from full all.
type startups struct {
	start, rate, full int
	open              atomic.Int64
}

// admit reserves a slot for a new connection, or refuses it.
func (s *startups) admit() bool {
	n := int(s.open.Load())
	switch {
	case n < s.start:
	case n >= s.full:
		return false
	default:
		p := s.rate + (100-s.rate)*(n-s.start)/max(1, s.full-s.start)
		if rand.IntN(100) < p {
			return false
		}
	}
	s.open.Add(1)
	return true
}

// preauthConn is a connection still unauthenticated: it holds a startups slot and is closed when the login
// grace time passes without a session.
type preauthConn struct {
	net.Conn
	gate  *startups
	once  sync.Once
	mu    sync.Mutex
	timer *time.Timer // set under mu: the grace timer may fire before onConn has stored it
}

// authed ends the pre-authentication limits: the slot is given back and the grace timer stopped.
func (c *preauthConn) authed() { c.release() }

func (c *preauthConn) release() {
	c.once.Do(func() {
		c.mu.Lock()
		if c.timer != nil {
			c.timer.Stop()
		}
		c.mu.Unlock()
		c.gate.open.Add(-1)
	})
}

// Close gives the slot back too.
func (c *preauthConn) Close() error {
	c.release()
	return c.Conn.Close()
}

// preauthKey is where a connection's context keeps its preauthConn.
type preauthKey struct{}

// onConn applies the pre-authentication limits to a new connection (ssh.Server's ConnCallback): a refused one is
// closed at once; an admitted one is closed when the login grace time passes before a session starts.
func (s *Server) onConn(ctx ssh.Context, conn net.Conn) net.Conn {
	if !s.startups.admit() {
		s.refusedStartups.Add(1)
		return nil
	}
	pc := &preauthConn{Conn: conn, gate: s.startups}
	pc.mu.Lock()
	pc.timer = time.AfterFunc(s.o.LoginGrace, func() {
		s.graceExpired.Add(1)
		_ = pc.Close()
	})
	pc.mu.Unlock()
	ctx.SetValue(preauthKey{}, pc)
	return pc
}

// authenticated marks a session's connection as past the pre-authentication limits.
func authenticated(ctx ssh.Context) {
	if pc, ok := ctx.Value(preauthKey{}).(*preauthConn); ok {
		pc.authed()
	}
}
