package main

import (
	"fmt"
	"sync"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// auditRecorder appends each run's token requests and API calls to the same audit log
// the desktop app shows under History. The log is opened on first use; a log that
// cannot be written is a warning on stderr, never a failed check.
type auditRecorder struct {
	e      env
	once   sync.Once
	log    *audit.Log
	err    error
	warned sync.Once
}

func newAuditRecorder(e env) *auditRecorder { return &auditRecorder{e: e} }

func (a *auditRecorder) record(p profiles.Profile, r check.Report) {
	a.once.Do(func() {
		path, err := audit.DefaultPath()
		if err == nil {
			a.log, err = audit.Open(path)
		}
		a.err = err
	})
	err := a.err
	if err == nil {
		err = a.log.RecordReport(p.Name, p.ClientID, r)
	}
	if err != nil {
		a.warned.Do(func() {
			fmt.Fprintf(a.e.stderr, "warning: the audit log was not written (%v); set %s to a writable file\n", err, audit.EnvPath)
		})
	}
}
