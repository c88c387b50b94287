package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
)

// refusedReport is a run whose OData calls the gate refused: auto-discovery named a
// host elsewhere.
func refusedReport() check.Report {
	r := healthyReport()
	for i := range r.Steps {
		switch r.Steps[i].Kind {
		case check.StepReachability:
			r.Steps[i].Verdict = check.Warn
			r.Steps[i].Findings = append(r.Steps[i].Findings, check.Finding{Code: check.ReachAPIHostForeign, Severity: check.SevWarn,
				Message:  "Auto-discovery gives the Domain API's OData root at https://api.other.example/odata/, on https://api.other.example, not on the instance (https://acme.my.erp.net): the access token is not sent there unless you confirm that host for this profile.",
				Evidence: map[string]string{check.EvHost: "https://api.other.example", check.EvSite: "DomainAPI", check.EvActual: "https://api.other.example/odata/", check.EvExpected: "https://acme.my.erp.net"}})
		case check.StepAPI:
			r.Steps[i].Verdict = check.Fail
			r.Steps[i].Findings = []check.Finding{{Code: check.GateTokenForeignHost, Severity: check.SevFail,
				Message:  "The access token was not sent to https://api.other.example: it is not a host you named for this profile (https://acme.my.erp.net). If it really serves this instance's API, confirm it for the profile.",
				Evidence: map[string]string{check.EvRefusedHost: "https://api.other.example", check.EvNamedHosts: "https://acme.my.erp.net", check.EvCredential: "access token"}}}
		}
	}
	r.Verdict = check.Fail
	return r
}

// A token the gate refused (or an API site elsewhere) comes with the one action that
// fixes it once the user knows the host is the instance's: "Trust this host for this
// profile…". A refused secret does not: the fix there is the profile's own token
// endpoint.
func TestGuidanceOffersToTrustARefusedHost(t *testing.T) {
	test.NewTempApp(t)
	sh, dk := &fakeGuidanceShell{}, &fakeGuidanceDesk{}
	g := newGuidanceTab(sh, dk)
	g.set(acme(), refusedReport())
	got := texts(g.list)
	if !strings.Contains(got, "Only if https://api.other.example really serves this instance") || !strings.Contains(got, "Nothing is sent until you do.") {
		t.Fatalf("no offer:\n%s", got)
	}
	for _, b := range findAll(g.list, "Trust this host for this profile…") {
		test.Tap(b)
	}
	if strings.Join(sh.trusted, ",") != "Nightly import https://api.other.example,Nightly import https://api.other.example" {
		t.Errorf("trusted %v", sh.trusted)
	}
	secret := healthyReport()
	secret.Steps[2].Findings = []check.Finding{{Code: check.GateSecretForeignHost, Severity: check.SevFail, Message: "The client secret was not sent to https://x.example.",
		Evidence: map[string]string{check.EvRefusedHost: "https://x.example"}}}
	secret.Steps[2].Verdict = check.Fail
	g.set(acme(), secret)
	if strings.Contains(texts(g.list), "Trust this host") {
		t.Error("a refused secret is offered a trusted host")
	}
}

// findAll are the buttons labelled text under o.
func findAll(o fyne.CanvasObject, text string) []*widget.Button {
	var out []*widget.Button
	find(o, func(c fyne.CanvasObject) bool {
		if b := buttonOf(c); b != nil && b.Text == text {
			out = append(out, b)
		}
		return false
	})
	return out
}

// The window's answer to "Trust this host…": it asks first (Cancel changes nothing),
// then keeps the host in the profile.
func TestTrustHostAsksThenKeepsTheHost(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	u.trustHost("Nightly import", "https://api.other.example")
	if d := topDialog(u); !strings.Contains(d, "Trust https://api.other.example for “Nightly import”?") || !strings.Contains(d, "act as the Trusted App's System User") {
		t.Fatalf("dialog:\n%s", d)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Cancel"))
	u.Wait()
	if p, _ := e.store.Get("Nightly import"); len(p.ConfirmedHosts) != 0 || !strings.Contains(u.status.Text, "Nothing changed") {
		t.Fatalf("after Cancel: %v, %q", p.ConfirmedHosts, u.status.Text)
	}
	u.trustHost("Nightly import", "https://api.other.example")
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Trust this host"))
	u.Wait()
	if p, _ := e.store.Get("Nightly import"); !slices.Equal(p.ConfirmedHosts, []string{"https://api.other.example"}) || !strings.Contains(u.status.Text, "now sends its access token to https://api.other.example too") {
		t.Fatalf("after Trust: %v, %q", p.ConfirmedHosts, u.status.Text)
	}
	if !strings.Contains(u.run.header.line.Text, "(+ https://api.other.example, confirmed by you)") {
		t.Errorf("the header does not show the confirmed host: %q", u.run.header.line.Text)
	}
}

// The editor keeps the confirmed hosts, refuses one with a path, and asks before a
// save sends the stored secret to another host: kept by default, moved when asked.
func TestEditorConfirmedHostsAndTheSecretsHost(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	ed := u.editor
	u.EditCurrent()
	ed.confirmed.SetText("https://tableapi.acme.example/odata/")
	test.Tap(ed.save)
	u.Wait()
	if !strings.Contains(ed.warn.Text, "confirmed hosts:") || !strings.Contains(ed.warn.Text, "has a path or query") {
		t.Fatalf("warning %q", ed.warn.Text)
	}
	ed.confirmed.SetText("https://TableAPI.acme.example\n\n")
	ed.instance.SetText("https://other.my.erp.net")
	test.Tap(ed.save)
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, "Send the client secret to https://other.my.erp.net?") || !strings.Contains(d, "was stored for https://acme.my.erp.net") {
		t.Fatalf("no question:\n%s", d)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Keep it for acme.my.erp.net"))
	u.Wait()
	p, _ := e.store.Get("Nightly import")
	if p.InstanceURL != "https://other.my.erp.net" || !slices.Equal(p.ConfirmedHosts, []string{"https://tableapi.acme.example"}) || !slices.Equal(p.SecretFor, []string{"https://acme.my.erp.net"}) {
		t.Fatalf("saved %+v", p)
	}
	if !strings.Contains(u.run.header.noteText, "The client secret was stored for https://acme.my.erp.net and is not sent to https://other.my.erp.net") {
		t.Errorf("header note %q", u.run.header.noteText)
	}

	u.EditCurrent()
	test.Tap(ed.save)
	u.Wait()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Let it follow"))
	u.Wait()
	if p, _ := e.store.Get("Nightly import"); !slices.Equal(p.SecretFor, []string{"https://other.my.erp.net"}) {
		t.Fatalf("moved to %v", p.SecretFor)
	}
	// Nothing more to ask: the secret goes where the profile sends it.
	u.EditCurrent()
	ed.notes.SetText("x")
	test.Tap(ed.save)
	u.Wait()
	if d := topDialog(u); d != "" {
		t.Errorf("asked again:\n%s", d)
	}
}

// An import that replaces a profile holding a secret with one naming another host asks
// whether the secret follows; unticked, it stays, and the summary says so.
func TestImportAsksWhetherSecretsFollow(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	path := filepath.Join(t.TempDir(), "moved.json")
	if err := os.WriteFile(path, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
 {"name":"Nightly import","instance_url":"https://evil.example","client_id":"com.acme/nightly"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "• instance_url: changes from https://acme.my.erp.net to https://evil.example") ||
		!strings.Contains(d, "client secret: the secret stored for https://acme.my.erp.net stays with it") {
		t.Fatalf("review:\n%s", d)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Import them"))
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, "Replacing sends these client secrets to other hosts") || !strings.Contains(d, "“Nightly import”: stored for https://acme.my.erp.net; the file names https://evil.example") {
		t.Fatalf("conflict question:\n%s", d)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Replace mine"))
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "The client secret of “Nightly import” stays with https://acme.my.erp.net: it is not sent to https://evil.example") {
		t.Fatalf("summary:\n%s", d)
	}
	if p, _ := e.store.Get("Nightly import"); p.InstanceURL != "https://evil.example" || !slices.Equal(p.SecretFor, []string{"https://acme.my.erp.net"}) {
		t.Fatalf("saved %+v", p)
	}
	closeDialogs(u)

	// Again, ticking the box: the secret follows.
	if err := os.WriteFile(path, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
 {"name":"Nightly import","instance_url":"https://evil2.example","client_id":"com.acme/nightly"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Import them"))
	u.Wait()
	box := checkOf(find(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool { return checkOf(o) != nil }))
	box.SetChecked(true)
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Replace mine"))
	u.Wait()
	if p, _ := e.store.Get("Nightly import"); !slices.Equal(p.SecretFor, []string{"https://evil2.example"}) {
		t.Fatalf("moved to %v", p.SecretFor)
	}
}
