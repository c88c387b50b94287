package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

func diffUsage() string {
	return helpFor(lang.X("cli.usage.diff", `Usage:
  trustedapp-check diff A B [--all] [--json] [--no-record] [--timeout DUR] [--store FILE]
  trustedapp-check diff --runs [PROFILE] [--limit N] [--json]

Puts two runs side by side: two profiles (a Test and a Production app) or two runs of
one profile (before and after a change). It compares the System User, database,
scopes requested and granted, each step's and API call's result, the Trusted App
record's fields, the findings and the timings. Differences come first; identical
rows are folded (--all shows them; --json flags them with "same": true).

A and B are each one of:
  PROFILE      a fresh run of the stored profile now: a new token (never a cached
               one), its API calls, and its Trusted App record read with that token
               (skipped with --no-record; a System User that may not read records
               leaves the record rows "not read"). Its secret comes from {keychain}.
               The run is kept in History like any check.
  PROFILE@N    the profile's N-th latest run in History (PROFILE@1 is the latest),
               as it was: History keeps each run's summary, never its token
  @RUN         the run with that id in History (at least 4 of its hex digits)

So 'diff Test Production' compares two apps now, and 'diff Test Test@1' compares the
Test app now with its last run. 'diff --runs [PROFILE]' lists History's runs, newest
first, with their ids and PROFILE@N names (the newest 50; --limit N, 0 for all).
Timings count as different only when one is more than twice the other and more than
250 ms apart.

Exit codes: 0 no differences, 1 differences, 2 usage error, 3 store, profile, secret,
{keychain} or History problem, 4 interrupted.
`))
}

// diffOperand is one side: a fresh run of a profile, or a run from History.
type diffOperand struct {
	arg     string
	fresh   bool
	profile profiles.Profile
	run     check.RunSummary
}

// diffOptions is what diff parses its command line into.
type diffOptions struct {
	env
	store                     string
	json, all, noRecord, runs bool
	limit                     int
	callTimeout               time.Duration // --timeout (0: each profile's own)
	names                     []string      // PROFILE, PROFILE@N or @RUN; with --runs, PROFILE
}

func parseDiff(e env) (*diffOptions, error) {
	o := &diffOptions{env: e}
	fs := newFlagSet("diff")
	var timeout string
	fs.IntVar(&o.limit, "limit", 50, "")
	fs.StringVar(&o.store, "store", "", "")
	fs.StringVar(&timeout, "timeout", "", "")
	fs.BoolVar(&o.json, "json", false, "")
	fs.BoolVar(&o.all, "all", false, "")
	fs.BoolVar(&o.noRecord, "no-record", false, "")
	fs.BoolVar(&o.runs, "runs", false, "")
	names, err := parseArgs(fs, e.args, diffUsage(), "")
	if err != nil {
		return nil, err
	}
	o.names = names
	pf := &profileFields{timeout: timeout}
	if o.callTimeout, err = pf.timeoutFlag(map[string]bool{"timeout": timeout != ""}); err != nil {
		return nil, err
	}
	return o, nil
}

func diffRun(o *diffOptions) error {
	history, err := openHistory()
	if err != nil {
		return err
	}
	if o.runs {
		if len(o.names) > 1 {
			return usageErr("%s", lang.X("cli.diff.runs_lists_runs_one_profile", "--runs lists the runs of one profile (or of all): give at most one PROFILE"))
		}
		if o.limit < 0 {
			return usageErr(lang.X("cli.diff.limit_give_how_many_runs", "--limit %d: give how many runs to list (0 lists them all)"), o.limit)
		}
		return listRuns(o.env, history, o.names, o.json, o.limit)
	}
	if len(o.names) != 2 {
		return usageErr(lang.X("cli.diff.give_two_things_compare_profile", "give two things to compare (PROFILE, PROFILE@N or @RUN); got %d"), len(o.names))
	}
	var st *profiles.Store
	ops := make([]*diffOperand, 2)
	for i, arg := range o.names {
		op, s, err := resolveOperand(arg, o.store, st, history)
		if err != nil {
			return err
		}
		st, ops[i] = s, op
	}
	if ops[0].fresh && ops[1].fresh && strings.EqualFold(ops[0].profile.Name, ops[1].profile.Name) {
		return usageErr(lang.X("cli.diff.two_fresh_runs_compare_nothing", "two fresh runs of %q compare nothing but noise: compare it with its last run instead (%s %s@1)"), ops[0].profile.Name, o.names[0], o.names[0])
	}
	// Fresh runs last, so PROFILE@1 means the run before this command.
	ctx := ctxOrBackground(o.ctx)
	journal := newHistoryWriter(o.env)
	for _, op := range ops {
		if !op.fresh {
			continue
		}
		secret, err := newSecrets().Get(op.profile.Name)
		if err != nil {
			return envErr("%v", secretErr(op.profile, err))
		}
		rep, sum := compare.Fresh(ctx, op.profile, secret, check.Options{Timeout: o.callTimeout}, !o.noRecord)
		secret = ""
		journal.appendSummary(rep, sum)
		if rep.Cancelled || ctx.Err() != nil {
			return errInterrupted
		}
		op.run = sum
	}
	c := compare.Runs(ops[0].run, ops[1].run, ops[0].label(), ops[1].label())
	if o.json {
		if err := writeJSONOut(o.env, c); err != nil {
			return err
		}
	} else {
		var b bytes.Buffer
		compare.WriteTextIn(lang.Localizer(), &b, c, o.all)
		o.stdout.Write(b.Bytes())
	}
	if c.Differences > 0 {
		return exitWith(exitFailed)
	}
	return nil
}

func (op *diffOperand) label() string {
	if op.fresh {
		return compare.FreshLabel(op.run)
	}
	return compare.HistoryLabel(op.run)
}

// openHistory opens the audit log the app and the CLI share.
func openHistory() (*audit.Log, error) {
	path, err := audit.DefaultPath()
	if err != nil {
		return nil, envErr("%v", err)
	}
	l, err := audit.Open(path)
	if err != nil {
		return nil, envErr("%v", err)
	}
	return l, nil
}

// resolveOperand reads PROFILE, PROFILE@N or @RUN. The store is opened on first need
// and handed back for the next operand.
func resolveOperand(arg, storePath string, st *profiles.Store, history *audit.Log) (*diffOperand, *profiles.Store, error) {
	op := &diffOperand{arg: arg}
	if id, ok := strings.CutPrefix(arg, "@"); ok {
		run, err := history.Run(id)
		if err != nil {
			if errors.Is(err, audit.ErrRunNotFound) {
				return nil, st, usageErr(lang.X("cli.diff.trustedapp_check_diff_runs_lists", "%v; 'trustedapp-check diff --runs' lists them"), err)
			}
			return nil, st, usageErr("%v", err)
		}
		op.run = run
		return op, st, nil
	}
	if st == nil {
		s, err := openStore(storePath, nil)
		if err != nil {
			return nil, nil, err
		}
		st = s
	}
	if p, err := st.Get(arg); err == nil {
		op.fresh, op.profile = true, p
		return op, st, nil
	}
	if i := strings.LastIndexByte(arg, '@'); i > 0 {
		name, nth := arg[:i], arg[i+1:]
		n, err := strconv.Atoi(nth)
		if err != nil || n < 1 {
			return nil, st, usageErr(lang.X("cli.diff.after_give_n_1_latest", "%q: after @ give N (1 is the latest run), e.g. %s@1"), arg, name)
		}
		p, err := st.Get(name)
		if err != nil {
			return nil, st, envErr(lang.X("cli.diff.see_trustedapp_check_profiles_list", "%v (see 'trustedapp-check profiles list')"), err)
		}
		runs, err := history.Runs(audit.Filter{Profile: p.Name})
		if err != nil {
			return nil, st, envErr("%v", err)
		}
		if n > len(runs) {
			return nil, st, usageErr(lang.X("cli.diff.history_has_run_s_trustedapp", "%q: History has %d run(s) of %q; 'trustedapp-check diff --runs %s' lists them"), arg, len(runs), p.Name, platform.Current().Quote(p.Name))
		}
		op.run = runs[len(runs)-n]
		return op, st, nil
	}
	_, err := st.Get(arg)
	return nil, st, envErr(lang.X("cli.diff.see_trustedapp_check_profiles_list2", "%v (see 'trustedapp-check profiles list'; History runs are PROFILE@N or @RUN)"), err)
}

// runListing is one line of diff --runs.
type runListing struct {
	Ref        string        `json:"ref"` // PROFILE@N
	ID         string        `json:"id"`
	Profile    string        `json:"profile"`
	Started    time.Time     `json:"started"`
	Verdict    check.Verdict `json:"verdict"`
	SystemUser string        `json:"system_user,omitempty"`
	RecordRead bool          `json:"record_read"`
}

func listRuns(e env, history *audit.Log, pos []string, asJSON bool, limit int) error {
	runs, err := history.Runs(audit.Filter{})
	if err != nil {
		return envErr("%v", err)
	}
	nth := map[string]int{}
	list := []runListing{}
	for i := len(runs) - 1; i >= 0 && (limit == 0 || len(list) < limit); i-- {
		r := runs[i]
		// The name as the store matches it (case, accents), as PROFILE@N does.
		if len(pos) == 1 && !profiles.SameName(r.Profile, pos[0]) {
			continue
		}
		nth[r.Profile]++
		read := false
		for _, rf := range r.Record {
			read = read || rf.State != check.RecordUnknown
		}
		list = append(list, runListing{Ref: fmt.Sprintf("%s@%d", r.Profile, nth[r.Profile]), ID: r.ID, Profile: r.Profile,
			Started: r.Started, Verdict: r.Verdict, SystemUser: r.SystemUser, RecordRead: read})
	}
	if asJSON {
		return writeJSONOut(e, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, lang.X("cli.diff.history_holds_no_runs_yet", "History holds no runs yet: run 'trustedapp-check check PROFILE' (or test in the app) first."))
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, lang.X("cli.diff.run_started_verdict_system_user", "RUN\tSTARTED\tVERDICT\tSYSTEM USER\tREF"))
	for _, r := range list {
		fmt.Fprintf(tw, "@%s\t%s\t%s\t%s\t%s\n", r.ID, r.Started.Local().Format("2006-01-02 15:04:05"), report.VerdictIn(lang.Localizer(), r.Verdict),
			safetext.Line(dash(r.SystemUser)), safetext.Line(r.Ref))
	}
	tw.Flush()
	return nil
}
