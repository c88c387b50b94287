package main

import (
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/testdir"
)

// profiles show says which proxy a run would take to the instance now, and where
// that choice comes from: the profile, the environment (a login in it redacted), or
// none; the JSON carries it as proxy_route.
func TestProfilesShowSaysWhichProxy(t *testing.T) {
	keyring.MockInit()
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(k, "")
	}
	store := filepath.Join(testdir.New(t), "p.json")
	expect(t, runCLI(t, store, nil, "add", "Plain", "--instance", "https://acme.my.erp.net", "--client-id", "a"), 0, nil, nil)
	expect(t, runCLI(t, store, nil, "add", "Via", "--instance", "https://acme.my.erp.net", "--client-id", "a", "--proxy", "http://proxy.corp.example:3128"), 0, nil, nil)

	expect(t, runCLI(t, store, nil, "show", "Via"), 0, []string{"Proxy:", "profile proxy → proxy.corp.example:3128 (now, for acme.my.erp.net)"}, nil)
	if runtime.GOOS == "linux" {
		expect(t, runCLI(t, store, nil, "show", "Plain"), 0, []string{"Proxy:", "none (now, for acme.my.erp.net)"}, nil)
	}

	t.Setenv("HTTPS_PROXY", "http://CORP%5Calice:Proxy-Pa55@env-proxy.corp.example:8080")
	r := runCLI(t, store, nil, "show", "Plain")
	expect(t, r, 0, []string{"environment HTTPS_PROXY → http://[redacted]@env-proxy.corp.example:8080"}, nil)
	if strings.Contains(r.stdout, "Pa55") || strings.Contains(r.stdout, "alice") {
		t.Errorf("the proxy login is shown:\n%s", r.stdout)
	}
	r = runCLI(t, store, nil, "show", "Plain", "--json")
	expect(t, r, 0, nil, nil)
	var out struct {
		Route struct{ Host, Proxy, Source, By string } `json:"proxy_route"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Route.Source != "environment" || out.Route.By != "HTTPS_PROXY" || out.Route.Proxy != "http://[redacted]@env-proxy.corp.example:8080" || strings.Contains(r.stdout, "Pa55") {
		t.Errorf("proxy_route %+v\n%s", out.Route, r.stdout)
	}
	// The profile's proxy comes first, whatever the environment says.
	expect(t, runCLI(t, store, nil, "show", "Via"), 0, []string{"profile proxy → proxy.corp.example:3128"}, nil)
}
