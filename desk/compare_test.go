package desk

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// sandboxDesk is a desk whose profiles are the sandbox's scenarios (each with its
// secret in the mock keychain), running the real engine, with a real history log.
func sandboxDesk(t *testing.T) (*Desk, *audit.Log) {
	t.Helper()
	log, err := audit.Open(filepath.Join(testdir.New(t), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	sb := NewSandbox(sandbox.Config{})
	t.Cleanup(sb.Stop)
	d, _ := newDesk(t, Deps{Sandbox: sb.Start, History: log, Now: time.Now, Options: check.Options{Cache: check.NewTokenCache()}})
	d.TrySandbox()
	settle(d)
	if len(d.Profiles()) < 10 {
		t.Fatalf("the sandbox added %d profiles", len(d.Profiles()))
	}
	return d, log
}

// compareNow runs a comparison and waits for it.
func compareNow(t *testing.T, d *Desk, a, b CompareSide, readRecord bool) (Compared, []CompareProgress) {
	t.Helper()
	got := make(chan Compared, 1)
	var progress []CompareProgress
	var began *Op
	op, err := d.Compare(a, b, readRecord, func(o *Op) { began = o }, func(p CompareProgress) { progress = append(progress, p) }, func(c Compared) { got <- c })
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	if began != op {
		t.Error("began did not hear of the operation first")
	}
	res := await(t, got)
	settle(d)
	if res.Op != op.ID || d.InFlight(op.ID) {
		t.Errorf("result of op %d, op %d in flight %v", res.Op, op.ID, d.InFlight(op.ID))
	}
	return res, progress
}

func rowOf(c compare.Comparison, field string) compare.Row {
	for _, r := range c.Rows {
		if r.Field == field {
			return r
		}
	}
	return compare.Row{}
}

// Two profiles compared now against the sandbox: both run fresh at once, each reads
// its record, the differences come first, each run is kept in History with its record,
// and the licence each fresh run cost is reported.
func TestCompareTwoProfilesNow(t *testing.T) {
	d, log := sandboxDesk(t)
	res, progress := compareNow(t, d, CompareSide{Profile: "Sandbox: healthy"}, CompareSide{Profile: "Sandbox: read-only-write"}, true)
	if res.Err != nil || res.Cancelled || res.HistoryErr != nil {
		t.Fatalf("result %+v", res)
	}
	c := res.Comparison
	if c.Differences == 0 || c.Rows[0].Same {
		t.Fatalf("no differences first: %+v", c.Rows)
	}
	for i, r := range c.Rows {
		if r.Same != (i >= c.Differences) {
			t.Fatalf("row %d %+v out of order (%d differences)", i, r, c.Differences)
		}
	}
	if r := rowOf(c, "Verdict"); r.A != "pass" || r.B != "fail" || r.Same {
		t.Errorf("verdict row %+v", r)
	}
	if r := rowOf(c, "client_id"); r.A != "com.sandbox/healthy" || r.Same {
		t.Errorf("client_id row %+v", r)
	}
	if !c.A.RecordRead || rowOf(c, "ApplicationSecretHash").A != "matches the profile's secret (ok)" {
		t.Errorf("record not read on A: %+v / %+v", c.A, rowOf(c, "ApplicationSecretHash"))
	}
	if !strings.Contains(c.A.Label, `"Sandbox: healthy", fresh run `) || !strings.Contains(c.B.Label, `"Sandbox: read-only-write", fresh run `) {
		t.Errorf("labels %q / %q", c.A.Label, c.B.Label)
	}
	if len(progress) != 2 || progress[0].Op != res.Op {
		t.Errorf("progress %+v", progress)
	}
	for i, s := range res.Sessions {
		if s == nil || s.State != check.SessionOpened {
			t.Errorf("side %d session cost %+v, want opened (a fresh token's first call)", i, s)
		}
	}
	runs, err := log.Runs(audit.Filter{})
	if err != nil || len(runs) != 2 {
		t.Fatalf("History holds %d runs (%v), want the 2 fresh ones", len(runs), err)
	}
	ids := map[string]bool{c.A.RunID: true, c.B.RunID: true}
	for _, r := range runs {
		if !ids[r.ID] || (r.Profile == "Sandbox: healthy" && r.Record == nil) {
			t.Errorf("History run %s of %s (record %v)", r.ID, r.Profile, r.Record != nil)
		}
	}

	// The fresh token went to the cache: the next test of the profile reuses it and
	// its session, so the comparison cost no second licence slot.
	d.Select("Sandbox: healthy")
	r := run(t, d)
	if r.Report.Session == nil || r.Report.Session.State != check.SessionReused {
		t.Errorf("the next test's session %+v, want reused", r.Report.Session)
	}
}

// A profile now against one of its runs from History: History's side is taken as it
// was (no request for it), and ReadRuns lists newest first.
func TestCompareNowWithARunFromHistory(t *testing.T) {
	d, log := sandboxDesk(t)
	d.Select("Sandbox: scope-not-allowed")
	run(t, d)
	d.Select("Sandbox: healthy")
	run(t, d)
	got := make(chan Runs, 1)
	if !d.RunsAvailable() || d.ReadRuns(audit.Filter{}, func(r Runs) { got <- r }) == nil {
		t.Fatal("runs not available with an audit log")
	}
	rs := await(t, got)
	if rs.Err != nil || len(rs.Runs) != 2 || rs.Runs[0].Profile != "Sandbox: healthy" || rs.Runs[1].Profile != "Sandbox: scope-not-allowed" {
		t.Fatalf("runs %+v", rs)
	}
	old := rs.Runs[1]
	res, progress := compareNow(t, d, CompareSide{Profile: "Sandbox: scope-not-allowed"}, CompareSide{Run: &old}, false)
	if res.Err != nil || len(progress) != 1 || progress[0].Side != 0 {
		t.Fatalf("result %+v, progress %+v", res, progress)
	}
	if res.Sessions[1] != nil {
		t.Errorf("History's side has a session cost %+v", res.Sessions[1])
	}
	if b := res.Comparison.B; b.RunID != old.ID || !strings.HasSuffix(b.Label, " from History") {
		t.Errorf("side B %+v", b)
	}
	if rowOf(res.Comparison, "Verdict").A != "fail" || !rowOf(res.Comparison, "Verdict").Same {
		t.Errorf("verdict row %+v", rowOf(res.Comparison, "Verdict"))
	}
	if n, _ := log.Runs(audit.Filter{}); len(n) != 3 {
		t.Errorf("History holds %d runs, want 3 (the fresh side kept)", len(n))
	}

	// Two runs from History: nothing is sent at all.
	res, progress = compareNow(t, d, CompareSide{Run: &rs.Runs[0]}, CompareSide{Run: &old}, true)
	if res.Err != nil || len(progress) != 0 || res.Sessions != [2]*check.SessionCost{} || res.Comparison.Differences == 0 {
		t.Errorf("History against History: %+v", res)
	}
	if n, _ := log.Runs(audit.Filter{}); len(n) != 3 {
		t.Errorf("History holds %d runs after comparing two old ones", len(n))
	}
}

// Cancel stops fresh runs against an instance that never answers at once, and
// nothing is compared.
func TestCompareCancels(t *testing.T) {
	srv := stalling(t)
	d, _ := newDesk(t, Deps{}, profile("A", srv.URL), profile("B", srv.URL))
	got := make(chan Compared, 1)
	op, err := d.Compare(CompareSide{Profile: "A"}, CompareSide{Profile: "B"}, true, nil, nil, func(c Compared) { got <- c })
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // the requests are out
	start := time.Now()
	op.Cancel()
	res := await(t, got)
	if !res.Cancelled || res.Err != nil || res.Comparison.Rows != nil {
		t.Errorf("result %+v", res)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("cancel took %v", took)
	}
}

// A side without a secret stops the comparison before anything is sent: the other
// side's instance hears nothing (no token, no session, no licence).
func TestCompareWithoutASecretSendsNothing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); http.NotFound(w, r) }))
	t.Cleanup(srv.Close)
	d, _ := newDesk(t, Deps{}, profile("A", srv.URL), profile("B", srv.URL))
	if err := d.deps.Secrets.Delete("B"); err != nil {
		t.Fatal(err)
	}
	got := make(chan Compared, 1)
	if _, err := d.Compare(CompareSide{Profile: "A"}, CompareSide{Profile: "B"}, true, nil, nil, func(c Compared) { got <- c }); err != nil {
		t.Fatal(err)
	}
	res := await(t, got)
	if !errors.Is(res.Err, ErrNoSecret) || !strings.Contains(res.Err.Error(), `"B"`) {
		t.Errorf("error %v, want B's missing secret", res.Err)
	}
	settle(d)
	if n := hits.Load(); n != 0 {
		t.Errorf("the instance got %d requests", n)
	}
}

// What cannot be compared is refused with the reason before anything starts.
func TestCompareProblems(t *testing.T) {
	d, _ := newDesk(t, Deps{}, profile("A", "https://a.example"), profile("B", "https://a.example"))
	run1 := &check.RunSummary{ID: "1111aaaa", Profile: "A", Started: t0}
	for _, tc := range []struct {
		a, b CompareSide
		want string
	}{
		{CompareSide{}, CompareSide{Profile: "B"}, "choose what side A is"},
		{CompareSide{Profile: "A"}, CompareSide{}, "choose what side B is"},
		{CompareSide{Profile: "A"}, CompareSide{Profile: "A"}, "two fresh runs of \"A\""},
		{CompareSide{Profile: "Gone"}, CompareSide{Profile: "A"}, "side A: no profile is called \"Gone\""},
		{CompareSide{Run: run1}, CompareSide{Run: &check.RunSummary{ID: "1111aaaa"}}, "run 1111aaaa is on both sides"},
	} {
		err := d.CompareProblem(tc.a, tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v / %+v: %v, want %q", tc.a, tc.b, err, tc.want)
		}
		if op, err := d.Compare(tc.a, tc.b, true, nil, nil, func(Compared) { t.Error("done called") }); op != nil || err == nil {
			t.Errorf("Compare started %+v / %+v", tc.a, tc.b)
		}
	}
	if err := d.CompareProblem(CompareSide{Profile: "A"}, CompareSide{Run: run1}); err != nil {
		t.Errorf("A now against its run: %v", err)
	}
	settle(d)
}

// The cost names the fresh sides, those tagged Production, and one instance for both.
func TestCompareCost(t *testing.T) {
	prod := profile("Prod", "https://acme.my.erp.net")
	prod.Environment = profiles.EnvProduction
	d, _ := newDesk(t, Deps{}, profile("Test", "https://ACME.my.erp.net/"), prod, profile("Other", "https://other.my.erp.net"))
	c := d.CostOf(CompareSide{Profile: "Test"}, CompareSide{Profile: "Prod"})
	if strings.Join(c.Fresh, ",") != "Test,Prod" || strings.Join(c.Production, ",") != "Prod" || !c.SameInstance {
		t.Errorf("cost %+v", c)
	}
	c = d.CostOf(CompareSide{Profile: "Test"}, CompareSide{Profile: "Other"})
	if len(c.Production) != 0 || c.SameInstance {
		t.Errorf("cost %+v", c)
	}
	c = d.CostOf(CompareSide{Run: &check.RunSummary{Profile: "Prod"}}, CompareSide{Run: &check.RunSummary{Profile: "Test"}})
	if len(c.Fresh) != 0 || len(c.Production) != 0 {
		t.Errorf("History runs cost %+v", c)
	}
}

// A history log that cannot be written: the comparison still shows, and says so.
func TestCompareHistoryNotWritten(t *testing.T) {
	dir := testdir.New(t)
	log, err := audit.Open(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// The runs file is a folder: every append fails.
	if err := os.Mkdir(audit.RunsPath(filepath.Join(dir, "audit.jsonl")), 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sc, _ := s.Scenario("healthy")
	p := profile("H", sc.Instance)
	p.ClientID, p.Scopes = sc.ClientID, strings.Fields(sc.Scope)
	d, _ := newDesk(t, Deps{History: log, Now: time.Now, Options: check.Options{Cache: check.NewTokenCache()}}, p)
	if err := d.deps.Secrets.Set("H", sc.ClientSecret); err != nil {
		t.Fatal(err)
	}
	old := &check.RunSummary{ID: "2222bbbb", Profile: "H", Started: t0, Verdict: check.Fail}
	res, _ := compareNow(t, d, CompareSide{Profile: "H"}, CompareSide{Run: old}, false)
	if res.Err != nil || res.HistoryErr == nil || rowOf(res.Comparison, "Verdict").A != "pass" {
		t.Errorf("result %+v", res)
	}
}

// A history log that keeps no runs offers none (and the desk does not pretend).
func TestRunsNotAvailableWithoutRunHistory(t *testing.T) {
	d, _ := newDesk(t, Deps{History: requestsOnly{}})
	if d.RunsAvailable() || d.ReadRuns(audit.Filter{}, func(Runs) { t.Error("read") }) != nil {
		t.Error("runs offered by a log that keeps none")
	}
}

type requestsOnly struct{}

func (requestsOnly) AppendReport(string, string, check.Report) error { return nil }
func (requestsOnly) Entries(audit.Filter) ([]audit.Entry, error)     { return nil, nil }
func (requestsOnly) Export(io.Writer, audit.Filter) error            { return nil }
