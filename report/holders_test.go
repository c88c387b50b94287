package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/report"
)

// The sandbox's licence-exhausted scenario: every report says who holds the licences
// could not be read either, and why.
func TestReportsSayTheHoldersWereRefused(t *testing.T) {
	s := startSandbox(t)
	sc, _ := s.Scenario("licence-exhausted")
	p := profileFor(sc)
	d := report.Build(check.Run(context.Background(), p, sc.ClientSecret, check.Options{Cache: check.NewTokenCache(), Fresh: true}, nil), p)
	text, md, js := render(t, d)
	if !strings.Contains(text, "Licences:  who holds them (Systems_Monitoring_CurrentSessions): The instance would not show who holds them either") {
		t.Errorf("text:\n%s", text)
	}
	if !strings.Contains(md, "### Who holds the licences\n\nThe instance would not show") {
		t.Errorf("markdown:\n%s", md)
	}
	var doc struct {
		Session struct {
			HoldersState string            `json:"holders_state"`
			HoldersNote  string            `json:"holders_note"`
			Holders      []json.RawMessage `json:"holders"`
		} `json:"session"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil || doc.Session.HoldersState != "refused" || doc.Session.HoldersNote == "" || doc.Session.Holders != nil {
		t.Errorf("JSON: %v %+v", err, doc.Session)
	}
}

// Holders read: a row each, in every report, under the names report-format.md gives;
// what the instance sent cannot forge lines or table cells.
func TestReportsListTheHolders(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 5, 4, h, m, 0, 0, time.UTC) }
	sess := &check.SessionCost{State: check.SessionNone, Summary: "No ERP.net session was opened.", HoldersState: check.HoldersRead,
		HoldersNote: "2 sessions hold licence slots.",
		Holders: []check.LicenceHolder{
			{Login: "svc-edi", Applications: "com.partner/edi", LastRequest: at(9, 59), Expiry: at(10, 10), FreesBy: at(10, 10)},
			{Login: "m.petrova|x\nForged: line", Device: "WS-07", Applications: "WebClient", LastRequest: at(9, 55), FreesBy: at(10, 15)},
		},
		Licences: []check.LicenceCount{{Code: "USERS", Count: 2, Description: "Concurrent users"}}}
	d := report.Build(check.Report{Profile: "p", Verdict: check.Fail, Session: sess}, profileFor(startSandbox(t).Scenarios()[0]))
	text, md, js := render(t, d)
	for _, want := range []string{"login", "svc-edi", "(no device)", "09:59:00 UTC", "10:10:00 UTC", `m.petrova|x\nForged: line`, "licence USERS: 2 in use (Concurrent users)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\nForged: line") {
		t.Error("a login forged a line in the text report")
	}
	if !strings.Contains(md, "| Login | Device | Applications | Last request | Expires | Frees by |") || strings.Contains(md, "| m.petrova|x") || !strings.Contains(md, "Licences: USERS: 2 in use") {
		t.Errorf("markdown:\n%s", md)
	}
	var doc struct {
		Session struct {
			Holders []map[string]any `json:"holders"`
		} `json:"session"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil || len(doc.Session.Holders) != 2 {
		t.Fatalf("JSON: %v %s", err, js)
	}
	h := doc.Session.Holders[0]
	if h["login"] != "svc-edi" || h["device"] != "" || h["last_request"] != "2026-05-04T09:59:00Z" || h["expiry"] != "2026-05-04T10:10:00Z" || h["frees_by"] == nil {
		t.Errorf("session.holders[0] = %v", h)
	}
	if _, has := doc.Session.Holders[1]["expiry"]; has {
		t.Errorf("an interactive session has no expiry: %v", doc.Session.Holders[1])
	}
}

func render(t *testing.T, d report.Document) (string, string, string) {
	t.Helper()
	var text, md, js bytes.Buffer
	if err := report.WriteText(&text, d); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteMarkdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteJSON(&js, d); err != nil {
		t.Fatal(err)
	}
	return text.String(), md.String(), js.String()
}
