package sandbox

// mix is splitmix64's finaliser: a fast, well-spread 64-bit hash step.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// rng is a tiny deterministic generator seeded from (seed, salt, key): every record draws from its own stream.
type rng struct{ s uint64 }

func newRNG(seed int64, salt, key uint64) *rng {
	return &rng{s: mix(mix(uint64(seed)^salt*0x9e3779b97f4a7c15) ^ key)}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a value in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a value in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return float64(r.next()>>11)/(1<<53) < p }

// weighted is a list of values with integer weights, picked in O(log n).
type weighted struct {
	values []string
	cum    []int
}

func newWeighted(pairs ...any) weighted {
	var w weighted
	total := 0
	for i := 0; i+1 < len(pairs); i += 2 {
		total += pairs[i+1].(int)
		w.values = append(w.values, pairs[i].(string))
		w.cum = append(w.cum, total)
	}
	return w
}

func (w weighted) pick(r *rng) string {
	x := r.intn(w.cum[len(w.cum)-1])
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if w.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return w.values[lo]
}

// Salts separate the random streams of a record.
const (
	saltFamily uint64 = iota + 1
	saltPerson
	saltBlock
	saltCPF
	saltGrace
	saltProtocols
	saltFaults
	saltAuth
	saltBilling
)
