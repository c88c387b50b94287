package check

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Whom a reference token acts as and when it expires, from what the API lets a token
// read (dev auth/tokens/reference-access-tokens.md, issuing-reference-tokens.md):
//
//   - a PAT acts as the user who made it; the Profile site's GET /me names the user a
//     token represents, and the docs say client-credentials tokens and SATs cannot use
//     it (dev building-apps/concepts/profile-site-endpoints.md), so a refusal there after
//     calls that worked points to a SAT, which acts as the Trusted App's System User;
//   - Systems_Security_AccessTokens (26.2.0.13+) lists the reference tokens with their
//     Client, Actor, ExpireTimestamp, LastUsedTimestamp and Scopes (26.2.0.18+). The
//     docs do not say how a token maps to its row (AccessTokenKey is "the unique key of
//     the token"), so the run tells its row apart only by what it saw: the row last
//     used during this run by the server's clock, or the only reference token listed
//     for the app (and the PAT's user). Anything else is said as unknown.

const identityStepName = "Whom the token acts as"

// RefExpiresSoonWithin is how close a reference token's expiry makes a warning.
const RefExpiresSoonWithin = 7 * 24 * time.Hour

// ReferenceInfo is what a reference-token run learnt of its token.
type ReferenceInfo struct {
	// Type is "PAT" when the Profile site named the user it acts as, "SAT" when /me
	// refused a token the API accepted (the docs' rule), "" when neither was seen.
	Type string `json:"type,omitempty"`
	// ActsAs says whom the token acts as, in words; User, UserName, UserType and
	// IsAdmin are the Profile site's answer for a PAT.
	ActsAs   string `json:"acts_as,omitempty"`
	User     string `json:"user,omitempty"`
	UserName string `json:"user_name,omitempty"`
	UserType string `json:"user_type,omitempty"`
	IsAdmin  bool   `json:"is_admin,omitempty"`
	// Record is the token's Systems_Security_AccessTokens row when the run could tell
	// it apart; Matched says how ("last_used": the only one used during this run,
	// "only": the only reference token listed); Rows how many the read listed.
	Record  *AccessTokenRow `json:"record,omitempty"`
	Matched string          `json:"matched,omitempty"`
	Rows    int             `json:"rows,omitempty"`
	// Unknown says what could not be read, and why.
	Unknown []string `json:"unknown,omitempty"`
}

// AccessTokenRow is one reference token as Systems_Security_AccessTokens lists it.
type AccessTokenRow struct {
	Actor       string    `json:"actor,omitempty"`
	Client      string    `json:"client,omitempty"`
	Description string    `json:"description,omitempty"`
	Scopes      []string  `json:"scopes,omitempty"`
	Created     time.Time `json:"created,omitzero"`
	Expires     time.Time `json:"expires,omitzero"`
	LastUsed    time.Time `json:"last_used,omitzero"`
}

// identity runs the last step of a reference-token run.
func (r *run) identity() (st Step) {
	start := time.Now()
	st = Step{Kind: StepIdentity, Name: identityStepName}
	col := &collector{}
	defer func() { st.Exchanges = col.list(); st.Duration = time.Since(start) }()
	info := &ReferenceInfo{}
	r.rep.Reference = info
	worked := r.outcome().works

	r.askProfileSite(col, info, worked, &st)
	if r.cancelled() {
		return finishStep(st, "Cancelled")
	}
	rows, why := r.readAccessTokens(col, info, &st)
	if why == "" {
		r.matchRow(info, rows, col)
	} else {
		info.Unknown = append(info.Unknown, why)
	}
	if info.Record != nil && !info.Record.Expires.IsZero() {
		r.info.ReferenceExpires = info.Record.Expires
	}
	st.Findings = append(st.Findings, r.identityFindings(info)...)
	st.Token = r.info
	sum := "Acts as: not known"
	if info.ActsAs != "" {
		sum = "Acts as " + info.ActsAs
	}
	if rec := info.Record; rec != nil && !rec.Expires.IsZero() {
		sum += "; expires " + rec.Expires.UTC().Format("2006-01-02 15:04 UTC")
	} else {
		sum += "; expiry not known"
	}
	return finishStep(st, sum)
}

func (r *run) bearerHeader() http.Header {
	return http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + r.access.Reveal()}}
}

// askProfileSite asks the Profile site's /me whom the token represents.
func (r *run) askProfileSite(col *collector, info *ReferenceInfo, worked bool, st *Step) {
	site := r.profileSite
	if site == "" {
		site = r.p.Root() + "/profile"
	}
	me := strings.TrimRight(site, "/") + "/me"
	resp, b, err := r.do(col, carry{what: CarriesToken, token: r.access}, http.MethodGet, me, nil, r.bearerHeader())
	switch {
	case err != nil:
		if re, ok := refusal(err); ok {
			st.Findings = append(st.Findings, re.finding())
		}
		info.Unknown = append(info.Unknown, "whom it acts as: the Profile site's /me could not be asked ("+firstLine(errText(err))+")")
	case resp.StatusCode == http.StatusOK:
		var me struct {
			Login, Name, UserType string
			IsAdmin               bool
		}
		if json.Unmarshal(b, &me) != nil || me.Login == "" {
			info.Unknown = append(info.Unknown, "whom it acts as: the Profile site's /me answered, but not with a user")
			return
		}
		info.Type, info.User, info.UserName, info.UserType, info.IsAdmin = "PAT", me.Login, me.Name, me.UserType, me.IsAdmin
		info.ActsAs = me.Login
		if me.Name != "" && me.Name != me.Login {
			info.ActsAs += " (" + me.Name + ")"
		}
	case (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized) && worked:
		info.Type = "SAT"
		info.ActsAs = "the System User of Trusted App " + orUnknown(r.p.ClientID)
		if r.p.ClientID == "" {
			info.ActsAs = "the Trusted App's System User"
		}
	default:
		info.Unknown = append(info.Unknown, fmt.Sprintf("whom it acts as: the Profile site's /me answered HTTP %d", resp.StatusCode))
	}
}

// accessTokensSelect are the attributes the run reads of Systems_Security_AccessTokens.
const accessTokensSelect = "Actor,Client,CreationTimestamp,Description,ExpireTimestamp,LastUsedTimestamp,Scopes,Type"

// readAccessTokens reads the reference tokens of the profile's Trusted App (or of the
// PAT's user, when the profile names no app); why says why none could be read.
func (r *run) readAccessTokens(col *collector, info *ReferenceInfo, st *Step) (rows []AccessTokenRow, why string) {
	root := r.odataRoot
	if root == "" {
		root = r.p.ODataRootURL()
	}
	q := root + "Systems_Security_AccessTokens?$select=" + accessTokensSelect
	switch {
	case strings.TrimSpace(r.p.ClientID) != "":
		q += "&$filter=" + url.QueryEscape("Client eq "+odataString(strings.TrimSpace(r.p.ClientID)))
	case info.User != "":
		q += "&$filter=" + url.QueryEscape("Actor eq "+odataString(info.User))
	default:
		q += "&$top=200"
	}
	resp, b, err := r.do(col, carry{what: CarriesToken, token: r.access}, http.MethodGet, q, nil, r.bearerHeader())
	const what = "when it expires: "
	switch {
	case err != nil:
		if re, ok := refusal(err); ok {
			st.Findings = append(st.Findings, re.finding())
		}
		return nil, what + "Systems_Security_AccessTokens could not be read (" + firstLine(errText(err)) + ")"
	case resp.StatusCode == http.StatusForbidden:
		return nil, what + "reading Systems_Security_AccessTokens was refused (HTTP 403): the security namespace may need the sec scope, which ERP.net reserves for its internal use (dev auth/concepts/scopes.md), or the token's user may not read it"
	case resp.StatusCode == http.StatusNotFound:
		return nil, what + "the instance does not serve Systems_Security_AccessTokens (HTTP 404; the model adds it in 26.2.0.13)"
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Sprintf("%sreading Systems_Security_AccessTokens answered HTTP %d", what, resp.StatusCode)
	}
	var page struct {
		Value []map[string]any `json:"value"`
	}
	if json.Unmarshal(b, &page) != nil {
		return nil, what + "Systems_Security_AccessTokens did not answer with OData JSON"
	}
	for _, v := range page.Value {
		if t, _ := v["Type"].(string); !strings.EqualFold(t, "reference_token") {
			continue
		}
		row := AccessTokenRow{}
		row.Actor, _ = v["Actor"].(string)
		row.Client, _ = v["Client"].(string)
		row.Description, _ = v["Description"].(string)
		if s, ok := v["Scopes"].(string); ok {
			row.Scopes = strings.Fields(s)
		}
		row.Created, _ = odataTime(v["CreationTimestamp"])
		row.Expires, _ = odataTime(v["ExpireTimestamp"])
		row.LastUsed, _ = odataTime(v["LastUsedTimestamp"])
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, what + "Systems_Security_AccessTokens lists no reference token for " + orUnknown(firstNonEmpty(r.p.ClientID, info.User))
	}
	return rows, ""
}

// matchRow tells the token's row apart: for a PAT only its user's rows count; the one
// row last used during this run (by the server's clock: the Date of the first API
// answer) is the token's, or else the only row there is.
func (r *run) matchRow(info *ReferenceInfo, rows []AccessTokenRow, col *collector) {
	if info.Type == "PAT" && info.User != "" {
		var mine []AccessTokenRow
		for _, row := range rows {
			if strings.EqualFold(row.Actor, info.User) {
				mine = append(mine, row)
			}
		}
		if len(mine) > 0 {
			rows = mine
		}
	}
	info.Rows = len(rows)
	since := r.firstServerTime()
	var used []AccessTokenRow
	for _, row := range rows {
		if !since.IsZero() && !row.LastUsed.IsZero() && !row.LastUsed.Before(since) {
			used = append(used, row)
		}
	}
	switch {
	case len(used) == 1:
		info.Record, info.Matched = &used[0], "last_used"
	case len(rows) == 1:
		info.Record, info.Matched = &rows[0], "only"
	default:
		info.Unknown = append(info.Unknown, fmt.Sprintf("when it expires: Systems_Security_AccessTokens lists %d reference tokens for %s and %d of them were used during this run, so this token's cannot be told apart (ERP.net's docs do not say how a token maps to its record)",
			len(rows), orUnknown(firstNonEmpty(r.p.ClientID, info.User)), len(used)))
	}
}

// firstServerTime is the Date of the run's first API answer, less a second (Date has
// whole seconds), or zero when no answer carried one.
func (r *run) firstServerTime() time.Time {
	for _, s := range r.rep.Steps {
		if s.Kind != StepAPI {
			continue
		}
		for _, x := range s.Exchanges {
			if d, err := http.ParseTime(x.ResponseHeaders.Get("Date")); err == nil {
				return d.Add(-time.Second)
			}
		}
	}
	return time.Time{}
}

// identityFindings are what the identity step tells.
func (r *run) identityFindings(info *ReferenceInfo) []Finding {
	var fs []Finding
	ev := map[string]string{EvTokenType: info.Type, EvClientID: r.p.ClientID}
	switch info.Type {
	case "PAT":
		ev[EvUser] = info.User
		msg := fmt.Sprintf("This is a PAT: it acts as %s, the user who made it, with that user's permissions (the Profile site's /me names them).", info.ActsAs)
		if info.IsAdmin {
			msg += " That user is an administrator, so the token can do whatever an administrator can within its scopes: keep its scopes and lifetime short."
		}
		fs = append(fs, newFinding(RefActsAs, msg, ev))
	case "SAT":
		msg := "The Profile site's /me refused this token although the API accepted it; ERP.net's docs say SATs (and client-credentials tokens) cannot use /me, so this is most likely a SAT, which always acts as " + info.ActsAs + "."
		if rec := info.Record; rec != nil && rec.Actor != "" {
			msg += fmt.Sprintf(" Its record names %s as the one it was issued for.", rec.Actor)
			ev[EvSystemUser] = rec.Actor
		}
		fs = append(fs, newFinding(RefActsAs, msg, ev))
	}
	if rec := info.Record; rec != nil {
		e := map[string]string{EvLastUsed: timeOrEmpty(rec.LastUsed), EvExpires: timeOrEmpty(rec.Expires), EvScope: strings.Join(rec.Scopes, " "),
			EvApp: rec.Client, EvActual: rec.Actor, EvDescription: rec.Description, EvRows: fmt.Sprint(info.Rows)}
		how := "the only reference token Systems_Security_AccessTokens lists for " + orUnknown(firstNonEmpty(r.p.ClientID, info.User))
		if info.Matched == "last_used" {
			how = "the one of the listed reference tokens last used during this run"
		}
		var msg string
		if rec.Expires.IsZero() {
			msg = "Its record (" + how + ") gives no expiry."
		} else {
			left := rec.Expires.Sub(r.now())
			msg = fmt.Sprintf("It expires at %s (%s), by its record: %s.", rec.Expires.UTC().Format("2006-01-02 15:04 UTC"), inWords(left), how)
		}
		if !rec.LastUsed.IsZero() {
			msg += " Last used at " + rec.LastUsed.UTC().Format("2006-01-02 15:04:05 UTC") + "."
		}
		if len(rec.Scopes) > 0 {
			msg += " Scopes: " + strings.Join(rec.Scopes, " ") + "."
		}
		if rec.Description != "" {
			msg += fmt.Sprintf(" Description: %q.", rec.Description)
		}
		fs = append(fs, newFinding(RefExpires, msg, e))
		if !rec.Expires.IsZero() && rec.Expires.Sub(r.now()) < RefExpiresSoonWithin {
			fs = append(fs, newFinding(RefExpiresSoon,
				fmt.Sprintf("The reference token expires %s: make a new one before then and give it to the integration (a PAT in the Profile site under Security > Tokens, a SAT in Instance Manager under the Trusted App), then revoke this one.", inWords(rec.Expires.Sub(r.now()))), e))
		}
	}
	if len(info.Unknown) > 0 {
		fs = append(fs, newFinding(RefExpiryUnknown, "Not known: "+strings.Join(info.Unknown, "; ")+".", map[string]string{EvDescription: strings.Join(info.Unknown, "; ")}))
	}
	return fs
}

// refineReferenceRefusal turns an API call's refusal of a reference token into the
// reference token's finding: expired, or refused for one of the documented reasons.
func refineReferenceRefusal(st *Step) {
	for i, f := range st.Findings {
		switch f.Code {
		case APITokenExpired:
			st.Findings[i] = newFinding(RefExpired, "The API refused the reference token because it has expired: reference tokens have an expiration time chosen when they are made. Make a new one and give it to the integration.", f.Evidence)
		case APIUnauthorized, APIForeignIssuer, APIBadSignature:
			msg := "The API refused the reference token (401)"
			if d := f.Evidence[EvDescription]; d != "" {
				msg += fmt.Sprintf(": %q", d)
			}
			st.Findings[i] = newFinding(RefRefused, msg+". It may have expired or been revoked, belong to another instance, or its Trusted App may no longer allow reference tokens.", f.Evidence)
		}
	}
	st.Verdict = StepVerdict(st.Findings)
}

// odataString is s as an OData string literal.
func odataString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// inWords says how far a time is: "in 89 days", "in 5 hours", "2 days ago".
func inWords(d time.Duration) string {
	past := d < 0
	if past {
		d = -d
	}
	var s string
	switch {
	case d >= 48*time.Hour:
		s = fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		s = fmt.Sprintf("%d hours", int(d.Hours()))
	default:
		s = fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
	if past {
		return s + " ago"
	}
	return "in " + s
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
