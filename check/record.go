package check

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"trustedapp-tester/profiles"
)

// The Trusted Application record: the fields of Systems_Security_TrustedApplications
// that decide whether client credentials can work (erpnet-reference.md section 4),
// read from the instance with a token, and the checklist that compares them with what
// the profile asks for. Without a record (no token, or the System User may not read
// it) the checklist still says what each field must hold, to check by hand.

// TrustedAppRecord is one Systems_Security_TrustedApplications row as read.
type TrustedAppRecord struct {
	Name              string
	ApplicationURI    string
	ClientType        string
	SystemUserAllowed *bool
	// SystemUser is the login when the instance sent it (a string or an expanded
	// object), else the reference (@odata.id) or "" when none is assigned.
	SystemUser    string
	SystemUserSet bool
	// SystemUserKnown is false when the instance did not send SystemUser at all (a
	// navigation property it would not expand).
	SystemUserKnown bool
	// SystemUserRef is true when SystemUser holds a reference, not a login.
	SystemUserRef    bool
	Scope            *string
	IsEnabled        *bool
	BasicAuthAllowed *bool
	ReferenceTokens  string
	// ApplicationSecretHash as sent: nil when the instance did not send it, "" when
	// null (no secret). Compare it with SecretHashRow, never show it as a secret.
	ApplicationSecretHash *string
	// The System User's UserType, IsAdmin and Active when the instance expanded them
	// ("" / nil otherwise): for the least-privilege advice.
	SystemUserType   string
	SystemUserAdmin  *bool
	SystemUserActive *bool
	// LastUpdate is AggregateLastUpdateTimeUtc (else CreationTimeUtc) when sent: the
	// hash cannot have changed since, so the secret is at least that old.
	LastUpdate time.Time
}

// RecordState is how one checklist row stands.
type RecordState string

const (
	RecordOK      RecordState = "ok"
	RecordBad     RecordState = "bad"
	RecordWarn    RecordState = "warn"
	RecordUnknown RecordState = "unknown" // not read: check it by hand
)

// RecordCheck is one row of the checklist: a field, what the instance holds (or
// "not read"), what client credentials needs, and what to do.
type RecordCheck struct {
	Field  string
	Actual string
	Want   string
	State  RecordState
	Note   string
}

// RecordResult is the outcome of reading a Trusted App record.
type RecordResult struct {
	// Record is nil when it could not be read; Problem then says why in a sentence.
	Record  *TrustedAppRecord
	Problem string
	// Step is the API call made (its exchange, findings and timings).
	Step Step
	// Status is the HTTP status of the last answer (0 when none came).
	Status int
}

// RecordQuery is the OData request for the record of clientID: an absolute URL
// under the profile's OData root. SystemUser is a navigation property, so its login
// comes only with $expand.
func RecordQuery(p profiles.Profile, clientID string) string {
	return recordQuery(p.ODataRootURL(), clientID, recordExpands[0])
}

// recordExpands are the $expand values tried in turn: an instance (or a System User)
// that refuses one with 400 is asked again with the next; the last asks for none.
var recordExpands = []string{"SystemUser($select=Login,UserType,IsAdmin,Active)", "SystemUser($select=Login)", ""}

func recordQuery(root, clientID, expand string) string {
	lit := "'" + strings.ReplaceAll(clientID, "'", "''") + "'"
	q := root + "Systems_Security_TrustedApplications?$filter=" + url.QueryEscape("ApplicationUri eq "+lit) + "&$top=2"
	if expand != "" {
		q += "&$expand=" + url.QueryEscape(expand)
	}
	return q
}

// ReadRecord reads the Trusted App record of clientID with tok, the token of the
// profile reader: the record's app's own, or another profile's on the same instance
// whose System User may read the records. The read uses reader's connection settings
// (its OData root as its run found it, its proxy and TLS options): a token is only
// ever sent with the settings of the profile it was issued for, and the credential
// gate refuses it with any other profile's.
func ReadRecord(ctx context.Context, reader profiles.Profile, tok *AccessToken, clientID string, opts Options) RecordResult {
	p := reader
	root := p.ODataRootURL()
	if is := tok.issuedFor(); is != nil && is.conn == connKey(p) && is.odataRoot != "" {
		root = is.odataRoot
	}
	call := profiles.APICall{Name: "Trusted App record", Method: "GET", Path: recordQuery(root, clientID, recordExpands[0])}
	st := Call(ctx, p, tok, call, opts)
	status, body := lastAnswer(st)
	for _, expand := range recordExpands[1:] {
		if status != 400 {
			break
		}
		// An instance that will not expand (or select) these: ask again with less (at
		// last without SystemUser; its row then says to check it by hand).
		call.Path = recordQuery(root, clientID, expand)
		st = Call(ctx, p, tok, call, opts)
		status, body = lastAnswer(st)
	}
	res := RecordResult{Step: st, Status: status}
	switch {
	case status == 401:
		res.Problem = "The instance refused the token (HTTP 401): run the test again for a fresh token."
		return res
	case status == 403:
		res.Problem = "The System User behind this token may not read Trusted Application records (HTTP 403). Check the fields below in the instance by hand, or read the record with a profile whose System User may."
		return res
	case status == 404:
		res.Problem = "The instance has no Systems_Security_TrustedApplications entity set at " + root + " (HTTP 404): check the OData root, or check the fields below by hand."
		return res
	case status != 200:
		res.Problem = "The record could not be read: " + st.Summary
		if len(st.Findings) > 0 {
			res.Problem = "The record could not be read: " + st.Findings[0].Message
		}
		return res
	}
	var page struct {
		Value []map[string]any `json:"value"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		res.Problem = fmt.Sprintf("The instance answered, but not with an OData list of records (%v).", err)
		return res
	}
	var rows []map[string]any
	for _, v := range page.Value {
		if s, _ := v["ApplicationUri"].(string); s == clientID {
			rows = append(rows, v)
		}
	}
	switch len(rows) {
	case 0:
		res.Problem = fmt.Sprintf("No Trusted App record has ApplicationUri %q on this instance: the client_id must match a record's ApplicationUri exactly (case matters), and each instance needs its own record.", clientID)
		for _, v := range page.Value {
			if s, _ := v["ApplicationUri"].(string); strings.EqualFold(s, clientID) {
				res.Problem = fmt.Sprintf("No record has ApplicationUri %q, but %q differs only in case: use it exactly as the client_id.", clientID, s)
			}
		}
		return res
	case 1:
	default:
		res.Problem = fmt.Sprintf("%d records share ApplicationUri %q; the first one is shown.", len(rows), clientID)
	}
	res.Record = recordFrom(rows[0])
	return res
}

func lastAnswer(st Step) (int, string) {
	if n := len(st.Exchanges); n > 0 {
		return st.Exchanges[n-1].Status, st.Exchanges[n-1].ResponseBody
	}
	return 0, ""
}

func recordFrom(v map[string]any) *TrustedAppRecord {
	r := &TrustedAppRecord{}
	r.Name, _ = v["Name"].(string)
	r.ApplicationURI, _ = v["ApplicationUri"].(string)
	r.ClientType, _ = v["ClientType"].(string)
	r.ReferenceTokens, _ = v["ReferenceTokens"].(string)
	boolp := func(k string) *bool {
		if b, ok := v[k].(bool); ok {
			return &b
		}
		return nil
	}
	r.SystemUserAllowed = boolp("SystemUserAllowed")
	r.IsEnabled = boolp("IsEnabled")
	r.BasicAuthAllowed = boolp("BasicAuthenticationAllowed")
	if h, ok := v["ApplicationSecretHash"].(string); ok {
		r.ApplicationSecretHash = &h
	} else if _, present := v["ApplicationSecretHash"]; present {
		empty := ""
		r.ApplicationSecretHash = &empty // null: no secret
	}
	for _, k := range []string{"AggregateLastUpdateTimeUtc", "CreationTimeUtc"} {
		if t, ok := odataTime(v[k]); ok {
			r.LastUpdate = t
			break
		}
	}
	if s, ok := v["Scope"].(string); ok {
		r.Scope = &s
	} else if _, present := v["Scope"]; present {
		empty := ""
		r.Scope = &empty // null: no scopes
	}
	_, r.SystemUserKnown = v["SystemUser"]
	switch u := v["SystemUser"].(type) {
	case string:
		r.SystemUser, r.SystemUserSet = u, u != ""
	case map[string]any:
		r.SystemUserSet = true
		if l, ok := u["Login"].(string); ok {
			r.SystemUser = l
		} else if id, ok := u["@odata.id"].(string); ok {
			r.SystemUser, r.SystemUserRef = id, true
		}
		r.SystemUserType, _ = u["UserType"].(string)
		if b, ok := u["IsAdmin"].(bool); ok {
			r.SystemUserAdmin = &b
		}
		if b, ok := u["Active"].(bool); ok {
			r.SystemUserActive = &b
		}
	}
	return r
}

// odataTime reads an OData DateTimeOffset (RFC 3339) or a DateTime without a zone
// (taken as UTC, as the *Utc attributes are).
func odataTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// RecordChecklist compares rec (nil when not read) with what p asks for. systemUser
// is the token's client_system_user when a token was issued ("" otherwise).
func RecordChecklist(p profiles.Profile, rec *TrustedAppRecord, systemUser string) []RecordCheck {
	unknown := func(field, want, note string) RecordCheck {
		return RecordCheck{Field: field, Actual: "not read", Want: want, State: RecordUnknown, Note: note}
	}
	yes := func(b *bool) string {
		switch {
		case b == nil:
			return "not sent"
		case *b:
			return "true"
		}
		return "false"
	}
	var out []RecordCheck

	// ApplicationUri
	if rec == nil {
		out = append(out, unknown("ApplicationUri", p.ClientID, "Must equal the profile's client_id exactly (case matters)."))
	} else {
		c := RecordCheck{Field: "ApplicationUri", Actual: rec.ApplicationURI, Want: p.ClientID, State: RecordOK}
		if rec.ApplicationURI != p.ClientID {
			c.State, c.Note = RecordBad, "Set the profile's client_id to exactly this value."
		}
		out = append(out, c)
	}

	// IsEnabled
	if rec == nil || rec.IsEnabled == nil {
		out = append(out, unknown("IsEnabled", "true", "A disabled app gets invalid_client at once."))
	} else if *rec.IsEnabled {
		out = append(out, RecordCheck{Field: "IsEnabled", Actual: "true", Want: "true", State: RecordOK})
	} else {
		out = append(out, RecordCheck{Field: "IsEnabled", Actual: "false", Want: "true", State: RecordBad, Note: "Tick IsEnabled on the record: a disabled app gets invalid_client."})
	}

	// ClientType
	if rec == nil || rec.ClientType == "" {
		out = append(out, unknown("ClientType", "Confidential", "A Public app has no secret and cannot use client credentials."))
	} else if strings.EqualFold(rec.ClientType, "Confidential") || rec.ClientType == "C" {
		out = append(out, RecordCheck{Field: "ClientType", Actual: rec.ClientType, Want: "Confidential", State: RecordOK})
	} else {
		out = append(out, RecordCheck{Field: "ClientType", Actual: rec.ClientType, Want: "Confidential", State: RecordBad, Note: "Change ClientType to Confidential and give the app a secret (its hash goes in ApplicationSecretHash)."})
	}

	// SystemUserAllowed
	if rec == nil || rec.SystemUserAllowed == nil {
		out = append(out, unknown("SystemUserAllowed", "true", "Without it the token request gets unauthorized_client."))
	} else if *rec.SystemUserAllowed {
		out = append(out, RecordCheck{Field: "SystemUserAllowed", Actual: "true", Want: "true", State: RecordOK})
	} else {
		out = append(out, RecordCheck{Field: "SystemUserAllowed", Actual: yes(rec.SystemUserAllowed), Want: "true", State: RecordBad, Note: "Tick SystemUserAllowed: client credentials signs in as the System User."})
	}

	// SystemUser
	switch {
	case rec == nil || !rec.SystemUserKnown:
		want := "a user the integration may act as"
		if systemUser != "" {
			want = systemUser + " (the token's System User)"
		}
		out = append(out, unknown("SystemUser", want, "Without one the token request gets unauthorized_client; its permissions decide what API calls may do."))
	case !rec.SystemUserSet:
		out = append(out, RecordCheck{Field: "SystemUser", Actual: "none", Want: "a user the integration may act as", State: RecordBad, Note: "Assign a System User (an active user, typically of type ApplicationUserNoLogin)."})
	case systemUser != "" && rec.SystemUser != "" && !rec.SystemUserRef && !strings.EqualFold(rec.SystemUser, systemUser):
		out = append(out, RecordCheck{Field: "SystemUser", Actual: rec.SystemUser, Want: systemUser, State: RecordWarn, Note: "The record names another user than the token: the record changed after the token was issued, or the instance maps users differently."})
	default:
		out = append(out, RecordCheck{Field: "SystemUser", Actual: rec.SystemUser, Want: "set", State: RecordOK})
	}

	// Scope
	requested := p.Scopes
	if rec == nil || rec.Scope == nil {
		want := "the scopes the app needs, e.g. read update"
		if len(requested) > 0 {
			want = "at least: " + strings.Join(requested, " ")
		}
		out = append(out, unknown("Scope", want, "Space-separated and case-sensitive; a requested scope missing here gives invalid_scope."))
	} else {
		have := strings.Fields(*rec.Scope)
		var missing []string
		for _, s := range requested {
			if s == "openid" || s == "profile" || s == "offline_access" {
				continue // never granted to a service app; the token step explains it
			}
			if !slices.Contains(have, s) {
				missing = append(missing, s)
			}
		}
		c := RecordCheck{Field: "Scope", Actual: *rec.Scope, Want: "at least: " + strings.Join(requested, " "), State: RecordOK}
		if len(requested) == 0 {
			c.Want = "the scopes the app needs (none requested: the token gets all of them)"
		}
		switch {
		case len(have) == 0:
			c.Actual, c.State, c.Note = "empty", RecordBad, "Fill Scope, e.g. read update: a token without scopes can call nothing."
		case len(missing) > 0:
			c.State, c.Note = RecordBad, "Add "+strings.Join(missing, " ")+" to Scope (exact case), or stop requesting it."
		}
		out = append(out, c)
	}

	// ReferenceTokens and Basic authentication: informational.
	if rec != nil && rec.ReferenceTokens != "" && !strings.EqualFold(rec.ReferenceTokens, "None") {
		out = append(out, RecordCheck{Field: "ReferenceTokens", Actual: rec.ReferenceTokens, Want: "None unless needed", State: RecordWarn, Note: "Reference tokens are on (ReferenceTokens; the dev docs call it AccessTokens); leave it None unless someone needs them."})
	}
	if rec != nil && rec.BasicAuthAllowed != nil && *rec.BasicAuthAllowed {
		out = append(out, RecordCheck{Field: "BasicAuthenticationAllowed", Actual: "true", Want: "false", State: RecordWarn, Note: "Legacy Basic authentication is on; turn it off unless an old client needs it."})
	}
	return out
}

// recordOrder puts what needs fixing first.
var recordOrder = map[RecordState]int{RecordBad: 0, RecordWarn: 1, RecordUnknown: 2, RecordOK: 3}

// SortRecordChecks orders a checklist with the fields to fix first, keeping the
// checklist's order within each state.
func SortRecordChecks(rows []RecordCheck) {
	sort.SliceStable(rows, func(i, j int) bool { return recordOrder[rows[i].State] < recordOrder[rows[j].State] })
}
