package check

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// The profile kinds against the sandbox (over HTTPS, as a user runs them), then each
// failure against a fake instance.

func startSandbox(t *testing.T, cfg sandbox.Config) *sandbox.Server {
	t.Helper()
	s, err := sandbox.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// noneContains fails when any text of the report, marshalled, holds secret.
func noneContains(t *testing.T, rep Report, secret string) {
	t.Helper()
	b, _ := json.Marshal(rep)
	if strings.Contains(string(b), secret) {
		t.Errorf("the report holds the credential")
	}
}

func TestReferenceTokensAgainstTheSandbox(t *testing.T) {
	s := startSandbox(t, sandbox.Config{TLS: true})
	for _, tc := range []struct {
		scenario, typ, actsAs, actor string
	}{
		{"reference-token", "SAT", "the System User of Trusted App com.sandbox/reference-tokens", "svc-reports"},
		{"reference-token-pat", "PAT", "maria.ivanova (Maria Ivanova)", "maria.ivanova"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			sc, _ := s.Scenario(tc.scenario)
			o := fresh()
			rep := Run(context.Background(), profileFor(s, sc), sc.ClientSecret, o, nil)
			if rep.Verdict != Pass || rep.Kind != "reference-token" {
				t.Fatalf("verdict %s kind %q: %v", rep.Verdict, rep.Kind, codes(rep, ""))
			}
			want := []StepKind{StepReachability, StepDiscovery, StepToken, StepInspect, StepAPI, StepAPI, StepAPI, StepIdentity}
			for i, k := range want {
				if i >= len(rep.Steps) || rep.Steps[i].Kind != k {
					t.Fatalf("steps %v", rep.Steps)
				}
			}
			for _, k := range []StepKind{StepDiscovery, StepToken} {
				if st := stepOf(rep, k); st.Verdict != Skipped || !strings.Contains(st.Summary, "reference token") {
					t.Errorf("%s: %s %q", k, st.Verdict, st.Summary)
				}
			}
			for _, st := range rep.Steps {
				for _, x := range st.Exchanges {
					if strings.Contains(x.URL, "/id/") {
						t.Errorf("a reference-token run asked the identity server: %s", x.URL)
					}
					if a := x.RequestHeaders.Get("Authorization"); a != "" && a != "Bearer …"+sc.ClientSecret[len(sc.ClientSecret)-6:] {
						t.Errorf("captured Authorization %q", a)
					}
				}
			}
			ref := rep.Reference
			if ref == nil || ref.Type != tc.typ || ref.ActsAs != tc.actsAs || ref.Record == nil || ref.Record.Actor != tc.actor || ref.Matched != "last_used" {
				t.Fatalf("reference %+v", ref)
			}
			if until := time.Until(ref.Record.Expires); until < 29*24*time.Hour || until > 91*24*time.Hour || ref.Record.LastUsed.IsZero() {
				t.Errorf("expiry %v last used %v", ref.Record.Expires, ref.Record.LastUsed)
			}
			if !hasCode(rep, RefActsAs) || !hasCode(rep, RefExpires) || hasCode(rep, RefExpiryUnknown) {
				t.Errorf("codes %v", codes(rep, ""))
			}
			if rep.Token == nil || !rep.Token.Reference || !rep.Token.ExpiresAt().Equal(ref.Record.Expires) || rep.Access.Reveal() != sc.ClientSecret || rep.Access.IssuedFor() != sc.Name {
				t.Errorf("token %+v", rep.Token)
			}
			if o.Cache.Len() != 0 || rep.Session.TokenReuse != KeptNowhere || rep.Session.State != SessionUnknown {
				t.Errorf("a reference token was cached: %d entries, session %+v", o.Cache.Len(), rep.Session)
			}
			noneContains(t, rep, sc.ClientSecret)
		})
	}

	// An expired token: every call is refused as expired; whom it acts as and its
	// expiry cannot be read with it.
	sc, _ := s.Scenario("reference-token-expired")
	rep := Run(context.Background(), profileFor(s, sc), sc.ClientSecret, fresh(), nil)
	if rep.Verdict != Fail || !hasCode(rep, RefExpired) || hasCode(rep, APITokenExpired) || !hasCode(rep, RefExpiryUnknown) || hasCode(rep, RefActsAs) {
		t.Errorf("expired: %s %v", rep.Verdict, codes(rep, ""))
	}
}

func TestBasicAgainstTheSandbox(t *testing.T) {
	s := startSandbox(t, sandbox.Config{TLS: true})
	sc, _ := s.Scenario("basic")
	p := profileFor(s, sc)
	rep := Run(context.Background(), p, sc.ClientSecret, fresh(), nil)
	if rep.Verdict != Pass || rep.Kind != "basic" || rep.Basic == nil || rep.Basic.User != "bi-reader" || rep.Basic.App != profiles.BasicAuthApp || rep.Access != nil {
		t.Fatalf("basic: %s %v %+v", rep.Verdict, codes(rep, ""), rep.Basic)
	}
	var tables int
	for _, st := range rep.Steps {
		for _, x := range st.Exchanges {
			if strings.Contains(x.URL, "/tableapi/odata/") {
				tables++
				if x.RequestHeaders.Get("Authorization") != "Basic [redacted]" {
					t.Errorf("captured %q", x.RequestHeaders.Get("Authorization"))
				}
			}
		}
	}
	if tables != 3 || len(codes(rep, StepToken)) != 0 || stepOf(rep, StepInspect).Verdict != Skipped {
		t.Errorf("%d Table API calls, steps %v", tables, rep.Steps)
	}
	n := 0
	for _, c := range codes(rep, "") {
		if c == BasicLegacy {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d migration findings", n)
	}
	noneContains(t, rep, sc.ClientSecret)

	no, _ := s.Scenario("basic-user-not-allowed")
	rep = Run(context.Background(), profileFor(s, no), no.ClientSecret, fresh(), nil)
	if f := finding(rep, BasicRefused); rep.Verdict != Fail || f == nil || !strings.Contains(f.Message, "maria.ivanova") || hasCode(rep, BasicLegacy) {
		t.Errorf("not allowed: %s %v", rep.Verdict, codes(rep, ""))
	}
}

// refProfile is a reference-token profile of the fake instance.
func refProfile(f erp) profiles.Profile {
	return profiles.Profile{Name: "ref", Kind: profiles.KindReferenceToken, InstanceURL: f.URL, ClientID: hostile.ClientID, TimeoutSeconds: 5}
}

const fakeRef = "enrt_1D41D4694B4F02D3D6A31FFA07E20B73F48248B26C75A0CCCB5F9DBEE41F7960"

// Each refusal of a reference token and each way its identity stays unknown, against
// an instance whose answers a test chooses.
func TestReferenceTokenFailures(t *testing.T) {
	type answers struct {
		api    func(w http.ResponseWriter, r *http.Request) // the API calls (not AccessTokens)
		me     func(w http.ResponseWriter, r *http.Request)
		tokens func(w http.ResponseWriter, r *http.Request)
	}
	ok := func(w http.ResponseWriter, r *http.Request) {
		hostile.WriteJSON(w, 200, map[string]any{"value": []any{}})
	}
	refuse := func(desc string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+desc+`"`)
			w.WriteHeader(401)
		}
	}
	status := func(n int) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(n) }
	}
	row := func(actor, desc string, expires, used time.Time) map[string]any {
		m := map[string]any{"Type": "reference_token", "Actor": actor, "Client": hostile.ClientID, "Description": desc, "Scopes": "read",
			"ExpireTimestamp": expires.UTC().Format(time.RFC3339), "LastUsedTimestamp": nil}
		if !used.IsZero() {
			m["LastUsedTimestamp"] = used.UTC().Format(time.RFC3339)
		}
		return m
	}
	rows := func(rs ...map[string]any) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) { hostile.WriteJSON(w, 200, map[string]any{"value": rs}) }
	}
	me := func(login string, admin bool) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			hostile.WriteJSON(w, 200, map[string]any{"login": login, "name": "Anna", "isAdmin": admin, "userType": "InternalUser"})
		}
	}
	now := time.Now()
	for _, tc := range []struct {
		name    string
		a       answers
		secret  string
		verdict Verdict
		want    []string
		absent  []string
		check   func(t *testing.T, rep Report)
	}{
		{"revoked or unknown", answers{api: refuse("The reference token is unknown")}, fakeRef, Fail, []string{RefRefused}, []string{APIUnauthorized}, func(t *testing.T, rep Report) {
			if f := finding(rep, RefRefused); !strings.Contains(f.Message, `"The reference token is unknown"`) || !strings.Contains(f.Message, "another instance") {
				t.Errorf("message %q", f.Message)
			}
		}},
		{"expired", answers{api: refuse("The token expired at 2026-01-01")}, fakeRef, Fail, []string{RefExpired}, []string{APITokenExpired}, nil},
		{"a JWT instead", answers{api: ok}, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", Fail, []string{RefNotReference}, []string{APIOK}, func(t *testing.T, rep Report) {
			if st := stepOf(rep, StepAPI); st.Verdict != Skipped || stepOf(rep, StepIdentity).Verdict != Skipped || rep.Access != nil {
				t.Errorf("a JWT went to the API: %v", rep.Steps)
			}
		}},
		{"cut short", answers{api: ok, me: me("anna", false), tokens: rows(row("anna", "x", now.Add(60*24*time.Hour), time.Time{}))}, fakeRef[:40], Warn, []string{RefShape, APIOK}, nil, nil},
		{"AccessTokens refused", answers{api: ok, me: me("anna", false), tokens: status(403)}, fakeRef, Pass, []string{RefActsAs, RefExpiryUnknown}, []string{RefExpires}, func(t *testing.T, rep Report) {
			if f := finding(rep, RefExpiryUnknown); !strings.Contains(f.Message, "sec scope") || !strings.Contains(f.Message, "HTTP 403") {
				t.Errorf("message %q", f.Message)
			}
		}},
		{"AccessTokens not served", answers{api: ok, me: me("anna", false), tokens: status(404)}, fakeRef, Pass, []string{RefExpiryUnknown}, nil, func(t *testing.T, rep Report) {
			if f := finding(rep, RefExpiryUnknown); !strings.Contains(f.Message, "26.2.0.13") {
				t.Errorf("message %q", f.Message)
			}
		}},
		{"two rows, one used now", answers{api: ok, me: me("anna", false), tokens: rows(
			row("anna", "old", now.Add(20*24*time.Hour), now.Add(-48*time.Hour)), row("anna", "this one", now.Add(40*24*time.Hour), now.Add(time.Minute)))},
			fakeRef, Pass, []string{RefActsAs, RefExpires}, []string{RefExpiryUnknown}, func(t *testing.T, rep Report) {
				if r := rep.Reference; r.Record == nil || r.Record.Description != "this one" || r.Matched != "last_used" || r.Rows != 2 || r.Type != "PAT" {
					t.Errorf("reference %+v", r)
				}
			}},
		{"two rows, neither used now", answers{api: ok, me: me("anna", false), tokens: rows(
			row("anna", "a", now.Add(20*24*time.Hour), time.Time{}), row("anna", "b", now.Add(40*24*time.Hour), time.Time{}))},
			fakeRef, Pass, []string{RefExpiryUnknown}, []string{RefExpires}, func(t *testing.T, rep Report) {
				if f := finding(rep, RefExpiryUnknown); !strings.Contains(f.Message, "lists 2 reference tokens") || !strings.Contains(f.Message, "do not say how a token maps") {
					t.Errorf("message %q", f.Message)
				}
			}},
		{"another user's row is not this PAT's", answers{api: ok, me: me("anna", false), tokens: rows(row("boris", "b", now.Add(40*24*time.Hour), now.Add(time.Minute)), row("anna", "mine", now.Add(9*24*time.Hour), time.Time{}))},
			fakeRef, Pass, []string{RefExpires}, nil, func(t *testing.T, rep Report) {
				if r := rep.Reference; r.Record == nil || r.Record.Description != "mine" || r.Matched != "only" {
					t.Errorf("reference %+v", r)
				}
			}},
		{"expires in two days", answers{api: ok, me: me("anna", true), tokens: rows(row("anna", "x", now.Add(50*time.Hour), time.Time{}))}, fakeRef, Warn, []string{RefExpiresSoon}, nil, func(t *testing.T, rep Report) {
			if f := finding(rep, RefActsAs); !strings.Contains(f.Message, "administrator") {
				t.Errorf("an admin's PAT: %q", f.Message)
			}
			if f := finding(rep, RefExpiresSoon); !strings.Contains(f.Message, "in 2 days") {
				t.Errorf("soon: %q", f.Message)
			}
		}},
		{"/me refused after the calls worked: a SAT", answers{api: ok, me: status(403), tokens: rows(row("svc-x", "sat", now.Add(50*24*time.Hour), time.Time{}))}, fakeRef, Pass, []string{RefActsAs}, nil, func(t *testing.T, rep Report) {
			if r := rep.Reference; r.Type != "SAT" || !strings.Contains(finding(rep, RefActsAs).Message, "svc-x") {
				t.Errorf("reference %+v", r)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			var tokenReads int
			f.API = func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/Systems_Security_AccessTokens") {
					tokenReads++
					if r.URL.Query().Get("$filter") != "Client eq '"+hostile.ClientID+"'" {
						t.Errorf("AccessTokens filter %q", r.URL.Query().Get("$filter"))
					}
					if tc.a.tokens != nil {
						tc.a.tokens(w, r)
						return
					}
				}
				tc.a.api(w, r)
			}
			f.Other = func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/profile/me" && tc.a.me != nil {
					tc.a.me(w, r)
					return
				}
				http.NotFound(w, r)
			}
			rep := Run(context.Background(), refProfile(f), tc.secret, fresh(), nil)
			if rep.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s: %v", rep.Verdict, tc.verdict, codes(rep, ""))
			}
			for _, c := range tc.want {
				if !hasCode(rep, c) {
					t.Errorf("missing %s in %v", c, codes(rep, ""))
				}
			}
			for _, c := range tc.absent {
				if hasCode(rep, c) {
					t.Errorf("unexpected %s in %v", c, codes(rep, ""))
				}
			}
			if f.calls() != 0 {
				t.Errorf("%d token requests", f.calls())
			}
			if tc.check != nil {
				tc.check(t, rep)
			}
			noneContains(t, rep, tc.secret)
		})
	}
}

// The documented refusals of Basic authentication, word for word from ERP.net's
// Authentication Flows page, each its own finding; any other 401 (a localised one
// included) names every switch.
func TestBasicRefusals(t *testing.T) {
	const prefix = "Authentication failed for user 'bi'.\nCurrent request uses basic authentication but "
	for _, tc := range []struct {
		name, message, want string
	}{
		{"no app", prefix + "the provided application 'DomainApiBasicAuthentication' is not found among the trusted applications.", BasicAppMissing},
		{"disabled", prefix + "the trusted application 'DomainApiBasicAuthentication' is not enabled.", BasicAppDisabled},
		{"not allowed", prefix + "the provided application 'DomainApiBasicAuthentication' is not configured to allow basic authentication.", BasicAppNotAllowed},
		{"another user", prefix + "the corresponding trusted application 'DomainApiBasicAuthentication' is configured for system user that is different from the provided user 'bi'.", BasicOtherUser},
		{"wrong password", "Authentication failed for user 'bi'.", BasicRefused},
		{"in Bulgarian", "Неуспешно удостоверяване за потребител 'bi'.", BasicRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			var auth []string
			f.Other = func(w http.ResponseWriter, r *http.Request) {
				auth = append(auth, r.Header.Get("Authorization"))
				w.Header().Set("WWW-Authenticate", `Basic realm="ERP.net"`)
				hostile.WriteJSON(w, 401, map[string]any{"error": map[string]any{"code": "Unauthorized", "message": tc.message}})
			}
			p := profiles.Profile{Name: "bi", Kind: profiles.KindBasic, User: "bi", InstanceURL: f.URL, TimeoutSeconds: 5}
			rep := Run(context.Background(), p, "pa:ss wörd", fresh(), nil)
			fd := finding(rep, tc.want)
			if rep.Verdict != Fail || fd == nil || fd.Evidence[EvUser] != "bi" || fd.Evidence[EvApp] != profiles.BasicAuthApp || hasCode(rep, APIUnauthorized) {
				t.Fatalf("%s %v", rep.Verdict, codes(rep, ""))
			}
			if tc.want == BasicRefused && (!strings.Contains(fd.Message, "AllowBasicAuthForAllUsers") || !strings.Contains(fd.Message, tc.message)) {
				t.Errorf("message %q", fd.Message)
			}
			if len(auth) != 3 || auth[0] != "Basic Ymk6cGE6c3Mgd8O2cmQ=" { // RFC 7617: user:password, UTF-8, no form encoding
				t.Errorf("sent %v", auth)
			}
			noneContains(t, rep, "pa:ss wörd")
			noneContains(t, rep, "Ymk6cGE6c3Mgd8O2cmQ")
		})
	}
}

// A credential stored for another kind is never sent: a client secret as a password,
// a reference token as a client secret.
func TestStaleCredentialIsNotSent(t *testing.T) {
	for _, tc := range []struct {
		kind, stored profiles.Kind
	}{
		{profiles.KindBasic, profiles.KindClientCredentials},
		{profiles.KindReferenceToken, ""}, // an older profile: its secret is a client secret
		{profiles.KindClientCredentials, profiles.KindReferenceToken},
	} {
		f := newERP(t)
		var sent int
		f.API = func(w http.ResponseWriter, r *http.Request) { sent++ }
		f.Other = f.API
		p := f.profile()
		p.Kind, p.SecretSetAt, p.SecretKind = tc.kind, time.Now(), tc.stored
		if tc.kind != profiles.KindClientCredentials {
			p.Scopes, p.User = nil, "bi"
		}
		rep := Run(context.Background(), p, fakeRef, fresh(), nil)
		fd := finding(rep, ConfigSecretKind)
		if rep.Verdict != Fail || fd == nil || sent != 0 || f.calls() != 0 {
			t.Errorf("%s with a stored %s: %s %v, %d sent", tc.kind, tc.stored, rep.Verdict, codes(rep, ""), sent+f.calls())
		}
	}
}

// The steps a mode leaves out, for a reference token.
func TestReferenceTokenModes(t *testing.T) {
	s := startSandbox(t, sandbox.Config{})
	sc, _ := s.Scenario("reference-token")
	p := profileFor(s, sc)
	o := fresh()
	o.Mode = TokenOnly
	rep := Run(context.Background(), p, sc.ClientSecret, o, nil)
	if rep.Access == nil || stepOf(rep, StepReachability) != nil || stepOf(rep, StepAPI) != nil || stepOf(rep, StepIdentity) != nil {
		t.Errorf("token only: %v", rep.Steps)
	}
	o.Mode = CallsSkipped("Skipped: another profile holds the session.")
	rep = Run(context.Background(), p, sc.ClientSecret, o, nil)
	if st := stepOf(rep, StepIdentity); st == nil || st.Verdict != Skipped || stepOf(rep, StepAPI).Summary != "Skipped: another profile holds the session." {
		t.Errorf("calls skipped: %v", rep.Steps)
	}
	o.Mode = NoAPI
	rep = Run(context.Background(), p, sc.ClientSecret, o, nil)
	if stepOf(rep, StepAPI) != nil || stepOf(rep, StepIdentity) != nil || rep.Session.State != SessionNone {
		t.Errorf("no API: %v", rep.Steps)
	}
}

// The record checklist stops warning about ReferenceTokens when the app issues
// reference tokens on purpose, and then checks it for that use; so does the least
// privilege advice.
func TestReferenceTokensRowWhenIntended(t *testing.T) {
	rec := func(v string) *TrustedAppRecord {
		return &TrustedAppRecord{ApplicationURI: "com.acme/x", ReferenceTokens: v}
	}
	row := func(p profiles.Profile, r *TrustedAppRecord) *RecordCheck {
		for _, c := range RecordChecklist(p, r, "") {
			if c.Field == "ReferenceTokens" {
				return &c
			}
		}
		return nil
	}
	cc := profiles.Profile{ClientID: "com.acme/x"}
	sat := profiles.Profile{ClientID: "com.acme/x", UsesReferenceTokens: true}
	ref := profiles.Profile{ClientID: "com.acme/x", Kind: profiles.KindReferenceToken}
	for _, tc := range []struct {
		name  string
		p     profiles.Profile
		rec   *TrustedAppRecord
		state RecordState // "" = no row
	}{
		{"not intended, AdministratorsOnly", cc, rec("AdministratorsOnly"), RecordWarn},
		{"not intended, None", cc, rec("None"), ""},
		{"a SAT intended, AdministratorsOnly", sat, rec("AdministratorsOnly"), RecordOK},
		{"a reference-token profile, AuthenticatedUsers", ref, rec("AuthenticatedUsers"), RecordOK},
		{"intended, None", ref, rec("None"), RecordBad},
		{"intended, not read", sat, nil, RecordUnknown},
	} {
		got := row(tc.p, tc.rec)
		if (got == nil) != (tc.state == "") || (got != nil && got.State != tc.state) {
			t.Errorf("%s: %+v", tc.name, got)
		}
		adv := LeastPrivilege(PrivilegeInput{Profile: tc.p, Record: tc.rec, Now: time.Now()})
		advised := false
		for _, f := range adv {
			advised = advised || f.Code == PrivReferenceTokens
		}
		if advised != (tc.state == RecordWarn) {
			t.Errorf("%s: privilege advice %v", tc.name, adv)
		}
	}
}

// History's summary of a reference-token or basic run names its kind and whom it acted
// as.
func TestSummaryOfKinds(t *testing.T) {
	s := startSandbox(t, sandbox.Config{})
	for name, want := range map[string][3]string{
		"reference-token-pat": {"reference-token", "maria.ivanova", "com.sandbox/personal-tokens"},
		"basic":               {"basic", "bi-reader", profiles.BasicAuthApp},
	} {
		sc, _ := s.Scenario(name)
		sum := Summarize(Run(context.Background(), profileFor(s, sc), sc.ClientSecret, fresh(), nil))
		if sum.Kind != want[0] || sum.SystemUser != want[1] || sum.ClientID != want[2] {
			t.Errorf("%s: %+v", name, sum)
		}
	}
}

// A server that echoes the Basic credential and the password back (in a header, the
// body, an error) never gets them into the report: the capture knows them as secrets.
func TestBasicPasswordIsRedactedWhereverItIsEchoed(t *testing.T) {
	const pass = "Echo-Me-p@ss:word"
	f := newERP(t)
	f.Other = func(w http.ResponseWriter, r *http.Request) {
		_, pw, _ := r.BasicAuth()
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		hostile.WriteJSON(w, 200, map[string]any{"value": []any{}, "you_sent": r.Header.Get("Authorization"), "password_was": pw})
	}
	p := profiles.Profile{Name: "bi", Kind: profiles.KindBasic, User: "bi", InstanceURL: f.URL, TimeoutSeconds: 5}
	rep := Run(context.Background(), p, pass, fresh(), nil)
	if rep.Verdict == Fail {
		t.Fatalf("%v", codes(rep, ""))
	}
	noneContains(t, rep, pass)
	noneContains(t, rep, "Ymk6RWNoby1NZS1wQHNzOndvcmQ") // base64("bi:"+pass), unpadded
}
