package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The rules below keep the console's code in shape; they read ui/'s source (this package's directory and below).

// fixturePkg is the one package of ui/ that assembles the real parts (dataset, directory, sandbox server).
const fixturePkg = "internal/uitest"

// maxFuncLines is the longest a function of ui/ (its non-test code) may be, from "func" to its closing brace.
const maxFuncLines = 60

// realParts are the packages only the fixture package may import: the screens are tested through it.
var realParts = []string{
	"github.com/balcao/balcao/sandbox",
	"github.com/balcao/balcao/directory",
	"github.com/balcao/balcao/demo",
}

// goFile is one parsed file of ui/.
type goFile struct {
	path string // relative to ui/, slash-separated
	test bool
	ast  *ast.File
	fset *token.FileSet
}

func (f goFile) dir() string { return filepath.ToSlash(filepath.Dir(f.path)) }

// uiFiles parses every .go file of ui/.
func uiFiles(t *testing.T) []goFile {
	t.Helper()
	var out []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		out = append(out, goFile{path: filepath.ToSlash(path), test: strings.HasSuffix(path, "_test.go"), ast: f, fset: fset})
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, len(out), 20, "ui/'s files were found")
	return out
}

// TestScreensImportNoRealParts: a screen (and its tests) reaches the dataset, the directory and the sandbox only
// through the fixture package, so that moving one of them touches the fixture package alone.
func TestScreensImportNoRealParts(t *testing.T) {
	for _, f := range uiFiles(t) {
		if f.dir() == fixturePkg {
			continue
		}
		for _, imp := range f.ast.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			for _, real := range realParts {
				assert.NotEqual(t, real, path, "%s imports %s: use ui/%s", f.path, path, fixturePkg)
			}
		}
	}
}

// TestFunctionLength: no function of ui/'s code (tests aside) is longer than maxFuncLines lines.
func TestFunctionLength(t *testing.T) {
	type fn struct {
		name  string
		lines int
	}
	var all []fn
	for _, f := range uiFiles(t) {
		if f.test {
			continue
		}
		for _, d := range f.ast.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			n := f.fset.Position(fd.End()).Line - f.fset.Position(fd.Pos()).Line + 1
			all = append(all, fn{name: f.path + " " + funcName(fd), lines: n})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].lines > all[j].lines })
	require.NotEmpty(t, all)
	t.Logf("longest: %s, %d lines", all[0].name, all[0].lines)
	for _, f := range all {
		assert.LessOrEqual(t, f.lines, maxFuncLines, "%s: split it into named steps", f.name)
	}
}

// funcName is "Recv.Name" for a method, "Name" for a function.
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	recv := fd.Recv.List[0].Type
	if star, ok := recv.(*ast.StarExpr); ok {
		recv = star.X
	}
	if id, ok := recv.(*ast.Ident); ok {
		return id.Name + "." + fd.Name.Name
	}
	return fd.Name.Name
}

// TestKeysAndStylesInOnePlace: key bindings (and their help texts) are made in ui/common/keys.go, styles in
// ui/common/styles.go; screens and components copy them.
func TestKeysAndStylesInOnePlace(t *testing.T) {
	home := map[string]string{
		"NewBinding": "common/keys.go", "WithHelp": "common/keys.go", "SetHelp": "common/keys.go",
		"NewStyle": "common/styles.go",
	}
	for _, f := range uiFiles(t) {
		if f.test {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if want, ok := home[sel.Sel.Name]; ok && f.path != want {
					t.Errorf("%s: %s belongs in ui/%s", f.fset.Position(call.Pos()), sel.Sel.Name, want)
				}
			}
			return true
		})
	}
}

// TestNoAccentedTextOutsideI18n: user-visible pt-BR text lives in package i18n; a string literal of ui/'s code
// with an accented letter is almost surely such a text.
func TestNoAccentedTextOutsideI18n(t *testing.T) {
	for _, f := range uiFiles(t) {
		if f.test {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			for _, r := range lit.Value {
				if r > unicode.MaxASCII && unicode.IsLetter(r) {
					t.Errorf("%s: %s: move the text to package i18n", f.fset.Position(lit.Pos()), lit.Value)
					break
				}
			}
			return true
		})
	}
}
