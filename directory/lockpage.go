package directory

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrBrokenBuild means the file was bulk-built by an earlier balcão whose page writer put a B-tree page where
// SQLite keeps its lock bytes (directories over 1 GiB): SQLite refuses to read that page, so some searches would
// fail. The file must be built again (balcao import --replace).
var ErrBrokenBuild = errors.New("directory: file built with a B-tree page on SQLite's lock page")

// checkLockPage reports ErrBrokenBuild when the file at path holds a B-tree page where SQLite's lock page is (SQLite
// itself never writes that page, and the page writer now leaves it empty).
func checkLockPage(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var b [1]byte
	switch _, err := f.ReadAt(b[:], (lockPage-1)*pageSize); {
	case errors.Is(err, io.EOF):
		return nil // smaller than 1 GiB
	case err != nil:
		return fmt.Errorf("directory %s: %w", path, err)
	}
	switch b[0] { // the page types of a B-tree page's first byte
	case 0x02, 0x05, 0x0a, 0x0d:
		return fmt.Errorf("directory %s: %w", path, ErrBrokenBuild)
	}
	return nil
}
