package compare

import "testing"

func BenchmarkRuns(b *testing.B) {
	a, c := base(), base()
	c.SystemUser, c.Verdict = "admin", "fail"
	for i := 0; i < b.N; i++ {
		if r := Runs(a, c, "", ""); r.Differences == 0 {
			b.Fatal("no differences")
		}
	}
}
