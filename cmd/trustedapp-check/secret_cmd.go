package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/atomicfile"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

const secretUsage = `Usage:
  trustedapp-check secret new [--profile NAME [--replace]] [--json] [--export FILE]
  trustedapp-check secret hash [--profile NAME] [--json]
  trustedapp-check secret export --profile NAME [--json]

secret new     makes a strong client secret (40 letters and digits from the system's
               cryptographic random source) and shows it once, with its hash. With
               --profile it is stored in the system keychain for that profile (an
               existing secret is only replaced with --replace: the old one is lost).
               Then it lists the values to enter in the Trusted App record:
               ApplicationUri, ClientType Confidential, ApplicationSecretHash,
               SystemUserAllowed true, a dedicated System User of type
               ApplicationUserNoLogin, the narrowest Scope for what the profile's
               calls do, IsEnabled, ReferenceTokens None, Basic authentication off.
               --export FILE also writes those values WITHOUT the secret (only its
               hash) for a support ticket: JSON when FILE ends in .json, else text.
secret hash    prints ApplicationSecretHash, base64(SHA-256(secret)), of a secret read
               from stdin (one trailing line break removed, as set-secret does) or a
               no-echo prompt on a terminal; with --profile, of the profile's stored
               secret. The secret never leaves this computer.
secret export  prints the record values of a profile (with the hash of its stored
               secret, never the secret) for a support ticket.

Flags:
  --profile NAME   the stored profile (its client_id, calls and keychain entry)
  --store FILE     profile store (default: $TRUSTEDAPP_STORE or the user config directory)
  --replace        with new --profile: replace the profile's existing secret
  --json           print JSON (new: includes the secret, shown once; export and
                   hash: never the secret)
  --export FILE    with new: also write the record values, without the secret

Exit codes: 0 done, 2 usage error, 3 store, profile, secret or keychain problem.
`

const secretHint = "Run 'trustedapp-check secret --help' for the usage.\n"

// runSecret runs secret new, hash or export; each is named "secret SUB" in its
// messages.
func runSecret(e env) int {
	sub := func(name string, run func(*secretOptions) error) command {
		return command{name: name, run: leaf("secret "+name, secretHint, parseSecret(name), run)}
	}
	return group{usage: secretUsage, cmds: []command{sub("new", secretNew), sub("hash", secretHash), sub("export", secretExport)},
		unknown: func(e env, name string) int {
			return fail(e, "secret "+name, secretHint, usageErr("unknown subcommand %q: use new, hash or export", name))
		}}.run(e)
}

// secretOptions is what secret new, hash and export parse their command lines into.
type secretOptions struct {
	env
	profile, store string
	json           bool
	replace        bool   // new only
	export         string // new only
}

func parseSecret(sub string) func(e env) (*secretOptions, error) {
	return func(e env) (*secretOptions, error) {
		o := &secretOptions{env: e}
		fs := newFlagSet("secret " + sub)
		fs.StringVar(&o.profile, "profile", "", "")
		fs.StringVar(&o.store, "store", "", "")
		fs.BoolVar(&o.json, "json", false, "")
		if sub == "new" {
			fs.BoolVar(&o.replace, "replace", false, "")
			fs.StringVar(&o.export, "export", "", "")
		}
		pos, err := parseArgs(fs, e.args, secretUsage, "")
		if err != nil {
			return nil, err
		}
		if len(pos) > 0 {
			return nil, usageErr("unexpected argument %q: name the profile with --profile NAME; a secret is never an argument (it would stay in shell history and the process list)", pos[0])
		}
		return o, nil
	}
}

// storedProfile opens the store and returns the named profile.
func storedProfile(store, name string) (*profiles.Store, profiles.Profile, error) {
	s, err := openStore(store, nil)
	if err != nil {
		return nil, profiles.Profile{}, err
	}
	p, err := s.Get(name)
	if err != nil {
		return nil, profiles.Profile{}, envErr("%v (see 'trustedapp-check profiles list')", err)
	}
	return s, p, nil
}

// newSecretOutput is what secret new --json prints: the secret, shown once.
type newSecretOutput struct {
	Secret string `json:"secret"`
	// StoredFor is the profile whose keychain entry now holds the secret ("" when it
	// was not stored: copy it now).
	StoredFor string         `json:"stored_for,omitempty"`
	Setup     check.AppSetup `json:"setup"`
}

func secretNew(o *secretOptions) error {
	name, export := o.profile, o.export
	var p profiles.Profile
	var st *profiles.Store
	secrets := newSecrets()
	if name != "" {
		var err error
		if st, p, err = storedProfile(o.store, name); err != nil {
			return err
		}
		_, err = secrets.Get(p.Name)
		switch {
		case err == nil && !o.replace:
			return usageErr("profile %q already has a secret in the keychain; --replace makes a new one and the old one is lost (the Trusted App accepts the old one until its ApplicationSecretHash changes)", p.Name)
		case err != nil && !errors.Is(err, profiles.ErrSecretNotSet):
			return envErr("%v", err)
		}
	} else if o.replace {
		return usageErr("--replace replaces a profile's secret: give --profile NAME")
	}
	secret, err := check.NewClientSecret()
	if err != nil {
		return envErr("%v", err)
	}
	setup := check.NewAppSetup(p, check.ApplicationSecretHash(secret))
	// The export is written beside its place first and moved there only once the
	// secret is stored: a file that cannot be written leaves the keychain untouched,
	// and a keychain that refuses leaves no export of a secret nobody has.
	commit, abort := func() error { return nil }, func() {}
	if export != "" {
		if commit, abort, err = stageSetupFile(export, setup); err != nil {
			return err
		}
	}
	if st != nil {
		err := profiles.SetProfileSecret(st, secrets, p.Name, secret, time.Now())
		if err != nil {
			abort()
		}
		var ku *profiles.KeyringUnavailableError
		if errors.As(err, &ku) {
			return envErr("%v The command line cannot keep a session-only secret between commands; no secret was stored or shown.", err)
		}
		if err != nil {
			return envErr("%v (no secret was stored or shown)", err)
		}
	}
	if err := commit(); err != nil {
		// The secret is stored: show it anyway, and say the export is missing.
		fmt.Fprintf(o.stderr, "warning: %v; the secret was made and is shown below\n", err)
		export = ""
	}
	if o.json {
		out := newSecretOutput{Secret: secret, Setup: setup}
		if st != nil {
			out.StoredFor = p.Name
		}
		return writeJSONOut(o.env, out)
	}
	var b bytes.Buffer
	if st != nil {
		fmt.Fprintf(&b, "New client secret for %q, stored in the system keychain (shown only this once):\n", safetext.Line(p.Name))
	} else {
		b.WriteString("New client secret (shown only this once and stored nowhere: copy it now, e.g. into 'trustedapp-check profiles set-secret NAME'):\n")
	}
	fmt.Fprintf(&b, "\n  %s\n\nApplicationSecretHash: %s\n\n", secret, setup.ApplicationSecretHash)
	report.WriteSetupText(&b, setup)
	if export != "" {
		fmt.Fprintf(&b, "\nWrote these values, without the secret, to %s.\n", export)
	}
	_, err = o.stdout.Write(b.Bytes())
	secret = ""
	if err != nil {
		return envErr("cannot write the output: %v", err)
	}
	return nil
}

func secretHash(o *secretOptions) error {
	name := o.profile
	var secret string
	if name != "" {
		_, p, err := storedProfile(o.store, name)
		if err != nil {
			return err
		}
		if secret, err = newSecrets().Get(p.Name); err != nil {
			return envErr("%v", err)
		}
	} else {
		s, err := readSecretInput(o.env, "Secret to hash (input hidden): ", "trustedapp-check secret hash < secret.txt")
		if err != nil {
			return usageErr("%v", err)
		}
		secret = s
	}
	if strings.TrimSpace(secret) != secret {
		fmt.Fprintln(o.stderr, "warning: the secret starts or ends with a space or line break; the hash includes it. If that is not part of the secret, hash it again without.")
	}
	h := check.ApplicationSecretHash(secret)
	secret = ""
	if o.json {
		return writeJSONOut(o.env, map[string]string{"application_secret_hash": h})
	}
	fmt.Fprintln(o.stdout, h)
	return nil
}

func secretExport(o *secretOptions) error {
	name := o.profile
	if name == "" {
		return usageErr("name the profile: --profile NAME (its stored secret is hashed; the secret itself is never exported)")
	}
	_, p, err := storedProfile(o.store, name)
	if err != nil {
		return err
	}
	secret, err := newSecrets().Get(p.Name)
	if err != nil {
		return envErr("%v", err)
	}
	setup := check.NewAppSetup(p, check.ApplicationSecretHash(secret))
	secret = ""
	if o.json {
		return writeJSONOut(o.env, setup)
	}
	if err := report.WriteSetupText(o.stdout, setup); err != nil {
		return envErr("cannot write the output: %v", err)
	}
	return nil
}

// writeJSONOut prints v as indented JSON, with <, > and & as they are.
func writeJSONOut(e env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return envErr("cannot write JSON: %v", err)
	}
	return nil
}

// stageSetupFile writes the record values, without the secret, to a temporary file
// beside path (JSON when path ends in .json, else text), readable by its owner only
// like the reports (it names the Trusted App and its System User); commit moves it
// into place, abort removes it.
func stageSetupFile(path string, s check.AppSetup) (commit func() error, abort func(), err error) {
	write := report.WriteSetupText
	if strings.EqualFold(filepath.Ext(path), ".json") {
		write = report.WriteSetupJSON
	}
	st, err := atomicfile.Stage(path, 0o600, func(w io.Writer) error { return write(w, s) })
	if err != nil {
		return nil, nil, envErr("cannot write %s: %v (no secret was made)", path, err)
	}
	commit = func() error {
		if err := st.Commit(); err != nil {
			return fmt.Errorf("cannot write %s: %v", path, err)
		}
		return nil
	}
	return commit, st.Abort, nil
}
