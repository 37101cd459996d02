package fleet

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/jackc/pgx/v5"
	gossh "golang.org/x/crypto/ssh"

	"github.com/balcao/balcao/pgsql"
)

// hostKeySchema versions ssh_host_keys (part "ssh" of balcao_schema).
var hostKeySchema = []pgsql.Step{
	{To: 1, Name: "ssh_host_keys", Apply: pgsql.Exec(`
CREATE TABLE ssh_host_keys (
	name       text        PRIMARY KEY,
	pem        text        NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);`)},
}

// hostKeyName is the row of the fleet's one host key.
const hostKeyName = "ed25519"

// HostKey is the fleet's SSH host key: every `balcao ssh` behind the load balancer presents the same one, so an
// attendant's known_hosts holds for all of them. The first instance to need it stores the key of the file at
// importPath when there is one (the machine the fleet grew from keeps its fingerprint), else a new ed25519 key;
// the others read it. from says where it came from: "banco", "arquivo" or "nova".
func (f *Fleet) HostKey(ctx context.Context, importPath string) (signer gossh.Signer, from string, err error) {
	var text string
	err = pgsql.InTx(ctx, f.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, pgsql.LockSpace, pgsql.LockHostKey); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT pem FROM ssh_host_keys WHERE name = $1`, hostKeyName).Scan(&text)
		if err == nil {
			from = "banco"
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if text, from, err = newHostKey(importPath); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO ssh_host_keys (name, pem) VALUES ($1, $2)`, hostKeyName, text)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("ssh host key: %w", err)
	}
	signer, err = gossh.ParsePrivateKey([]byte(text))
	if err != nil {
		return nil, "", fmt.Errorf("ssh host key: %w", err)
	}
	return signer, from, nil
}

// newHostKey reads the key at path, refusing one others can read (as OpenSSH does), or makes a new one.
func newHostKey(path string) (text, from string, err error) {
	if path != "" {
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
				return "", "", fmt.Errorf("%s: others can read it (mode %o): not taken", path, fi.Mode().Perm())
			}
			if _, err := gossh.ParsePrivateKey(b); err != nil {
				return "", "", fmt.Errorf("%s: %w", path, err)
			}
			return string(b), "arquivo", nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", "", err
		}
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	block, err := gossh.MarshalPrivateKey(priv, "balcao ssh host key")
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(block)), "nova", nil
}
