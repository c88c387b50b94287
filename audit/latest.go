package audit

import (
	"encoding/json"

	"trustedapp-tester/check"
)

// What drift needs from History: each profile's newest run and its last passing run,
// read in one pass over the runs file however many profiles there are.

// Passed reports whether a run counts as passing for drift: it ran to its end
// (not cancelled) with the verdict pass or warn (what `check` exits 0 for without
// --strict).
func Passed(s check.RunSummary) bool {
	return !s.Cancelled && (s.Verdict == check.Pass || s.Verdict == check.Warn)
}

// Latest is one profile's newest run in History and the newest passing run before it.
// Cancelled runs are left out of both.
type Latest struct {
	Newest check.RunSummary
	// LastPass is the newest passing run older than Newest; nil when there is none.
	LastPass *check.RunSummary
}

// Baseline is what a run made now compares with: the newest passing run in History
// (Newest itself when it passed, else LastPass); nil when there is none.
func (x Latest) Baseline() *check.RunSummary {
	if Passed(x.Newest) {
		n := x.Newest
		return &n
	}
	return x.LastPass
}

// LatestRuns returns, for each profile with a run in History, its newest run and the
// newest passing run before it, keyed by profile name (the names are exact, as
// Filter.Profile's). With names given, only those profiles are kept. The runs file and
// its rotated predecessors are read once; unreadable lines are skipped and counted as
// Runs does.
func (l *Log) LatestRuns(names ...string) (map[string]Latest, error) {
	var want map[string]bool
	if len(names) > 0 {
		want = make(map[string]bool, len(names))
		for _, n := range names {
			want[n] = true
		}
	}
	out := map[string]Latest{}
	rl := l.runs()
	err := rl.eachLine(func(t []byte) error {
		var s check.RunSummary
		if err := json.Unmarshal(t, &s); err != nil || s.ID == "" || s.Started.IsZero() {
			rl.corrupt++
			return nil
		}
		if (want != nil && !want[s.Profile]) || s.Cancelled {
			return nil
		}
		x, seen := out[s.Profile]
		switch {
		case !seen:
			x.Newest = s
		case !s.Started.Before(x.Newest.Started):
			// Newer than the newest so far (lines are appended in time order; two
			// processes may interleave, so time decides).
			if Passed(x.Newest) {
				prev := x.Newest
				x.LastPass = &prev
			}
			x.Newest = s
		case Passed(s) && (x.LastPass == nil || !s.Started.Before(x.LastPass.Started)):
			cp := s
			x.LastPass = &cp
		}
		out[s.Profile] = x
		return nil
	})
	return out, err
}
