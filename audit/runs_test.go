package audit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/check"
)

// Every recorded report leaves one run summary beside the request log: what the run
// showed, never the secret or the token.
func TestAppendReportKeepsARunSummary(t *testing.T) {
	l := openTemp(t)
	r := runReport()
	r.Finished = t0.Add(3 * time.Second)
	if err := l.AppendReport("prod", "com.acme/sync", r); err != nil {
		t.Fatal(err)
	}
	runs, err := l.Runs(Filter{})
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	s := runs[0]
	if len(s.ID) != 8 || s.Profile != "prod" || s.ClientID != "com.acme/sync" || s.Instance != "https://acme.my.erp.net" ||
		!s.Started.Equal(t0) || s.DurationMS != 3000 || s.Verdict != check.Pass || len(s.Steps) != 4 || s.Steps[2].Status != 403 {
		t.Errorf("summary %+v", s)
	}
	if RunsPath(l.Path()) != strings.TrimSuffix(l.Path(), ".jsonl")+".runs.jsonl" {
		t.Errorf("runs path %s", RunsPath(l.Path()))
	}
	raw, err := os.ReadFile(RunsPath(l.Path()))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{secret, rawJWT, "c2lnbmF0dXJlMTIzNDU2Nzg5"} {
		if bytes.Contains(raw, []byte(bad)) {
			t.Errorf("runs file contains %q", bad)
		}
	}
	if st, _ := os.Stat(RunsPath(l.Path())); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 { // Windows: the user profile's ACLs
		t.Errorf("runs file mode %v", st.Mode().Perm())
	}
	// The request log itself is unchanged: three requests, no run lines.
	if es, _ := l.Entries(Filter{}); len(es) != 3 || l.Corrupt() != 0 {
		t.Errorf("request log: %d entries, %d corrupt", len(es), l.Corrupt())
	}
}

func TestRunsByProfileAndID(t *testing.T) {
	l := openTemp(t)
	var ids []string
	for i, p := range []string{"prod", "test", "prod"} {
		s := check.RunSummary{ID: fmt.Sprintf("ab%02dcd%02d", i, i), Profile: p, Started: t0.Add(time.Duration(i) * time.Hour), Verdict: check.Pass}
		ids = append(ids, s.ID)
		if err := l.AppendRun(s); err != nil {
			t.Fatal(err)
		}
	}
	runs, _ := l.Runs(Filter{Profile: "prod"})
	if len(runs) != 2 || runs[0].ID != ids[0] || runs[1].ID != ids[2] {
		t.Errorf("prod runs %+v", runs)
	}
	if s, err := l.Run("AB01"); err != nil || s.Profile != "test" {
		t.Errorf("by prefix: %+v %v", s, err)
	}
	if _, err := l.Run("ab0"); err == nil || !strings.Contains(err.Error(), "at least 4") {
		t.Errorf("short prefix: %v", err)
	}
	if _, err := l.Run("ffff"); !errors.Is(err, ErrRunNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if err := l.AppendRun(check.RunSummary{ID: "ab01ffff", Profile: "x", Started: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Run("ab01"); err == nil || !strings.Contains(err.Error(), "fits 2 runs") {
		t.Errorf("ambiguous prefix: %v", err)
	}
	// A run without an id gets one.
	if err := l.AppendRun(check.RunSummary{Profile: "y", Started: t0}); err != nil {
		t.Fatal(err)
	}
	if runs, _ := l.Runs(Filter{Profile: "y"}); len(runs) != 1 || len(runs[0].ID) != 8 {
		t.Errorf("run without id: %+v", runs)
	}
}

func TestRunsSkipCorruptLinesAndRotate(t *testing.T) {
	l := openTemp(t)
	if err := l.AppendRun(check.RunSummary{ID: "11111111", Profile: "a", Started: t0}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(RunsPath(l.Path()), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("not json\n{\"id\":\"\"}\n{\"id\":\"22222222\",\"profile\":\"cut")
	f.Close()
	if err := l.AppendRun(check.RunSummary{ID: "33333333", Profile: "b", Started: t0}); err != nil {
		t.Fatal(err)
	}
	runs, err := l.Runs(Filter{})
	if err != nil || len(runs) != 2 || runs[1].ID != "33333333" {
		t.Fatalf("runs %+v %v", runs, err)
	}
	l.SetLimits(2000, 2)
	for i := 0; i < 50; i++ {
		if err := l.AppendRun(check.RunSummary{ID: fmt.Sprintf("%08x", i), Profile: "p", Started: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{RunsPath(l.Path()), RunsPath(l.Path()) + ".1"} {
		if st, err := os.Stat(p); err != nil || st.Size() > 2000 {
			t.Errorf("%s: %v, %v bytes", p, err, st)
		}
	}
	if _, err := os.Stat(RunsPath(l.Path()) + ".2"); !errors.Is(err, os.ErrNotExist) {
		t.Error("a third runs file was kept")
	}
	runs, _ = l.Runs(Filter{})
	if len(runs) == 0 || runs[len(runs)-1].ID != fmt.Sprintf("%08x", 49) {
		t.Errorf("after rotation the newest run is missing: %d runs", len(runs))
	}
}

// Several writers at once (each with its own Log on the same file, as two processes
// have): every summary line stays whole.
func TestRunsFromManyWriters(t *testing.T) {
	path := openTemp(t).Path()
	var wg sync.WaitGroup
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			l, err := Open(path)
			if err != nil {
				t.Error(err)
				return
			}
			for i := 0; i < 20; i++ {
				r := runReport()
				r.Profile = fmt.Sprintf("p%d", g)
				if err := l.AppendReport(r.Profile, "c", r); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	wg.Wait()
	l, _ := Open(path)
	runs, err := l.Runs(Filter{})
	if err != nil || len(runs) != 200 || l.runs().Corrupt() != 0 {
		t.Errorf("%d runs, %d corrupt, %v", len(runs), l.runs().Corrupt(), err)
	}
}
