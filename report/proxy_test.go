package report

import (
	"encoding/json"
	"strings"
	"testing"

	"trustedapp-tester/check"
)

func proxyReport(uses ...check.ProxyUse) check.Report {
	r := leakyReport()
	r.Proxies = uses
	return r
}

// The report says which proxy the run used and where the choice came from, in the
// text, the Markdown and the JSON; a login in a proxy URL is redacted everywhere.
func TestReportSaysWhichProxy(t *testing.T) {
	pac := check.ProxyUse{Host: "acme.my.erp.net", Proxy: "http://proxy.corp.example:8080", Source: check.ProxyFromSystem,
		By: "PAC http://wpad/proxy.pac", Auth: "NTLM as the signed-in Windows user",
		Notes: []string{"automatic detection (WPAD) gave no PAC file: no PAC file was found on this network (WinHTTP error 12180)"}}
	d := Build(proxyReport(pac), testProfile())
	out := renderAll(t, d)
	if !strings.Contains(out["text"], "Proxy: system PAC http://wpad/proxy.pac → proxy.corp.example:8080 (signed in: NTLM as the signed-in Windows user)\n") ||
		!strings.Contains(out["text"], "  Proxy note: automatic detection (WPAD) gave no PAC file") {
		t.Errorf("text:\n%s", out["text"])
	}
	if !strings.Contains(out["markdown"], "## Proxy") || !strings.Contains(out["markdown"], "| acme.my.erp.net | system PAC "+mdText("http://wpad/proxy.pac")+" → proxy.corp.example:8080 | NTLM as the signed-in Windows user |") {
		t.Errorf("markdown:\n%s", out["markdown"])
	}
	var doc struct {
		Proxies []map[string]any `json:"proxies"`
	}
	if err := json.Unmarshal([]byte(out["json"]), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"host": "acme.my.erp.net", "route": "system PAC http://wpad/proxy.pac → proxy.corp.example:8080",
		"proxy": "http://proxy.corp.example:8080", "source": "system", "by": "PAC http://wpad/proxy.pac", "auth": "NTLM as the signed-in Windows user",
		"notes": []any{"automatic detection (WPAD) gave no PAC file: no PAC file was found on this network (WinHTTP error 12180)"}}
	if len(doc.Proxies) != 1 || !jsonEqual(doc.Proxies[0], want) {
		t.Errorf("json proxies %v", doc.Proxies)
	}
}

// Hosts that went different ways get a line each; "none" is said, not left out.
func TestReportProxyPerHost(t *testing.T) {
	d := Build(proxyReport(
		check.ProxyUse{Host: "acme.my.erp.net", Source: check.ProxyFromNone},
		check.ProxyUse{Host: "id.example", Proxy: "http://[redacted]@proxy:3128", Source: check.ProxyFromEnvironment, By: "HTTPS_PROXY"},
	), testProfile())
	out := renderAll(t, d)
	for _, want := range []string{"Proxy for acme.my.erp.net: none\n", "Proxy for id.example: environment HTTPS_PROXY → http://[redacted]@proxy:3128\n"} {
		if !strings.Contains(out["text"], want) {
			t.Errorf("text lacks %q:\n%s", want, out["text"])
		}
	}
	if !strings.Contains(out["markdown"], "| acme.my.erp.net | none | none asked |") {
		t.Errorf("markdown:\n%s", out["markdown"])
	}
	// A report of a run without our transport (tests) has no proxy line at all.
	if out := renderAll(t, Build(leakyReport(), testProfile())); strings.Contains(out["text"], "Proxy") || strings.Contains(out["json"], `"proxies"`) {
		t.Errorf("no proxies: %s", out["text"])
	}
}

// A login that reached a proxy URL by mistake is redacted in every output.
func TestReportProxyLoginRedacted(t *testing.T) {
	leak := check.ProxyUse{Host: "acme.my.erp.net", Proxy: "http://alice:Proxy-Pa55@proxy:3128", Source: check.ProxyFromProfile,
		Notes: []string{"the PAC file http://u:Proxy-Pa55@wpad/p.pac?token=Proxy-Pa55 could not be used"}}
	for kind, s := range renderAll(t, Build(proxyReport(leak), testProfile())) {
		if strings.Contains(s, "Pa55") {
			t.Errorf("%s holds the proxy password:\n%s", kind, s)
		}
	}
}

func jsonEqual(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
