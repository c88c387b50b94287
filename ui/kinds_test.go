package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

const fixtureRef = "enrt_1D41D4694B4F02D3D6A31FFA07E20B73F48248B26C75A0CCCB5F9DBEE41F7960"

// patProfile is a reference-token profile of acme's instance.
func patProfile() profiles.Profile {
	return profiles.Profile{Name: "Excel connector (PAT)", Environment: profiles.EnvProduction, Kind: profiles.KindReferenceToken,
		InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/reports", SecretSetAt: fixedNow.Add(-48 * time.Hour)}
}

// biProfile is a basic profile of acme's instance.
func biProfile() profiles.Profile {
	return profiles.Profile{Name: "Power BI (Basic)", Environment: profiles.EnvProduction, Kind: profiles.KindBasic, User: "bi-reader",
		InstanceURL: "https://acme.my.erp.net", SecretSetAt: fixedNow.Add(-48 * time.Hour)}
}

// referenceReport is a hand-made run of patProfile: the token sent as it is, the calls,
// then whom it acts as and when it expires.
func referenceReport() check.Report {
	skipped := func(k check.StepKind, name, why string) check.Step {
		return check.Step{Kind: k, Name: name, Verdict: check.Skipped, Summary: why}
	}
	cl := &tokenview.Claims{Kind: tokenview.KindReference}
	tok := &check.TokenInfo{Last6: "7F7960", Fingerprint: "2cf1ee4b7c13852d", Type: "Bearer", ObtainedAt: fixedNow, Reference: true,
		ReferenceExpires: fixedNow.Add(30 * 24 * time.Hour)}
	steps := []check.Step{
		{Kind: check.StepReachability, Name: "Reachability", Verdict: check.Pass, Summary: "Reachable, version 26.2.0.76", Duration: 42 * time.Millisecond},
		skipped(check.StepDiscovery, "Discovery", "Skipped: a reference token is sent to the API as it is, so the identity server's OpenID configuration and signing keys are not needed."),
		skipped(check.StepToken, "Token", "Skipped: a reference token (PAT or SAT) is made by hand in ERP.net and kept in the keychain as this profile's credential; nothing is requested from the identity server."),
		{Kind: check.StepInspect, Name: "Inspect token", Verdict: check.Pass, Summary: "Reference token …7F7960", Claims: cl, Token: tok,
			Findings: []check.Finding{{Code: check.TokReference, Severity: check.SevInfo, Message: "This is an ERP.net reference token (enrt_…)."}}},
	}
	for i, c := range patProfile().EffectiveCalls() {
		d := time.Duration(30+10*i) * time.Millisecond
		steps = append(steps, check.Step{Kind: check.StepAPI, Name: "API " + c.Method + " " + c.Path, Verdict: check.Pass, Summary: "200 OK", Duration: d,
			Findings: []check.Finding{{Code: check.APIOK, Severity: check.SevInfo, Message: "200 OK"}}})
	}
	ref := &check.ReferenceInfo{Type: "PAT", ActsAs: "anna.petrova (Anna Petrova)", User: "anna.petrova", UserName: "Anna Petrova", UserType: "InternalUser",
		Record: &check.AccessTokenRow{Actor: "anna.petrova", Client: "com.acme/reports", Description: "Excel connector", Scopes: []string{"read"},
			Expires: fixedNow.Add(30 * 24 * time.Hour), LastUsed: fixedNow}, Matched: "last_used", Rows: 2}
	steps = append(steps, check.Step{Kind: check.StepIdentity, Name: "Whom the token acts as", Verdict: check.Pass, Duration: 21 * time.Millisecond,
		Summary: "Acts as anna.petrova (Anna Petrova); expires 2026-12-20 09:30 UTC", Token: tok,
		Findings: []check.Finding{
			{Code: check.RefActsAs, Severity: check.SevInfo, Message: "This is a PAT: it acts as anna.petrova (Anna Petrova), the user who made it."},
			{Code: check.RefExpires, Severity: check.SevInfo, Message: "It expires at 2026-12-20 09:30 UTC (in 30 days)."}}})
	return check.Report{Profile: "Excel connector (PAT)", Started: fixedNow.Add(-time.Second), Finished: fixedNow, Verdict: check.Pass,
		Steps: steps, Token: tok, Claims: cl, Kind: "reference-token", Reference: ref, Access: check.NewAccessToken(fixtureRef)}
}

// basicReport is a hand-made run of biProfile.
func basicReport() check.Report {
	r := referenceReport()
	steps := r.Steps[:3]
	steps = append(steps, check.Step{Kind: check.StepInspect, Name: "Inspect token", Verdict: check.Skipped, Summary: "Skipped: Basic authentication has no token to inspect."})
	for _, c := range biProfile().EffectiveCalls() {
		steps = append(steps, check.Step{Kind: check.StepAPI, Name: "API " + c.Method + " " + c.Path, Verdict: check.Pass, Summary: "200 OK",
			Findings: []check.Finding{{Code: check.APIOK, Severity: check.SevInfo, Message: "200 OK"}}})
	}
	steps[4].Findings = append(steps[4].Findings, check.Finding{Code: check.BasicLegacy, Severity: check.SevInfo,
		Message: "Basic authentication works for bi-reader: plan the move to client credentials.", Evidence: map[string]string{check.EvUser: "bi-reader"}})
	return check.Report{Profile: "Power BI (Basic)", Started: r.Started, Finished: r.Finished, Verdict: check.Pass, Steps: steps, Kind: "basic",
		Basic: &check.BasicInfo{User: "bi-reader", App: profiles.BasicAuthApp}}
}

func itemTexts(e *editor) string {
	var out []string
	for _, it := range e.kind.form.Items {
		out = append(out, it.Text)
	}
	return strings.Join(out, ", ")
}

// The kind picker shows each kind's fields and saves what the kind uses: a reference
// token without scopes, a Basic user; it refuses a token that is no reference token
// and a Basic profile without a user.
func TestEditorKinds(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u, ed := e.u, e.u.editor
	u.NewProfile()
	if got := itemTexts(ed); got != "Name, Environment, Signs in with, Instance, Client ID, Client secret, Authentication, Scopes, Reference tokens, API calls" {
		t.Fatalf("client credentials: %s", got)
	}
	ed.kind.picker.SetSelected(profiles.KindReferenceToken.Label())
	if got := itemTexts(ed); got != "Name, Environment, Signs in with, Instance, Reference token, Trusted App, API calls" {
		t.Fatalf("reference token: %s", got)
	}
	test.Type(ed.name, "PAT")
	test.Type(ed.instance, "https://acme.my.erp.net")
	test.Type(ed.secret, "a-client-secret")
	if ed.hashRow.Visible() {
		t.Error("a reference token shows an ApplicationSecretHash")
	}
	ed.submit()
	u.Wait()
	if !strings.Contains(u.status.Text, "starts with enrt_") {
		t.Fatalf("a client secret as a reference token: %q", u.status.Text)
	}
	ed.secret.SetText(fixtureRef)
	ed.submit()
	u.Wait()
	p, ok := u.desk.Find("PAT")
	if !ok || p.KindOf() != profiles.KindReferenceToken || len(p.Scopes) != 0 || p.AuthMethod != "" || p.StoredKind() != profiles.KindReferenceToken {
		t.Fatalf("saved %+v (%v)", p, ok)
	}
	if s, _ := e.secrets.Get("PAT"); s != fixtureRef {
		t.Error("the token was not stored")
	}

	u.NewProfile()
	ed.kind.picker.SetSelected(profiles.KindBasic.Label())
	if got := itemTexts(ed); got != "Name, Environment, Signs in with, Instance, User, Password, Basic app, API calls" {
		t.Fatalf("basic: %s", got)
	}
	if !strings.Contains(ed.calls.empty.Text, "/tableapi/odata/") {
		t.Errorf("basic defaults: %q", ed.calls.empty.Text)
	}
	test.Type(ed.name, "BI")
	test.Type(ed.instance, "https://acme.my.erp.net")
	test.Type(ed.secret, "pw")
	ed.submit()
	u.Wait()
	if !strings.Contains(u.status.Text, "enter the user") {
		t.Fatalf("no user: %q", u.status.Text)
	}
	test.Type(ed.kind.user, "bi-reader")
	ed.submit()
	u.Wait()
	if p, ok := u.desk.Find("BI"); !ok || p.KindOf() != profiles.KindBasic || p.User != "bi-reader" || p.ClientID != "" {
		t.Fatalf("saved %+v", p)
	}

	// Back to client credentials: the stored password is not its secret, and says so.
	bi, _ := u.desk.Find("BI")
	ed.open(&bi)
	ed.kind.picker.SetSelected(profiles.KindClientCredentials.Label())
	if !strings.Contains(ed.secretSt.Text, "holds a password for this profile, which is not sent as its secret") {
		t.Errorf("stale: %q", ed.secretSt.Text)
	}
}

// A reference-token run's card says whom the token acts as and when it expires, its
// timeline puts that in the fourth slot; a basic run's card names the user and that no
// token exists.
func TestIdentityCardOfKinds(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(referenceReport())}, patProfile())
	u := e.u
	u.StartRun()
	u.Wait()
	c := u.run.identity
	if c.actsAs.Text != "anna.petrova (Anna Petrova)" || !strings.Contains(c.actsAsDetail.Text, "PAT") || c.expires.Text != "in 30 days" || c.client.Text != "com.acme/reports" {
		t.Errorf("card: %q %q %q %q", c.actsAs.Text, c.actsAsDetail.Text, c.expires.Text, c.client.Text)
	}
	if s := u.run.timeline.slots[check.StepInspect]; !strings.HasPrefix(s.Text, "Acts as") || len(u.run.timeline.steps[check.StepInspect]) != 2 {
		t.Errorf("slot %q with %d steps", s.Text, len(u.run.timeline.steps[check.StepInspect]))
	}

	e = newEnv(t, Deps{Run: replayRun(basicReport())}, biProfile())
	e.u.StartRun()
	e.u.Wait()
	c = e.u.run.identity
	if c.actsAs.Text != "bi-reader" || c.client.Text != profiles.BasicAuthApp || c.expires.Text != "no token" {
		t.Errorf("basic card: %q %q %q", c.actsAs.Text, c.client.Text, c.expires.Text)
	}
}
