package compare

import (
	"context"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func base() check.RunSummary {
	return check.RunSummary{
		ID: "aaaaaaaa", Profile: "Test", ClientID: "com.acme/sync", Instance: "https://test.my.erp.net", Started: t0, DurationMS: 400,
		Verdict: check.Pass, SystemUser: "svc-sync", SystemUserType: "ApplicationUserNoLogin", Database: "Test DB", Issuer: "https://test.my.erp.net/id",
		TokenKind: "jwt", ScopesRequested: []string{"read", "update"}, ScopesGranted: []string{"update", "read"},
		Steps: []check.StepSummary{
			{Kind: check.StepToken, Name: "Token", Verdict: check.Pass, Status: 200, DurationMS: 120},
			{Kind: check.StepAPI, Name: "API GET /x", Verdict: check.Pass, Status: 200, DurationMS: 100},
		},
		Findings: []check.FindingSummary{{Code: check.APIOK, Severity: check.SevInfo, Step: "API GET /x"}},
		Record:   []check.RecordField{{Field: "Scope", Value: "read update", State: check.RecordOK}},
	}
}

func rowOf(c Comparison, field string) Row {
	for _, r := range c.Rows {
		if r.Field == field {
			return r
		}
	}
	return Row{}
}

func TestRunsIdentical(t *testing.T) {
	a, b := base(), base()
	b.ID = "bbbbbbbb"
	b.ScopesGranted = []string{"read", "update"} // order does not matter
	c := Runs(a, b, "", "")
	if c.Differences != 0 {
		t.Fatalf("identical runs differ: %+v", c.Rows)
	}
	for _, r := range c.Rows {
		if !r.Same {
			t.Errorf("row %+v", r)
		}
	}
	if !strings.Contains(c.A.Label, `"Test", run aaaaaaaa`) || !c.A.RecordRead || c.B.RunID != "bbbbbbbb" {
		t.Errorf("sides %+v %+v", c.A, c.B)
	}
}

func TestRunsDifferencesFirst(t *testing.T) {
	a, b := base(), base()
	b.Profile, b.ClientID, b.Instance, b.Database = "Prod", "com.acme/sync-prod", "https://prod.my.erp.net", "Prod DB"
	b.SystemUser, b.SystemUserType = "admin", "InternalUser"
	b.ScopesGranted = []string{"read"}
	b.Verdict = check.Fail
	b.Steps = []check.StepSummary{
		{Kind: check.StepToken, Name: "Token", Verdict: check.Pass, Status: 200, DurationMS: 130},
		{Kind: check.StepAPI, Name: "API GET /x", Verdict: check.Fail, Status: 403, DurationMS: 90},
		{Kind: check.StepAPI, Name: "API PATCH /y", Verdict: check.Fail, Status: 403, DurationMS: 900},
	}
	b.Findings = []check.FindingSummary{{Code: check.APIForbidden, Severity: check.SevFail, Step: "API GET /x"}, {Code: check.APIForbidden, Severity: check.SevFail, Step: "API PATCH /y"}}
	b.Record = nil
	c := Runs(a, b, "A", "B")
	for field, want := range map[string][2]string{
		"Verdict":        {"pass", "fail"},
		"System User":    {"svc-sync (ApplicationUserNoLogin)", "admin (InternalUser)"},
		"Database":       {"Test DB", "Prod DB"},
		"Scopes granted": {"read update", "read"},
		"API GET /x":     {"pass (HTTP 200)", "fail (HTTP 403)"},
		"API PATCH /y":   {"not run", "fail (HTTP 403)"},
		"Scope":          {"read update (ok)", "not read"},
		"api.ok":         {"info in API GET /x", "absent"},
		"api.forbidden":  {"absent", "fail in 2 steps"},
	} {
		r := rowOf(c, field)
		if r.Same || r.A != want[0] || r.B != want[1] {
			t.Errorf("%s: %+v, want %v", field, r, want)
		}
	}
	if r := rowOf(c, "Scopes requested"); !r.Same {
		t.Errorf("scopes requested: %+v", r)
	}
	// Differences first, in group order; then the identical rows.
	seenSame := false
	lastGroup := -1
	for i, r := range c.Rows {
		if r.Same {
			seenSame = true
			continue
		}
		if seenSame {
			t.Fatalf("a difference after an identical row at %d: %+v", i, r)
		}
		if g := groupOrder[r.Group]; g < lastGroup {
			t.Fatalf("groups out of order at %d: %+v", i, r)
		} else {
			lastGroup = g
		}
	}
	n := 0
	for _, r := range c.Rows {
		if !r.Same {
			n++
		}
	}
	if c.Differences != n || c.Differences < 9 || c.B.RecordRead {
		t.Errorf("differences %d (counted %d), B record read %v", c.Differences, n, c.B.RecordRead)
	}
}

func TestTimingTolerance(t *testing.T) {
	for _, tc := range []struct {
		a, b int64
		same bool
	}{
		{100, 300, true},    // 3x, but only 200 ms apart
		{100, 400, false},   // 4x and 300 ms apart
		{2000, 3900, true},  // 1.95x
		{2000, 4100, false}, // 2.05x and 2.1 s apart
		{0, 0, true},
		{0, 251, false},
	} {
		if got := sameTime(tc.a, tc.b); got != tc.same {
			t.Errorf("%d vs %d ms: same %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
	a, b := base(), base()
	b.Steps[1].DurationMS = 5000
	c := Runs(a, b, "", "")
	if r := c.Rows[0]; c.Differences != 1 || r.Group != GroupTimings || r.Field != "API GET /x" || r.B != "5000 ms" {
		t.Errorf("a slow call: %+v", c.Rows[0])
	}
}

// A fresh side against the sandbox: the record is read with the run's own token, and
// its rows say whether ApplicationSecretHash fits the secret.
func TestFreshReadsTheRecord(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	side := func(name string, readRecord bool) (check.Report, check.RunSummary) {
		sc, _ := s.Scenario(name)
		p := profiles.Profile{Name: name, InstanceURL: sc.Instance, ClientID: sc.ClientID, Scopes: strings.Fields(sc.Scope), TimeoutSeconds: 10}
		return Fresh(context.Background(), p, sc.ClientSecret, check.Options{Cache: check.NewTokenCache()}, readRecord)
	}
	rep, sum := side("healthy", true)
	last := rep.Steps[len(rep.Steps)-1]
	if last.Name != RecordStepName || last.Verdict != check.Pass || sum.Steps[len(sum.Steps)-1].Status != 200 {
		t.Fatalf("record step %+v", last)
	}
	fields := map[string]check.RecordField{}
	for _, f := range sum.Record {
		fields[f.Field] = f
	}
	if fields["ApplicationSecretHash"].Value != "matches the profile's secret" || fields["ReferenceTokens"].Value != "None" || fields["Scope"].Value != "read update" {
		t.Errorf("record rows %+v", sum.Record)
	}
	if sum.Profile != "healthy" || sum.ClientID != "com.sandbox/healthy" || sum.SystemUser != "svc-import" || sum.Verdict != check.Pass {
		t.Errorf("summary %+v", sum)
	}
	// No token: no record to read, nothing pretends it was.
	_, sum = side("rotated-secret", true)
	if sum.Record != nil || sum.Verdict != check.Fail {
		t.Errorf("rotated-secret summary %+v", sum)
	}
	// readRecord off.
	rep, sum = side("healthy", false)
	if sum.Record != nil || rep.Steps[len(rep.Steps)-1].Name == RecordStepName {
		t.Errorf("the record was read with readRecord off")
	}
	// A cancelled context: no record read after the run.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sc, _ := s.Scenario("healthy")
	rep, sum = Fresh(ctx, profiles.Profile{Name: "x", InstanceURL: sc.Instance, ClientID: sc.ClientID}, sc.ClientSecret, check.Options{}, true)
	if !rep.Cancelled || sum.Record != nil {
		t.Errorf("cancelled: %v, record %v", rep.Cancelled, sum.Record)
	}
}
