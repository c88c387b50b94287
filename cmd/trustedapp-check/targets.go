package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// SecretEnv is the environment variable holding a client secret for ad-hoc checks.
const SecretEnv = "TRUSTEDAPP_SECRET"

// checkFlags are the flags shared by check, token and record.
type checkFlags struct {
	profileFields
	store                                                              string
	secretStdin, tokenStdin, json, strict, fresh, noAPI, all, progress bool
	reportFile, junitFile                                              string
	parallel                                                           int
	set                                                                map[string]bool
}

// newCheckFlagSet binds the flags of check (full) or of token and record to f.
func newCheckFlagSet(name string, f *checkFlags, full bool) *flag.FlagSet {
	fs := newFlagSet(name)
	fs.StringVar(&f.store, "store", "", "")
	f.profileFields.bind(fs, full)
	fs.BoolVar(&f.secretStdin, "secret-stdin", false, "")
	fs.BoolVar(&f.json, "json", false, "")
	fs.BoolVar(&f.fresh, "fresh", false, "")
	if full {
		fs.BoolVar(&f.strict, "strict", false, "")
		fs.BoolVar(&f.progress, "progress", false, "")
		fs.BoolVar(&f.noAPI, "no-api", false, "")
		fs.BoolVar(&f.all, "all", false, "")
		fs.IntVar(&f.parallel, "parallel", 4, "")
		fs.StringVar(&f.reportFile, "report", "", "")
		fs.StringVar(&f.junitFile, "junit", "", "")
		fs.BoolVar(&f.tokenStdin, "token-stdin", false, "")
	}
	return fs
}

// target is one profile to check, with its secret.
type target struct {
	p      profiles.Profile
	secret string
	err    error // the profile could not be prepared (missing secret ...)
}

// targetOptions is what check, token and record parse their command lines into: the
// streams, the flags they share and the PROFILE arguments.
type targetOptions struct {
	env
	checkFlags
	names       []string      // the PROFILE arguments
	callTimeout time.Duration // --timeout (0: the profile's own)
}

// parse reads o.args into o through fs (newCheckFlagSet over o.checkFlags); help is
// what --help prints, usage what follows a flag that does not parse ("" for the hint).
func (o *targetOptions) parse(fs *flag.FlagSet, help, usage string) error {
	names, err := parseArgs(fs, o.args, help, usage)
	if err != nil {
		return err
	}
	o.names, o.set = names, givenFlags(fs)
	o.callTimeout, err = o.timeoutOf()
	return err
}

// reach is how far a run from the command line goes.
type reach int

const (
	everyStep reach = iota // check: every step, the API calls included
	upToToken              // check --no-api: stop once the token is inspected
	tokenOnly              // token, record: discovery, the token and its inspection
)

// runOptions are the engine's options for a run of o's. The engine's switches for how
// far a run goes are set here, and by package fleet for a profile whose Trusted App's
// session another profile of the batch holds, nowhere else.
func (o *targetOptions) runOptions(r reach) check.Options {
	opts := check.Options{Fresh: o.fresh, Timeout: o.callTimeout, Cache: newTokenCache()}
	switch r {
	case upToToken:
		opts.Mode = check.NoAPI
	case tokenOnly:
		opts.Mode = check.TokenOnly
	}
	return opts
}

// newTokenCache is the token cache of one CLI process: the system keychain, so later
// runs reuse a token and its ERP.net session (tests replace it).
var newTokenCache = func() *check.TokenCache { return check.NewVaultTokenCache(profiles.TokenKeychain{}) }

// applyFlags builds or overrides a profile from the profile-field flags.
func (f *checkFlags) applyFlags(p *profiles.Profile) error { return f.profileFields.apply(p, f.set) }

// timeoutOf parses --timeout (a duration, or whole seconds).
func (f *checkFlags) timeoutOf() (time.Duration, error) { return f.profileFields.timeoutFlag(f.set) }

// openStore opens the profile store. A damaged one restored from its backup opens
// with a warning on warn, and one with a notice (profiles.Store.Notice) with a note;
// nil warn says nothing.
func openStore(path string, warn io.Writer) (*profiles.Store, error) {
	s, err := profiles.Open(path)
	var ce *profiles.CorruptError
	switch {
	case errors.As(err, &ce) && s != nil:
		if warn != nil {
			fmt.Fprintf(warn, "warning: %v\n", err)
		}
	case err != nil:
		return nil, envErr("%v", err)
	case s.Notice() != "" && warn != nil:
		fmt.Fprintf(warn, "note: %s\n", s.Notice())
	}
	return s, nil
}

// resolveTargets turns the command line into the profiles to check.
func resolveTargets(e env, f *checkFlags, pos []string) ([]target, error) {
	if len(pos) > 1 {
		return nil, usageErr("give one profile name (or --all); got %d: %s", len(pos), strings.Join(pos, " "))
	}
	if f.all {
		if len(pos) > 0 || f.set["instance"] {
			return nil, usageErr("--all checks every stored profile: give no PROFILE and no --instance")
		}
		if f.secretStdin {
			return nil, usageErr("--all reads each profile's secret from the keychain; --secret-stdin is for one profile")
		}
		if f.tokenStdin {
			return nil, usageErr("--token-stdin inspects one token: give one PROFILE (or --instance), not --all")
		}
		s, err := openStore(f.store, nil)
		if err != nil {
			return nil, err
		}
		list := s.List()
		if len(list) == 0 {
			return nil, envErr("the profile store %s has no profiles; add one with 'trustedapp-check profiles add'", s.Path())
		}
		secrets := newSecrets()
		var out []target
		for _, p := range list {
			if err := f.applyFlags(&p); err != nil {
				return nil, err
			}
			sec, err := secrets.Get(p.Name)
			t := target{p: p, secret: sec}
			if err != nil {
				t.err = fmt.Errorf("profile %q: %v", p.Name, err)
			}
			out = append(out, t)
		}
		return out, nil
	}
	var p profiles.Profile
	var secret string
	switch {
	case len(pos) == 1:
		s, err := openStore(f.store, nil)
		if err != nil {
			return nil, err
		}
		p, err = s.Get(pos[0])
		if err != nil {
			if errors.Is(err, profiles.ErrNotFound) {
				return nil, envErr("%v (see 'trustedapp-check profiles list', or check without a profile: --instance URL --client-id ID)", err)
			}
			return nil, envErr("%v", err)
		}
	case f.set["instance"]:
		p.Name = "ad-hoc"
		if !f.set["client-id"] || strings.TrimSpace(f.clientID) == "" {
			return nil, usageErr("--client-id is required with --instance: the Trusted App's ApplicationUri")
		}
		if u, err := url.Parse(strings.TrimSpace(f.instance)); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, usageErr("--instance %q: give the instance root with its scheme, e.g. https://acme.my.erp.net", f.instance)
		}
	default:
		return nil, usageErr("name a stored PROFILE, or give --instance URL --client-id ID (or --all)")
	}
	if err := f.applyFlags(&p); err != nil {
		return nil, err
	}
	switch {
	case f.tokenStdin:
		if f.secretStdin {
			return nil, usageErr("--token-stdin and --secret-stdin both read stdin: a supplied token needs no secret")
		}
		secret = "" // the token is supplied: nothing is requested
	case f.secretStdin:
		s, err := readStdinSecret(e.stdin)
		if err != nil {
			return nil, err
		}
		secret = s
		p.SecretFor = nil // given now for this profile as it is, not the keychain's
	case os.Getenv(SecretEnv) != "":
		secret = os.Getenv(SecretEnv)
		p.SecretFor = nil
	case len(pos) == 1:
		s, err := newSecrets().Get(p.Name)
		if err != nil {
			return nil, envErr("%v", err)
		}
		secret = s
	default:
		return nil, usageErr("no client secret: set %s or pipe it with --secret-stdin (never as an argument)", SecretEnv)
	}
	return []target{{p: p, secret: secret}}, nil
}
