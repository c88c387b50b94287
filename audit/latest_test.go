package audit

import (
	"os"
	"testing"
	"time"

	"trustedapp-tester/check"
)

// LatestRuns picks each profile's newest run and the newest passing run before it,
// leaves cancelled runs out, keeps to the names asked for, and reads the rotated
// files too.
func TestLatestRuns(t *testing.T) {
	l := openTemp(t)
	run := func(id, profile string, hour int, v check.Verdict, cancelled bool) {
		t.Helper()
		s := check.RunSummary{ID: id, Profile: profile, Started: t0.Add(time.Duration(hour) * time.Hour), Verdict: v, Cancelled: cancelled}
		if err := l.AppendRun(s); err != nil {
			t.Fatal(err)
		}
	}
	run("a0000001", "prod", 0, check.Pass, false)
	run("a0000002", "prod", 1, check.Warn, false) // warn passes
	run("a0000003", "prod", 2, check.Fail, false)
	run("a0000004", "prod", 3, check.Fail, false)
	run("a0000005", "prod", 4, check.Pass, true) // cancelled: neither newest nor a pass
	run("b0000001", "test", 0, check.Fail, false)
	run("b0000002", "test", 1, check.Pass, false)
	run("c0000001", "never", 0, check.Fail, false)
	// Two writers may interleave: an older run appended late is placed by its time.
	run("b0000000", "test", -1, check.Pass, false)
	got, err := l.LatestRuns()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d profiles: %+v", len(got), got)
	}
	prod := got["prod"]
	if prod.Newest.ID != "a0000004" || prod.LastPass == nil || prod.LastPass.ID != "a0000002" || prod.Baseline().ID != "a0000002" {
		t.Errorf("prod: newest %s, last pass %+v", prod.Newest.ID, prod.LastPass)
	}
	test := got["test"]
	if test.Newest.ID != "b0000002" || test.LastPass == nil || test.LastPass.ID != "b0000000" || test.Baseline().ID != "b0000002" {
		t.Errorf("test: newest %s, last pass %+v, baseline %+v", test.Newest.ID, test.LastPass, test.Baseline())
	}
	if never := got["never"]; never.LastPass != nil || never.Baseline() != nil {
		t.Errorf("never: %+v", never)
	}
	only, err := l.LatestRuns("test", "nobody")
	if err != nil || len(only) != 1 || only["test"].Newest.ID != "b0000002" {
		t.Errorf("named: %+v %v", only, err)
	}
	// Rotated: the older file still counts, a broken line is skipped and counted.
	l.SetLimits(400, 3)
	run("a0000006", "prod", 5, check.Pass, false)
	f, err := os.OpenFile(RunsPath(l.Path()), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{not json\n")
	f.Close()
	run("a0000007", "prod", 6, check.Fail, false)
	got, err = l.LatestRuns("prod")
	if err != nil || got["prod"].Newest.ID != "a0000007" || got["prod"].LastPass.ID != "a0000006" {
		t.Errorf("after rotation: %+v %v", got["prod"], err)
	}
	if l.runs().Corrupt() != 1 {
		t.Errorf("corrupt lines: %d", l.runs().Corrupt())
	}
	if _, err := os.Stat(RunsPath(l.Path()) + ".1"); err != nil {
		t.Errorf("the runs file was not rotated: %v", err)
	}
}
