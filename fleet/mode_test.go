package fleet

import (
	"context"
	"sync"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// OnStart hears each check begin, before its first step; ModeOf sets each target's run mode: a Production profile stops after its token
// (no API call, no session), the other runs every step; and a token-only profile of a
// Trusted App never holds its session, so the full one after it makes its calls.
func TestRunModeOf(t *testing.T) {
	s := startSandbox(t, sandbox.Config{})
	prod := target(t, s, "healthy", "prod")
	prod.Profile.Environment = profiles.EnvProduction
	test := target(t, s, "healthy", "test")
	o := Options{Parallel: 2, Run: check.Options{Cache: check.NewTokenCache()},
		ModeOf: func(p profiles.Profile) check.Mode {
			if profiles.IsProduction(p.Environment) {
				return check.NoAPI
			}
			return check.AllSteps
		}}
	var mu sync.Mutex
	begun := map[int]bool{}
	o.OnStart = func(i int) { mu.Lock(); begun[i] = true; mu.Unlock() }
	o.OnStep = func(i int, _ check.Step) {
		mu.Lock()
		defer mu.Unlock()
		if !begun[i] {
			t.Errorf("a step of target %d before it began", i)
		}
	}
	got := collect(t, context.Background(), []Target{prod, test}, o, nil)
	if len(begun) != 2 {
		t.Errorf("began: %v", begun)
	}
	calls := func(r check.Report) (n int) {
		for _, st := range r.Steps {
			if st.Kind == check.StepAPI && st.Verdict != check.Skipped {
				n++
			}
		}
		return n
	}
	if p := got[0].Report; p.Verdict != check.Pass || calls(p) != 0 || (p.Session != nil && p.Session.State != check.SessionNone) {
		t.Errorf("production: verdict %s, %d calls, session %+v", p.Verdict, calls(p), p.Session)
	}
	if r := got[1]; r.Report.Verdict != check.Pass || calls(r.Report) == 0 || r.SessionHeldBy != "" {
		t.Errorf("test: verdict %s, %d calls, session held by %q", r.Report.Verdict, calls(r.Report), r.SessionHeldBy)
	}
}
