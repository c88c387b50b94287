package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
)

var profilesUsage = withMethods(`Usage: trustedapp-check profiles <subcommand> [flags] [arguments]

Subcommands:
  list                      list the profiles (--json for JSON)
  show NAME                 show a profile, its derived URLs and secret status (--json)
  add NAME [profile flags]  add a profile
  edit NAME [profile flags] change the given fields of a profile
  rm NAME                   delete a profile and its secret
  rm --sandbox              delete every profile made for the built-in sandbox
  rename OLD NEW            rename a profile (its secret moves with it)
  duplicate NAME NEW        copy a profile (and its secret)
  import FILE|-             import a bundle [--on-conflict skip|rename|replace
                            [--move-secrets]]; lists the security-relevant settings
                            it brought in, what a replacement changes and the
                            profiles that still need a secret
  import --csv FILE|-       import profiles from a CSV file (a .csv FILE implies
                            --csv): a header row naming the columns name,
                            instance, client_id (required), scopes, env, tags;
                            separated by commas, semicolons or tabs; no secrets
  recover [FILE]            bring back the profiles that still parse in a damaged
                            store file set aside (default: the newest beside the store)
  export [NAME...]          export profiles (all when no name) [-o FILE]; never secrets
  set-secret NAME           store the client secret in the system keychain, read
                            from stdin or a no-echo prompt (never an argument)
  rm-secret NAME            remove the client secret from the keychain

Every subcommand takes --store FILE (default: $TRUSTEDAPP_STORE, else the user
config directory, shared with the desktop app).

Profile flags (add, edit):
  --instance URL            instance root, e.g. https://acme.my.erp.net
  --client-id ID            the Trusted App's ApplicationUri
  --scope "read update"     requested scopes (space or comma separated; "" for none)
  --auth post|basic         client authentication: form body (default) or HTTP Basic
  --env TEXT                environment label: Production, Test, Sandbox, ...
  --authority URL           authority override (default {instance}/id)
  --token-endpoint URL      token endpoint override (default: from discovery)
  --odata-root URL          OData root override (default {instance}/api/domain/odata/)
  --ca-file FILE            extra CA certificates (PEM)
  --insecure-skip-verify    turn certificate verification OFF (dangerous)
  --proxy URL               explicit proxy (default: HTTPS_PROXY etc.)
  --timeout 30s             per-call timeout, whole seconds (at most 600s; 0: default)
  --notes TEXT              free text
  --call "GET /path [BODY]" an API call to run after the token (repeatable;
                            replaces the list; edit --clear-calls for the defaults);
                            methods: {methods}
  --confirm-host URL        a host besides the instance the access token may go to,
                            where the instance runs its Domain or Table API
                            (repeatable; edit --unconfirm-host URL removes one)
  --move-secrets            (edit) let the stored client secret follow the profile
                            to the hosts it names now; without it, a secret stays
                            with the hosts it was stored for and is not sent elsewhere

Flags may come before or after the arguments; after -- every argument is a name.

Exit codes: 0 ok, 2 usage or validation error, 3 store or keychain problem
(including another window or command holding the store's lock for over 10s).
`)

// profilesCommands are the profiles subcommands: list and show (profiles_show.go);
// add, edit, rm, rename and duplicate (profiles_edit.go); import, export and recover
// (profiles_transfer.go); set-secret and rm-secret (profiles_secret.go).
func profilesCommands() []command {
	return []command{
		{name: "list", aliases: []string{"ls"}, run: profilesLeaf(parseList, listRun)},
		{name: "show", run: profilesLeaf(parseShow, showRun)},
		{name: "add", run: profilesLeaf(parseAdd, addRun)},
		{name: "edit", run: profilesLeaf(parseEdit, editRun)},
		{name: "rm", aliases: []string{"remove", "delete"}, run: profilesLeaf(parseRm, rmRun)},
		{name: "rename", run: profilesLeaf(parseNames("rename", 2, 2, "rename OLD NEW [--store FILE]"), renameRun)},
		{name: "duplicate", run: profilesLeaf(parseNames("duplicate", 2, 2, "duplicate NAME NEW [--store FILE]"), duplicateRun)},
		{name: "import", run: profilesLeaf(parseImport, importRun)},
		{name: "recover", run: profilesLeaf(parseNames("recover", 0, 1, "recover [DAMAGED-FILE] [--store FILE]"), recoverRun)},
		{name: "export", run: profilesLeaf(parseExport, exportRun)},
		{name: "set-secret", run: profilesLeaf(parseSetSecret, setSecretRun)},
		{name: "rm-secret", run: profilesLeaf(parseNames("rm-secret", 1, 1, "rm-secret NAME [--store FILE]"), rmSecretRun)},
	}
}

func runProfiles(e env) int {
	return group{usage: profilesUsage, cmds: profilesCommands(), unknown: func(e env, name string) int {
		return fail(e, "profiles", "", withUsage(profilesUsage, fmt.Errorf("unknown subcommand %q", name)))
	}}.run(e)
}

// profilesLeaf is a profiles subcommand: named "profiles" in its messages, with no
// hint after a usage error.
func profilesLeaf[O any](parse func(env) (O, error), run func(O) error) func(env) int {
	return leaf("profiles", "", parse, run)
}

// newSecrets is the keychain the CLI uses (tests keep the default over keyring.MockInit).
var newSecrets = profiles.NewSecrets

// storeOptions is what every profiles subcommand's options start from: the streams
// and --store.
type storeOptions struct {
	env
	store string
}

// flags returns the flag set of the subcommand name, with --store. Unlike the other
// commands' flag sets it prints: the flag package explains a flag it cannot parse, and
// -h, with the subcommand's flags on stderr.
func (o *storeOptions) flags(name string) *flag.FlagSet {
	fs := newFlagSet("profiles " + name)
	fs.SetOutput(o.stderr)
	fs.StringVar(&o.store, "store", "", "profile store `FILE` (default: $TRUSTEDAPP_STORE or the user config directory)")
	return fs
}

// parse parses the command line with fs (flags before, between or after the arguments;
// every argument after "--" is one) and checks that it has min to max arguments (max
// -1: any number); usage is the subcommand's usage line.
func (o *storeOptions) parse(fs *flag.FlagSet, min, max int, usage string) ([]string, error) {
	pos, err := parseInterleaved(fs, o.args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil, helpText("") // the flag package has printed the flags
	case err != nil:
		return nil, exitWith(exitUsage) // ... and what was wrong
	case len(pos) < min || (max >= 0 && len(pos) > max):
		return nil, usageErr("usage: trustedapp-check profiles %s", usage)
	}
	return pos, nil
}

// parseName is parse for a subcommand that takes one NAME.
func (o *storeOptions) parseName(fs *flag.FlagSet, usage string) (string, error) {
	pos, err := o.parse(fs, 1, 1, usage)
	if err != nil {
		return "", err
	}
	return pos[0], nil
}

// namesOptions is the options of a subcommand that takes names and no flags of its
// own (rename, duplicate, recover, set-secret, rm-secret).
type namesOptions struct {
	storeOptions
	names []string
}

// parseNames parses the command line of the subcommand name: min to max names.
func parseNames(name string, min, max int, usage string) func(env) (*namesOptions, error) {
	return func(e env) (*namesOptions, error) {
		o := &namesOptions{storeOptions: storeOptions{env: e}}
		names, err := o.parse(o.flags(name), min, max, usage)
		o.names = names
		return o, err
	}
}

// open opens the store, saying on stderr when it was restored from its backup or has
// a notice.
func (o *storeOptions) open() (*profiles.Store, error) { return openStore(o.store, o.stderr) }

// openProfile opens the store and finds the named profile.
func (o *storeOptions) openProfile(name string) (*profiles.Store, profiles.Profile, error) {
	s, err := o.open()
	if err != nil {
		return nil, profiles.Profile{}, err
	}
	p, err := s.Get(name)
	if err != nil {
		return nil, profiles.Profile{}, storeErr(err)
	}
	return s, p, nil
}

// onProfile finds the named profile and runs op (a profile operation with its
// secret: profiles.DeleteProfile, profiles.DeleteProfileSecret) on it.
func (o *storeOptions) onProfile(name string, op func(*profiles.Store, profiles.SecretStore, string) error) (profiles.Profile, error) {
	s, p, err := o.openProfile(name)
	if err != nil {
		return p, err
	}
	if err := op(s, newSecrets(), p.Name); err != nil {
		return p, storeErr(err)
	}
	return p, nil
}

// storeErr is what an error of the store or the keychain means on the command line:
// refused fields are listed one a line (exit 2), a secret too large is a usage error,
// and a file another writer changed says to run the command again.
func storeErr(err error) error {
	var ve *profiles.ValidationError
	if errors.As(err, &ve) {
		return &cliError{code: exitUsage, detail: problemLines(ve.Problems)}
	}
	var tl *profiles.SecretTooLargeError
	if errors.As(err, &tl) {
		return usageErr("%v", err)
	}
	if errors.Is(err, profiles.ErrChangedOnDisk) {
		return &cliError{code: exitEnvironment, msg: err.Error(), detail: "Run the command again: it reads the file afresh.\n"}
	}
	return envErr("%v", err)
}

var fieldFlags = []struct{ prefix, flag string }{
	{"name", "NAME"}, {"instance_url", "--instance"}, {"client_id", "--client-id"},
	{"scopes", "--scope"}, {"auth_method", "--auth"}, {"authority", "--authority"},
	{"token_endpoint", "--token-endpoint"}, {"odata_root", "--odata-root"},
	{"tls.ca_file", "--ca-file"}, {"tls.insecure_skip_verify", "--insecure-skip-verify"},
	{"proxy", "--proxy"}, {"timeout_seconds", "--timeout"}, {"calls", "--call"},
	{"confirmed_hosts", "--confirm-host"},
}

func flagFor(field string) string {
	for _, f := range fieldFlags {
		if strings.HasPrefix(field, f.prefix) {
			return f.flag
		}
	}
	return ""
}

// problemLines are a profile's problems one a line, each field with the flag that
// sets it.
func problemLines(ps []profiles.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		field := p.Field
		if f := flagFor(field); f != "" {
			field += " (" + f + ")"
		}
		fmt.Fprintf(&b, "%s: %s: %s\n", p.Severity, field, safetext.Line(p.Message))
	}
	return b.String()
}
