package check

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSlowTokenEndpoint: a token endpoint over its limit is a warning that states the
// time and the limit, on the token step, with the other steps untouched.
func TestSlowTokenEndpoint(t *testing.T) {
	f := newERP(t)
	f.Token = func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		f.GrantToken(w, r)
	}
	opts := fresh()
	opts.Slow = SlowLimits{Identity: 200 * time.Millisecond, API: 10 * time.Second}
	rep := Run(context.Background(), f.profile(), f.Secret, opts, nil)
	st := stepOf(rep, StepToken)
	fd := finding(rep, NetSlow)
	if fd == nil || st.Verdict != Warn || rep.Verdict != Warn {
		t.Fatalf("token step %s, run %s, codes %v", st.Verdict, rep.Verdict, codes(rep, ""))
	}
	if !strings.HasPrefix(fd.Message, "The token endpoint took ") || !strings.Contains(fd.Message, "more than the 200 ms it normally needs") ||
		!strings.Contains(fd.Message, "of the profile's 5 s timeout") || fd.Evidence[EvThreshold] != "200 ms" || fd.Evidence[EvElapsed] == "" {
		t.Errorf("finding: %s %v", fd.Message, fd.Evidence)
	}
	for _, k := range []StepKind{StepReachability, StepDiscovery, StepInspect, StepAPI} {
		if s := stepOf(rep, k); s != nil && hasCodeIn(*s, NetSlow) {
			t.Errorf("%s has net.slow too", k)
		}
	}
}

// TestSlowShareOfTimeout: an API call that takes more than half of the per-call
// timeout is slow even under the API limit.
func TestSlowShareOfTimeout(t *testing.T) {
	f := newERP(t)
	f.API = func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "Customers") {
			time.Sleep(650 * time.Millisecond)
		}
		acceptAll(w, r)
	}
	opts := fresh()
	opts.Timeout = time.Second
	opts.Slow = SlowLimits{Identity: 10 * time.Second, API: 10 * time.Second}
	rep := Run(context.Background(), f.profile(), f.Secret, opts, nil)
	var slow []string
	for _, s := range rep.Steps {
		if hasCodeIn(s, NetSlow) {
			slow = append(slow, s.Name)
		}
	}
	if len(slow) != 1 || !strings.Contains(slow[0], "Crm_Sales_Customers") {
		t.Fatalf("slow steps %v, codes %v", slow, codes(rep, ""))
	}
	fd := finding(rep, NetSlow)
	if !strings.HasPrefix(fd.Message, "GET /api/domain/odata/Crm_Sales_Customers took ") || strings.Contains(fd.Message, "normally needs") ||
		!strings.Contains(fd.Message, "of the profile's 1 s timeout") || !strings.Contains(fd.Message, "would time out") {
		t.Errorf("message: %s", fd.Message)
	}
}

// A request that got no answer in time is net.timeout, never also net.slow; a fast
// run has no slow finding at all.
func TestSlowNotForTimeoutsOrFastRuns(t *testing.T) {
	f := newERP(t)
	f.Token = func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	}
	opts := fresh()
	opts.Timeout = 300 * time.Millisecond
	rep := Run(context.Background(), f.profile(), f.Secret, opts, nil)
	if !hasCode(rep, NetTimeout) || hasCode(rep, NetSlow) {
		t.Errorf("timed-out token request: %v", codes(rep, ""))
	}
	g := newERP(t)
	if rep := Run(context.Background(), g.profile(), g.Secret, fresh(), nil); hasCode(rep, NetSlow) {
		t.Errorf("a fast run: %v", codes(rep, ""))
	}
}

// TestSlowNamesWhoWouldTimeOut: the message lists the documented client budgets the
// time exceeds, and those it uses more than half of (a step with a recorded time).
func TestSlowNamesWhoWouldTimeOut(t *testing.T) {
	r := &run{opts: Options{Timeout: 30 * time.Second}}
	mk := func(k StepKind, d time.Duration) Step {
		return Step{Kind: k, Exchanges: []Exchange{{Method: "GET", URL: "https://acme.my.erp.net/id/.well-known/openid-configuration", Status: 200, Timings: Timings{Total: d}}}}
	}
	fd, ok := r.slowFinding(mk(StepDiscovery, 35*time.Second))
	if !ok {
		t.Fatal("35 s discovery is not slow")
	}
	for _, want := range []string{"Fetching the OpenID configuration took 35 s",
		"Integrations with a shorter time budget would time out: AWS Lambda functions with the default timeout (3 s), AWS API Gateway integrations (29 s).",
		"It takes more than half the time budget of ASP.NET Core JwtBearer's metadata and key refresh (BackchannelTimeout) (60 s), nginx reverse proxies with the default proxy_read_timeout (60 s).",
		"117% of the profile's 30 s timeout"} {
		if !strings.Contains(fd.Message, want) {
			t.Errorf("message lacks %q:\n%s", want, fd.Message)
		}
	}
	// JwtBearer's backchannel budget is about discovery; an API call does not name it.
	fd, _ = r.slowFinding(mk(StepAPI, 35*time.Second))
	if strings.Contains(fd.Message, "JwtBearer") {
		t.Errorf("API step names JwtBearer: %s", fd.Message)
	}
	if _, ok := r.slowFinding(mk(StepToken, 500*time.Millisecond)); ok {
		t.Error("half a second is slow")
	}
}
