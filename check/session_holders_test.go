package check

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// The licence-exhausted scenario: the first call is refused for want of a slot, the
// run asks who holds them with its own token, and the instance refuses that too, for
// the same reason: said, with what to do; no session was opened. Another profile's
// token (healthy, whose session the sandbox lets open) reads them.
func TestHoldersAgainstTheSandbox(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ex, _ := s.Scenario("licence-exhausted")
	rep := Run(context.Background(), profileFor(s, ex), ex.ClientSecret, fresh(), nil)
	sc := rep.Session
	if sc == nil || sc.State != SessionNone || sc.HoldersState != HoldersRefused || len(sc.Holders) != 0 ||
		!strings.Contains(sc.HoldersNote, "needs a session too") || !strings.Contains(sc.HoldersNote, "reserved licence seat") {
		t.Fatalf("session %+v", sc)
	}
	var api Step
	for _, st := range rep.Steps {
		if st.Kind == StepAPI {
			api = st
			break
		}
	}
	if len(api.Exchanges) != 2 || !strings.Contains(api.Exchanges[1].URL, "Systems_Monitoring_CurrentSessions") || len(api.Findings) != 1 {
		t.Errorf("the holders read is not beside the refused call: %d exchanges, findings %v", len(api.Exchanges), api.Findings)
	}
	if n := strings.Count(strings.Join(codes(rep, StepAPI), " "), APILicenseExhausted); n != len(profileFor(s, ex).EffectiveCalls()) {
		t.Errorf("the holders read added findings: %v", codes(rep, StepAPI))
	}

	// Read with the healthy app's token.
	_, hp, hr := healthyToken(t)
	_ = hp
	h := ReadHolders(context.Background(), hp, hr.Access, fresh())
	if h.State != HoldersRead || len(h.Sessions) < 5 || len(h.Licences) != 1 || !strings.Contains(h.Note, "sessions hold licence slots") {
		t.Fatalf("holders %+v", h)
	}
	logins := map[string]LicenceHolder{}
	for i, x := range h.Sessions {
		logins[x.Login] = x
		if i > 0 && x.FreesBy.Before(h.Sessions[i-1].FreesBy) {
			t.Errorf("not soonest-to-free first: %v then %v", h.Sessions[i-1].FreesBy, x.FreesBy)
		}
	}
	if e := logins["svc-edi"]; e.Expiry.IsZero() || e.Device != "" || e.Applications != "com.partner/edi" {
		t.Errorf("a service session: %+v", e)
	}
	if m := logins["m.petrova"]; m.Device != "WS-ACCOUNTING-07" || !m.Expiry.IsZero() || m.FreesBy != m.LastRequest.Add(SessionIdle) {
		t.Errorf("an interactive session: %+v", m)
	}
}

// holdersAPI is a fake instance: the monitoring views answer as views says (path
// prefix to status and body); everything else 404.
func holdersAPI(t *testing.T, views map[string]func() (int, string)) profiles.Profile {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for prefix, answer := range views {
			if strings.HasPrefix(r.URL.Path, "/api/domain/odata/"+prefix) {
				st, body := answer()
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(st)
				io.WriteString(w, body)
				return
			}
		}
		w.WriteHeader(404)
		io.WriteString(w, `{"error":{"code":"NotFound","message":"no such set"}}`)
	}))
	t.Cleanup(srv.Close)
	return profiles.Profile{Name: "fake", InstanceURL: srv.URL, ClientID: "com.acme/x", TimeoutSeconds: 5}
}

func answer(status int, body string) func() (int, string) {
	return func() (int, string) { return status, body }
}

const sessionsBody = `{"value":[
 {"User":"a.user","Device":"PC-1","Applications":"WebClient","StartTime":"2026-05-04T08:00:00Z","LastRequestTime":"2026-05-04T09:55:00Z","AbsoluteExpirationTime":null},
 {"User":"svc-x","Device":"","Applications":"com.acme/x","StartTime":"2026-05-04T09:10:00Z","LastRequestTime":"2026-05-04T09:59:00Z","AbsoluteExpirationTime":"2026-05-04T10:10:00Z"}],
 "@odata.nextLink":"next"}`

// The answers a read of the holders meets, each said in words.
func TestReadHoldersAnswers(t *testing.T) {
	tok := NewAccessToken("header.payload.signature")
	for _, tc := range []struct {
		name  string
		views map[string]func() (int, string)
		state string
		note  string
	}{
		{"read, the list goes on", map[string]func() (int, string){"Systems_Monitoring_CurrentSessions": answer(200, sessionsBody),
			"Systems_Monitoring_Licenses": answer(200, `{"value":[{"LicenseCode":"USERS","LicenseCount":2,"LicenseDescription":"Users","LicenseScaleType":"Count"}]}`)},
			HoldersRead, "2 sessions hold licence slots (the first 100 listed)"},
		{"an instance before 24.1.5.35", map[string]func() (int, string){"Systems_Dmv_CurrentSessions": answer(200, `{"value":[]}`)},
			HoldersRead, "lists no session"},
		{"not there at all", nil, HoldersFailed, "came in version 23.1.1.52"},
		{"no permission", map[string]func() (int, string){"Systems_Monitoring": answer(403, `{"error":{"code":"Forbidden","message":"no"}}`)},
			HoldersRefused, "may not read Systems_Monitoring_CurrentSessions (HTTP 403)"},
		{"no licence slot", map[string]func() (int, string){"Systems_Monitoring": answer(500, `{"error":{"code":"MaximumLicenseCountExceeded","message":"full"}}`)},
			HoldersRefused, "needs a session too"},
		{"token refused", map[string]func() (int, string){"Systems_Monitoring": answer(401, `{}`)}, HoldersRefused, "HTTP 401"},
		{"not a list", map[string]func() (int, string){"Systems_Monitoring": answer(200, `{"hello":1}`)}, HoldersFailed, "not with a list of sessions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := holdersAPI(t, tc.views)
			h := ReadHolders(context.Background(), p, tok, Options{})
			if h.State != tc.state || !strings.Contains(h.Note, tc.note) {
				t.Fatalf("state %q, note %q", h.State, h.Note)
			}
		})
	}
	p := holdersAPI(t, map[string]func() (int, string){"Systems_Monitoring_CurrentSessions": answer(200, sessionsBody),
		"Systems_Monitoring_Licenses": answer(200, `{"value":[{"LicenseCode":"USERS","LicenseCount":2}]}`)})
	h := ReadHolders(context.Background(), p, tok, Options{})
	if len(h.Sessions) != 2 || h.Sessions[0].Login != "svc-x" || h.Sessions[0].FreesBy != time.Date(2026, 5, 4, 10, 10, 0, 0, time.UTC) ||
		h.Sessions[1].FreesBy != time.Date(2026, 5, 4, 10, 15, 0, 0, time.UTC) || len(h.Licences) != 1 || h.Licences[0].Count != 2 {
		t.Errorf("parsed %+v", h)
	}
}

// A slot freed between the refused call and the holders read: the read ran in a new
// session, which the run's session cost counts as opened by this run.
func TestHoldersReadOpensTheSessionTheRunMeantTo(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h, _ := s.Scenario("healthy")
	p := profileFor(s, h)
	p.Calls = []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=1"}}
	var refused atomic.Bool
	opts := fresh()
	opts.Transport = roundTrip(func(r *http.Request) (*http.Response, error) {
		if strings.Contains(r.URL.Path, "Crm_Sales_Customers") && refused.CompareAndSwap(false, true) {
			return &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
				Body: io.NopCloser(strings.NewReader(`{"error":{"code":"MaximumLicenseCountExceeded","message":"all slots are in use"}}`))}, nil
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	rep := Run(context.Background(), p, h.ClientSecret, opts, nil)
	sc := rep.Session
	if sc == nil || sc.HoldersState != HoldersRead || sc.State != SessionOpened || len(sc.Holders) == 0 {
		t.Fatalf("session %+v", sc)
	}
	if !hasCode(rep, APILicenseExhausted) {
		t.Errorf("the refused call's finding is gone: %v", codes(rep, ""))
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
