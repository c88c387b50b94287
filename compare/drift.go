package compare

import (
	"fmt"
	"strings"
	"time"

	"trustedapp-tester/check"
)

// Drift: what changed in a profile's newest run since its last passing run (History's
// audit.Latest gives the pair). Only what says the Trusted App or its instance changed
// counts: the verdict, the System User, the database, the granted scopes, the token's
// lifetime, the instance's version, and the Trusted App record's fields when both runs
// read it. Timings, findings and steps are left to the full comparison (Runs).
//
// A fact is compared only when both runs saw it: a run whose token request failed has
// no System User, no scopes and no token lifetime, so its drift is its verdict (and the
// version, if it reached the instance), not "System User: svc-import -> (none)".

// Stable keys of the drift facts (Change.Key), for scripts, metrics and alerts.
const (
	DriftVerdict       = "verdict"
	DriftSystemUser    = "system_user"
	DriftDatabase      = "database"
	DriftScopesGranted = "scopes_granted"
	DriftTokenLifetime = "token_lifetime"
	DriftVersion       = "version"
	// DriftRecordPrefix starts the key of a record field: "record.Scope",
	// "record.SystemUserAllowed", ...
	DriftRecordPrefix = "record."
)

// DriftKeys are the keys of the facts drift compares besides the record's fields, in
// the order changes are listed.
var DriftKeys = []string{DriftVerdict, DriftSystemUser, DriftDatabase, DriftScopesGranted, DriftTokenLifetime, DriftVersion}

// Change is one fact that differs.
type Change struct {
	Key   string `json:"key"`   // one of DriftKeys, or DriftRecordPrefix + the record's field
	Field string `json:"field"` // the fact as people read it: "Scopes granted", "Record: Scope"
	Was   string `json:"was"`   // in the last passing run
	Now   string `json:"now"`   // in the newest run
}

// Drift is the outcome of Drifted.
type Drift struct {
	// Since is the last passing run the newest was compared with (its id and start);
	// empty when there was none.
	SinceRunID   string    `json:"since_run_id,omitempty"`
	SinceStarted time.Time `json:"since_started,omitzero"`
	// Baseline is false when History has no passing run to compare with: Changes is
	// then empty and means nothing.
	Baseline bool     `json:"baseline"`
	Changes  []Change `json:"changes"`
}

// Changed reports whether the newest run differs from the last passing one.
func (d Drift) Changed() bool { return len(d.Changes) > 0 }

// Has reports whether a change with key is among the changes.
func (d Drift) Has(key string) bool {
	for _, c := range d.Changes {
		if c.Key == key {
			return true
		}
	}
	return false
}

// Drifted compares newest with lastPass (nil: there is no passing run to compare with)
// and returns what changed, in DriftKeys order and then the record's fields in the
// record's order. It reuses Runs's rows (the same words the comparison view shows).
func Drifted(newest check.RunSummary, lastPass *check.RunSummary) Drift {
	d := Drift{Changes: []Change{}}
	if lastPass == nil {
		return d
	}
	was := *lastPass
	d.Baseline, d.SinceRunID, d.SinceStarted = true, was.ID, was.Started
	rows := map[string]Row{}
	var record []Row
	for _, r := range Runs(was, newest, "", "").Rows {
		if r.Group == GroupRecord {
			record = append(record, r)
		} else {
			rows[r.Group+"\x00"+r.Field] = r
		}
	}
	both := tokenIssued(was) && tokenIssued(newest)
	add := func(key, field, a, b string) {
		if a != b {
			d.Changes = append(d.Changes, Change{Key: key, Field: field, Was: a, Now: b})
		}
	}
	fromRow := func(key, group, field string) {
		if r, ok := rows[group+"\x00"+field]; ok && !r.Same {
			add(key, field, r.A, r.B)
		}
	}
	fromRow(DriftVerdict, GroupVerdict, "Verdict")
	if both {
		fromRow(DriftSystemUser, GroupIdentity, "System User")
		fromRow(DriftDatabase, GroupIdentity, "Database")
		fromRow(DriftScopesGranted, GroupScopes, "Scopes granted")
		if was.TokenLifetimeS > 0 && newest.TokenLifetimeS > 0 {
			add(DriftTokenLifetime, "Token lifetime", seconds(was.TokenLifetimeS), seconds(newest.TokenLifetimeS))
		}
	}
	if was.Version != "" && newest.Version != "" {
		add(DriftVersion, "Version", was.Version, newest.Version)
	}
	if recordRead(was.Record) && recordRead(newest.Record) {
		for _, r := range record {
			if !r.Same {
				add(DriftRecordPrefix+r.Field, "Record: "+r.Field, r.A, r.B)
			}
		}
	}
	return d
}

// tokenIssued reports whether the run got a token and so saw a System User, a
// database and granted scopes.
func tokenIssued(s check.RunSummary) bool {
	for _, st := range s.Steps {
		if st.Kind == check.StepToken {
			return st.Verdict == check.Pass || st.Verdict == check.Warn
		}
	}
	return false
}

func seconds(n int) string { return (time.Duration(n) * time.Second).String() }

// DriftLine says a drift in one line, for a terminal or a log: "changed since last
// pass (run 1a2b3c4d of 2026-12-05 10:02): Scopes granted read update -> read; System
// User ...", "no change since last pass (run ...)", or "no passing run in History to
// compare with". Times are local.
func DriftLine(d Drift) string {
	if !d.Baseline {
		return "no passing run in History to compare with"
	}
	since := fmt.Sprintf("run %s of %s", d.SinceRunID, d.SinceStarted.Local().Format("2006-01-02 15:04"))
	if !d.Changed() {
		return "no change since last pass (" + since + ")"
	}
	parts := make([]string, 0, len(d.Changes))
	for _, c := range d.Changes {
		parts = append(parts, fmt.Sprintf("%s %s -> %s", c.Field, c.Was, c.Now))
	}
	return "changed since last pass (" + since + "): " + strings.Join(parts, "; ")
}
