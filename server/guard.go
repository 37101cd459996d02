package server

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Failed-login policy. Every credential check an address makes is charged before it runs and forgiven when it
// succeeds, so concurrent guesses from one address cannot slip past the count.
const (
	addrFree     = 5                // checks an address may fail before it must wait
	userFree     = 20               // failures on one user, from addresses it never signed in from, before they wait
	firstWait    = time.Second      // the first wait; each further failure doubles it
	addrMaxWait  = 15 * time.Minute // the longest an address waits (the lockout window)
	userMaxWait  = time.Minute      // the longest new addresses wait for a user under attack
	forgetAfter  = 15 * time.Minute // strikes are forgotten after this long without a failure
	knownGoodFor = 30 * 24 * time.Hour
	maxAddrs     = 1 << 16 // addresses tracked at most; past it the quietest are forgotten
	maxUsers     = 1 << 10 // user names tracked at most; past it the others share one entry
	maxKnownGood = 1 << 12
	summaryEvery = time.Minute // the failed-login summary's window
)

// otherUsers is the entry every user name past maxUsers shares.
const otherUsers = "\x00other"

// strikes are one address's or one user's recent failures.
type strikes struct {
	n     int       // checks charged and not forgiven
	until time.Time // no check before this
	last  time.Time // the last charge
}

// wait is how long strikes still hold checks back at now.
func (st *strikes) wait(now time.Time) time.Duration {
	if st == nil || !now.Before(st.until) {
		return 0
	}
	return st.until.Sub(now)
}

// charge counts one more check at now and, past free, holds the next one back (doubling up to max).
func (st *strikes) charge(now time.Time, free int, max time.Duration) {
	if now.Sub(st.last) > forgetAfter {
		st.n = 0
	}
	st.n++
	st.last = now
	if st.n >= free {
		st.until = now.Add(backoff(st.n-free, max))
	}
}

// backoff is firstWait doubled k times, at most max.
func backoff(k int, max time.Duration) time.Duration {
	if k > 20 {
		return max
	}
	return min(firstWait<<k, max)
}

// guard throttles credential checks per client address and per user, and keeps the counts the failed-login
// summary logs once per window instead of a line per attempt.
type guard struct {
	now func() time.Time
	log *slog.Logger

	tracked atomic.Int64 // addresses with strikes: 0 lets a good request skip the lock

	knownGood sync.Map     // user "\x00" address → time.Time until which that address skips waits
	goodCount atomic.Int64 // entries in knownGood

	mu    sync.Mutex
	addrs map[string]*strikes
	users map[string]*strikes

	window  time.Time      // start of the summary's window
	fails   int            // failed checks in the window
	refused int            // checks refused in the window (the address or user was waiting)
	byAddr  map[string]int // failed checks per address in the window
}

func newGuard(now func() time.Time, log *slog.Logger) *guard {
	return &guard{now: now, log: log, addrs: map[string]*strikes{}, users: map[string]*strikes{},
		byAddr: map[string]int{}, window: now()}
}

// admit charges one credential check by addr for user and reports whether it may run; when not, wait says how
// long until it may. A check that then succeeds is forgiven with succeeded.
func (g *guard) admit(addr, user string) (wait time.Duration, ok bool) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.summarizeLocked(now, false)
	a := g.addrs[addr]
	u := g.userLocked(user)
	good := g.good(addr, user, now)
	if w := a.wait(now); w > 0 {
		g.refused++
		return w, false
	}
	if w := u.wait(now); w > 0 && !good {
		g.refused++
		return w, false
	}
	if a == nil {
		a = g.newAddrLocked(addr, now)
	}
	a.charge(now, addrFree, addrMaxWait)
	if !good {
		u.charge(now, userFree, userMaxWait)
	}
	return 0, true
}

// failed records that an admitted check failed (for the summary; admit already charged it).
func (g *guard) failed(addr string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.fails++
	if len(g.byAddr) < maxAddrs {
		g.byAddr[addr]++
	}
}

// succeeded forgives addr's strikes and user's, and remembers addr as one user signs in from.
func (g *guard) succeeded(addr, user string) {
	now := g.now()
	g.markGood(addr, user, now)
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.addrs[addr]; ok {
		delete(g.addrs, addr)
		g.tracked.Add(-1)
	}
	if u, ok := g.users[user]; ok {
		u.n, u.until = 0, time.Time{}
	}
}

// good reports whether addr signed in as user within knownGoodFor. It takes no lock: every good request asks.
func (g *guard) good(addr, user string, now time.Time) bool {
	v, ok := g.knownGood.Load(user + "\x00" + addr)
	return ok && now.Before(v.(time.Time))
}

// markGood remembers that addr signed in as user, storing only when the entry is missing or a day old, so the
// steady stream of good requests reads and never writes. Past maxKnownGood entries new ones are not kept.
func (g *guard) markGood(addr, user string, now time.Time) {
	k := user + "\x00" + addr
	if v, ok := g.knownGood.Load(k); ok {
		if v.(time.Time).Sub(now) > knownGoodFor-24*time.Hour {
			return
		}
	} else if g.goodCount.Load() >= maxKnownGood {
		return
	} else {
		g.goodCount.Add(1)
	}
	g.knownGood.Store(k, now.Add(knownGoodFor))
}

// holding reports whether addr must wait before a credential it presents for user is accepted. An address
// user signed in from recently does not wait (a wrong secret elsewhere on it must not lock Mosia out); any
// other waiting address is refused whatever it sends, so a right guess cannot be told from a wrong one.
func (g *guard) holding(addr, user string) (time.Duration, bool) {
	if g.tracked.Load() == 0 {
		return 0, false
	}
	now := g.now()
	if g.good(addr, user, now) {
		return 0, false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	w := g.addrs[addr].wait(now)
	if w > 0 {
		g.refused++
	}
	return w, w > 0
}

// userLocked returns user's strikes, creating them; past maxUsers names share one entry.
func (g *guard) userLocked(user string) *strikes {
	if u, ok := g.users[user]; ok {
		return u
	}
	if len(g.users) >= maxUsers {
		user = otherUsers
		if u, ok := g.users[user]; ok {
			return u
		}
	}
	u := &strikes{}
	g.users[user] = u
	return u
}

// newAddrLocked tracks a new address, forgetting the quietest ones when the table is full.
func (g *guard) newAddrLocked(addr string, now time.Time) *strikes {
	if len(g.addrs) >= maxAddrs {
		for k, st := range g.addrs {
			if st.wait(now) == 0 || len(g.addrs) >= maxAddrs {
				delete(g.addrs, k)
				g.tracked.Add(-1)
			}
			if len(g.addrs) < maxAddrs*3/4 {
				break
			}
		}
	}
	st := &strikes{last: now}
	g.addrs[addr] = st
	g.tracked.Add(1)
	return st
}

// summarizeLocked logs the window's failed-login summary once the window has passed, and starts the next.
// With force it logs what the window holds so far.
func (g *guard) summarizeLocked(now time.Time, force bool) {
	if !force && now.Sub(g.window) < summaryEvery {
		return
	}
	if g.fails > 0 || g.refused > 0 {
		worst, most := "", 0
		for a, n := range g.byAddr {
			if n > most {
				worst, most = a, n
			}
		}
		waiting := 0
		for _, st := range g.addrs {
			if st.wait(now) > 0 {
				waiting++
			}
		}
		g.log.Warn("busca: failed credential checks", "window", now.Sub(g.window).Round(time.Second).String(),
			"failed", g.fails, "refused_waiting", g.refused, "addresses", len(g.byAddr),
			"addresses_waiting", waiting, "top_address", worst, "top_failed", most)
	}
	g.window, g.fails, g.refused = now, 0, 0
	clear(g.byAddr)
	for k, st := range g.addrs { // forget quiet addresses
		if st.wait(now) == 0 && now.Sub(st.last) > forgetAfter {
			delete(g.addrs, k)
			g.tracked.Add(-1)
		}
	}
	g.knownGood.Range(func(k, v any) bool { // and addresses that have not signed in for long
		if !now.Before(v.(time.Time)) {
			g.knownGood.Delete(k)
			g.goodCount.Add(-1)
		}
		return true
	})
}

// run writes the summary at the end of each window until ctx is done, and once more then.
func (g *guard) run(ctx context.Context) {
	t := time.NewTicker(summaryEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			g.mu.Lock()
			g.summarizeLocked(g.now(), true)
			g.mu.Unlock()
			return
		case <-t.C:
			g.mu.Lock()
			g.summarizeLocked(g.now(), false)
			g.mu.Unlock()
		}
	}
}
