package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

const recordUsage = `Usage:
  trustedapp-check record PROFILE [--with READER] [flags]
  trustedapp-check record --with READER --client-id ID [flags]
  trustedapp-check record --instance URL --client-id ID [flags]

Reads a Trusted App record (Systems_Security_TrustedApplications, by ApplicationUri
= client_id) with a token and checks the fields client credentials depends on:
ApplicationUri, IsEnabled, ClientType, ApplicationSecretHash, SystemUserAllowed,
SystemUser, Scope (and warns about ReferenceTokens and Basic authentication).

ApplicationSecretHash is compared with base64(SHA-256(the profile's secret)); the
secret never leaves this computer. When they differ, the usual slips are tried and
the one that matches is named (echo instead of printf, CRLF, spaces, hex instead of
base64, ...). When the record cannot be read, that row shows the hash the record must
hold, ready to copy or to put in a support ticket: it is not the secret.

The token is PROFILE's own, or with --with READER the token of another stored
profile on the same instance whose System User may read Trusted Applications: the
way to inspect an app that gets no token at all. READER's token is sent only with
READER's own settings (its OData root, proxy and TLS options), never PROFILE's.
Fields that cannot be read are listed with what they must hold, to check by hand.

Flags: the profile and secret flags of 'check' (--store, --instance, --client-id,
--scope, --auth, --authority, --token-endpoint, --odata-root, --confirm-host,
--ca-file, --insecure-skip-verify, --proxy, --timeout, --secret-stdin), plus
  --with READER  read with this stored profile's token (its secret from the
                 keychain, TRUSTEDAPP_SECRET or --secret-stdin)
  --json         print the checklist as JSON
  --fresh        always request a new token

Exit codes: 0 every field is right, 1 a field must be fixed or the record could
not be read, 2 usage error, 3 store, profile, secret or keychain problem,
4 interrupted.
`

// recordOutput is what record --json prints.
type recordOutput struct {
	ClientID string        `json:"client_id"`
	Instance string        `json:"instance"`
	ReadWith string        `json:"read_with,omitempty"`
	Read     bool          `json:"read"`
	Problem  string        `json:"problem,omitempty"`
	Checks   []recordCheck `json:"checks"`
	// SecretHash compares the record's ApplicationSecretHash with the hash of the
	// app's secret (absent when no comparison was made: see the checklist row).
	SecretHash *check.SecretHashComparison `json:"secret_hash,omitempty"`
	// LeastPrivilege is advice on what to narrow (never a failure).
	LeastPrivilege []report.Finding `json:"least_privilege,omitempty"`
	host           string           // for the text output
}

type recordCheck struct {
	Field  string `json:"field"`
	Actual string `json:"actual"`
	Want   string `json:"want"`
	State  string `json:"state"`
	Note   string `json:"note,omitempty"`
}

// recordOptions is what record parses its command line into.
type recordOptions struct {
	targetOptions
	with string // --with READER
}

func parseRecord(e env) (*recordOptions, error) {
	o := &recordOptions{targetOptions: targetOptions{env: e, checkFlags: checkFlags{parallel: 1}}}
	fs := newCheckFlagSet("record", &o.checkFlags, false)
	fs.StringVar(&o.with, "with", "", "")
	if err := o.parse(fs, recordUsage, ""); err != nil {
		return nil, err
	}
	return o, nil
}

func recordRun(o *recordOptions) error {
	e, f := o.env, &o.checkFlags
	subject, reader, subjectSecret, err := o.subjectAndReader()
	if err != nil {
		return err
	}
	ctx := ctxOrBackground(e.ctx)
	rep := check.Run(ctx, reader.p, reader.secret, o.runOptions(tokenOnly), nil)
	newHistoryWriter(e).appendRun(reader.p, rep)
	if rep.Cancelled {
		return errInterrupted
	}
	out := recordOutput{ClientID: subject.ClientID, Instance: subject.Root(), host: subject.Host()}
	systemUser := ""
	var res check.RecordResult
	if rep.Access == nil {
		d := report.Build(rep, reader.p)
		d.Forget(reader.secret)
		fmt.Fprintf(e.stderr, "trustedapp-check record: %q got no token, so the record cannot be read:\n", reader.p.Name)
		report.WriteText(e.stderr, d)
		out.Problem = fmt.Sprintf("No token to read the record with (%q got none). Check the fields below by hand, or read them with another profile's token: --with READER.", reader.p.Name)
	} else {
		if rep.Claims != nil && reader.p.Name == subject.Name {
			systemUser = rep.Claims.SystemUser
		}
		out.ReadWith = fmt.Sprintf("the token of %q", reader.p.Name)
		if rep.Claims != nil && rep.Claims.SystemUser != "" {
			out.ReadWith += " (System User " + rep.Claims.SystemUser + ")"
		}
		// The reader's token reads with the reader's own settings (its OData root,
		// proxy and TLS), never the subject's: the credential gate refuses a token
		// with another profile's.
		res = check.ReadRecord(ctx, reader.p, rep.Access, subject.ClientID, check.Options{Timeout: o.callTimeout})
		out.Read = res.Record != nil
		out.Problem = res.Problem
	}
	bad := 0
	rows := check.RecordChecklist(subject, res.Record, systemUser)
	hashRow, cmp := check.SecretHashRow(res.Record, subjectSecret)
	rows = check.WithSecretHashRow(rows, hashRow)
	out.SecretHash = cmp
	// The advice: from the record, and from the token when it is the app's own.
	adviceIn := check.PrivilegeInput{Profile: subject, Record: res.Record, Now: time.Now()}
	if reader.p.Name == subject.Name {
		adviceIn = check.PrivilegeInputFor(subject, rep, res.Record)
	}
	out.LeastPrivilege = report.Findings(check.LeastPrivilege(adviceIn))
	check.SortRecordChecks(rows)
	for _, c := range rows {
		out.Checks = append(out.Checks, recordCheck{Field: c.Field, Actual: c.Actual, Want: c.Want, State: string(c.State), Note: c.Note})
		if c.State == check.RecordBad {
			bad++
		}
	}
	if f.json {
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		writeRecordText(e, out, bad)
	}
	if !out.Read || bad > 0 {
		return exitWith(exitFailed)
	}
	return nil
}

// subjectAndReader resolves whose record to read (the subject, with its secret when
// known, to compare with ApplicationSecretHash) and whose token reads it (the reader:
// the subject itself, or --with READER).
func (o *recordOptions) subjectAndReader() (subject profiles.Profile, reader target, subjectSecret string, err error) {
	e, f := o.env, &o.checkFlags
	if o.with == "" {
		targets, err := resolveTargets(e, f, o.names)
		if err != nil {
			return subject, reader, "", err
		}
		return targets[0].p, targets[0], targets[0].secret, nil
	}
	if f.set["instance"] {
		return subject, reader, "", usageErr("--with reads on READER's instance: give PROFILE or --client-id, not --instance")
	}
	// --client-id names the subject here; READER keeps its own.
	subjectID := strings.TrimSpace(f.clientID)
	f.clientID = ""
	delete(f.set, "client-id")
	targets, err := resolveTargets(e, f, []string{o.with})
	if err != nil {
		return subject, reader, "", err
	}
	reader = targets[0]
	switch {
	case len(o.names) == 1 && subjectID != "":
		return subject, reader, "", usageErr("give PROFILE or --client-id, not both")
	case len(o.names) == 1:
		s, err := openStore(f.store, nil)
		if err != nil {
			return subject, reader, "", err
		}
		if subject, err = s.Get(o.names[0]); err != nil {
			return subject, reader, "", envErr("%v", err)
		}
		if !strings.EqualFold(subject.Host(), reader.p.Host()) {
			return subject, reader, "", usageErr("%q is on %s but %q is on %s: a token only reads records of its own instance", subject.Name, subject.Host(), reader.p.Name, reader.p.Host())
		}
		// Its secret is only hashed, to compare with ApplicationSecretHash; without
		// one the row says so.
		subjectSecret, _ = newSecrets().Get(subject.Name)
		return subject, reader, subjectSecret, nil
	case len(o.names) == 0 && subjectID != "":
		subject = reader.p
		subject.Name = "ad-hoc"
		subject.ClientID = subjectID
		subject.Scopes = nil
		return subject, reader, "", nil
	}
	return subject, reader, "", usageErr("name the PROFILE whose record to read, or give --client-id ID")
}

var recordStateText = map[string]string{"ok": "OK", "bad": "FIX", "warn": "WARN", "unknown": "CHECK"}

// writeRecordText prints the checklist; what the instance sent (the record's values,
// the System User) is shown with control characters escaped, so it cannot forge lines.
func writeRecordText(e env, out recordOutput, bad int) {
	l := safetext.Line
	fmt.Fprintf(e.stdout, "Trusted App record %s on %s", l(out.ClientID), l(out.host))
	if out.ReadWith != "" {
		fmt.Fprintf(e.stdout, ", read with %s", l(out.ReadWith))
	}
	fmt.Fprintln(e.stdout)
	if out.Problem != "" {
		fmt.Fprintf(e.stdout, "  %s\n", l(out.Problem))
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	unknown := 0
	for _, c := range out.Checks {
		if c.State == string(check.RecordUnknown) {
			unknown++
		}
		line := "must be: " + c.Want
		if c.Note != "" {
			line += ". " + c.Note
		}
		fmt.Fprintf(tw, "  %-5s %s\t%s\t%s\n", recordStateText[c.State], l(c.Field), l(c.Actual), l(line))
	}
	tw.Flush()
	switch {
	case !out.Read:
		fmt.Fprintln(e.stdout, "The record was not read: CHECK rows say what each field must hold.")
	case bad == 0 && unknown > 0:
		fmt.Fprintln(e.stdout, "No field read needs fixing; CHECK rows could not be compared: check them by hand.")
	case bad == 0:
		fmt.Fprintln(e.stdout, "Every field client credentials needs is right.")
	case bad == 1:
		fmt.Fprintln(e.stdout, "1 field to fix.")
	default:
		fmt.Fprintf(e.stdout, "%d fields to fix.\n", bad)
	}
	report.WriteAdviceText(e.stdout, out.LeastPrivilege)
}
