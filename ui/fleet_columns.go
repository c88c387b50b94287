package ui

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/desk"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
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

// fleetColumn is one column: its width and order (its title: columnTitle).
type fleetColumn struct {
	width float32
	// less orders two lines by the column (nil: by the cell's text).
	less func(a, b *fleetLine) int
}

var fleetColumns = [fleetCols]fleetColumn{
	colMark:     {30, func(a, b *fleetLine) int { return boolCmp(a.marked, b.marked) }},
	colName:     {190, nil},
	colEnv:      {110, nil},
	colInstance: {210, nil},
	colClient:   {170, nil},
	colVerdict:  {120, func(a, b *fleetLine) int { return cmp.Compare(a.rank, b.rank) }},
	colWhen:     {145, func(a, b *fleetLine) int { return a.when.Compare(b.when) }},
	colUser:     {170, nil},
	colScopes:   {130, nil},
	colExpires:  {130, func(a, b *fleetLine) int { return a.expires.Compare(b.expires) }},
	colLicence:  {190, nil},
	colFailure:  {330, nil},
	colSecret:   {120, func(a, b *fleetLine) int { return cmp.Compare(a.secretAge, b.secretAge) }},
	colDrift:    {220, func(a, b *fleetLine) int { return cmp.Compare(a.drift, b.drift) }},
	colTags:     {140, nil},
}

// columnTitle is a column's title in the language in use, as the table's header, the
// sort choice and the export name it.
func columnTitle(c int) string {
	switch c {
	case colMark:
		return lang.X("app.fleet.col.selected", "Selected")
	case colName:
		return lang.X("app.fleet.col.name", "Name")
	case colEnv:
		return lang.X("app.fleet.col.env", "Environment")
	case colInstance:
		return lang.X("app.fleet.col.instance", "Instance")
	case colClient:
		return "client_id" // ERP.net's name for it, in every language
	case colVerdict:
		return lang.X("app.fleet.col.verdict", "Last verdict")
	case colWhen:
		return lang.X("app.fleet.col.when", "When")
	case colUser:
		return lang.X("app.fleet.col.user", "Acts as (System User)")
	case colScopes:
		return lang.X("app.fleet.col.scopes", "Scopes granted")
	case colExpires:
		return lang.X("app.fleet.col.expires", "Token expires")
	case colLicence:
		return lang.X("app.fleet.col.licence", "Licence")
	case colFailure:
		return lang.X("app.fleet.col.failure", "First failure")
	case colSecret:
		return lang.X("app.fleet.col.secret", "Secret age")
	case colDrift:
		return lang.X("app.fleet.col.drift", "Drift since last pass")
	case colTags:
		return lang.X("app.fleet.col.tags", "Tags")
	}
	return ""
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
		c[colSecret] = lang.X("app.fleet.not_recorded", "Not recorded")
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
		c[colVerdict] = lang.X("app.fleet.never_tested", "Never tested")
	}
	switch r.State {
	case desk.FleetQueued:
		c[colVerdict] = lang.X("app.fleet.queued", "Queued")
	case desk.FleetTesting:
		c[colVerdict] = lang.X("app.fleet.testing_one", "Testing…")
	default:
		if r.Problem != "" {
			l.rank, l.failing = rankNotTested, true
			c[colVerdict], c[colFailure] = lang.X("app.fleet.not_tested", "Not tested"), r.Problem
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
		return rankPass, lang.X("app.fleet.passed", "Passed")
	case check.Warn:
		return rankWarn, lang.X("app.fleet.warnings", "Warnings")
	case check.Fail:
		return rankFail, lang.X("app.fleet.failed", "Failed")
	}
	return rankNone, string(v)
}

// agoText is how long ago something was: "just now", "5 minutes ago", "3 days ago".
func agoText(d time.Duration) string {
	if d < 2*time.Minute {
		return lang.X("app.fleet.just_now", "just now")
	}
	return lang.X("app.fleet.ago", "{{.Age}} ago", map[string]any{"Age": roughAge(d)})
}

// expiresText is when a token stops working, seen from now.
func expiresText(exp, now time.Time) string {
	switch left := exp.Sub(now); {
	case exp.IsZero():
		return lang.X("app.fleet.no_token", "No token")
	case left <= 0:
		return lang.X("app.fleet.expired_ago", "Expired {{.Age}} ago", map[string]any{"Age": roughAge(-left)})
	case left < 2*time.Minute:
		return lang.X("app.fleet.in_a_moment", "In a moment")
	default:
		return lang.X("app.fleet.in", "In {{.Age}}", map[string]any{"Age": roughAge(left)})
	}
}

// licenceText is what a run cost in ERP.net licence terms.
func licenceText(s check.RunSummary) string {
	until := func(what string) string {
		if s.SessionHoldsUntil.IsZero() {
			return what
		}
		return lang.X("app.fleet.licence.until", "{{.What}} until about {{.Time}}", map[string]any{"What": what, "Time": s.SessionHoldsUntil.Local().Format("15:04")})
	}
	switch s.Session {
	case check.SessionOpened:
		return until(lang.X("app.fleet.licence.opened", "New session: a slot"))
	case check.SessionReused:
		return until(lang.X("app.fleet.licence.reused", "Reused session"))
	case check.SessionUnknown:
		return until(lang.X("app.fleet.licence.unknown", "The token's session"))
	case check.SessionNone:
		if calls(s) == 0 {
			return lang.X("app.fleet.licence.none_no_call", "None (no API call)")
		}
		return lang.X("app.fleet.licence.none", "None")
	}
	return lang.X("app.fleet.licence.not_recorded", "Not recorded")
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
					return stepLabel(st.Name) + ": " + explain(f.Code)
				}
			}
			return stepLabel(st.Name) + ": " + widgets.VerdictWord(want)
		}
	}
	return ""
}

// driftText is what changed since the last passing run, in a few words.
func driftText(r desk.FleetRow) string {
	d := r.Drift
	switch {
	case !d.Baseline:
		return lang.X("app.fleet.drift.no_baseline", "No passing run before")
	case !d.Changed():
		return lang.X("app.fleet.drift.none", "No change")
	}
	fields := make([]string, len(d.Changes))
	for i, c := range d.Changes {
		fields[i] = compare.FieldIn(lang.Localizer(), c.Field)
	}
	return lang.X("app.fleet.drift.changed", "Changed: {{.Fields}}", map[string]any{"Fields": strings.Join(fields, ", ")})
}

// secretAgeText is the secret's age in a few words, with the rotation reminder.
func secretAgeText(s profiles.SecretAgeInfo) string {
	t := lang.XN("app.fleet.secret_days", "{{.Count}} days", s.Days, map[string]any{"Count": s.Days})
	if s.Days == 0 {
		t = lang.X("app.fleet.secret_today", "Set today")
	}
	if s.RotationDue {
		t = lang.X("app.fleet.secret_rotate", "{{.Age}}: rotate it", map[string]any{"Age": t})
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
	s := lang.XN("app.fleet.counts.profiles", "{{.Count}} profiles", len(all), map[string]any{"Count": len(all)})
	if len(shown) != len(all) {
		s = lang.X("app.fleet.counts.shown", "{{.Profiles}}, {{.Shown}} shown", map[string]any{"Profiles": s, "Shown": len(shown)})
	}
	return lang.X("app.fleet.counts.line", "{{.Profiles}} · {{.Failing}} failing or not tested · {{.Changed}} changed since their last pass", map[string]any{"Profiles": s, "Failing": failing, "Changed": changed})
}
