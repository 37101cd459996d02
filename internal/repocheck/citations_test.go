package repocheck

import (
	"fmt"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The project's working notes (the API reference, the design and style notes, the vendor pages received as text)
// live outside the repository. Code and docs that cite them send a reader nowhere: they must state the fact, or
// point at docs/upstreams.md and its section. The patterns below are written so that this file does not match them.

// outsideNote matches a citation of a note kept outside the repository, in any file.
var outsideNote = regexp.MustCompile(`\b(API|DESIGN|STYLE)\.md\b` + // the notes by file name
	`|\bseeds[/]` + // the directory of received vendor pages
	`|(?i:\bseeds? 0\d\d\b)` + // one received page by number
	`|(\.\./|/work/)shared[/]`) // the directory that holds them

// sectionSign matches the section sign (U+00A7), which in Go sources has only ever meant a section of those notes.
// Portuguese prose cites articles of law with it, so Markdown and YAML are not checked for it.
var sectionSign = regexp.MustCompile("\u00a7")

// finding is one citation: where, and the text around it.
type finding struct {
	path string // slash-separated, relative to the repository root
	line int
	text string
}

func (f finding) String() string { return fmt.Sprintf("%s:%d: %s", f.path, f.line, f.text) }

// TestNoCitationsOfOutsideNotes walks the repository (skipping testdata and hidden directories) and fails on every
// comment or string literal of a .go file, and every line of a Markdown, YAML, Makefile or CI file, that cites a
// note kept outside the repository. Each top-level directory is a subtest, so a failure names the directories to fix.
func TestNoCitationsOfOutsideNotes(t *testing.T) {
	root := repoRoot(t)
	found, err := scanRepo(root)
	if err != nil {
		t.Fatal(err)
	}
	byDir := map[string][]finding{}
	for _, f := range found {
		byDir[topDir(f.path)] = append(byDir[topDir(f.path)], f)
	}
	dirs, err := topDirs(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d, func(t *testing.T) {
			fs := byDir[d]
			if len(fs) == 0 {
				return
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%d citation(s) of notes kept outside the repository; state the fact instead, or write\n"+
				"`see docs/upstreams.md, \"<section>\"` when it is long:\n", len(fs))
			for _, f := range fs {
				b.WriteString("  " + f.String() + "\n")
			}
			t.Error(b.String())
		})
	}
}

// TestPatterns pins what counts as a citation (the texts are assembled so this file holds none).
func TestPatterns(t *testing.T) {
	md, sec := ".md", "\u00a7"
	cites := []string{
		"see API" + md + " " + sec + "4", "(DESIGN" + md + " \"Keys\")", "STYLE" + md, "../" + "shared/" + "seeds" + "/003.txt",
		"seed" + " 000's columns", "as in Seed" + " 004", "seeds" + " 001 and 002", "/work/shared" + "/tools/x",
	}
	for _, s := range cites {
		if !outsideNote.MatchString(s) && !sectionSign.MatchString(s) {
			t.Errorf("%q is a citation but was not caught", s)
		}
	}
	clean := []string{
		"see docs/upstreams.md, \"SX3 pictures\"", "openapi.md", "the seed people", "seed 7 of the fuzzer",
		"NewDataset(seed, n)", "seed 1000 beneficiaries", "shared/ across sessions",
	}
	for _, s := range clean {
		if outsideNote.MatchString(s) || sectionSign.MatchString(s) {
			t.Errorf("%q is no citation but was caught", s)
		}
	}
}

// TestScanRepo checks the walk on a small tree: comments and strings of Go files, lines of docs, fixtures skipped.
func TestScanRepo(t *testing.T) {
	root := t.TempDir()
	note, sec := "API"+".md", "\u00a7"
	files := map[string]string{
		"go.mod":            "module x\n",
		"a/a.go":            "package a\n\n// fine\n/* multi\n   line, see " + note + " */\nvar s = `raw\n" + sec + "3`\n",
		"a/testdata/t.go":   "package t // " + note + "\n",
		"README.md":         "Art. 7, " + sec + " 1, is law.\nSee " + note + ".\n",
		".hidden/h.go":      "package h // " + note + "\n",
		"docs/openapi.yaml": "summary: ok\n",
		"b/notes.txt":       note + "\n",
		"b/b.go":            "package b\n\nvar API" + "_md = 1 // identifiers never match\n",
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := scanRepo(root)
	if err != nil {
		t.Fatal(err)
	}
	var where []string
	for _, f := range got {
		where = append(where, fmt.Sprintf("%s:%d", f.path, f.line))
	}
	sort.Strings(where)
	want := []string{"README.md:2", "a/a.go:5", "a/a.go:7"}
	if strings.Join(where, " ") != strings.Join(want, " ") {
		t.Errorf("found %v, want %v", where, want)
	}
}

// repoRoot is the directory holding go.mod, found upwards from the test's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// skipDir reports whether a directory is left out: test fixtures, and hidden or tool directories.
func skipDir(name string) bool {
	return name == "testdata" || name == "vendor" || name == "node_modules" || name == "bin" ||
		(strings.HasPrefix(name, ".") && name != ".ci")
}

// topDirs lists the repository's top-level directories that are walked, plus "." for files at the root.
func topDirs(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	dirs := []string{"."}
	for _, e := range entries {
		if e.IsDir() && !skipDir(e.Name()) {
			dirs = append(dirs, e.Name())
		}
	}
	sort.Strings(dirs)
	return dirs, nil
}

func topDir(path string) string {
	if i := strings.IndexByte(path, '/'); i >= 0 {
		return path[:i]
	}
	return "."
}

// docFile reports whether a non-Go file is prose or configuration a reader follows.
func docFile(rel string) bool {
	base := filepath.Base(rel)
	switch strings.ToLower(filepath.Ext(base)) {
	case ".md", ".yaml", ".yml", ".toml":
		return true
	}
	return base == "Makefile" || strings.HasPrefix(rel, ".ci/")
}

// scanRepo returns every citation under root, in path and line order.
func scanRepo(root string) ([]finding, error) {
	var out []finding
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		isGo := strings.HasSuffix(rel, ".go")
		if !isGo && !docFile(rel) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if isGo {
			out = append(out, scanGo(rel, src)...)
		} else {
			out = append(out, scanText(rel, src, outsideNote)...)
		}
		return nil
	})
	return out, err
}

// scanGo checks the comments and string and rune literals of a Go file (identifiers cannot cite anything).
func scanGo(rel string, src []byte) []finding {
	fset := token.NewFileSet()
	file := fset.AddFile(rel, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, scanner.ScanComments) // a file that does not compile is still scanned as far as possible
	var out []finding
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok != token.COMMENT && tok != token.STRING && tok != token.CHAR {
			continue
		}
		start := fset.Position(pos).Line
		for _, f := range scanText(rel, []byte(lit), outsideNote, sectionSign) {
			f.line += start - 1
			out = append(out, f)
		}
	}
}

// scanText reports each line of src matching any pattern, once per line.
func scanText(rel string, src []byte, patterns ...*regexp.Regexp) []finding {
	var out []finding
	for i, line := range strings.Split(string(src), "\n") {
		for _, p := range patterns {
			if p.MatchString(line) {
				out = append(out, finding{path: rel, line: i + 1, text: excerpt(line)})
				break
			}
		}
	}
	return out
}

// excerpt trims a line for the report.
func excerpt(line string) string {
	line = strings.TrimSpace(line)
	if r := []rune(line); len(r) > 140 {
		return string(r[:140]) + "…"
	}
	return line
}
