package main

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"

	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/fleet"
	"trustedapp-tester/internal/atomicfile"
	"trustedapp-tester/internal/redact"
	"trustedapp-tester/internal/version"
	"trustedapp-tester/profiles"
)

// The metrics of watch (the README's "Monitoring with Prometheus" lists them with
// examples). Every per-profile metric has the labels profileLabels; values are the
// profile's own names, never a secret or a token (and pass through redact.Text).
var profileLabels = []string{"profile", "host", "client_id", "environment"}

// Verdicts of trustedapp_check_verdict: check's, and "error" for a profile that could
// not be checked (no secret, keychain locked, profile gone).
var watchVerdicts = []string{string(check.Pass), string(check.Warn), string(check.Fail), "error"}

func newProfileDesc(name, help string, extra ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, append(append([]string{}, profileLabels...), extra...), nil)
}

var (
	descSuccess = newProfileDesc("trustedapp_check_success",
		"1 when the profile's last check passed (verdict pass or warn), 0 when it failed or could not run.")
	descVerdict = newProfileDesc("trustedapp_check_verdict",
		"The last check's verdict as a label set: 1 for the verdict it had (pass, warn, fail, error), 0 for the others.", "verdict")
	descDuration = newProfileDesc("trustedapp_check_duration_seconds",
		"How long the profile's last check took.")
	descStep = newProfileDesc("trustedapp_check_step_duration_seconds",
		"How long each step of the last check took (steps that did not run are left out).", "step", "kind")
	descFirstFailure = newProfileDesc("trustedapp_check_failure",
		"1 for the first failing step of the last check and its finding code (none when it passed).", "step", "code")
	descLastRun = newProfileDesc("trustedapp_check_last_run_timestamp_seconds",
		"When the profile's last check ended (Unix time).")
	descLastSuccess = newProfileDesc("trustedapp_check_last_success_timestamp_seconds",
		"When the profile's last passing check ended (Unix time), from History at start; absent when it never passed.")
	descTokenExpiry = newProfileDesc("trustedapp_token_expiry_timestamp_seconds",
		"When the access token of the last check expires (Unix time); absent when no token was issued.")
	descTokenLifetime = newProfileDesc("trustedapp_token_lifetime_seconds",
		"The access token's lifetime as the token response gave it (expires_in).")
	descSessions = newProfileDesc("trustedapp_licence_sessions_opened_total",
		"ERP.net sessions (each holding a licence slot for up to an hour) this watch's checks opened.")
	descDrift = newProfileDesc("trustedapp_drift",
		"1 when the fact (change label) differs from the profile's last passing run in History, 0 when it does not; absent without a passing run to compare with. change is verdict, system_user, database, scopes_granted, token_lifetime, version, or record.<Field>.", "change")

	descRounds = prometheus.NewDesc("trustedapp_watch_rounds_total",
		"Rounds this watch process has finished.", nil, nil)
	descOverruns = prometheus.NewDesc("trustedapp_watch_round_overruns_total",
		"Rounds that took longer than the interval (the next one then started at the next tick).", nil, nil)
	descLastRound = prometheus.NewDesc("trustedapp_watch_last_round_timestamp_seconds",
		"When the last round ended (Unix time): the \"watch stopped reporting\" alert compares it with the interval.", nil, nil)
	descRoundDuration = prometheus.NewDesc("trustedapp_watch_round_duration_seconds",
		"How long the last round took.", nil, nil)
	descInterval = prometheus.NewDesc("trustedapp_watch_interval_seconds",
		"The interval between rounds (--every).", nil, nil)
	descProfiles = prometheus.NewDesc("trustedapp_watch_profiles",
		"Profiles the last round checked or tried to.", nil, nil)
	descBuild = prometheus.NewDesc("trustedapp_watch_build_info",
		"Always 1; the version of trustedapp-check that publishes these metrics.", []string{"version"}, nil)
)

// profileState is what the metrics say of one profile: its last check.
type profileState struct {
	labels      []string
	verdict     string
	checked     bool // a check ran to its end (not just "could not check")
	duration    float64
	steps       []stepSample
	failStep    string
	failCode    string
	lastRun     time.Time
	lastSuccess time.Time
	tokenExpiry time.Time
	lifetime    int
	sessions    float64
	drift       *compare.Drift
}

type stepSample struct {
	name, kind string
	seconds    float64
}

// watchMetrics holds the state the metrics are made of, updated as results come;
// it is the registry's one collector.
type watchMetrics struct {
	mu        sync.Mutex
	every     time.Duration
	profiles  map[string]*profileState
	seeded    map[string]time.Time // last success from History, until a check of this process
	rounds    float64
	overruns  float64
	lastRound time.Time
	roundSecs float64
	nProfiles int
	reg       *prometheus.Registry
}

func newWatchMetrics(every time.Duration) *watchMetrics {
	m := &watchMetrics{every: every, profiles: map[string]*profileState{}, seeded: map[string]time.Time{}}
	m.reg = prometheus.NewPedanticRegistry()
	m.reg.MustRegister(m)
	return m
}

func labelsOf(p profiles.Profile) []string {
	out := []string{p.Name, strings.ToLower(p.Host()), p.ClientID, p.Environment}
	for i, v := range out {
		out[i] = redact.Text(v)
	}
	return out
}

func (m *watchMetrics) state(p profiles.Profile) *profileState {
	st := m.profiles[p.Name]
	if st == nil {
		st = &profileState{lastSuccess: m.seeded[p.Name]}
		m.profiles[p.Name] = st
	}
	st.labels = labelsOf(p) // the profile may have been edited since
	return st
}

// seedSuccess is a profile's last success from History, for a process that has not
// checked it yet.
func (m *watchMetrics) seedSuccess(name string, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seeded[name] = at
}

// checked records a check of p that ran to its end.
func (m *watchMetrics) checked(p profiles.Profile, rep check.Report, drift compare.Drift) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.state(p)
	st.checked, st.verdict = true, string(rep.Verdict)
	st.lastRun = rep.Finished
	if st.lastRun.IsZero() {
		st.lastRun = time.Now()
	}
	st.duration = rep.Finished.Sub(rep.Started).Seconds()
	st.steps = st.steps[:0]
	st.failStep, st.failCode = "", ""
	for _, s := range rep.Steps {
		if s.Verdict != check.Skipped {
			st.steps = append(st.steps, stepSample{name: redact.Text(s.Name), kind: string(s.Kind), seconds: s.Duration.Seconds()})
		}
		if s.Verdict == check.Fail && st.failStep == "" {
			st.failStep, st.failCode = redact.Text(s.Name), "unknown"
			for _, f := range s.Findings {
				if f.Severity == check.SevFail {
					st.failCode = f.Code
					break
				}
			}
		}
	}
	if rep.Verdict == check.Pass || rep.Verdict == check.Warn {
		st.lastSuccess = st.lastRun
	}
	st.tokenExpiry, st.lifetime = time.Time{}, 0
	if t := rep.Token; t != nil {
		st.tokenExpiry, st.lifetime = t.ExpiresAt(), t.ExpiresIn
	}
	if s := rep.Session; s != nil && s.State == check.SessionOpened {
		st.sessions++
	}
	d := drift
	st.drift = &d
}

// couldNotCheck records that p could not be checked this round (no secret, ...).
func (m *watchMetrics) couldNotCheck(p profiles.Profile, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.state(p)
	st.checked, st.verdict, st.lastRun = false, "error", at
	st.duration, st.steps, st.failStep, st.failCode = 0, nil, "", ""
	st.tokenExpiry, st.lifetime, st.drift = time.Time{}, 0, nil
}

// keepOnly forgets the profiles that are no longer watched (removed from the store).
func (m *watchMetrics) keepOnly(ts []fleet.Target, problems map[string]watchProblem) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keep := map[string]bool{}
	for _, t := range ts {
		keep[t.Profile.Name] = true
	}
	for n := range problems {
		keep[n] = true
	}
	for n := range m.profiles {
		if !keep[n] {
			delete(m.profiles, n)
		}
	}
}

func (m *watchMetrics) roundDone(started time.Time, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rounds++
	m.lastRound = time.Now()
	m.roundSecs = m.lastRound.Sub(started).Seconds()
	m.nProfiles = n
}

func (m *watchMetrics) overrun() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.overruns++
}

// Describe and Collect make watchMetrics a prometheus.Collector.
func (m *watchMetrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSuccess, descVerdict, descDuration, descStep, descFirstFailure, descLastRun, descLastSuccess,
		descTokenExpiry, descTokenLifetime, descSessions, descDrift, descRounds, descOverruns, descLastRound, descRoundDuration, descInterval, descProfiles, descBuild} {
		ch <- d
	}
}

func (m *watchMetrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, lv ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, lv...)
	}
	with := func(lv []string, extra ...string) []string { return append(append([]string{}, lv...), extra...) }
	names := make([]string, 0, len(m.profiles))
	for n := range m.profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		st := m.profiles[n]
		lv := st.labels
		success := 0.0
		if st.verdict == string(check.Pass) || st.verdict == string(check.Warn) {
			success = 1
		}
		gauge(descSuccess, success, lv...)
		for _, v := range watchVerdicts {
			is := 0.0
			if v == st.verdict {
				is = 1
			}
			gauge(descVerdict, is, with(lv, v)...)
		}
		gauge(descLastRun, unix(st.lastRun), lv...)
		if !st.lastSuccess.IsZero() {
			gauge(descLastSuccess, unix(st.lastSuccess), lv...)
		}
		ch <- prometheus.MustNewConstMetric(descSessions, prometheus.CounterValue, st.sessions, lv...)
		if !st.checked {
			continue
		}
		gauge(descDuration, st.duration, lv...)
		seen := map[string]bool{}
		for _, s := range st.steps {
			if seen[s.name] { // two calls of one path: the first
				continue
			}
			seen[s.name] = true
			gauge(descStep, s.seconds, with(lv, s.name, s.kind)...)
		}
		if st.failStep != "" {
			gauge(descFirstFailure, 1, with(lv, st.failStep, st.failCode)...)
		}
		if !st.tokenExpiry.IsZero() {
			gauge(descTokenExpiry, unix(st.tokenExpiry), lv...)
		}
		if st.lifetime > 0 {
			gauge(descTokenLifetime, float64(st.lifetime), lv...)
		}
		if d := st.drift; d != nil && d.Baseline {
			for _, k := range compare.DriftKeys {
				v := 0.0
				if d.Has(k) {
					v = 1
				}
				gauge(descDrift, v, with(lv, k)...)
			}
			for _, c := range d.Changes {
				if strings.HasPrefix(c.Key, compare.DriftRecordPrefix) {
					gauge(descDrift, 1, with(lv, redact.Text(c.Key))...)
				}
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(descRounds, prometheus.CounterValue, m.rounds)
	ch <- prometheus.MustNewConstMetric(descOverruns, prometheus.CounterValue, m.overruns)
	if !m.lastRound.IsZero() {
		gauge(descLastRound, unix(m.lastRound))
		gauge(descRoundDuration, m.roundSecs)
	}
	gauge(descInterval, m.every.Seconds())
	gauge(descProfiles, float64(m.nProfiles))
	gauge(descBuild, 1, version.Version)
}

func unix(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// write writes the metrics in Prometheus's text format.
func (m *watchMetrics) write(w io.Writer) error {
	mfs, err := m.reg.Gather()
	if err != nil {
		return err
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return err
		}
	}
	return nil
}

// writeFile replaces path with the metrics whole (atomicfile: a temporary file
// beside it, fsync, rename), so a textfile collector never reads half a file. Mode
// 0644: node_exporter runs as another user; the file holds no secret.
func (m *watchMetrics) writeFile(path string) error {
	return atomicfile.Write(path, 0o644, m.write)
}

// handler serves /metrics (and a pointer to it at /).
func (m *watchMetrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "trustedapp-check watch: the metrics are at /metrics")
	})
	return mux
}
