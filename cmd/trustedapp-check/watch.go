package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/fleet"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
)

const watchUsage = `Usage:
  trustedapp-check watch PROFILE... | --all [flags]

Checks the profiles every --every (15m) and publishes the results as Prometheus
metrics: written to a textfile-collector file (--metrics-file, replaced atomically
after each whole round) and/or served at http://ADDR/metrics (--listen). The metrics are
listed in the README ("Monitoring with Prometheus"); their labels are the profile,
the instance's host, the client_id and the environment, never a secret or a token.

Each round follows the engine's licence rules: a token is reused while valid
(kept in the system keychain, as check does), so its ERP.net session is too; two
profiles of one Trusted App share one session (the second skips its API calls);
--no-api stops after the token, using no session and no licence slot. A round
that overruns its interval is never overlapped: the next starts at the next tick
after it ends. SIGINT or SIGTERM cancels the round in flight and stops; the
metrics file is only ever replaced whole, and a cancelled round leaves it as the
last whole round wrote it. Every run also goes to History.

--once runs one round, writes the file and exits: for cron, systemd timers and
Windows Task Scheduler (the .deb and .rpm ship a systemd user timer for it,
disabled until enabled; the README has the schtasks line).

Flags:
  --all                 watch every stored profile (the store is read again each
                        round, so profiles added or removed are picked up)
  --every DUR           the interval between rounds (default 15m; at least 10s);
                        with --once, how often the scheduler runs it (published
                        for the "watch stopped reporting" alert)
  --once                one round, then exit (exit code as check: 1 when a check
                        failed, 3 when a profile could not be checked)
  --no-api              stop after the token: no API call, no licence slot
  --metrics-file FILE   write the metrics there after each round (for
                        node_exporter's textfile collector: a *.prom file in its
                        --collector.textfile.directory)
  --listen ADDR         serve the metrics at http://ADDR/metrics; a port alone
                        binds 127.0.0.1 (default: no server). Bind another
                        address only on a network you trust: the metrics name
                        your customers' instances and Trusted Apps
  --parallel N          profiles checked at once (default 4; one at a time per host)
  --store FILE          profile store (default: $TRUSTEDAPP_STORE or the user
                        config directory)

The secret of each profile comes from the system keychain, read each round (a
rotated secret is picked up); with one PROFILE, TRUSTEDAPP_SECRET overrides it.

Exit codes: 0 stopped by SIGINT/SIGTERM (or --once: every check passed), 1 --once:
a check failed, 2 usage error, 3 store, profile, secret or keychain problem, or
the --listen address cannot be bound, 4 --once interrupted.
`

// minWatchEvery is the shortest --every (a variable for the tests of overruns).
var minWatchEvery = 10 * time.Second

// watchOptions is what watch parses its command line into.
type watchOptions struct {
	env
	names       []string
	all         bool
	every       time.Duration
	once, noAPI bool
	metricsFile string
	listen      string
	parallel    int
	store       string
}

func parseWatch(e env) (*watchOptions, error) {
	o := &watchOptions{env: e}
	fs := newFlagSet("watch")
	fs.BoolVar(&o.all, "all", false, "")
	every := fs.String("every", "15m", "")
	fs.BoolVar(&o.once, "once", false, "")
	fs.BoolVar(&o.noAPI, "no-api", false, "")
	fs.StringVar(&o.metricsFile, "metrics-file", "", "")
	fs.StringVar(&o.listen, "listen", "", "")
	fs.IntVar(&o.parallel, "parallel", fleet.DefaultParallel, "")
	fs.StringVar(&o.store, "store", "", "")
	names, err := parseArgs(fs, e.args, watchUsage, watchUsage)
	if err != nil {
		return nil, err
	}
	o.names = names
	d, err := time.ParseDuration(*every)
	switch {
	case err != nil:
		return nil, usageErr("--every %q is not a duration: write e.g. 5m, 15m or 1h", *every)
	case d < minWatchEvery:
		return nil, usageErr("--every %s: use at least %s (a check takes seconds, and each one is logged)", d, minWatchEvery)
	}
	o.every = d
	switch {
	case o.all && len(names) > 0:
		return nil, usageErr("--all watches every stored profile: give no PROFILE with it")
	case !o.all && len(names) == 0:
		return nil, usageErr("name the profiles to watch, or give --all")
	case o.parallel < 1 || o.parallel > 64:
		return nil, usageErr("--parallel %d: use 1 to 64", o.parallel)
	case o.metricsFile == "" && o.listen == "":
		return nil, usageErr("nowhere to publish the metrics: give --metrics-file FILE, --listen ADDR, or both")
	case o.once && o.listen != "":
		return nil, usageErr("--once exits after one round, so nothing could scrape --listen: use --metrics-file with --once")
	}
	if o.listen != "" {
		if o.listen, err = listenAddr(o.listen); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// listenAddr is --listen as an address to bind: a port alone binds the loopback.
func listenAddr(s string) (string, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 65535 {
		return net.JoinHostPort("127.0.0.1", s), nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", usageErr("--listen %q: give HOST:PORT, e.g. 127.0.0.1:9464, or a port", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", usageErr("--listen %q: the port must be a number from 0 to 65535", s)
	}
	return net.JoinHostPort(host, port), nil
}

func watchRun(o *watchOptions) error {
	w := &watcher{o: o, cache: newTokenCache(), journal: newHistoryWriter(o.env), metrics: newWatchMetrics(o.every)}
	// The profiles must be there at the start; later rounds say what went missing.
	if _, _, err := w.targets(); err != nil {
		return err
	}
	w.seedFromHistory()
	if o.listen != "" {
		srv, addr, err := w.serve(o.listen)
		if err != nil {
			return err
		}
		defer srv.Close()
		fmt.Fprintf(o.stderr, "Serving the metrics at http://%s/metrics\n", addr)
	}
	for {
		start := time.Now()
		code := w.round(o.ctx)
		// A cancelled round leaves the file as the last whole round wrote it.
		if o.metricsFile != "" && o.ctx.Err() == nil {
			if err := w.metrics.writeFile(o.metricsFile); err != nil {
				if o.once {
					return envErr("cannot write the metrics file: %v", err)
				}
				// A full disk may clear: the next round tries again.
				fmt.Fprintf(o.stderr, "warning: cannot write the metrics file (%v); the next round tries again\n", err)
			}
		}
		if o.ctx.Err() != nil {
			if o.once {
				return exitWith(exitInterrupted)
			}
			fmt.Fprintln(o.stderr, "Stopped.")
			return nil
		}
		if o.once {
			return exitWith(code)
		}
		// The next tick after this round ends: a round that overran skips the ticks
		// it ran over, so rounds never overlap.
		next := start.Add(o.every)
		if now := time.Now(); !next.After(now) {
			w.metrics.overrun()
			fmt.Fprintf(o.stderr, "warning: the round took %s, longer than --every %s: the next starts at the next tick\n", now.Sub(start).Round(time.Second), o.every)
			for !next.After(now) {
				next = next.Add(o.every)
			}
		}
		t := time.NewTimer(time.Until(next))
		select {
		case <-o.ctx.Done():
			t.Stop()
			fmt.Fprintln(o.stderr, "Stopped.")
			return nil
		case <-t.C:
		}
	}
}

// watcher is one watch process: its token cache (kept across rounds), History and
// metrics.
type watcher struct {
	o       *watchOptions
	cache   *check.TokenCache
	journal *historyWriter
	metrics *watchMetrics
	// base is each profile's newest passing run, for drift: from History at the
	// start, then this process's own passing runs.
	base map[string]*check.RunSummary
}

// targets reads the store and the secrets: the profiles to check this round, and
// those that cannot be checked with why. A store that cannot be read, or (with named
// profiles) none of them found, is an error.
func (w *watcher) targets() ([]fleet.Target, map[string]watchProblem, error) {
	s, err := openStore(w.o.store, nil)
	if err != nil {
		return nil, nil, err
	}
	var ps []profiles.Profile
	problems := map[string]watchProblem{}
	if w.o.all {
		ps = s.List()
		if len(ps) == 0 {
			return nil, nil, envErr("the profile store %s has no profiles; add one with 'trustedapp-check profiles add'", s.Path())
		}
	} else {
		for _, n := range w.o.names {
			p, err := s.Get(n)
			if err != nil {
				problems[n] = watchProblem{p: profiles.Profile{Name: n}, err: err}
				continue
			}
			ps = append(ps, p)
		}
		if len(ps) == 0 {
			return nil, nil, envErr("none of the profiles to watch is in %s (see 'trustedapp-check profiles list')", s.Path())
		}
	}
	secrets := newSecrets()
	var out []fleet.Target
	for _, p := range ps {
		var sec string
		if len(w.o.names) == 1 && os.Getenv(SecretEnv) != "" {
			sec = os.Getenv(SecretEnv)
		} else if sec, err = secrets.Get(p.Name); err != nil {
			problems[p.Name] = watchProblem{p: p, err: err}
			continue
		}
		out = append(out, fleet.Target{Profile: p, Secret: sec})
	}
	return out, problems, nil
}

// watchProblem is a profile a round could not check.
type watchProblem struct {
	p   profiles.Profile
	err error
}

// seedFromHistory takes each profile's last passing run from History: the last
// success time a new process publishes (--once) and the drift baseline.
func (w *watcher) seedFromHistory() {
	w.base = map[string]*check.RunSummary{}
	path, err := audit.DefaultPath()
	var l *audit.Log
	if err == nil {
		l, err = audit.Open(path)
	}
	var latest map[string]audit.Latest
	if err == nil {
		latest, err = l.LatestRuns(w.o.names...)
	}
	if err != nil {
		fmt.Fprintf(w.o.stderr, "warning: History cannot be read (%v): the last success time and drift start from this process's runs\n", err)
		return
	}
	for n, x := range latest {
		if b := x.Baseline(); b != nil {
			w.base[n] = b
			w.metrics.seedSuccess(n, b.Started.Add(time.Duration(b.DurationMS)*time.Millisecond))
		}
	}
}

// round checks every profile once and returns the exit code --once would end with.
func (w *watcher) round(ctx context.Context) int {
	started := time.Now()
	ts, problems, err := w.targets()
	if err != nil {
		// The store went away between rounds: say so, keep the last results.
		fmt.Fprintf(w.o.stderr, "trustedapp-check watch: %v; the round is skipped\n", err)
		w.metrics.roundDone(started, 0)
		return exitEnvironment
	}
	failed := false
	for _, pr := range problems {
		fmt.Fprintf(w.o.stderr, "trustedapp-check watch: profile %q: %v; not checked\n", safetext.Line(pr.p.Name), pr.err)
		w.metrics.couldNotCheck(pr.p, time.Now())
	}
	opts := check.Options{Cache: w.cache}
	if w.o.noAPI {
		opts.Mode = check.NoAPI
	}
	fleet.Run(ctx, ts, fleet.Options{Parallel: w.o.parallel, Run: opts}, func(res fleet.Result) {
		if !res.Started || res.Report.Cancelled {
			return // cancelled: the profile keeps its last results
		}
		p, rep := ts[res.Index].Profile, res.Report
		sum := check.Summarize(rep)
		sum.Profile, sum.ClientID = p.Name, p.ClientID
		w.journal.appendSummary(rep, sum)
		drift := driftOf(w.base, p.Name, sum)
		if audit.Passed(sum) {
			s := sum
			w.base[p.Name] = &s
		}
		w.metrics.checked(p, rep, *drift)
		if rep.Verdict == check.Fail {
			failed = true
		}
	})
	if ctx.Err() != nil {
		return exitInterrupted // not a whole round: not counted
	}
	w.metrics.keepOnly(ts, problems)
	w.metrics.roundDone(started, len(ts)+len(problems))
	switch {
	case failed:
		return exitFailed
	case len(problems) > 0:
		return exitEnvironment
	}
	return exitOK
}

// serve starts the /metrics server on addr; it returns the server and the address
// it is bound to (a port 0 gets a free one).
func (w *watcher) serve(addr string) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", envErr("--listen %s: %v", addr, err)
	}
	srv := &http.Server{Handler: w.metrics.handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return srv, ln.Addr().String(), nil
}
