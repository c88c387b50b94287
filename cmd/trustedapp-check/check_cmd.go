package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/atomicfile"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/internal/shellquote"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

var checkUsage = withMethods(`Usage:
  trustedapp-check check PROFILE [flags]
  trustedapp-check check --instance URL --client-id ID [flags]
  trustedapp-check check --all [--parallel N] [flags]

Tests a Trusted App: reachability, discovery, token request, token claims and API
calls. A human-readable report goes to stdout (a progress line per step on stderr
when it is a terminal, or with --progress); --json prints the full versioned JSON
document instead. A step whose verdict the later steps changed gets a second line.

The secret: for a stored profile, from the system keychain (set it with
'trustedapp-check profiles set-secret NAME'); without a profile, from the
TRUSTEDAPP_SECRET environment variable or --secret-stdin. --secret-stdin and
TRUSTEDAPP_SECRET also override the keychain for a single stored profile.
A secret is never accepted as an argument.

Flags:
  --store FILE              profile store (default: $TRUSTEDAPP_STORE or the user config directory)
  --json                    print the full report as JSON (secrets redacted)
  --report FILE.md          also save the diagnostics report as FILE.md and FILE.json
  --junit FILE              also write JUnit XML (one testsuite per profile)
  --progress                a line per step on stderr as it finishes, also when
                            stderr is not a terminal (CI logs)
  --strict                  warnings fail the check (exit 1); the "Least privilege"
                            advice never does
  --fresh                   get a fresh token (never reuse a cached one); its first
                            API call opens a new ERP.net session (a licence slot)
  --no-api                  stop after the token is inspected: no API call, so no
                            session and no licence slot is used (the check to
                            schedule often, or to run against production)
  --all                     check every stored profile; profiles of the same Trusted
                            App (client_id on one instance) share one session: only
                            the first makes API calls, the others are skipped there
  --parallel N              with --all: profiles checked at once (default 4); never
                            more than one at a time per host (ERP.net rate limits)
  --secret-stdin            read the client secret from stdin
  --token-stdin             inspect the access token piped on stdin instead of
                            requesting one (no secret needed): its claims, its
                            signature against the instance's keys, and the API
                            calls made with it

Profile fields (without PROFILE they define the target; with it they override):
  --instance URL            instance root, e.g. https://acme.my.erp.net
  --client-id ID            the Trusted App's ApplicationUri
  --scope "read update"     requested scopes (space or comma separated)
  --auth post|basic         client authentication: form body (default) or HTTP Basic
  --authority URL           authority override (default {instance}/id)
  --token-endpoint URL      token endpoint override (default: from discovery)
  --odata-root URL          OData root override
  --ca-file FILE            extra CA certificates (PEM)
  --insecure-skip-verify    turn certificate verification OFF (dangerous)
  --proxy URL               explicit proxy (default: HTTPS_PROXY etc.)
  --timeout DUR             per-call timeout, e.g. 10s or 1500ms (default 30s, at most 10m)
  --call "GET /path [BODY]" an API call to run (repeatable; replaces the defaults);
                            methods: {methods}

Flags may come before or after PROFILE; after -- every argument is a profile name.

Licences: a token's first API call opens an ERP.net session, which holds one
licence slot until 20 minutes after its last call (at most an hour). So a token is
reused across runs, kept in the system keychain (never in a file or a report) while
valid for at least another minute, under its instance, client_id, auth style, scopes
and the secret's fingerprint (a changed secret drops it). Reused, its session is
too; each report ends with the session it opened or reused and until when it may
hold a slot. Without a keychain the token is kept for this process only.

Every token request and API call is also appended to the audit log the desktop
app shows under History (time, profile, endpoint, status, client_id, token
fingerprint; never a secret or a whole token): $TRUSTEDAPP_AUDIT, or
trustedapp-tester/audit.jsonl in the user data directory.

Exit codes: 0 passed (warnings allowed unless --strict), 1 a check failed,
2 usage error, 3 store, profile, secret or keychain problem, 4 interrupted.
`)

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

func newCheckFlagSet(name string, f *checkFlags, full bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
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

type cliError struct {
	code int
	msg  string
}

func (e *cliError) Error() string { return e.msg }

func usageErr(format string, a ...any) error {
	return &cliError{exitUsage, fmt.Sprintf(format, a...)}
}

func envErr(format string, a ...any) error {
	return &cliError{exitEnvironment, fmt.Sprintf(format, a...)}
}

// target is one profile to check, with its secret.
type target struct {
	p      profiles.Profile
	secret string
	err    error // the profile could not be prepared (missing secret ...)
}

// applyFlags builds or overrides a profile from the profile-field flags.
func (f *checkFlags) applyFlags(p *profiles.Profile) error { return f.profileFields.apply(p, f.set) }

// timeoutOf parses --timeout (a duration, or whole seconds).
func (f *checkFlags) timeoutOf() (time.Duration, error) { return f.profileFields.timeoutFlag(f.set) }

// readStdin reads at most limit bytes piped in for flag (--secret-stdin,
// --token-stdin); what names what to pipe in when nothing is there.
func readStdin(r io.Reader, flag, what string, limit int) ([]byte, error) {
	if r == nil {
		return nil, usageErr("%s: nothing on stdin; pipe %s in", flag, what)
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)))
	if err != nil {
		return nil, envErr("%s: cannot read stdin: %v", flag, err)
	}
	return b, nil
}

// readStdinSecret reads a secret from stdin (one trailing newline removed).
func readStdinSecret(r io.Reader) (string, error) {
	b, err := readStdin(r, "--secret-stdin", "the secret", profiles.MaxSecretBytes+3)
	if err != nil {
		return "", err
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if s == "" {
		return "", usageErr("--secret-stdin: stdin was empty; pipe the client secret in, e.g. --secret-stdin < secret.txt")
	}
	if len(s) > profiles.MaxSecretBytes {
		return "", usageErr("--secret-stdin: the secret is longer than %d bytes", profiles.MaxSecretBytes)
	}
	return s, nil
}

// maxTokenBytes bounds a token read from stdin (ERP.net's JWTs are about 1 KB).
const maxTokenBytes = 64 << 10

// readStdinToken reads an access token piped in for --token-stdin; a leading
// "Bearer " (as copied from a request header) is dropped.
func readStdinToken(r io.Reader) (string, error) {
	b, err := readStdin(r, "--token-stdin", "the access token", maxTokenBytes+1)
	if err != nil {
		return "", err
	}
	if len(b) > maxTokenBytes {
		return "", usageErr("--token-stdin: more than %d KiB on stdin; pipe only the access token", maxTokenBytes>>10)
	}
	s := check.TrimBearer(string(b))
	if s == "" {
		return "", usageErr("--token-stdin: stdin was empty; pipe the access token in, e.g. --token-stdin < token.txt")
	}
	return s, nil
}

func openStore(path string) (*profiles.Store, error) {
	s, err := profiles.Open(path)
	var ce *profiles.CorruptError
	if errors.As(err, &ce) && s != nil {
		return s, nil
	}
	if err != nil {
		return nil, envErr("%v", err)
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
		s, err := openStore(f.store)
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
		s, err := openStore(f.store)
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
	case os.Getenv(SecretEnv) != "":
		secret = os.Getenv(SecretEnv)
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

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressLines prints a line per step as it finishes, and afterwards a line for each
// step whose verdict the run's judgment changed (check/judge.go): a live [fail] the
// later steps lowered to [warn] must not be the last word on the terminal.
type progressLines struct {
	w      io.Writer
	prefix string
	shown  map[string][]check.Verdict // step name -> the verdicts printed, in order
}

func newProgress(w io.Writer, name string) *progressLines {
	prefix := ""
	if name != "" {
		prefix = name + ": "
	}
	return &progressLines{w: w, prefix: prefix, shown: map[string][]check.Verdict{}}
}

func (p *progressLines) step(s check.Step) {
	p.shown[s.Name] = append(p.shown[s.Name], s.Verdict)
	fmt.Fprintf(p.w, "%s[%s] %s  %s\n", safetext.Line(p.prefix), s.Verdict, safetext.Line(s.Name), safetext.Line(s.Summary))
}

// revised prints the steps of the judged report whose verdict differs from the one
// shown live, with the reason the judgment gave.
func (p *progressLines) revised(rep *check.Report) {
	seen := map[string]int{}
	for _, s := range rep.Steps {
		k := seen[s.Name]
		seen[s.Name]++
		shown := p.shown[s.Name]
		if k >= len(shown) || shown[k] == s.Verdict {
			continue
		}
		why := ""
		for _, f := range s.Findings {
			if a := f.Evidence[check.EvAdjusted]; a != "" {
				why = a
				break
			}
		}
		line := fmt.Sprintf("[%s] %s  was [%s] while it ran; the later steps changed it", s.Verdict, s.Name, shown[k])
		if why != "" {
			line += " (" + why + ")"
		}
		fmt.Fprintf(p.w, "%s%s\n", safetext.Line(p.prefix), safetext.Line(line))
	}
}

func runCheck(e env) int {
	f := &checkFlags{}
	fs := newCheckFlagSet("check", f, true)
	pos, err := parseInterleaved(fs, e.args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, checkUsage)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "trustedapp-check check: %v\n\n%s", err, checkUsage)
		return exitUsage
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	code, err := doCheck(e, f, pos)
	if err != nil {
		return commandFailer(e, "check", "Run 'trustedapp-check check --help' for the flags.\n")(err)
	}
	return code
}

func doCheck(e env, f *checkFlags, pos []string) (int, error) {
	timeout, err := f.timeoutOf()
	if err != nil {
		return 0, err
	}
	if f.parallel < 1 || f.parallel > 64 {
		return 0, usageErr("--parallel %d: use 1 to 64", f.parallel)
	}
	if f.set["parallel"] && !f.all {
		return 0, usageErr("--parallel only applies with --all")
	}
	if f.reportFile != "" && f.all {
		return 0, usageErr("--report saves one profile's diagnostics report; with --all use --junit FILE or --json")
	}
	targets, err := resolveTargets(e, f, pos)
	if err != nil {
		return 0, err
	}
	opts := check.Options{Fresh: f.fresh, Timeout: timeout, Cache: newTokenCache()}
	if f.noAPI {
		opts.Mode = check.NoAPI
	}
	supplied := ""
	if f.tokenStdin {
		if supplied, err = readStdinToken(e.stdin); err != nil {
			return 0, err
		}
		opts.Supplied = check.NewAccessToken(supplied)
	}
	tty := f.progress || isTerminal(e.stderr)

	// Each run keeps only what the outputs need: its document (without the exchanges
	// unless --json prints them) and its verdict, so memory grows with the number of
	// profiles by a few kilobytes each, not by what the servers sent.
	type outcome struct {
		verdict   check.Verdict
		cancelled bool
	}
	docs := make([]report.Document, len(targets))
	outcomes := make([]outcome, len(targets))
	envProblem := false
	var ready []int
	var hosts []string
	for i, t := range targets {
		if t.err != nil {
			envProblem = true
			fmt.Fprintf(e.stderr, "trustedapp-check check: %v; skipped\n", t.err)
			continue
		}
		ready = append(ready, i)
		hosts = append(hosts, strings.ToLower(t.p.Host()))
	}
	var outMu sync.Mutex
	journal := newHistoryWriter(e)
	// One session per Trusted App: a later profile of a Trusted App whose session this
	// run already holds skips its API calls. A Trusted App's profiles share a host, and
	// a host's profiles run one at a time in store order, so the first one to open or
	// reuse a session holds it.
	var holdMu sync.Mutex
	holder := map[string]string{} // Trusted App -> the profile whose calls hold this run's session
	// At most --parallel checks at once, and one at a time per host: ERP.net's
	// per-session rate limits.
	forEachPerHost(hosts, f.parallel, func(k int) {
		i := ready[k]
		t := targets[i]
		var onStep func(check.Step)
		var prog *progressLines
		if tty {
			name := ""
			if f.all {
				name = t.p.Name
			}
			prog = newProgress(e.stderr, name)
			onStep = func(s check.Step) { outMu.Lock(); prog.step(s); outMu.Unlock() }
		}
		o := opts
		app := trustedAppOf(t.p)
		holdMu.Lock()
		first, held := holder[app]
		holdMu.Unlock()
		if held && f.all && !f.noAPI {
			o.Mode = check.CallsSkipped(fmt.Sprintf("Skipped: profile %q of the same Trusted App (%s) already holds this run's ERP.net session; one session per Trusted App. Check this profile alone to run its calls: trustedapp-check check %s",
				first, t.p.ClientID, shellquote.Quote(t.p.Name)))
		}
		rep := check.Run(e.ctx, t.p, t.secret, o, onStep)
		if prog != nil {
			outMu.Lock()
			prog.revised(&rep)
			outMu.Unlock()
		}
		if s := rep.Session; s != nil && s.State != check.SessionNone {
			holdMu.Lock()
			if _, held := holder[app]; !held {
				holder[app] = t.p.Name
			}
			holdMu.Unlock()
		}
		journal.appendRun(t.p, rep)
		d := report.Build(rep, t.p)
		d.Forget(t.secret, supplied)
		if !f.json && f.reportFile == "" {
			for s := range d.Steps {
				d.Steps[s].Exchanges = nil
			}
		}
		docs[i], outcomes[i] = d, outcome{rep.Verdict, rep.Cancelled}
	})
	var ran []report.Document
	var ranOutcomes []outcome
	for _, i := range ready {
		ran = append(ran, docs[i])
		ranOutcomes = append(ranOutcomes, outcomes[i])
	}
	if err := writeOutputs(e, f, ran); err != nil {
		return 0, err
	}
	code := exitOK
	for i, r := range ranOutcomes {
		if r.cancelled || e.ctx.Err() != nil {
			return exitInterrupted, nil
		}
		// --strict: warnings fail, and so does a run with certificate checks off.
		insecure := ran[i].Profile != nil && ran[i].Profile.InsecureSkipVerify
		if r.verdict == check.Fail || (f.strict && (r.verdict == check.Warn || insecure)) {
			code = exitFailed
		}
	}
	if envProblem && code == exitOK {
		code = exitEnvironment
	}
	return code, nil
}

func writeOutputs(e env, f *checkFlags, docs []report.Document) error {
	if f.json {
		if f.all {
			var parts []string
			for _, d := range docs {
				var b bytes.Buffer
				if err := report.WriteJSON(&b, d); err != nil {
					return envErr("cannot write JSON: %v", err)
				}
				parts = append(parts, strings.TrimSpace(b.String()))
			}
			fmt.Fprintf(e.stdout, "[%s]\n", strings.Join(parts, ",\n"))
		} else if len(docs) == 1 {
			if err := report.WriteJSON(e.stdout, docs[0]); err != nil {
				return envErr("cannot write JSON: %v", err)
			}
		}
	} else {
		for i, d := range docs {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			if err := report.WriteText(e.stdout, d); err != nil {
				return envErr("cannot write the report: %v", err)
			}
		}
	}
	if f.reportFile != "" && len(docs) == 1 {
		md := f.reportFile
		if strings.ToLower(filepath.Ext(md)) != ".md" {
			md += ".md"
		}
		js := strings.TrimSuffix(md, filepath.Ext(md)) + ".json"
		if err := writeFile(md, func(w io.Writer) error { return report.WriteMarkdown(w, docs[0]) }); err != nil {
			return err
		}
		if err := writeFile(js, func(w io.Writer) error { return report.WriteJSON(w, docs[0]) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Saved the diagnostics report to %s and %s\n", md, js)
	}
	if f.junitFile != "" {
		sorted := append([]report.Document(nil), docs...)
		sort.SliceStable(sorted, func(i, j int) bool { return profName(sorted[i]) < profName(sorted[j]) })
		if err := writeFile(f.junitFile, func(w io.Writer) error { return report.WriteJUnit(w, sorted) }); err != nil {
			return err
		}
	}
	return nil
}

func profName(d report.Document) string {
	if d.Profile != nil {
		return d.Profile.Name
	}
	return ""
}

// writeFile writes a report atomically (atomicfile: temporary file, fsync, rename), as
// private as the exports (0600): a report names the instance, the app and the System
// User.
func writeFile(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, 0o600, write); err != nil {
		return envErr("cannot write %s: %v", path, err)
	}
	return nil
}

// ctxOrBackground keeps tests that build env without ctx working.
func ctxOrBackground(c context.Context) context.Context {
	if c == nil {
		return context.Background()
	}
	return c
}

// newTokenCache is the token cache of one CLI process: the system keychain, so later
// runs reuse a token and its ERP.net session (tests replace it).
var newTokenCache = func() *check.TokenCache { return check.NewVaultTokenCache(profiles.TokenKeychain{}) }

// trustedAppOf names the Trusted App a profile tests: its client_id on its identity
// server (one record per instance).
func trustedAppOf(p profiles.Profile) string {
	host := p.Host()
	if u, err := url.Parse(p.AuthorityURL()); err == nil && u.Host != "" {
		host = u.Host
	}
	return strings.ToLower(host) + " " + p.ClientID
}
