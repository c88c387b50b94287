package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"trustedapp-tester/internal/shellquote"
	"trustedapp-tester/profiles"
)

// profiles add, edit, rm, rename and duplicate.

// profileFlags are the profile-field flags (shared with check) plus the ones only a
// stored profile has.
type profileFlags struct {
	profileFields
	fs          *flag.FlagSet
	env, notes  string
	clearCalls  bool
	unconfirm   repeated // --unconfirm-host
	moveSecrets bool     // --move-secrets
}

func bindProfileFlags(fs *flag.FlagSet, edit bool) *profileFlags {
	f := &profileFlags{fs: fs}
	f.profileFields.bind(fs, true)
	fs.StringVar(&f.env, "env", "", "environment label")
	fs.StringVar(&f.notes, "notes", "", "notes")
	if edit {
		fs.BoolVar(&f.clearCalls, "clear-calls", false, "go back to the default API calls")
		fs.Var(&f.unconfirm, "unconfirm-host", "stop sending the access token to a confirmed host (repeatable)")
		fs.BoolVar(&f.moveSecrets, "move-secrets", false, "let the stored client secret follow the profile to the hosts it names now")
	}
	return f
}

// apply sets the given flags on p; a malformed value is a usage error.
func (f *profileFlags) apply(p *profiles.Profile) error {
	set := givenFlags(f.fs)
	if err := f.profileFields.apply(p, set); err != nil {
		return err
	}
	d, err := f.timeoutFlag(set)
	if err != nil {
		return err
	}
	if set["timeout"] {
		if d%time.Second != 0 {
			return usageErr("--timeout %q: a profile keeps whole seconds: use e.g. %ds", f.timeout, int((d+time.Second-1)/time.Second))
		}
		p.TimeoutSeconds = int(d / time.Second)
	}
	if set["env"] {
		p.Environment = f.env
	}
	if set["notes"] {
		p.Notes = f.notes
	}
	if set["clear-calls"] && f.clearCalls {
		p.Calls = nil
	}
	for _, h := range f.unconfirm {
		removed, err := profiles.UnconfirmHost(p, h)
		if err != nil {
			return usageErr("--unconfirm-host %q: %v", h, err)
		}
		if !removed {
			return usageErr("--unconfirm-host %q: the profile does not confirm that host (it confirms: %s)", h, orNoneList(p.ConfirmedHosts))
		}
	}
	return nil
}

func orNoneList(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// editOptions is what add and edit parse their command lines into.
type editOptions struct {
	storeOptions
	fields *profileFlags
	name   string
}

// parseFields parses the command line of add or edit (sub): NAME and profile flags.
func parseFields(e env, sub, usage string) (*editOptions, *flag.FlagSet, error) {
	o := &editOptions{storeOptions: storeOptions{env: e}}
	fs := o.flags(sub)
	o.fields = bindProfileFlags(fs, sub == "edit")
	var err error
	o.name, err = o.parseName(fs, usage)
	return o, fs, err
}

func parseAdd(e env) (*editOptions, error) {
	o, _, err := parseFields(e, "add", "add NAME --instance URL --client-id ID [profile flags]")
	return o, err
}

func addRun(o *editOptions) error {
	p := profiles.Profile{Name: o.name}
	if err := o.fields.apply(&p); err != nil {
		return err
	}
	s, err := o.open()
	if err != nil {
		return err
	}
	if err := validated(o.env, p, s.List(), "The profile was not added."); err != nil {
		return err
	}
	if err := s.Add(p); err != nil {
		return storeErr(err)
	}
	fmt.Fprintf(o.stdout, "Added profile %q to %s.\nSet its secret: trustedapp-check profiles set-secret %s\n", p.Name, s.Path(), shellquote.Quote(p.Name))
	return nil
}

// validated prints p's problems among others on stderr (warnings do not stop it) and
// refuses p when one is an error, saying refused.
func validated(e env, p profiles.Profile, others []profiles.Profile, refused string) error {
	problems := profiles.Validate(p, others)
	fmt.Fprint(e.stderr, problemLines(problems))
	if profiles.HasErrors(problems) {
		return &cliError{code: exitUsage, detail: refused + "\n"}
	}
	return nil
}

func parseEdit(e env) (*editOptions, error) {
	o, fs, err := parseFields(e, "edit", "edit NAME [profile flags]")
	if err != nil {
		return nil, err
	}
	changed := 0
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "store" {
			changed++
		}
	})
	if changed == 0 {
		return nil, usageErr("edit: give at least one profile flag to change, e.g. --scope \"read update\" (see 'trustedapp-check profiles --help')")
	}
	return o, nil
}

func editRun(o *editOptions) error {
	s, p, err := o.openProfile(o.name)
	if err != nil {
		return err
	}
	old := p.Name
	before := profiles.SecretBinding(p, profiles.Profile{}) // where its secret goes now
	if err := o.fields.apply(&p); err != nil {
		return err
	}
	var others []profiles.Profile
	for _, q := range s.List() {
		if q.Name != old {
			others = append(others, q)
		}
	}
	if err := validated(o.env, p, others, "The profile was not changed."); err != nil {
		return err
	}
	if o.fields.moveSecrets && !p.SecretSetAt.IsZero() {
		p.SecretFor = profiles.SecretOrigins(p) // the user's explicit choice
	}
	if err := s.Update(old, p); err != nil {
		return storeErr(err)
	}
	fmt.Fprintf(o.stdout, "Updated profile %q.\n", p.Name)
	saved, err := s.Get(p.Name)
	if err != nil {
		return nil
	}
	writeSecretPlace(o.stdout, saved, before, o.fields.moveSecrets)
	return nil
}

// writeSecretPlace says where the client secret of p (as saved) goes after an edit:
// moved with --move-secrets, or staying with the hosts it was stored for when the
// profile now names others. before is what it belonged to before the edit.
func writeSecretPlace(w io.Writer, p profiles.Profile, before []string, moved bool) {
	if p.SecretSetAt.IsZero() {
		if moved {
			fmt.Fprintf(w, "%s has no stored client secret: --move-secrets had nothing to move.\n", strconv.Quote(p.Name))
		}
		return
	}
	if from, to, elsewhere := profiles.SecretMoved(p); elsewhere {
		fmt.Fprintf(w, "The client secret of %s was stored for %s and stays with it: it is not sent to %s.\nTo let it follow: trustedapp-check profiles edit %s --move-secrets (or set it again: profiles set-secret %s).\n",
			strconv.Quote(p.Name), strings.Join(from, ", "), strings.Join(to, ", "), shellquote.Quote(p.Name), shellquote.Quote(p.Name))
		return
	}
	if moved && len(before) > 0 && !slices.Equal(before, p.SecretFor) {
		fmt.Fprintf(w, "The client secret of %s now goes to %s (it was stored for %s).\n", strconv.Quote(p.Name), strings.Join(p.SecretFor, ", "), strings.Join(before, ", "))
	}
}

// rmOptions is what rm parses its command line into: one NAME, or --sandbox.
type rmOptions struct {
	storeOptions
	sandbox bool
	name    string
}

func parseRm(e env) (*rmOptions, error) {
	o := &rmOptions{storeOptions: storeOptions{env: e}}
	fs := o.flags("rm")
	fs.BoolVar(&o.sandbox, "sandbox", false, "delete every sandbox profile (and its secret) instead of one NAME")
	pos, err := o.parse(fs, 0, 1, "rm NAME|--sandbox [--store FILE]")
	if err != nil {
		return nil, err
	}
	if o.sandbox == (len(pos) == 1) {
		return nil, usageErr("give either one profile NAME or --sandbox (usage: rm NAME|--sandbox [--store FILE])")
	}
	if len(pos) == 1 {
		o.name = pos[0]
	}
	return o, nil
}

func rmRun(o *rmOptions) error {
	if o.sandbox {
		return o.rmSandbox()
	}
	p, err := o.onProfile(o.name, profiles.DeleteProfile)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "Deleted profile %q and its secret.\n", p.Name)
	return nil
}

// rmSandbox deletes the profiles the app's demo mode added (marked sandbox), leaving
// the user's own profiles alone. A keychain that cannot be used does not stop it: each
// profile is deleted, and the secrets that may be left behind are listed at the end
// (exit 3). A store that refuses a change stops it.
func (o *rmOptions) rmSandbox() error {
	s, err := o.open()
	if err != nil {
		return err
	}
	sec := newSecrets()
	removed := 0
	var left []string // deleted profiles whose secrets the keychain could not remove
	var why error     // the first reason it gave
	var stop error    // what the store refused
	for _, p := range s.List() {
		if !p.Sandbox {
			continue
		}
		err := profiles.DeleteProfile(s, sec, p.Name)
		var saved *profiles.SavedError
		if errors.As(err, &saved) {
			left = append(left, p.Name)
			if why == nil {
				why = errors.Unwrap(saved.Err)
			}
			err = nil
		}
		if err != nil {
			stop = storeErr(err)
			break
		}
		removed++
	}
	switch {
	case stop != nil:
		if removed > 0 {
			fmt.Fprintf(o.stdout, "Deleted %d sandbox profiles before the error.\n", removed)
		}
	case removed == 0:
		fmt.Fprintln(o.stdout, "No sandbox profiles to delete.")
	case len(left) > 0:
		fmt.Fprintf(o.stdout, "Deleted %d sandbox profiles; your own profiles are unchanged.\n", removed)
	default:
		fmt.Fprintf(o.stdout, "Deleted %d sandbox profiles and their secrets; your own profiles are unchanged.\n", removed)
	}
	return errors.Join(secretsLeft(left, why), stop)
}

// secretsLeft says which deleted profiles' secrets the keychain could not remove, and
// how to remove them by hand; nil when none.
func secretsLeft(names []string, why error) error {
	if len(names) == 0 {
		return nil
	}
	what, them := "the secrets of these deleted sandbox profiles", "them"
	if len(names) == 1 {
		what, them = "the secret of this deleted sandbox profile", "it"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Remove %s by hand once the keychain works (service %q):\n", them, profiles.KeyringService)
	for _, n := range names {
		fmt.Fprintf(&b, "  account %q\n", n)
	}
	return &cliError{code: exitEnvironment, msg: fmt.Sprintf("the keychain could not be used, so %s may still be in it: %v", what, why), detail: b.String()}
}

func renameRun(o *namesOptions) error {
	s, err := o.open()
	if err != nil {
		return err
	}
	if err := profiles.RenameProfile(s, newSecrets(), o.names[0], o.names[1]); err != nil {
		return storeErr(err)
	}
	fmt.Fprintf(o.stdout, "Renamed profile %q to %q (its secret moved with it).\n", o.names[0], o.names[1])
	return nil
}

func duplicateRun(o *namesOptions) error {
	s, err := o.open()
	if err != nil {
		return err
	}
	p, _, err := profiles.DuplicateProfile(s, newSecrets(), o.names[0], o.names[1], time.Now())
	if err != nil && p.Name == "" {
		return storeErr(err)
	}
	fmt.Fprintf(o.stdout, "Created profile %q as a copy of %q.\n", p.Name, o.names[0])
	if err != nil {
		return storeErr(err)
	}
	return nil
}
