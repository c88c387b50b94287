package desk

import (
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// The app's operations send their requests through the engine's credential gate: a
// test, a custom call (SendCall), a record read with the profile's own token and with a
// reader's (ReadRecord, ReadRecordWith) and a comparison's fresh runs and record reads
// (Compare). Each request the gate saw is recorded (check.Options.Watch), and none of
// them carried a credential it did not declare or was refused.
func TestDeskOperationsGoThroughTheGate(t *testing.T) {
	g := &gateLog{}
	watch, since, count := g.watch, g.since, func() int { return len(g.since(0)) }
	sb := NewSandbox(sandbox.Config{})
	t.Cleanup(sb.Stop)
	d, _ := newDesk(t, Deps{Sandbox: sb.Start, Now: time.Now, Options: check.Options{Cache: check.NewTokenCache(), Watch: watch}})
	d.TrySandbox()
	settle(d)

	// tokens reports, for what the gate saw since n, how many requests declared a
	// token, and fails the test for any refusal.
	tokens := func(what string, n int) int {
		t.Helper()
		k := 0
		for _, p := range since(n) {
			if p.Refused != nil {
				t.Errorf("%s: the gate refused %s %s: %v", what, p.Method, p.URL, p.Refused)
			}
			if p.Declared == check.CarriesToken {
				k++
			}
		}
		return k
	}

	n := count()
	d.Select("Sandbox: healthy")
	r := run(t, d)
	if r.Access() == nil || tokens("a test", n) != 3 {
		t.Fatalf("the test: %v, %d passages", r.Report.Verdict, len(since(n)))
	}

	n = count()
	got := make(chan CallResult, 1)
	d.SendCall(r, profiles.APICall{Method: "GET", Path: "/api/domain/odata/General_Products_Products?$top=1"}, nil, func(c CallResult) { got <- c })
	if c := await(t, got); c.Step.Verdict != check.Pass || tokens("a custom call", n) != 1 {
		t.Errorf("the custom call: %s", c.Step.Summary)
	}

	n = count()
	read := make(chan RecordRead, 1)
	d.ReadRecord("Sandbox: healthy", "Sandbox: healthy", r, nil, func(rr RecordRead) { read <- rr })
	if rr := await(t, read); rr.Result.Record == nil || tokens("a record read", n) == 0 {
		t.Errorf("the record read: %s", rr.Result.Problem)
	}

	n = count()
	d.ReadRecord("Sandbox: disabled", "Sandbox: healthy", nil, nil, func(rr RecordRead) { read <- rr })
	if rr := await(t, read); rr.Result.Record == nil || tokens("a reader's record read", n) == 0 {
		t.Errorf("the reader's read: %s", rr.Result.Problem)
	}
	settle(d)

	n = count()
	res, _ := compareNow(t, d, CompareSide{Profile: "Sandbox: healthy"}, CompareSide{Profile: "Sandbox: read-only-write"}, true)
	if res.Err != nil || tokens("a comparison", n) < 4 {
		t.Errorf("the comparison: %+v", res.Err)
	}
}

// A reader's token reads with the reader's own settings: the record's profile's OData
// root (an imported one, on another host) never sees it.
func TestReadRecordWithKeepsTheReadersSettings(t *testing.T) {
	const secret = "secret-Reader" // newDesk's secret for Reader
	in := hostile.New(t, secret)
	th := hostile.NewThief(t, false)
	subject := profile("Imported", in.URL)
	subject.ODataRoot = th.URL + "/api/domain/odata/"
	reader := profile("Reader", in.URL)
	reader.ClientID = hostile.ClientID
	d, _ := newDesk(t, Deps{Now: time.Now, Options: check.Options{Cache: check.NewTokenCache()}}, subject, reader)
	read := make(chan RecordRead, 1)
	d.ReadRecord("Imported", "Reader", nil, nil, func(rr RecordRead) { read <- rr })
	rr := await(t, read)
	settle(d)
	if th.Requests() != 0 {
		t.Fatalf("the reader's token went to the imported profile's OData root")
	}
	if len(rr.Result.Step.Exchanges) == 0 || !strings.HasPrefix(rr.Result.Step.Exchanges[0].URL, in.URL+"/api/domain/odata/") {
		t.Errorf("read at %+v: %s", rr.Result.Step.Exchanges, rr.Result.Problem)
	}
}

// gateLog records what the credential gate saw (check.Options.Watch).
type gateLog struct {
	mu   sync.Mutex
	seen []check.Passage
}

func (g *gateLog) watch(p check.Passage) {
	g.mu.Lock()
	g.seen = append(g.seen, p)
	g.mu.Unlock()
}

// since is what the gate saw after its first n passages.
func (g *gateLog) since(n int) []check.Passage {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]check.Passage(nil), g.seen[n:]...)
}
