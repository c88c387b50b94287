package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Nothing in the program sends a request but through the engine's client, whose
// transport chain holds the credential gate: this reads every Go file of the module
// (tests, the sandbox and the test servers of internal/hostile aside) and lists each
// place that makes a request, builds an HTTP client or transport, dials, or hands a
// client to x/oauth2. Each must be one of the few the gate's design knows; a new one
// fails here until it goes through run.do (or is added below with the reason it
// carries no credential past the gate).

// requestMakers are the names that make a request or a connection, by import path.
var requestMakers = map[string][]string{
	"net/http":                              {"NewRequest", "NewRequestWithContext", "Get", "Head", "Post", "PostForm", "DefaultClient", "DefaultTransport", "Client", "Transport"},
	"net":                                   {"Dial", "DialTimeout", "DialTCP", "DialUDP", "DialIP", "DialUnix", "Dialer"},
	"crypto/tls":                            {"Dial", "DialWithDialer", "Dialer"},
	"golang.org/x/oauth2":                   {"HTTPClient", "NewClient"},
	"golang.org/x/oauth2/clientcredentials": {"Config"},
	"net/rpc":                               nil, // any use
	"net/smtp":                              nil,
}

// typeNames are the request makers that are types: a use is making a value of one.
var typeNames = map[string]bool{"Client": true, "Transport": true, "Dialer": true, "Config": true}

// knownRequestSites are the places allowed to use them: file:function:use.
var knownRequestSites = []string{
	"check/client.go:do:http.NewRequestWithContext",       // every request of the engine, declared for the gate
	"check/client.go:do:.Do",                              // the run's client (gated)
	"check/client.go:newClient:http.Client",               // the run's client: Transport is chain(), with the gate
	"check/client.go:baseTransport:http.DefaultTransport", // the base under the chain
	"check/token.go:token:clientcredentials.Config",       // the token request...
	"check/token.go:token:oauth2.HTTPClient",              // ...sent with the run's (gated) client, declared CarriesSecret
	"check/transport.go:RoundTrip:.RoundTrip",             // capture -> gate
	"check/gate.go:RoundTrip:.RoundTrip",                  // gate -> the proxy layer / base, after the decision
	"check/proxyerr.go:RoundTrip:.RoundTrip",              // below the gate
	"check/proxytunnel.go:newProxyTransport:net.Dialer",   // the base transport's own CONNECT to a proxy, below the gate
	"check/proxytunnel.go:RoundTrip:.RoundTrip",           // the base transport (proxy sign-in), below the gate
}

func TestEveryRequestGoesThroughTheGatedClient(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch {
			case rel != "." && strings.HasPrefix(d.Name(), "."), rel == "sandbox", rel == "internal/hostile", d.Name() == "testdata", d.Name() == "vendor":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		found = append(found, requestUses(t, path, rel)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, use := range found {
		seen[use] = true
		if !slices.Contains(knownRequestSites, use) {
			t.Errorf("%s makes a request (or a client, transport or connection) outside the engine's gated client: send it with run.do, declaring what it carries", use)
		}
	}
	for _, k := range knownRequestSites {
		if !seen[k] {
			t.Errorf("the known request site %s is gone: update knownRequestSites (and docs/architecture.md)", k)
		}
	}
}

// requestUses lists the uses in one file as file:function:use.
func requestUses(t *testing.T, path, rel string) []string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	pkgs := map[string]string{} // local name -> import path
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" && strings.Contains(p, "/") {
			// A major version (fyne.io/fyne/v2): the package is named by the element before.
			q := p[:strings.LastIndex(p, "/")]
			name = q[strings.LastIndex(q, "/")+1:]
		}
		if im.Name != nil {
			name = im.Name.Name
		}
		pkgs[name] = p
	}
	var out []string
	for _, decl := range f.Decls {
		fn := "(file)"
		if fd, ok := decl.(*ast.FuncDecl); ok {
			fn = fd.Name.Name
		}
		// use is sel when it names a request maker; a type (a Client, Transport or
		// Dialer) counts only where a value of it is made.
		use := func(sel *ast.SelectorExpr, made bool) {
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return
			}
			path, isPkg := pkgs[id.Name]
			names, watched := requestMakers[path]
			if !isPkg || !watched || (names != nil && !slices.Contains(names, sel.Sel.Name)) {
				return
			}
			if typeNames[sel.Sel.Name] && !made {
				return
			}
			out = append(out, rel+":"+fn+":"+id.Name+"."+sel.Sel.Name)
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.SelectorExpr:
				use(x, false)
			case *ast.CompositeLit:
				if sel, ok := x.Type.(*ast.SelectorExpr); ok {
					use(sel, true)
				}
			case *ast.CallExpr:
				if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "new" && len(x.Args) == 1 {
					if sel, ok := x.Args[0].(*ast.SelectorExpr); ok {
						use(sel, true)
					}
				}
				sel, ok := x.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "Do" && sel.Sel.Name != "RoundTrip") {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok {
					if _, isPkg := pkgs[id.Name]; isPkg {
						return true // fyne.Do and the like: a package's function
					}
				}
				if sel.Sel.Name == "Do" && len(x.Args) == 1 {
					if _, isFunc := x.Args[0].(*ast.FuncLit); isFunc {
						return true // sync.Once.Do(func() {...})
					}
				}
				out = append(out, rel+":"+fn+":."+sel.Sel.Name)
			}
			return true
		})
	}
	return out
}
