package audit

import (
	"fmt"
	"testing"
	"time"

	"trustedapp-tester/check"
)

// Each profile's newest and last passing run when the runs file is at its size limit
// with 500 profiles: what check --all, watch and the app's fleet view read for drift,
// once per batch.
func BenchmarkLatestRuns500Profiles(b *testing.B) {
	l, n := fullRunsFile(b, func(n int, sum *check.RunSummary) {
		sum.Profile, sum.Started = fmt.Sprintf("profile-%d", n%500), t0.Add(time.Duration(n)*time.Second)
		sum.Verdict = check.Pass
		if n%7 == 0 {
			sum.Verdict = check.Fail
		}
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := l.LatestRuns()
		if err != nil || len(got) != 500 {
			b.Fatal(len(got), err)
		}
	}
	b.ReportMetric(float64(n), "runs")
}
