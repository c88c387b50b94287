package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
	"trustedapp-tester/sandbox"
)

// profileFor turns a sandbox scenario into the profile an admin would enter.
func profileFor(sc sandbox.Scenario) profiles.Profile {
	p := profiles.Profile{
		Name: "sandbox-" + sc.Name, InstanceURL: sc.Instance, Authority: sc.Authority, ClientID: sc.ClientID,
		AuthMethod: profiles.AuthMethod(sc.AuthMethod), Scopes: strings.Fields(sc.Scope), Sandbox: true, TimeoutSeconds: 10,
	}
	for _, c := range sc.Calls {
		p.Calls = append(p.Calls, profiles.APICall{Method: c.Method, Path: c.Path, Body: c.Body})
	}
	if sc.Kind != sandbox.KindClientCredentials {
		p.Kind, p.User, p.AuthMethod, p.Authority = profiles.Kind(sc.Kind), sc.User, "", ""
	}
	return p
}

func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func runScenario(t *testing.T, s *sandbox.Server, name string) (sandbox.Scenario, profiles.Profile, check.Report) {
	t.Helper()
	sc, ok := s.Scenario(name)
	if !ok {
		t.Fatalf("no sandbox scenario %q", name)
	}
	p := profileFor(sc)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := check.Run(ctx, p, sc.ClientSecret, check.Options{Fresh: true, Cache: check.NewTokenCache()}, nil)
	return sc, p, r
}

func findingOf(d report.Document, code string) *report.Finding {
	for _, s := range d.Steps {
		for i := range s.Findings {
			if s.Findings[i].Code == code {
				return &s.Findings[i]
			}
		}
	}
	return nil
}

func explanationText(x *guide.Explanation) string {
	parts := []string{x.Title, x.What, x.Confirm}
	parts = append(parts, x.Causes...)
	parts = append(parts, x.Steps...)
	for _, f := range x.Fields {
		parts = append(parts, f.Where+" "+f.Name+" "+f.Expect)
	}
	return strings.Join(parts, "\n")
}

// TestExplanationsFromRealConditions drives each explanation family with the sandbox
// scenario that produces it and checks what the user reads: the code, and the facts
// of this case (the refused scope, the Trusted App field to change).
func TestExplanationsFromRealConditions(t *testing.T) {
	s := startSandbox(t)
	cases := []struct {
		scenario, code string
		facts          []string
	}{
		{"scope-not-allowed", check.TokInvalidScope, []string{"Scope", "update", "Instance Manager -> Security -> Trusted Apps"}},
		{"disabled", check.TokInvalidClient, []string{"IsEnabled", "ApplicationUri"}},
		{"public-client", check.TokInvalidClient, []string{"ClientType", "Confidential"}},
		{"rotated-secret", check.TokInvalidClient, []string{"ApplicationSecretHash", "rotated"}},
		{"system-user-not-allowed", check.TokUnauthorizedClient, []string{"SystemUserAllowed", "true"}},
		{"no-system-user", check.TokUnauthorizedClient, []string{"SystemUser", "Active"}},
		{"read-only-write", check.APIForbiddenScope, []string{"update", "Scope"}},
		{"user-scopes", check.TokScopeUserOnly, []string{"never grants", "Remove"}},
		{"licence-exhausted", check.APILicenseExhausted, []string{"MaximumLicenseCountExceeded", "20 minutes"}},
		{"rate-limited", check.APIRateLimited, []string{"429", "back off"}},
		{"short-lived", check.TokLifetimeUnusual, []string{"one hour"}},
		{"foreign-issuer", check.APIForeignIssuer, []string{"401", "own /id"}},
	}
	for _, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			sc, p, r := runScenario(t, s, c.scenario)
			if sc.Expect != c.code {
				t.Logf("note: scenario %s expects %s", sc.Name, sc.Expect)
			}
			d := report.Build(r, p)
			f := findingOf(d, c.code)
			if f == nil {
				var got []string
				for _, st := range d.Steps {
					for _, f := range st.Findings {
						got = append(got, f.Code)
					}
				}
				t.Fatalf("no %s finding; got %v", c.code, got)
			}
			if f.Explanation == nil || f.Explanation.Generic {
				t.Fatalf("%s has no catalogue explanation", c.code)
			}
			text := explanationText(f.Explanation)
			for _, fact := range c.facts {
				if !strings.Contains(text, fact) {
					t.Errorf("%s explanation lacks %q:\n%s", c.code, fact, text)
				}
			}
			// The same explanation reaches the CLI's text output.
			var b bytes.Buffer
			if err := report.WriteText(&b, d); err != nil {
				t.Fatal(err)
			}
			if f.Severity != check.SevInfo && !strings.Contains(b.String(), f.Explanation.Title) {
				t.Errorf("text output lacks the explanation title %q:\n%s", f.Explanation.Title, b.String())
			}
		})
	}
}

// TestScopeEvidenceNamesTheRefusedScope checks the refused scope from the server's
// answer is woven into the explanation, not only the generic text.
func TestScopeEvidenceNamesTheRefusedScope(t *testing.T) {
	s := startSandbox(t)
	_, p, r := runScenario(t, s, "scope-not-allowed")
	d := report.Build(r, p)
	f := findingOf(d, check.TokInvalidScope)
	if f == nil {
		t.Fatal("no invalid_scope finding")
	}
	if !strings.Contains(f.Explanation.What, `"read update"`) && !strings.Contains(f.Explanation.What, `"update"`) {
		t.Errorf("explanation does not name the requested/refused scope: %q (evidence %v)", f.Explanation.What, f.Evidence)
	}
}

// TestNothingSecretLeaks runs every sandbox scenario through check.Run, every report
// format and the audit log, then scans every byte produced for the scenario secrets
// and the full issued tokens.
func TestNothingSecretLeaks(t *testing.T) {
	s := startSandbox(t)
	dir := testdir.New(t)
	log, err := audit.Open(dir + "/audit.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var outputs [][]byte
	var secrets []string
	var docs []report.Document
	for _, sc0 := range s.Scenarios() {
		if testing.Short() && sc0.Name == "slow-identity" {
			continue
		}
		sc, p, r := runScenario(t, s, sc0.Name)
		secrets = append(secrets, sc.ClientSecret)
		if tok := r.Access.Reveal(); tok != "" {
			secrets = append(secrets, tok)
		}
		d := report.Build(r, p)
		docs = append(docs, d)
		for _, w := range []func(*bytes.Buffer, report.Document) error{
			func(b *bytes.Buffer, d report.Document) error { return report.WriteJSON(b, d) },
			func(b *bytes.Buffer, d report.Document) error { return report.WriteText(b, d) },
			func(b *bytes.Buffer, d report.Document) error { return report.WriteMarkdown(b, d) },
		} {
			var b bytes.Buffer
			if err := w(&b, d); err != nil {
				t.Fatal(err)
			}
			outputs = append(outputs, b.Bytes())
		}
		if err := log.AppendReport(p.Name, p.ClientID, r); err != nil {
			t.Fatal(err)
		}
	}
	var j bytes.Buffer
	if err := report.WriteJUnit(&j, docs); err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, j.Bytes())
	raw, err := os.ReadFile(log.Path())
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, raw)
	runs, err := os.ReadFile(audit.RunsPath(log.Path()))
	if err != nil || len(runs) == 0 {
		t.Fatalf("no run summaries were kept: %v", err)
	}
	outputs = append(outputs, runs)
	var ex bytes.Buffer
	if err := log.Export(&ex, audit.Filter{}); err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, ex.Bytes())
	if len(secrets) < 10 {
		t.Fatalf("only %d secrets/tokens collected; the scenarios did not run", len(secrets))
	}
	for _, out := range outputs {
		for _, sec := range secrets {
			if bytes.Contains(out, []byte(sec)) {
				t.Errorf("output contains a secret or token (%d chars, ends %q)", len(sec), sec[len(sec)-3:])
			}
		}
	}
	if es, _ := log.Entries(audit.Filter{}); len(es) == 0 {
		t.Error("the audit log recorded nothing")
	}
}

// TestIssuerMismatchFromAFaultyServer serves a discovery document whose issuer says
// https:// while the profile (and the server) use http://: the same server spelled
// differently, so an inexact issuer (a warning); the explanation must name the issuer
// and say the schemes differ.
func TestIssuerMismatchFromAFaultyServer(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/id/.well-known/openid-configuration":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"issuer":"%s/id","token_endpoint":"%s/id/connect/token","jwks_uri":"%s/id/jwks","grant_types_supported":["client_credentials"]}`, strings.Replace(srv.URL, "http://", "https://", 1), srv.URL, srv.URL)
		case "/id/jwks":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"keys":[]}`)
		case "/id/connect/token":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	p := profiles.Profile{Name: "faulty", InstanceURL: srv.URL, ClientID: "com.acme/sync", Scopes: []string{"read"}, TimeoutSeconds: 5}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := check.Run(ctx, p, "faulty-secret-123", check.Options{Fresh: true, Cache: check.NewTokenCache()}, nil)
	d := report.Build(r, p)
	f := findingOf(d, check.DiscIssuerInexact)
	if f == nil || f.Severity != check.SevWarn {
		t.Fatalf("no %s warning in %+v", check.DiscIssuerInexact, d.Steps)
	}
	what := f.Explanation.What
	for _, want := range []string{strings.Replace(srv.URL, "http://", "https://", 1) + "/id", "scheme (http vs https)"} {
		if !strings.Contains(what, want) {
			t.Errorf("issuer explanation lacks %q: %q (evidence %v)", want, what, f.Evidence)
		}
	}
}

// The "Least privilege" section: the healthy scenario asks for update but only reads.
// The advice appears in text, JSON and Markdown, and never changes the verdict.
func TestLeastPrivilegeSection(t *testing.T) {
	s := startSandbox(t)
	_, p, r := runScenario(t, s, "healthy")
	d := report.Build(r, p)
	if d.Verdict != check.Pass || len(d.LeastPrivilege) != 1 || d.LeastPrivilege[0].Code != check.PrivUpdateUnused || d.LeastPrivilege[0].Explanation == nil {
		t.Fatalf("verdict %s, advice %+v", d.Verdict, d.LeastPrivilege)
	}
	var txt, js, md bytes.Buffer
	if err := report.WriteText(&txt, d); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Least privilege (advice on what to narrow; it never fails a check, not even with --strict):", "request read only", "Narrow: Profile scopes: read; Trusted App Scope:", "Verdict: PASS"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, txt.String())
		}
	}
	if err := report.WriteJSON(&js, d); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(js.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	lp, _ := raw["least_privilege"].([]any)
	if len(lp) != 1 {
		t.Fatalf("least_privilege %v", raw["least_privilege"])
	}
	first := lp[0].(map[string]any)
	if first["code"] != "privilege.update_unused" || first["severity"] != "info" || first["explanation"].(map[string]any)["title"] == "" {
		t.Errorf("least_privilege[0] %v", first)
	}
	if err := report.WriteMarkdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "## Least privilege") || !strings.Contains(md.String(), "`privilege.update_unused`") ||
		strings.Index(md.String(), "## Least privilege") > strings.Index(md.String(), "## Steps") {
		t.Errorf("markdown section missing or misplaced:\n%s", md.String())
	}

	// A run without a token has no section at all.
	_, p, r = runScenario(t, s, "disabled")
	if d := report.Build(r, p); len(d.LeastPrivilege) != 0 {
		t.Errorf("advice without a token: %+v", d.LeastPrivilege)
	}
}
