package desk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/storage"
	"github.com/zalando/go-keyring"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
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
	if h = ask(nil); h.Err == nil || h.Hash != "" || !strings.Contains(h.Row.Note, "The keychain did not give the profile's secret") || !strings.Contains(h.Row.Note, "Secret Service is not running") {
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

// Readers: profiles on the same instance with a token first, then those with a secret
// that have not failed to get a token; never the profile itself, another instance or a
// profile without a secret.
func TestRecordReaders(t *testing.T) {
	runs := func(_ context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
		if p.Name == "Broken" {
			return check.Report{Profile: p.Name, Verdict: check.Fail}
		}
		return tokenRun(t0.Add(time.Hour))(context.Background(), p, s, o, on)
	}
	seed := []profiles.Profile{profile("Subject", "https://acme.my.erp.net"), profile("Zed", "https://acme.my.erp.net"),
		profile("Alpha", "https://ACME.my.erp.net"), profile("Broken", "https://acme.my.erp.net"),
		profile("Elsewhere", "https://other.my.erp.net"), profile("No secret", "https://acme.my.erp.net")}
	d, _ := newDesk(t, Deps{Run: runs}, seed...)
	for _, p := range seed[:5] {
		if err := d.deps.Store.Profiles().MarkSecretSet(p.Name, t0); err != nil {
			t.Fatal(err)
		}
	}
	d.Reload("", nil)
	settle(d)
	for _, n := range []string{"Zed", "Broken"} {
		d.Select(n)
		run(t, d)
	}
	var got []string
	for _, r := range d.RecordReaders("Subject") {
		got = append(got, r.Name)
		if (r.Run != nil) != (r.Name == "Zed") {
			t.Errorf("%s: run %v", r.Name, r.Run)
		}
	}
	if strings.Join(got, ",") != "Zed,Alpha" {
		t.Errorf("readers %v, want Zed (with a token), then Alpha", got)
	}
}

// Reading with a profile that has no token yet gets one first (a token-only test, in
// the history, not filed as its run); a reader's valid token is reused; an expired
// one is renewed; a reader that gets no token is said, with why.
func TestReadRecordWith(t *testing.T) {
	var mu sync.Mutex
	var tokenOnly []string
	now := t0
	runs := func(_ context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
		mu.Lock()
		if o.Mode == check.TokenOnly {
			tokenOnly = append(tokenOnly, p.Name+":"+s)
		}
		mu.Unlock()
		if p.Name == "Refused" {
			return check.Report{Profile: p.Name, Verdict: check.Fail, Steps: []check.Step{{Kind: check.StepToken, Findings: []check.Finding{
				{Code: check.TokInvalidClient, Severity: check.SevFail, Message: "The token endpoint answered invalid_client."}}}}}
		}
		return tokenRun(o.Now().Add(time.Hour))(context.Background(), p, s, o, on)
	}
	var read []string
	rec := "the record"
	reads := func(_ context.Context, p profiles.Profile, tok *check.AccessToken, id string, _ check.Options) check.RecordResult {
		mu.Lock()
		// The profile whose settings read (the reader's own), the record read, the token.
		read = append(read, p.Name+" reads "+id+" with "+tok.Reveal())
		mu.Unlock()
		h := check.ApplicationSecretHash("old")
		return check.RecordResult{Status: 200, Record: &check.TrustedAppRecord{Name: rec, ApplicationURI: id, ApplicationSecretHash: &h}}
	}
	hist := &memHistory{}
	d, _ := newDesk(t, Deps{Run: runs, ReadRecord: reads, History: hist, Now: func() time.Time { return now }},
		profile("Subject", "https://acme.my.erp.net"), profile("Reader", "https://acme.my.erp.net"), profile("Refused", "https://acme.my.erp.net"))
	readWith := func(reader string) RecordRead {
		t.Helper()
		got := make(chan RecordRead, 1)
		var op *Op
		d.ReadRecordWith("Subject", reader, nil, func(o *Op) { op = o }, func(r RecordRead) { got <- r })
		if op == nil {
			t.Fatal("no read started")
		}
		res := await(t, got)
		settle(d)
		return res
	}

	// No token yet: a token-only test of Reader (its own secret), then the read.
	res := readWith("Reader")
	if len(tokenOnly) != 1 || tokenOnly[0] != "Reader:secret-Reader" || res.Result.Record == nil || res.Source.Run.Profile.Name != "Reader" {
		t.Fatalf("token-only runs %v, result %+v", tokenOnly, res)
	}
	if res.SecretHash.Name != "Subject" || res.SecretHash.Row.State != check.RecordBad || res.SecretHash.Comparison.State != check.SecretHashDifferent {
		t.Errorf("the hash row compares Subject's secret with the record: %+v", res.SecretHash)
	}
	if d.RunOf("Reader") != nil {
		t.Error("the token-only test was filed as Reader's last run")
	}
	if len(hist.names()) != 1 || hist.names()[0] != "Reader" {
		t.Errorf("history %v", hist.names())
	}

	// Reader tested this session: its token is used as it is.
	d.Select("Reader")
	r := run(t, d)
	tokenOnly = nil
	readWith("Reader")
	if len(tokenOnly) != 0 || read[len(read)-1] != "Reader reads com.acme/Subject with "+r.Access().Reveal() {
		t.Fatalf("with a valid token: token-only runs %v, reads %v", tokenOnly, read)
	}
	// Its token about to expire: a new one first.
	now = t0.Add(time.Hour - 30*time.Second)
	readWith("Reader")
	if len(tokenOnly) != 1 || read[len(read)-1] == "Reader reads com.acme/Subject with "+r.Access().Reveal() || !strings.HasPrefix(read[len(read)-1], "Reader reads com.acme/Subject with ") {
		t.Fatalf("with an expiring token: token-only runs %v, reads %v", tokenOnly, read)
	}

	// A reader that gets no token: nothing is read, and the problem says why.
	n := len(read)
	res = readWith("Refused")
	if len(read) != n || res.Result.Record != nil || !strings.Contains(res.Result.Problem, "“Refused” got no token to read the record with: The token endpoint answered invalid_client") {
		t.Fatalf("refused reader: reads %v, problem %q", read[n:], res.Result.Problem)
	}
	if res.SecretHash.Row.Want != check.ApplicationSecretHash("secret-Subject") {
		t.Errorf("the unread row should show the hash to copy: %+v", res.SecretHash.Row)
	}
	// A reader without a secret.
	if err := d.deps.Secrets.Delete("Refused"); err != nil {
		t.Fatal(err)
	}
	if res = readWith("Refused"); !strings.Contains(res.Result.Problem, "“Refused” has no client secret stored") {
		t.Errorf("no secret: %q", res.Result.Problem)
	}
	// The profile itself, or an unknown one, is no reader: nothing starts.
	for _, bad := range []string{"Subject", "Nobody"} {
		started := false
		d.ReadRecordWith("Subject", bad, nil, func(*Op) { started = true }, nil)
		if started {
			t.Errorf("a read started with %q", bad)
		}
	}
}

// Getting the reader's token can be cancelled: against an identity server that never
// answers, Cancel ends it at once, and nothing is read.
func TestReadRecordWithCancels(t *testing.T) {
	srv := stalling(t)
	reads := 0
	d, _ := newDesk(t, Deps{ReadRecord: func(context.Context, profiles.Profile, *check.AccessToken, string, check.Options) check.RecordResult {
		reads++
		return check.RecordResult{}
	}}, profile("Subject", srv.URL), profile("Reader", srv.URL))
	got := make(chan RecordRead, 1)
	var op *Op
	d.ReadRecordWith("Subject", "Reader", nil, func(o *Op) { op = o }, func(r RecordRead) { got <- r })
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	op.Cancel()
	res := await(t, got)
	if !res.Cancelled || reads != 0 || res.Result.Problem == "" {
		t.Errorf("result %+v, reads %d", res, reads)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("cancel took %v", took)
	}
}

// memHistory is a history log in memory.
type memHistory struct {
	mu      sync.Mutex
	entries []string
}

func (h *memHistory) AppendReport(profile, _ string, _ check.Report) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, profile)
	return nil
}
func (h *memHistory) Entries(audit.Filter) ([]audit.Entry, error) { return nil, nil }
func (h *memHistory) Export(io.Writer, audit.Filter) error        { return nil }
func (h *memHistory) names() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.entries...)
}

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

// The least-privilege advice is the engine's, with the record when one was read.
func TestLeastPrivilege(t *testing.T) {
	d, _ := newDesk(t, Deps{})
	p := profile("A", "https://acme.my.erp.net")
	rep := check.Report{Finished: t0}
	if got := d.LeastPrivilege(p, rep, nil); len(got) != 0 {
		t.Fatalf("nothing read, advice %+v", got)
	}
	scope := "read update sec"
	rec := &check.TrustedAppRecord{Scope: &scope, ReferenceTokens: "AdministratorsOnly"}
	var codes []string
	for _, f := range d.LeastPrivilege(p, rep, rec) {
		codes = append(codes, f.Code)
		if f.Severity != check.SevInfo {
			t.Errorf("%s is %s, advice is never a failure", f.Code, f.Severity)
		}
	}
	if strings.Join(codes, " ") != "privilege.update_unused privilege.sec_scope privilege.reference_tokens" {
		t.Errorf("codes %v", codes)
	}
}
