package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"trustedapp-tester/tokenview"
	"trustedapp-tester/ui/widgets"
)

func chips(t *testing.T, diff *tokenview.ScopeDiff) []*widgets.Chip {
	t.Helper()
	var out []*widgets.Chip
	for _, o := range scopeChips(diff) {
		out = append(out, o.(*widgets.Chip))
	}
	return out
}

func TestScopeChipsMarkDifferences(t *testing.T) {
	// Requested but not granted: red, the scope struck through.
	got := chips(t, &tokenview.ScopeDiff{Requested: []string{"read", "update"}, Granted: []string{"read"}, Missing: []string{"update"}})
	if len(got) != 2 || chipCaption(got[0]) != "✔ read" || got[0].Color != theme.ColorNameSuccess {
		t.Fatalf("chips = %+v", got)
	}
	if c := got[1]; chipCaption(c) != "✖ update requested, not granted" || c.Color != theme.ColorNameError || c.Strike != "update" {
		t.Errorf("missing chip = %q color %s strike %q", c.Text, c.Color, c.Strike)
	}

	// Granted without being asked for, when scopes were requested: outlined, named.
	got = chips(t, &tokenview.ScopeDiff{Requested: []string{"read"}, Granted: []string{"read", "sec"}, Extra: []string{"sec"}})
	if len(got) != 2 || got[1].Text != "sec · granted, not requested" || !got[1].Outlined || got[1].Strike != "" {
		t.Errorf("extra chip = %+v", got[1])
	}

	// No scope requested: every granted scope is expected, and a chip says why.
	got = chips(t, &tokenview.ScopeDiff{RequestedAll: true, Granted: []string{"read", "update"}, Extra: []string{"read", "update"}})
	var texts []string
	for _, c := range got {
		texts = append(texts, chipCaption(c))
	}
	if strings.Join(texts, ",") != "✔ read,✔ update,all of the app's scopes (no scope requested)" {
		t.Errorf("requested-all chips = %q", texts)
	}

	// Nothing at all.
	got = chips(t, &tokenview.ScopeDiff{})
	if len(got) != 1 || got[0].Text != "no scopes" {
		t.Errorf("empty chips = %+v", got)
	}
}

// The real engine against the sandbox's user-scopes app: openid and offline_access are
// requested, never granted, and the card says so.
func TestSandboxUserScopesIdentity(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: user-scopes")
	u.StartRun()
	u.Wait()
	got := strings.Join(chipTexts(u.run.identity.scopes), ",")
	want := "✔ read,✖ openid requested, not granted,✖ offline_access requested, not granted"
	if got != want {
		t.Fatalf("scope chips = %q, want %q (status %q)", got, want, u.status.Text)
	}
}

// The card's values are cut with "…" when long: hovering shows the whole value in the
// status line (and leaving puts the status back), a click copies it.
func TestIdentityValuesCopy(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	u.win.Resize(fyne.NewSize(1024, 700))
	c := u.run.identity
	const id = "3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c"
	if !strings.Contains(c.actsAsDetail.Text, "id "+id) {
		t.Fatalf("detail = %q", c.actsAsDetail.Text)
	}
	before := u.status.Text
	c.actsAsDetail.MouseIn(nil)
	if got := u.status.Text; got != "System User id: "+id+"   "+copyHint() {
		t.Errorf("hover status = %q", got)
	}
	c.actsAsDetail.MouseOut()
	if u.status.Text != before {
		t.Errorf("status after hover = %q, want %q back", u.status.Text, before)
	}
	for _, tc := range []struct {
		l          *widgets.CopyLabel
		what, want string
	}{
		{c.actsAsDetail, "System User id", id},
		{c.actsAs, "System User", "svc-import"},
		{c.client, "client_id", "com.acme/nightly"},
		{c.issuer, "issuer", "https://acme.my.erp.net/id"},
		{c.database, "database", "E1_DEV-1 Test"},
		{c.signature, "signing key id", "5B27A1C9D3E04F5A"},
	} {
		test.Tap(tc.l)
		if got := e.app.Clipboard().Content(); got != tc.want {
			t.Errorf("%s: clipboard = %q, want %q", tc.what, got, tc.want)
		}
		if got := u.status.Text; got != "Copied the "+tc.what+" to the clipboard: "+tc.want {
			t.Errorf("%s: status = %q", tc.what, got)
		}
	}
	// A missing value copies nothing.
	e.app.Clipboard().SetContent("unchanged")
	c.database.Set("—", "")
	test.Tap(c.database)
	if got := e.app.Clipboard().Content(); got != "unchanged" {
		t.Errorf("tapping an empty value copied %q", got)
	}
}

// When the token expires on screen, the status line says what to do.
func TestExpiryIsSaid(t *testing.T) {
	now := fixedNow
	e := newEnv(t, Deps{Run: replayRun(healthyReport()), Now: func() time.Time { return now }}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	u.Tick(now)
	if strings.Contains(u.status.Text, "expired") {
		t.Fatalf("status before expiry: %q", u.status.Text)
	}
	now = fixedNow.Add(58 * time.Minute)
	u.Tick(now)
	if !strings.Contains(u.status.Text, "The token has expired. Client credentials gets no refresh token") {
		t.Fatalf("status after expiry: %q", u.status.Text)
	}
	u.setStatus("something else")
	u.Tick(now)
	if u.status.Text != "something else" {
		t.Error("the expiry is said again on every tick")
	}
}

// identityStatus is the window's status line for the identity card alone.
type identityStatus struct{ fakeShell }

func (s *identityStatus) statusText() string { return s.status }

// A reused token adds a note beside the countdown; it takes the room the card has and
// ends in an ellipsis, never widening the card (and so the window: under Xvfb a second
// test once pushed the window past a 1280-pixel screen).
func TestReusedTokenNoteNeverWidensTheCard(t *testing.T) {
	test.NewTempApp(t)
	c := newIdentityCard(&identityStatus{})
	rep := healthyReport()
	c.set(acme(), rep, fixedNow)
	before := c.content.MinSize().Width
	tok := *rep.Token
	tok.FromCache = true
	rep.Token = &tok
	c.set(acme(), rep, fixedNow)
	if !strings.Contains(c.refresh.Text, "reused token") {
		t.Fatalf("no reused-token note: %q", c.refresh.Text)
	}
	if after := c.content.MinSize().Width; after > before {
		t.Errorf("the reused-token note widened the card from %.0f to %.0f", before, after)
	}
}
