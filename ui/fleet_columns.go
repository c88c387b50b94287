package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
)

// The fleet table's columns: what each shows of a row, in words, and how rows sort by
// it. A fleetLine holds a row with its cells worked out once, so that drawing,
// filtering, sorting and exporting read the same text.

// The columns, in order.
const (
	colMark = iota
	colName
	colEnv
	colVerdict
	colWhen
	colFailure
	colDrift
	colUser
	colScopes
	colExpires
	colLicence
	colSecret
	colInstance
	colClient
	colTags
	fleetCols
)

// fleetColumn is one column: its title, width and order.
type fleetColumn struct {
	title string
	width float32
	// less orders two lines by the column (nil: by the cell's text).
	less func(a, b *fleetLine) int
}

var fleetColumns = [fleetCols]fleetColumn{
	colMark:     {"", 30, func(a, b *fleetLine) int { return boolCmp(a.marked, b.marked) }},
	colName:     {"Name", 190, nil},
	colEnv:      {"Environment", 110, nil},
	colInstance: {"Instance", 210, nil},
	colClient:   {"client_id", 170, nil},
	colVerdict:  {"Last verdict", 120, func(a, b *fleetLine) int { return cmp.Compare(a.rank, b.rank) }},
	colWhen:     {"When", 120, func(a, b *fleetLine) int { return a.when.Compare(b.when) }},
	colUser:     {"Acts as (System User)", 170, nil},
	colScopes:   {"Scopes granted", 130, nil},
	colExpires:  {"Token expires", 130, func(a, b *fleetLine) int { return a.expires.Compare(b.expires) }},
	colLicence:  {"Licence", 190, nil},
	colFailure:  {"First failure", 330, nil},
	colSecret:   {"Secret age", 120, func(a, b *fleetLine) int { return cmp.Compare(a.secretAge, b.secretAge) }},
	colDrift:    {"Drift since last pass", 220, func(a, b *fleetLine) int { return cmp.Compare(a.drift, b.drift) }},
	colTags:     {"Tags", 140, nil},
}

// columnTitle is a column's title as the sort choice and the export name it.
func columnTitle(c int) string {
	if c == colMark {
		return "Selected"
	}
	return fleetColumns[c].title
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// fleetLine is one row of the table.
type fleetLine struct {
	row    desk.FleetRow
	cells  [fleetCols]string
	marked bool
	// failing: the last run failed, or the last fleet test could not test it.
	failing bool
	// what sorts: the verdict's rank (failures first when descending), when it ran,
	// when its token expires, the secret's age (-1: unknown), the number of changes.
	rank      int
	when      time.Time
	expires   time.Time
	secretAge time.Duration
	drift     int
	search    string // what the search box matches, lower-cased
}

// verdict ranks, worst last.
const (
	rankNone = iota
	rankPass
	rankWarn
	rankFail
	rankNotTested
)

// newLine works out a row's cells at now; explain gives a finding code's one-line
// title (desk.Explain).
func newLine(r desk.FleetRow, now time.Time, explain func(code string) string) *fleetLine {
	l := &fleetLine{row: r, secretAge: -1}
	p := r.Profile
	c := &l.cells
	c[colName] = p.Name
	c[colEnv] = p.Environment
	c[colInstance] = strings.TrimPrefix(p.Root(), "https://")
	c[colClient] = p.ClientID
	c[colTags] = strings.Join(p.Tags, ", ")
	if s := profiles.SecretAge(p, now); s.Set {
		l.secretAge = s.Age
		c[colSecret] = secretAgeText(s)
	} else {
		c[colSecret] = "Not recorded"
	}
	if s := r.Last; s != nil {
		l.when = s.Started
		c[colWhen] = agoText(now.Sub(s.Started))
		l.rank, c[colVerdict] = verdictText(s.Verdict)
		l.failing = s.Verdict == check.Fail
		c[colUser] = s.SystemUser
		c[colScopes] = strings.Join(s.ScopesGranted, " ")
		l.expires = s.TokenExpires
		c[colExpires] = expiresText(s.TokenExpires, now)
		c[colLicence] = licenceText(*s)
		c[colFailure] = firstProblem(*s, explain)
		c[colDrift] = driftText(r)
		l.drift = len(r.Drift.Changes)
	} else {
		c[colVerdict] = "Never tested"
	}
	switch r.State {
	case desk.FleetQueued:
		c[colVerdict] = "Queued"
	case desk.FleetTesting:
		c[colVerdict] = "Testing…"
	default:
		if r.Problem != "" {
			l.rank, l.failing = rankNotTested, true
			c[colVerdict], c[colFailure] = "Not tested", r.Problem
		}
	}
	for i := range c {
		c[i] = safetext.Line(c[i]) // names, tags and server text: one visible line
	}
	l.search = strings.ToLower(strings.Join([]string{c[colName], c[colEnv], c[colInstance], c[colClient], c[colTags], c[colUser]}, "\x00"))
	return l
}

// verdictText is a verdict as the table says it, and its rank.
func verdictText(v check.Verdict) (int, string) {
	switch v {
	case check.Pass:
		return rankPass, "Passed"
	case check.Warn:
		return rankWarn, "Warnings"
	case check.Fail:
		return rankFail, "Failed"
	}
	return rankNone, string(v)
}

// agoText is how long ago something was: "just now", "5 minutes ago", "3 days ago".
func agoText(d time.Duration) string {
	if d < 2*time.Minute {
		return "just now"
	}
	return roughAge(d) + " ago"
}

// expiresText is when a token stops working, seen from now.
func expiresText(exp, now time.Time) string {
	switch left := exp.Sub(now); {
	case exp.IsZero():
		return "No token"
	case left <= 0:
		return "Expired " + roughAge(-left) + " ago"
	case left < 2*time.Minute:
		return "In a moment"
	default:
		return "In " + roughAge(left)
	}
}

// licenceText is what a run cost in ERP.net licence terms.
func licenceText(s check.RunSummary) string {
	until := ""
	if !s.SessionHoldsUntil.IsZero() {
		until = " until about " + s.SessionHoldsUntil.Local().Format("15:04")
	}
	switch s.Session {
	case check.SessionOpened:
		return "New session: a slot" + until
	case check.SessionReused:
		return "Reused session" + until
	case check.SessionUnknown:
		return "The token's session" + until
	case check.SessionNone:
		if calls(s) == 0 {
			return "None (no API call)"
		}
		return "None"
	}
	return "Not recorded"
}

// calls counts the API calls a run made.
func calls(s check.RunSummary) int {
	n := 0
	for _, st := range s.Steps {
		if st.Kind == check.StepAPI && st.Verdict != check.Skipped {
			n++
		}
	}
	return n
}

// firstProblem is the first failing step (else the first with a warning) and the
// one-line cause of its first finding of that severity: "Token: The Identity Server
// rejected the app's credentials (invalid_client)".
func firstProblem(s check.RunSummary, explain func(string) string) string {
	for _, want := range []check.Verdict{check.Fail, check.Warn} {
		for _, st := range s.Steps {
			if st.Verdict != want {
				continue
			}
			sev := check.SevFail
			if want == check.Warn {
				sev = check.SevWarn
			}
			for _, f := range s.Findings {
				if f.Step == st.Name && f.Severity == sev {
					return st.Name + ": " + explain(f.Code)
				}
			}
			return st.Name + ": " + string(want)
		}
	}
	return ""
}

// driftText is what changed since the last passing run, in a few words.
func driftText(r desk.FleetRow) string {
	d := r.Drift
	switch {
	case !d.Baseline:
		return "No passing run before"
	case !d.Changed():
		return "No change"
	}
	fields := make([]string, len(d.Changes))
	for i, c := range d.Changes {
		fields[i] = c.Field
	}
	return "Changed: " + strings.Join(fields, ", ")
}

// secretAgeText is the secret's age in a few words, with the rotation reminder.
func secretAgeText(s profiles.SecretAgeInfo) string {
	t := plural(s.Days, "day")
	if s.Days == 0 {
		t = "Set today"
	}
	if s.RotationDue {
		t += ": rotate it"
	}
	return t
}

// fleetFilter is what the table shows.
type fleetFilter struct {
	search  string // lower-cased
	env     string // "" for every environment; noEnv for none
	tag     string // "" for every tag
	failing bool
}

const noEnv = "\x00none"

func (f fleetFilter) match(l *fleetLine) bool {
	p := l.row.Profile
	switch {
	case f.failing && !l.failing:
		return false
	case f.env == noEnv && strings.TrimSpace(p.Environment) != "":
		return false
	case f.env != "" && f.env != noEnv && !strings.EqualFold(strings.TrimSpace(p.Environment), f.env):
		return false
	case f.tag != "" && !p.HasTag(f.tag):
		return false
	}
	return f.search == "" || strings.Contains(l.search, f.search)
}

// sortLines orders lines by column col (descending when desc), then by name.
func sortLines(lines []*fleetLine, col int, desc bool) {
	less := fleetColumns[col].less
	slices.SortStableFunc(lines, func(a, b *fleetLine) int {
		var c int
		if less != nil {
			c = less(a, b)
		} else {
			c = cmp.Compare(strings.ToLower(a.cells[col]), strings.ToLower(b.cells[col]))
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.row.Profile.Name, b.row.Profile.Name)
		}
		return c
	})
}

// explainTitle is a finding code's one-line title from the guide.
func explainTitle(d interface {
	Explain(string, map[string]string) guide.Explanation
}) func(string) string {
	return func(code string) string { return d.Explain(code, nil).Title }
}

// fleetCounts says how many rows there are, shown, failing and changed.
func fleetCounts(all, shown []*fleetLine) string {
	failing, changed := 0, 0
	for _, l := range all {
		if l.failing {
			failing++
		}
		if l.drift > 0 {
			changed++
		}
	}
	s := plural(len(all), "profile")
	if len(shown) != len(all) {
		s += fmt.Sprintf(", %d shown", len(shown))
	}
	return s + fmt.Sprintf(" · %d failing or not tested · %d changed since their last pass", failing, changed)
}
