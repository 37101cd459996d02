package directory

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// A build's temporary files live next to the directory file, so that a crash leaves them where the next start
// looks: an anchor, <base>.build-<digits>, which its builder holds locked (flock) while it lives, and the
// anchor's companions, <anchor>.<name> (the file being built, sort runs) with what SQLite keeps beside them
// (-wal, -shm, -journal). Every one is created 0600: they hold the same personal data as the directory. A
// start (Open, an import) removes the leftovers of a build whose anchor nobody holds (see RemoveLeftovers).

// buildInfix marks a build's temporary files: <base><buildInfix><digits>[.<companion>].
const buildInfix = ".build-"

// buildTemp is one build's anchor, held locked until remove.
type buildTemp struct {
	anchor string
	f      *os.File
}

// newBuildTemp creates and locks a new anchor next to the directory file dst.
func newBuildTemp(dst string) (*buildTemp, error) {
	for range 10 {
		f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+buildInfix+"*")
		if err != nil {
			return nil, fmt.Errorf("directory build: %w", err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("directory build: lock %s: %w", f.Name(), err)
		}
		// a start of another process may have taken the anchor for a leftover between its creation and the
		// lock: then it is gone (or another file) and a new one is made
		held, herr := f.Stat()
		now, serr := os.Stat(f.Name())
		if herr == nil && serr == nil && os.SameFile(held, now) {
			return &buildTemp{anchor: f.Name(), f: f}, nil
		}
		_ = f.Close()
	}
	return nil, fmt.Errorf("directory build: no temporary file next to %s", dst)
}

// path is the companion file of the build named name.
func (t *buildTemp) path(name string) string { return t.anchor + "." + name }

// create makes the empty companion name, 0600, and returns its path.
func (t *buildTemp) create(name string) (string, error) {
	p := t.path(name)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("directory build: %w", err)
	}
	return p, f.Close()
}

// remove deletes the build's files, companions first, and releases the anchor.
func (t *buildTemp) remove() {
	if t == nil || t.f == nil {
		return
	}
	for _, p := range buildFiles(filepath.Dir(t.anchor), filepath.Base(t.anchor)) {
		if p != t.anchor {
			_ = os.Remove(p)
		}
	}
	_ = os.Remove(t.anchor)
	_ = t.f.Close()
	t.f = nil
}

// buildFiles lists the files of dir of the build anchored at anchor (a name), companions before the anchor.
func buildFiles(dir, anchor string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		// SQLite's files beside a file end in -wal, -shm or -journal; companions are <anchor>.<name>
		if n := e.Name(); n == anchor || strings.HasPrefix(n, anchor+".") || strings.HasPrefix(n, anchor+"-") {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out))) // an anchor sorts before its companions
	return out
}

// anchorOf is the anchor of a build file's name (see buildInfix), or "" when name is none.
func anchorOf(base, name string) string {
	rest, ok := strings.CutPrefix(name, base+buildInfix)
	if !ok {
		return ""
	}
	n := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if n < 0 {
		n = len(rest)
	}
	if n == 0 {
		return ""
	}
	return base + buildInfix + rest[:n]
}

// RemoveLeftovers removes what builds of the directory file at path left behind when their process died (a
// crash, kill -9): every build file next to it whose anchor no live build holds. Each build's removal is
// logged, naming its anchor (its files are the anchor and <anchor>.<name>), each file at debug level (log nil:
// slog.Default()). Builds running meanwhile, in this process or others, are left
// alone. Open and the import call it; it is safe to call at any time.
func RemoveLeftovers(path string, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("directory leftovers %s: %w", dir, err)
	}
	anchors := map[string]bool{}
	for _, e := range ents {
		if a := anchorOf(base, e.Name()); a != "" {
			anchors[a] = true
		}
	}
	var errs []error
	for a := range anchors {
		errs = append(errs, removeStale(dir, a, log))
	}
	return errors.Join(errs...)
}

// removeStale removes the files of the build anchored at anchor (a name in dir) unless a live build holds it.
func removeStale(dir, anchor string, log *slog.Logger) error {
	ap := filepath.Join(dir, anchor)
	f, err := os.Open(ap)
	switch {
	case errors.Is(err, fs.ErrNotExist): // companions whose anchor went first: nobody's
	case err != nil:
		return fmt.Errorf("directory leftover %s: %w", ap, err)
	default:
		defer f.Close()
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			return nil // a live build's
		}
	}
	var (
		errs  []error
		files int
		bytes int64
	)
	for _, p := range buildFiles(dir, anchor) {
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("directory leftover %s: %w", p, err))
			continue
		}
		files++
		bytes += st.Size()
		log.Debug("directory build leftover removed", "file", p, "bytes", st.Size())
	}
	if files > 0 { // one line a build: its files are the anchor's name and its companions (<anchor>.<name>)
		log.Warn("directory build leftovers removed", "file", ap, "files", files, "bytes", bytes)
	}
	return errors.Join(errs...)
}

// spilled counts the build's run files and their bytes.
func (t *buildTemp) spilled() (int, int64) {
	n, size := 0, int64(0)
	for _, p := range buildFiles(filepath.Dir(t.anchor), filepath.Base(t.anchor)) {
		if strings.Contains(filepath.Base(p), ".rows-") || strings.Contains(filepath.Base(p), ".ranked-") ||
			strings.Contains(filepath.Base(p), ".keys-") {
			if st, err := os.Stat(p); err == nil {
				n++
				size += st.Size()
			}
		}
	}
	return n, size
}
