package ui

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/guide"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
	"trustedapp-tester/ui/widgets"
)

func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func scenario(t *testing.T, s *sandbox.Server, name string) sandbox.Scenario {
	t.Helper()
	sc, ok := s.Scenario(name)
	if !ok {
		t.Fatalf("sandbox has no scenario %q", name)
	}
	return sc
}

func chipTexts(c *fyne.Container) []string {
	var out []string
	for _, o := range c.Objects {
		out = append(out, chipCaption(o.(*widgets.Chip)))
	}
	return out
}

// chipCaption is a chip's text with its icon written as the glyph it stands for.
func chipCaption(c *widgets.Chip) string {
	switch {
	case c.Icon == nil:
		return c.Text
	case c.Icon.Name() == theme.ConfirmIcon().Name():
		return "✔ " + c.Text
	case c.Icon.Name() == theme.CancelIcon().Name():
		return "✖ " + c.Text
	}
	return "(" + c.Icon.Name() + ") " + c.Text
}

// Create a profile through the editor, store its secret, run the real engine against
// the sandbox's healthy app and read the identity card.
func TestEditorProfileAgainstHealthySandbox(t *testing.T) {
	sb := startSandbox(t)
	sc := scenario(t, sb, "healthy")
	e := newEnv(t, Deps{Now: time.Now})
	u := e.u

	test.Tap(findButton(t, u.sidebar.content, "New"))
	if u.right.Objects[0] != u.editor.content {
		t.Fatal("New should open the editor")
	}
	ed := u.editor
	test.Type(ed.name, "Healthy app")
	test.Type(ed.instance, sc.Instance)
	test.Type(ed.clientID, sc.ClientID)
	test.Type(ed.secret, sc.ClientSecret)
	test.Tap(ed.scopes.chip("update")) // a new profile starts with read

	test.Tap(ed.save)
	u.Wait()
	if u.right.Objects[0] != u.run.content || u.desk.Selected() != "Healthy app" {
		t.Fatalf("after Save the run view of the new profile should show (status %q)", u.status.Text)
	}
	p, err := e.store.Get("Healthy app")
	if err != nil {
		t.Fatalf("profile not stored: %v", err)
	}
	if p.SecretSetAt.IsZero() || p.ClientID != sc.ClientID || strings.Join(p.Scopes, " ") != "read update" {
		t.Errorf("stored profile = %+v", p)
	}
	if got, err := e.secrets.Get("Healthy app"); err != nil || got != sc.ClientSecret {
		t.Fatalf("secret in the keyring = %q, %v", got, err)
	}
	raw, err := os.ReadFile(e.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), sc.ClientSecret) {
		t.Fatal("the client secret was written to the profile file")
	}

	test.Tap(u.run.header.test)
	u.Wait()
	if got := u.run.identity.actsAs.Text; !strings.Contains(got, sc.SystemUser) {
		t.Errorf("ACTS AS = %q, want %q (status %q)", got, sc.SystemUser, u.status.Text)
	}
	if got := strings.Join(chipTexts(u.run.identity.scopes), ","); got != "✔ read,✔ update" {
		t.Errorf("scope chips = %q", got)
	}
	if !strings.HasPrefix(u.run.identity.expires.Text, "in ") {
		t.Errorf("EXPIRES = %q", u.run.identity.expires.Text)
	}
	if !strings.Contains(u.status.Text, "Passed") {
		t.Errorf("status = %q", u.status.Text)
	}
	if u.run.claims.access == nil || u.run.claims.token.Text == u.run.claims.access.Reveal() {
		t.Error("the raw token must be masked until revealed")
	}
	test.Tap(u.run.claims.reveal)
	if u.run.claims.token.Text != u.run.claims.access.Reveal() {
		t.Error("Reveal should show the whole token")
	}
}

func sandboxEnv(t *testing.T, deps Deps) *env {
	t.Helper()
	return sandboxEnvWith(t, deps, sandbox.Config{})
}

// sandboxEnvWith is sandboxEnv with the sandbox's configuration.
func sandboxEnvWith(t *testing.T, deps Deps, cfg sandbox.Config) *env {
	t.Helper()
	sb := desk.NewSandbox(cfg)
	t.Cleanup(sb.Stop)
	deps.Sandbox = sb.Start
	if deps.Now == nil {
		deps.Now = time.Now
	}
	e := newEnv(t, deps)
	test.Tap(findButton(t, e.u.welcome, "Try the sandbox"))
	e.u.Wait()
	if len(e.u.desk.Profiles()) < 5 {
		t.Fatalf("Try the sandbox added %d profiles (status %q)", len(e.u.desk.Profiles()), e.u.status.Text)
	}
	for _, p := range e.u.desk.Profiles() {
		if !p.Sandbox || p.Environment != profiles.EnvSandbox || p.SecretSetAt.IsZero() {
			t.Fatalf("sandbox profile not marked: %+v", p)
		}
	}
	return e
}

func TestSandboxFailingScenarioShowsGuidance(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: scope-not-allowed")
	u.StartRun()
	u.Wait()
	if u.run.tabs.Selected().Text != "Guidance" {
		t.Errorf("tab = %q, want Guidance first after a failure", u.run.tabs.Selected().Text)
	}
	want := guide.Explain(check.TokInvalidScope, nil).Title
	if g := texts(u.run.guidance.list); !strings.Contains(g, want) {
		t.Errorf("guidance lacks %q:\n%s", want, g)
	}
	if q := u.run.identity.quiet.Text; !strings.HasPrefix(q, "No token: ") || !strings.Contains(q, "Guidance") {
		t.Errorf("identity card = %q", q)
	}
	if strings.Contains(texts(u.content), "sandbox-scope-secret") {
		t.Error("the client secret appears on screen")
	}
}

// Cancel a run while the slow identity server holds the token request, and show the
// UI goroutine keeps serving work meanwhile.
func TestSandboxCancelSlowIdentity(t *testing.T) {
	reached := make(chan struct{})
	run := func(ctx context.Context, p profiles.Profile, secret string, o check.Options, onStep func(check.Step)) check.Report {
		return check.Run(ctx, p, secret, o, func(s check.Step) {
			onStep(s)
			if s.Kind == check.StepDiscovery {
				close(reached) // the token request (8 s in this scenario) comes next
			}
		})
	}
	e := sandboxEnv(t, Deps{Run: run})
	u := e.u
	u.selectProfile("Sandbox: slow-identity")
	tapped := make(chan struct{})
	go func() { test.Tap(u.run.header.test); close(tapped) }()
	select {
	case <-tapped:
	case <-time.After(5 * time.Second):
		t.Fatal("tapping Test blocked until the slow server answered: the run is on the UI goroutine")
	}
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("the run never reached the token request")
	}
	done := make(chan struct{})
	go func() {
		fyne.DoAndWait(func() { u.sidebar.search.SetText("slow") })
		close(done)
	}()
	if !waitPumping(u, done, 5*time.Second) {
		t.Fatal("UI work did not run while the token request was pending")
	}
	if !u.Running() {
		t.Fatal("the run should still be waiting for the slow identity server")
	}
	test.Tap(u.run.header.cancel)
	u.Wait()
	r := u.desk.Report("Sandbox: slow-identity")
	if r == nil || !r.Cancelled {
		t.Fatalf("report after Cancel = %+v", r)
	}
	if !strings.Contains(u.status.Text, "Cancelled") {
		t.Errorf("status %q: want “Cancelled”", u.status.Text)
	}
}

// A second run reuses the cached token and says so on the identity card; "Test with a
// fresh token" asks the Identity Server again.
func TestSandboxFreshTokenBypassesTheCache(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	run := func(fresh bool) check.Report {
		t.Helper()
		if fresh {
			u.StartFreshRun()
		} else {
			u.StartRun()
		}
		u.Wait()
		r := u.desk.Report("Sandbox: healthy")
		if r == nil || r.Token == nil || r.Verdict != check.Pass {
			t.Fatalf("run did not pass: %+v (status %q)", r, u.status.Text)
		}
		return *r
	}
	first := run(false)
	second := run(false)
	if first.Token.FromCache || !second.Token.FromCache || second.Token.Fingerprint != first.Token.Fingerprint {
		t.Fatalf("second run should reuse the first token: first %+v, second %+v", first.Token, second.Token)
	}
	if !strings.Contains(u.run.identity.refresh.Text, "reused token") {
		t.Errorf("identity card does not say the token was reused: %q", u.run.identity.refresh.Text)
	}
	fresh := run(true)
	if fresh.Token.FromCache || fresh.Token.Fingerprint == first.Token.Fingerprint {
		t.Errorf("a fresh run reused the cached token: %+v", fresh.Token)
	}
	if strings.Contains(u.run.identity.refresh.Text, "reused token") {
		t.Errorf("identity card still says reused after a fresh token: %q", u.run.identity.refresh.Text)
	}
}

// The same refusal on every API call is one problem: Guidance explains it once and
// lists the steps it was seen in.
func TestSandboxGuidanceGroupsRepeatedFindings(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: licence-exhausted")
	u.StartRun()
	u.Wait()
	g := texts(u.run.guidance.list)
	title := guide.Explain(check.APILicenseExhausted, nil).Title
	if n := strings.Count(g, title); n != 1 {
		t.Errorf("the licence explanation appears %d times, want once:\n%s", n, g)
	}
	if !strings.Contains(g, "Seen in 3 steps: API GET /api/domain/currentmodel") {
		t.Errorf("guidance does not list the steps the finding was seen in:\n%s", g)
	}
}

// A sandbox profile saved by an earlier session points at a sandbox that is gone.
// Running it starts the sandbox, moves the profile to the new address and runs.
func TestStaleSandboxProfileStartsTheSandbox(t *testing.T) {
	sb := desk.NewSandbox(sandbox.Config{})
	t.Cleanup(sb.Stop)
	stale := profiles.Profile{
		Name: "Sandbox: healthy", Environment: profiles.EnvSandbox, Sandbox: true,
		InstanceURL: "http://127.0.0.1:1", ClientID: "com.sandbox/healthy", Scopes: []string{"read", "update"},
	}
	e := newEnv(t, Deps{Sandbox: sb.Start, Now: time.Now}, stale)
	u := e.u
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()
	r := u.desk.Report("Sandbox: healthy")
	if r == nil || r.Verdict != check.Pass || r.Claims == nil || r.Claims.SystemUser != "svc-import" {
		t.Fatalf("the run against the restarted sandbox did not pass: %+v (status %q)", r, u.status.Text)
	}
	p, err := e.store.Get("Sandbox: healthy")
	if err != nil || p.InstanceURL == stale.InstanceURL {
		t.Errorf("the stored profile still points at the old sandbox: %+v, %v", p, err)
	}
	if len(u.desk.Profiles()) < 5 {
		t.Errorf("the other scenarios were not added: %d profiles", len(u.desk.Profiles()))
	}
}

// The ⋮ menu removes every sandbox profile and its secret after a confirmation; the
// user's own profiles stay, and a store that cannot be written says so.
func TestRemoveSandboxProfiles(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	own := acme()
	if err := e.store.Add(own); err != nil {
		t.Fatal(err)
	}
	if err := e.secrets.Set(own.Name, "own-secret"); err != nil {
		t.Fatal(err)
	}
	u.Reload("Sandbox: healthy")
	u.Wait()
	n := len(u.desk.SandboxProfiles())
	if n < 5 || n != len(u.desk.Profiles())-1 {
		t.Fatalf("%d sandbox profiles of %d", n, len(u.desk.Profiles()))
	}

	// The menu offers it.
	test.Tap(u.run.header.more)
	menu := u.win.Canvas().Overlays().Top()
	want := fmt.Sprintf("Remove the %d sandbox profiles…", n)
	if got := menuLabels(menu); !strings.Contains(got, want) {
		t.Fatalf("⋮ menu lacks %q:\n%s", want, got)
	}
	u.win.Canvas().Overlays().Remove(menu)

	u.run.header.removeSandboxProfiles()
	dlg := u.win.Canvas().Overlays().Top()
	if d := texts(dlg); !strings.Contains(d, fmt.Sprintf("Remove the %d sandbox profiles?", n)) || !strings.Contains(d, "Your own profiles stay") {
		t.Fatalf("confirm dialog = %q", d)
	}
	test.Tap(findButton(t, dlg, "Keep"))
	u.Wait()
	if len(u.desk.SandboxProfiles()) != n {
		t.Fatal("Keep removed profiles")
	}
	u.run.header.removeSandboxProfiles()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Remove"))
	u.Wait()
	err := e.store.Reload()
	list := e.store.List()
	if err != nil || len(list) != 1 || list[0].Name != own.Name {
		t.Fatalf("after removal the store holds %v (%v)", list, err)
	}
	if s, _ := e.keychain.Get("Sandbox: healthy"); s != "" {
		t.Error("a sandbox secret stayed in the keychain")
	}
	if s, _ := e.keychain.Get(own.Name); s != "own-secret" {
		t.Errorf("the user's own secret = %q", s)
	}
	if u.desk.Selected() != own.Name || !strings.Contains(u.status.Text, fmt.Sprintf("Removed %d sandbox profiles.", n)) {
		t.Errorf("current %q, status %q", u.desk.Selected(), u.status.Text)
	}
	// Without sandbox profiles the menu no longer offers it.
	test.Tap(u.run.header.more)
	if got := menuLabels(u.win.Canvas().Overlays().Top()); strings.Contains(got, "sandbox profiles") || !strings.Contains(got, "Delete…") {
		t.Errorf("the menu after removal: %q", got)
	}
}

// A store that cannot be written: nothing is removed, and the message says how many
// and what to check.
func TestRemoveSandboxProfilesUnwritableStore(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	n := len(u.desk.SandboxProfiles())
	breakStore(t, e.store.Path())
	u.run.header.removeSandboxProfiles()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Remove"))
	u.Wait()
	// (The profile list cannot be re-read either, so that error shows on top.)
	var all string
	for _, o := range u.win.Canvas().Overlays().List() {
		all += texts(o)
	}
	if d := all; !strings.Contains(d, fmt.Sprintf("Removed 0 of %d sandbox profiles", n)) || !strings.Contains(d, "Check that the store file is writable") {
		t.Errorf("unwritable store message = %q", d)
	}
	if s, _ := e.keychain.Get("Sandbox: healthy"); s == "" {
		t.Error("the secret of a profile that stayed was removed")
	}
}

// menuLabels lists the items of the pop-up menu under o, one per line.
func menuLabels(o fyne.CanvasObject) string {
	var m *widget.Menu
	find(o, func(c fyne.CanvasObject) bool {
		switch w := c.(type) {
		case *widget.Menu:
			m = w
		case *widget.PopUpMenu:
			m = w.Menu
		}
		return m != nil
	})
	if m == nil {
		return ""
	}
	var out []string
	for _, it := range m.Items {
		// Menu items are unexported widgets holding their *fyne.MenuItem in Item.
		v := reflect.ValueOf(it).Elem()
		if f := v.FieldByName("Item"); f.IsValid() && !f.IsNil() {
			out = append(out, f.Elem().FieldByName("Label").String())
		}
	}
	return strings.Join(out, "\n")
}

// "Inspect a token…": a pasted token is decoded, verified and used for the API calls
// of the selected profile, whose own secret is not needed.
func TestInspectPastedToken(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()
	tok := u.desk.Report("Sandbox: healthy").Access.Reveal()

	u.selectProfile("Sandbox: scope-not-allowed")
	if err := e.keychain.Delete("Sandbox: scope-not-allowed"); err != nil {
		t.Fatal(err)
	}
	u.run.header.askToken()
	dlg := u.win.Canvas().Overlays().Top()
	if d := texts(dlg); !strings.Contains(d, "never saved") || !strings.Contains(d, "Nothing is requested from the identity server") {
		t.Fatalf("dialog: %q", d)
	}
	// Nothing pasted: said, nothing run.
	test.Tap(findButton(t, dlg, "Inspect"))
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Paste the whole access token") || u.desk.Report("Sandbox: scope-not-allowed") != nil {
		t.Fatalf("empty paste: %q", d)
	}
	closeDialogs(u)

	// Enter in the field inspects, like the button.
	u.run.header.askToken()
	dlg = u.win.Canvas().Overlays().Top()
	entry := entryOf(find(dlg, func(o fyne.CanvasObject) bool { en := entryOf(o); return en != nil && en.Password }))
	entry.SetText("Bearer " + tok)
	// (OnSubmitted is what Return calls; typing Return here would race the run's
	// goroutine in the test driver, which runs fyne.Do in place.)
	entry.OnSubmitted(entry.Text)
	u.Wait()
	r := u.desk.Report("Sandbox: scope-not-allowed")
	if r == nil || r.Verdict != check.Pass || r.Claims == nil || r.Claims.SystemUser != "svc-import" || r.Token == nil || !r.Token.Supplied {
		t.Fatalf("inspected report: %+v (status %q)", r, u.status.Text)
	}
	if got := u.run.timeline.slots[check.StepToken].Text; !strings.Contains(got, "Token") {
		t.Errorf("token slot %q", got)
	}
	if g := texts(u.run.guidance.list); !strings.Contains(g, "A supplied token was inspected") || !strings.Contains(g, "The supplied token works") {
		t.Errorf("guidance does not say the token was supplied:\n%s", texts(u.run.guidance.list))
	}
	if entry.Text != "" {
		t.Error("the pasted token stays in the entry")
	}
}
