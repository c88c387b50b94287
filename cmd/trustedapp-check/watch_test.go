package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/internal/redact"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

func TestWatchUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"watch"}, "name the profiles to watch, or give --all"},
		{[]string{"watch", "--all", "x", "--metrics-file", "f"}, "give no PROFILE with it"},
		{[]string{"watch", "x"}, "nowhere to publish the metrics: give --metrics-file FILE, --listen ADDR, or both"},
		{[]string{"watch", "x", "--once", "--listen", "9464"}, "use --metrics-file with --once"},
		{[]string{"watch", "x", "--every", "5s", "--metrics-file", "f"}, "--every 5s: use at least 10s"},
		{[]string{"watch", "x", "--every", "soon", "--metrics-file", "f"}, `--every "soon" is not a duration`},
		{[]string{"watch", "x", "--parallel", "0", "--metrics-file", "f"}, "--parallel 0: use 1 to 64"},
		{[]string{"watch", "x", "--listen", "localhost"}, `--listen "localhost": give HOST:PORT`},
		{[]string{"watch", "x", "--listen", "127.0.0.1:99999"}, "the port must be a number from 0 to 65535"},
		{[]string{"watch", "x", "--bogus"}, "flag provided but not defined: -bogus"},
	} {
		r := runArgs(t, context.Background(), "", tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d\n%s", tc.args, r.code, r.stderr)
		}
	}
	if a, err := listenAddr("9464"); err != nil || a != "127.0.0.1:9464" {
		t.Errorf("a port alone: %q %v", a, err)
	}
	if a, err := listenAddr("[::1]:0"); err != nil || a != "[::1]:0" {
		t.Errorf("ipv6: %q %v", a, err)
	}
	r := runArgs(t, context.Background(), "", "watch", "--help")
	if r.code != exitOK || !strings.Contains(r.stdout, "--metrics-file FILE") || !strings.Contains(r.stdout, "schtasks") {
		t.Errorf("help: %d %s", r.code, r.stdout)
	}
}

// parseMetrics parses Prometheus's text format, failing the test on any error.
func parseMetrics(t *testing.T, text string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("the metrics do not parse: %v\n%s", err, text)
	}
	return mfs
}

// value is the value of the metric of family name whose labels include want, and
// whether there is one.
func value(mfs map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	mf := mfs[name]
	if mf == nil {
		return 0, false
	}
next:
	for _, m := range mf.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		}
	}
	return 0, false
}

// A round of watch --once against the sandbox: a healthy profile, a disabled one and
// one without a secret give success 1, 0 and 0 with their verdicts as label sets, the
// step durations, the token's expiry, the session it opened; the exit code is a
// failed check's. The second round has History: drift (none) and the last success.
// Neither the secret nor the token is anywhere in the metrics, nor a label that
// redact's list names.
func TestWatchOnce(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy", "disabled")
	st, _ := profiles.Open(store)
	nosec, _ := st.Get("healthy")
	nosec.Name, nosec.Environment = "no secret", "Production"
	if err := st.Add(nosec); err != nil {
		t.Fatal(err)
	}
	t.Setenv(SecretEnv, "")
	t.Setenv(audit.EnvPath, filepath.Join(testdir.New(t), "audit.jsonl"))
	cache := check.NewTokenCache()
	saved := newTokenCache
	newTokenCache = func() *check.TokenCache { return cache }
	t.Cleanup(func() { newTokenCache = saved })
	sc, _ := s.Scenario("healthy")
	file := filepath.Join(testdir.New(t), "trustedapp.prom")

	r := runArgs(t, context.Background(), "", "watch", "--all", "--once", "--store", store, "--metrics-file", file)
	if r.code != exitFailed || !strings.Contains(r.stderr, `profile "no secret": `) || !strings.Contains(r.stderr, "not checked") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	mfs := parseMetrics(t, string(raw))
	healthy := map[string]string{"profile": "healthy", "host": strings.ToLower(strings.TrimPrefix(sc.Instance, "https://")), "client_id": sc.ClientID, "environment": ""}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"trustedapp_check_success", healthy, 1},
		{"trustedapp_check_success", map[string]string{"profile": "disabled"}, 0},
		{"trustedapp_check_success", map[string]string{"profile": "no secret", "environment": "Production"}, 0},
		{"trustedapp_check_verdict", map[string]string{"profile": "healthy", "verdict": "pass"}, 1},
		{"trustedapp_check_verdict", map[string]string{"profile": "healthy", "verdict": "fail"}, 0},
		{"trustedapp_check_verdict", map[string]string{"profile": "disabled", "verdict": "fail"}, 1},
		{"trustedapp_check_verdict", map[string]string{"profile": "no secret", "verdict": "error"}, 1},
		{"trustedapp_check_failure", map[string]string{"profile": "disabled", "step": "Token", "code": check.TokInvalidClient}, 1},
		{"trustedapp_licence_sessions_opened_total", healthy, 1},
		{"trustedapp_licence_sessions_opened_total", map[string]string{"profile": "disabled"}, 0},
		{"trustedapp_token_lifetime_seconds", healthy, 3600},
		{"trustedapp_watch_rounds_total", nil, 1},
		{"trustedapp_watch_profiles", nil, 3},
		{"trustedapp_watch_interval_seconds", nil, 900},
	} {
		if v, ok := value(mfs, c.name, c.labels); !ok || v != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, v, ok, c.want)
		}
	}
	if v, ok := value(mfs, "trustedapp_token_expiry_timestamp_seconds", healthy); !ok || v < float64(time.Now().Add(50*time.Minute).Unix()) {
		t.Errorf("token expiry %v %v", v, ok)
	}
	for _, step := range []string{"Reachability", "Discovery", "Token", "Inspect token", "API GET /api/domain/currentmodel"} {
		if _, ok := value(mfs, "trustedapp_check_step_duration_seconds", map[string]string{"profile": "healthy", "step": step}); !ok {
			t.Errorf("no duration for step %s", step)
		}
	}
	if _, ok := value(mfs, "trustedapp_check_last_success_timestamp_seconds", map[string]string{"profile": "disabled"}); ok {
		t.Error("disabled never passed but has a last success")
	}
	if _, ok := value(mfs, "trustedapp_drift", healthy); ok {
		t.Error("drift without a passing run in History")
	}
	noSecrets(t, store, "healthy", sc.Authority+"/connect/token", sc.ClientSecret, cache, string(raw))

	// The second process: History gives the last success and the drift baseline.
	firstSuccess, _ := value(mfs, "trustedapp_check_last_success_timestamp_seconds", healthy)
	r = runArgs(t, context.Background(), "", "watch", "healthy", "disabled", "--once", "--store", store, "--metrics-file", file, "--every", "1h")
	if r.code != exitFailed {
		t.Fatalf("second: exit %d\n%s", r.code, r.stderr)
	}
	raw, _ = os.ReadFile(file)
	mfs = parseMetrics(t, string(raw))
	if v, ok := value(mfs, "trustedapp_drift", map[string]string{"profile": "healthy", "change": "scopes_granted"}); !ok || v != 0 {
		t.Errorf("drift scopes_granted %v %v", v, ok)
	}
	if v, _ := value(mfs, "trustedapp_check_last_success_timestamp_seconds", healthy); v <= firstSuccess {
		t.Errorf("last success %v, first %v", v, firstSuccess)
	}
	if _, ok := value(mfs, "trustedapp_check_success", map[string]string{"profile": "no secret"}); ok {
		t.Error("a profile not watched is in the metrics")
	}
	if v, _ := value(mfs, "trustedapp_watch_interval_seconds", nil); v != 3600 {
		t.Errorf("interval %v", v)
	}
}

// noSecrets fails when the secret, the token p's check cached (whole or its
// signature), or a label named in redact's list is in text.
func noSecrets(t *testing.T, store, name, tokenEndpoint, secret string, cache *check.TokenCache, text string) {
	t.Helper()
	if strings.Contains(text, secret) {
		t.Error("the client secret is in the metrics")
	}
	st, err := profiles.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := st.Get(name)
	e, ok := cache.Lookup(check.NewCacheKey(tokenEndpoint, p, secret), time.Now())
	if !ok {
		t.Fatal("no token in the cache to look for")
	}
	tok := e.Token.Reveal()
	if strings.Contains(text, tok) || strings.Contains(text, tok[strings.LastIndex(tok, ".")+1:]) {
		t.Error("the access token is in the metrics")
	}
	labelRE := regexp.MustCompile(`[{,]([a-zA-Z_][a-zA-Z0-9_]*)="`)
	for _, m := range labelRE.FindAllStringSubmatch(text, -1) {
		if redact.IsSecretField(m[1]) {
			t.Errorf("label %s is on redact's list", m[1])
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader on two goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startWatch runs watch with args on a goroutine until the test ends (or stop), and
// returns its stderr and the metrics URL once it serves (with --listen).
func startWatch(t *testing.T, args ...string) (stderr *syncBuffer, url string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(env{ctx: ctx, args: append([]string{"watch"}, args...), stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr})
	}()
	code, stopped := -1, false
	stop = func() int {
		if !stopped {
			stopped = true
			cancel()
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("watch did not stop within 30 s of the cancel")
			}
		}
		return code
	}
	t.Cleanup(func() { stop() })
	if !strings.Contains(strings.Join(args, " "), "--listen") {
		return stderr, "", stop
	}
	re := regexp.MustCompile(`Serving the metrics at (http://\S+/metrics)`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			return stderr, m[1], stop
		}
		select {
		case c := <-done:
			t.Fatalf("watch ended (exit %d):\n%s", c, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("watch does not serve:\n%s", stderr.String())
	return nil, "", nil
}

// --listen serves the same metrics at /metrics, on the loopback only when given a
// port, and a SIGINT-like cancel stops it cleanly (exit 0, "Stopped.").
func TestWatchListen(t *testing.T) {
	s := startSandbox(t)
	store := storeWith(t, s, "healthy")
	t.Setenv(SecretEnv, "")
	sc, _ := s.Scenario("healthy")
	cache := check.NewTokenCache()
	saved := newTokenCache
	newTokenCache = func() *check.TokenCache { return cache }
	t.Cleanup(func() { newTokenCache = saved })
	stderr, url, stop := startWatch(t, "healthy", "--store", store, "--listen", "0")
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("a port alone must bind the loopback: %s", url)
	}
	var body string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if body = string(b); strings.Contains(body, "trustedapp_watch_rounds_total 1") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mfs := parseMetrics(t, body)
	if v, ok := value(mfs, "trustedapp_check_success", map[string]string{"profile": "healthy"}); !ok || v != 1 {
		t.Fatalf("success %v %v\n%s", v, ok, body)
	}
	noSecrets(t, store, "healthy", sc.Authority+"/connect/token", sc.ClientSecret, cache, body)
	resp, err := http.Get(strings.TrimSuffix(url, "metrics"))
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("/: %v %v", resp, err)
	}
	if code := stop(); code != exitOK || !strings.Contains(stderr.String(), "Stopped.") {
		t.Errorf("stop: exit %d\n%s", code, stderr.String())
	}
	if _, err := http.Get(url); err == nil {
		t.Error("the metrics server still answers after watch stopped")
	}
	// An address already in use is an environment error.
	ln := httptest.NewServer(http.NotFoundHandler())
	defer ln.Close()
	r := runArgs(t, context.Background(), "", "watch", "healthy", "--store", store, "--listen", strings.TrimPrefix(ln.URL, "http://"))
	if r.code != exitEnvironment || !strings.Contains(r.stderr, "--listen 127.0.0.1:") {
		t.Errorf("address in use: exit %d\n%s", r.code, r.stderr)
	}
}

// A round that takes longer than --every is never overlapped by the next: one
// request at a time reaches the slow instance, the overruns are counted and said.
func TestWatchOverrunNeverOverlaps(t *testing.T) {
	saved := minWatchEvery
	minWatchEvery = 10 * time.Millisecond
	t.Cleanup(func() { minWatchEvery = saved })
	var mu sync.Mutex
	inFlight, most, total := 0, 0, 0
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		total++
		most = max(most, inFlight)
		mu.Unlock()
		select {
		case <-time.After(150 * time.Millisecond):
		case <-r.Context().Done():
		}
		mu.Lock()
		inFlight--
		mu.Unlock()
		http.NotFound(w, r)
	}))
	defer slow.Close()
	path := storeOf(t, profiles.Profile{Name: "slow", InstanceURL: slow.URL, ClientID: "c"})
	t.Setenv(SecretEnv, "s3cret-slow")
	file := filepath.Join(testdir.New(t), "m.prom")
	stderr, _, stop := startWatch(t, "slow", "--store", path, "--every", "50ms", "--metrics-file", file)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && strings.Count(stderr.String(), "longer than --every") < 2 {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	mu.Lock()
	defer mu.Unlock()
	if most != 1 || total < 2 {
		t.Errorf("%d requests at once (of %d)", most, total)
	}
	if !strings.Contains(stderr.String(), "the next starts at the next tick") {
		t.Errorf("no overrun warning:\n%s", stderr.String())
	}
	raw, _ := os.ReadFile(file)
	mfs := parseMetrics(t, string(raw))
	if v, ok := value(mfs, "trustedapp_watch_round_overruns_total", nil); !ok || v < 1 {
		t.Errorf("overruns %v %v", v, ok)
	}
}

// A metrics file that cannot be written: --once fails with exit 3 naming it; a
// running watch says so and carries on (the next round tries again).
func TestWatchMetricsFileUnwritable(t *testing.T) {
	saved := minWatchEvery
	minWatchEvery = 10 * time.Millisecond
	t.Cleanup(func() { minWatchEvery = saved })
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	path := storeOf(t, profiles.Profile{Name: "p", InstanceURL: srv.URL, ClientID: "c"})
	t.Setenv(SecretEnv, "s3cret-p")
	file := filepath.Join(testdir.New(t), "missing-dir", "m.prom")
	r := runArgs(t, context.Background(), "", "watch", "p", "--once", "--store", path, "--metrics-file", file)
	if r.code != exitEnvironment || !strings.Contains(r.stderr, "trustedapp-check watch: cannot write the metrics file: ") {
		t.Fatalf("--once: exit %d\n%s", r.code, r.stderr)
	}
	stderr, _, stop := startWatch(t, "p", "--store", path, "--metrics-file", file, "--every", "50ms")
	waitFor(t, 20*time.Second, "two warnings", func() bool {
		return strings.Count(stderr.String(), "warning: cannot write the metrics file") >= 2
	})
	if code := stop(); code != exitOK {
		t.Errorf("exit %d\n%s", code, stderr.String())
	}
}
