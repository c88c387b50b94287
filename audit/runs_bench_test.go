package audit

import (
	"fmt"
	"os"
	"testing"
	"time"

	"trustedapp-tester/check"
)

// Reading History's run summaries when the runs file is at its size limit (what
// 'diff --runs' and 'diff PROFILE@N' read).
func BenchmarkRunsFullFile(b *testing.B) {
	l, n := fullRunsFile(b, func(n int, sum *check.RunSummary) { sum.Profile = fmt.Sprintf("profile-%d", n%20) })
	for _, tc := range []struct {
		name string
		f    Filter
	}{{"one profile", Filter{Profile: "profile-3"}}, {"all", Filter{}}} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				runs, err := l.Runs(tc.f)
				if err != nil || len(runs) == 0 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "runs_in_file")
		})
	}
}

// fullRunsFile is a history log whose runs file is filled to its size limit with the
// summary of a healthy run, each given its own ID and then changed by vary (its
// profile, start, verdict); n is how many runs it holds.
func fullRunsFile(b *testing.B, vary func(n int, sum *check.RunSummary)) (l *Log, n int) {
	b.Helper()
	l, err := Open(b.TempDir() + "/audit.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	r := runReport()
	r.Finished = t0.Add(3 * time.Second)
	sum := check.Summarize(r)
	for st, _ := os.Stat(RunsPath(l.Path())); st == nil || st.Size() < DefaultMaxBytes-4096; st, _ = os.Stat(RunsPath(l.Path())) {
		sum.ID = fmt.Sprintf("%08x", n)
		vary(n, &sum)
		if err := l.AppendRun(sum); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return l, n
}
