package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
)

// The sandbox's licence-exhausted scenario: Guidance says the run's own token could not
// read who holds the licences (reading needs a session too), offers the healthy
// profile's token with what it costs, and one click lists the holders, which the saved
// report then carries.
func TestGuidanceHoldersInTheSandbox(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()
	u.selectProfile("Sandbox: licence-exhausted")
	u.StartRun()
	u.Wait()
	g := u.run.guidance
	got := texts(g.list)
	for _, want := range []string{"WHO HOLDS THE LICENCES", "would not show who holds them either", "needs a session too", "reserved licence seat", "opens a session for that token"} {
		if !strings.Contains(got, want) {
			t.Fatalf("guidance lacks %q:\n%s", want, got)
		}
	}
	test.Tap(findButton(t, g.list, "Read them with “Sandbox: healthy”"))
	u.Wait()
	got = texts(g.list)
	for _, want := range []string{"Read with the token of “Sandbox: healthy” (System User svc-import)", "sessions hold licence slots", "m.petrova on WS-ACCOUNTING-07 (WebClient)", "svc-edi, a service session (com.partner/edi)", "Licences: SANDBOX.CONCURRENT_SESSIONS"} {
		if !strings.Contains(got, want) {
			t.Errorf("after the read, guidance lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Read them with") {
		t.Error("the offer stays after the holders were read")
	}
	if !strings.HasPrefix(u.status.Text, "Who holds the licences: Read with") {
		t.Errorf("status %q", u.status.Text)
	}
	p, _ := u.desk.Current()
	md, err := desk.Markdown(p, u.desk.RunOf(p.Name).Report)
	if err != nil || !strings.Contains(string(md), "### Who holds the licences") || !strings.Contains(string(md), "| m.petrova | WS-ACCOUNTING-07 |") {
		t.Errorf("the report does not carry the holders (%v):\n%s", err, md)
	}
}

// holdersEnv is "Nightly import" refused for want of a licence, its own holders read
// refused, and "Inspector" on the same instance with a token: Guidance's offer, for
// the snapshot and the test of a read that finds nothing to read with.
func holdersEnv(t *testing.T) *env {
	t.Helper()
	inspector := acme()
	inspector.Name, inspector.ClientID, inspector.Environment = "Inspector", "com.acme/inspector", profiles.EnvTest
	exhausted := licenceReport()
	runs := func(ctx context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
		if p.Name == "Inspector" {
			return replayRun(healthyReport())(ctx, p, s, o, on)
		}
		return replayRun(exhausted)(ctx, p, s, o, on)
	}
	at := func(h, m int) time.Time { return time.Date(2026, 5, 4, h, m, 0, 0, time.UTC) }
	holders := func(context.Context, profiles.Profile, *check.AccessToken, check.Options) check.Holders {
		return check.Holders{State: check.HoldersRead, Note: "3 sessions hold licence slots. The first frees its slot by 10:10:00 UTC if it stays idle (20 minutes after its last request, or its session's end).",
			Sessions: []check.LicenceHolder{
				{Login: "svc-edi", Applications: "com.partner/edi", LastRequest: at(9, 59), Expiry: at(10, 10), FreesBy: at(10, 10)},
				{Login: "m.petrova", Device: "WS-ACCOUNTING-07", Applications: "WebClient", LastRequest: at(9, 55), FreesBy: at(10, 15)},
				{Login: "g.ivanov", Device: "LAPTOP-GIVANOV", Applications: "WebClient", LastRequest: at(9, 58), FreesBy: at(10, 18)},
			},
			Licences: []check.LicenceCount{{Code: "USERS", Count: 3, Description: "Concurrent users"}}}
	}
	e := newEnv(t, Deps{Run: runs, ReadHolders: holders}, acme(), inspector)
	e.u.selectProfile("Inspector")
	e.u.StartRun()
	e.u.Wait()
	e.u.selectProfile("Nightly import")
	e.u.StartRun()
	e.u.Wait()
	return e
}

// licenceReport is healthyReport with its API calls refused for want of a licence and
// the holders read refused the same way.
func licenceReport() check.Report {
	r := healthyReport()
	r.Verdict = check.Fail
	for i := range r.Steps {
		if r.Steps[i].Kind != check.StepAPI {
			continue
		}
		r.Steps[i].Verdict = check.Fail
		r.Steps[i].Findings = []check.Finding{check.NewFinding(check.APILicenseExhausted,
			"Every licence slot is taken (MaximumLicenseCountExceeded): the token is fine, but no session can open until an idle one closes (after 20 minutes) or more licences are added.",
			map[string]string{check.EvMethod: "GET", check.EvPath: "/api/domain/odata/Crm_Sales_Customers?$top=10", check.EvODataCode: "MaximumLicenseCountExceeded"})}
	}
	r.Session = &check.SessionCost{State: check.SessionNone, Summary: "No ERP.net session was opened: no API call reached the instance, so no licence slot was used.",
		HoldersState: check.HoldersRefused, HoldersNote: "The instance would not show who holds them either: reading Systems_Monitoring_CurrentSessions needs a session too, and no licence slot is free for this token (MaximumLicenseCountExceeded)."}
	return r
}

// One click with a fake reader: the list replaces the offer, in the local zone.
func TestGuidanceHoldersList(t *testing.T) {
	e := holdersEnv(t)
	g := e.u.run.guidance
	test.Tap(findButton(t, g.list, "Read them with “Inspector”"))
	e.u.Wait()
	got := texts(g.list)
	if !strings.Contains(got, "svc-edi, a service session (com.partner/edi): last request 09:59, frees its slot by 10:10 if idle") ||
		!strings.Contains(got, "m.petrova on WS-ACCOUNTING-07 (WebClient): last request 09:55") || !strings.Contains(got, "Licences: USERS: 3 in use (Concurrent users).") {
		t.Errorf("guidance:\n%s", got)
	}
}
