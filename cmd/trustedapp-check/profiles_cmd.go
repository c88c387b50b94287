package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"trustedapp-tester/internal/atomicfile"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/internal/shellquote"
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
  import FILE|-             import a bundle [--on-conflict skip|rename|replace];
                            lists the security-relevant settings it brought in
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

Flags may come before or after the arguments; after -- every argument is a name.

Exit codes: 0 ok, 2 usage or validation error, 3 store or keychain problem
(including another window or command holding the store's lock for over 10s).
`)

type profilesCmd struct {
	e     env
	store string
}

func runProfiles(e env) int {
	if len(e.args) == 0 {
		fmt.Fprint(e.stderr, profilesUsage)
		return exitUsage
	}
	sub, args := e.args[0], e.args[1:]
	c := &profilesCmd{e: e}
	switch sub {
	case "-h", "--help", "help":
		fmt.Fprint(e.stdout, profilesUsage)
		return exitOK
	case "list", "ls":
		return c.list(args)
	case "show":
		return c.show(args)
	case "add":
		return c.add(args)
	case "edit":
		return c.edit(args)
	case "rm", "remove", "delete":
		return c.rm(args)
	case "rename":
		return c.rename(args)
	case "duplicate":
		return c.duplicate(args)
	case "import":
		return c.importCmd(args)
	case "recover":
		return c.recover(args)
	case "export":
		return c.export(args)
	case "set-secret":
		return c.setSecret(args)
	case "rm-secret":
		return c.rmSecret(args)
	}
	fmt.Fprintf(e.stderr, "trustedapp-check profiles: unknown subcommand %q\n\n%s", sub, profilesUsage)
	return exitUsage
}

// newSecrets is the keychain the CLI uses (tests keep the default over keyring.MockInit).
var newSecrets = profiles.NewSecrets

func (c *profilesCmd) errorf(format string, args ...any) {
	fmt.Fprintf(c.e.stderr, "trustedapp-check profiles: "+format+"\n", args...)
}

func (c *profilesCmd) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("profiles "+name, flag.ContinueOnError)
	fs.SetOutput(c.e.stderr)
	fs.StringVar(&c.store, "store", "", "profile store `FILE` (default: $TRUSTEDAPP_STORE or the user config directory)")
	return fs
}

// parse parses flags placed before, between or after the positional arguments (all
// arguments after "--" are positional) and checks their count. It returns ok=false
// with the exit code to use.
func (c *profilesCmd) parse(fs *flag.FlagSet, args []string, min, max int, what string) ([]string, int, bool) {
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, exitOK, false
	}
	if err != nil {
		return nil, exitUsage, false
	}
	if len(pos) < min || (max >= 0 && len(pos) > max) {
		c.errorf("usage: trustedapp-check profiles %s", what)
		return nil, exitUsage, false
	}
	return pos, 0, true
}

func (c *profilesCmd) open() (*profiles.Store, int) {
	s, err := profiles.Open(c.store)
	var ce *profiles.CorruptError
	switch {
	case errors.As(err, &ce) && s != nil:
		fmt.Fprintf(c.e.stderr, "warning: %v\n", err)
	case err != nil:
		c.errorf("%v", err)
		return nil, exitEnvironment
	case s.Notice() != "":
		fmt.Fprintf(c.e.stderr, "note: %s\n", s.Notice())
	}
	return s, 0
}

// openProfile opens the store and finds the named profile; on failure it has printed
// why and returns a nil store with the exit code.
func (c *profilesCmd) openProfile(name string) (*profiles.Store, profiles.Profile, int) {
	s, code := c.open()
	if s == nil {
		return nil, profiles.Profile{}, code
	}
	p, err := s.Get(name)
	if err != nil {
		return nil, profiles.Profile{}, c.fail(err)
	}
	return s, p, 0
}

// fail prints an error from the store or keychain and returns its exit code.
func (c *profilesCmd) fail(err error) int {
	var ve *profiles.ValidationError
	if errors.As(err, &ve) {
		c.printProblems(ve.Problems)
		return exitUsage
	}
	var tl *profiles.SecretTooLargeError
	if errors.As(err, &tl) {
		c.errorf("%v", err)
		return exitUsage
	}
	c.errorf("%v", err)
	if errors.Is(err, profiles.ErrChangedOnDisk) {
		fmt.Fprintln(c.e.stderr, "Run the command again: it reads the file afresh.")
	}
	return exitEnvironment
}

var fieldFlags = []struct{ prefix, flag string }{
	{"name", "NAME"}, {"instance_url", "--instance"}, {"client_id", "--client-id"},
	{"scopes", "--scope"}, {"auth_method", "--auth"}, {"authority", "--authority"},
	{"token_endpoint", "--token-endpoint"}, {"odata_root", "--odata-root"},
	{"tls.ca_file", "--ca-file"}, {"tls.insecure_skip_verify", "--insecure-skip-verify"},
	{"proxy", "--proxy"}, {"timeout_seconds", "--timeout"}, {"calls", "--call"},
}

func flagFor(field string) string {
	for _, f := range fieldFlags {
		if strings.HasPrefix(field, f.prefix) {
			return f.flag
		}
	}
	return ""
}

func (c *profilesCmd) printProblems(ps []profiles.Problem) {
	for _, p := range ps {
		field := p.Field
		if f := flagFor(field); f != "" {
			field += " (" + f + ")"
		}
		fmt.Fprintf(c.e.stderr, "%s: %s: %s\n", p.Severity, field, safetext.Line(p.Message))
	}
}

// profileFlags are the profile-field flags (shared with check) plus the ones only a
// stored profile has.
type profileFlags struct {
	profileFields
	fs         *flag.FlagSet
	env, notes string
	clearCalls bool
}

func bindProfileFlags(fs *flag.FlagSet, edit bool) *profileFlags {
	f := &profileFlags{fs: fs}
	f.profileFields.bind(fs, true)
	fs.StringVar(&f.env, "env", "", "environment label")
	fs.StringVar(&f.notes, "notes", "", "notes")
	if edit {
		fs.BoolVar(&f.clearCalls, "clear-calls", false, "go back to the default API calls")
	}
	return f
}

// apply sets the given flags on p. It returns a usage message for malformed values.
func (f *profileFlags) apply(p *profiles.Profile) string {
	set := givenFlags(f.fs)
	if err := f.profileFields.apply(p, set); err != nil {
		return errorText(err)
	}
	d, err := f.timeoutFlag(set)
	if err != nil {
		return errorText(err)
	}
	if set["timeout"] {
		if d%time.Second != 0 {
			return fmt.Sprintf("--timeout %q: a profile keeps whole seconds: use e.g. %ds", f.timeout, int((d+time.Second-1)/time.Second))
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
	return ""
}

func (c *profilesCmd) list(args []string) int {
	fs := c.flags("list")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, code, ok := c.parse(fs, args, 0, 0, "list [--json] [--store FILE]"); !ok {
		return code
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	ps := s.List()
	if *asJSON {
		return c.writeJSON(ps)
	}
	if len(ps) == 0 {
		fmt.Fprintf(c.e.stdout, "No profiles in %s.\nAdd one: trustedapp-check profiles add NAME --instance URL --client-id ID --scope \"read update\"\n", s.Path())
		return exitOK
	}
	tw := tabwriter.NewWriter(c.e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tENVIRONMENT\tINSTANCE\tCLIENT ID\tSCOPES\tSECRET")
	now := time.Now()
	for _, p := range ps {
		scopes := strings.Join(p.Scopes, " ")
		if scopes == "" {
			scopes = "(none)"
		}
		secret := "not set"
		if a := profiles.SecretAge(p, now); a.Set {
			secret = strings.TrimPrefix(a.Message, "secret ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", safetext.Line(p.Name), safetext.Line(dash(p.Environment)), safetext.Line(p.InstanceURL), safetext.Line(p.ClientID), safetext.Line(scopes), secret)
	}
	tw.Flush()
	return exitOK
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (c *profilesCmd) writeJSON(v any) int {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		c.errorf("%v", err)
		return exitEnvironment
	}
	c.e.stdout.Write(append(b, '\n'))
	return exitOK
}

type secretJSON struct {
	Status string `json:"status"` // keychain, session, not_set, keychain_unavailable
	Detail string `json:"detail,omitempty"`
	profiles.SecretAgeInfo
	SetAt *time.Time `json:"set_at,omitempty"`
}

type showJSON struct {
	Profile      profiles.Profile   `json:"profile"`
	AuthorityURL string             `json:"authority_url"`
	TokenURL     string             `json:"token_url,omitempty"`
	ODataRootURL string             `json:"odata_root_url"`
	Calls        []profiles.APICall `json:"effective_calls"`
	Timeout      string             `json:"timeout"`
	Secret       secretJSON         `json:"secret"`
	Problems     []profiles.Problem `json:"problems"`
}

func (c *profilesCmd) show(args []string) int {
	fs := c.flags("show")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, code, ok := c.parse(fs, args, 1, 1, "show NAME [--json] [--store FILE]")
	if !ok {
		return code
	}
	s, p, code := c.openProfile(pos[0])
	if s == nil {
		return code
	}
	var others []profiles.Profile
	for _, o := range s.List() {
		if o.Name != p.Name {
			others = append(others, o)
		}
	}
	problems := profiles.Validate(p, others)
	if problems == nil {
		problems = []profiles.Problem{}
	}
	sec := newSecrets()
	sj := secretJSON{SecretAgeInfo: profiles.SecretAge(p, time.Now())}
	if !p.SecretSetAt.IsZero() {
		t := p.SecretSetAt
		sj.SetAt = &t
	}
	switch sec.Status(p.Name) {
	case profiles.SecretInKeychain:
		sj.Status = "keychain"
	case profiles.SecretSessionOnly:
		sj.Status = "session"
	case profiles.SecretNotSet:
		sj.Status = "not_set"
	default:
		sj.Status = "keychain_unavailable"
		if err := sec.Available(); err != nil {
			sj.Detail = err.Error()
		}
	}
	out := showJSON{Profile: p, AuthorityURL: p.AuthorityURL(), TokenURL: p.TokenURL(), ODataRootURL: p.ODataRootURL(),
		Calls: p.EffectiveCalls(), Timeout: p.Timeout().String(), Secret: sj, Problems: problems}
	if *asJSON {
		return c.writeJSON(out)
	}
	w := tabwriter.NewWriter(c.e.stdout, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(w, "%s:\t%s\n", k, safetext.Line(v)) }
	derived := func(override, value string) string {
		if strings.TrimSpace(override) == "" {
			return value + " (derived)"
		}
		return value
	}
	row("Name", p.Name)
	row("Environment", dash(p.Environment))
	row("Instance", p.InstanceURL)
	row("Authority", derived(p.Authority, p.AuthorityURL()))
	if p.TokenURL() != "" {
		row("Token endpoint", p.TokenURL())
	} else {
		row("Token endpoint", "(from discovery)")
	}
	row("OData root", derived(p.ODataRoot, p.ODataRootURL()))
	row("Client ID", p.ClientID)
	if p.Method() == profiles.AuthBasic {
		row("Auth method", "basic (HTTP Basic header)")
	} else {
		row("Auth method", "post (client_secret in the form body)")
	}
	if len(p.Scopes) == 0 {
		row("Scopes", "(none: the token request sends no scope parameter)")
	} else {
		row("Scopes", strings.Join(p.Scopes, " "))
	}
	for i, call := range p.EffectiveCalls() {
		k := ""
		if i == 0 {
			k = "API calls"
			if len(p.Calls) == 0 {
				k = "API calls (default)"
			}
		}
		v := call.Method + " " + call.Path
		if call.Body != "" {
			v += "  (with body)"
		}
		fmt.Fprintf(w, "%s\t%s\n", strings.TrimSpace(k+":"), safetext.Line(v))
	}
	switch {
	case p.TLS.InsecureSkipVerify:
		row("TLS", "certificate verification OFF")
	case p.TLS.CAFile != "":
		row("TLS", "system roots + "+p.TLS.CAFile)
	default:
		row("TLS", "system roots")
	}
	row("Proxy", map[bool]string{true: "from the environment", false: p.Proxy}[p.Proxy == ""])
	row("Timeout", p.Timeout().String())
	if p.Notes != "" {
		row("Notes", p.Notes)
	}
	row("Created", fmtTime(p.Created))
	row("Updated", fmtTime(p.Updated))
	secretLine := map[string]string{"keychain": "stored in the system keychain", "session": "session only", "not_set": "not set",
		"keychain_unavailable": "keychain unavailable"}[sj.Status]
	if sj.Set {
		secretLine += "; " + sj.Message
	}
	if sj.Status == "not_set" {
		secretLine += " (set it: trustedapp-check profiles set-secret " + shellquote.Quote(p.Name) + ")"
	}
	row("Secret", secretLine)
	w.Flush()
	if sj.Detail != "" {
		fmt.Fprintln(c.e.stdout, sj.Detail)
	}
	if len(problems) > 0 {
		fmt.Fprintln(c.e.stdout, "\nProblems:")
		for _, pr := range problems {
			fmt.Fprintf(c.e.stdout, "  %s: %s: %s\n", pr.Severity, pr.Field, safetext.Line(pr.Message))
		}
	}
	return exitOK
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05 MST")
}

func (c *profilesCmd) add(args []string) int {
	fs := c.flags("add")
	pf := bindProfileFlags(fs, false)
	pos, code, ok := c.parse(fs, args, 1, 1, "add NAME --instance URL --client-id ID [profile flags]")
	if !ok {
		return code
	}
	p := profiles.Profile{Name: pos[0]}
	if msg := pf.apply(&p); msg != "" {
		c.errorf("%s", msg)
		return exitUsage
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	problems := profiles.Validate(p, s.List())
	c.printProblems(problems)
	if profiles.HasErrors(problems) {
		fmt.Fprintln(c.e.stderr, "The profile was not added.")
		return exitUsage
	}
	if err := s.Add(p); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "Added profile %q to %s.\nSet its secret: trustedapp-check profiles set-secret %s\n", p.Name, s.Path(), shellquote.Quote(p.Name))
	return exitOK
}

func (c *profilesCmd) edit(args []string) int {
	fs := c.flags("edit")
	pf := bindProfileFlags(fs, true)
	pos, code, ok := c.parse(fs, args, 1, 1, "edit NAME [profile flags]")
	if !ok {
		return code
	}
	changed := 0
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "store" {
			changed++
		}
	})
	if changed == 0 {
		c.errorf("edit: give at least one profile flag to change, e.g. --scope \"read update\" (see 'trustedapp-check profiles --help')")
		return exitUsage
	}
	s, p, code := c.openProfile(pos[0])
	if s == nil {
		return code
	}
	old := p.Name
	if msg := pf.apply(&p); msg != "" {
		c.errorf("%s", msg)
		return exitUsage
	}
	var others []profiles.Profile
	for _, o := range s.List() {
		if o.Name != old {
			others = append(others, o)
		}
	}
	problems := profiles.Validate(p, others)
	c.printProblems(problems)
	if profiles.HasErrors(problems) {
		fmt.Fprintln(c.e.stderr, "The profile was not changed.")
		return exitUsage
	}
	if err := s.Update(old, p); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "Updated profile %q.\n", p.Name)
	return exitOK
}

func (c *profilesCmd) rm(args []string) int {
	fs := c.flags("rm")
	sandboxOnly := fs.Bool("sandbox", false, "delete every sandbox profile (and its secret) instead of one NAME")
	pos, code, ok := c.parse(fs, args, 0, 1, "rm NAME|--sandbox [--store FILE]")
	if !ok {
		return code
	}
	if *sandboxOnly == (len(pos) == 1) {
		c.errorf("give either one profile NAME or --sandbox (usage: rm NAME|--sandbox [--store FILE])")
		return exitUsage
	}
	if *sandboxOnly {
		return c.rmSandbox()
	}
	s, p, code := c.openProfile(pos[0])
	if s == nil {
		return code
	}
	if err := profiles.DeleteProfile(s, newSecrets(), p.Name); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "Deleted profile %q and its secret.\n", p.Name)
	return exitOK
}

// rmSandbox deletes the profiles the app's demo mode added (marked sandbox), leaving
// the user's own profiles alone.
func (c *profilesCmd) rmSandbox() int {
	s, code := c.open()
	if s == nil {
		return code
	}
	sec := newSecrets()
	removed := 0
	for _, p := range s.List() {
		if !p.Sandbox {
			continue
		}
		if err := profiles.DeleteProfile(s, sec, p.Name); err != nil {
			if removed > 0 {
				fmt.Fprintf(c.e.stdout, "Deleted %d sandbox profiles before the error.\n", removed)
			}
			return c.fail(err)
		}
		removed++
	}
	if removed == 0 {
		fmt.Fprintln(c.e.stdout, "No sandbox profiles to delete.")
		return exitOK
	}
	fmt.Fprintf(c.e.stdout, "Deleted %d sandbox profiles and their secrets; your own profiles are unchanged.\n", removed)
	return exitOK
}

func (c *profilesCmd) rename(args []string) int {
	fs := c.flags("rename")
	pos, code, ok := c.parse(fs, args, 2, 2, "rename OLD NEW [--store FILE]")
	if !ok {
		return code
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	if err := profiles.RenameProfile(s, newSecrets(), pos[0], pos[1]); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "Renamed profile %q to %q (its secret moved with it).\n", pos[0], pos[1])
	return exitOK
}

func (c *profilesCmd) duplicate(args []string) int {
	fs := c.flags("duplicate")
	pos, code, ok := c.parse(fs, args, 2, 2, "duplicate NAME NEW [--store FILE]")
	if !ok {
		return code
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	p, _, err := profiles.DuplicateProfile(s, newSecrets(), pos[0], pos[1], time.Now())
	if err != nil && p.Name == "" {
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "Created profile %q as a copy of %q.\n", p.Name, pos[0])
	if err != nil {
		return c.fail(err)
	}
	return exitOK
}

func (c *profilesCmd) importCmd(args []string) int {
	fs := c.flags("import")
	onConflict := fs.String("on-conflict", "skip", "what to do with a name that exists: skip, rename or replace")
	pos, code, ok := c.parse(fs, args, 1, 1, "import FILE|- [--on-conflict skip|rename|replace] [--store FILE]")
	if !ok {
		return code
	}
	var action profiles.ConflictAction
	switch *onConflict {
	case "skip":
		action = profiles.ConflictSkip
	case "rename":
		action = profiles.ConflictRename
	case "replace":
		action = profiles.ConflictReplace
	default:
		c.errorf("--on-conflict %q: use skip, rename or replace", *onConflict)
		return exitUsage
	}
	var r io.Reader = c.e.stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			c.errorf("cannot open the import file: %v", err)
			return exitEnvironment
		}
		defer f.Close()
		r = f
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	res, err := profiles.ImportBundle(s, r, func(string) profiles.ConflictAction { return action })
	if err != nil {
		if errors.Is(err, profiles.ErrChangedOnDisk) || errors.Is(err, profiles.ErrBusy) {
			return c.fail(err)
		}
		c.errorf("%s", safetext.Line(err.Error()))
		return exitUsage
	}
	c.printResult(res, "added     %s\n", "skipped   %s (a profile with this name exists; use --on-conflict rename or replace)\n")
	fmt.Fprintf(c.e.stdout, "%d added, %d renamed, %d replaced, %d skipped, %d rejected. Secrets are never imported: set them with set-secret.\n",
		len(res.Added), len(res.Renamed), len(res.Replaced), len(res.Skipped), len(res.Rejected))
	c.printReview(res.Review)
	if len(res.Rejected) > 0 {
		return exitUsage
	}
	return exitOK
}

// printResult lists what an import or a recovery did, one profile a line. Every name
// comes from a file: it is escaped, so it cannot move the cursor or recolour the
// terminal (safetext).
func (c *profilesCmd) printResult(res profiles.ImportResult, added, skipped string) {
	out := c.e.stdout
	for _, n := range res.Added {
		fmt.Fprintf(out, added, safetext.Line(n))
	}
	for _, r := range res.Renamed {
		fmt.Fprintf(out, "renamed   %s -> %s (the name was taken)\n", safetext.Line(r.From), safetext.Line(r.To))
	}
	for _, n := range res.Replaced {
		fmt.Fprintf(out, "replaced  %s\n", safetext.Line(n))
	}
	for _, n := range res.Skipped {
		fmt.Fprintf(out, skipped, safetext.Line(n))
	}
	for _, r := range res.Rejected {
		fmt.Fprintf(out, "rejected  %s\n", safetext.Line(r.Name))
		for _, p := range r.Problems {
			if p.Severity == profiles.SeverityError {
				fmt.Fprintf(out, "          %s: %s\n", p.Field, safetext.Line(p.Message))
			}
		}
	}
}

// printReview lists the security-relevant settings the imported profiles brought in,
// for the user to check before using them.
func (c *profilesCmd) printReview(rev []profiles.Review) {
	if len(rev) == 0 {
		return
	}
	out := c.e.stdout
	fmt.Fprintln(out, "\nReview these settings the import brought in (edit or remove a profile if one is not what you expect):")
	for _, r := range rev {
		fmt.Fprintf(out, "  %s\n", safetext.Line(r.Name))
		for _, n := range r.Notes {
			fmt.Fprintf(out, "    %s: %s\n", n.Field, n.Message)
		}
	}
}

func (c *profilesCmd) recover(args []string) int {
	fs := c.flags("recover")
	pos, code, ok := c.parse(fs, args, 0, 1, "recover [DAMAGED-FILE] [--store FILE]")
	if !ok {
		return code
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	var file string
	if len(pos) == 1 {
		file = pos[0]
	} else if found := s.DamagedFiles(); len(found) > 0 {
		file = found[0]
	} else {
		c.errorf("there is no damaged store file beside %s to recover from (they are named %s.corrupt-TIME): name the file to read", s.Path(), filepath.Base(s.Path()))
		return exitUsage
	}
	res, err := s.Recover(file)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "From %s:\n", file)
	c.printResult(res, "recovered %s (it was missing)\n", "kept      %s (the store has it as it was, or edited since)\n")
	fmt.Fprintf(c.e.stdout, "%d recovered, %d replaced by the damaged file's newer version, %d kept. Their secrets stayed in the keychain.\n",
		len(res.Added), len(res.Replaced), len(res.Skipped))
	return exitOK
}

func (c *profilesCmd) export(args []string) int {
	fs := c.flags("export")
	out := fs.String("o", "", "write to `FILE` instead of stdout")
	names, code, ok := c.parse(fs, args, 0, -1, "export [NAME...] [-o FILE] [--store FILE]")
	if !ok {
		return code
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	var buf bytes.Buffer
	if err := s.Export(names, &buf); err != nil {
		return c.fail(err)
	}
	if *out == "" || *out == "-" {
		c.e.stdout.Write(buf.Bytes())
		return exitOK
	}
	if err := atomicfile.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
		c.errorf("cannot write the export: %v", err)
		return exitEnvironment
	}
	n := len(names)
	if n == 0 {
		n = len(s.List())
	}
	fmt.Fprintf(c.e.stderr, "Exported %d profiles to %s (secrets are never exported).\n", n, *out)
	return exitOK
}

func (c *profilesCmd) setSecret(args []string) int {
	fs := c.flags("set-secret")
	pos, code, ok := c.parse(fs, args, 1, -1, "set-secret NAME [--store FILE] (the secret comes from stdin or a prompt)")
	if !ok {
		return code
	}
	if len(pos) > 1 {
		c.errorf("set-secret takes only the profile name: the secret is read from stdin or a no-echo prompt, never from the command line (where it would stay in shell history and the process list)")
		return exitUsage
	}
	s, p, code := c.openProfile(pos[0])
	if s == nil {
		return code
	}
	secret, err := c.readSecret(p.Name)
	if err != nil {
		c.errorf("%v", err)
		return exitUsage
	}
	err = profiles.SetProfileSecret(s, newSecrets(), p.Name, secret, time.Now())
	secret = ""
	var ku *profiles.KeyringUnavailableError
	if errors.As(err, &ku) {
		c.errorf("%v", err)
		fmt.Fprintln(c.e.stderr, "The command line cannot keep a session-only secret between commands; the secret was not stored anywhere.")
		return exitEnvironment
	}
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "Stored the client secret for %q in the system keychain (service %q).\n", p.Name, profiles.KeyringService)
	return exitOK
}

// readSecret reads the secret from a no-echo prompt when stdin is a terminal, else
// from stdin (one trailing newline removed).
func (c *profilesCmd) readSecret(name string) (string, error) {
	s, err := readSecretInput(c.e, fmt.Sprintf("Client secret for %q (input hidden): ", name), "trustedapp-check profiles set-secret NAME < secret.txt")
	if errors.Is(err, errSecretTooLong) {
		return "", fmt.Errorf("%v: it was not stored (nor truncated)", err)
	}
	return s, err
}

func (c *profilesCmd) rmSecret(args []string) int {
	fs := c.flags("rm-secret")
	pos, code, ok := c.parse(fs, args, 1, 1, "rm-secret NAME [--store FILE]")
	if !ok {
		return code
	}
	s, p, code := c.openProfile(pos[0])
	if s == nil {
		return code
	}
	if err := profiles.DeleteProfileSecret(s, newSecrets(), p.Name); err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(c.e.stdout, "Removed the client secret for %q from the system keychain.\n", p.Name)
	return exitOK
}
