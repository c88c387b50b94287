package i18n_test

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var updateEnglishOnly = flag.Bool("update-english-only", false, "rewrite testdata/english-only.txt with the English the code says outside the translations")

// englishOnlyFile lists, package by package, the English text the code says without
// the translation mechanism: what a translator has not been given yet. It is
// generated (-update-english-only) and only ever meant to shrink.
const englishOnlyFile = "testdata/english-only.txt"

// notScanned are the packages whose text is not the program's to translate: the
// emulated ERP.net speaks as ERP.net does, the catalogue's English is guide's
// Sources (TestTranslations), the rest are tools and test helpers.
var notScanned = []string{"sandbox", "guide", "internal/i18n", "internal/layers", "internal/hostile", "internal/testdir", "internal/fyneloop", "packaging", "scripts"}

// prose matches a literal that reads as words to a person: two words of letters
// with a space between them.
var prose = regexp.MustCompile(`[A-Za-z]{2,}[,;:.!?)'"]* +[("'A-Za-z]*[A-Za-z]{2,}`)

// TestEnglishOnly: the English the program says outside the translations is exactly
// the list in testdata/english-only.txt. A new sentence that bypasses lang fails here
// (translate it, or, when it must stay English, run the test with
// -update-english-only and say why in review); one translated since is dropped from
// the list the same way.
func TestEnglishOnly(t *testing.T) {
	root := moduleRoot(t)
	got := englishOnly(t, root)
	if *updateEnglishOnly {
		if err := os.WriteFile(englishOnlyFile, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(englishOnlyFile)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	have, listed := map[string]bool{}, map[string]bool{}
	for _, g := range got {
		have[g] = true
	}
	for _, w := range want {
		listed[w] = true
	}
	var added, gone []string
	for _, g := range got {
		if !listed[g] {
			added = append(added, g)
		}
	}
	for _, w := range want {
		if !have[w] {
			gone = append(gone, w)
		}
	}
	report(t, "sentences said in English only, not in "+englishOnlyFile+" (say them through lang, or list them with -update-english-only)", added)
	report(t, "sentences in "+englishOnlyFile+" the code no longer says in English only (run with -update-english-only)", gone)
}

// englishOnly lists "package<TAB>literal" for every prose string literal of the
// scanned packages that is not an argument of a translation call, a regexp, an
// import or a struct tag.
func englishOnly(t *testing.T, root string) []string {
	t.Helper()
	fset := token.NewFileSet()
	seen := map[string]bool{}
	for _, rel := range goFiles(t, root) {
		dir := filepath.ToSlash(filepath.Dir(rel))
		if skipped(dir) {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(root, rel), nil, 0)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		inCall := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.ImportSpec:
				return false
			case *ast.Field:
				if x.Tag != nil {
					inCall[x.Tag] = true
				}
			case *ast.CallExpr:
				if exempt(x) {
					ast.Inspect(x, func(m ast.Node) bool {
						if b, ok := m.(*ast.BasicLit); ok {
							inCall[b] = true
						}
						return true
					})
				}
			case *ast.BasicLit:
				if x.Kind != token.STRING || inCall[x] {
					return true
				}
				s, err := strconv.Unquote(x.Value)
				if err != nil || !prose.MatchString(s) {
					return true
				}
				line := dir + "\t" + strconv.Quote(s)
				seen[line] = true
			}
			return true
		})
	}
	out := make([]string, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

func skipped(dir string) bool {
	for _, p := range notScanned {
		if dir == p || strings.HasPrefix(dir, p+"/") {
			return true
		}
	}
	return false
}

// exempt reports whether a call's literals are not English to translate: a
// translation call (lang.X, tr.X), a regular expression, a panic (a defect).
func exempt(c *ast.CallExpr) bool {
	switch fn := c.Fun.(type) {
	case *ast.SelectorExpr:
		switch fn.Sel.Name {
		case "L", "N", "X", "XN":
			return namedLang(fn.X) || isIdent(fn.X, "tr")
		case "MustCompile", "Compile", "MatchString":
			return isIdent(fn.X, "regexp")
		}
	case *ast.Ident:
		return fn.Name == "panic"
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
