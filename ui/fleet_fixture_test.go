package ui

import (
	"io"
	"sync"
	"time"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// fleetLog is a history log held in memory with the runs a test gives it: History's
// newest run and last pass of each profile, as the fleet view reads them, and the runs
// a fleet test appends.
type fleetLog struct {
	mu     sync.Mutex
	runs   []check.RunSummary
	failOn bool // every append fails
}

func (l *fleetLog) AppendReport(p, c string, r check.Report) error {
	s := check.Summarize(r)
	s.Profile, s.ClientID = p, c
	return l.AppendReportSummary(r, s)
}
func (l *fleetLog) Entries(audit.Filter) ([]audit.Entry, error) { return nil, nil }
func (l *fleetLog) Export(io.Writer, audit.Filter) error        { return nil }
func (l *fleetLog) Runs(audit.Filter) ([]check.RunSummary, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]check.RunSummary(nil), l.runs...), nil
}
func (l *fleetLog) AppendReportSummary(_ check.Report, s check.RunSummary) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failOn {
		return io.ErrShortWrite
	}
	l.runs = append(l.runs, s)
	return nil
}

// LatestRuns follows audit.LatestRuns's rules over the runs given.
func (l *fleetLog) LatestRuns(...string) (map[string]audit.Latest, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]audit.Latest{}
	for _, s := range l.runs {
		if s.Cancelled {
			continue
		}
		x, seen := out[s.Profile]
		switch {
		case !seen:
			x.Newest = s
		case !s.Started.Before(x.Newest.Started):
			if audit.Passed(x.Newest) {
				prev := x.Newest
				x.LastPass = &prev
			}
			x.Newest = s
		}
		out[s.Profile] = x
	}
	return out, nil
}

// fleetProfile is a profile of the fleet fixture.
func fleetProfile(name, env, host, client string, tags ...string) profiles.Profile {
	return profiles.Profile{Name: name, Environment: env, InstanceURL: "https://" + host, ClientID: client, AuthMethod: profiles.AuthPost,
		Scopes: []string{"read", "update"}, Tags: tags, Created: fixedNow.Add(-90 * 24 * time.Hour), Updated: fixedNow.Add(-90 * 24 * time.Hour)}
}

// fleetRun is a run summary of the fleet fixture, ago before fixedNow.
func fleetRun(id, profile string, ago time.Duration, v check.Verdict, user string, scopes ...string) check.RunSummary {
	s := check.RunSummary{ID: id, Profile: profile, Started: fixedNow.Add(-ago), DurationMS: 420, Verdict: v,
		SystemUser: user, SystemUserType: "ApplicationUserNoLogin", Database: "E1_PROD", ScopesRequested: []string{"read", "update"},
		ScopesGranted: scopes, TokenLifetimeS: 3600, Version: "26.2.0.76", Session: check.SessionReused,
		TokenExpires: fixedNow.Add(-ago + time.Hour), SessionHoldsUntil: fixedNow.Add(-ago + 20*time.Minute),
		Steps: []check.StepSummary{{Kind: check.StepReachability, Name: "Reachability", Verdict: check.Pass}, {Kind: check.StepDiscovery, Name: "Discovery", Verdict: check.Pass},
			{Kind: check.StepToken, Name: "Token", Verdict: check.Pass}, {Kind: check.StepInspect, Name: "Signature", Verdict: check.Pass},
			{Kind: check.StepAPI, Name: "API GET /api/domain/currentmodel", Verdict: check.Pass}}}
	if user == "" {
		s.Steps[2].Verdict, s.Steps[3].Verdict, s.Steps[4].Verdict = check.Fail, check.Skipped, check.Skipped
		s.Session, s.TokenExpires, s.SessionHoldsUntil, s.TokenLifetimeS = check.SessionNone, time.Time{}, time.Time{}, 0
	}
	return s
}

// fleetFixture is a support engineer's fleet: nine profiles on five customers'
// instances, with runs in History that passed, failed, warned and drifted.
func fleetFixture() ([]profiles.Profile, *fleetLog) {
	ps := []profiles.Profile{
		fleetProfile("Acme · nightly import", profiles.EnvProduction, "acme.my.erp.net", "com.acme/nightly", "acme", "eu"),
		fleetProfile("Acme · reports", profiles.EnvProduction, "acme.my.erp.net", "com.acme/reports", "acme", "eu"),
		fleetProfile("Acme · staging sync", profiles.EnvTest, "acme-test.my.erp.net", "com.acme/sync", "acme"),
		fleetProfile("Beta Foods · orders", profiles.EnvProduction, "beta.my.erp.net", "com.beta/orders", "beta"),
		fleetProfile("Beta Foods · test", profiles.EnvTest, "beta-test.my.erp.net", "com.beta/orders", "beta"),
		fleetProfile("Contoso · warehouse", profiles.EnvProduction, "contoso.example.com", "com.contoso/wms", "contoso", "us"),
		fleetProfile("Globex · BI export", profiles.EnvProduction, "globex.my.erp.net", "com.globex/bi", "globex"),
		fleetProfile("Initech · payroll", profiles.EnvTest, "initech.my.erp.net", "com.initech/payroll", "initech"),
		fleetProfile("Umbrella · new app", "", "umbrella.my.erp.net", "com.umbrella/app"),
	}
	for i := range ps {
		ps[i].SecretSetAt = fixedNow.Add(-time.Duration(20+i*37) * 24 * time.Hour)
	}
	ps[8].SecretSetAt = time.Time{}
	h := time.Hour
	fail := func(s check.RunSummary, step, code string) check.RunSummary {
		s.Findings = append(s.Findings, check.FindingSummary{Code: code, Severity: check.SevFail, Step: step})
		return s
	}
	warn := fleetRun("b7c1d2e3", "Beta Foods · orders", 3*h, check.Warn, "svc-orders", "read")
	warn.Steps[2].Verdict = check.Warn
	warn.Findings = []check.FindingSummary{{Code: check.TokScopeNarrowed, Severity: check.SevWarn, Step: "Token"}}
	dns := fleetRun("c0de0001", "Contoso · warehouse", 26*h, check.Fail, "")
	dns.Steps[0].Verdict, dns.Steps[1].Verdict, dns.Steps[2].Verdict = check.Fail, check.Skipped, check.Skipped
	dns.Findings = []check.FindingSummary{{Code: "net.dns", Severity: check.SevFail, Step: "Reachability"}}
	log := &fleetLog{runs: []check.RunSummary{
		fleetRun("a1000001", "Acme · nightly import", 50*h, check.Pass, "svc-import", "read", "update"),
		fleetRun("a1000002", "Acme · nightly import", 2*h, check.Pass, "svc-import", "read", "update"),
		fleetRun("a2000001", "Acme · reports", 30*h, check.Pass, "svc-reports", "read"),
		fail(fleetRun("a2000002", "Acme · reports", 40*time.Minute, check.Fail, ""), "Token", check.TokInvalidClient),
		fleetRun("a3000001", "Acme · staging sync", 72*h, check.Pass, "svc-sync", "read", "update"),
		fleetRun("a3000002", "Acme · staging sync", 5*h, check.Pass, "admin", "read"),
		fleetRun("b7000001", "Beta Foods · orders", 100*h, check.Pass, "svc-orders", "read", "update"),
		warn,
		fleetRun("b8000001", "Beta Foods · test", 8*h, check.Pass, "svc-orders", "read", "update"),
		dns,
		fleetRun("9e000001", "Globex · BI export", 20*time.Minute, check.Pass, "svc-bi", "read"),
		fleetRun("1e000001", "Initech · payroll", 400*h, check.Pass, "svc-payroll", "read", "update"),
	}}
	log.runs[5].Version = "26.3.0.12" // the staging instance was upgraded
	return ps, log
}
