package check

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// healthyToken starts a sandbox and runs its healthy scenario: the server, the
// profile and the report with its token.
func healthyToken(t *testing.T) (*sandbox.Server, profiles.Profile, Report) {
	t.Helper()
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	healthy, _ := s.Scenario("healthy")
	hp := profileFor(s, healthy)
	rep := Run(context.Background(), hp, healthy.ClientSecret, fresh(), nil)
	if rep.Access == nil {
		t.Fatalf("no token from the healthy scenario: %v", codes(rep, ""))
	}
	return s, hp, rep
}

func checklistRow(rows []RecordCheck, field string) RecordCheck {
	for _, r := range rows {
		if r.Field == field {
			return r
		}
	}
	return RecordCheck{}
}

// Reading Trusted App records from the sandbox: the app's own with its own token, and
// other apps' with the healthy app's token (an "inspector").
func TestReadRecordFromSandbox(t *testing.T) {
	s, hp, rep := healthyToken(t)

	res := ReadRecord(context.Background(), hp, rep.Access, hp.ClientID, fresh())
	if res.Record == nil || res.Problem != "" {
		t.Fatalf("own record: %+v", res)
	}
	if got := res.Step.Exchanges[0].URL; !strings.Contains(got, "Systems_Security_TrustedApplications?$filter=ApplicationUri+eq+%27com.sandbox%2Fhealthy%27") {
		t.Errorf("request URL %s", got)
	}
	rows := RecordChecklist(hp, res.Record, "svc-import")
	for _, r := range rows {
		if r.State != RecordOK {
			t.Errorf("healthy: %s is %s (%s): %s", r.Field, r.State, r.Actual, r.Note)
		}
	}
	if r := checklistRow(rows, "SystemUser"); r.Actual != "svc-import" {
		t.Errorf("SystemUser row %+v", r)
	}
	if r := checklistRow(rows, "Scope"); r.Actual != "read update" || r.Want != "at least: read update" {
		t.Errorf("Scope row %+v", r)
	}

	// Other apps' records, read with the healthy app's token.
	for _, tc := range []struct {
		scenario, field string
		state           RecordState
		note            string
	}{
		{"scope-not-allowed", "Scope", RecordBad, "Add update to Scope (exact case)"},
		{"disabled", "IsEnabled", RecordBad, "Tick IsEnabled"},
		{"public-client", "ClientType", RecordBad, "Change ClientType to Confidential"},
		{"system-user-not-allowed", "SystemUserAllowed", RecordBad, "Tick SystemUserAllowed"},
		{"no-system-user", "SystemUser", RecordBad, "Assign a System User"},
		{"reference-tokens", "ReferenceTokens", RecordWarn, "Reference tokens are on"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			sc, _ := s.Scenario(tc.scenario)
			p := profileFor(s, sc)
			res := ReadRecord(context.Background(), p, rep.Access, p.ClientID, fresh())
			if res.Record == nil {
				t.Fatalf("%s: %s", tc.scenario, res.Problem)
			}
			r := checklistRow(RecordChecklist(p, res.Record, ""), tc.field)
			if r.State != tc.state || !strings.Contains(r.Note, tc.note) {
				t.Errorf("%s: %s row %+v", tc.scenario, tc.field, r)
			}
		})
	}

	// A client_id with no record, and one that differs only in case.
	p := hp
	p.ClientID = "com.sandbox/nobody"
	if res := ReadRecord(context.Background(), p, rep.Access, p.ClientID, fresh()); res.Record != nil || !strings.Contains(res.Problem, `No Trusted App record has ApplicationUri "com.sandbox/nobody"`) {
		t.Errorf("unknown client: %+v", res.Problem)
	}
	p.ClientID = "com.sandbox/HEALTHY"
	if res := ReadRecord(context.Background(), p, rep.Access, p.ClientID, fresh()); res.Record != nil {
		t.Errorf("case-different client read a record: %+v", res.Record)
	} else if !strings.Contains(res.Problem, "no record") && !strings.Contains(res.Problem, "No Trusted App record") {
		t.Errorf("case-different client: %q", res.Problem)
	}

	// A token the instance refuses (another instance's): 401, said plainly.
	foreign, _ := s.Scenario("foreign-issuer")
	fp := profileFor(s, foreign)
	frep := Run(context.Background(), fp, foreign.ClientSecret, fresh(), nil)
	if frep.Access == nil {
		t.Fatalf("foreign-issuer issued no token: %v", codes(frep, ""))
	}
	// With another profile's settings, the credential gate does not even send it.
	res = ReadRecord(context.Background(), hp, frep.Access, hp.ClientID, fresh())
	if res.Record != nil || !hasCodeIn(res.Step, GateOtherSettings) || len(res.Step.Exchanges) != 1 || res.Step.Exchanges[0].Status != 0 ||
		!strings.Contains(res.Problem, `"foreign-issuer"`) || !strings.Contains(res.Problem, `"healthy"`) {
		t.Errorf("another profile's token was used with this one's settings: %+v %v", res.Problem, res.Step.Findings)
	}
	// With its own settings it reaches the instance, which refuses it.
	if res := ReadRecord(context.Background(), fp, frep.Access, hp.ClientID, fresh()); res.Record != nil || !strings.Contains(res.Problem, "refused the token (HTTP 401)") {
		t.Errorf("foreign token: %+v", res.Problem)
	}
}

// Without a record, the checklist says what each field must hold, to check by hand.
func TestRecordChecklistUnread(t *testing.T) {
	p := profiles.Profile{ClientID: "com.acme/nightly", Scopes: []string{"read", "update"}}
	rows := RecordChecklist(p, nil, "")
	want := []string{"ApplicationUri", "IsEnabled", "ClientType", "SystemUserAllowed", "SystemUser", "Scope"}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i, r := range rows {
		if r.Field != want[i] || r.State != RecordUnknown || r.Actual != "not read" || r.Want == "" || r.Note == "" {
			t.Errorf("row %d = %+v", i, r)
		}
	}
	if r := checklistRow(rows, "Scope"); r.Want != "at least: read update" {
		t.Errorf("Scope want %q", r.Want)
	}
	if r := checklistRow(rows, "ApplicationUri"); r.Want != "com.acme/nightly" {
		t.Errorf("ApplicationUri want %q", r.Want)
	}
}

// Records as a real instance may send them: SystemUser as a reference or expanded,
// a null Scope, Basic authentication on, a single quote in the client_id.
func TestRecordShapes(t *testing.T) {
	r := recordFrom(map[string]any{"ApplicationUri": "x", "SystemUser": map[string]any{"@odata.id": "Systems_Security_Users(1)"}, "Scope": nil, "BasicAuthenticationAllowed": true})
	if !r.SystemUserSet || !r.SystemUserRef || r.Scope == nil || *r.Scope != "" || r.BasicAuthAllowed == nil || !*r.BasicAuthAllowed {
		t.Fatalf("reference shape: %+v", r)
	}
	rows := RecordChecklist(profiles.Profile{ClientID: "x", Scopes: []string{"read"}}, r, "svc-import")
	if c := checklistRow(rows, "SystemUser"); c.State != RecordOK {
		t.Errorf("a reference is not compared with the login: %+v", c)
	}
	if c := checklistRow(rows, "Scope"); c.State != RecordBad || !strings.Contains(c.Note, "Fill Scope") {
		t.Errorf("null scope: %+v", c)
	}
	if c := checklistRow(rows, "BasicAuthenticationAllowed"); c.State != RecordWarn {
		t.Errorf("basic auth: %+v", c)
	}
	r = recordFrom(map[string]any{"SystemUser": map[string]any{"Login": "svc-other"}, "Scope": "read"})
	if c := checklistRow(RecordChecklist(profiles.Profile{Scopes: []string{"read"}}, r, "svc-import"), "SystemUser"); c.State != RecordWarn || c.Actual != "svc-other" {
		t.Errorf("another user: %+v", c)
	}
	if q := RecordQuery(profiles.Profile{InstanceURL: "https://acme.my.erp.net"}, "com.o'brien/app"); !strings.Contains(q, "%27com.o%27%27brien%2Fapp%27&$top=2&$expand=SystemUser") {
		t.Errorf("query %s", q)
	}
}

// Answers that are not a record: 403 (the System User may not read records), 404 (no
// such entity set), 200 with something that is not an OData list.
func TestReadRecordRefusals(t *testing.T) {
	f := newERP(t)
	var status int
	var body string
	f.API = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	tok := NewAccessToken("a.b.c")
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"forbidden", 403, `{"error":{"message":"Access denied"}}`, "may not read Trusted Application records (HTTP 403)"},
		{"no such entity set", 404, `{"error":{"message":"Unknown set"}}`, "has no Systems_Security_TrustedApplications entity set"},
		{"a page, not records", 200, `<html>login</html>`, "not with an OData list of records"},
		{"server error", 500, `{"error":{"code":2029,"message":"Boom"}}`, "The record could not be read:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body = tc.status, tc.body
			res := ReadRecord(context.Background(), f.profile(), tok, "com.acme/nightly", fresh())
			if res.Record != nil || !strings.Contains(res.Problem, tc.want) {
				t.Errorf("%d: %q", tc.status, res.Problem)
			}
		})
	}
}

// An instance that will not expand SystemUser: the record is read again without the
// expansion, and the SystemUser row asks to be checked by hand.
func TestReadRecordWithoutExpand(t *testing.T) {
	f := newERP(t)
	var paths []string
	id := f.profile().ClientID
	f.API = func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("$expand") != "" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"code":"BadRequest","message":"$expand is not allowed"}}`)
			return
		}
		io.WriteString(w, `{"value":[{"ApplicationUri":"`+id+`","ClientType":"Confidential","SystemUserAllowed":true,"Scope":"read update","IsEnabled":true}]}`)
	}
	p := f.profile()
	res := ReadRecord(context.Background(), p, NewAccessToken("a.b.c"), p.ClientID, fresh())
	if res.Record == nil || res.Problem != "" || len(paths) != 3 || !strings.Contains(paths[1], "expand") || strings.Contains(paths[2], "expand") {
		t.Fatalf("record %+v, problem %q, queries %q", res.Record, res.Problem, paths)
	}
	rows := RecordChecklist(p, res.Record, "")
	if c := checklistRow(rows, "SystemUser"); c.State != RecordUnknown || c.Actual != "not read" {
		t.Errorf("SystemUser row %+v", c)
	}
	if c := checklistRow(rows, "Scope"); c.State != RecordOK {
		t.Errorf("Scope row %+v", c)
	}
}

// An instance that expands SystemUser but refuses to select UserType, IsAdmin or
// Active (an older version, or a reader without that permission): the login is read
// with the narrower expansion, and the least-privilege facts stay unknown.
func TestReadRecordNarrowerExpand(t *testing.T) {
	f := newERP(t)
	var paths []string
	id := f.profile().ClientID
	f.API = func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.Query().Get("$expand"), "IsAdmin") {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"code":"BadRequest","message":"Could not find a property named 'IsAdmin'"}}`)
			return
		}
		io.WriteString(w, `{"value":[{"ApplicationUri":"`+id+`","ClientType":"Confidential","SystemUserAllowed":true,"Scope":"read","IsEnabled":true,`+
			`"ApplicationSecretHash":null,"AggregateLastUpdateTimeUtc":"2024-01-02T03:04:05.123Z","SystemUser":{"Login":"svc-x"}}]}`)
	}
	p := f.profile()
	res := ReadRecord(context.Background(), p, NewAccessToken("a.b.c"), p.ClientID, fresh())
	rec := res.Record
	if rec == nil || len(paths) != 2 || rec.SystemUser != "svc-x" || rec.SystemUserAdmin != nil || rec.SystemUserType != "" {
		t.Fatalf("record %+v, queries %q", rec, paths)
	}
	if rec.ApplicationSecretHash == nil || *rec.ApplicationSecretHash != "" {
		t.Errorf("a null ApplicationSecretHash must read as empty, got %v", rec.ApplicationSecretHash)
	}
	if want := time.Date(2024, 1, 2, 3, 4, 5, 123e6, time.UTC); !rec.LastUpdate.Equal(want) {
		t.Errorf("LastUpdate %v, want %v", rec.LastUpdate, want)
	}
}
