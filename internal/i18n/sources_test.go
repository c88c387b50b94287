package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The English sources of the translations: what the code says through lang (found
// the way `fyne translate` finds it), what guide says (guide.Sources), and Fyne's own
// strings (fyne.en.json).

// moduleRoot is the module's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Skip("the module's source is not beside this test binary (a cross-built test): the translations are checked where it is")
	}
	return root
}

// call is one translation call in the code.
type call struct {
	key, src string
	plural   bool
	at       string // file:line
}

// goFiles lists the module's Go files (not tests, not testdata), relative to root.
func goFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" || name == "bin" || name == "node_modules") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir // another module (a tool's)
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			rel, _ := filepath.Rel(root, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// translationCalls finds every lang.L, lang.N, lang.X and lang.XN in the module's
// code, where lang is an identifier or the last name of a selector (lang.X, e.lang.X,
// o.env.lang.X): the calls `fyne translate` extracts. A call whose key or English is
// not a string literal (or a sum of them) is reported in bad: no tool could extract
// it. internal/i18n itself is the mechanism and is not scanned.
func translationCalls(t *testing.T, root string) (calls []call, bad []string) {
	t.Helper()
	fset := token.NewFileSet()
	for _, rel := range goFiles(t, root) {
		if strings.HasPrefix(rel, "internal/i18n/") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(root, rel), nil, 0)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ce, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := ce.Fun.(*ast.SelectorExpr)
			if !ok || !namedLang(sel.X) {
				return true
			}
			at := fset.Position(ce.Pos()).String()
			if rel, err := filepath.Rel(root, at); err == nil {
				at = filepath.ToSlash(rel)
			}
			var c call
			switch sel.Sel.Name {
			case "L", "N":
				if len(ce.Args) < 1 {
					return true
				}
				s, ok := literal(ce.Args[0])
				if !ok {
					bad = append(bad, at+": lang."+sel.Sel.Name+" with a text that is not a string literal")
					return true
				}
				c = call{key: s, src: s, plural: sel.Sel.Name == "N", at: at}
			case "X", "XN":
				if len(ce.Args) < 2 {
					return true
				}
				k, ok1 := literal(ce.Args[0])
				s, ok2 := literal(ce.Args[1])
				if !ok1 || !ok2 {
					bad = append(bad, at+": lang."+sel.Sel.Name+" with a key or English that is not a string literal")
					return true
				}
				c = call{key: k, src: s, plural: sel.Sel.Name == "XN", at: at}
			default:
				return true
			}
			calls = append(calls, c)
			return true
		})
	}
	return calls, bad
}

func namedLang(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name == "lang"
	case *ast.SelectorExpr:
		return x.Sel.Name == "lang"
	}
	return false
}

// literal is the value of a string literal or a sum of them.
func literal(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(x.X)
		b, ok2 := literal(x.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return literal(x.X)
	}
	return "", false
}
