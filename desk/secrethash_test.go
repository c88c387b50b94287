package desk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
)

// The hash row compares the stored secret with the record and never carries the
// secret; without a secret, or with a keychain that will not answer, it says so.
func TestSecretHashRow(t *testing.T) {
	d, _ := newDesk(t, Deps{Run: tokenRun(t0.Add(time.Hour))}, profile("A", "https://acme.my.erp.net"))
	ask := func(rec *check.TrustedAppRecord) SecretHash {
		t.Helper()
		got := make(chan SecretHash, 1)
		op := d.SecretHash("A", rec, nil, func(h SecretHash) { got <- h })
		h := await(t, got)
		if h.Op != op.ID || h.Name != "A" {
			t.Fatalf("answer %+v for op %d", h, op.ID)
		}
		return h
	}
	want := check.ApplicationSecretHash("secret-A")
	h := ask(nil)
	if h.Hash != want || h.Row.Want != want || h.Row.State != check.RecordUnknown || h.Comparison != nil {
		t.Fatalf("unread: %+v", h)
	}
	rotated := check.ApplicationSecretHash("another secret")
	h = ask(&check.TrustedAppRecord{ApplicationSecretHash: &rotated})
	if h.Row.State != check.RecordBad || h.Comparison == nil || h.Comparison.State != check.SecretHashDifferent || !strings.Contains(h.Row.Note, "rotated") {
		t.Fatalf("rotated: %+v", h)
	}
	newline := check.ApplicationSecretHash("secret-A\n")
	if h = ask(&check.TrustedAppRecord{ApplicationSecretHash: &newline}); h.Comparison.Slip == nil || h.Comparison.Slip.Code != "trailing_newline" {
		t.Fatalf("echo slip: %+v", h)
	}
	if h = ask(&check.TrustedAppRecord{ApplicationSecretHash: &want}); h.Row.State != check.RecordOK {
		t.Fatalf("match: %+v", h)
	}
	for _, s := range []string{h.Row.Actual, h.Row.Want, h.Row.Note, h.Hash} {
		if strings.Contains(s, "secret-A") {
			t.Fatalf("the secret left the desk: %q", s)
		}
	}

	// No secret: nothing to compare, and the row says what to do.
	if err := d.deps.Secrets.Delete("A"); err != nil {
		t.Fatal(err)
	}
	if h = ask(nil); !h.NoSecret || h.Hash != "" || h.Row.State != check.RecordUnknown || !strings.Contains(h.Row.Note, "no client secret stored") {
		t.Fatalf("no secret: %+v", h)
	}
	// A keychain that does not answer: the row says so, with the keychain's reason.
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	if h = ask(nil); h.Err == nil || h.Hash != "" || !strings.Contains(h.Row.Note, sentence.Capitalize(platform.Keychain())+" did not give the profile's secret") || !strings.Contains(h.Row.Note, "no Secret Service is running") {
		t.Fatalf("keychain down: %+v", h)
	}
}

// A run keeps the hash of the secret it used (never the secret); the screens use it
// at once while the secret has not changed since.
func TestKnownSecretHash(t *testing.T) {
	d, _ := newDesk(t, Deps{Run: tokenRun(t0.Add(time.Hour))}, profile("A", "https://acme.my.erp.net"))
	d.Select("A")
	if _, ok := d.KnownSecretHash("A"); ok {
		t.Fatal("known before any run")
	}
	run(t, d)
	h, ok := d.KnownSecretHash("A")
	if !ok || h.Hash != check.ApplicationSecretHash("secret-A") || h.Row.Want != h.Hash || h.Name != "A" {
		t.Fatalf("after the run: %+v, %v", h, ok)
	}
	// A new secret (its date changes): no longer known.
	done := make(chan error, 1)
	p, _ := d.Find("A")
	d.SaveProfile("A", p, "a new secret", func(err error) { done <- err })
	if err := await(t, done); err != nil {
		t.Fatal(err)
	}
	settle(d)
	if _, ok := d.KnownSecretHash("A"); ok {
		t.Error("the old run's hash is still offered after the secret changed")
	}
}
