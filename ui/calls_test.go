package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// A custom call in the API calls tab uses the run's token against the sandbox and
// shows the response pretty-printed.
func TestCustomCallAgainstSandbox(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	c := u.run.calls
	if !c.send.Disabled() {
		t.Error("Send is enabled before a token exists")
	}
	u.StartRun()
	u.Wait()
	if c.send.Disabled() {
		t.Fatalf("Send disabled after a passing run (status %q)", u.status.Text)
	}
	before := len(c.steps)
	c.method.SetSelected("GET")
	test.Type(c.path, "/api/domain/odata/Crm_Sales_Customers?$top=2")
	test.Tap(c.send)
	u.Wait()
	if len(c.steps) != before+1 {
		t.Fatalf("custom call not listed: %d steps (status %q)", len(c.steps), u.status.Text)
	}
	s := c.steps[len(c.steps)-1]
	if len(s.Exchanges) == 0 || s.Exchanges[len(s.Exchanges)-1].Status != 200 {
		t.Fatalf("custom call step = %+v", s)
	}
	shown := texts(c.detail)
	if !strings.Contains(shown, "RESPONSE BODY") || !strings.Contains(shown, "\n  \"") {
		t.Errorf("response not shown pretty-printed:\n%s", shown)
	}
	if !strings.Contains(shown, "Crm_Sales_Customers") {
		t.Errorf("request line missing:\n%s", shown)
	}

	// An empty path is refused with the fix.
	c.path.SetText("")
	test.Tap(c.send)
	if d := topDialog(u); !strings.Contains(d, "Type the path to call") {
		t.Errorf("dialog = %q", d)
	}
}

// "Keep in profile" adds the custom call after the defaults the profile ran; a second
// time says it is already there; a store that cannot be written says so.
func TestKeepCustomCallInProfile(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	c := u.run.calls
	c.method.SetSelected("PATCH")
	c.path.SetText("/api/domain/odata/Crm_Sales_Customers(1)")
	c.body.SetText(`{"Notes": `)
	test.Tap(c.keep)
	if d := topDialog(u); !strings.Contains(d, "The body is not JSON") || !strings.Contains(d, "fix it or clear it") {
		t.Fatalf("bad body dialog = %q", d)
	}
	closeDialogs(u)
	c.body.SetText(`{"Notes": "kept"}`)
	test.Tap(c.keep)
	u.Wait()
	p, err := e.store.Get("Sandbox: healthy")
	if err != nil {
		t.Fatal(err)
	}
	defs := profiles.DefaultCalls()
	if len(p.Calls) != len(defs)+1 || p.Calls[0].Path != defs[0].Path {
		t.Fatalf("stored calls = %+v", p.Calls)
	}
	last := p.Calls[len(p.Calls)-1]
	if last.Method != "PATCH" || last.Path != "/api/domain/odata/Crm_Sales_Customers(1)" || last.Body != `{"Notes": "kept"}` {
		t.Errorf("kept call = %+v", last)
	}
	if !strings.Contains(u.status.Text, "every test now runs its 4 calls") {
		t.Errorf("status = %q", u.status.Text)
	}
	test.Tap(c.keep)
	u.Wait()
	if !strings.Contains(u.status.Text, "already one of the profile's calls") {
		t.Errorf("second keep: status = %q", u.status.Text)
	}
	// The next run runs it.
	u.StartRun()
	u.Wait()
	if n := len(c.steps); n != 4 || !strings.Contains(c.steps[3].Name, "PATCH") {
		t.Errorf("the next run made %d API steps", n)
	}

	c.path.SetText("/api/domain/odata/Crm_Sales_Customers?$top=1")
	c.method.SetSelected("GET")
	c.body.SetText("")
	breakStore(t, e.store.Path())
	test.Tap(c.keep)
	u.Wait()
	var all string
	for _, o := range u.win.Canvas().Overlays().List() {
		all += texts(o)
	}
	if !strings.Contains(all, "Could not add the call to “Sandbox: healthy”") || !strings.Contains(all, "writable") {
		t.Errorf("unwritable store: %q", all)
	}
}

// A custom call after the token expired asks for a new token first (client
// credentials has no refresh token), then sends the call with it.
func TestCustomCallRenewsAnExpiredToken(t *testing.T) {
	old := healthyReport()
	cl := *old.Claims
	cl.Expires = fixedNow.Add(-3 * time.Minute)
	old.Claims = &cl
	old.Access = check.NewAccessToken("old.token.value-OLD111")
	renewed := healthyReport()
	renewed.Access = check.NewAccessToken("new.token.value-NEW222")

	var runs []check.Options
	reports := []check.Report{old, renewed}
	var used []string
	e := newEnv(t, Deps{
		Run: func(ctx context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
			rep := reports[len(runs)]
			runs = append(runs, o)
			return replayRun(rep)(ctx, p, s, o, on)
		},
		Call: func(_ context.Context, _ profiles.Profile, tok *check.AccessToken, c profiles.APICall, _ check.Options) check.Step {
			used = append(used, tok.Reveal())
			return check.Step{Kind: check.StepAPI, Name: "API " + c.Method + " " + c.Path, Verdict: check.Pass, Summary: "200 OK"}
		},
	}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	if !strings.Contains(u.run.identity.expires.Text, "expired 3 minutes ago") {
		t.Fatalf("expiry shown as %q", u.run.identity.expires.Text)
	}
	c := u.run.calls
	c.path.SetText("/api/domain/currentmodel")
	test.Tap(c.send)
	u.Wait()
	if len(runs) != 2 || !runs[1].Fresh {
		t.Fatalf("runs %d (second fresh: %v)", len(runs), len(runs) == 2 && runs[1].Fresh)
	}
	if len(used) != 1 || used[0] != "new.token.value-NEW222" {
		t.Fatalf("the call used %q, want the renewed token", used)
	}
	if last := c.steps[len(c.steps)-1]; !strings.Contains(last.Name, "/api/domain/currentmodel") {
		t.Errorf("last step %q", last.Name)
	}
	// With a valid token, Send sends at once.
	test.Tap(c.send)
	u.Wait()
	if len(runs) != 2 || len(used) != 2 {
		t.Errorf("a valid token was renewed: %d runs, %d calls", len(runs), len(used))
	}
}
