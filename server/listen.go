package server

import (
	"net"
	"strings"

	"github.com/balcao/balcao/i18n"
)

// ListenError is a listen address CheckListenAddr refuses; its message is pt-BR for the operator.
type ListenError struct {
	Addr     string
	NoSecret bool  // the address is not loopback and no secret is configured
	Err      error // the address could not be read (nil when NoSecret)
}

func (e *ListenError) Error() string {
	if e.NoSecret {
		return i18n.ServerListenNeedsSecret(e.Addr)
	}
	return i18n.ServerBadListenAddr(e.Addr)
}

// Unwrap returns the address parse error, if any.
func (e *ListenError) Unwrap() error { return e.Err }

// CheckListenAddr refuses (with a *ListenError) an unreadable HOST:PORT, and a non-loopback one when secret is
// empty: without authentication the service may only be reached from this machine. Pass the static secret, or
// with Grupos de Autorização only, the AuthPassword.
func CheckListenAddr(addr, secret string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return &ListenError{Addr: addr, Err: err}
	}
	if secret != "" || isLoopback(host) {
		return nil
	}
	return &ListenError{Addr: addr, NoSecret: true}
}

// isLoopback reports whether host names only this machine; "" (every interface) does not.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if i := strings.IndexByte(host, '%'); i >= 0 { // zone of an IPv6 address
		host = host[:i]
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
