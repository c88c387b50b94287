package profiles

import (
	"slices"
	"strings"
	"testing"
)

func TestParseKind(t *testing.T) {
	for in, want := range map[string]Kind{"": KindClientCredentials, "client-credentials": KindClientCredentials,
		" Reference-Token ": KindReferenceToken, "basic": KindBasic} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v", in, got, err)
		}
	}
	_, err := ParseKind("pat")
	if err == nil || !strings.Contains(err.Error(), `"pat" is not a profile kind: use client-credentials`) || !strings.Contains(err.Error(), "reference-token") {
		t.Errorf("unknown kind: %v", err)
	}
}

func problemsOf(p Profile) string {
	var out []string
	for _, pr := range Validate(p, nil) {
		out = append(out, pr.String())
	}
	return strings.Join(out, "\n")
}

// Each kind's rules: what it needs, and the fields it has no use for.
func TestValidateKinds(t *testing.T) {
	base := Profile{Name: "X", InstanceURL: "https://acme.my.erp.net"}
	for _, tc := range []struct {
		name string
		p    func(p *Profile)
		want []string // each a problem's String()
		none bool     // no problem at all
	}{
		{"client credentials still needs a client_id", func(p *Profile) {}, []string{"error client_id: is empty"}, false},
		{"a reference token needs no client_id", func(p *Profile) { p.Kind = KindReferenceToken }, nil, true},
		{"basic without a user", func(p *Profile) { p.Kind = KindBasic },
			[]string{"error user: is empty: a basic profile signs in as an ERP.net user"}, false},
		{"basic with a user", func(p *Profile) { p.Kind = KindBasic; p.User = "bi.reader" }, nil, true},
		{"basic with a colon in the user", func(p *Profile) { p.Kind = KindBasic; p.User = "bi:reader" },
			[]string{"error user: contains ':', which HTTP Basic cannot carry"}, false},
		{"basic with a user of 65 characters", func(p *Profile) { p.Kind = KindBasic; p.User = strings.Repeat("ю", 65) },
			[]string{"error user: is 65 characters long; an ERP.net login has at most 64"}, false},
		{"a user on a client-credentials profile", func(p *Profile) { p.ClientID = "com.acme/app"; p.User = "bi.reader" },
			[]string{"error user: is only for kind basic"}, false},
		{"scopes on a reference-token profile", func(p *Profile) { p.Kind = KindReferenceToken; p.Scopes = []string{"read", "bogus"} },
			[]string{"error scopes: a reference token carries the scopes chosen when it was issued, and this kind requests no token: remove the scopes"}, false},
		{"auth_method and an authority on a basic profile", func(p *Profile) {
			p.Kind, p.User, p.AuthMethod, p.Authority = KindBasic, "u", AuthBasic, "https://acme.my.erp.net/id"
		}, []string{"error auth_method: is how a client secret goes to the token endpoint, and kind basic requests no token",
			"warning authority: is not used: kind basic asks the identity server for nothing"}, false},
		{"an unknown kind", func(p *Profile) { p.ClientID = "x"; p.Kind = "Basic" }, []string{`error kind: "Basic" is not a profile kind`}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			tc.p(&p)
			got := problemsOf(p)
			if tc.none && got != "" {
				t.Fatalf("problems:\n%s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			if strings.Contains(got, "bogus") {
				t.Errorf("the scopes of a kind without scopes were judged one by one:\n%s", got)
			}
		})
	}
}

func TestKindDefaults(t *testing.T) {
	b := Profile{Kind: KindBasic, User: "u", InstanceURL: "https://acme.my.erp.net"}
	calls := b.EffectiveCalls()
	if len(calls) != 3 || calls[0].Path != "/tableapi/odata/" || calls[1].Path != "/tableapi/odata/$metadata" || !strings.HasPrefix(calls[2].Path, "/tableapi/odata/Gen_Documents") {
		t.Errorf("a basic profile's default calls: %+v", calls)
	}
	if b.BasicAppOf() != BasicAuthApp || (Profile{ClientID: "com.acme/bi"}).BasicAppOf() != "com.acme/bi" {
		t.Error("the Basic app")
	}
	r := Profile{Kind: KindReferenceToken, InstanceURL: "https://acme.my.erp.net", ODataRoot: "https://api.acme.example/odata/", ConfirmedHosts: []string{"https://tables.acme.example"}}
	if got := SecretOrigins(r); !slices.Equal(got, TokenOrigins(r)) || len(got) != 3 {
		t.Errorf("a reference token's stored credential goes to the APIs: %v", got)
	}
	if len(r.EffectiveCalls()) != len(DefaultCalls()) || !r.ReferenceTokensIntended() || (Profile{}).ReferenceTokensIntended() || !(Profile{UsesReferenceTokens: true}).ReferenceTokensIntended() {
		t.Error("reference-token defaults")
	}
}

// A credential is stored for one kind: after the kind changes, by an edit or an import
// that replaces the profile, it is stale and says which kind it is.
func TestStoredCredentialKeepsItsKind(t *testing.T) {
	s := storeWithSecret(t)
	p, _ := s.Get("Acme")
	if k, stale := StaleSecret(p); k != KindClientCredentials || stale || p.SecretKind != KindClientCredentials {
		t.Fatalf("a client secret: %q stale %v (%q)", k, stale, p.SecretKind)
	}
	p.Kind = KindReferenceToken
	if err := s.Update("Acme", p); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Get("Acme")
	if k, stale := StaleSecret(p); k != KindClientCredentials || !stale {
		t.Fatalf("after the edit: %q stale %v", k, stale)
	}
	// Set again for the new kind: no longer stale.
	if err := s.MarkSecretSet("Acme", t0); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Get("Acme")
	if k, stale := StaleSecret(p); k != KindReferenceToken || stale {
		t.Fatalf("set again: %q stale %v", k, stale)
	}
	// A profile from before kinds were recorded: its secret is a client secret.
	old := Profile{Kind: KindBasic, SecretSetAt: t0}
	if k, stale := StaleSecret(old); k != KindClientCredentials || !stale {
		t.Errorf("an unrecorded kind: %q stale %v", k, stale)
	}
	if _, stale := StaleSecret(Profile{Kind: KindBasic}); stale {
		t.Error("no secret is never stale")
	}

	// An import that turns the profile into a basic one keeps the client secret's kind
	// and says it will not be sent as a password.
	s = storeWithSecret(t)
	res, err := s.Import(strings.NewReader(bundleJSON(`{"name":"Acme","instance_url":"https://acme.my.erp.net","client_id":"","kind":"basic","user":"bi.reader"}`)), replacing(ConflictReplace))
	if err != nil || len(res.Replaced) != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	notes := notesOf(res, "Acme")
	for _, n := range []string{"kind: changes from client-credentials to basic: the client secret stored for this profile is not sent as a password; set the password after the import",
		"kind: signs in with legacy Basic authentication as bi.reader: the password goes to the APIs on every request"} {
		if !strings.Contains(notes, n) {
			t.Errorf("the review lacks %q:\n%s", n, notes)
		}
	}
	if p, _ := s.Get("Acme"); p.SecretKind != KindClientCredentials || p.KindOf() != KindBasic {
		t.Errorf("saved: %+v", p)
	}
}

// An export keeps the kind and the user (never the credential), and an import brings
// them back.
func TestExportKeepsTheKind(t *testing.T) {
	s := storeWithSecret(t)
	if err := s.Add(Profile{Name: "BI", Kind: KindBasic, User: "bi-reader", InstanceURL: "https://acme.my.erp.net"}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := s.Export([]string{"BI"}, &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"kind": "basic"`) || !strings.Contains(b.String(), `"user": "bi-reader"`) || strings.Contains(b.String(), "secret_kind") {
		t.Fatalf("export:\n%s", b.String())
	}
	other := storeWithSecret(t)
	res, err := other.Import(strings.NewReader(b.String()), nil)
	if err != nil || len(res.Added) != 1 {
		t.Fatalf("import %+v %v", res, err)
	}
	if p, _ := other.Get("BI"); p.KindOf() != KindBasic || p.User != "bi-reader" || !p.SecretSetAt.IsZero() {
		t.Errorf("imported %+v", p)
	}
}
