package desk

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"

	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/profiles"
)

// The compare view (the CLI's `diff`): two sides side by side, each a fresh run of a
// profile made now (compare.Fresh: a new token, its API calls, its Trusted App record
// read with that token) or a run from History (audit.Log.Runs). compare.Runs does the
// comparing; the desk gathers the sides, runs the fresh ones and keeps them in History
// like any check.

// CompareSide is one side of a comparison: a fresh run of the profile called Profile,
// made now, or (Run set) a run from History.
type CompareSide struct {
	Profile string
	Run     *check.RunSummary
}

// Fresh reports whether the side is a run to make now.
func (s CompareSide) Fresh() bool { return s.Run == nil && s.Profile != "" }

// Empty reports whether nothing was chosen for the side.
func (s CompareSide) Empty() bool { return s.Run == nil && s.Profile == "" }

// Compared is the result of Compare.
type Compared struct {
	Op         OpID
	Comparison compare.Comparison
	// Sessions is the licence cost of each fresh side (nil for a run from History).
	Sessions [2]*check.SessionCost
	// Cancelled is true when the fresh runs were cancelled: nothing is compared.
	Cancelled bool
	// Err says why nothing was compared: a side could not run (no secret, the
	// keychain, a profile gone, the sandbox would not start).
	Err error
	// HistoryErr is the failure to keep a fresh run in History, if any.
	HistoryErr error
}

// CompareProgress says that the fresh run of one side finished.
type CompareProgress struct {
	Op      OpID
	Side    int // 0 for A, 1 for B
	Profile string
	Verdict check.Verdict
}

// ErrSameSides refuses a comparison of a thing with itself.
var ErrSameSides = errors.New("both sides are the same")

// CompareProblem says why a and b cannot be compared (nil when they can): a side not
// chosen, a profile not in the list, the same History run twice, or two fresh runs of
// one profile (which compare nothing but noise).
func (d *Desk) CompareProblem(a, b CompareSide) error {
	for i, s := range []CompareSide{a, b} {
		switch {
		case s.Empty():
			return fmt.Errorf("choose what side %s is: a profile, and now or a run from History", SideName(i))
		case s.Fresh():
			if _, ok := d.Find(s.Profile); !ok {
				return fmt.Errorf("side %s: no profile is called %q any more", SideName(i), s.Profile)
			}
		}
	}
	switch {
	case a.Fresh() && b.Fresh() && profiles.SameName(a.Profile, b.Profile):
		return fmt.Errorf("%w: two fresh runs of %q compare nothing but noise; compare it now with one of its runs from History", ErrSameSides, a.Profile)
	case a.Run != nil && b.Run != nil && a.Run.ID == b.Run.ID:
		return fmt.Errorf("%w: run %s is on both sides; choose another run for one of them", ErrSameSides, a.Run.ID)
	}
	return nil
}

// SideName names side i of a comparison: A (0) or B (1).
func SideName(i int) string { return string(rune('A' + i)) }

// Compare compares a and b on a goroutine. Fresh sides are run first, at the same
// time, each with a fresh token (never a cached one: the question is how the app
// stands now) and, when readRecord, its Trusted App record read with that token; the
// token then goes to the token cache, so the profile's next test reuses it and its
// ERP.net session instead of opening another. Both secrets are read before anything
// is sent, so a missing one costs no licence. Each fresh run is kept in History like
// any check. began, when not nil, hears of the operation (its Op cancels the fresh
// runs) before any work starts; progress hears of each fresh side that finished. A
// sandbox profile from an earlier session starts the sandbox first.
func (d *Desk) Compare(a, b CompareSide, readRecord bool, began func(*Op), progress func(CompareProgress), done func(Compared)) (*Op, error) {
	if err := d.CompareProblem(a, b); err != nil {
		return nil, err
	}
	op := d.startOp("")
	if began != nil {
		began(op)
	}
	sides := [2]CompareSide{a, b}
	for _, s := range sides {
		if p, ok := d.Find(s.Profile); ok && s.Fresh() && d.sandboxGone(p) {
			d.startSandbox(d.selected, func(err error) {
				if err == nil && !d.SandboxRunning() {
					err = errors.New("the sandbox did not start")
				}
				if err != nil {
					finish(op, done, Compared{Op: op.ID, Err: fmt.Errorf("%q is a sandbox profile and %w", s.Profile, err)})
					return
				}
				d.compare(op, sides, readRecord, progress, done)
			})
			return op, nil
		}
	}
	d.compare(op, sides, readRecord, progress, done)
	return op, nil
}

// compare runs the fresh sides of a comparison on goroutines (UI goroutine).
func (d *Desk) compare(op *Op, sides [2]CompareSide, readRecord bool, progress func(CompareProgress), done func(Compared)) {
	var ps [2]profiles.Profile
	for i, s := range sides {
		if !s.Fresh() {
			continue
		}
		p, ok := d.Find(s.Profile) // now, after a sandbox restart moved its address
		if !ok {
			finish(op, done, Compared{Op: op.ID, Err: fmt.Errorf("side %s: no profile is called %q any more", SideName(i), s.Profile)})
			return
		}
		ps[i] = p
	}
	opts := d.options()
	rh := d.runHistory()
	d.background(func() {
		var secrets [2]string
		defer func() { secrets = [2]string{} }()
		for i, s := range sides {
			if !s.Fresh() {
				continue
			}
			sec, err := d.deps.Secrets.Get(ps[i].Name)
			if errors.Is(err, profiles.ErrSecretNotSet) {
				err = ErrNoSecret
			}
			if err != nil {
				finish(op, done, Compared{Op: op.ID, Err: fmt.Errorf("%q: %w", ps[i].Name, err)})
				return
			}
			secrets[i] = sec
		}
		// Each fresh side runs on its own goroutine; this one takes their ends in turn,
		// so the hops back to the UI goroutine come one at a time, from one goroutine.
		type end struct {
			i    int
			rep  check.Report
			sum  check.RunSummary
			herr error
		}
		ends := make(chan end, 2)
		var (
			res     = Compared{Op: op.ID}
			summary [2]check.RunSummary
			labels  [2]string
			running int
		)
		for i, s := range sides {
			if !s.Fresh() {
				summary[i], labels[i] = *s.Run, compare.HistoryLabel(*s.Run)
				continue
			}
			running++
			go func() {
				rep, sum := compare.Fresh(op.ctx, ps[i], secrets[i], opts, readRecord)
				var herr error
				switch {
				case rh != nil:
					herr = rh.AppendReportSummary(rep, sum)
				case d.deps.History != nil:
					herr = d.deps.History.AppendReport(ps[i].Name, ps[i].ClientID, rep)
				}
				ends <- end{i, rep, sum, herr}
			}()
		}
		for ; running > 0; running-- {
			e := <-ends
			summary[e.i], labels[e.i] = e.sum, compare.FreshLabel(e.sum)
			res.Sessions[e.i] = e.rep.Session
			if e.herr != nil && res.HistoryErr == nil {
				res.HistoryErr = e.herr
			}
			if !e.rep.Cancelled && op.ctx.Err() == nil {
				d.compareProgress(progress, CompareProgress{Op: op.ID, Side: e.i, Profile: ps[e.i].Name, Verdict: e.sum.Verdict})
			}
		}
		if op.ctx.Err() != nil {
			res.Cancelled = true
			finish(op, done, res)
			return
		}
		res.Comparison = compare.Runs(summary[0], summary[1], labels[0], labels[1])
		finish(op, done, res)
	})
}

// CompareCost is what comparing two sides costs the instances: the profiles run
// fresh (each a new token whose first API call opens an ERP.net session, which holds a
// licence slot), those of them tagged Production, and whether both run against one
// instance (their sessions then take two of its licences).
type CompareCost struct {
	Fresh        []string
	Production   []string
	SameInstance bool
}

// CostOf is the cost of comparing a and b.
func (d *Desk) CostOf(a, b CompareSide) CompareCost {
	var c CompareCost
	var roots []string
	for _, s := range []CompareSide{a, b} {
		p, ok := d.Find(s.Profile)
		if !s.Fresh() || !ok {
			continue
		}
		c.Fresh = append(c.Fresh, p.Name)
		roots = append(roots, p.Root())
		if profiles.IsProduction(p.Environment) {
			c.Production = append(c.Production, p.Name)
		}
	}
	c.SameInstance = len(roots) == 2 && strings.EqualFold(roots[0], roots[1])
	return c
}

// compareProgress hands one side's end to the UI goroutine.
func (d *Desk) compareProgress(progress func(CompareProgress), p CompareProgress) {
	if progress == nil {
		return
	}
	fyne.Do(func() { progress(p) })
}

// ComparisonText is the comparison as `trustedapp-check diff --all` prints it, for the
// clipboard or a ticket.
func ComparisonText(c compare.Comparison) []byte {
	var b bytes.Buffer
	compare.WriteText(&b, c, true)
	return b.Bytes()
}
