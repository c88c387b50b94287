package desk

import (
	"io"
	"slices"

	"fyne.io/fyne/v2"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
)

// The history log: the requests of every run (the History tab, its export) and, where
// the log keeps them, one summary per run (History's runs, the compare view's runs).

// HistoryLog is the history of requests (audit.Log satisfies it): the app appends an
// entry per request of each run, and the History tab reads and exports them.
type HistoryLog interface {
	AppendReport(profile, clientID string, r check.Report) error
	Entries(f audit.Filter) ([]audit.Entry, error)
	Export(w io.Writer, f audit.Filter) error
}

// HistoryAvailable reports whether this session has a history log.
func (d *Desk) HistoryAvailable() bool { return d.deps.History != nil }

// History is the result of reading the history log.
type History struct {
	Op      OpID
	Entries []audit.Entry // newest first
	Err     error
}

// ReadHistory reads the entries matching f on a goroutine, newest first.
func (d *Desk) ReadHistory(f audit.Filter, done func(History)) *Op {
	if d.deps.History == nil {
		return nil
	}
	op := d.startOp("")
	d.background(func() {
		list, err := d.deps.History.Entries(f)
		slices.Reverse(list)
		finish(op, done, History{Op: op.ID, Entries: list, Err: err})
	})
	return op
}

// ExportHistory writes the entries matching f as JSON lines to wc.
func (d *Desk) ExportHistory(wc fyne.URIWriteCloser, f audit.Filter, done func(Written)) *Op {
	if d.deps.History == nil {
		return nil
	}
	return d.write(wc, func(w io.Writer) error { return d.deps.History.Export(w, f) }, done)
}

// RunHistory is the part of the history log that keeps one summary per run, for
// comparing runs later (audit.Log satisfies it). A HistoryLog without it offers no
// runs to compare, and fresh runs go to History as requests only.
type RunHistory interface {
	Runs(f audit.Filter) ([]check.RunSummary, error)
	AppendReportSummary(r check.Report, sum check.RunSummary) error
}

func (d *Desk) runHistory() RunHistory {
	rh, _ := d.deps.History.(RunHistory)
	return rh
}

// RunsAvailable reports whether History keeps runs this session can compare.
func (d *Desk) RunsAvailable() bool { return d.runHistory() != nil }

// Runs is the result of reading History's runs.
type Runs struct {
	Op   OpID
	Runs []check.RunSummary // newest first
	Err  error
}

// ReadRuns reads History's runs matching f on a goroutine, newest first.
func (d *Desk) ReadRuns(f audit.Filter, done func(Runs)) *Op {
	rh := d.runHistory()
	if rh == nil {
		return nil
	}
	op := d.startOp("")
	d.background(func() {
		list, err := rh.Runs(f)
		slices.Reverse(list)
		finish(op, done, Runs{Op: op.ID, Runs: list, Err: err})
	})
	return op
}
