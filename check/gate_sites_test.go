package check

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/internal/redact"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// Every request site of the engine goes through the credential gate: each request that
// reaches the wire carries the mark of the gate's passage, and the passage says what
// the site declared, which fits what the request carried. The sites: reachability
// (/tools/ver, the standard model, auto-discovery), discovery (the OpenID
// configuration), the JWKS, the token request (form and Basic), the API calls (the
// Domain API and the Table API at its own site), Call (the app's custom calls),
// ReadRecord (with the app's own token and a reader's), a supplied token's run, a
// token-only run (the token command, a record reader's token), and a redirect hop.

// site is one kind of request the engine makes, by where it goes.
type site struct {
	name     string
	match    func(u *url.URL) bool
	declared Carries
}

func pathIs(p string) func(*url.URL) bool { return func(u *url.URL) bool { return u.Path == p } }

var engineSites = []site{
	{"reachability: version", pathIs("/tools/ver"), CarriesNothing},
	{"reachability: standard model", pathIs("/api/domain/standardmodel"), CarriesNothing},
	{"reachability: auto-discovery", pathIs("/tools/auto-discovery"), CarriesNothing},
	{"discovery: OpenID configuration", pathIs("/id/.well-known/openid-configuration"), CarriesNothing},
	{"discovery: JWKS", pathIs("/id/.well-known/openid-configuration/jwks"), CarriesNothing},
	{"token request", pathIs("/id/connect/token"), CarriesSecret},
	{"API: current model", pathIs("/api/domain/currentmodel"), CarriesToken},
	{"API: OData", func(u *url.URL) bool { return strings.HasPrefix(u.Path, "/api/domain/odata/") }, CarriesToken},
	{"API: Table API", func(u *url.URL) bool { return strings.HasPrefix(u.Path, "/tableapi/") }, CarriesToken},
}

// checkWire fails the test for a request that reached the wire without passing the
// gate, or whose declaration does not fit it, and returns the sites seen.
func checkWire(t *testing.T, what string, w *wire, ps *passages) map[string]bool {
	t.Helper()
	return checkSitesOnWire(t, what, w, ps, engineSites, CarriesSecret)
}

// checkSitesOnWire is checkWire against the site list sites, a Basic header carrying
// basic (the client's secret in the engine's token request, a password for the basic
// profile kind).
func checkSitesOnWire(t *testing.T, what string, w *wire, ps *passages, sites []site, basic Carries) map[string]bool {
	t.Helper()
	bySeq := map[int64]Passage{}
	for _, p := range ps.all() {
		bySeq[p.Seq] = p
	}
	seen := map[string]bool{}
	for _, req := range w.requests() {
		p, ok := bySeq[req.seq]
		if req.seq == 0 || !ok || p.Refused != nil {
			t.Errorf("%s: %s %s reached the wire without passing the gate", what, req.method, req.url)
			continue
		}
		if p.URL != redact.URL(req.url) || p.Method != req.method {
			t.Errorf("%s: the passage %s %s is not the request %s %s", what, p.Method, p.URL, req.method, req.url)
		}
		carried := CarriesNothing
		switch {
		case strings.HasPrefix(req.auth, "Bearer "):
			carried = CarriesToken
		case strings.HasPrefix(req.auth, "Basic "):
			carried = basic
		case strings.Contains(req.body, "client_secret="):
			carried = CarriesSecret
		}
		u, _ := url.Parse(req.url)
		known := false
		for _, s := range sites {
			if s.match(u) {
				known = true
				seen[s.name] = true
				if p.Declared != s.declared || carried != s.declared {
					t.Errorf("%s: %s %s declared %v and carried %v, want %v", what, req.method, req.url, p.Declared, carried, s.declared)
				}
			}
		}
		if !known {
			t.Errorf("%s: a request the site list does not know: %s %s", what, req.method, req.url)
		}
	}
	return seen
}

func TestEveryRequestSiteGoesThroughTheGate(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{TableAPIAddr: "localhost:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sc, _ := s.Scenario("healthy")
	p := profileFor(s, sc)
	p.Calls = append(profiles.DefaultCalls(), profiles.APICall{Method: "GET", Path: "/tableapi/odata/Gen_Documents?$top=1"})
	if _, _, err := profiles.ConfirmHost(&p, s.TableAPIURL()); err != nil {
		t.Fatal(err)
	}
	opts := func(w *wire, ps *passages) Options {
		o := fresh()
		o.Transport, o.Watch = w, ps.watch
		return o
	}
	real := http.DefaultTransport.(*http.Transport).Clone()
	defer real.CloseIdleConnections()

	// A whole run: every site of reachability, discovery, token and API calls.
	w, ps := &wire{next: real}, &passages{}
	rep := Run(context.Background(), p, sc.ClientSecret, opts(w, ps), nil)
	if rep.Verdict != Pass {
		t.Fatalf("run %s: %v", rep.Verdict, codes(rep, ""))
	}
	seen := checkWire(t, "run", w, ps)
	for _, s := range engineSites {
		if !seen[s.name] {
			t.Errorf("the run made no request of the site %q", s.name)
		}
	}
	tableAt := ""
	for _, r := range w.requests() {
		if strings.Contains(r.url, "/tableapi/") {
			tableAt = r.url
		}
	}
	if !strings.HasPrefix(tableAt, s.TableAPIURL()+"/tableapi/odata/") {
		t.Errorf("the Table API call went to %s, not its own site %s", tableAt, s.TableAPIURL())
	}

	// The same with client_secret_basic.
	basic := p
	basic.AuthMethod = profiles.AuthBasic
	w, ps = &wire{next: real}, &passages{}
	if rep := Run(context.Background(), basic, sc.ClientSecret, opts(w, ps), nil); rep.Access == nil {
		t.Fatalf("basic: %v", codes(rep, ""))
	}
	checkWire(t, "basic", w, ps)

	// Call, the app's custom calls, with the run's token: to the Domain API and to the
	// Table API's site that run found.
	for _, path := range []string{"/api/domain/odata/Crm_Sales_Customers?$top=1", "/tableapi/odata/Gen_Documents?$top=1"} {
		w, ps = &wire{next: real}, &passages{}
		if st := Call(context.Background(), p, rep.Access, profiles.APICall{Method: "GET", Path: path}, opts(w, ps)); st.Verdict != Pass {
			t.Errorf("Call %s: %s %v", path, st.Verdict, st.Findings)
		}
		if seen := checkWire(t, "Call "+path, w, ps); len(seen) != 1 {
			t.Errorf("Call %s: sites %v", path, seen)
		}
	}

	// ReadRecord with the app's own token.
	w, ps = &wire{next: real}, &passages{}
	if res := ReadRecord(context.Background(), p, rep.Access, p.ClientID, opts(w, ps)); res.Record == nil {
		t.Errorf("ReadRecord: %s", res.Problem)
	}
	checkWire(t, "ReadRecord", w, ps)

	// A token-only run (the token command, a record reader's token), then a record
	// read with that reader's token for another app of the instance.
	reader := p
	reader.Name = "Reader"
	o := opts(&wire{next: real}, &passages{})
	w, ps = &wire{next: real}, &passages{}
	o.Transport, o.Watch, o.Mode = w, ps.watch, TokenOnly
	rrep := Run(context.Background(), reader, sc.ClientSecret, o, nil)
	if rrep.Access == nil {
		t.Fatalf("token-only: %v", codes(rrep, ""))
	}
	if seen := checkWire(t, "token-only", w, ps); seen["reachability: version"] || !seen["token request"] {
		t.Errorf("token-only sites %v", seen)
	}
	other, _ := s.Scenario("disabled")
	w, ps = &wire{next: real}, &passages{}
	if res := ReadRecord(context.Background(), reader, rrep.Access, other.ClientID, opts(w, ps)); res.Record == nil {
		t.Errorf("ReadRecord with a reader: %s", res.Problem)
	}
	checkWire(t, "ReadRecord with a reader", w, ps)

	// A supplied token: no token request, the calls with it.
	o = opts(&wire{}, &passages{})
	w, ps = &wire{next: real}, &passages{}
	o.Transport, o.Watch, o.Supplied = w, ps.watch, NewAccessToken(rep.Access.Reveal())
	if srep := Run(context.Background(), p, "", o, nil); srep.Verdict == Fail {
		t.Errorf("supplied: %v", codes(srep, ""))
	}
	if seen := checkWire(t, "supplied token", w, ps); seen["token request"] || !seen["API: OData"] {
		t.Errorf("supplied-token sites %v", seen)
	}
}

// A redirect within the instance is followed, and the hop passes the gate again with
// the same declaration; a redirect to another host is not followed.
func TestRedirectHopsGoThroughTheGate(t *testing.T) {
	f := newERP(t)
	th := hostile.NewThief(t, false)
	f.API = func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/domain/currentmodel":
			http.Redirect(w, r, "/api/domain/moved", http.StatusTemporaryRedirect)
		case "/api/domain/odata/$metadata":
			http.Redirect(w, r, th.URL+"/stolen", http.StatusTemporaryRedirect)
		default:
			hostile.WriteJSON(w, 200, map[string]any{"value": []any{}})
		}
	}
	w, ps := &wire{next: http.DefaultTransport}, &passages{}
	o := fresh()
	o.Transport, o.Watch = w, ps.watch
	rep := Run(context.Background(), f.profile(), f.Secret, o, nil)
	hops := 0
	for _, p := range ps.all() {
		if strings.HasSuffix(p.URL, "/api/domain/moved") {
			hops++
			if p.Declared != CarriesToken || p.Refused != nil {
				t.Errorf("the hop: %+v", p)
			}
		}
	}
	if hops != 1 {
		t.Errorf("the redirect hop passed the gate %d times, want 1", hops)
	}
	if th.Requests() != 0 || !hasCode(rep, NetRedirectCrossHost) {
		t.Errorf("the cross-host redirect: thief %d, codes %v", th.Requests(), codes(rep, ""))
	}
	for _, r := range w.requests() {
		if r.seq == 0 {
			t.Errorf("%s %s reached the wire without passing the gate", r.method, r.url)
		}
	}
}

// The older auto-discovery path, asked when the newer one is missing, passes the gate
// too (anonymous).
func TestOlderAutoDiscoveryGoesThroughTheGate(t *testing.T) {
	f := newERP(t)
	f.AutoDiscovery = http.NotFound
	f.Other = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sys/auto-discovery" {
			hostile.WriteJSON(w, 200, hostile.AutoDiscoveryDoc(f.URL, "Working", ""))
			return
		}
		http.NotFound(w, r)
	}
	w, ps := &wire{next: http.DefaultTransport}, &passages{}
	o := fresh()
	o.Transport, o.Watch = w, ps.watch
	Run(context.Background(), f.profile(), f.Secret, o, nil)
	found := false
	for _, p := range ps.all() {
		if strings.HasSuffix(p.URL, "/sys/auto-discovery") && p.Declared == CarriesNothing && p.Refused == nil {
			found = true
		}
	}
	if !found {
		t.Error("the older auto-discovery path did not pass the gate")
	}
	for _, r := range w.requests() {
		if r.seq == 0 {
			t.Errorf("%s %s reached the wire without passing the gate", r.method, r.url)
		}
	}
}
