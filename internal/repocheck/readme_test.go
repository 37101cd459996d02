package repocheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestReadmePackageTableMatchesGoList: the README's "O que há aqui" table names every package of `go list ./...`
// and no other.
func TestReadmePackageTableMatchesGoList(t *testing.T) {
	root := repoRoot(t)
	cmd := exec.Command("go", "list", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	listed := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, "github.com/balcao/balcao"), "/")
		if rel == "" {
			rel = "."
		}
		listed[rel] = true
	}
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## O que há aqui")
	if start < 0 {
		t.Fatal(`README.md has no "## O que há aqui" section`)
	}
	section := text[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	inTable := map[string]bool{}
	cell := regexp.MustCompile("`([a-z0-9_/]+)`")
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.SplitN(line, "|", 3)[1]
		for _, m := range cell.FindAllStringSubmatch(first, -1) {
			inTable[m[1]] = true
		}
	}
	var missing, stale []string
	for p := range listed {
		if !inTable[p] {
			missing = append(missing, p)
		}
	}
	for p := range inTable {
		if !listed[p] {
			stale = append(stale, p)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("packages missing from the README's table: %s", strings.Join(missing, ", "))
	}
	if len(stale) > 0 {
		t.Errorf("the README's table names packages that do not exist: %s", strings.Join(stale, ", "))
	}
}
