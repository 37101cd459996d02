package repocheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Every text a person reads is in package i18n. The checks below walk the non-test Go files of the repository.

// textExempt are the directories whose string literals are data, not the console's voice: the sandbox speaks as
// the vendors it emulates (their messages, its fictitious people), and the test-support packages hold fixtures.
var textExempt = []string{"i18n", "sandbox", "directory/internal/dirtest", "client/internal/clienttest",
	"ui/internal/uitest", "internal/pgtest", "internal/testcert", "internal/repocheck",
	"config/default_catalogue.go"} // the demo's catalogue: the names the sandbox's Mosia answers with

// ptWords are words that, two or more in one literal, mark Portuguese prose even without an accent.
var ptWords = regexp.MustCompile(`(?i)\b(não|nao|para|com|sem|uma|informe|deve|está|esta|arquivo|configure|use|ou|dos|das|pelo|pela|tente|confira|aguarde)\b`)

// portuguese reports whether a literal reads as pt-BR prose: an accented letter, or two Portuguese words.
func portuguese(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			return true
		}
	}
	return strings.Contains(s, " ") && len(ptWords.FindAllString(s, 3)) >= 2
}

// goFiles parses every non-test .go file under root (skipping testdata, hidden directories and exempt ones), and
// calls each with its slash path relative to root.
func goFiles(t *testing.T, root string, exempt []string, each func(rel string, f *ast.File, fset *token.FileSet)) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			for _, e := range exempt {
				if rel == e {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || slices.Contains(exempt, rel) {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		each(rel, f, fset)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTextsLiveInI18n fails on a string literal outside i18n that reads as Portuguese (struct tags and import
// paths are not texts).
func TestTextsLiveInI18n(t *testing.T) {
	var found []string
	goFiles(t, repoRoot(t), textExempt, func(rel string, f *ast.File, fset *token.FileSet) {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ImportSpec:
				return false
			case *ast.Field:
				n.Tag = nil
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				if s, err := strconv.Unquote(n.Value); err == nil && portuguese(s) {
					found = append(found, fset.Position(n.Pos()).String()+": "+strconv.Quote(s))
				}
			}
			return true
		})
	})
	if len(found) > 0 {
		t.Errorf("pt-BR texts outside package i18n (move each to i18n, in the file of its area):\n%s", strings.Join(found, "\n"))
	}
}

// TestEveryI18nEntryIsUsed fails on an exported name of package i18n that no other non-test file uses.
func TestEveryI18nEntryIsUsed(t *testing.T) {
	root := repoRoot(t)
	defined := map[string]string{}
	goFiles(t, filepath.Join(root, "i18n"), nil, func(rel string, f *ast.File, fset *token.FileSet) {
		for name, obj := range f.Scope.Objects {
			if ast.IsExported(name) && (obj.Kind == ast.Con || obj.Kind == ast.Var || obj.Kind == ast.Fun) {
				defined[name] = fset.Position(obj.Pos()).String()
			}
		}
	})
	used := map[string]bool{}
	goFiles(t, root, []string{"i18n"}, func(rel string, f *ast.File, _ *token.FileSet) {
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "i18n" {
					used[sel.Sel.Name] = true
				}
			}
			return true
		})
	})
	// An entry used inside i18n itself (a text built from others) counts as used.
	goFiles(t, filepath.Join(root, "i18n"), nil, func(rel string, f *ast.File, _ *token.FileSet) {
		decl := map[*ast.Ident]bool{}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				decl[d.Name] = true
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							decl[n] = true
						}
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && !decl[id] && defined[id.Name] != "" {
				used[id.Name] = true
			}
			return true
		})
	})
	var unused []string
	for name, pos := range defined {
		if !used[name] {
			unused = append(unused, pos+": "+name)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("i18n entries nothing uses (remove them, or use them):\n%s", strings.Join(unused, "\n"))
	}
}
