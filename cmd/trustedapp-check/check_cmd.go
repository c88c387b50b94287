package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"trustedapp-tester/check"
	"trustedapp-tester/fleet"
	"trustedapp-tester/internal/atomicfile"
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
                            the first makes API calls, the others are skipped there;
                            each report ends with a "Drift:" line, what changed since
                            the profile's last passing run in History (the verdict,
                            System User, database, granted scopes, token lifetime,
                            instance version, record fields; "drift" in --json)
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
  --confirm-host URL        a host besides the instance the access token may go to
                            for this run (repeatable; profiles edit keeps it)

Credentials go only where you named them: the client secret to the authority (or
the token endpoint you set), the token to the instance, the OData root you set and
the hosts you confirmed. A discovered address elsewhere is refused, not used.

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

// checkOptions is what check parses its command line into.
type checkOptions struct{ targetOptions }

func parseCheck(e env) (*checkOptions, error) {
	o := &checkOptions{targetOptions{env: e}}
	fs := newCheckFlagSet("check", &o.checkFlags, true)
	if err := o.parse(fs, checkUsage, checkUsage); err != nil {
		return nil, err
	}
	switch {
	case o.parallel < 1 || o.parallel > 64:
		return nil, usageErr("--parallel %d: use 1 to 64", o.parallel)
	case o.set["parallel"] && !o.all:
		return nil, usageErr("--parallel only applies with --all")
	case o.reportFile != "" && o.all:
		return nil, usageErr("--report saves one profile's diagnostics report; with --all use --junit FILE or --json")
	}
	return o, nil
}

func checkRun(o *checkOptions) error {
	e, f := o.env, &o.checkFlags
	targets, err := resolveTargets(e, f, o.names)
	if err != nil {
		return err
	}
	r := everyStep
	if f.noAPI {
		r = upToToken
	}
	opts := o.runOptions(r)
	supplied := ""
	if f.tokenStdin {
		if supplied, err = readStdinToken(e.stdin); err != nil {
			return err
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
	started := make([]bool, len(targets))
	envProblem := false
	var ready []int
	var batch []fleet.Target
	for i, t := range targets {
		if t.err != nil {
			envProblem = true
			fmt.Fprintf(e.stderr, "trustedapp-check check: %v; skipped\n", t.err)
			continue
		}
		ready = append(ready, i)
		batch = append(batch, fleet.Target{Profile: t.p, Secret: t.secret})
	}
	var outMu sync.Mutex
	progs := map[int]*progressLines{}
	progOf := func(k int) *progressLines { // under outMu
		if progs[k] == nil {
			name := ""
			if f.all {
				name = batch[k].Profile.Name
			}
			progs[k] = newProgress(e.stderr, name)
		}
		return progs[k]
	}
	fo := fleet.Options{Parallel: f.parallel, Run: opts,
		SkipWhy: func(p profiles.Profile, holder string) string {
			return fmt.Sprintf("Skipped: profile %q of the same Trusted App (%s) already holds this run's ERP.net session; one session per Trusted App. Check this profile alone to run its calls: trustedapp-check check %s",
				holder, p.ClientID, shellquote.Quote(p.Name))
		}}
	if tty {
		fo.OnStep = func(k int, s check.Step) { outMu.Lock(); progOf(k).step(s); outMu.Unlock() }
	}
	journal := newHistoryWriter(e)
	// check --all: each profile's new run against its last passing run in History.
	var base map[string]*check.RunSummary
	withDrift := false
	if f.all {
		names := make([]string, len(batch))
		for k, t := range batch {
			names[k] = t.Profile.Name
		}
		base, withDrift = baselines(e, names)
	}
	// At most --parallel checks at once, one at a time per host (ERP.net's
	// per-session rate limits), one session per Trusted App (package fleet).
	notRun := false
	fleet.Run(e.ctx, batch, fo, func(res fleet.Result) {
		if !res.Started {
			notRun = true
			return
		}
		k, rep := res.Index, res.Report
		i, t := ready[k], targets[ready[k]]
		if tty {
			outMu.Lock()
			progOf(k).revised(&rep)
			outMu.Unlock()
		}
		sum := check.Summarize(rep)
		sum.Profile, sum.ClientID = t.p.Name, t.p.ClientID
		journal.appendSummary(rep, sum)
		d := report.Build(rep, t.p)
		if withDrift && !rep.Cancelled {
			d.Drift = driftOf(base, t.p.Name, sum)
		}
		d.Forget(t.secret, supplied)
		if !f.json && f.reportFile == "" {
			for s := range d.Steps {
				d.Steps[s].Exchanges = nil
			}
		}
		docs[i], outcomes[i] = d, outcome{rep.Verdict, rep.Cancelled}
		started[i] = true
	})
	var ran []report.Document
	var ranOutcomes []outcome
	for _, i := range ready {
		if !started[i] {
			continue
		}
		ran = append(ran, docs[i])
		ranOutcomes = append(ranOutcomes, outcomes[i])
	}
	if err := writeOutputs(e, f, ran); err != nil {
		return err
	}
	if notRun {
		return exitWith(exitInterrupted)
	}
	code := exitOK
	for i, r := range ranOutcomes {
		if r.cancelled || e.ctx.Err() != nil {
			return exitWith(exitInterrupted)
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
	return exitWith(code)
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
