package desk

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/fyneloop"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

var t0 = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

var loop *fyneloop.Loop

// useLoop queues fyne.Do for the test goroutine (settle, await), as a real driver's
// main loop runs it on the UI goroutine.
func useLoop(t *testing.T) { loop, _ = fyneloop.Use(t) }

// settle waits for the desk's goroutines and runs what they hand to the UI goroutine,
// until nothing is left.
func settle(d *Desk) {
	for {
		d.Wait()
		if !loop.Pump() {
			return
		}
	}
}

// await runs queued UI calls until ch delivers (or 10 s pass).
func await[T any](t *testing.T, ch chan T) T {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		loop.Pump()
		select {
		case v := <-ch:
			return v
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatal("no result within 10 s")
	var zero T
	return zero
}

// view records what the desk tells the window.
type view struct {
	mu       sync.Mutex
	read     int
	started  []RunID
	finished []*Run
	steps    int
	setups   []SandboxSetup
}

func (v *view) ProfilesRead()            { v.mu.Lock(); v.read++; v.mu.Unlock() }
func (v *view) RunStarted(r *Run)        { v.mu.Lock(); v.started = append(v.started, r.ID); v.mu.Unlock() }
func (v *view) RunStep(*Run, check.Step) { v.mu.Lock(); v.steps++; v.mu.Unlock() }
func (v *view) RunFinished(r *Run)       { v.mu.Lock(); v.finished = append(v.finished, r); v.mu.Unlock() }
func (v *view) SandboxReady(s SandboxSetup) {
	v.mu.Lock()
	v.setups = append(v.setups, s)
	v.mu.Unlock()
}
func (v *view) Tick(time.Time) {}

// stalling is an instance that never answers an API call until the caller gives up.
func stalling(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// tokenRun is a Run func that streams nothing and returns a passing report with a
// token that expires at exp.
func tokenRun(exp time.Time) func(context.Context, profiles.Profile, string, check.Options, func(check.Step)) check.Report {
	return func(_ context.Context, p profiles.Profile, _ string, o check.Options, _ func(check.Step)) check.Report {
		return check.Report{Profile: p.Name, Verdict: check.Pass, Started: t0, Finished: t0,
			Access: check.NewAccessToken("token-of-" + p.Name + "-" + o.Now().Format(time.RFC3339Nano)),
			Claims: &tokenview.Claims{Expires: exp}}
	}
}

// newDesk is a desk over a real store with the given profiles (mock keychain, each with
// a secret), reading the list before it returns.
func newDesk(t *testing.T, deps Deps, seed ...profiles.Profile) (*Desk, *view) {
	t.Helper()
	useLoop(t)
	keyring.MockInit()
	st, err := profiles.Open(filepath.Join(testdir.New(t), "profiles.json"))
	if err != nil {
		t.Fatal(err)
	}
	sec := profiles.NewSecrets()
	for _, p := range seed {
		if err := st.Add(p); err != nil {
			t.Fatal(err)
		}
		if err := sec.Set(p.Name, "secret-"+p.Name); err != nil {
			t.Fatal(err)
		}
	}
	deps.Store, deps.Secrets = NewStore(st), NewSecrets(sec)
	if deps.Now == nil {
		deps.Now = func() time.Time { return t0 }
	}
	v := &view{}
	d := New(deps, v)
	d.Reload("", nil)
	settle(d)
	t.Cleanup(func() { d.CancelRun(); settle(d) })
	return d, v
}

func profile(name, url string) profiles.Profile {
	return profiles.Profile{Name: name, InstanceURL: url, ClientID: "com.acme/" + name, AuthMethod: profiles.AuthPost, TimeoutSeconds: 30}
}

// run tests the selected profile and waits for it.
func run(t *testing.T, d *Desk) *Run {
	t.Helper()
	if d.StartRun(false, nil, nil) != Started {
		t.Fatal("the run did not start")
	}
	settle(d)
	r := d.RunOf(d.Selected())
	if r == nil || !r.Done {
		t.Fatalf("run %+v", r)
	}
	return r
}

// A custom call can be cancelled: against an instance that never answers, Cancel ends
// it at once (not after the profile's 30 s timeout), and the result says cancelled.
func TestCustomCallCancels(t *testing.T) {
	srv := stalling(t)
	d, _ := newDesk(t, Deps{Run: tokenRun(t0.Add(time.Hour))}, profile("A", srv.URL))
	r := run(t, d)
	var op *Op
	got := make(chan CallResult, 1)
	d.SendCall(r, profiles.APICall{Method: "GET", Path: "/api/domain/odata/X"}, func(o *Op, renewing bool) {
		op = o
		if renewing {
			t.Error("a valid token was renewed")
		}
	}, func(res CallResult) { got <- res })
	if op == nil || !d.InFlight(op.ID) {
		t.Fatal("no operation in flight")
	}
	start := time.Now()
	op.Cancel()
	if res := await(t, got); !res.Cancelled || res.Op != op.ID || res.Run != r.ID {
		t.Errorf("result %+v", res)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("cancel took %v", took)
	}
	settle(d)
	if d.InFlight(op.ID) {
		t.Error("the operation is still listed")
	}
}

// A new run of the profile cancels what used the old run's token, and says whose
// result it is: the run's ID, which the screens compare with the run they show.
func TestNewRunCancelsTheOldRunsCall(t *testing.T) {
	srv := stalling(t)
	d, v := newDesk(t, Deps{Run: tokenRun(t0.Add(time.Hour))}, profile("A", srv.URL))
	first := run(t, d)
	got := make(chan CallResult, 1)
	d.SendCall(first, profiles.APICall{Method: "GET", Path: "/x"}, nil, func(res CallResult) { got <- res })
	second := run(t, d)
	if res := await(t, got); !res.Cancelled || res.Run != first.ID || res.Run == second.ID {
		t.Errorf("result %+v (runs %d, %d)", res, first.ID, second.ID)
	}
	if len(v.started) != 2 || v.started[0] == v.started[1] {
		t.Errorf("runs started %v", v.started)
	}
}

// An expired token is renewed by a fresh run before the call goes out with the new
// token; the call's result belongs to the new run.
func TestCallRenewsAnExpiredToken(t *testing.T) {
	var mu sync.Mutex
	var fresh []bool
	var used []string
	now := t0
	d, _ := newDesk(t, Deps{
		Now: func() time.Time { return now },
		Run: func(ctx context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
			mu.Lock()
			fresh = append(fresh, o.Fresh)
			mu.Unlock()
			return tokenRun(o.Now().Add(time.Hour))(ctx, p, s, o, on)
		},
		Call: func(_ context.Context, _ profiles.Profile, tok *check.AccessToken, c profiles.APICall, _ check.Options) check.Step {
			mu.Lock()
			used = append(used, tok.Reveal())
			mu.Unlock()
			return check.Step{Kind: check.StepAPI, Name: "API " + c.Path, Verdict: check.Pass}
		},
	}, profile("A", "https://acme.my.erp.net"))
	first := run(t, d)
	now = t0.Add(2 * time.Hour)
	got := make(chan CallResult, 1)
	renewed := false
	d.SendCall(first, profiles.APICall{Method: "GET", Path: "/x"}, func(_ *Op, r bool) { renewed = r }, func(res CallResult) { got <- res })
	settle(d)
	res := await(t, got)
	second := d.RunOf("A")
	if !renewed || len(fresh) != 2 || !fresh[1] || second.ID == first.ID || res.Run != second.ID {
		t.Fatalf("renewed %v, runs %v, result run %d (new run %d)", renewed, fresh, res.Run, second.ID)
	}
	if len(used) != 1 || used[0] != second.Access().Reveal() {
		t.Errorf("the call used %q, want the new token", used)
	}
}

// A run whose profile has no secret does not start, and says why.
func TestRunWithoutASecret(t *testing.T) {
	d, v := newDesk(t, Deps{Run: tokenRun(t0.Add(time.Hour))}, profile("A", "https://acme.my.erp.net"))
	if err := d.deps.Secrets.Delete("A"); err != nil {
		t.Fatal(err)
	}
	d.StartRun(false, nil, nil)
	settle(d)
	if len(v.finished) != 1 || v.finished[0].NotStarted != ErrNoSecret || d.Report("A") != nil || d.Running() {
		t.Fatalf("finished %+v", v.finished)
	}
}

// StartRun decides alone whether a run starts and says so: nothing with no profile
// selected or a run in flight (CanStart says the same beforehand), else began hears
// what starts before any work does, a sandbox profile from an earlier session
// starting its sandbox first.
func TestStartRunAnswers(t *testing.T) {
	stale := profile("Sandbox: healthy", "http://127.0.0.1:1")
	stale.Sandbox = true
	moved := stale
	moved.InstanceURL = "http://127.0.0.1:2"
	d, v := newDesk(t, Deps{
		Run: func(ctx context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
			if p.Name == "A" {
				<-ctx.Done() // runs until cancelled
			}
			return tokenRun(t0.Add(time.Hour))(ctx, p, s, o, on)
		},
		Sandbox: func(context.Context) ([]SandboxProfile, error) {
			return []SandboxProfile{{Profile: moved, Secret: "scenario secret"}}, nil
		},
	}, profile("A", "https://acme.my.erp.net"), stale)
	var heard []Start
	began := func(s Start) {
		heard = append(heard, s)
		if len(v.started) != 0 {
			t.Errorf("began heard %v after the run started", s)
		}
	}

	d.Select("")
	if c, s := d.CanStart(), d.StartRun(false, nil, began); c != NoProfile || s != NoProfile || len(heard) != 0 || len(v.started) != 0 {
		t.Fatalf("nothing selected: can %v, start %v, heard %v", c, s, heard)
	}
	d.Select("A")
	if c := d.CanStart(); c != Started {
		t.Fatalf("can %v", c)
	}
	if s := d.StartRun(false, nil, began); s != Started || len(heard) != 1 || heard[0] != Started || len(v.started) != 1 {
		t.Fatalf("start %v, heard %v, started %v", s, heard, v.started)
	}
	if c, s := d.CanStart(), d.StartRun(true, nil, began); c != AlreadyRunning || s != AlreadyRunning || !s.Refused() || len(heard) != 1 || len(v.started) != 1 {
		t.Fatalf("while running: can %v, start %v, heard %v", c, s, heard)
	}
	d.CancelRun()
	settle(d)

	heard, v.started = nil, nil
	d.Select("Sandbox: healthy")
	if c := d.CanStart(); c != StartingSandbox {
		t.Fatalf("stale sandbox profile: can %v", c)
	}
	if s := d.StartRun(false, nil, began); s != StartingSandbox || len(heard) != 1 || heard[0] != StartingSandbox {
		t.Fatalf("stale sandbox profile: start %v, heard %v", s, heard)
	}
	settle(d)
	r := d.RunOf("Sandbox: healthy")
	if len(v.setups) != 1 || len(v.started) != 1 || r == nil || r.Profile.InstanceURL != moved.InstanceURL || len(heard) != 1 {
		t.Fatalf("after the sandbox started: setups %v, runs started %v, run %+v, heard %v", v.setups, v.started, r, heard)
	}
}
