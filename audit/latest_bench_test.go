package audit

import (
	"fmt"
	"os"
	"testing"
	"time"

	"trustedapp-tester/check"
)

// Each profile's newest and last passing run when the runs file is at its size limit
// with 500 profiles: what check --all, watch and the app's fleet view read for drift,
// once per batch.
func BenchmarkLatestRuns500Profiles(b *testing.B) {
	l, err := Open(b.TempDir() + "/audit.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	r := runReport()
	r.Finished = t0.Add(3 * time.Second)
	sum := check.Summarize(r)
	var n int
	for st, _ := os.Stat(RunsPath(l.Path())); st == nil || st.Size() < DefaultMaxBytes-4096; st, _ = os.Stat(RunsPath(l.Path())) {
		sum.ID, sum.Profile, sum.Started = fmt.Sprintf("%08x", n), fmt.Sprintf("profile-%d", n%500), t0.Add(time.Duration(n)*time.Second)
		sum.Verdict = check.Pass
		if n%7 == 0 {
			sum.Verdict = check.Fail
		}
		if err := l.AppendRun(sum); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := l.LatestRuns()
		if err != nil || len(got) != 500 {
			b.Fatal(len(got), err)
		}
	}
	b.ReportMetric(float64(n), "runs")
}
