package profiles

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// A secret belongs to the host it was stored for. These tests write a real store file,
// import real bundles into it, and read what was saved.

// storeWithSecret is a store holding Acme on https://acme.my.erp.net with a secret set
// (its date and the origins it was stored for recorded, as set-secret does).
func storeWithSecret(t *testing.T) *Store {
	t.Helper()
	clock := t0
	s := openAt(t, storePath(t), &clock)
	if err := s.Add(Profile{Name: "Acme", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/app"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSecretSet("Acme", t0); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Get("Acme"); !slices.Equal(p.SecretFor, []string{"https://acme.my.erp.net"}) {
		t.Fatalf("the secret's origins were not recorded: %v", p.SecretFor)
	}
	return s
}

func bundleJSON(profilesJSON ...string) string {
	return `{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[` + strings.Join(profilesJSON, ",") + `]}`
}

func notesOf(res ImportResult, name string) string {
	var out []string
	for _, r := range res.Review {
		if r.Name == name {
			for _, n := range r.Notes {
				out = append(out, n.String())
			}
		}
	}
	return strings.Join(out, "\n")
}

func replacing(act ConflictAction) func(Profile) (ConflictAction, string) {
	return func(Profile) (ConflictAction, string) { return act, "" }
}

// "profiles import --on-conflict replace" with a bundle that moves the instance to
// another host: the review says so, and the keychain's secret stays with the host it
// was stored for (the gate refuses it elsewhere) unless the import moves it.
func TestImportThatMovesTheHostKeepsTheSecretHome(t *testing.T) {
	for _, tc := range []struct {
		name, profile string
		notes         []string // in the review
		to            string   // where the secret would go
	}{
		{"another https host", `{"name":"Acme","instance_url":"https://evil.example","client_id":"com.acme/app"}`,
			[]string{"instance_url: changes from https://acme.my.erp.net to https://evil.example: the profile talks to another instance",
				"authority: changes from https://acme.my.erp.net/id to https://evil.example/id"}, "https://evil.example"},
		{"a look-alike host (a Cyrillic а)", `{"name":"Acme","instance_url":"https://аcme.my.erp.net","client_id":"com.acme/app"}`,
			[]string{"instance_url: changes from https://acme.my.erp.net to https://аcme.my.erp.net (xn--cme-5cd.my.erp.net in DNS)",
				`instance_url: the host аcme.my.erp.net is xn--cme-5cd.my.erp.net in DNS: its part "аcme" mixes Cyrillic and Latin letters`}, "https://xn--cme-5cd.my.erp.net"},
		{"a token endpoint on another port", `{"name":"Acme","instance_url":"https://acme.my.erp.net","client_id":"com.acme/app","token_endpoint":"https://acme.my.erp.net:8443/id/connect/token"}`,
			[]string{"token_endpoint: changes from (none) to https://acme.my.erp.net:8443/id/connect/token: the client secret goes to another token endpoint",
				"token_endpoint: on another port of the instance's host (acme.my.erp.net:8443, the instance is acme.my.erp.net)"}, "https://acme.my.erp.net, https://acme.my.erp.net:8443"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storeWithSecret(t)
			res, err := s.Import(strings.NewReader(bundleJSON(tc.profile)), replacing(ConflictReplace))
			if err != nil || len(res.Replaced) != 1 {
				t.Fatalf("import: %+v %v", res, err)
			}
			notes := notesOf(res, "Acme")
			for _, n := range append(tc.notes, "client secret: the secret stored for https://acme.my.erp.net stays with it: it is not sent to "+tc.to) {
				if !strings.Contains(notes, n) {
					t.Errorf("the review lacks %q:\n%s", n, notes)
				}
			}
			if len(res.Secrets) != 1 || res.Secrets[0].Moved || strings.Join(res.Secrets[0].To, ", ") != tc.to {
				t.Errorf("secrets %+v", res.Secrets)
			}
			p, _ := s.Get("Acme")
			from, to, moved := SecretMoved(p)
			if !moved || !slices.Equal(from, []string{"https://acme.my.erp.net"}) || strings.Join(to, ", ") != tc.to || p.SecretSetAt.IsZero() {
				t.Errorf("saved: %v -> %v moved %v", from, to, moved)
			}

			// With --move-secrets the secret follows.
			s = storeWithSecret(t)
			res, err = s.Import(strings.NewReader(bundleJSON(tc.profile)), replacing(ConflictReplaceMovingSecret))
			if err != nil || len(res.Secrets) != 1 || !res.Secrets[0].Moved || !strings.Contains(notesOf(res, "Acme"), "follows the profile to "+tc.to) {
				t.Fatalf("moving: %+v %v", res, err)
			}
			if p, _ := s.Get("Acme"); strings.Join(p.SecretFor, ", ") != tc.to {
				t.Errorf("moved to %v", p.SecretFor)
			}
		})
	}
}

// A replacement that keeps the hosts says nothing about the secret, and a profile
// without a secret has none to keep.
func TestImportThatKeepsTheHostSaysNothingOfTheSecret(t *testing.T) {
	s := storeWithSecret(t)
	res, err := s.Import(strings.NewReader(bundleJSON(`{"name":"Acme","instance_url":"https://ACME.my.erp.net/","client_id":"com.acme/app","notes":"x"}`)), replacing(ConflictReplace))
	if err != nil || len(res.Secrets) != 0 || strings.Contains(notesOf(res, "Acme"), "client secret") || strings.Contains(notesOf(res, "Acme"), "instance_url") {
		t.Fatalf("%+v %v", res, err)
	}
	if p, _ := s.Get("Acme"); !slices.Equal(p.SecretFor, []string{"https://acme.my.erp.net"}) {
		t.Errorf("binding %v", p.SecretFor)
	}
}

// A secret stored before its origins were recorded belongs to the hosts its profile
// named then: a replacement does not carry it off.
func TestImportBindsAnOlderSecretToItsHost(t *testing.T) {
	clock := t0
	s := openAt(t, storePath(t), &clock)
	if err := s.Add(Profile{Name: "Acme", InstanceURL: "https://acme.my.erp.net", ClientID: "c"}); err != nil {
		t.Fatal(err)
	}
	// As an older version stored it: a date, no origins.
	if err := s.mutate(func(c *change) error { c.ps[0].SecretSetAt = t0; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(strings.NewReader(bundleJSON(`{"name":"Acme","instance_url":"https://evil.example","client_id":"c"}`)), replacing(ConflictReplace)); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Get("Acme"); !slices.Equal(p.SecretFor, []string{"https://acme.my.erp.net"}) {
		t.Errorf("binding %v", p.SecretFor)
	}
}

// A profile that names a field twice (in any case, or escaped) is refused: JSON takes
// the last, so what the file shows is not what it means. One spelled in another case
// is imported, and the review says how the file spelled it.
func TestImportRefusesAFieldNamedTwice(t *testing.T) {
	for _, tc := range []struct {
		name, profile string
		field         string
	}{
		{"another case", `{"name":"Acme","instance_url":"https://acme.my.erp.net","client_id":"c","Instance_URL":"https://evil.example"}`, "instance_url"},
		{"the same name", `{"name":"Acme","instance_url":"https://acme.my.erp.net","client_id":"c","instance_url":"https://evil.example"}`, "instance_url"},
		{"an escape", `{"name":"Acme","instance_url":"https://acme.my.erp.net","client_id":"c","instance\u005furl":"https://evil.example"}`, "instance_url"},
		{"inside tls", `{"name":"Acme","instance_url":"https://acme.my.erp.net","client_id":"c","tls":{"insecure_skip_verify":false,"Insecure_Skip_Verify":true}}`, "tls.insecure_skip_verify"},
		{"inside a call", `{"name":"Acme","instance_url":"https://acme.my.erp.net","client_id":"c","calls":[{"method":"GET","path":"/x","PATH":"https://evil.example/x"}]}`, "calls[0].path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storeWithSecret(t)
			res, err := s.Import(strings.NewReader(bundleJSON(tc.profile, `{"name":"Other","instance_url":"https://acme.my.erp.net","client_id":"c"}`)), replacing(ConflictReplace))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rejected) != 1 || res.Rejected[0].Name != "Acme" || res.Rejected[0].Problems[0].Field != tc.field ||
				!strings.Contains(res.Rejected[0].Problems[0].Message, "is named 2 times in the file") {
				t.Fatalf("rejected %+v", res.Rejected)
			}
			if p, _ := s.Get("Acme"); p.InstanceURL != "https://acme.my.erp.net" || len(res.Added) != 1 {
				t.Errorf("the stored profile changed: %+v, added %v", p, res.Added)
			}
			rev, err := ReviewBundle([]byte(bundleJSON(tc.profile)), s.List())
			if err != nil || len(rev) != 1 || !strings.Contains(rev[0].Notes[0].Message, "will not be imported") {
				t.Errorf("the review before the import: %+v %v", rev, err)
			}
		})
	}
	s := storeWithSecret(t)
	res, err := s.Import(strings.NewReader(bundleJSON(`{"Name":"Spelled","Instance_URL":"https://acme.my.erp.net","client_id":"c"}`)), nil)
	if err != nil || len(res.Added) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if n := notesOf(res, "Spelled"); !strings.Contains(n, `instance_url: the file spells it "Instance_URL"`) || !strings.Contains(n, `name: the file spells it "Name"`) {
		t.Errorf("notes:\n%s", n)
	}
}

// An edit that changes the hosts keeps the secret's origins; moving it is explicit.
// A copy's secret belongs where the original's does; an export carries no origins.
func TestSecretOriginsFollowOnlyWhenMoved(t *testing.T) {
	s := storeWithSecret(t)
	p, _ := s.Get("Acme")
	p.InstanceURL = "https://other.my.erp.net"
	if err := s.Update("Acme", p); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Get("Acme")
	if _, _, moved := SecretMoved(p); !moved {
		t.Fatalf("an edit moved the secret: %v", p.SecretFor)
	}
	cp, err := s.Duplicate("Acme", "Copy")
	if err != nil || cp.SecretFor != nil {
		t.Fatalf("a copy without its secret: %+v %v", cp, err)
	}
	from, err := s.MoveSecret("Acme")
	p, _ = s.Get("Acme")
	if err != nil || !slices.Equal(from, []string{"https://acme.my.erp.net"}) || !slices.Equal(p.SecretFor, []string{"https://other.my.erp.net"}) {
		t.Errorf("move: from %v now %v %v", from, p.SecretFor, err)
	}
	var buf bytes.Buffer
	if err := s.Export(nil, &buf); err != nil || strings.Contains(buf.String(), "secret_for") || strings.Contains(buf.String(), "secret_set_at") {
		t.Errorf("the export carries the secret's origins: %s %v", buf.String(), err)
	}
	if err := s.MarkSecretSet("Acme", t0.Add(time.Hour)); err != nil { // set again: for the hosts named now
		t.Fatal(err)
	}
	if err := s.MarkSecretSet("Acme", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Get("Acme"); p.SecretFor != nil || !p.SecretSetAt.IsZero() {
		t.Errorf("cleared: %+v", p)
	}
}

// Confirmed hosts: origins only, each once; a path, a user name or another scheme is
// refused; http:// and a look-alike are warned about.
func TestConfirmedHostsAreOrigins(t *testing.T) {
	p := Profile{Name: "A", InstanceURL: "https://acme.my.erp.net", ClientID: "c"}
	for _, tc := range []struct {
		raw, want string
		added     bool
		err       string
	}{
		{"https://TableAPI.acme.example", "https://tableapi.acme.example", true, ""},
		{"tableapi.acme.example", "https://tableapi.acme.example", false, ""}, // the same, already there
		{"https://tableapi.acme.example:443/", "https://tableapi.acme.example", false, ""},
		{"https://acme.my.erp.net", "https://acme.my.erp.net", false, ""}, // the instance needs none
		{"https://api.acme.example:8443", "https://api.acme.example:8443", true, ""},
		{"https://api.acme.example/odata/", "", false, "has a path or query"},
		{"https://u:p@api.acme.example", "", false, "user name or password"},
		{"ftp://api.acme.example", "", false, "not https"},
	} {
		got, added, err := ConfirmHost(&p, tc.raw)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.raw, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want || added != tc.added {
			t.Errorf("%s: %q %v %v", tc.raw, got, added, err)
		}
	}
	if !slices.Equal(TokenOrigins(p), []string{"https://acme.my.erp.net", "https://api.acme.example:8443", "https://tableapi.acme.example"}) {
		t.Errorf("token origins %v", TokenOrigins(p))
	}
	p.ConfirmedHosts = append(p.ConfirmedHosts, "http://plain.example", "https://аpi.example", "https://tableapi.acme.example", "not a url/")
	got := fmt.Sprint(Validate(p, nil))
	for _, want := range []string{"warning confirmed_hosts[2]: uses http://", "warning confirmed_hosts[3]: the host part \"аpi\" mixes Cyrillic and Latin",
		"warning confirmed_hosts[4]: https://tableapi.acme.example is listed twice", "error confirmed_hosts[5]:"} {
		if !strings.Contains(got, want) {
			t.Errorf("validation lacks %q: %s", want, got)
		}
	}
	if removed, _ := UnconfirmHost(&p, "TABLEAPI.acme.example"); !removed || slices.Contains(p.ConfirmedHosts, "https://tableapi.acme.example") {
		t.Errorf("unconfirm: %v", p.ConfirmedHosts)
	}
}
