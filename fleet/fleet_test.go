package fleet

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

func startSandbox(t *testing.T, cfg sandbox.Config) *sandbox.Server {
	t.Helper()
	cfg.TLS = true
	s, err := sandbox.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// target is the profile a user would make of a sandbox scenario, with its secret.
func target(t *testing.T, s *sandbox.Server, scenario, name string) Target {
	t.Helper()
	sc, ok := s.Scenario(scenario)
	if !ok {
		t.Fatalf("no scenario %s", scenario)
	}
	p := profiles.Profile{Name: name, InstanceURL: sc.Instance, ClientID: sc.ClientID, Scopes: strings.Fields(sc.Scope),
		AuthMethod: profiles.AuthMethod(sc.AuthMethod), TLS: profiles.TLSOptions{CAFile: s.CAFile()}, TimeoutSeconds: 10}
	if sc.Authority != strings.TrimRight(sc.Instance, "/")+"/id" {
		p.Authority = sc.Authority
	}
	for _, c := range sc.Calls {
		p.Calls = append(p.Calls, profiles.APICall{Method: c.Method, Path: c.Path, Body: c.Body})
	}
	return Target{Profile: p, Secret: sc.ClientSecret}
}

// collect runs the batch and returns the results by index, failing on a second result
// for one target or two callbacks at once.
func collect(t *testing.T, ctx context.Context, ts []Target, o Options, also func(Result)) []Result {
	t.Helper()
	got := make([]Result, len(ts))
	seen := make([]int, len(ts))
	var inCallback atomic.Int32
	Run(ctx, ts, o, func(r Result) {
		if inCallback.Add(1) != 1 {
			t.Error("two result callbacks at once")
		}
		defer inCallback.Add(-1)
		seen[r.Index]++
		got[r.Index] = r
		if also != nil {
			also(r)
		}
	})
	for i, n := range seen {
		if n != 1 {
			t.Errorf("target %d: %d results", i, n)
		}
	}
	return got
}

// Two profiles of one Trusted App and a profile of another, against a sandbox with
// two licence slots: the second profile of the app skips its API calls, saying which
// profile holds the session; the others open one session each; all pass.
func TestRunOneSessionPerTrustedApp(t *testing.T) {
	s := startSandbox(t, sandbox.Config{LicenseSlots: 2})
	healthy := target(t, s, "healthy", "healthy")
	readOnly := target(t, s, "healthy", "healthy read-only")
	readOnly.Profile.Scopes = []string{"read"}
	ts := []Target{healthy, readOnly, target(t, s, "basic-auth", "basic")}
	// One cache for both batches, as one process's keychain: the second reuses the
	// first's tokens and sessions (two slots hold no third session).
	cache := check.NewTokenCache()
	for _, why := range []func(profiles.Profile, string) string{nil, func(p profiles.Profile, holder string) string { return "custom: " + p.Name + " after " + holder }} {
		got := collect(t, context.Background(), ts, Options{Parallel: 3, Run: check.Options{Cache: cache}, SkipWhy: why}, nil)
		for i, r := range got {
			if !r.Started || r.Report.Verdict != check.Pass {
				t.Errorf("%s: started %v, verdict %s", ts[i].Profile.Name, r.Started, r.Report.Verdict)
				for _, st := range r.Report.Steps {
					t.Logf("  %s %s %s", st.Name, st.Verdict, st.Summary)
				}
			}
		}
		ro := got[1]
		if ro.SessionHeldBy != "healthy" || ro.Report.Session == nil || ro.Report.Session.State != check.SessionNone {
			t.Fatalf("read-only: held by %q, session %+v", ro.SessionHeldBy, ro.Report.Session)
		}
		want := `profile "healthy" of the same Trusted App (com.sandbox/healthy) already holds this run's ERP.net session`
		if why != nil {
			want = "custom: healthy read-only after healthy"
		}
		calls := 0
		for _, st := range ro.Report.Steps {
			if st.Kind == check.StepAPI {
				calls++
				if st.Verdict != check.Skipped || !strings.Contains(st.Summary, want) {
					t.Errorf("read-only call %s: %s %q", st.Name, st.Verdict, st.Summary)
				}
			}
		}
		if calls == 0 {
			t.Error("the read-only profile's calls are not listed")
		}
		for _, i := range []int{0, 2} {
			if got[i].SessionHeldBy != "" || got[i].Report.Session == nil || got[i].Report.Session.State == check.SessionNone {
				t.Errorf("%s: held by %q, session %+v", ts[i].Profile.Name, got[i].SessionHeldBy, got[i].Report.Session)
			}
		}
	}
	// --no-api: no session anywhere, so nobody skips anything.
	got := collect(t, context.Background(), ts, Options{Run: check.Options{Cache: check.NewTokenCache(), Mode: check.NoAPI}}, nil)
	for i, r := range got {
		if r.SessionHeldBy != "" || r.Report.Verdict != check.Pass {
			t.Errorf("no API, %s: held by %q, verdict %s", ts[i].Profile.Name, r.SessionHeldBy, r.Report.Verdict)
		}
	}
}

// Results come as each check ends: with one host and one worker, the first target's
// result is handed over before the second target's first step.
func TestRunStreamsResults(t *testing.T) {
	s := startSandbox(t, sandbox.Config{})
	ts := []Target{target(t, s, "healthy", "one"), target(t, s, "disabled", "two")}
	var mu sync.Mutex
	var events []string
	o := Options{Parallel: 1, Run: check.Options{Cache: check.NewTokenCache(), Mode: check.NoAPI},
		OnStep: func(i int, st check.Step) {
			mu.Lock()
			events = append(events, ts[i].Profile.Name+" step")
			mu.Unlock()
		}}
	got := collect(t, context.Background(), ts, o, func(r Result) {
		mu.Lock()
		events = append(events, ts[r.Index].Profile.Name+" result")
		mu.Unlock()
	})
	joined := strings.Join(events, ",")
	if !strings.Contains(joined, "one result,two step") || strings.Index(joined, "two step") < strings.Index(joined, "one result") {
		t.Errorf("the first result did not come before the second check's steps: %s", joined)
	}
	if got[1].Report.Verdict != check.Fail {
		t.Errorf("disabled: %s", got[1].Report.Verdict)
	}
}

// Cancelled after the first result: the checks not started get a result each, not
// started and cancelled, and nothing more runs.
func TestRunCancel(t *testing.T) {
	s := startSandbox(t, sandbox.Config{})
	var ts []Target
	for _, n := range []string{"a", "b", "c", "d"} {
		ts = append(ts, target(t, s, "healthy", n))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var steps atomic.Int32
	o := Options{Parallel: 2, Run: check.Options{Cache: check.NewTokenCache(), Mode: check.NoAPI},
		OnStep: func(i int, st check.Step) {
			if i > 0 {
				steps.Add(1)
			}
		}}
	got := collect(t, ctx, ts, o, func(r Result) { cancel() })
	if !got[0].Started || got[0].Report.Verdict != check.Pass {
		t.Fatalf("first: %+v", got[0])
	}
	for _, r := range got[1:] {
		if r.Started || !r.Report.Cancelled || r.Report.Profile != ts[r.Index].Profile.Name {
			t.Errorf("%d: started %v, cancelled %v, profile %q", r.Index, r.Started, r.Report.Cancelled, r.Report.Profile)
		}
	}
	if steps.Load() != 0 {
		t.Errorf("%d steps of later targets ran after the cancel", steps.Load())
	}
	// Cancelled before it starts: every target reported, none run.
	got = collect(t, ctx, ts, o, nil)
	for _, r := range got {
		if r.Started {
			t.Errorf("%d started after the cancel", r.Index)
		}
	}
}

func TestTrustedAppAndHost(t *testing.T) {
	a := profiles.Profile{InstanceURL: "https://ACME.my.erp.net/", ClientID: "app"}
	b := profiles.Profile{InstanceURL: "https://other.example", Authority: "https://acme.my.erp.net/id", ClientID: "app"}
	if TrustedApp(a) != TrustedApp(b) || TrustedApp(a) != "acme.my.erp.net app" {
		t.Errorf("%q %q", TrustedApp(a), TrustedApp(b))
	}
	if Host(a) != "acme.my.erp.net" || Host(b) == Host(a) {
		t.Errorf("%q %q", Host(a), Host(b))
	}
}
