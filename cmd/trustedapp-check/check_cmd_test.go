package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// runArgs runs the real dispatcher.
func runArgs(t *testing.T, ctx context.Context, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(env{ctx: ctx, args: args, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb})
	return cliResult{code, out.String(), errb.String()}
}

func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	s, err := sandbox.Start(sandbox.Config{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func scenarioArgs(t *testing.T, s *sandbox.Server, name string) ([]string, string) {
	t.Helper()
	sc, ok := s.Scenario(name)
	if !ok {
		t.Fatalf("no scenario %s", name)
	}
	args := []string{"--instance", sc.Instance, "--client-id", sc.ClientID, "--scope", sc.Scope, "--auth", sc.AuthMethod, "--ca-file", s.CAFile()}
	if sc.Authority != sc.Instance+"/id" {
		args = append(args, "--authority", sc.Authority)
	}
	for _, c := range sc.Calls {
		args = append(args, "--call", strings.TrimSpace(c.Method+" "+c.Path+" "+c.Body))
	}
	return args, sc.ClientSecret
}

func noLeak(t *testing.T, secret string, outs ...string) {
	t.Helper()
	for _, o := range outs {
		if strings.Contains(o, secret) {
			t.Fatalf("the secret leaked into output:\n%s", o)
		}
	}
}

func TestCheckAdHocAgainstSandbox(t *testing.T) {
	s := startSandbox(t)
	args, secret := scenarioArgs(t, s, "healthy")
	t.Setenv(SecretEnv, secret)

	r := runArgs(t, context.Background(), "", append([]string{"check"}, args...)...)
	expect(t, r, exitOK, []string{"svc-import", "Verdict"}, nil)
	noLeak(t, secret, r.stdout, r.stderr)

	r = runArgs(t, context.Background(), "", append([]string{"check", "--json"}, args...)...)
	expect(t, r, exitOK, nil, nil)
	noLeak(t, secret, r.stdout)
	var doc struct {
		Schema  string `json:"schema"`
		Verdict string `json:"verdict"`
		Steps   []struct {
			Name       string `json:"name"`
			Verdict    string `json:"verdict"`
			DurationMS *int64 `json:"duration_ms"`
			Findings   []struct {
				Code     string            `json:"code"`
				Severity string            `json:"severity"`
				Evidence map[string]string `json:"evidence"`
			} `json:"findings"`
		} `json:"steps"`
		Claims struct {
			SystemUser struct {
				Login, Type, ID string
			} `json:"system_user"`
			ClientID          string   `json:"client_id"`
			Database          string   `json:"database"`
			Issuer            string   `json:"issuer"`
			Audiences         []string `json:"audiences"`
			ScopesRequested   []string `json:"scopes_requested"`
			ScopesGranted     []string `json:"scopes_granted"`
			ExpiresAt         string   `json:"expires_at"`
			SignatureVerified bool     `json:"signature_verified"`
		} `json:"claims"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	c := doc.Claims
	if doc.Verdict != "pass" || len(doc.Steps) != 7 || doc.Steps[0].DurationMS == nil || doc.Steps[0].Name == "" ||
		c.SystemUser.Login != "svc-import" || c.SystemUser.Type == "" || c.SystemUser.ID == "" || !c.SignatureVerified ||
		c.ClientID != "com.sandbox/healthy" || c.Database == "" || c.Issuer != s.Authority() || len(c.Audiences) == 0 ||
		strings.Join(c.ScopesRequested, " ") != "read update" || strings.Join(c.ScopesGranted, " ") != "read update" || c.ExpiresAt == "" {
		t.Fatalf("JSON contract: %+v", doc)
	}
	if doc.Steps[6].Findings[0].Code != "api.ok" || doc.Steps[6].Findings[0].Severity != "info" {
		t.Errorf("findings: %+v", doc.Steps[6])
	}

	// The secret from stdin instead, for a failing scenario: exit 1, the code named.
	args, secret = scenarioArgs(t, s, "rotated-secret")
	t.Setenv(SecretEnv, "")
	r = runArgs(t, context.Background(), secret+"\n", append([]string{"check", "--secret-stdin"}, args...)...)
	expect(t, r, exitFailed, []string{"token.invalid_client"}, nil)
	noLeak(t, secret, r.stdout, r.stderr)
}

func TestCheckStrictAndNoAPI(t *testing.T) {
	s := startSandbox(t)
	args, secret := scenarioArgs(t, s, "user-scopes")
	t.Setenv(SecretEnv, secret)
	r := runArgs(t, context.Background(), "", append([]string{"check"}, args...)...)
	expect(t, r, exitOK, []string{"token.scope_narrowed"}, nil)
	r = runArgs(t, context.Background(), "", append([]string{"check", "--strict"}, args...)...)
	expect(t, r, exitFailed, []string{"token.scope_narrowed"}, nil)

	args, secret = scenarioArgs(t, s, "licence-exhausted")
	t.Setenv(SecretEnv, secret)
	r = runArgs(t, context.Background(), "", append([]string{"check", "--no-api"}, args...)...)
	expect(t, r, exitOK, nil, nil)
	if strings.Contains(r.stdout, "api.license_exhausted") {
		t.Error("--no-api still called the API")
	}
	r = runArgs(t, context.Background(), "", append([]string{"check"}, args...)...)
	expect(t, r, exitFailed, []string{"api.license_exhausted"}, nil)
}

func TestCheckUsageErrors(t *testing.T) {
	t.Setenv(SecretEnv, "")
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"check"}, "name a stored PROFILE"},
		{[]string{"check", "--instance", "https://a.example"}, "--client-id is required"},
		{[]string{"check", "--instance", "a.example", "--client-id", "x"}, "give the instance root with its scheme"},
		{[]string{"check", "--instance", "https://a.example", "--client-id", "x"}, "no client secret: set TRUSTEDAPP_SECRET"},
		{[]string{"check", "--instance", "https://a.example", "--client-id", "x", "--auth", "jwt"}, "--auth \"jwt\""},
		{[]string{"check", "--instance", "https://a.example", "--client-id", "x", "--timeout", "soon"}, "--timeout \"soon\""},
		{[]string{"check", "--instance", "https://a.example", "--client-id", "x", "--call", "FETCH /x"}, "is not an HTTP method"},
		{[]string{"check", "--instance", "https://a.example", "--client-id", "x", "--call", "GET"}, "write the method and the path"},
		{[]string{"check", "--instance", "https://a.example", "--client-id", "x", "--secret-stdin"}, "stdin was empty"},
		{[]string{"check", "--bogus"}, "flag provided but not defined"},
		{[]string{"check", "a", "b"}, "give one profile name"},
		{[]string{"check", "--all", "x"}, "give no PROFILE"},
		{[]string{"check", "x", "--parallel", "2"}, "--parallel only applies with --all"},
		{[]string{"check", "--all", "--report", "r.md"}, "--report saves one profile's"},
		{[]string{"token"}, "name a stored PROFILE"},
	} {
		r := runArgs(t, context.Background(), "", tc.args...)
		expect(t, r, exitUsage, nil, []string{tc.msg})
	}
}

func storeWith(t *testing.T, s *sandbox.Server, names ...string) string {
	t.Helper()
	keyring.MockInit()
	var ps []profiles.Profile
	for _, n := range names {
		sc, _ := s.Scenario(n)
		p := profiles.Profile{Name: n, InstanceURL: sc.Instance, ClientID: sc.ClientID, Scopes: strings.Fields(sc.Scope),
			AuthMethod: profiles.AuthMethod(sc.AuthMethod), TLS: profiles.TLSOptions{CAFile: s.CAFile()}}
		for _, c := range sc.Calls {
			p.Calls = append(p.Calls, profiles.APICall{Method: c.Method, Path: c.Path, Body: c.Body})
		}
		ps = append(ps, p)
	}
	path := storeOf(t, ps...)
	for _, n := range names {
		sc, _ := s.Scenario(n)
		if err := newSecrets().Set(n, sc.ClientSecret); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestCheckStoredProfileAndReport(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "basic-auth")
	t.Setenv(SecretEnv, "")
	sc, _ := s.Scenario("healthy")
	dir := testdir.New(t)
	rep := filepath.Join(dir, "diag.md")
	r := runArgs(t, context.Background(), "", "check", "healthy", "--store", store, "--report", rep)
	expect(t, r, exitOK, []string{"svc-import"}, []string{"Saved the diagnostics report"})
	md, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(dir, "diag.json"))
	if err != nil || !json.Valid(js) {
		t.Fatalf("json report: %v", err)
	}
	if !strings.Contains(string(md), "svc-import") {
		t.Errorf("markdown lacks the System User:\n%s", md)
	}
	noLeak(t, sc.ClientSecret, string(md), string(js), r.stdout)

	// Missing profile and missing secret are environment errors.
	r = runArgs(t, context.Background(), "", "check", "nope", "--store", store)
	expect(t, r, exitEnvironment, nil, []string{"nope", "profiles list"})
	newSecrets().Delete("basic-auth")
	r = runArgs(t, context.Background(), "", "check", "basic-auth", "--store", store)
	expect(t, r, exitEnvironment, nil, []string{"basic-auth"})
	// Unreadable store.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o600)
	r = runArgs(t, context.Background(), "", "check", "x", "--store", bad)
	if r.code != exitEnvironment {
		t.Errorf("corrupt store: %d %s", r.code, r.stderr)
	}
	// Report to an unwritable place.
	r = runArgs(t, context.Background(), "", "check", "healthy", "--store", store, "--report", filepath.Join(dir, "no", "such", "dir", "r.md"))
	expect(t, r, exitEnvironment, nil, []string{"cannot write"})
}

func TestCheckAllJUnitAndJSON(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "disabled", "basic-auth")
	junit := filepath.Join(testdir.New(t), "junit.xml")
	r := runArgs(t, context.Background(), "", "check", "--all", "--parallel", "2", "--store", store, "--junit", junit, "--json")
	expect(t, r, exitFailed, nil, nil)
	var docs []struct {
		Verdict string `json:"verdict"`
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &docs); err != nil || len(docs) != 3 {
		t.Fatalf("--all --json: %v\n%s", err, r.stdout)
	}
	verdicts := map[string]string{}
	for _, d := range docs {
		verdicts[d.Profile.Name] = d.Verdict
	}
	if verdicts["healthy"] != "pass" || verdicts["disabled"] != "fail" || verdicts["basic-auth"] != "pass" {
		t.Errorf("verdicts %v", verdicts)
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Failures int    `xml:"failures,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil || len(suites.Suites) != 3 {
		t.Fatalf("junit: %v\n%s", err, b)
	}
	// A profile without a secret is reported and makes --all an environment failure.
	newSecrets().Delete("disabled")
	r = runArgs(t, context.Background(), "", "check", "--all", "--store", store)
	expect(t, r, exitEnvironment, nil, []string{`profile "disabled"`, "skipped"})
}

// TestCheckAllOneAtATimePerHost checks that --all never runs two checks against one
// host at once, whatever --parallel says.
func TestCheckAllOneAtATimePerHost(t *testing.T) {
	var mu sync.Mutex
	inFlight, maxInFlight := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		if inFlight > maxInFlight {
			maxInFlight = inFlight
		}
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
		http.NotFound(w, r)
	}))
	defer srv.Close()
	keyring.MockInit()
	path := filepath.Join(testdir.New(t), "p.json")
	st, _ := profiles.Open(path)
	for i := 0; i < 4; i++ {
		n := fmt.Sprintf("p%d", i)
		if err := st.Add(profiles.Profile{Name: n, InstanceURL: srv.URL, ClientID: "c" + n}); err != nil {
			t.Fatal(err)
		}
		newSecrets().Set(n, "secret-"+n)
	}
	r := runArgs(t, context.Background(), "", "check", "--all", "--parallel", "4", "--store", path)
	expect(t, r, exitFailed, nil, nil)
	if maxInFlight != 1 {
		t.Fatalf("%d requests to one host ran at once", maxInFlight)
	}
}

func TestTokenCommand(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "public-client")
	t.Setenv(SecretEnv, "")
	r := runArgs(t, context.Background(), "", "token", "healthy", "--store", store)
	expect(t, r, exitOK, nil, nil)
	tok := strings.TrimSpace(r.stdout)
	if strings.Count(tok, ".") != 2 || strings.Count(r.stdout, "\n") != 1 || r.stderr != "" {
		t.Fatalf("token output %q / %q", r.stdout, r.stderr)
	}
	// The printed token works as a Bearer token against the instance.
	req, _ := http.NewRequest("GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	pool := mustPool(t, s.CAFile())
	resp, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: pool}}).Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("token does not work: %v %v", err, resp)
	}
	resp.Body.Close()

	r = runArgs(t, context.Background(), "", "token", "healthy", "--store", store, "--json", "--fresh")
	expect(t, r, exitOK, nil, nil)
	var tr tokenResponse
	if err := json.Unmarshal([]byte(r.stdout), &tr); err != nil || strings.Count(tr.AccessToken, ".") != 2 || tr.TokenType != "Bearer" || tr.ExpiresIn != 3600 || tr.Scope != "read update" || tr.ExpiresAt.IsZero() {
		t.Fatalf("token --json: %v %s", err, r.stdout)
	}

	sc, _ := s.Scenario("public-client")
	r = runArgs(t, context.Background(), "", "token", "public-client", "--store", store)
	expect(t, r, exitFailed, nil, []string{"no token was issued", "token.invalid_client"})
	if r.stdout != "" {
		t.Errorf("stdout must stay empty when no token: %q", r.stdout)
	}
	noLeak(t, sc.ClientSecret, r.stderr)
}

func TestCheckInterrupted(t *testing.T) {
	s := startSandbox(t)
	args, secret := scenarioArgs(t, s, "slow-identity")
	t.Setenv(SecretEnv, secret)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	r := runArgs(t, ctx, "", append([]string{"check"}, args...)...)
	expect(t, r, exitInterrupted, nil, nil)
	if time.Since(start) > 5*time.Second {
		t.Errorf("interrupt took %s", time.Since(start))
	}
	// A timeout shorter than the identity server's delay: a failed check, not an interrupt.
	r = runArgs(t, context.Background(), "", append([]string{"check", "--timeout", "300ms"}, args...)...)
	expect(t, r, exitFailed, []string{"net.timeout"}, nil)
}

func mustPool(t *testing.T, caFile string) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &tls.Config{RootCAs: pool}
}

func TestCheckHelpAndProgress(t *testing.T) {
	r := runArgs(t, context.Background(), "", "check", "--help")
	expect(t, r, exitOK, []string{"--secret-stdin", "TRUSTEDAPP_SECRET", "Exit codes"}, nil)
	r = runArgs(t, context.Background(), "", "token", "-h")
	expect(t, r, exitOK, []string{platform.Current().BearerCall("trustedapp-check token prod", exampleCall)}, nil)
	r = runArgs(t, context.Background(), "", "--help")
	expect(t, r, exitOK, []string{"token", "print a profile's access token"}, nil)

	var b bytes.Buffer
	newProgress(&b, "prod").step(check.Step{Name: "Token", Verdict: check.Fail, Summary: "No token: invalid_client"})
	if b.String() != "prod: [fail] Token  No token: invalid_client\n" {
		t.Errorf("progress line %q", b.String())
	}
	if isTerminal(&b) {
		t.Error("a buffer is not a terminal")
	}
}

// --token-stdin inspects a piped token (from 'token', a log, a colleague) without a
// secret, and never prints it whole.
func TestCheckTokenStdin(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "scope-not-allowed")
	t.Setenv(SecretEnv, "")
	r := runArgs(t, context.Background(), "", "token", "healthy", "--store", store)
	expect(t, r, exitOK, nil, nil)
	tok := strings.TrimSpace(r.stdout)

	// Inspected under another app's profile on the same instance: no secret needed.
	r = runArgs(t, context.Background(), "Bearer "+tok+"\n", "check", "scope-not-allowed", "--token-stdin", "--store", store)
	expect(t, r, exitOK, []string{"Supplied token …" + tok[len(tok)-6:] + " (not requested)", "svc-import"}, nil)
	noLeak(t, tok, r.stdout+r.stderr)
	r = runArgs(t, context.Background(), tok, "check", "scope-not-allowed", "--token-stdin", "--json", "--store", store)
	expect(t, r, exitOK, []string{`"supplied": true`, `"token.supplied"`}, nil)
	noLeak(t, tok, r.stdout+r.stderr)

	r = runArgs(t, context.Background(), "not-a-token", "check", "healthy", "--token-stdin", "--store", store)
	expect(t, r, exitFailed, []string{"token.opaque"}, nil)
	r = runArgs(t, context.Background(), "", "check", "healthy", "--token-stdin", "--store", store)
	expect(t, r, exitUsage, nil, []string{"--token-stdin: stdin was empty"})
	r = runArgs(t, context.Background(), tok, "check", "--all", "--token-stdin", "--store", store)
	expect(t, r, exitUsage, nil, []string{"--token-stdin inspects one token"})
	r = runArgs(t, context.Background(), tok, "check", "healthy", "--token-stdin", "--secret-stdin", "--store", store)
	expect(t, r, exitUsage, nil, []string{"both read stdin"})
	r = runArgs(t, context.Background(), strings.Repeat("x", maxTokenBytes+1), "check", "healthy", "--token-stdin", "--store", store)
	expect(t, r, exitUsage, nil, []string{"more than 64 KiB on stdin"})
}

// TestCheckAllOneSessionPerTrustedApp: two profiles of one Trusted App (other scopes)
// and a profile of another app, checked with --all as a schedule would, three times,
// against a sandbox with only two licence slots: the second profile of the app skips
// its API calls (saying why), the first reuses its token and session on every run, so
// the schedule never holds more than one session per Trusted App and always passes.
func TestCheckAllOneSessionPerTrustedApp(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{TLS: true, LicenseSlots: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	store := storeWith(t, s, "healthy", "basic-auth")
	st, _ := profiles.Open(store)
	healthy, _ := st.Get("healthy")
	readOnly := healthy
	readOnly.Name, readOnly.Scopes = "healthy read-only", []string{"read"}
	if err := st.Add(readOnly); err != nil {
		t.Fatal(err)
	}
	sc, _ := s.Scenario("healthy")
	newSecrets().Set(readOnly.Name, sc.ClientSecret)
	t.Setenv(SecretEnv, "")
	for run := 1; run <= 3; run++ {
		r := runArgs(t, context.Background(), "", "check", "--all", "--store", store, "--json")
		expect(t, r, exitOK, nil, nil)
		var docs []struct {
			Profile struct{ Name string } `json:"profile"`
			Steps   []struct {
				Kind, Verdict, Summary string
			} `json:"steps"`
			Session struct{ State string } `json:"session"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &docs); err != nil || len(docs) != 3 {
			t.Fatalf("run %d: %v\n%s", run, err, r.stdout)
		}
		for _, d := range docs {
			var api, skipped int
			for _, s := range d.Steps {
				if s.Kind == "api" {
					api++
					if s.Verdict == "skipped" {
						skipped++
						if !strings.Contains(s.Summary, `profile "healthy" of the same Trusted App (com.sandbox/healthy) already holds this run's ERP.net session`) {
							t.Errorf("run %d %s: skip reason %q", run, d.Profile.Name, s.Summary)
						}
					}
				}
			}
			wantState := "opened"
			if run > 1 {
				wantState = "reused"
			}
			switch d.Profile.Name {
			case "healthy read-only":
				if skipped != api || d.Session.State != "none" {
					t.Errorf("run %d %s: %d of %d calls skipped, session %s", run, d.Profile.Name, skipped, api, d.Session.State)
				}
			default:
				if skipped != 0 || d.Session.State != wantState {
					t.Errorf("run %d %s: %d calls skipped, session %s, want %s", run, d.Profile.Name, skipped, d.Session.State, wantState)
				}
			}
		}
	}
}

// Reports are written atomically and as private as exports (0600).
func TestReportFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix modes: privacy comes from the user profile's ACLs")
	}
	dir := testdir.New(t)
	path := filepath.Join(dir, "r.md")
	if err := writeFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "report"); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", fi.Mode(), err)
	}
	if err := writeFile(filepath.Join(dir, "missing", "r.md"), func(io.Writer) error { return nil }); err == nil || !strings.Contains(err.Error(), "cannot write") {
		t.Fatalf("unwritable: %v", err)
	}
}
