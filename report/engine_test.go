package report

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
)

// Each sentence of the table, filled in English, reads back as itself: the table
// matches what it says it matches, and says it the way check does.
func TestSummariesReadBackInEnglish(t *testing.T) {
	en := i18n.For("en")
	for _, sm := range summaries {
		format := sm.say(en)
		n := len(printfVerb.FindAllString(format, -1))
		args := make([]any, n)
		for i := range args {
			args[i] = strconv.Itoa(11 * (i + 1))
		}
		switch {
		case strings.Contains(format, "signature %s"):
			args[n-1] = "verified"
		case strings.HasPrefix(format, "%s %s in %s ms"):
			args = []any{"200", "OK", "12", "512 bytes"}
		case strings.Contains(format, "profile %s of the same"):
			args[0] = `"x"`
		}
		s := fmt.Sprintf(format, args...)
		got, ok := translateSummary(en, s)
		if !ok || got != s {
			t.Errorf("%q reads back as %q (matched %v)", s, got, ok)
		}
	}
}

var printfVerb = regexp.MustCompile(`%[a-z]`)

// checkSource is the directory of package check.
func checkSource(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "check")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("check's source is not beside this test binary (a cross-built test)")
	}
	return dir
}

// Every summary check writes is a sentence the table knows, so a report in another
// language translates it: check's source is read for the sentences it gives
// finishStep, skippedStep and skipRest, the reasons it keeps for a skipped token step,
// and the summaries made by Sprintf; what is not known yet fails here until the table
// (engine.go) says it.
func TestEverySummaryCheckWritesIsTranslated(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, checkSource(t), func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	var samples []string
	add := func(e ast.Expr) {
		if s, ok := sample(e); ok {
			samples = append(samples, s)
		}
	}
	for _, p := range pkgs {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.CallExpr:
					if id, ok := x.Fun.(*ast.Ident); ok {
						switch {
						case id.Name == "finishStep" && len(x.Args) == 2:
							add(x.Args[1])
						case id.Name == "skippedStep" && len(x.Args) == 3:
							add(x.Args[2])
						}
					}
					if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "skipRest" && len(x.Args) == 2 {
						add(x.Args[1])
					}
				case *ast.AssignStmt:
					if x.Tok != token.ASSIGN && x.Tok != token.DEFINE {
						return true // sum += ...: a part of a sentence below
					}
					for i, l := range x.Lhs {
						if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "skipToken" && i < len(x.Rhs) {
							add(x.Rhs[i])
						}
						if id, ok := l.(*ast.Ident); ok && i < len(x.Rhs) {
							// A step's summary (sum) or why the rest is skipped (why); other
							// whys of check are not summaries.
							if s, ok := sample(x.Rhs[i]); ok && (id.Name == "sum" || id.Name == "why" && strings.HasPrefix(s, "Skipped")) {
								samples = append(samples, s)
							}
						}
					}
				case *ast.ReturnStmt:
					// inspectSummary's sentences.
					for _, r := range x.Results {
						if s, ok := sample(r); ok && strings.Contains(s, "token") && strings.Contains(s, "not readable") {
							samples = append(samples, s)
						}
					}
				}
				return true
			})
		}
	}
	if len(samples) < 25 {
		t.Fatalf("only %d sentences found in check: the scan is broken: %q", len(samples), samples)
	}
	// What the scan cannot see: the summaries built in steps.
	samples = append(samples, "System User x, scopes [read update], signature verified", "no System User, scopes [], signature not_checked",
		"200 OK in 12 ms, 1.3 KiB", "Token …abc123 issued, expires in 1h0m0s (12 ms)", check.CallsSkipped("").String()[len("API calls skipped: "):])
	bg := i18n.For("bg")
	for _, s := range samples {
		if _, ok := translateSummary(bg, s); !ok {
			t.Errorf("check writes %q, which report/engine.go does not translate", s)
		}
	}
}

// sample is a sentence an expression of check makes: its string literals with X for
// what is computed; ok is false for an expression with no words of its own.
func sample(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil && strings.Contains(s, " ") || s == "Reachable" || s == "Cancelled"
	case *ast.BinaryExpr:
		a, okA := sample(x.X)
		b, okB := sample(x.Y)
		if !okA {
			a = "X"
		}
		if !okB {
			b = "X"
		}
		return a + b, okA || okB
	case *ast.CallExpr:
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(x.Args) > 0 {
			f, ok := sample(x.Args[0])
			return printfVerb.ReplaceAllStringFunc(f, func(v string) string {
				if v == "%d" {
					return "200"
				}
				return "X"
			}), ok
		}
	}
	return "", false
}
