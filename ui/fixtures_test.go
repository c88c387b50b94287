package ui

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/fyneloop"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

// fixedNow is the clock of every snapshot: countdowns never move.
var fixedNow = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// acme is a profile with a fixed, fake instance URL so snapshots never show a port.
func acme() profiles.Profile {
	return profiles.Profile{
		Name: "Nightly import", Environment: profiles.EnvProduction,
		InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/nightly",
		AuthMethod: profiles.AuthPost, Scopes: []string{"read", "update"},
		Created: fixedNow.Add(-40 * 24 * time.Hour), Updated: fixedNow.Add(-40 * 24 * time.Hour),
		SecretSetAt: fixedNow.Add(-12 * 24 * time.Hour),
	}
}

func ex(method, url string, status int, body string, total time.Duration) check.Exchange {
	return check.Exchange{
		Started: fixedNow, Method: method, URL: url, Status: status,
		RequestHeaders:  http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer [redacted …Zx81Qa]"}},
		ResponseHeaders: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		ResponseBody:    body, Size: int64(len(body)),
		Timings: check.Timings{DNS: 2 * time.Millisecond, Connect: 9 * time.Millisecond, TLS: 21 * time.Millisecond, FirstByte: total - 3*time.Millisecond, Total: total},
	}
}

// healthyReport is a hand-made passing run against acme().
func healthyReport() check.Report {
	iat := fixedNow.Add(-3 * time.Minute)
	exp := iat.Add(time.Hour)
	cl := &tokenview.Claims{
		Kind: tokenview.KindJWT, Alg: "RS256", Kid: "5B27A1C9D3E04F5A", Typ: "at+jwt",
		SystemUser: "svc-import", SystemUserType: "ApplicationUserNoLogin", SystemUserID: "3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c",
		ClientID: "com.acme/nightly", Database: "E1_DEV-1 Test", Issuer: "https://acme.my.erp.net/id",
		Audiences: []string{"https://acme.my.erp.net/id/resources"}, Scopes: []string{"read", "update"},
		IssuedAt: iat, NotBefore: iat, Expires: exp, Signature: tokenview.SigVerified,
		Header: []tokenview.Claim{{Name: "alg", Value: `"RS256"`}, {Name: "kid", Value: `"5B27A1C9D3E04F5A"`}, {Name: "typ", Value: `"at+jwt"`}},
		All: []tokenview.Claim{
			{Name: "iss", Value: `"https://acme.my.erp.net/id"`},
			{Name: "nbf", Value: "1763630820", Time: &iat},
			{Name: "iat", Value: "1763630820", Time: &iat},
			{Name: "exp", Value: "1763634420", Time: &exp},
			{Name: "client_id", Value: `"com.acme/nightly"`},
			{Name: "client_system_user", Value: `"svc-import"`},
			{Name: "client_system_user_type", Value: `"ApplicationUserNoLogin"`},
			{Name: "client_db", Value: `"E1_DEV-1 Test"`},
			{Name: "scope", Value: `["read","update"]`},
		},
	}
	diff := &tokenview.ScopeDiff{Requested: []string{"read", "update"}, Granted: []string{"read", "update"}}
	tok := &check.TokenInfo{Last6: "Zx81Qa", Fingerprint: "9f86d081884c7d65", Type: "Bearer", ExpiresIn: 3600, ObtainedAt: iat, ResponseScope: "read update"}
	steps := []check.Step{
		{Kind: check.StepReachability, Name: "Reachability", Verdict: check.Pass, Summary: "ERP.net 26.2.0.76 answered", Duration: 42 * time.Millisecond,
			Exchanges: []check.Exchange{ex("GET", "https://acme.my.erp.net/tools/ver", 200, `{"version":"26.2.0.76"}`, 42*time.Millisecond)}},
		{Kind: check.StepDiscovery, Name: "Discovery", Verdict: check.Pass, Summary: "client_credentials offered", Duration: 18 * time.Millisecond,
			Exchanges: []check.Exchange{ex("GET", "https://acme.my.erp.net/id/.well-known/openid-configuration", 200, `{"issuer":"https://acme.my.erp.net/id","token_endpoint":"https://acme.my.erp.net/id/connect/token"}`, 18*time.Millisecond)}},
		{Kind: check.StepToken, Name: "Token", Verdict: check.Pass, Summary: "200 OK, Bearer, 3600 s", Duration: 96 * time.Millisecond, Token: tok,
			Exchanges: []check.Exchange{ex("POST", "https://acme.my.erp.net/id/connect/token", 200, `{"access_token":"[redacted …Zx81Qa]","expires_in":3600,"token_type":"Bearer","scope":"read update"}`, 96*time.Millisecond)}},
		{Kind: check.StepInspect, Name: "Signature", Verdict: check.Pass, Summary: "RS256 verified with key 5B27A1C9", Duration: time.Millisecond, Claims: cl, Scopes: diff},
	}
	for i, c := range acme().EffectiveCalls() {
		d := time.Duration(30+10*i) * time.Millisecond
		steps = append(steps, check.Step{Kind: check.StepAPI, Name: "API " + c.Method + " " + c.Path, Verdict: check.Pass, Summary: "200 OK", Duration: d,
			Findings:  []check.Finding{{Code: check.APIOK, Severity: check.SevInfo, Message: "200 OK"}},
			Exchanges: []check.Exchange{ex(c.Method, "https://acme.my.erp.net"+c.Path, 200, `{"value":[{"Id":"8a1f","Name":"Acme Ltd"}]}`, d)}})
	}
	return check.Report{Profile: "Nightly import", Started: fixedNow.Add(-time.Second), Finished: fixedNow.Add(-time.Second + 412*time.Millisecond),
		Verdict: check.Pass, Steps: steps, Token: tok, Claims: cl, Scopes: diff,
		Access: check.NewAccessToken("eyJhbGciOiJSUzI1NiIsImtpZCI6IjVCMjcifQ.eyJzdWIiOiJ4In0.sig-Zx81Qa")}
}

// scopeFailReport is a hand-made run where the token request fails with invalid_scope.
func scopeFailReport() check.Report {
	r := healthyReport()
	steps := r.Steps[:2]
	steps = append(steps, check.Step{Kind: check.StepToken, Name: "Token", Verdict: check.Fail, Summary: "400 invalid_scope", Duration: 88 * time.Millisecond,
		Findings: []check.Finding{{Code: check.TokInvalidScope, Severity: check.SevFail,
			Message:  `The token endpoint refused the scope "update": the Trusted App's Scope field does not list it.`,
			Evidence: map[string]string{check.EvRequested: "read update", check.EvError: "invalid_scope", check.EvDescription: "Invalid scope: update", check.EvScope: "update"}}},
		Exchanges: []check.Exchange{ex("POST", "https://acme.my.erp.net/id/connect/token", 400, `{"error":"invalid_scope","error_description":"Invalid scope: update"}`, 88*time.Millisecond)}})
	steps = append(steps, check.Step{Kind: check.StepInspect, Name: "Signature", Verdict: check.Skipped, Summary: "no token"})
	return check.Report{Profile: "Nightly import", Started: r.Started, Finished: r.Started.Add(160 * time.Millisecond), Verdict: check.Fail, Steps: steps}
}

// Deps are the desk's collaborators, as the tests give them.
type Deps = desk.Deps

// replayRun is a Deps.Run that streams rep's steps and returns it.
func replayRun(rep check.Report) func(context.Context, profiles.Profile, string, check.Options, func(check.Step)) check.Report {
	return func(_ context.Context, p profiles.Profile, _ string, _ check.Options, onStep func(check.Step)) check.Report {
		for _, s := range rep.Steps {
			onStep(s)
		}
		rep.Profile = p.Name
		return rep
	}
}

// env is a UI on a real profile store (temp file) with the mock keyring.
type env struct {
	t       testing.TB
	app     fyne.App
	u       *UI
	store   *profiles.Store
	secrets *profiles.Secrets
	// keychain is the desk's keychain over secrets (or the one the test gave).
	keychain *desk.Secrets
}

func newEnv(t testing.TB, deps Deps, seed ...profiles.Profile) *env {
	t.Helper()
	keyring.MockInit()
	a := test.NewTempApp(t)
	store, err := profiles.Open(filepath.Join(t.TempDir(), "profiles.json"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	sec := profiles.NewSecrets()
	for _, p := range seed {
		if err := store.Add(p); err != nil {
			t.Fatalf("seed %s: %v", p.Name, err)
		}
		if err := sec.Set(p.Name, "seed-secret-"+p.Name); err != nil {
			t.Fatal(err)
		}
		if err := store.MarkSecretSet(p.Name, p.SecretSetAt); err != nil {
			t.Fatal(err)
		}
	}
	if deps.Options.Cache == nil {
		// A token cache per test: sandboxes of earlier tests may have used the same
		// address, and their tokens are signed with other keys.
		deps.Options.Cache = check.NewTokenCache()
	}
	deps.Store = desk.NewStore(store)
	if deps.Secrets == nil {
		deps.Secrets = desk.NewSecrets(sec)
	}
	if deps.Now == nil {
		deps.Now = func() time.Time { return fixedNow }
	}
	// The desk's answers run on the test's goroutine, one at a time, as the real
	// driver runs them on its main loop (u.Wait runs those queued so far).
	loop := fyneloop.Install(t, a)
	u := New(a, deps)
	u.drain = loop.Pump
	u.Wait()
	t.Cleanup(func() { u.CancelRun(); u.Wait(); u.Window().Close() })
	return &env{t: t, app: a, u: u, store: store, secrets: sec, keychain: deps.Secrets}
}

// userScopes is acme() asking for scopes a service app never gets.
func userScopes() profiles.Profile {
	p := acme()
	p.Scopes = []string{"read", "openid", "offline_access"}
	return p
}

// userScopesReport is a run where the token carries only read of the requested
// "read openid offline_access" (the sandbox's user-scopes scenario, by hand).
func userScopesReport() check.Report {
	r := healthyReport()
	cl := *r.Claims
	cl.Scopes = []string{"read"}
	cl.All = append([]tokenview.Claim(nil), cl.All...)
	cl.All[len(cl.All)-1] = tokenview.Claim{Name: "scope", Value: `["read"]`}
	diff := &tokenview.ScopeDiff{Requested: []string{"read", "openid", "offline_access"}, Granted: []string{"read"}, Missing: []string{"openid", "offline_access"}}
	tok := *r.Token
	tok.ResponseScope = "read"
	r.Claims, r.Scopes, r.Token = &cl, diff, &tok
	steps := append([]check.Step(nil), r.Steps...)
	for i := range steps {
		switch steps[i].Kind {
		case check.StepToken:
			steps[i].Token = &tok
			steps[i].Verdict = check.Warn
			steps[i].Summary = "200 OK, Bearer, 3600 s, fewer scopes than requested"
			steps[i].Findings = []check.Finding{{Code: check.TokScopeNarrowed, Severity: check.SevWarn,
				Message:  "The token was granted fewer scopes than requested: openid, offline_access are missing.",
				Evidence: map[string]string{check.EvRequested: "read openid offline_access", check.EvGranted: "read", check.EvMissing: "openid offline_access"}}}
		case check.StepInspect:
			steps[i].Claims, steps[i].Scopes = &cl, diff
		}
	}
	r.Steps = steps
	r.Verdict = check.Warn
	return r
}

// invalidClientReport is a hand-made run whose token request gets invalid_client.
func invalidClientReport() check.Report {
	r := healthyReport()
	steps := append([]check.Step(nil), r.Steps[:2]...)
	steps = append(steps, check.Step{Kind: check.StepToken, Name: "Token", Verdict: check.Fail, Summary: "400 invalid_client", Duration: 61 * time.Millisecond,
		Findings: []check.Finding{{Code: check.TokInvalidClient, Severity: check.SevFail,
			Message:  "The token endpoint refused the client (invalid_client).",
			Evidence: map[string]string{check.EvError: "invalid_client", check.EvClientID: "com.acme/nightly", check.EvAuthMethod: "post"}}},
		Exchanges: []check.Exchange{ex("POST", "https://acme.my.erp.net/id/connect/token", 400, `{"error":"invalid_client"}`, 61*time.Millisecond)}})
	steps = append(steps, check.Step{Kind: check.StepInspect, Name: "Signature", Verdict: check.Skipped, Summary: "no token"})
	return check.Report{Profile: "Nightly import", Started: r.Started, Finished: r.Started.Add(140 * time.Millisecond), Verdict: check.Fail, Steps: steps}
}

// fileWriter opens path for writing the way a file-save dialog hands it over.
func fileWriter(t *testing.T, path string) fyne.URIWriteCloser {
	t.Helper()
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatalf("writer %s: %v", path, err)
	}
	return wc
}

// fileReader opens path the way a file-open dialog hands it over.
func fileReader(t *testing.T, path string) fyne.URIReadCloser {
	t.Helper()
	rc, err := storage.Reader(storage.NewFileURI(path))
	if err != nil {
		t.Fatalf("reader %s: %v", path, err)
	}
	return rc
}

// topDialog is the text of the topmost overlay (a dialog), "" when none shows.
func topDialog(u *UI) string {
	o := u.win.Canvas().Overlays().Top()
	if o == nil {
		return ""
	}
	return texts(o)
}

// closeDialogs hides every overlay.
func closeDialogs(u *UI) {
	for o := u.win.Canvas().Overlays().Top(); o != nil; o = u.win.Canvas().Overlays().Top() {
		u.win.Canvas().Overlays().Remove(o)
	}
}

// findEntry finds the first entry under o.
func findEntry(t *testing.T, o fyne.CanvasObject) *widget.Entry {
	t.Helper()
	f := find(o, func(c fyne.CanvasObject) bool { return entryOf(c) != nil })
	if f == nil {
		t.Fatal("no entry")
	}
	return entryOf(f)
}

// applyTheme is test.ApplyTheme for u's window. Fyne's helper insists on its own test
// app being current, and newEnv put a queue in front of it (fyneloop): the test app is
// made current again for the rest of the test, which only captures the window (fyne.Do
// then runs calls at once, as Fyne's test driver does).
func applyTheme(t *testing.T, u *UI, th fyne.Theme) {
	t.Helper()
	u.Wait()
	fyne.SetCurrentApp(u.app)
	test.ApplyTheme(t, th)
}

// waitPumping waits up to d for done, running the UI calls queued meanwhile on this
// goroutine, as a real driver's main loop runs them; false when d passed first.
func waitPumping(u *UI, done <-chan struct{}, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return true
		default:
		}
		if u.drain == nil || !u.drain() {
			time.Sleep(5 * time.Millisecond)
		}
	}
	return false
}
