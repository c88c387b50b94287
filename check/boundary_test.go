package check

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/internal/origin"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// An instance whose auto-discovery names its OData root on another host, or on plain
// http under https, gets no bearer token there: the API calls are refused by the gate
// naming both hosts, the run fails, and nothing reaches the other host. Once the user
// confirms that host for the profile, the token goes there and the run says so.
func TestDiscoveredODataRootElsewhereGetsNoToken(t *testing.T) {
	for _, tc := range []struct {
		name   string
		useTLS bool
		root   func(in *hostile.Instance, th *hostile.Thief) string
	}{
		{"another host", false, func(in *hostile.Instance, th *hostile.Thief) string {
			return strings.Replace(th.URL, "127.0.0.1", "localhost", 1) + "/api/domain/odata/"
		}},
		{"plain http under https", true, func(in *hostile.Instance, th *hostile.Thief) string {
			return th.URL + "/api/domain/odata/" // http:// on 127.0.0.1 like the instance
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const secret = "s3cret-of-odata"
			var in *hostile.Instance
			if tc.useTLS {
				in = hostile.NewTLS(t, secret)
			} else {
				in = hostile.New(t, secret)
			}
			th := hostile.NewThief(t, false)
			root := tc.root(in, th)
			in.AutoDiscovery = func(w http.ResponseWriter, r *http.Request) {
				doc := hostile.AutoDiscoveryDoc(in.URL, "Working", "")
				doc["WebSites"].([]any)[0].(map[string]any)["AdditionalProperties"] = map[string]any{"ODataServiceRoot": root}
				hostile.WriteJSON(w, 200, doc)
			}
			p := profiles.Profile{Name: "Acme", InstanceURL: in.URL, ClientID: hostile.ClientID, TimeoutSeconds: 5, TLS: profiles.TLSOptions{CAFile: in.CAFile()}}
			rep := Run(context.Background(), p, secret, fresh(), nil)
			if n := len(th.Tokens()); n != 0 || th.Requests() != 0 {
				t.Fatalf("the other host got %d requests, %d with a token", th.Requests(), n)
			}
			refusedAt, _ := origin.Parse(root)
			instance, _ := origin.Parse(in.URL)
			reach := finding(rep, ReachAPIHostForeign)
			if reach == nil || reach.Severity != SevWarn || !strings.Contains(reach.Message, refusedAt.String()) || !strings.Contains(reach.Message, instance.String()) {
				t.Fatalf("reachability: %+v (codes %v)", reach, codes(rep, StepReachability))
			}
			refused := 0
			for _, s := range rep.Steps {
				if s.Kind != StepAPI || !strings.Contains(s.Name, "odata") {
					continue
				}
				refused++
				f := finding(Report{Steps: []Step{s}}, GateTokenForeignHost)
				if s.Verdict != Fail || f == nil || !strings.Contains(f.Message, refusedAt.String()) || !strings.Contains(f.Message, instance.String()) {
					t.Errorf("%s: %s %v", s.Name, s.Verdict, s.Findings)
				}
				if len(s.Exchanges) != 1 || s.Exchanges[0].Status != 0 {
					t.Errorf("%s: exchanges %+v", s.Name, s.Exchanges)
				}
			}
			if refused != 2 || rep.Verdict != Fail {
				t.Errorf("%d OData calls refused, verdict %s", refused, rep.Verdict)
			}

			// Confirmed by the user: the token goes there, and the run says whose host
			// it is.
			if _, _, err := profiles.ConfirmHost(&p, refusedAt.String()); err != nil {
				t.Fatal(err)
			}
			rep = Run(context.Background(), p, secret, fresh(), nil)
			if len(th.Tokens()) != 2 || !hasCode(rep, ReachAPIHostConfirmed) || hasCode(rep, GateTokenForeignHost) {
				t.Errorf("confirmed: %d tokens at the host, codes %v", len(th.Tokens()), codes(rep, ""))
			}
		})
	}
}

// The Table API at its own site (auto-discovery's TableAPI Url, here another host name
// than the instance's): its calls go there, the token only once the user confirmed it.
func TestTableAPIAtItsOwnSite(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{TableAPIAddr: "localhost:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.TableAPIURL(), "http://localhost:") {
		t.Fatalf("the Table API's site is %s", s.TableAPIURL())
	}
	sc, _ := s.Scenario("healthy")
	p := profileFor(s, sc)
	p.Calls = []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=1"}, {Method: "GET", Path: "/tableapi/odata/Gen_Documents?$top=1"}}
	rep := Run(context.Background(), p, sc.ClientSecret, fresh(), nil)
	site := finding(rep, ReachAPIHostForeign)
	if site == nil || site.Evidence[EvSite] != "TableAPI" || !strings.Contains(site.Message, s.TableAPIURL()) {
		t.Fatalf("no finding about the Table API's site: %v", codes(rep, ""))
	}
	table := rep.Steps[len(rep.Steps)-1]
	if table.Verdict != Fail || !hasCodeIn(table, GateTokenForeignHost) || !strings.HasPrefix(table.Exchanges[0].URL, s.TableAPIURL()+"/tableapi/odata/") {
		t.Errorf("Table API call: %s %v %+v", table.Verdict, table.Findings, table.Exchanges)
	}
	if domain := rep.Steps[len(rep.Steps)-2]; domain.Verdict != Pass {
		t.Errorf("the Domain API call: %s %v", domain.Verdict, domain.Findings)
	}

	if _, _, err := profiles.ConfirmHost(&p, s.TableAPIURL()); err != nil {
		t.Fatal(err)
	}
	rep = Run(context.Background(), p, sc.ClientSecret, fresh(), nil)
	if rep.Verdict != Pass || !hasCode(rep, ReachAPIHostConfirmed) {
		t.Errorf("confirmed: %s %v", rep.Verdict, codes(rep, ""))
	}
	// A profile that does not call the Table API hears nothing of its site.
	p.Calls, p.ConfirmedHosts = nil, nil
	if rep := Run(context.Background(), p, sc.ClientSecret, fresh(), nil); hasCode(rep, ReachAPIHostForeign) {
		t.Errorf("a profile without Table API calls: %v", codes(rep, ""))
	}
}

// A 429 from the Table API names its own limit, GlobalConcurrentRequests (2 at once by
// default, across all sessions); one from the Domain API does not.
func TestTableAPIRateLimitNamesItsLimit(t *testing.T) {
	f := newERP(t)
	tooMany := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		hostile.WriteJSON(w, 429, map[string]any{"error": map[string]any{"code": "TooManyRequests", "message": "Too many requests"}})
	}
	f.Other = tooMany
	f.API = tooMany
	p := f.profile()
	p.Calls = []profiles.APICall{{Method: "GET", Path: "/tableapi/odata/Gen_Documents?$top=1"}, {Method: "GET", Path: "/api/domain/currentmodel"}}
	rep := Run(context.Background(), p, f.Secret, fresh(), nil)
	table, domain := rep.Steps[len(rep.Steps)-2], rep.Steps[len(rep.Steps)-1]
	tf := finding(Report{Steps: []Step{table}}, APIRateLimited)
	if tf == nil || tf.Evidence[EvLimit] != "GlobalConcurrentRequests" || tf.Evidence[EvLimitDefault] != "2" || !strings.Contains(tf.Message, "(2 by default)") {
		t.Fatalf("Table API 429: %+v", tf)
	}
	df := finding(Report{Steps: []Step{domain}}, APIRateLimited)
	if df == nil || df.Evidence[EvLimit] != "" {
		t.Errorf("Domain API 429: %+v", df)
	}
}

// A token read with another profile's connection settings is refused: a reader's token
// never goes to the OData root (or proxy) of the profile whose record it reads.
func TestReaderTokenStaysWithItsSettings(t *testing.T) {
	f := newERP(t)
	th := hostile.NewThief(t, false)
	reader := f.profile()
	reader.Name = "Reader"
	rep := Run(context.Background(), reader, f.Secret, Options{Fresh: true, Cache: NewTokenCache(), Mode: TokenOnly}, nil)
	if rep.Access == nil {
		t.Fatalf("no token: %v", codes(rep, ""))
	}
	subject := f.profile()
	subject.Name, subject.ClientID = "Imported", "com.other/app"
	subject.ODataRoot = th.URL + "/api/domain/odata/"
	res := ReadRecord(context.Background(), subject, rep.Access, subject.ClientID, Options{})
	if len(th.Tokens()) != 0 || th.Requests() != 0 || !hasCodeIn(res.Step, GateOtherSettings) {
		t.Fatalf("the reader's token went with the subject's settings: thief %d, findings %v", th.Requests(), res.Step.Findings)
	}
	// With its own settings it reads from its own instance.
	res = ReadRecord(context.Background(), reader, rep.Access, subject.ClientID, Options{})
	if len(res.Step.Exchanges) == 0 || !strings.HasPrefix(res.Step.Exchanges[0].URL, f.URL+"/api/domain/odata/") || res.Step.Exchanges[0].Status != 200 {
		t.Errorf("read with the reader's settings: %+v", res.Step.Exchanges)
	}
}

// A stored secret belongs to the host it was stored for: when the profile now names
// another one, the token request is refused, naming both.
func TestSecretStoredForAnotherHostIsNotSent(t *testing.T) {
	f := newERP(t)
	p := f.profile()
	p.SecretSetAt, p.SecretFor = time.Now(), []string{"https://acme.my.erp.net"}
	rep := Run(context.Background(), p, f.Secret, fresh(), nil)
	g := finding(rep, GateSecretMoved)
	if f.TokenRequests() != 0 || g == nil || !strings.Contains(g.Message, "https://acme.my.erp.net") || !strings.Contains(g.Message, f.URL) {
		t.Fatalf("token requests %d, finding %+v", f.TokenRequests(), g)
	}
	// Moved (the binding follows the profile): sent.
	p.SecretFor = profiles.SecretOrigins(p)
	if rep := Run(context.Background(), p, f.Secret, fresh(), nil); rep.Access == nil || f.TokenRequests() != 1 {
		t.Errorf("moved: %v", codes(rep, ""))
	}
}
