package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// record --from-form: the checklist on the values an administrator copied from the
// Trusted App's form in ERP.net, for an instance whose API will not show the record.
// No token is requested and nothing goes on the network; the profile's secret (when
// there is one) is only hashed, to compare with the form's ApplicationSecretHash.

func recordFormRun(o *recordOptions) error {
	e, f := o.env, &o.checkFlags
	switch {
	case o.with != "":
		return usageErr("%s", lang.X("cli.record_form.no_with", "--from-form checks the values copied from the form: no token reads them, so give no --with"))
	case strings.TrimSpace(o.fromForm) == "":
		return usageErr("%s", lang.X("cli.record_form.needs_file", "--from-form needs a FILE holding the values copied from the Trusted App's form, or - for stdin"))
	case o.fromForm == "-" && f.secretStdin:
		return usageErr("%s", lang.X("cli.record_form.both_stdin", "--from-form - and --secret-stdin both read stdin: put the form's values in a file"))
	}
	subject, secret, err := o.formSubject()
	if err != nil {
		return err
	}
	text, err := readFormText(e.stdin, o.fromForm)
	if err != nil {
		return err
	}
	res := check.ReadRecordForm(text)
	out := recordOutput{ClientID: subject.ClientID, Instance: subject.Root(), Source: "form", ReadWith: check.FormSource,
		Read: res.Record != nil, Problem: res.Problem, host: subject.Host()}
	adviceIn := check.PrivilegeInput{Profile: subject, Record: res.Record, Now: time.Now()}
	return writeRecord(e, f.json, &out, subject, res, "", secret, adviceIn)
}

// formSubject is the profile whose record the form shows (PROFILE, or --client-id
// with the other profile flags), with its secret when one is at hand: --secret-stdin,
// TRUSTEDAPP_SECRET, or the keychain for a stored profile. Without one the hash row
// says what the form must show.
func (o *recordOptions) formSubject() (profiles.Profile, string, error) {
	e, f := o.env, &o.checkFlags
	var p profiles.Profile
	switch {
	case len(o.names) > 1:
		return p, "", usageErr(lang.X("cli.record_form.one_profile", "give one PROFILE; got %d: %s"), len(o.names), strings.Join(o.names, " "))
	case len(o.names) == 1:
		s, err := openStore(f.store, nil)
		if err != nil {
			return p, "", err
		}
		if p, err = s.Get(o.names[0]); err != nil {
			return p, "", envErr("%v", err)
		}
	case f.set["client-id"] && strings.TrimSpace(f.clientID) != "":
		p.Name = "ad-hoc"
	default:
		return p, "", usageErr("%s", lang.X("cli.record_form.no_subject", "name the PROFILE whose record the form shows, or give --client-id ID"))
	}
	if err := f.applyFlags(&p); err != nil {
		return p, "", err
	}
	switch {
	case f.secretStdin:
		s, err := readStdinSecret(e.stdin)
		return p, s, err
	case os.Getenv(SecretEnv) != "":
		return p, os.Getenv(SecretEnv), nil
	case len(o.names) == 1:
		s, err := newSecrets().Get(p.Name)
		switch {
		case errors.Is(err, profiles.ErrSecretNotSet):
			return p, "", nil
		case err != nil:
			fmt.Fprintf(e.stderr, lang.X("cli.record_form.no_secret", "warning: %s did not give the secret of %q (%v): ApplicationSecretHash is not compared\n"), keychain(), p.Name, err)
			return p, "", nil
		}
		return p, s, nil
	}
	return p, "", nil
}

// readFormText reads the form's values from file, or stdin for "-".
func readFormText(stdin io.Reader, file string) (string, error) {
	if file == "-" {
		b, err := readStdin(stdin, "--from-form -", lang.X("cli.record_form.what", "the values copied from the Trusted App's form"), check.MaxRecordForm+1)
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
	fh, err := os.Open(file)
	if err != nil {
		return "", envErr("--from-form: %v", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, check.MaxRecordForm+1))
	if err != nil {
		return "", envErr(lang.X("cli.record_form.cannot_read", "--from-form: cannot read %s: %v"), file, err)
	}
	return string(b), nil
}
