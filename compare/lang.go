package compare

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/safetext"
)

// A comparison in the reader's language. Runs compares in English, as the JSON and
// History keep it; WriteTextIn and DriftLineIn say it in another language: their own
// sentences, the groups, the rows' names and the values this package makes ("(none)",
// "not read", "pass (HTTP 200)"). Codes, profile, field and step names of API calls,
// and what the runs themselves hold stay as they are.

// WriteTextIn is WriteText in lang.
func WriteTextIn(lang *i18n.Localizer, w io.Writer, c Comparison, all bool) error {
	if lang.Code() == "en" {
		return WriteText(w, c, all)
	}
	c.A.Label, c.B.Label = LabelIn(lang, c.A.Label), LabelIn(lang, c.B.Label)
	rows := make([]Row, len(c.Rows))
	for i, r := range c.Rows {
		r.Group = groupIn(lang, r.Group)
		r.Field, r.A, r.B = FieldIn(lang, r.Field), ValueIn(lang, r.A), ValueIn(lang, r.B)
		rows[i] = r
	}
	c.Rows = rows
	var b bytes.Buffer
	writeTextIn(lang, &b, c, all)
	_, err := w.Write(b.Bytes())
	return err
}

func writeTextIn(lang *i18n.Localizer, b *bytes.Buffer, c Comparison, all bool) {
	fmt.Fprintf(b, "A: %s: %s\n", safetext.Line(c.A.Label), strings.ToUpper(verdictIn(lang, string(c.A.Verdict))))
	fmt.Fprintf(b, "B: %s: %s\n", safetext.Line(c.B.Label), strings.ToUpper(verdictIn(lang, string(c.B.Verdict))))
	same := len(c.Rows) - c.Differences
	head := lang.X("compare.head.field", "FIELD")
	table := func(rows []Row) { writeRows(b, head, rows) }
	switch c.Differences {
	case 0:
		b.WriteString("\n" + lang.X("compare.no_differences", "No differences.") + "\n")
	default:
		fmt.Fprintf(b, "\n"+lang.XN("compare.differences", "%d differences:", c.Differences)+"\n", c.Differences)
	}
	if c.Differences > 0 {
		table(c.Rows[:c.Differences])
	}
	switch {
	case same == 0:
	case all:
		fmt.Fprintf(b, "\n"+lang.XN("compare.identical", "%d identical:", same)+"\n", same)
		table(c.Rows[c.Differences:])
	default:
		fmt.Fprintf(b, "\n"+lang.XN("compare.folded", "%d identical rows folded (--all shows them).", same)+"\n", same)
	}
	if !c.A.RecordRead || !c.B.RecordRead {
		which := lang.X("compare.not_read.either", "either side")
		switch {
		case !c.A.RecordRead && !c.B.RecordRead:
		case !c.A.RecordRead:
			which = "A"
		default:
			which = "B"
		}
		fmt.Fprintf(b, "\n"+lang.X("compare.not_read", "The Trusted App record was not read for %s: a run from History keeps the record only when it was read in that run, and a System User may be barred from reading Trusted Apps.")+"\n", which)
	}
}

// FieldIn names a row (or a drift's field, in the fleet view) in lang: the rows this
// package names, and the engine's four steps; an API call, a record field and a
// finding code keep their names.
func FieldIn(lang *i18n.Localizer, f string) string {
	switch f {
	case "Verdict":
		return lang.X("compare.field.verdict", "Verdict")
	case "Signs in with":
		return lang.X("compare.field.signs_in_with", "Signs in with")
	case "Instance":
		return lang.X("compare.field.instance", "Instance")
	case "System User":
		return lang.X("compare.field.system_user", "System User")
	case "Database":
		return lang.X("compare.field.database", "Database")
	case "Issuer":
		return lang.X("compare.field.issuer", "Issuer")
	case "Token kind":
		return lang.X("compare.field.token_kind", "Token kind")
	case "Scopes requested":
		return lang.X("compare.field.scopes_requested", "Scopes requested")
	case "Scopes granted":
		return lang.X("compare.field.scopes_granted", "Scopes granted")
	case "Token lifetime":
		return lang.X("compare.field.token_lifetime", "Token lifetime")
	case "Version":
		return lang.X("compare.field.version", "Version")
	case "Whole run":
		return lang.X("compare.field.whole_run", "Whole run")
	case "Reachability":
		return lang.X("report.step.reachability", "Reachability")
	case "Discovery":
		return lang.X("report.step.discovery", "Discovery")
	case "Token":
		return lang.X("report.step.token", "Token")
	case "Inspect token":
		return lang.X("report.step.inspect", "Inspect token")
	}
	if rest, ok := strings.CutPrefix(f, "Record: "); ok {
		return fmt.Sprintf(lang.X("compare.field.record", "Record: %s"), rest)
	}
	return f
}

var (
	httpValue  = regexp.MustCompile(`^(\w+) \(HTTP (\d+)\)$`)
	inSteps    = regexp.MustCompile(`^(\w+) in (\d+) steps$`)
	inStep     = regexp.MustCompile(`^(\w+) in (.+)$`)
	secondsRE  = regexp.MustCompile(`^(\d+\.\d) s$`)
	millis     = regexp.MustCompile(`^(\d+) ms$`)
	stateValue = regexp.MustCompile(`^(.*) \((ok|bad|warn|unknown)\)$`)
)

// ValueIn says a value this package made in lang; a value from the runs themselves
// stays as it is.
func ValueIn(lang *i18n.Localizer, v string) string {
	switch v {
	case "(none)":
		return lang.X("report.none", "(none)")
	case "(none: the app's whole Scope field)":
		return lang.X("report.no_scopes_asked", "(none: the app's whole Scope field)")
	case "absent":
		return lang.X("compare.value.absent", "absent")
	case "a reference token":
		return lang.X("compare.value.reference_token", "a reference token")
	case "Basic (legacy)":
		return lang.X("compare.value.basic", "Basic (legacy)")
	case "client credentials":
		return lang.X("compare.value.client_credentials", "client credentials")
	case "not run":
		return lang.X("compare.value.not_run", "not run")
	case "not read":
		return lang.X("compare.value.not_read", "not read")
	case "(not listed)":
		return lang.X("compare.value.not_listed", "(not listed)")
	case "pass", "warn", "fail", "skipped":
		return verdictIn(lang, v)
	}
	if m := httpValue.FindStringSubmatch(v); m != nil {
		return verdictIn(lang, m[1]) + " (HTTP " + m[2] + ")"
	}
	if m := inSteps.FindStringSubmatch(v); m != nil {
		return fmt.Sprintf(lang.X("compare.value.in_steps", "%s in %s steps"), severityWord(lang, m[1]), m[2])
	}
	if m := inStep.FindStringSubmatch(v); m != nil && (m[1] == "fail" || m[1] == "warn" || m[1] == "info") {
		return fmt.Sprintf(lang.X("compare.value.in_step", "%s in %s"), severityWord(lang, m[1]), FieldIn(lang, m[2]))
	}
	if m := secondsRE.FindStringSubmatch(v); m != nil {
		return fmt.Sprintf(lang.X("report.seconds", "%s s"), strings.Replace(m[1], ".", ",", 1))
	}
	if m := millis.FindStringSubmatch(v); m != nil {
		return fmt.Sprintf(lang.X("compare.value.ms", "%s ms"), m[1])
	}
	if m := stateValue.FindStringSubmatch(v); m != nil {
		return m[1] + " (" + stateIn(lang, m[2]) + ")"
	}
	return v
}

func verdictIn(lang *i18n.Localizer, v string) string {
	switch v {
	case "pass":
		return lang.X("report.verdict.pass", "pass")
	case "warn":
		return lang.X("report.verdict.warn", "warn")
	case "fail":
		return lang.X("report.verdict.fail", "fail")
	case "skipped":
		return lang.X("report.verdict.skipped", "skipped")
	}
	return v
}

func severityWord(lang *i18n.Localizer, s string) string {
	switch s {
	case "fail":
		return lang.X("compare.severity.fail", "fail")
	case "warn":
		return lang.X("compare.severity.warn", "warn")
	case "info":
		return lang.X("compare.severity.info", "info")
	}
	return s
}

var (
	freshLabel   = regexp.MustCompile(`^(".*"), fresh run (\w+)$`)
	historyLabel = regexp.MustCompile(`^(".*"), run (\w+) of (.+) from History$`)
	runLabel     = regexp.MustCompile(`^(".*"), run (\w+) of (.+)$`)
)

// LabelIn says a side's label (FreshLabel, HistoryLabel) in lang.
func LabelIn(lang *i18n.Localizer, l string) string {
	if m := freshLabel.FindStringSubmatch(l); m != nil {
		return fmt.Sprintf(lang.X("compare.label.fresh", "%s, fresh run %s"), m[1], m[2])
	}
	if m := historyLabel.FindStringSubmatch(l); m != nil {
		return fmt.Sprintf(lang.X("compare.label.history", "%s, run %s of %s from History"), m[1], m[2], m[3])
	}
	if m := runLabel.FindStringSubmatch(l); m != nil {
		return fmt.Sprintf(lang.X("compare.label.run", "%s, run %s of %s"), m[1], m[2], m[3])
	}
	return l
}

// DriftLineIn is DriftLine in lang.
func DriftLineIn(lang *i18n.Localizer, d Drift) string {
	if lang.Code() == "en" {
		return DriftLine(d)
	}
	if !d.Baseline {
		return lang.X("compare.drift.no_baseline", "no passing run in History to compare with")
	}
	since := fmt.Sprintf(lang.X("compare.drift.since", "run %s of %s"), d.SinceRunID, d.SinceStarted.Local().Format("2006-01-02 15:04"))
	if !d.Changed() {
		return fmt.Sprintf(lang.X("compare.drift.no_change", "no change since last pass (%s)"), since)
	}
	parts := make([]string, 0, len(d.Changes))
	for _, c := range d.Changes {
		parts = append(parts, fmt.Sprintf("%s %s -> %s", FieldIn(lang, c.Field), ValueIn(lang, c.Was), ValueIn(lang, c.Now)))
	}
	return fmt.Sprintf(lang.X("compare.drift.changed", "changed since last pass (%s): %s"), since, strings.Join(parts, "; "))
}

// groupIn names a row's group in lang.
func groupIn(lang *i18n.Localizer, g string) string {
	switch g {
	case GroupVerdict:
		return lang.X("compare.group.verdict", "verdict")
	case GroupIdentity:
		return lang.X("compare.group.identity", "identity")
	case GroupScopes:
		return lang.X("compare.group.scopes", "scopes")
	case GroupSteps:
		return lang.X("compare.group.steps", "steps")
	case GroupRecord:
		return lang.X("compare.group.record", "record")
	case GroupFindings:
		return lang.X("compare.group.findings", "findings")
	case GroupTimings:
		return lang.X("compare.group.timings", "timings")
	}
	return g
}

// stateIn says a record field's state (check.RecordState) in lang.
func stateIn(lang *i18n.Localizer, s string) string {
	switch s {
	case "ok":
		return lang.X("compare.state.ok", "ok")
	case "bad":
		return lang.X("compare.state.bad", "bad")
	case "warn":
		return lang.X("compare.state.warn", "warn")
	case "unknown":
		return lang.X("compare.state.unknown", "unknown")
	}
	return s
}
