package sshserver

import (
	"fmt"
	"net"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/i18n"
)

// identity is who a session is: the attendant its key names (or, on an open demo server, its username) and the
// key's fingerprint.
type identity struct {
	attendant   string
	fingerprint string
}

// identityKey is where the connection's context keeps the identity of each key accepted, by fingerprint: a client
// may offer several keys, and only the one that signed in counts (see sessionIdentity).
type identityKey string

// publicKeyAllowed is the server's public-key check. On an open demo server any key is accepted for a valid
// username. Otherwise the key must be authorized now (the file is re-read when it changed), name the attendant
// the client signs in as, be used from an address its from= allows, and not be past its expiry-time.
func (s *Server) publicKeyAllowed(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	if s.open {
		if !validAttendant(ctx.User()) {
			s.refuse(ctx, fp, "username is not a valid attendant name")
			return false
		}
		ctx.SetValue(identityKey(fp), identity{attendant: ctx.User(), fingerprint: fp})
		return true
	}
	s.keys.refresh()
	e, ok := s.keys.lookup(key)
	switch {
	case !ok:
		s.refuse(ctx, fp, "key not authorized")
		return false
	case e.attendant != ctx.User():
		s.refuse(ctx, fp, fmt.Sprintf("key belongs to attendant %s (line %d)", e.attendant, e.line))
		return false
	case !e.fromAllows(ctx.RemoteAddr()):
		s.refuse(ctx, fp, fmt.Sprintf("address not allowed by from= (line %d)", e.line))
		return false
	case !e.expires.IsZero() && !s.keys.now().Before(e.expires):
		s.refuse(ctx, fp, fmt.Sprintf("key expired (line %d)", e.line))
		return false
	}
	ctx.SetValue(identityKey(fp), identity{attendant: e.attendant, fingerprint: fp})
	return true
}

// openAuth admits a password or keyboard-interactive login on an open demo server, for a valid username.
func (s *Server) openAuth(ctx ssh.Context) bool {
	if !validAttendant(ctx.User()) {
		s.refuse(ctx, "", "username is not a valid attendant name")
		return false
	}
	ctx.SetValue(identityKey(""), identity{attendant: ctx.User()})
	return true
}

// refuse logs a refused sign-in: the username cut and made printable, the address, the key's fingerprint.
func (s *Server) refuse(ctx ssh.Context, fp, why string) {
	s.log.Info("ssh sign-in refused", "user", sanitizeUser(ctx.User()), "remote", remoteHost(ctx.RemoteAddr()),
		"key", fp, "why", why)
}

// sessionIdentity is the identity of the key that signed the session in.
func sessionIdentity(sess ssh.Session) (identity, bool) {
	fp := ""
	if k := sess.PublicKey(); k != nil {
		fp = gossh.FingerprintSHA256(k)
	}
	id, ok := sess.Context().Value(identityKey(fp)).(identity)
	return id, ok
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

// loadKeys reads the authorized keys at start: a file balcão cannot read, or without one usable key, is refused
// (pt-BR) so the server never starts with nobody able to sign in by mistake.
func loadKeys(path string, s *Server) (*keyring, error) {
	k := newKeyring(path, s.log)
	if _, _, err := readStamped(path); err != nil {
		return nil, &AccessError{Reason: fmt.Sprintf(i18n.SSHAuthorizedKeysRead, path, err)}
	}
	k.refresh()
	if k.len() == 0 {
		return nil, &AccessError{Reason: fmt.Sprintf(i18n.SSHAuthorizedKeysEmpty, path)}
	}
	return k, nil
}
