package check

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
	"time"
)

// RunSummary is what a run showed, in the terms two runs are compared in: who the
// token acts as, which database and scopes, each step's result and time, the finding
// codes and, when it was read, the Trusted App record. History keeps one per run
// (audit.Log.AppendRun) so runs can be compared later; it holds no secret, no token
// and no server-provided message, only codes, names and values of our own reading.
type RunSummary struct {
	// ID names the run in History (8 hex digits, random).
	ID         string    `json:"id"`
	Profile    string    `json:"profile"`
	ClientID   string    `json:"client_id,omitempty"`
	Instance   string    `json:"instance,omitempty"` // scheme://host of the instance, when a request was made
	Started    time.Time `json:"started"`
	DurationMS int64     `json:"duration_ms"`
	Verdict    Verdict   `json:"verdict"`
	Cancelled  bool      `json:"cancelled,omitempty"`

	SystemUser     string `json:"system_user,omitempty"`
	SystemUserType string `json:"system_user_type,omitempty"`
	Database       string `json:"database,omitempty"`
	Issuer         string `json:"issuer,omitempty"`
	TokenKind      string `json:"token_kind,omitempty"` // jwt | reference | opaque
	// Kind is how the profile signed in when not with client credentials
	// ("reference-token", "basic"); SystemUser is then whom it acted as.
	Kind            string   `json:"kind,omitempty"`
	ScopesRequested []string `json:"scopes_requested"`
	ScopesGranted   []string `json:"scopes_granted"`
	// TokenLifetimeS is the token's lifetime as the token response gave it
	// (expires_in, seconds); 0 when no token came or it gave none.
	TokenLifetimeS int `json:"token_lifetime_s,omitempty"`
	// Version is the instance's version as /tools/ver reported it ("" when unknown).
	Version string `json:"version,omitempty"`
	// TokenExpires is when the run's token stops working (zero when it got none).
	TokenExpires time.Time `json:"token_expires,omitzero"`
	// Session is what the run's API calls cost in licence terms (SessionCost.State:
	// opened, reused, none, unknown; "" in older History), and SessionHoldsUntil until
	// when the session may hold its licence slot.
	Session           string    `json:"session,omitempty"`
	SessionHoldsUntil time.Time `json:"session_holds_until,omitzero"`

	Steps    []StepSummary    `json:"steps"`
	Findings []FindingSummary `json:"findings"`
	// Record is the Trusted App checklist when the record was read (or checked by
	// hand: state "unknown") in this run; nil when it was not looked at.
	Record []RecordField `json:"record,omitempty"`
}

// StepSummary is one step's result.
type StepSummary struct {
	Kind       StepKind `json:"kind"`
	Name       string   `json:"name"`
	Verdict    Verdict  `json:"verdict"`
	Status     int      `json:"status,omitempty"` // the HTTP status of its last answer
	DurationMS int64    `json:"duration_ms"`
}

// FindingSummary is one finding, by code.
type FindingSummary struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Step     string   `json:"step"`
}

// RecordField is one row of the Trusted App checklist.
type RecordField struct {
	Field string      `json:"field"`
	Value string      `json:"value"`
	State RecordState `json:"state"`
}

// NewRunID makes a run id: 8 random hex digits.
func NewRunID() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return strings.ReplaceAll(time.Now().UTC().Format("150405.000"), ".", "")[:8]
	}
	return hex.EncodeToString(b[:])
}

// Summarize is the summary of a run (with a new ID). The profile name, client_id and
// instance come from the report, its exchanges and its claims.
func Summarize(r Report) RunSummary {
	s := RunSummary{
		ID: NewRunID(), Profile: r.Profile, Started: r.Started.UTC(), Verdict: r.Verdict, Cancelled: r.Cancelled,
		ScopesRequested: []string{}, ScopesGranted: []string{}, Steps: []StepSummary{}, Findings: []FindingSummary{},
	}
	if !r.Started.IsZero() && !r.Finished.IsZero() {
		s.DurationMS = r.Finished.Sub(r.Started).Milliseconds()
	}
	if c := r.Claims; c != nil {
		s.SystemUser, s.SystemUserType, s.Database, s.Issuer, s.ClientID = c.SystemUser, c.SystemUserType, c.Database, c.Issuer, c.ClientID
		s.TokenKind = string(c.Kind)
		s.ScopesGranted = sorted(c.Scopes)
	}
	if sd := r.Scopes; sd != nil {
		if len(sd.Requested) > 0 {
			s.ScopesRequested = sorted(sd.Requested)
		}
		if len(sd.Granted) > 0 {
			s.ScopesGranted = sorted(sd.Granted)
		}
	}
	if t := r.Token; t != nil && !t.Supplied {
		s.TokenLifetimeS = t.ExpiresIn
	}
	summarizeKind(&s, r)
	switch {
	case r.Claims != nil && !r.Claims.Expires.IsZero():
		s.TokenExpires = r.Claims.Expires.UTC()
	case r.Token != nil && !r.Token.ExpiresAt().IsZero():
		s.TokenExpires = r.Token.ExpiresAt().UTC()
	}
	if c := r.Session; c != nil {
		s.Session, s.SessionHoldsUntil = c.State, c.HoldsUntil.UTC()
	}
	for _, st := range r.Steps {
		if st.Kind == StepReachability {
			for _, f := range st.Findings {
				if v := f.Evidence[EvVersion]; v != "" && s.Version == "" {
					s.Version = v
				}
			}
		}
		ss := StepSummary{Kind: st.Kind, Name: st.Name, Verdict: st.Verdict, DurationMS: st.Duration.Milliseconds()}
		if n := len(st.Exchanges); n > 0 {
			x := st.Exchanges[n-1]
			ss.Status = x.Status
			if s.Instance == "" && st.Kind != StepDiscovery {
				if u, err := url.Parse(x.URL); err == nil && u.Host != "" {
					s.Instance = u.Scheme + "://" + u.Host
				}
			}
			if st.Kind == StepToken && len(s.ScopesRequested) == 0 {
				if form, err := url.ParseQuery(x.RequestBody); err == nil && form.Get("scope") != "" {
					s.ScopesRequested = sorted(strings.Fields(form.Get("scope")))
				}
			}
		}
		s.Steps = append(s.Steps, ss)
		for _, f := range st.Findings {
			s.Findings = append(s.Findings, FindingSummary{Code: f.Code, Severity: f.Severity, Step: st.Name})
		}
	}
	return s
}

// SetRecord keeps the Trusted App checklist of this run in the summary (the record's
// values as read; "not read" rows keep their state "unknown").
func (s *RunSummary) SetRecord(rows []RecordCheck) {
	s.Record = nil
	for _, r := range rows {
		v := r.Actual
		if r.Field == "ApplicationSecretHash" {
			// Whether it fits the secret is what compares; the hashes of two apps'
			// secrets always differ, and History keeps no hash.
			switch r.State {
			case RecordOK:
				v = "matches the profile's secret"
			case RecordBad:
				v = "does not match the profile's secret"
				if r.Actual == "empty" {
					v = "empty"
				}
			default:
				v = "not compared"
			}
		}
		s.Record = append(s.Record, RecordField{Field: r.Field, Value: v, State: r.State})
	}
}

func sorted(in []string) []string {
	out := append([]string{}, in...)
	sort.Strings(out)
	return out
}
