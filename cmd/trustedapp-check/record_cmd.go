package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

func recordUsage() string {
	return helpFor(lang.X("cli.usage.record", `Usage:
  trustedapp-check record PROFILE [--with READER] [flags]
  trustedapp-check record --with READER --client-id ID [flags]
  trustedapp-check record --instance URL --client-id ID [flags]
  trustedapp-check record PROFILE --from-form FILE|- [flags]

Reads a Trusted App record (Systems_Security_TrustedApplications, by ApplicationUri
= client_id) with a token and checks the fields client credentials depends on:
ApplicationUri, IsEnabled, ClientType, ApplicationSecretHash, SystemUserAllowed,
SystemUser, Scope (and warns about ReferenceTokens and Basic authentication).

ApplicationSecretHash is compared with base64(SHA-256(the profile's secret)); the
secret never leaves this computer. When they differ, the usual slips are tried and
the one that matches is named (a line break added by echo, CRLF, spaces, hex instead
of base64, UTF-16, ...). When the record cannot be read, that row shows the hash the record must
hold, ready to copy or to put in a support ticket: it is not the secret.

The token is PROFILE's own, or with --with READER the token of another stored
profile on the same instance whose System User may read Trusted Applications: the
way to inspect an app that gets no token at all. READER's token is sent only with
READER's own settings (its OData root, proxy and TLS options), never PROFILE's.
Fields that cannot be read are listed with what they must hold, to check by hand.

When the API refuses to show the record (HTTP 403: the System User may not read
Trusted Applications, or the instance asks for the sec scope, which ERP.net's docs
reserve "for ERP.net internal use only"), copy the values shown on the Trusted App's
form in ERP.net into a file and give it with --from-form FILE (- reads stdin): the
same checklist runs, the ApplicationSecretHash comparison with the stored secret and
the slip detector included, with no token and no network. One "Field: value" a line
(also Field<TAB>value as a copy of the web form gives, or the label on one line and
its value on the next), or a JSON object:

  ApplicationUri: com.acme/nightly
  IsEnabled: Yes
  ClientType: Confidential
  ApplicationSecretHash: T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=
  SystemUserAllowed: Yes
  SystemUser: svc-nightly
  Scope: read update
  ReferenceTokens: None
  BasicAuthenticationAllowed: No

Names as the model spells them or spaced (Application Uri); yes/no, true/false,
1/0 or да/не; a form shown in Bulgarian is matched by the words its labels hold
(ERP.net's docs do not publish the form's labels). Fields left out are listed to
check by hand. Never paste the secret: the form does not show it, and a line named
client_secret or secret is refused.

Flags: the profile and secret flags of 'check' (--store, --instance, --client-id,
--scope, --auth, --authority, --token-endpoint, --odata-root, --confirm-host,
--ca-file, --insecure-skip-verify, --proxy, --timeout, --secret-stdin), plus
  --with READER  read with this stored profile's token (its secret from
                 {keychain}, TRUSTEDAPP_SECRET or --secret-stdin)
  --from-form FILE  check the values copied from the Trusted App's form (- for
                 stdin) instead of reading the record: no token is requested
  --json         print the checklist as JSON
  --fresh        always request a new token

Exit codes: 0 every field is right, 1 a field must be fixed or the record could
not be read, 2 usage error, 3 store, profile, secret or {keychain} problem,
4 interrupted.
`))
}

// recordOutput is what record --json prints.
type recordOutput struct {
	ClientID string `json:"client_id"`
	Instance string `json:"instance"`
	// Source is where the values came from: "api" (read with a token) or "form"
	// (copied from the Trusted App's form, --from-form).
	Source   string        `json:"source"`
	ReadWith string        `json:"read_with,omitempty"`
	Read     bool          `json:"read"`
	Problem  string        `json:"problem,omitempty"`
	Checks   []recordCheck `json:"checks"`
	// FormNotes say what of the form's text was ignored or not understood.
	FormNotes []string `json:"form_notes,omitempty"`
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
	with     string // --with READER
	fromForm string // --from-form FILE ("-": stdin)
}

func parseRecord(e env) (*recordOptions, error) {
	o := &recordOptions{targetOptions: targetOptions{env: e, checkFlags: checkFlags{parallel: 1}}}
	fs := newCheckFlagSet("record", &o.checkFlags, false)
	fs.StringVar(&o.with, "with", "", "")
	fs.StringVar(&o.fromForm, "from-form", "", "")
	if err := o.parse(fs, recordUsage(), ""); err != nil {
		return nil, err
	}
	return o, nil
}

func recordRun(o *recordOptions) error {
	if o.set["from-form"] {
		return recordFormRun(o)
	}
	e, f := o.env, &o.checkFlags
	subject, reader, subjectSecret, err := o.subjectAndReader()
	if err != nil {
		return err
	}
	if reader.p.KindOf() == profiles.KindBasic {
		return usageErr(lang.X("cli.record.basic_reader", "%q is a basic profile: it has no token to read a record with; read with a client-credentials or reference-token profile (--with READER)"), reader.p.Name)
	}
	if subject.KindOf() != profiles.KindClientCredentials {
		subjectSecret = "" // its stored credential is no client secret: nothing to hash
	}
	ctx := ctxOrBackground(e.ctx)
	rep := check.Run(ctx, reader.p, reader.secret, o.runOptions(tokenOnly), nil)
	newHistoryWriter(e).appendRun(reader.p, rep)
	if rep.Cancelled {
		return errInterrupted
	}
	out := recordOutput{ClientID: subject.ClientID, Instance: subject.Root(), Source: "api", host: subject.Host()}
	systemUser := ""
	var res check.RecordResult
	if rep.Access == nil {
		d := report.Build(rep, reader.p)
		d.Localize(lang.Localizer())
		d.Forget(reader.secret)
		fmt.Fprintf(e.stderr, lang.X("cli.record.trustedapp_check_record_got_no", "trustedapp-check record: %q got no token, so the record cannot be read:\n"), reader.p.Name)
		report.WriteText(e.stderr, d)
		out.Problem = fmt.Sprintf(lang.X("cli.record.no_token_read_record_got", "No token to read the record with (%q got none). Check the fields below by hand, or read them with another profile's token: --with READER."), reader.p.Name)
	} else {
		if rep.Claims != nil && reader.p.Name == subject.Name {
			systemUser = rep.Claims.SystemUser
		}
		out.ReadWith = fmt.Sprintf(lang.X("cli.record.token", "the token of %q"), reader.p.Name)
		if rep.Claims != nil && rep.Claims.SystemUser != "" {
			out.ReadWith += fmt.Sprintf(lang.X("cli.record.system_user", " (System User %s)"), rep.Claims.SystemUser)
		}
		// The reader's token reads with the reader's own settings (its OData root,
		// proxy and TLS), never the subject's: the credential gate refuses a token
		// with another profile's.
		res = check.ReadRecord(ctx, reader.p, rep.Access, subject.ClientID, check.Options{Timeout: o.callTimeout})
		out.Read = res.Record != nil
		out.Problem = res.Problem
	}
	// The advice: from the record, and from the token when it is the app's own.
	adviceIn := check.PrivilegeInput{Profile: subject, Record: res.Record, Now: time.Now()}
	if reader.p.Name == subject.Name {
		adviceIn = check.PrivilegeInputFor(subject, rep, res.Record)
	}
	return writeRecord(e, f.json, &out, subject, res, systemUser, subjectSecret, adviceIn)
}

// writeRecord judges the record res (read, or copied from the form) against subject
// and prints the checklist, with the advice from adviceIn; the exit code says whether
// a field must be fixed or the record was not read.
func writeRecord(e env, asJSON bool, out *recordOutput, subject profiles.Profile, res check.RecordResult, systemUser, subjectSecret string, adviceIn check.PrivilegeInput) error {
	bad := 0
	rows := check.RecordChecklist(subject, res.Record, systemUser)
	hashRow, cmp := check.SecretHashRow(res.Record, subjectSecret)
	rows = check.WithSecretHashRow(rows, hashRow)
	if res.Form != nil {
		rows = res.Form.Mark(rows)
		out.FormNotes = res.Form.Notes
	}
	out.SecretHash = cmp
	out.LeastPrivilege = report.FindingsIn(lang.Localizer(), check.LeastPrivilege(adviceIn))
	check.SortRecordChecks(rows)
	for _, c := range rows {
		out.Checks = append(out.Checks, recordCheck{Field: c.Field, Actual: c.Actual, Want: c.Want, State: string(c.State), Note: c.Note})
		if c.State == check.RecordBad {
			bad++
		}
	}
	if asJSON {
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		writeRecordText(e, *out, bad)
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
		return subject, reader, "", usageErr("%s", lang.X("cli.record.reads_on_reader_s_instance", "--with reads on READER's instance: give PROFILE or --client-id, not --instance"))
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
		return subject, reader, "", usageErr("%s", lang.X("cli.record.give_profile_client_id_not", "give PROFILE or --client-id, not both"))
	case len(o.names) == 1:
		s, err := openStore(f.store, nil)
		if err != nil {
			return subject, reader, "", err
		}
		if subject, err = s.Get(o.names[0]); err != nil {
			return subject, reader, "", envErr("%v", err)
		}
		if !strings.EqualFold(subject.Host(), reader.p.Host()) {
			return subject, reader, "", usageErr(lang.X("cli.record.on_but_on_token_only", "%q is on %s but %q is on %s: a token only reads records of its own instance"), subject.Name, subject.Host(), reader.p.Name, reader.p.Host())
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
	return subject, reader, "", usageErr("%s", lang.X("cli.record.name_profile_whose_record_read", "name the PROFILE whose record to read, or give --client-id ID"))
}

// recordStates are the checklist's row marks in the run's language, by state.
func recordStates() map[string]string {
	return map[string]string{"ok": lang.X("cli.record.state_ok", "OK"), "bad": lang.X("cli.record.state_fix", "FIX"),
		"warn": lang.X("cli.record.state_warn", "WARN"), "unknown": lang.X("cli.record.state_check", "CHECK")}
}

// writeRecordText prints the checklist; what the instance sent (the record's values,
// the System User) is shown with control characters escaped, so it cannot forge lines.
func writeRecordText(e env, out recordOutput, bad int) {
	l := safetext.Line
	fmt.Fprintf(e.stdout, lang.X("cli.record.trusted_app_record", "Trusted App record %s"), l(out.ClientID))
	if out.host != "" {
		fmt.Fprintf(e.stdout, lang.X("cli.record.on_host", " on %s"), l(out.host))
	}
	switch {
	case out.Source == "form":
		fmt.Fprintf(e.stdout, lang.X("cli.record.from", ", from %s"), formSourceIn(check.FormSource))
	case out.ReadWith != "":
		fmt.Fprintf(e.stdout, lang.X("cli.record.read", ", read with %s"), l(out.ReadWith))
	}
	fmt.Fprintln(e.stdout)
	if out.Problem != "" {
		fmt.Fprintf(e.stdout, "  %s\n", l(recordIn(out.Problem)))
	}
	for _, n := range out.FormNotes {
		fmt.Fprintf(e.stdout, "  "+lang.X("cli.note", "note: %s")+"\n", l(formNoteIn(n)))
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	states, width := recordStates(), 0
	for _, s := range states {
		width = max(width, i18n.Width(s))
	}
	unknown := 0
	for _, c := range out.Checks {
		if c.State == string(check.RecordUnknown) {
			unknown++
		}
		line := lang.X("cli.record.must_be", "must be: ") + recordIn(c.Want)
		if c.Note != "" {
			line += ". " + recordIn(c.Note)
		}
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\n", i18n.Pad(states[c.State], width), l(c.Field), l(recordIn(c.Actual)), l(line))
	}
	tw.Flush()
	switch {
	case !out.Read && out.Source == "form":
		fmt.Fprintln(e.stdout, lang.X("cli.record.form_not_read", "The form's values could not be read: CHECK rows say what each field must hold."))
	case !out.Read:
		fmt.Fprintln(e.stdout, lang.X("cli.record.record_was_not_read_check", "The record was not read: CHECK rows say what each field must hold."))
	case bad == 0 && unknown > 0:
		fmt.Fprintln(e.stdout, lang.X("cli.record.no_field_read_needs_fixing", "No field read needs fixing; CHECK rows could not be compared: check them by hand."))
	case bad == 0:
		fmt.Fprintln(e.stdout, lang.X("cli.record.every_field_client_credentials_needs", "Every field client credentials needs is right."))
	default:
		fmt.Fprintf(e.stdout, lang.XN("cli.record.fields_to_fix", "%d fields to fix.", bad)+"\n", bad)
	}
	report.WriteAdviceTextIn(lang.Localizer(), e.stdout, out.LeastPrivilege)
}
