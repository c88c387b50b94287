package desk

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

// A new Trusted App: a new profile with its secret, or the selected one's new secret
// (asked first when it has one); the record values carry the hash, never the secret.
func TestNewTrustedApp(t *testing.T) {
	n := 0
	gen := func() (string, error) { n++; return strings.Repeat("S", 39) + string(rune('0'+n)), nil }
	d, _ := newDesk(t, Deps{NewSecret: gen}, profile("A", "https://acme.my.erp.net"))
	newApp := func(orig string, p profiles.Profile, replace bool) NewApp {
		t.Helper()
		got := make(chan NewApp, 1)
		d.NewTrustedApp(orig, p, replace, func(r NewApp) { got <- r })
		res := await(t, got)
		settle(d)
		return res
	}
	p := profiles.Profile{Name: "Nightly import", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/nightly-import", Scopes: []string{"read"}}
	res := newApp("", p, false)
	if res.Err != nil || res.Exists || res.Secret != strings.Repeat("S", 39)+"1" || res.Profile.SecretSetAt.IsZero() {
		t.Fatalf("new profile: %+v", res)
	}
	if got, _ := d.deps.Secrets.Get("Nightly import"); got != res.Secret {
		t.Fatalf("keychain holds %q", got)
	}
	if res.Setup.ApplicationSecretHash != check.ApplicationSecretHash(res.Secret) || res.Setup.ClientID != p.ClientID || res.Setup.Scope != "read" {
		t.Errorf("setup %+v", res.Setup)
	}
	if d.Selected() != "Nightly import" {
		t.Errorf("selected %q after the new profile", d.Selected())
	}

	// It has a secret now: without replace, nothing is made and the keychain stays.
	q, _ := d.Find("Nightly import")
	if again := newApp("Nightly import", q, false); !again.Exists || again.Secret != "" || n != 1 {
		t.Fatalf("without replace: %+v (secrets made %d)", again, n)
	}
	if got, _ := d.deps.Secrets.Get("Nightly import"); got != res.Secret {
		t.Fatal("a refused replacement changed the keychain")
	}
	rep := newApp("Nightly import", q, true)
	if rep.Err != nil || rep.Secret == res.Secret || rep.Secret == "" {
		t.Fatalf("replace: %+v", rep)
	}
	if got, _ := d.deps.Secrets.Get("Nightly import"); got != rep.Secret {
		t.Fatal("the replacement was not stored")
	}

	// A name that exists: the store refuses, the keychain entry is put back, nothing is shown.
	dup := p
	dup.Name = "A"
	if res := newApp("", dup, false); res.Err == nil || res.Secret != "" {
		t.Fatalf("duplicate name: %+v", res)
	}
	if got, _ := d.deps.Secrets.Get("A"); got != "secret-A" {
		t.Errorf("A's secret after the refused save: %q", got)
	}
	// The random source fails: nothing is stored.
	d.deps.NewSecret = func() (string, error) {
		return "", errors.New("cannot make a secret: the system's random source failed")
	}
	fresh := p
	fresh.Name = "Other"
	if res := newApp("", fresh, false); res.Err == nil || !strings.Contains(res.Err.Error(), "random source") {
		t.Fatalf("random source: %+v", res)
	}
	if _, err := d.deps.Store.Profiles().Get("Other"); err == nil {
		t.Error("a profile was saved without a secret")
	}
	// The keychain cannot say whether a secret exists: nothing is made.
	d.deps.NewSecret = gen
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	if res := newApp("A", q, false); res.Err == nil || !strings.Contains(res.Err.Error(), "no secret was made") {
		t.Fatalf("keychain down: %+v", res)
	}
}

// The record values for a ticket: text or JSON, with the hash and never the secret; a
// file that cannot be written says so.
func TestExportSetup(t *testing.T) {
	d, _ := newDesk(t, Deps{}, profile("A", "https://acme.my.erp.net"))
	secret := "Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p"
	s := check.NewAppSetup(profile("A", "https://acme.my.erp.net"), check.ApplicationSecretHash(secret))
	dir := testdir.New(t)
	for _, asJSON := range []bool{false, true} {
		path := filepath.Join(dir, "setup.txt")
		if asJSON {
			path = filepath.Join(dir, "setup.json")
		}
		wc, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan Written, 1)
		d.ExportSetup(wc, s, asJSON, func(w Written) { got <- w })
		if w := await(t, got); w.Err != nil {
			t.Fatal(w.Err)
		}
		raw, err := os.ReadFile(path)
		if err != nil || bytes.Contains(raw, []byte(secret)) || !bytes.Contains(raw, []byte(s.ApplicationSecretHash)) || !bytes.Contains(raw, []byte("ApplicationUserNoLogin")) {
			t.Fatalf("json %v: %v\n%s", asJSON, err, raw)
		}
		if asJSON != bytes.HasPrefix(raw, []byte("{")) {
			t.Errorf("json %v: wrote\n%s", asJSON, raw)
		}
	}
}
