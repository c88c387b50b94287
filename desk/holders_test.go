package desk

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// Who holds the licences, read with another profile's token: it gets a token first
// when it has none, the holders go into the exhausted run's report (so every report
// of it shows them), and the note names whose token read. A profile with no run, or a
// reader on another instance, starts nothing.
func TestReadHolders(t *testing.T) {
	var mu sync.Mutex
	var readWith []string
	runs := func(ctx context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
		rep := tokenRun(o.Now().Add(time.Hour))(ctx, p, s, o, on)
		if p.Name == "Exhausted" {
			rep.Verdict = check.Fail
			rep.Session = &check.SessionCost{State: check.SessionNone, HoldersState: check.HoldersRefused, HoldersNote: "refused"}
		}
		return rep
	}
	holders := func(_ context.Context, p profiles.Profile, tok *check.AccessToken, _ check.Options) check.Holders {
		mu.Lock()
		readWith = append(readWith, tok.Reveal())
		mu.Unlock()
		return check.Holders{State: check.HoldersRead, Note: "2 sessions hold licence slots.", Sessions: []check.LicenceHolder{{Login: "m.petrova"}, {Login: "svc-edi"}},
			Steps: []check.Step{{Name: "dropped"}}}
	}
	d, _ := newDesk(t, Deps{Run: runs, ReadHolders: holders}, profile("Exhausted", "https://acme.my.erp.net"), profile("Reader", "https://acme.my.erp.net"),
		profile("Elsewhere", "https://other.my.erp.net"))
	if d.ReadHolders("Exhausted", "Reader", nil, func(HoldersRead) { t.Error("an answer without a run") }) != nil {
		t.Fatal("a read started before the profile had a run")
	}
	d.Select("Exhausted")
	exhausted := run(t, d)
	got := make(chan HoldersRead, 1)
	var op *Op
	if d.ReadHolders("Exhausted", "Reader", func(o *Op) { op = o }, func(h HoldersRead) { got <- h }) == nil || op == nil {
		t.Fatal("no read started")
	}
	res := await(t, got)
	settle(d)
	if res.Op != op.ID || res.Run != exhausted.ID || res.Reader.Name != "Reader" || res.Reader.Run == nil || len(readWith) != 1 || !strings.HasPrefix(readWith[0], "token-of-Reader") {
		t.Fatalf("result %+v, read with %v", res, readWith)
	}
	if res.Holders.Steps != nil || !strings.HasPrefix(res.Holders.Note, "Read with the token of “Reader”: 2 sessions") {
		t.Errorf("holders %+v", res.Holders)
	}
	sc := d.RunOf("Exhausted").Report.Session
	if sc.HoldersState != check.HoldersRead || len(sc.Holders) != 2 || sc.Holders[0].Login != "m.petrova" || !strings.Contains(sc.HoldersNote, "“Reader”") {
		t.Errorf("the run's report: %+v", sc)
	}
	if d.ReadHolders("Exhausted", "Elsewhere", nil, func(HoldersRead) { t.Error("an answer for a reader on another instance") }) != nil {
		t.Error("a reader on another instance read")
	}
}
