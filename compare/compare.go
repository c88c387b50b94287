// Package compare puts two runs side by side: two profiles (a Test and a Production
// app) or two runs of one profile (before and after a change). It compares what a
// check.RunSummary holds: the System User, database, scopes requested and granted,
// each step's result, the Trusted App record's fields, timings and findings.
// Differences come first; identical rows are kept and flagged (Row.Same), so a text
// view can fold them and a JSON reader can filter them.
//
// Runs(a, b, labelA, labelB) compares: plain data in, a JSON-friendly Comparison out
// (the field names are stable, see docs/report-format.md); it does no I/O. Fresh(ctx,
// ...) makes one side from a run now (the network, bounded by ctx and the profile's
// timeout); History's runs (audit.Log.Runs) are the other kind of side.
package compare

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// Groups of rows, in the order they are shown.
const (
	GroupVerdict  = "verdict"
	GroupIdentity = "identity"
	GroupScopes   = "scopes"
	GroupSteps    = "steps"
	GroupRecord   = "record"
	GroupFindings = "findings"
	GroupTimings  = "timings"
)

var groupOrder = map[string]int{GroupVerdict: 0, GroupIdentity: 1, GroupScopes: 2, GroupSteps: 3, GroupRecord: 4, GroupFindings: 5, GroupTimings: 6}

// Row is one compared fact.
type Row struct {
	Group string `json:"group"`
	Field string `json:"field"`
	A     string `json:"a"`
	B     string `json:"b"`
	Same  bool   `json:"same"`
}

// Side describes one of the two runs.
type Side struct {
	Label      string        `json:"label"` // e.g. `"Test", run 1a2b3c4d of 2026-12-01 10:02`
	Profile    string        `json:"profile"`
	RunID      string        `json:"run_id"`
	Started    time.Time     `json:"started"`
	Verdict    check.Verdict `json:"verdict"`
	RecordRead bool          `json:"record_read"`
}

// Comparison is the outcome of Runs.
type Comparison struct {
	A           Side  `json:"a"`
	B           Side  `json:"b"`
	Differences int   `json:"differences"`
	Rows        []Row `json:"rows"` // differences first, then the identical rows; each part in group order
}

// TimingTolerance: two durations count as the same unless the slower is more than
// twice the faster and more than this much slower (network jitter is not a change).
const TimingTolerance = 250 * time.Millisecond

// Runs compares two runs. labelA and labelB name them for people ("" uses the profile
// and run id).
func Runs(a, b check.RunSummary, labelA, labelB string) Comparison {
	c := Comparison{A: side(a, labelA), B: side(b, labelB)}
	add := func(group, field, va, vb string, same bool) {
		c.Rows = append(c.Rows, Row{Group: group, Field: field, A: va, B: vb, Same: same})
	}
	eq := func(group, field, va, vb string) { add(group, field, va, vb, va == vb) }

	eq(GroupVerdict, "Verdict", string(a.Verdict), string(b.Verdict))

	eq(GroupIdentity, "Instance", orNone(a.Instance), orNone(b.Instance))
	eq(GroupIdentity, "client_id", orNone(a.ClientID), orNone(b.ClientID))
	eq(GroupIdentity, "System User", user(a), user(b))
	eq(GroupIdentity, "Database", orNone(a.Database), orNone(b.Database))
	eq(GroupIdentity, "Issuer", orNone(a.Issuer), orNone(b.Issuer))
	eq(GroupIdentity, "Token kind", orNone(a.TokenKind), orNone(b.TokenKind))

	eq(GroupScopes, "Scopes requested", scopes(a.ScopesRequested, "(none: the app's whole Scope field)"), scopes(b.ScopesRequested, "(none: the app's whole Scope field)"))
	eq(GroupScopes, "Scopes granted", scopes(a.ScopesGranted, "(none)"), scopes(b.ScopesGranted, "(none)"))

	// Steps, matched by name (API calls by method and path).
	sa, sb := stepsByName(a.Steps), stepsByName(b.Steps)
	for _, name := range unionOrdered(stepNames(a.Steps), stepNames(b.Steps)) {
		x, okA := sa[name]
		y, okB := sb[name]
		eq(GroupSteps, name, stepResult(x, okA), stepResult(y, okB))
	}

	// The record, field by field.
	ra, rb := recordByField(a.Record), recordByField(b.Record)
	if a.Record != nil || b.Record != nil {
		for _, f := range unionOrdered(recordFields(a.Record), recordFields(b.Record)) {
			x, okA := ra[f]
			y, okB := rb[f]
			eq(GroupRecord, f, recordValue(x, okA, a.Record != nil), recordValue(y, okB, b.Record != nil))
		}
	}

	// Findings, by code: where each was seen and how severe.
	fa, fb := findingsByCode(a.Findings), findingsByCode(b.Findings)
	codes := unionOrdered(sortedKeys(fa), sortedKeys(fb))
	sort.Strings(codes)
	absent := func(v string) string {
		if v == "" {
			return "absent"
		}
		return v
	}
	for _, code := range codes {
		eq(GroupFindings, code, absent(fa[code]), absent(fb[code]))
	}

	// Timings: the whole run and each step present in both.
	add(GroupTimings, "Whole run", ms(a.DurationMS), ms(b.DurationMS), sameTime(a.DurationMS, b.DurationMS))
	for _, name := range unionOrdered(stepNames(a.Steps), stepNames(b.Steps)) {
		x, okA := sa[name]
		y, okB := sb[name]
		if !okA || !okB || x.Verdict == check.Skipped || y.Verdict == check.Skipped {
			continue
		}
		add(GroupTimings, name, ms(x.DurationMS), ms(y.DurationMS), sameTime(x.DurationMS, y.DurationMS))
	}

	sort.SliceStable(c.Rows, func(i, j int) bool {
		if c.Rows[i].Same != c.Rows[j].Same {
			return !c.Rows[i].Same
		}
		return groupOrder[c.Rows[i].Group] < groupOrder[c.Rows[j].Group]
	})
	for _, r := range c.Rows {
		if !r.Same {
			c.Differences++
		}
	}
	return c
}

func side(s check.RunSummary, label string) Side {
	if label == "" {
		label = fmt.Sprintf("%q, run %s of %s", s.Profile, s.ID, s.Started.Local().Format("2006-01-02 15:04"))
	}
	return Side{Label: label, Profile: s.Profile, RunID: s.ID, Started: s.Started, Verdict: s.Verdict, RecordRead: recordRead(s.Record)}
}

func recordRead(rs []check.RecordField) bool {
	for _, r := range rs {
		if r.State != check.RecordUnknown {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func user(s check.RunSummary) string {
	switch {
	case s.SystemUser == "":
		return "(none)"
	case s.SystemUserType != "":
		return s.SystemUser + " (" + s.SystemUserType + ")"
	}
	return s.SystemUser
}

func scopes(s []string, empty string) string {
	if len(s) == 0 {
		return empty
	}
	cp := append([]string{}, s...)
	sort.Strings(cp)
	return strings.Join(cp, " ")
}

func stepNames(ss []check.StepSummary) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

func stepsByName(ss []check.StepSummary) map[string]check.StepSummary {
	m := map[string]check.StepSummary{}
	for _, s := range ss {
		if _, dup := m[s.Name]; !dup {
			m[s.Name] = s
		}
	}
	return m
}

func stepResult(s check.StepSummary, ok bool) string {
	if !ok {
		return "not run"
	}
	if s.Status != 0 {
		return fmt.Sprintf("%s (HTTP %d)", s.Verdict, s.Status)
	}
	return string(s.Verdict)
}

func recordFields(rs []check.RecordField) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Field)
	}
	return out
}

func recordByField(rs []check.RecordField) map[string]check.RecordField {
	m := map[string]check.RecordField{}
	for _, r := range rs {
		m[r.Field] = r
	}
	return m
}

func recordValue(r check.RecordField, ok, looked bool) string {
	switch {
	case !looked:
		return "not read"
	case !ok:
		return "(not listed)"
	case r.State == check.RecordUnknown:
		return r.Value
	}
	return fmt.Sprintf("%s (%s)", r.Value, r.State)
}

func findingsByCode(fs []check.FindingSummary) map[string]string {
	steps := map[string][]string{}
	sev := map[string]check.Severity{}
	for _, f := range fs {
		if !slices.Contains(steps[f.Code], f.Step) {
			steps[f.Code] = append(steps[f.Code], f.Step)
		}
		sev[f.Code] = f.Severity
	}
	out := map[string]string{}
	for code, ss := range steps {
		if len(ss) == 1 {
			out[code] = fmt.Sprintf("%s in %s", sev[code], ss[0])
		} else {
			out[code] = fmt.Sprintf("%s in %d steps", sev[code], len(ss))
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// unionOrdered is a's items, then b's that a lacks, each once.
func unionOrdered(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]string{a, b} {
		for _, s := range list {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

func ms(d int64) string {
	if d >= 10000 {
		return fmt.Sprintf("%.1f s", float64(d)/1000)
	}
	return fmt.Sprintf("%d ms", d)
}

// sameTime applies TimingTolerance.
func sameTime(a, b int64) bool {
	lo, hi := a, b
	if lo > hi {
		lo, hi = hi, lo
	}
	return hi <= 2*lo || time.Duration(hi-lo)*time.Millisecond <= TimingTolerance
}

// RecordStepName names the record read that Fresh appends to a run.
const RecordStepName = "Trusted App record"

// Fresh runs the check of p now, with a fresh token and its API calls, and, when
// readRecord is set and a token came, reads the app's Trusted App record with that
// token (a System User that may not read records is no failure: the record rows then
// say "not read"). It returns the report, with the record read appended as a step
// named RecordStepName, and its summary with the record's checklist (and whether
// ApplicationSecretHash fits secret). The caller keeps them in History.
func Fresh(ctx context.Context, p profiles.Profile, secret string, opts check.Options, readRecord bool) (check.Report, check.RunSummary) {
	opts.Fresh = true
	rep := check.Run(ctx, p, secret, opts, nil)
	var rows []check.RecordCheck
	if readRecord && rep.Access != nil && ctx.Err() == nil {
		res := check.ReadRecord(ctx, p, rep.Access, p.ClientID, check.Options{Timeout: opts.Timeout, Transport: opts.Transport, Now: opts.Now, Watch: opts.Watch})
		st := res.Step
		st.Name = RecordStepName
		rep.Steps = append(rep.Steps, st)
		user := ""
		if rep.Claims != nil {
			user = rep.Claims.SystemUser
		}
		rows = check.RecordChecklist(p, res.Record, user)
		hash, _ := check.SecretHashRow(res.Record, secret)
		rows = check.WithSecretHashRow(rows, hash)
		if rec := res.Record; rec != nil {
			// The checklist lists these only when they warn; a comparison needs
			// their value on both sides.
			has := map[string]bool{}
			for _, r := range rows {
				has[r.Field] = true
			}
			if !has["ReferenceTokens"] && rec.ReferenceTokens != "" {
				rows = append(rows, check.RecordCheck{Field: "ReferenceTokens", Actual: rec.ReferenceTokens, State: check.RecordOK})
			}
			if !has["BasicAuthenticationAllowed"] && rec.BasicAuthAllowed != nil {
				rows = append(rows, check.RecordCheck{Field: "BasicAuthenticationAllowed", Actual: fmt.Sprint(*rec.BasicAuthAllowed), State: check.RecordOK})
			}
		}
	}
	sum := check.Summarize(rep)
	sum.Profile, sum.ClientID = p.Name, p.ClientID
	if rows != nil {
		sum.SetRecord(rows)
	}
	return rep, sum
}
