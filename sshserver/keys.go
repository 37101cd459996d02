package sshserver

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/i18n"
)

// keyEntry is one authorized key: the attendant it signs in, and where and until when it may be used.
type keyEntry struct {
	key         []byte // the marshalled public key
	fingerprint string
	attendant   string
	from        []string  // OpenSSH address patterns; nil: from anywhere
	expires     time.Time // zero: never
	line        int
}

// keyring is the attendants' authorized keys, re-read whenever the file changes. It fails closed: a missing or
// unreadable file means no key at all (never the last good set), and a line that cannot be trusted — malformed,
// without an attendant, or with an option balcão does not implement — is skipped with a warning naming it.
type keyring struct {
	path string
	log  *slog.Logger
	now  func() time.Time

	mu      sync.Mutex
	entries []keyEntry
	stamp   string // what the file looked like when read ("" before the first read)
}

func newKeyring(path string, log *slog.Logger) *keyring {
	return &keyring{path: path, log: log, now: time.Now}
}

// refresh re-reads the file when it changed (size, time, inode), and empties the ring when it is gone.
func (k *keyring) refresh() {
	stamp, b, err := readStamped(k.path)
	k.mu.Lock()
	defer k.mu.Unlock()
	if stamp == k.stamp && err == nil {
		return
	}
	k.stamp = stamp
	if err != nil {
		k.entries = nil
		k.log.Warn("authorized keys unreadable: no key is accepted until the file is back", "path", k.path,
			"err", err.Error())
		return
	}
	entries, warnings := parseKeys(k.path, b, k.now())
	for _, w := range warnings {
		k.log.Warn("authorized keys: line skipped", "path", k.path, "why", w)
	}
	k.entries = entries
	k.log.Info("authorized keys loaded", "path", k.path, "keys", len(entries), "skipped", len(warnings))
}

// readStamped reads a file with a stamp of its identity and size, so a replaced file is noticed too.
func readStamped(p string) (string, []byte, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return "", nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("%d/%d/%v", fi.Size(), fi.ModTime().UnixNano(), sysIdentity(fi)), b, nil
}

// len is how many keys are usable now.
func (k *keyring) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.entries)
}

// lookup finds key among the usable ones.
func (k *keyring) lookup(key ssh.PublicKey) (keyEntry, bool) {
	m := key.Marshal()
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, e := range k.entries {
		if bytes.Equal(e.key, m) {
			return e, true
		}
	}
	return keyEntry{}, false
}

// parseKeys reads an authorized keys file: every line a key with its options, in OpenSSH's syntax. Each key must
// name its attendant (attendant="maria"); from="…" and expiry-time="…" are honoured; a line with any other
// option, or invalid, is skipped and reported (pt-BR) in warnings. Keys already expired are skipped too.
func parseKeys(file string, b []byte, now time.Time) (entries []keyEntry, warnings []string) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		e, err := parseKeyLine(line, now)
		if err != "" {
			warnings = append(warnings, fmt.Sprintf(i18n.SSHKeyLineSkipped, n, file, err))
			continue
		}
		e.line = n
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		warnings = append(warnings, fmt.Sprintf(i18n.SSHAuthorizedKeysRead, file, err))
		return nil, warnings
	}
	return entries, warnings
}

// parseKeyLine reads one line; the second result is why it cannot be used (pt-BR), "" when it can.
func parseKeyLine(line []byte, now time.Time) (keyEntry, string) {
	pk, _, opts, rest, err := gossh.ParseAuthorizedKey(line)
	if err != nil || len(bytes.TrimSpace(rest)) > 0 {
		return keyEntry{}, i18n.SSHKeyInvalid
	}
	e := keyEntry{key: pk.Marshal(), fingerprint: gossh.FingerprintSHA256(pk)}
	for _, o := range opts {
		name, value, quoted := strings.Cut(o, "=")
		if quoted {
			value = unquoteOption(value)
		}
		switch strings.ToLower(name) {
		case "attendant":
			if !validAttendant(value) {
				return keyEntry{}, fmt.Sprintf(i18n.SSHKeyBadAttendant, value)
			}
			e.attendant = value
		case "from":
			e.from = strings.Split(value, ",")
		case "expiry-time":
			t, ok := parseExpiry(value)
			if !ok {
				return keyEntry{}, fmt.Sprintf(i18n.SSHKeyBadExpiry, value)
			}
			e.expires = t
		default:
			return keyEntry{}, fmt.Sprintf(i18n.SSHKeyUnknownOption, name)
		}
	}
	switch {
	case e.attendant == "":
		return keyEntry{}, i18n.SSHKeyNoAttendant
	case !e.expires.IsZero() && !now.Before(e.expires):
		return keyEntry{}, fmt.Sprintf(i18n.SSHKeyExpired, e.expires.Format("02/01/2006 15:04"))
	}
	return e, ""
}

// unquoteOption reads an option's value: the quotes around it go, \" inside is a quote.
func unquoteOption(v string) string {
	v = strings.TrimPrefix(strings.TrimSuffix(v, `"`), `"`)
	return strings.ReplaceAll(v, `\"`, `"`)
}

// maxAttendant is the longest attendant name.
const maxAttendant = 64

// validAttendant reports whether s is a name an attendant may have: ASCII letters, digits, ".", "-", "_", "@",
// at most 64 (no spaces, control characters or look-alike letters: it goes into logs and records).
func validAttendant(s string) bool {
	if s == "" || len(s) > maxAttendant {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-_@", c) >= 0) {
			return false
		}
	}
	return true
}

// parseExpiry reads OpenSSH's expiry-time: YYYYMMDD[HHMM[SS]], local time, or UTC with a trailing Z.
func parseExpiry(v string) (time.Time, bool) {
	loc := time.Local
	if s, ok := strings.CutSuffix(v, "Z"); ok {
		v, loc = s, time.UTC
	}
	for _, layout := range []string{"20060102150405", "200601021504", "20060102"} {
		if len(v) == len(layout) {
			if t, err := time.ParseInLocation(layout, v, loc); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// fromAllows reports whether the key may be used from addr: OpenSSH's pattern-list, matched against the client's
// IP (no name lookups: a host-name pattern matches nothing, so it fails closed). A negated pattern that matches
// refuses; otherwise one positive pattern must match.
func (e keyEntry) fromAllows(addr net.Addr) bool {
	if e.from == nil {
		return true
	}
	ip := addrIP(addr)
	if ip == nil {
		return false
	}
	allowed := false
	for _, p := range e.from {
		p = strings.TrimSpace(p)
		negated := strings.HasPrefix(p, "!")
		if matchAddress(strings.TrimPrefix(p, "!"), ip) {
			if negated {
				return false
			}
			allowed = true
		}
	}
	return allowed
}

// matchAddress matches one pattern: an address in CIDR form, or a glob (* and ?) against the IP's text.
func matchAddress(p string, ip net.IP) bool {
	if _, n, err := net.ParseCIDR(p); err == nil {
		return n.Contains(ip)
	}
	ok, err := path.Match(p, ip.String())
	return err == nil && ok
}

func addrIP(a net.Addr) net.IP {
	if a == nil {
		return nil
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		host = a.String()
	}
	return net.ParseIP(host)
}

// sanitizeUser makes an SSH username safe for a log line: printable ASCII only, cut to maxAttendant.
func sanitizeUser(u string) string {
	var b strings.Builder
	for _, r := range u {
		if b.Len() >= maxAttendant {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r > 0x7e {
			b.WriteByte('?')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
