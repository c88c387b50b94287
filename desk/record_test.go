package desk

import (
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// Readers: the profile itself once its run got a token, then the others on the same
// instance with a token, then those with a secret that have not failed to get a token;
// never another instance or a profile without a secret.
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
	readers := func(withToken ...string) string {
		t.Helper()
		var got []string
		for _, r := range d.RecordReaders("Subject") {
			got = append(got, r.Name)
			if (r.Run != nil) != slices.Contains(withToken, r.Name) || r.Own != (r.Name == "Subject") {
				t.Errorf("%s: run %v, own %v", r.Name, r.Run, r.Own)
			}
		}
		return strings.Join(got, ",")
	}
	if got := readers("Zed"); got != "Zed,Alpha" {
		t.Errorf("readers %v, want Zed (with a token), then Alpha", got)
	}
	// Its own token once it has one, first.
	d.Select("Subject")
	run(t, d)
	if got := readers("Subject", "Zed"); got != "Subject,Zed,Alpha" {
		t.Errorf("readers %v, want its own token, Zed, then Alpha", got)
	}
}

// Reading with a profile that has no token yet gets one first (a token-only test, in
// the history, not filed as its run); a reader's valid token is reused; an expired
// one is renewed; a reader that gets no token is said, with why. The profile's own
// token reads the same way, and a profile on another instance never reads.
func TestReadRecord(t *testing.T) {
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
		profile("Subject", "https://acme.my.erp.net"), profile("Reader", "https://acme.my.erp.net"), profile("Refused", "https://acme.my.erp.net"),
		profile("Elsewhere", "https://other.my.erp.net"))
	readWith := func(reader string) RecordRead {
		t.Helper()
		got := make(chan RecordRead, 1)
		var op *Op
		answer := d.ReadRecord("Subject", reader, nil, func(o *Op) { op = o }, func(r RecordRead) { got <- r })
		if op == nil || answer != op {
			t.Fatal("no read started")
		}
		res := await(t, got)
		settle(d)
		return res
	}

	// No token yet: a token-only test of Reader (its own secret), then the read.
	res := readWith("Reader")
	if len(tokenOnly) != 1 || tokenOnly[0] != "Reader:secret-Reader" || res.Result.Record == nil || res.Reader.Run.Profile.Name != "Reader" || res.Reader.Name != "Reader" || res.Reader.Own {
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
	// The profile itself before its run got a token, an unknown profile, or one on
	// another instance is no reader: nothing starts, and its token goes nowhere.
	for _, bad := range []string{"Subject", "Nobody", "Elsewhere"} {
		started := false
		if op := d.ReadRecord("Subject", bad, nil, func(*Op) { started = true }, nil); started || op != nil {
			t.Errorf("a read started with %q", bad)
		}
	}
	// Its own token, once its run got one: read as it is, by the same read.
	d.Select("Subject")
	own := run(t, d)
	tokenOnly = nil
	res = readWith("Subject")
	if !res.Reader.Own || res.Reader.Run != own || len(tokenOnly) != 0 || read[len(read)-1] != "Subject reads com.acme/Subject with "+own.Access().Reveal() {
		t.Fatalf("own token: reader %+v, token-only runs %v, reads %v", res.Reader, tokenOnly, read)
	}
}

// Getting the reader's token can be cancelled: against an identity server that never
// answers, Cancel ends it at once, and nothing is read.
func TestReadRecordCancelsGettingAToken(t *testing.T) {
	srv := stalling(t)
	reads := 0
	d, _ := newDesk(t, Deps{ReadRecord: func(context.Context, profiles.Profile, *check.AccessToken, string, check.Options) check.RecordResult {
		reads++
		return check.RecordResult{}
	}}, profile("Subject", srv.URL), profile("Reader", srv.URL))
	got := make(chan RecordRead, 1)
	var op *Op
	d.ReadRecord("Subject", "Reader", nil, func(o *Op) { op = o }, func(r RecordRead) { got <- r })
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

// A record read can be cancelled the same way; selecting another profile cancels it
// too, since its answer would be for a screen no longer shown.
func TestRecordReadCancels(t *testing.T) {
	srv := stalling(t)
	d, _ := newDesk(t, Deps{Run: tokenRun(t0.Add(time.Hour))}, profile("A", srv.URL), profile("B", srv.URL))
	d.Select("A")
	run(t, d)
	readers := d.RecordReaders("A")
	if len(readers) != 1 || !readers[0].Own || readers[0].Run != d.RunOf("A") {
		t.Fatalf("readers %+v", readers)
	}
	for _, how := range []string{"cancel", "select another profile"} {
		var op *Op
		got := make(chan RecordRead, 1)
		d.ReadRecord("A", "A", d.RunOf("A"), func(o *Op) { op = o }, func(res RecordRead) { got <- res })
		if op == nil {
			t.Fatal("no read started")
		}
		if how == "cancel" {
			op.Cancel()
		} else {
			d.Select("B")
		}
		if res := await(t, got); !res.Cancelled || res.Op != op.ID {
			t.Errorf("%s: result %+v", how, res)
		}
		d.Select("A")
	}
	settle(d)
}
