package check

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"trustedapp-tester/guide"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// adviceScopes are the scopes findings advise about: the grantable ones, and one of
// each kind a service app must not request.
var adviceScopes = []string{"read", "update", "sec", "DomainApi", "openid"}

// adviceVersions: unknown, a 20.1 instance (which needs DomainApi), a current one.
var adviceVersions = []string{"", "20.1.3.4", "26.2.0.76"}

// scopeFindings are the findings of every code that can advise about scope s, made by
// the engine's own code as a run makes them, on an instance of version.
func scopeFindings(s, version string) []Finding {
	requested := []string{"read", s}
	r := &run{p: profiles.Profile{Scopes: requested}, version: version}
	base := map[string]string{EvRequested: strings.Join(requested, " ")}
	named := r.retrieveErrorFinding(&oauth2.RetrieveError{ErrorCode: "invalid_scope", ErrorDescription: "Invalid scope: " + s,
		Response: &http.Response{StatusCode: 400, Header: http.Header{}}}, base)
	unnamed := r.retrieveErrorFinding(&oauth2.RetrieveError{ErrorCode: "invalid_scope",
		Response: &http.Response{StatusCode: 400, Header: http.Header{}}}, base)
	r.p.Scopes = []string{s}
	fs := append([]Finding{named, unnamed}, r.scopeRequestFindings()...)
	fs = append(fs, newFinding(TokScopeNarrowed, fmt.Sprintf("The server granted %q but not %q.", "read", s),
		map[string]string{EvRequested: strings.Join(requested, " "), EvGranted: "read", EvMissing: s}))
	h := http.Header{"Www-Authenticate": {`Bearer error="insufficient_scope", scope="` + s + `"`}}
	fs = append(fs, ClassifyAPIAnswer("GET", "/api/domain/odata/Systems_Security_TrustedApplications", 403, h, []byte(`{"error":{"message":"Forbidden"}}`))...)
	if s == "sec" {
		fs = append(fs, newFinding(PrivSecScope, "The app may request sec.", map[string]string{EvScope: "sec"}))
	}
	return fs
}

func cloneFinding(f Finding) Finding {
	f.Evidence = cloneEv(f.Evidence)
	return f
}

// judged puts findings into a run on an instance of version and judges its advice.
func judged(version string, fs ...Finding) []Step {
	r := &run{version: version, rep: &Report{}}
	st := Step{Kind: StepToken}
	for _, f := range fs {
		st.Findings = append(st.Findings, cloneFinding(f))
	}
	r.rep.Steps = []Step{st}
	r.reconcileAdvice()
	return r.rep.Steps
}

// Every pair of findings that could advise about the same scope, on every kind of
// instance: after judgment no two advise opposite actions (add it to the Scope field
// and stop requesting it); and each finding's text, and its explanation, says what
// scopeAdviceOf reads from it.
func TestNoTwoFindingsAdviseOppositeActions(t *testing.T) {
	pairs := 0
	for _, v := range adviceVersions {
		var all []Finding
		for _, s := range adviceScopes {
			all = append(all, scopeFindings(s, v)...)
		}
		for i := range all {
			for j := i; j < len(all); j++ {
				pairs++
				steps := judged(v, all[i], all[j])
				if c := contradictions(steps); len(c) > 0 {
					t.Errorf("version %q: %s\n  %s\n  %s", v, strings.Join(c, "; "), steps[0].Findings[0].Message, steps[0].Findings[1].Message)
				}
				for _, f := range steps[0].Findings {
					checkAdviceSaid(t, v, f)
				}
			}
		}
	}
	if pairs < 500 {
		t.Fatalf("only %d pairs judged", pairs)
	}
}

// checkAdviceSaid fails when f's message or explanation advises adding a scope that
// scopeAdviceOf reads as "stop requesting".
func checkAdviceSaid(t *testing.T, version string, f Finding) {
	t.Helper()
	x := guide.Explain(f.Code, f.Evidence)
	text := strings.Join(append(append([]string{f.Message, x.What}, x.Causes...), x.Steps...), " | ")
	for _, fl := range x.Fields {
		text += " | " + fl.Name + ": " + fl.Expect
	}
	for _, a := range scopeAdviceOf(f) {
		if a.Act != adviseStop {
			continue
		}
		q := regexp.QuoteMeta(a.Scope)
		for _, re := range []*regexp.Regexp{
			regexp.MustCompile(`(?i)add "?` + q + `"? to the (Trusted App's )?Scope field`),
			regexp.MustCompile(`add it to the Trusted App's Scope field`),
			regexp.MustCompile(`Scope: contains ` + q + `\b`),
			regexp.MustCompile(`(?i)if the integration needs ` + q + `:`),
		} {
			if re.MatchString(text) {
				t.Errorf("version %q: %s advises stopping %s but says %q:\n%s", version, f.Code, a.Scope, re.FindString(text), text)
			}
		}
	}
}

// The rule is needed: without the judgment's last rule, the case (DomainApi
// requested on a current instance) advises both, and so does sec.
func TestOppositeAdviceWithoutTheRule(t *testing.T) {
	for _, s := range []string{"DomainApi", "sec"} {
		fs := scopeFindings(s, "26.2.0.76")
		if c := contradictions([]Step{{Findings: fs}}); len(c) == 0 {
			t.Errorf("%s: the findings agree before judgment, so the rule is not tested", s)
		}
	}
	// On a 20.1 instance DomainApi is needed: adding it is right, and nothing says stop.
	steps := judged("20.1.3.4", scopeFindings("DomainApi", "20.1.3.4")...)
	for _, f := range steps[0].Findings {
		for _, a := range scopeAdviceOf(f) {
			if a.Scope == "DomainApi" && a.Act != adviseAdd {
				t.Errorf("20.1: %s says %s DomainApi", f.Code, a.Act)
			}
		}
	}
}

// The run against the sandbox: "DomainApi read" gets the obsolete-scope
// warning and invalid_scope; neither the messages nor the explanations say to add
// DomainApi to the Scope field.
func TestDomainApiRunAgrees(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h, _ := s.Scenario("healthy")
	p := profileFor(s, h)
	p.Scopes = []string{"DomainApi", "read"}
	rep := Run(context.Background(), p, h.ClientSecret, fresh(), nil)
	if !hasCode(rep, TokScopeLegacy) || !hasCode(rep, TokInvalidScope) {
		t.Fatalf("codes %v", codes(rep, ""))
	}
	if c := contradictions(rep.Steps); len(c) > 0 {
		t.Errorf("contradictions: %v", c)
	}
	for _, st := range rep.Steps {
		for _, f := range st.Findings {
			checkAdviceSaid(t, "26.2.0.76", f)
			if f.Code == TokInvalidScope && (!strings.Contains(f.Message, "stop requesting it") || f.Evidence[EvVersion] != sandbox.DefaultVersion) {
				t.Errorf("invalid_scope: %s %v", f.Message, f.Evidence)
			}
		}
	}
}

// check.MustNotRequest and guide's rule are one rule.
func TestMustNotRequestMatchesTheGuide(t *testing.T) {
	for _, v := range adviceVersions {
		for _, s := range append(adviceScopes, "profile", "offline_access", "Read") {
			stop, _ := MustNotRequest(s, v)
			x := guide.Explain(TokInvalidScope, map[string]string{EvScope: s, EvRequested: s, EvVersion: v})
			said := strings.Contains(strings.Join(x.Steps, " "), "Either add \""+s+"\" to the Trusted App's Scope field")
			if stop == said {
				t.Errorf("version %q scope %q: check says stop=%v, the guide offers adding it: %v", v, s, stop, said)
			}
		}
	}
}
