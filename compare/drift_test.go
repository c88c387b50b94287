package compare

import (
	"strings"
	"testing"

	"trustedapp-tester/check"
)

func driftBase() check.RunSummary {
	s := base()
	s.TokenLifetimeS, s.Version = 3600, "26.2.0.76"
	return s
}

// Every fact drift counts, changed one at a time and all at once; facts it does not
// count (timings, findings, steps, requested scopes) change nothing.
func TestDrifted(t *testing.T) {
	was := driftBase()
	for _, tc := range []struct {
		key, field, a, b string
		change           func(*check.RunSummary)
	}{
		{DriftVerdict, "Verdict", "pass", "warn", func(s *check.RunSummary) { s.Verdict = check.Warn }},
		{DriftSystemUser, "System User", "svc-sync (ApplicationUserNoLogin)", "admin (ApplicationUserNoLogin)", func(s *check.RunSummary) { s.SystemUser = "admin" }},
		{DriftDatabase, "Database", "Test DB", "Other DB", func(s *check.RunSummary) { s.Database = "Other DB" }},
		{DriftScopesGranted, "Scopes granted", "read update", "read", func(s *check.RunSummary) { s.ScopesGranted = []string{"read"} }},
		{DriftTokenLifetime, "Token lifetime", "1h0m0s", "5m0s", func(s *check.RunSummary) { s.TokenLifetimeS = 300 }},
		{DriftVersion, "Version", "26.2.0.76", "26.3.0.1", func(s *check.RunSummary) { s.Version = "26.3.0.1" }},
		{"record.Scope", "Record: Scope", "read update (ok)", "read (bad)", func(s *check.RunSummary) {
			s.Record = []check.RecordField{{Field: "Scope", Value: "read", State: check.RecordBad}}
		}},
	} {
		now := driftBase()
		now.ID = "bbbbbbbb"
		tc.change(&now)
		d := Drifted(now, &was)
		if !d.Baseline || d.SinceRunID != "aaaaaaaa" || len(d.Changes) != 1 {
			t.Fatalf("%s: %+v", tc.key, d)
		}
		if c := d.Changes[0]; c != (Change{Key: tc.key, Field: tc.field, Was: tc.a, Now: tc.b}) || !d.Has(tc.key) {
			t.Errorf("%s: %+v", tc.key, c)
		}
	}
	now := driftBase()
	now.DurationMS, now.ScopesRequested = 9000, []string{"read"}
	now.Steps[1].DurationMS, now.Steps[1].Status = 5000, 204
	now.Findings = nil
	if d := Drifted(now, &was); d.Changed() || !strings.HasPrefix(DriftLine(d), "no change since last pass (run aaaaaaaa of ") {
		t.Errorf("not drift: %+v, %q", d.Changes, DriftLine(d))
	}
	// All at once: in DriftKeys order, the record last.
	now.Verdict, now.SystemUser, now.Database, now.ScopesGranted, now.TokenLifetimeS, now.Version = check.Warn, "x", "y", []string{"read"}, 60, "27.0"
	now.Record = []check.RecordField{{Field: "Scope", Value: "read", State: check.RecordBad}}
	d := Drifted(now, &was)
	var keys []string
	for _, c := range d.Changes {
		keys = append(keys, c.Key)
	}
	if strings.Join(keys, " ") != strings.Join(append(append([]string{}, DriftKeys...), "record.Scope"), " ") {
		t.Errorf("order %v", keys)
	}
	line := DriftLine(d)
	if !strings.Contains(line, "changed since last pass (run aaaaaaaa of ") || !strings.Contains(line, "): Verdict pass -> warn; System User svc-sync (ApplicationUserNoLogin) -> x (ApplicationUserNoLogin); ") ||
		!strings.HasSuffix(line, "Record: Scope read update (ok) -> read (bad)") {
		t.Errorf("line %q", line)
	}
}

// A fact only one run saw is not drift: a failed token has no System User, scopes or
// lifetime; a run that did not read the record, or an older summary without the
// version or lifetime, compares nothing there.
func TestDriftComparesOnlyWhatBothSaw(t *testing.T) {
	was := driftBase()
	now := driftBase()
	now.Verdict, now.SystemUser, now.SystemUserType, now.Database, now.TokenKind, now.ScopesGranted, now.TokenLifetimeS = check.Fail, "", "", "", "", []string{}, 0
	now.Steps = []check.StepSummary{{Kind: check.StepToken, Name: "Token", Verdict: check.Fail, Status: 400}}
	now.Record = nil
	d := Drifted(now, &was)
	if len(d.Changes) != 1 || d.Changes[0].Key != DriftVerdict || d.Changes[0].Now != "fail" {
		t.Errorf("failed token: %+v", d.Changes)
	}
	old := driftBase()
	old.Version, old.TokenLifetimeS, old.Record = "", 0, nil
	if d := Drifted(driftBase(), &old); d.Changed() {
		t.Errorf("older summary: %+v", d.Changes)
	}
	// No passing run: no baseline, nothing to say but that.
	if d := Drifted(now, nil); d.Baseline || d.Changed() || d.Changes == nil || DriftLine(d) != "no passing run in History to compare with" {
		t.Errorf("no baseline: %+v %q", d, DriftLine(d))
	}
}
