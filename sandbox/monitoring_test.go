package sandbox

import (
	"strings"
	"testing"
	"time"
)

// Systems_Monitoring_CurrentSessions lists the live sessions (this token's among
// them) and the licence-exhausted scenario's occupants; Systems_Monitoring_Licenses
// the licences in use. Both are read-only.
func TestMonitoringViews(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now})
	tok := tokenFor(t, scenario(t, s, "healthy"))
	u := s.URL() + "/api/domain/odata/Systems_Monitoring_CurrentSessions?$select=User,Device,Applications,LastRequestTime,AbsoluteExpirationTime"
	rows := call(t, "GET", u, tok, "").json(t)["value"].([]any)
	byUser := map[string]map[string]any{}
	for _, r := range rows {
		m := r.(map[string]any)
		byUser[m["User"].(string)] = m
	}
	if len(rows) != 1+len(licenceOccupants) {
		t.Fatalf("%d sessions listed: %v", len(rows), rows)
	}
	own := byUser["svc-import"]
	if own == nil || own["Applications"] != "com.sandbox/healthy" || own["Device"] != "" ||
		own["AbsoluteExpirationTime"] != clock.Now().Add(SessionAbsolute).UTC().Format(time.RFC3339) {
		t.Errorf("the reading token's own service session: %v", own)
	}
	if p := byUser["m.petrova"]; p == nil || p["Device"] != "WS-ACCOUNTING-07" || p["AbsoluteExpirationTime"] != nil {
		t.Errorf("an interactive occupant: %v", p)
	}
	if e := byUser["svc-edi"]; e == nil || e["AbsoluteExpirationTime"] == nil {
		t.Errorf("a service occupant: %v", e)
	}
	// $filter as the model allows (User: Equals, Like).
	one := call(t, "GET", s.URL()+"/api/domain/odata/Systems_Monitoring_CurrentSessions?$filter=User%20eq%20'g.ivanov'", tok, "").json(t)["value"].([]any)
	if len(one) != 1 {
		t.Errorf("filtered: %v", one)
	}
	lic := call(t, "GET", s.URL()+"/api/domain/odata/Systems_Monitoring_Licenses", tok, "").json(t)["value"].([]any)
	if len(lic) != 1 || lic[0].(map[string]any)["LicenseCount"] != float64(1+len(licenceOccupants)) {
		t.Errorf("licences: %v", lic)
	}
	// Read-only views.
	if r := call(t, "POST", s.URL()+"/api/domain/odata/Systems_Monitoring_CurrentSessions", tok, `{"User":"x"}`); r.status != 500 {
		t.Errorf("a write to a view: %d %s", r.status, r.body)
	}
	// Without the scenarios: only the real sessions.
	bare := start(t, Config{NoScenarios: true, Apps: []TrustedApp{{ApplicationURI: "com.test/a", ApplicationSecretHash: HashSecret("s"), SystemUserAllowed: true,
		SystemUser: &User{Login: "svc-a", Active: true}, Scope: "read", IsEnabled: true}}})
	bt := tokenFor(t, Scenario{Authority: bare.Authority(), ClientID: "com.test/a", ClientSecret: "s"})
	if rows := call(t, "GET", bare.URL()+"/api/domain/odata/Systems_Monitoring_CurrentSessions", bt, "").json(t)["value"].([]any); len(rows) != 1 {
		t.Errorf("no scenarios: %v", rows)
	}
	// The licence-exhausted app is refused a session, so it cannot read them either.
	ex := tokenFor(t, scenario(t, s, "licence-exhausted"))
	if r := call(t, "GET", u, ex, ""); r.status != 500 || !strings.Contains(string(r.body), CodeLicenseExhausted) {
		t.Errorf("the exhausted app reads the holders: %d %s", r.status, r.body)
	}
}

// Under RecordNeedsSec a token without sec is refused the Trusted App records (reads
// and writes) with insufficient_scope naming sec; one whose app lists sec reads them;
// other sets are not affected.
func TestRecordNeedsSec(t *testing.T) {
	s := start(t, Config{RecordNeedsSec: true})
	tok := tokenFor(t, scenario(t, s, "healthy"))
	apps := s.URL() + "/api/domain/odata/Systems_Security_TrustedApplications?$top=1"
	r := call(t, "GET", apps, tok, "")
	if code, msg := r.odataError(); r.status != 403 || code != "Forbidden" || !strings.Contains(msg, "'sec' scope") ||
		r.header.Get("WWW-Authenticate") != `Bearer error="insufficient_scope", scope="sec"` {
		t.Fatalf("read without sec: %d %v %s", r.status, r.header, r.body)
	}
	if r := call(t, "PATCH", s.URL()+"/api/domain/odata/Systems_Security_TrustedApplications("+stableGUID("app:x")+")", tok, `{"IsEnabled":false}`); r.status != 403 {
		t.Errorf("write without sec: %d", r.status)
	}
	if r := call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", tok, ""); r.status != 200 {
		t.Errorf("another set: %d", r.status)
	}
	if err := s.AddApp(TrustedApp{ApplicationURI: "com.test/sec", ApplicationSecretHash: HashSecret("s"), SystemUserAllowed: true,
		SystemUser: &User{Login: "svc-sec", Active: true}, Scope: "read sec", IsEnabled: true}); err != nil {
		t.Fatal(err)
	}
	sec := tokenFor(t, Scenario{Authority: s.Authority(), ClientID: "com.test/sec", ClientSecret: "s", Scope: "read sec"})
	if r := call(t, "GET", apps, sec, ""); r.status != 200 {
		t.Errorf("with sec: %d %s", r.status, r.body)
	}
	// Off by default.
	plain := start(t, Config{})
	if r := call(t, "GET", plain.URL()+"/api/domain/odata/Systems_Security_TrustedApplications?$top=1", tokenFor(t, scenario(t, plain, "healthy")), ""); r.status != 200 {
		t.Errorf("default: %d", r.status)
	}
	cfg, err := ParseConfig([]byte(`{"RecordNeedsSec": true}`))
	if err != nil || !cfg.RecordNeedsSec {
		t.Errorf("config file: %+v %v", cfg, err)
	}
}

// Every built-in scenario says what of it is documented and what is a guess.
func TestScenariosStateTheirBasis(t *testing.T) {
	s := start(t, Config{})
	for _, sc := range s.Scenarios() {
		if scenarioBasis[sc.Name] == "" {
			t.Errorf("scenario %s does not say what is documented and what is a guess (scenario_basis.go)", sc.Name)
			continue
		}
		if !strings.HasSuffix(sc.Description, scenarioBasis[sc.Name]) {
			t.Errorf("scenario %s: the description does not end with its basis: %s", sc.Name, sc.Description)
		}
	}
	for name := range scenarioBasis {
		if _, ok := s.Scenario(name); !ok {
			t.Errorf("scenario_basis.go names %s, which is no scenario", name)
		}
	}
}
