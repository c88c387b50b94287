package desk

import (
	"strings"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// The reference-token and basic scenarios through the desk, as the app runs them:
// "Try the sandbox" stores them with their kind and credential, a run of each passes
// the credential gate with what it carries, a reference token's run reads whom it acts
// as and when it expires, a basic profile is no record reader, and neither kind's
// credential is hashed as an ApplicationSecretHash.
func TestKindsThroughTheDesk(t *testing.T) {
	g := &gateLog{}
	sb := NewSandbox(sandbox.Config{})
	t.Cleanup(sb.Stop)
	d, _ := newDesk(t, Deps{Sandbox: sb.Start, Now: time.Now, Options: check.Options{Cache: check.NewTokenCache(), Watch: g.watch}})
	d.TrySandbox()
	settle(d)

	for name, kind := range map[string]profiles.Kind{"Sandbox: reference-token-pat": profiles.KindReferenceToken, "Sandbox: basic": profiles.KindBasic} {
		p, ok := d.Find(name)
		if !ok || p.KindOf() != kind || p.StoredKind() != kind || len(p.Scopes) != 0 || p.Authority != "" {
			t.Fatalf("%s: %+v", name, p)
		}
		d.Select(name)
		r := run(t, d)
		if r.Report.Verdict != check.Pass {
			t.Fatalf("%s: %v", name, r.Report.Steps)
		}
		switch kind {
		case profiles.KindReferenceToken:
			ref := r.Report.Reference
			if ref == nil || ref.User != "maria.ivanova" || r.Access() == nil || r.Expires().Sub(time.Now()) < 29*24*time.Hour {
				t.Errorf("reference run: %+v, expires %v", ref, r.Expires())
			}
			if h, ok := d.KnownSecretHash(name); ok {
				t.Errorf("a reference token was hashed: %+v", h)
			}
		case profiles.KindBasic:
			if r.Access() != nil || r.Report.Basic == nil || r.Report.Basic.User != "bi-reader" {
				t.Errorf("basic run: %+v", r.Report.Basic)
			}
		}
	}
	var passwords, tokens int
	for _, p := range g.since(0) {
		if p.Refused != nil {
			t.Errorf("the gate refused %s %s: %v", p.Method, p.URL, p.Refused)
		}
		switch {
		case p.Declared == check.CarriesPassword && strings.Contains(p.URL, "/tableapi/"):
			passwords++
		case p.Declared == check.CarriesToken && strings.Contains(p.URL, "/profile/me"):
			tokens++
		}
	}
	if passwords != 3 || tokens != 1 {
		t.Errorf("the gate saw %d Basic calls and %d /me reads", passwords, tokens)
	}

	// A basic profile reads no record; a reference token may read its app's record, and
	// its hash row says no client secret is compared.
	for _, rd := range d.RecordReaders("Sandbox: healthy") {
		if rd.Name == "Sandbox: basic" || rd.Name == "Sandbox: basic-user-not-allowed" {
			t.Errorf("a basic profile reads records: %+v", rd)
		}
	}
	got := make(chan RecordRead, 1)
	d.ReadRecord("Sandbox: reference-token-pat", "Sandbox: reference-token-pat", d.RunOf("Sandbox: reference-token-pat"), nil, func(rr RecordRead) { got <- rr })
	rr := await(t, got)
	if rr.Result.Record == nil || !strings.Contains(rr.SecretHash.Row.Note, "holds a reference token, not the Trusted App's client secret") {
		t.Errorf("record read with a reference token: %s / %+v", rr.Result.Problem, rr.SecretHash.Row)
	}
	var ref *check.RecordCheck
	for _, c := range check.RecordChecklist(rr.Reader.Run.Profile, rr.Result.Record, "") {
		if c.Field == "ReferenceTokens" {
			c := c
			ref = &c
		}
	}
	if ref == nil || ref.State != check.RecordOK {
		t.Errorf("a reference-token profile's ReferenceTokens row: %+v", ref)
	}
}
