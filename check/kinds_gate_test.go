package check

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// The request sites of the reference-token and basic runs go through the credential
// gate like every other: each request that reaches the wire passed it, declared what it
// carries (the reference token as a token, the Basic password as a password), and goes
// only where the profile names; a stored token or password stays with the hosts it was
// stored for.

// kindSites are the requests of a reference-token or basic run, by where they go.
var kindSites = []site{
	{"reachability: version", pathIs("/tools/ver"), CarriesNothing},
	{"reachability: standard model", pathIs("/api/domain/standardmodel"), CarriesNothing},
	{"reachability: auto-discovery", pathIs("/tools/auto-discovery"), CarriesNothing},
	{"API: current model", pathIs("/api/domain/currentmodel"), CarriesToken},
	{"API: OData", func(u *url.URL) bool { return strings.HasPrefix(u.Path, "/api/domain/odata/") }, CarriesToken},
	{"identity: Profile site", pathIs("/profile/me"), CarriesToken},
	{"Basic: Table API", func(u *url.URL) bool { return strings.HasPrefix(u.Path, "/tableapi/") }, CarriesPassword},
}

// checkKindWire is checkWire for the kinds' sites: a Basic header is a password here.
func checkKindWire(t *testing.T, what string, w *wire, ps *passages) map[string]bool {
	t.Helper()
	return checkSitesOnWire(t, what, w, ps, kindSites, CarriesPassword)
}

func TestKindRequestSitesGoThroughTheGate(t *testing.T) {
	s := startSandbox(t, sandbox.Config{TableAPIAddr: "localhost:0"})
	real := http.DefaultTransport.(*http.Transport).Clone()
	defer real.CloseIdleConnections()
	opts := func(w *wire, ps *passages) Options {
		o := fresh()
		o.Transport, o.Watch = w, ps.watch
		return o
	}

	// A reference token: reachability, the calls, the Profile site and AccessTokens.
	sc, _ := s.Scenario("reference-token-pat")
	w, ps := &wire{next: real}, &passages{}
	rep := Run(context.Background(), profileFor(s, sc), sc.ClientSecret, opts(w, ps), nil)
	if rep.Verdict != Pass {
		t.Fatalf("reference token: %v", codes(rep, ""))
	}
	seen := checkKindWire(t, "reference token", w, ps)
	for _, name := range []string{"reachability: version", "API: OData", "identity: Profile site"} {
		if !seen[name] {
			t.Errorf("the reference-token run made no request of %q", name)
		}
	}

	// Basic to the Table API at its own site: refused until that host is confirmed,
	// and nothing reaches it; then every call passes as a password.
	bs, _ := s.Scenario("basic")
	p := profileFor(s, bs)
	w, ps = &wire{next: real}, &passages{}
	rep = Run(context.Background(), p, bs.ClientSecret, opts(w, ps), nil)
	f := finding(rep, GateTokenForeignHost)
	if rep.Verdict != Fail || f == nil || f.Evidence[EvCredential] != "password" || !strings.Contains(f.Message, "The password was not sent") {
		t.Fatalf("unconfirmed Table API site: %v", codes(rep, ""))
	}
	for _, r := range w.requests() {
		if strings.Contains(r.url, "/tableapi/") {
			t.Errorf("the password went to %s", r.url)
		}
	}
	if _, _, err := profiles.ConfirmHost(&p, s.TableAPIURL()); err != nil {
		t.Fatal(err)
	}
	w, ps = &wire{next: real}, &passages{}
	rep = Run(context.Background(), p, bs.ClientSecret, opts(w, ps), nil)
	if rep.Verdict != Pass {
		t.Fatalf("confirmed: %v", codes(rep, ""))
	}
	if seen := checkKindWire(t, "basic", w, ps); !seen["Basic: Table API"] {
		t.Errorf("basic sites %v", seen)
	}
}

// A stored reference token or password stays with the hosts it was stored for: after
// the instance moved (an edit, an import), the gate sends it nowhere until it is moved
// or set again.
func TestStoredTokenOrPasswordStaysWithItsHost(t *testing.T) {
	s := startSandbox(t, sandbox.Config{})
	for _, name := range []string{"reference-token", "basic"} {
		sc, _ := s.Scenario(name)
		p := profileFor(s, sc)
		p.SecretSetAt, p.SecretKind = time.Now(), p.KindOf()
		p.SecretFor = []string{"https://old.acme.example"} // stored for another instance
		w, ps := &wire{next: http.DefaultTransport}, &passages{}
		o := fresh()
		o.Transport, o.Watch = w, ps.watch
		rep := Run(context.Background(), p, sc.ClientSecret, o, nil)
		f := finding(rep, GateSecretMoved)
		if rep.Verdict != Fail || f == nil || !strings.Contains(f.Message, "stored for https://old.acme.example") {
			t.Errorf("%s: %v", name, codes(rep, ""))
		}
		for _, r := range w.requests() {
			if r.auth != "" {
				t.Errorf("%s: %s went out with a credential", name, r.url)
			}
		}
	}
}
