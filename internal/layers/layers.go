// Package layers writes down who may import whom (docs/architecture.md, "Layers") as
// data, and its test checks every package of the module against it with go list.
package layers

import (
	"fmt"
	"sort"
	"strings"
)

// Module is the module's import path.
const Module = "trustedapp-tester"

// Package is one package as go list reports it: its path and its direct imports.
type Package struct {
	Path    string
	Imports []string
}

// Rule forbids the packages it applies to some imports.
type Rule struct {
	// Why says what the rule keeps true, for the message of a broken rule.
	Why string
	// Applies reports whether the rule is about package path.
	Applies func(path string) bool
	// Forbidden reports whether the packages the rule applies to may not import imp.
	Forbidden func(imp string) bool
}

func ours(imp string) bool { return imp == Module || strings.HasPrefix(imp, Module+"/") }

func under(prefixes ...string) func(string) bool {
	return func(p string) bool {
		for _, pre := range prefixes {
			if p == pre || strings.HasPrefix(p, pre+"/") {
				return true
			}
		}
		return false
	}
}

func is(paths ...string) func(string) bool {
	return func(p string) bool {
		for _, x := range paths {
			if p == x {
				return true
			}
		}
		return false
	}
}

func fyne(imp string) bool {
	return imp == "fyne.io/fyne/v2" || strings.HasPrefix(imp, "fyne.io/fyne/v2/")
}

// UINoIO are the standard packages through which a program reaches the disk, the
// network, other processes or the keychain. The screens (ui) import none of them: the
// desk does that work. (io, bytes, net/url and encoding/* only move or parse data and
// stay allowed.)
var UINoIO = []string{
	"os", "os/exec", "os/signal", "io/ioutil", "io/fs", "path/filepath", "syscall",
	"net", "net/http", "net/http/httputil", "net/rpc", "net/smtp", "crypto/tls",
	"github.com/zalando/go-keyring",
}

// Rules are the import rules of docs/architecture.md.
var Rules = []Rule{
	{
		Why:     "ui does no file or network I/O of its own (the desk does it)",
		Applies: under(Module + "/ui"),
		Forbidden: func(imp string) bool {
			for _, x := range UINoIO {
				if imp == x {
					return true
				}
			}
			return false
		},
	},
	{
		Why:       "ui talks to the desk, never to the sandbox or the store's file machinery",
		Applies:   under(Module + "/ui"),
		Forbidden: under(Module+"/sandbox", Module+"/internal/atomicfile", Module+"/internal/filelock"),
	},
	{
		Why:     "only main imports Fyne's app package: everything else tests headless",
		Applies: func(p string) bool { return p != Module },
		Forbidden: func(imp string) bool {
			return imp == "fyne.io/fyne/v2/app"
		},
	},
	{
		Why:       "the desk (the application layer) never imports the screens",
		Applies:   under(Module + "/desk"),
		Forbidden: under(Module + "/ui"),
	},
	{
		Why:     "the desk uses Fyne's core only (fyne.Do, file URIs), never widgets or dialogs",
		Applies: under(Module + "/desk"),
		Forbidden: func(imp string) bool {
			return fyne(imp) && imp != "fyne.io/fyne/v2"
		},
	},
	{
		Why:       "sandbox, guide and tokenview import nothing of ours (sandbox stays an independent server)",
		Applies:   is(Module+"/sandbox", Module+"/guide", Module+"/tokenview"),
		Forbidden: ours,
	},
	{
		Why: "the engine, the store and the CLI need no Fyne (the CLI builds without cgo)",
		Applies: func(p string) bool {
			// internal/fyneloop is a test helper for the Fyne code (desk, ui).
			return p != Module+"/internal/fyneloop" && under(Module+"/cmd", Module+"/check", Module+"/profiles", Module+"/report", Module+"/audit", Module+"/guide", Module+"/tokenview", Module+"/sandbox", Module+"/compare", Module+"/explain", Module+"/fleet", Module+"/internal")(p)
		},
		Forbidden: func(imp string) bool {
			return fyne(imp) || under(Module+"/desk", Module+"/ui")(imp)
		},
	},
}

// Check returns one line per broken rule: which package imports what, and why it may
// not.
func Check(pkgs []Package, rules []Rule) []string {
	var out []string
	for _, p := range pkgs {
		for _, r := range rules {
			if !r.Applies(p.Path) {
				continue
			}
			for _, imp := range p.Imports {
				if r.Forbidden(imp) {
					out = append(out, fmt.Sprintf("%s imports %s: %s", p.Path, imp, r.Why))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}
