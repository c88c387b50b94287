package main

import (
	"fmt"
	"sync"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// historyWriter appends an entry for each of a run's token requests and API calls, and
// the run's summary, to the same history (audit) log the desktop app shows under
// History. The log is opened on first use; a log that
// cannot be written is a warning on stderr, never a failed check.
type historyWriter struct {
	e      env
	once   sync.Once
	log    *audit.Log
	err    error
	warned sync.Once
}

func newHistoryWriter(e env) *historyWriter { return &historyWriter{e: e} }

func (a *historyWriter) appendRun(p profiles.Profile, r check.Report) {
	s := check.Summarize(r)
	s.Profile, s.ClientID = p.Name, p.ClientID
	a.appendSummary(r, s)
}

// appendSummary is appendRun with the run's summary made by the caller (a fresh run of
// diff, with the Trusted App record's checklist in it).
func (a *historyWriter) appendSummary(r check.Report, s check.RunSummary) {
	a.once.Do(func() {
		path, err := audit.DefaultPath()
		if err == nil {
			a.log, err = audit.Open(path)
		}
		a.err = err
	})
	err := a.err
	if err == nil {
		err = a.log.AppendReportSummary(r, s)
	}
	if err != nil {
		a.warned.Do(func() {
			fmt.Fprintf(a.e.stderr, lang.X("cli.audit.warning_audit_log_was_not", "warning: the audit log was not written (%v); set %s to a writable file\n"), err, audit.EnvPath)
		})
	}
}
