package sshserver

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/i18n"
)

// authorizedKeys is the attendants' public keys, re-read when the file changes (adding an attendant needs no
// restart); a file that turns invalid keeps the last good set.
type authorizedKeys struct {
	path string

	mu    sync.Mutex
	keys  [][]byte // marshalled public keys
	mtime time.Time
	size  int64
}

// loadAuthorizedKeys reads an authorized_keys file; every non-blank, non-comment line must be a public key.
func loadAuthorizedKeys(path string) (*authorizedKeys, error) {
	a := &authorizedKeys{path: path}
	if err := a.reload(); err != nil {
		return nil, err
	}
	if len(a.keys) == 0 {
		return nil, &AccessError{Reason: fmt.Sprintf(i18n.SSHAuthorizedKeysEmpty, path)}
	}
	return a, nil
}

func (a *authorizedKeys) reload() error {
	fi, err := os.Stat(a.path)
	if err != nil {
		return &AccessError{Reason: fmt.Sprintf(i18n.SSHAuthorizedKeysRead, a.path, err)}
	}
	a.mu.Lock()
	same := fi.ModTime().Equal(a.mtime) && fi.Size() == a.size && a.keys != nil
	a.mu.Unlock()
	if same {
		return nil
	}
	b, err := os.ReadFile(a.path)
	if err != nil {
		return &AccessError{Reason: fmt.Sprintf(i18n.SSHAuthorizedKeysRead, a.path, err)}
	}
	keys, err := parseAuthorizedKeys(a.path, b)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.keys, a.mtime, a.size = keys, fi.ModTime(), fi.Size()
	a.mu.Unlock()
	return nil
}

func parseAuthorizedKeys(path string, b []byte) ([][]byte, error) {
	keys := [][]byte{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		pk, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, &AccessError{Reason: fmt.Sprintf(i18n.SSHAuthorizedKeysBadLine, n, path)}
		}
		keys = append(keys, pk.Marshal())
	}
	if err := sc.Err(); err != nil {
		return nil, &AccessError{Reason: fmt.Sprintf(i18n.SSHAuthorizedKeysRead, path, err)}
	}
	return keys, nil
}

func (a *authorizedKeys) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.keys)
}

// allows reports whether key is one of the authorized keys.
func (a *authorizedKeys) allows(key ssh.PublicKey) bool {
	m := key.Marshal()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range a.keys {
		if bytes.Equal(k, m) {
			return true
		}
	}
	return false
}

// publicKeyAllowed is the server's public-key check: anyone on an open server, else the authorized keys.
func (s *Server) publicKeyAllowed(ctx ssh.Context, key ssh.PublicKey) bool {
	if s.open {
		return true
	}
	if err := s.keys.reload(); err != nil {
		s.log.Warn("authorized_keys not reloaded; keeping the last good keys", "err", err)
	}
	ok := s.keys.allows(key)
	if !ok {
		s.log.Info("ssh key refused", "user", ctx.User(), "remote", ctx.RemoteAddr().String(),
			"key", gossh.FingerprintSHA256(key))
	}
	return ok
}

// isLoopback reports whether addr's host is a loopback address (or "localhost"); an empty host listens everywhere.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
