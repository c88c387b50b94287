package check

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
)

// memVault is a TokenVault in memory that stands in for the OS keychain across "process"
// boundaries: every run gets a new TokenCache (as a new process would) over one vault.
type memVault struct {
	mu      sync.Mutex
	entries map[string]string
	err     error // every call fails with it when set
	saves   int
}

func newMemVault() *memVault { return &memVault{entries: map[string]string{}} }

func (v *memVault) Load(account string) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.err != nil {
		return "", v.err
	}
	return v.entries[account], nil
}

func (v *memVault) Save(account, value string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.err != nil {
		return v.err
	}
	v.saves++
	v.entries[account] = value
	return nil
}

func (v *memVault) Delete(account string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.err != nil {
		return v.err
	}
	delete(v.entries, account)
	return nil
}

func (v *memVault) only(t *testing.T) string {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.entries) != 1 {
		t.Fatalf("vault holds %d entries", len(v.entries))
	}
	for _, e := range v.entries {
		return e
	}
	return ""
}

// process runs one check as a separate process would: a new cache over the vault.
func process(f erp, v TokenVault, now time.Time, secret string, change func(*Options)) Report {
	opts := Options{Cache: NewVaultTokenCache(v), Now: func() time.Time { return now }}
	if change != nil {
		change(&opts)
	}
	return Run(context.Background(), f.profile(), secret, opts, nil)
}

func TestVaultReuseAcrossProcesses(t *testing.T) {
	f := newERP(t)
	v := newMemVault()
	t0 := time.Now()
	r1 := process(f, v, t0, f.Secret, nil)
	if f.calls() != 1 || r1.Session == nil || r1.Session.State != SessionOpened || r1.Session.TokenReuse != KeptInKeychain {
		t.Fatalf("first process: calls %d session %+v", f.calls(), r1.Session)
	}
	entry := v.only(t)
	if strings.Contains(entry, f.Secret) || !strings.Contains(entry, r1.Access.Reveal()) || !strings.Contains(entry, Fingerprint(f.Secret)) {
		t.Errorf("the vault entry must hold the token and the secret's fingerprint, never the secret: %s", entry)
	}
	// A second process ten minutes later reuses the token and its session.
	r2 := process(f, v, t0.Add(10*time.Minute), f.Secret, nil)
	fd := finding(r2, TokFromCache)
	if f.calls() != 1 || fd == nil || !strings.Contains(fd.Message, "from "+platform.Keychain()) || r2.Access.Reveal() != r1.Access.Reveal() {
		t.Fatalf("second process: calls %d, codes %v", f.calls(), codes(r2, ""))
	}
	s := r2.Session
	if s.State != SessionReused || !s.OpenedAt.Equal(r1.Session.OpenedAt) || !s.LatestUntil.Equal(r1.Session.OpenedAt.Add(time.Hour)) ||
		!strings.Contains(s.Summary, "reused the ERP.net session") || !strings.Contains(s.Summary, "no new licence slot") {
		t.Errorf("second process session: %+v", s)
	}
	if r2.Claims == nil || r2.Claims.SystemUser != "admin" {
		t.Error("a token from the keychain is still inspected")
	}
	// 35 minutes after the last call the session has closed (20 minutes idle): the
	// token is reused, but its next call opens a new session.
	r3 := process(f, v, t0.Add(45*time.Minute), f.Secret, nil)
	if f.calls() != 1 || r3.Session.State != SessionOpened || !strings.Contains(r3.Session.Summary, "opened a new ERP.net session") {
		t.Errorf("after the session closed: calls %d, %+v", f.calls(), r3.Session)
	}
	r4 := process(f, v, t0.Add(50*time.Minute), f.Secret, nil)
	if r4.Session.State != SessionReused || !r4.Session.OpenedAt.Equal(r3.Session.OpenedAt) {
		t.Errorf("the reopened session is reused: %+v", r4.Session)
	}
}

// A token is reused only while it is valid for at least another minute.
func TestVaultMargin(t *testing.T) {
	f := newERP(t)
	v := newMemVault()
	t0 := time.Now()
	r1 := process(f, v, t0, f.Secret, nil)
	exp := r1.Token.ExpiresAt()
	process(f, v, exp.Add(-61*time.Second), f.Secret, nil)
	if f.calls() != 1 {
		t.Fatalf("61 s before expiry: %d token requests", f.calls())
	}
	r := process(f, v, exp.Add(-59*time.Second), f.Secret, nil)
	if f.calls() != 2 || hasCode(r, TokFromCache) {
		t.Fatalf("59 s before expiry: %d token requests, codes %v", f.calls(), codes(r, ""))
	}
}

// A changed secret drops the cached token, in the vault too: the old secret's token is
// never handed out again.
func TestVaultChangedSecretDropsToken(t *testing.T) {
	f := newERP(t)
	v := newMemVault()
	t0 := time.Now()
	r1 := process(f, v, t0, f.Secret, nil)
	old := f.Secret
	f.Secret = "rotated-SECRET"
	r2 := process(f, v, t0.Add(time.Minute), f.Secret, nil)
	if f.calls() != 2 || hasCode(r2, TokFromCache) || r2.Access.Reveal() == r1.Access.Reveal() {
		t.Fatalf("new secret: %d requests, codes %v", f.calls(), codes(r2, ""))
	}
	if e := v.only(t); strings.Contains(e, r1.Access.Reveal()) || !strings.Contains(e, Fingerprint(f.Secret)) {
		t.Errorf("the old secret's token is still in the vault")
	}
	// The old secret no longer works on the server; its token is not in the vault
	// either, so a run with it asks the server (and fails).
	r3 := process(f, v, t0.Add(2*time.Minute), old, nil)
	if f.calls() != 3 || !hasCode(r3, TokInvalidClient) {
		t.Errorf("old secret: %d requests, codes %v", f.calls(), codes(r3, ""))
	}
}

// --fresh forces a new token and replaces the cached one; an API refusal drops it.
func TestVaultFreshAndRefusal(t *testing.T) {
	f := newERP(t)
	v := newMemVault()
	t0 := time.Now()
	r1 := process(f, v, t0, f.Secret, nil)
	r2 := process(f, v, t0.Add(time.Minute), f.Secret, func(o *Options) { o.Fresh = true })
	if f.calls() != 2 || r2.Access.Reveal() == r1.Access.Reveal() || !strings.Contains(v.only(t), r2.Access.Reveal()) {
		t.Fatalf("fresh: %d requests", f.calls())
	}
	if r2.Session.State != SessionOpened {
		t.Errorf("a fresh token's first call opens a new session: %+v", r2.Session)
	}
	f.API = refuseAll("The token is not valid")
	process(f, v, t0.Add(2*time.Minute), f.Secret, nil)
	if len(v.entries) != 0 {
		t.Errorf("a refused token stays in the vault")
	}
}

// Without a keychain, or with a token too large for it, the token stays in memory and
// the session summary says why the next process will open a new session.
func TestVaultFallsBackToMemory(t *testing.T) {
	f := newERP(t)
	v := newMemVault()
	kc := platform.Keychain()
	v.err = errors.New(sentence.Capitalize(kc) + " is not available (no Secret Service is running).")
	c := NewVaultTokenCache(v)
	opts := Options{Cache: c}
	r := Run(context.Background(), f.profile(), f.Secret, opts, nil)
	if r.Verdict != Pass || r.Session.TokenReuse != KeptInMemory || r.Session.TokenReuseNote != kc+" is not available (no Secret Service is running)" ||
		!strings.Contains(r.Session.Summary, "kept in memory only ("+kc+" is not available") || c.VaultProblem() == nil {
		t.Fatalf("no keychain: %v %+v", r.Verdict, r.Session)
	}
	// The same process still reuses it from memory.
	r2 := Run(context.Background(), f.profile(), f.Secret, opts, nil)
	if f.calls() != 1 || !strings.Contains(finding(r2, TokFromCache).Message, "from memory") {
		t.Errorf("memory reuse: %d requests", f.calls())
	}

	// Over the 2,560-byte limit: memory only, and an older entry of the key goes.
	g := newERP(t)
	w := newMemVault()
	process(g, w, time.Now(), g.Secret, nil)
	g.withClaims(func(cl map[string]any) { cl["padding"] = strings.Repeat("x", MaxVaultBytes) })
	big := process(g, w, time.Now(), g.Secret, func(o *Options) { o.Fresh = true })
	if big.Session.TokenReuse != KeptInMemory || !strings.Contains(big.Session.TokenReuseNote, "too large to keep") ||
		!strings.Contains(big.Session.TokenReuseNote, "2560 bytes") || len(w.entries) != 0 {
		t.Errorf("oversized token: %+v, %d vault entries", big.Session, len(w.entries))
	}
}

// A damaged or foreign vault entry is dropped, never handed out.
func TestVaultDamagedEntry(t *testing.T) {
	f := newERP(t)
	v := newMemVault()
	t0 := time.Now()
	process(f, v, t0, f.Secret, nil)
	for k := range v.entries {
		v.entries[k] = `{"v":1,"token":"eyJ.truncated`
	}
	r := process(f, v, t0.Add(time.Minute), f.Secret, nil)
	if f.calls() != 2 || hasCode(r, TokFromCache) || !strings.Contains(v.only(t), r.Access.Reveal()) {
		t.Errorf("damaged entry: %d requests, codes %v", f.calls(), codes(r, ""))
	}
	for k := range v.entries {
		v.entries[k] = strings.Replace(v.entries[k], `"v":1`, `"v":9`, 1)
	}
	process(f, v, t0.Add(2*time.Minute), f.Secret, nil)
	if f.calls() != 3 {
		t.Errorf("an entry of another version was used: %d requests", f.calls())
	}
}

// TestSessionNone: --no-api makes no call, opens no session and says so.
func TestSessionNone(t *testing.T) {
	f := newERP(t)
	r := Run(context.Background(), f.profile(), f.Secret, Options{Cache: NewTokenCache(), Mode: NoAPI}, nil)
	if r.Session == nil || r.Session.State != SessionNone || !strings.Contains(r.Session.Summary, "(--no-api), so it used no licence slot") {
		t.Fatalf("--no-api: %+v", r.Session)
	}
	// Licence exhaustion: the call was refused before a session opened.
	f.API = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(500)
		w.Write([]byte(`{"error":{"code":"MaximumLicenseCountExceeded","message":"MaximumLicenseCountExceeded: all slots are in use"}}`))
	}
	r = Run(context.Background(), f.profile(), f.Secret, fresh(), nil)
	if r.Session.State != SessionNone || !strings.Contains(r.Session.Summary, "no licence slot was used") {
		t.Errorf("licence exhausted: %+v", r.Session)
	}
}

// TestCallsSkipped: the API calls are reported as skipped with the reason, and the
// run opens no session.
func TestCallsSkipped(t *testing.T) {
	f := newERP(t)
	opts := fresh()
	const why = "Skipped: profile “other” of the same Trusted App already holds this run's session."
	opts.Mode = CallsSkipped(why)
	r := Run(context.Background(), f.profile(), f.Secret, opts, nil)
	var skipped int
	for _, s := range r.Steps {
		if s.Kind == StepAPI {
			if s.Verdict != Skipped || s.Summary != why || len(s.Exchanges) != 0 {
				t.Errorf("API step: %+v", s)
			}
			skipped++
		}
	}
	if skipped != 3 || r.Verdict != Pass || r.Session.State != SessionNone {
		t.Errorf("%d skipped, verdict %s, session %+v", skipped, r.Verdict, r.Session)
	}
}
