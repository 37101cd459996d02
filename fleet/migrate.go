package fleet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/balcao/balcao/audit"
	"github.com/balcao/balcao/directory"
	"github.com/balcao/balcao/outbox"
	"github.com/balcao/balcao/pgsql"
)

// Sources are a single machine's files, copied by ToPostgres; a file that does not exist is skipped.
type Sources struct {
	Directory string // the directory (diretorio.db)
	Outbox    string // the outbox (ocorrencias.db)
	Audit     string // the access record (acessos.db)
	HostKey   string // the SSH host key (ssh_host_ed25519)
}

// Copied is what ToPostgres copied.
type Copied struct {
	Generation        Generation // the directory's, when it was published
	DirectorySkipped  bool       // the shared directory already had a generation: left as it is
	Items             int        // outbox items added
	ItemsAlready      int        // outbox items that were there already (a second run)
	Lines             int        // access record lines added
	HostKey           string     // where the shared host key came from: "arquivo" (this machine's), "nova" or "banco"
	DirectoryMissing  bool
	OutboxMissing     bool
	AuditMissing      bool
	HostKeyFileAbsent bool
}

// ToPostgres copies a single machine's files into the shared database, and can run again without copying
// anything twice: the directory is published as the first generation (a database that has one keeps it: load
// the newer file with `balcao import --replace` instead); every outbox item is added with its state, attempts
// and protocol (an item already there is skipped, so nothing is sent twice); the access record's lines are added
// with their chain (see audit.Postgres.ImportLines); the host key becomes the fleet's when it has none yet.
// Stop the machine's balcão first: items it is sending now would be sent again by the fleet once their lease
// expires, and the duplicate check would find them.
func (f *Fleet) ToPostgres(ctx context.Context, src Sources) (Copied, error) {
	var c Copied
	var err error
	if c.DirectoryMissing = missing(src.Directory); !c.DirectoryMissing {
		if err = f.copyDirectory(ctx, src.Directory, &c); err != nil {
			return c, err
		}
	}
	if c.OutboxMissing = missing(src.Outbox); !c.OutboxMissing {
		if err = f.copyOutbox(ctx, src.Outbox, &c); err != nil {
			return c, err
		}
	}
	if c.AuditMissing = missing(src.Audit); !c.AuditMissing {
		l, err := audit.OpenSQLite(src.Audit)
		if err != nil {
			return c, err
		}
		c.Lines, err = f.audit.ImportLines(ctx, l, "migrado-"+fileTag(src.Audit))
		_ = l.Close()
		if err != nil {
			return c, err
		}
	}
	c.HostKeyFileAbsent = missing(src.HostKey)
	if _, c.HostKey, err = f.HostKey(ctx, src.HostKey); err != nil {
		return c, err
	}
	return c, nil
}

func missing(path string) bool {
	if path == "" {
		return true
	}
	_, err := os.Stat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// fileTag names a machine's file by its absolute path, so two machines' records are told apart.
func fileTag(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	host, _ := os.Hostname()
	sum := sha256.Sum256([]byte(host + ":" + abs))
	return hex.EncodeToString(sum[:6])
}

func (f *Fleet) copyDirectory(ctx context.Context, path string, c *Copied) error {
	lock, err := LockImport(ctx, f.Pool)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if _, ok, err := CurrentGeneration(ctx, f.Pool); err != nil {
		return err
	} else if ok {
		c.DirectorySkipped = true
		return nil
	}
	d, err := directory.Open(ctx, path, directory.Options{Logger: f.log})
	if err != nil {
		return fmt.Errorf("directory %s: %w", path, err)
	}
	defer d.Close()
	host, _ := os.Hostname()
	rep, err := Publish(ctx, f.Pool, d, "migrate "+filepath.Base(path)+" @"+host)
	c.Generation = rep.Generation
	return err
}

func (f *Fleet) copyOutbox(ctx context.Context, path string, c *Copied) error {
	local, err := outbox.OpenSQLite(path)
	if err != nil {
		return err
	}
	defer local.Close()
	items, err := local.List(ctx, outbox.Filter{})
	if err != nil {
		return fmt.Errorf("outbox %s: %w", path, err)
	}
	for _, it := range items {
		err := f.outbox.Insert(ctx, it)
		switch {
		case err == nil:
			c.Items++
		case pgsql.IsUniqueViolation(err):
			c.ItemsAlready++
		default:
			return fmt.Errorf("outbox item %s: %w", it.ID, err)
		}
	}
	return nil
}
